//! `GET /api/v1/notifications` and `POST /api/v1/notifications/{id}/read`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use shared_types::notifications::{NotificationDto, NotificationListQuery};
use shared_types::{ErrorBody, ListResponse};
use uuid::Uuid;

use super::service;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::modules::auth::AuthUser;
use crate::paging::{Paging, list_response};
use crate::state::AppState;

/// The caller's notifications (their own and those for a permission they hold), newest first.
#[utoipa::path(
    tag = "notifications",
    operation_id = "list_notifications",
    security(("bearer" = [])),
    params(NotificationListQuery),
    responses(
        (status = 200, description = "A page of notifications", body = ListResponse<NotificationDto>),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
#[get("")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<NotificationListQuery>,
) -> Result<web::Json<ListResponse<NotificationDto>>, ApiError> {
    let paging = Paging::new(q.page, q.limit)?;
    let (data, total) = service::list(&state.db, &user, q.unread.unwrap_or(false), paging).await?;
    Ok(web::Json(list_response(&req, paging, total, data)))
}

/// Marks one of the caller's notifications read (for the caller only).
#[utoipa::path(
    tag = "notifications",
    operation_id = "mark_notification_read",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The notification's id")),
    responses(
        (status = 204, description = "Read"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such notification for the caller", body = ErrorBody),
    )
)]
#[post("/{id}/read")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let txn = state.writer.begin().await?;
    service::mark_read(&txn, &user, id.into_inner(), state.clock.now()).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
