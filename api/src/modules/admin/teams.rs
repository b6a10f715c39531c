//! Teams and their members: managed under `/api/v1/admin/teams` (needs
//! `admin:teams`), and readable under `/api/v1/teams` by whoever assigns
//! tickets (`ticket:assign` or `admin:teams`).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use shared_types::ErrorBody;
use shared_types::admin::{AddTeamMemberRequest, TeamDto, TeamMemberDto, TeamRequest};
use uuid::Uuid;

use super::service::{self, Authorized, ManageTeams, ViewTeams};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::state::AppState;

/// Every team with its member count, by name.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The teams", body = Vec<TeamDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
    )
)]
#[get("/teams")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list_teams(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<Vec<TeamDto>>, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    Ok(web::Json(service::teams::list(&state, &by).await?))
}

/// Create a team.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = TeamRequest,
    responses(
        (status = 201, description = "Created", body = TeamDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
        (status = 409, description = "`team_name_taken`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
#[post("/teams")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn create_team(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    ApiJson(body): ApiJson<TeamRequest>,
) -> Result<HttpResponse, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    Ok(HttpResponse::Created().json(service::teams::create(&state, &by, &client, &body).await?))
}

/// Rename a team or change its description.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The team's id")),
    request_body = TeamRequest,
    responses(
        (status = 200, description = "The team", body = TeamDto),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
        (status = 404, description = "`team_not_found`", body = ErrorBody),
        (status = 409, description = "`team_name_taken`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
#[patch("/teams/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn update_team(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
    ApiJson(body): ApiJson<TeamRequest>,
) -> Result<web::Json<TeamDto>, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    Ok(web::Json(service::teams::update(&state, &by, &client, id.into_inner(), &body).await?))
}

/// Delete a team. Its members leave it; its tickets keep no team.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The team's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
        (status = 404, description = "`team_not_found`", body = ErrorBody),
    )
)]
#[delete("/teams/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn delete_team(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    service::teams::delete(&state, &by, &client, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The members of a team, leads first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The team's id")),
    responses(
        (status = 200, description = "The members", body = Vec<TeamMemberDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
        (status = 404, description = "`team_not_found`", body = ErrorBody),
    )
)]
#[get("/teams/{id}/members")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list_team_members(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<TeamMemberDto>>, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    Ok(web::Json(service::teams::members(&state, &by, id.into_inner()).await?))
}

/// Add a user to a team as `member` or `lead`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The team's id")),
    request_body = AddTeamMemberRequest,
    responses(
        (status = 201, description = "Added", body = TeamMemberDto),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
        (status = 404, description = "`team_not_found`", body = ErrorBody),
        (status = 409, description = "`already_member`", body = ErrorBody),
        (status = 422, description = "Unknown or deactivated user, or a role other than member/lead", body = ErrorBody),
    )
)]
#[post("/teams/{id}/members")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn add_team_member(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
    ApiJson(body): ApiJson<AddTeamMemberRequest>,
) -> Result<HttpResponse, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    let member = service::teams::add_member(&state, &by, &client, id.into_inner(), &body).await?;
    Ok(HttpResponse::Created().json(member))
}

/// Remove a user from a team.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The team's id"),
        ("userId" = Uuid, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:teams", body = ErrorBody),
        (status = 404, description = "`team_not_found` or `member_not_found`", body = ErrorBody),
    )
)]
#[delete("/teams/{id}/members/{userId}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn remove_team_member(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let by = Authorized::<ManageTeams>::check(&user)?;
    let (team_id, user_id) = path.into_inner();
    service::teams::remove_member(&state, &by, &client, team_id, user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every team, for choosing where a ticket goes.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The teams", body = Vec<TeamDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:assign and admin:teams", body = ErrorBody),
    )
)]
#[get("")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn team_directory(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<Vec<TeamDto>>, ApiError> {
    let by = Authorized::<ViewTeams>::check(&user)?;
    Ok(web::Json(service::teams::list(&state, &by).await?))
}

/// The members of a team, for choosing an assignee.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The team's id")),
    responses(
        (status = 200, description = "The members", body = Vec<TeamMemberDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:assign and admin:teams", body = ErrorBody),
        (status = 404, description = "`team_not_found`", body = ErrorBody),
    )
)]
#[get("/{id}/members")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn team_directory_members(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<TeamMemberDto>>, ApiError> {
    let by = Authorized::<ViewTeams>::check(&user)?;
    Ok(web::Json(service::teams::members(&state, &by, id.into_inner()).await?))
}
