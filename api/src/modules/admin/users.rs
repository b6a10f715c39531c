//! `/api/v1/admin/users`: accounts, their roles and whether they may sign in.
//! Every route needs `admin:users`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use shared_types::admin::{ChangeRoleRequest, CreateUserRequest, CreatedUserDto, UserDto, UserListQuery};
use shared_types::{ErrorBody, ListResponse};
use uuid::Uuid;

use super::service::{self, Authorized, ManageUsers};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::paging::{Paging, list_response};
use crate::state::AppState;

/// Users, newest first, filtered by text, role and state.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = ListResponse<UserDto>),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:users", body = ErrorBody),
        (status = 422, description = "No role has this name", body = ErrorBody),
    )
)]
#[get("/users")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list_users(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<UserListQuery>,
) -> Result<web::Json<ListResponse<UserDto>>, ApiError> {
    let by = Authorized::<ManageUsers>::check(&user)?;
    let paging = Paging::new(q.page, q.limit)?;
    let (data, total) = service::users::list(&state, &by, &q, paging).await?;
    Ok(web::Json(list_response(&req, paging, total, data)))
}

/// Create an account. Without a password, one is generated and answered once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = CreatedUserDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:users", body = ErrorBody),
        (status = 409, description = "`email_taken`: another account uses the address", body = ErrorBody),
        (status = 422, description = "Invalid fields (e-mail, name, password, unknown role)", body = ErrorBody),
    )
)]
#[post("/users")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn create_user(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let by = Authorized::<ManageUsers>::check(&user)?;
    let created = service::users::create(&state, &by, &client, body).await?;
    Ok(HttpResponse::Created().insert_header(("Cache-Control", "no-store")).json(created))
}

/// One user.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user", body = UserDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:users", body = ErrorBody),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
    )
)]
#[get("/users/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn get_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserDto>, ApiError> {
    let by = Authorized::<ManageUsers>::check(&user)?;
    Ok(web::Json(service::users::get(&state, &by, id.into_inner()).await?))
}

/// Change a user's role; it applies from the user's next request.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    request_body = ChangeRoleRequest,
    responses(
        (status = 200, description = "The user with the new role", body = UserDto),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:users", body = ErrorBody),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 409, description = "`last_admin`: the last active admin keeps the role", body = ErrorBody),
        (status = 422, description = "No role has this name", body = ErrorBody),
    )
)]
#[patch("/users/{id}/role")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn change_user_role(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
    ApiJson(body): ApiJson<ChangeRoleRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    let by = Authorized::<ManageUsers>::check(&user)?;
    Ok(web::Json(service::users::change_role(&state, &by, &client, id.into_inner(), &body.role).await?))
}

/// Deactivate an account: it cannot sign in, and its tokens stop working at once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The deactivated user", body = UserDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:users", body = ErrorBody),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 409, description = "`cannot_deactivate_self` or `last_admin`", body = ErrorBody),
    )
)]
#[post("/users/{id}/deactivate")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn deactivate_user(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserDto>, ApiError> {
    let by = Authorized::<ManageUsers>::check(&user)?;
    Ok(web::Json(service::users::set_active(&state, &by, &client, id.into_inner(), false).await?))
}

/// Reactivate an account.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The reactivated user", body = UserDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:users", body = ErrorBody),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
    )
)]
#[post("/users/{id}/activate")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn activate_user(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserDto>, ApiError> {
    let by = Authorized::<ManageUsers>::check(&user)?;
    Ok(web::Json(service::users::set_active(&state, &by, &client, id.into_inner(), true).await?))
}
