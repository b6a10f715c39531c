//! AI triage over HTTP: agents accept or reject a ticket's predictions (registered in the
//! tickets scope), managers and admins read the AI page, admins set the thresholds.

use actix_web::{get, post, put, web};
use shared_types::ErrorBody;
use shared_types::ai::{AiFeedbackDto, AiFeedbackRequest, AiMetricsDto, AiThresholdsDto};

use super::{feedback, metrics};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::modules::auth::AuthUser;
use crate::modules::tickets::routes::TicketId;
use crate::state::AppState;

/// Accept the latest prediction of a field: its value is applied to the ticket.
#[utoipa::path(
    tag = "tickets",
    operation_id = "accept_ai_prediction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    request_body = AiFeedbackRequest,
    responses(
        (status = 200, description = "The feedback recorded", body = AiFeedbackDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:update", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "No prediction for this field (no_prediction)", body = ErrorBody),
        (status = 412, description = "The ticket changed meanwhile; try again", body = ErrorBody),
        (status = 422, description = "The predicted category is no longer active", body = ErrorBody),
    )
)]
#[post("/{id}/ai/accept")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn accept(
    state: web::Data<AppState>,
    user: AuthUser,
    id: TicketId,
    ApiJson(body): ApiJson<AiFeedbackRequest>,
) -> Result<web::Json<AiFeedbackDto>, ApiError> {
    Ok(web::Json(feedback::settle(&state, &user, id.0, body, true).await?))
}

/// Reject the latest prediction of a field with the right value, which is applied.
#[utoipa::path(
    tag = "tickets",
    operation_id = "reject_ai_prediction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id")),
    request_body = AiFeedbackRequest,
    responses(
        (status = 200, description = "The feedback recorded", body = AiFeedbackDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ticket:update", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "No prediction for this field (no_prediction)", body = ErrorBody),
        (status = 412, description = "The ticket changed meanwhile; try again", body = ErrorBody),
        (status = 422, description = "`value` missing, or not an active category or a priority", body = ErrorBody),
    )
)]
#[post("/{id}/ai/reject")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn reject(
    state: web::Data<AppState>,
    user: AuthUser,
    id: TicketId,
    ApiJson(body): ApiJson<AiFeedbackRequest>,
) -> Result<web::Json<AiFeedbackDto>, ApiError> {
    Ok(web::Json(feedback::settle(&state, &user, id.0, body, false).await?))
}

/// The AI page: model version, applied/suggested/abstained counts, per-category precision,
/// recall and override rate from agents' feedback, and the thresholds.
#[utoipa::path(
    tag = "ai",
    operation_id = "get_ai_metrics",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The figures", body = AiMetricsDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks ai:metrics", body = ErrorBody),
    )
)]
#[get("/metrics")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn get_metrics(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<AiMetricsDto>, ApiError> {
    Ok(web::Json(metrics::metrics(&state, &user).await?))
}

/// Set the confidence per field at or above which predictions are applied.
#[utoipa::path(
    tag = "ai",
    operation_id = "set_ai_thresholds",
    security(("bearer" = [])),
    request_body = AiThresholdsDto,
    responses(
        (status = 200, description = "The thresholds in force", body = AiThresholdsDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:ai", body = ErrorBody),
        (status = 422, description = "A threshold outside 0..1", body = ErrorBody),
    )
)]
#[put("/thresholds")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn put_thresholds(
    state: web::Data<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<AiThresholdsDto>,
) -> Result<web::Json<AiThresholdsDto>, ApiError> {
    Ok(web::Json(metrics::set_thresholds(&state, &user, body).await?))
}
