//! `/api/v1/tickets`: thin handlers that extract, call [`TicketService`] and answer.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, delete, get, patch, post, web};
use shared_types::tickets::{
    AssignTicketRequest, CloseTicketRequest, CommentDto, CreateCommentRequest, CreateTicketRequest, HistoryEntryDto,
    TicketDetailDto, TicketDto, TicketListQuery, UpdateTicketRequest,
};
use shared_types::{ErrorBody, ListResponse};
use uuid::Uuid;

use super::service::{IfMatch, TicketService, etag, not_found};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, OptionalJson};
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::paging::list_response;
use crate::state::AppState;

/// The `{id}` of a ticket path; anything but a UUID is a ticket that does not exist.
#[derive(Debug, Clone, Copy)]
pub struct TicketId(pub Uuid);

impl FromRequest for TicketId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.match_info().get("id").and_then(|s| s.parse().ok());
        ready(id.map(TicketId).ok_or_else(not_found))
    }
}

fn with_etag(mut res: actix_web::HttpResponseBuilder, dto: &TicketDto) -> HttpResponse {
    res.insert_header((header::ETAG, etag(dto.version))).json(dto)
}

fn if_match(req: &HttpRequest) -> Option<IfMatch> {
    req.headers().get(header::IF_MATCH).map(|v| IfMatch::parse(v.to_str().unwrap_or("")))
}

/// List the tickets the caller may see.
///
/// Employees see the tickets they raised; agents their teams' tickets and
/// those raised by or assigned to them; managers and admins every ticket.
#[utoipa::path(
    tag = "tickets",
    operation_id = "list_tickets",
    security(("bearer" = [])),
    params(TicketListQuery),
    responses(
        (status = 200, description = "A page of tickets", body = ListResponse<TicketDto>),
        (status = 400, description = "Bad query parameter, named in details", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
#[get("")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<TicketListQuery>,
) -> Result<web::Json<ListResponse<TicketDto>>, ApiError> {
    let page = TicketService::new(&state).list(&user, &q).await?;
    Ok(web::Json(list_response(&req, page.paging, page.total, page.data)))
}

/// Raise a ticket. Needs `ticket:create`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "create_ticket",
    security(("bearer" = [])),
    request_body = CreateTicketRequest,
    responses(
        (status = 201, description = "Created", body = TicketDto, headers(
            ("Location" = String, description = "The new ticket's URL"),
            ("ETag" = String, description = "The ticket's version, for If-Match"),
        )),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:create", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid field, named in details", body = ErrorBody),
    )
)]
#[post("")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateTicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = TicketService::new(&state).create(&user, body, &client).await?;
    let mut res = HttpResponse::Created();
    res.insert_header((header::LOCATION, format!("/api/v1/tickets/{}", dto.id)));
    Ok(with_etag(res, &dto))
}

/// A ticket with its comments. Internal notes only for `ticket:comment_internal`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "get_ticket",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    responses(
        (status = 200, description = "The ticket and the comments the caller may read", body = TicketDetailDto, headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
    )
)]
#[get("/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn get(state: web::Data<AppState>, user: AuthUser, id: TicketId) -> Result<HttpResponse, ApiError> {
    let dto = TicketService::new(&state).get(&user, id.0).await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(dto.ticket.version))).json(dto))
}

/// Every recorded change to a ticket, oldest first.
#[utoipa::path(
    tag = "tickets",
    operation_id = "ticket_history",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    responses(
        (status = 200, description = "The history", body = Vec<HistoryEntryDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
    )
)]
#[get("/{id}/history")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn history(
    state: web::Data<AppState>,
    user: AuthUser,
    id: TicketId,
) -> Result<web::Json<Vec<HistoryEntryDto>>, ApiError> {
    Ok(web::Json(TicketService::new(&state).history(&user, id.0).await?))
}

/// Change a ticket.
///
/// Status, priority, category, team and tags need `ticket:update`; the
/// requester may edit the title and description while the ticket is new and
/// reopen it once resolved. Closing needs `ticket:close`. Send the ETag in
/// `If-Match` to refuse the write (412) when someone changed it meanwhile.
#[utoipa::path(
    tag = "tickets",
    operation_id = "update_ticket",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The ticket's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    request_body = UpdateTicketRequest,
    responses(
        (status = 200, description = "The ticket after the change", body = TicketDto, headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not allowed to change these fields", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match names an older version (version_mismatch)", body = ErrorBody),
        (status = 422, description = "Invalid field, or a forbidden status move (invalid_transition)", body = ErrorBody),
    )
)]
#[patch("/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: TicketId,
    ApiJson(body): ApiJson<UpdateTicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = TicketService::new(&state).update(&user, id.0, if_match(&req).as_ref(), body, &client).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}

/// Delete a ticket (soft). Needs `ticket:delete`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "delete_ticket",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:delete", body = ErrorBody),
        (status = 404, description = "No such ticket, already deleted, or not visible to the caller", body = ErrorBody),
    )
)]
#[delete("/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: TicketId,
) -> Result<HttpResponse, ApiError> {
    TicketService::new(&state).delete(&user, id.0, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reply on a ticket (`ticket:comment`) or add an internal note (`ticket:comment_internal`).
#[utoipa::path(
    tag = "tickets",
    operation_id = "add_ticket_comment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    request_body = CreateCommentRequest,
    responses(
        (status = 201, description = "The comment", body = CommentDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:comment or ticket:comment_internal", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "The ticket is closed (ticket_closed)", body = ErrorBody),
        (status = 422, description = "Invalid field, named in details", body = ErrorBody),
    )
)]
#[post("/{id}/comments")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn comment(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: TicketId,
    ApiJson(body): ApiJson<CreateCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = TicketService::new(&state).comment(&user, id.0, body, &client).await?;
    Ok(HttpResponse::Created().json(dto))
}

/// Assign, reassign or unassign a ticket.
///
/// Needs `ticket:assign` for an unassigned ticket (or one assigned to the
/// caller) and `ticket:reassign` to take it from someone else. The assignee
/// must be an active user who can work tickets.
#[utoipa::path(
    tag = "tickets",
    operation_id = "assign_ticket",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    request_body = AssignTicketRequest,
    responses(
        (status = 200, description = "The ticket after the change", body = TicketDto, headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:assign or ticket:reassign", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "The ticket is closed (ticket_closed)", body = ErrorBody),
        (status = 412, description = "Changed concurrently; reload and retry", body = ErrorBody),
        (status = 422, description = "Unknown or unsuitable assignee or team, named in details", body = ErrorBody),
    )
)]
#[post("/{id}/assign")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn assign(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: TicketId,
    ApiJson(body): ApiJson<AssignTicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = TicketService::new(&state).assign(&user, id.0, body, &client).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}

/// Close a ticket. Needs `ticket:close`; an optional resolution becomes a public reply.
#[utoipa::path(
    tag = "tickets",
    operation_id = "close_ticket",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    request_body(content = Option<CloseTicketRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The closed ticket", body = TicketDto, headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:close", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "Already closed (ticket_closed)", body = ErrorBody),
        (status = 412, description = "Changed concurrently; reload and retry", body = ErrorBody),
        (status = 422, description = "Invalid field, named in details", body = ErrorBody),
    )
)]
#[post("/{id}/close")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn close(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: TicketId,
    OptionalJson(body): OptionalJson<CloseTicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = TicketService::new(&state).close(&user, id.0, body, &client).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}
