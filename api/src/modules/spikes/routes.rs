//! `/api/v1/incidents/alerts`: ticket-spike alerts for holders of `incident:manage`.

use actix_web::{HttpRequest, get, post, web};
use shared_types::incidents::{IncidentAlertDetailDto, IncidentAlertDto, IncidentAlertListQuery, LinkAlertRequest};
use shared_types::{ErrorBody, ListResponse};
use uuid::Uuid;

use super::service::IncidentAlerts;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::paging::{Paging, list_response};
use crate::state::AppState;

/// Spike alerts, newest first; filter by status.
#[utoipa::path(
    tag = "incidents",
    operation_id = "list_incident_alerts",
    security(("bearer" = [])),
    params(IncidentAlertListQuery),
    responses(
        (status = 200, description = "A page of alerts", body = ListResponse<IncidentAlertDto>),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks incident:manage", body = ErrorBody),
    )
)]
#[get("/alerts")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<IncidentAlertListQuery>,
) -> Result<web::Json<ListResponse<IncidentAlertDto>>, ApiError> {
    let alerts = IncidentAlerts::new(&state, &user)?;
    let paging = Paging::new(q.page, q.limit)?;
    let (data, total) = alerts.list(&q, paging).await?;
    Ok(web::Json(list_response(&req, paging, total, data)))
}

/// One alert with the tickets it is about.
#[utoipa::path(
    tag = "incidents",
    operation_id = "get_incident_alert",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The alert and its tickets", body = IncidentAlertDetailDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks incident:manage", body = ErrorBody),
        (status = 404, description = "No such alert", body = ErrorBody),
    )
)]
#[get("/alerts/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, alert_id = %id))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<IncidentAlertDetailDto>, ApiError> {
    Ok(web::Json(IncidentAlerts::new(&state, &user)?.get(*id).await?))
}

/// Links the alert's tickets to a parent incident ticket (`ticket_related`, both ways):
/// an existing ticket (`parentTicketId`) or a new one (`createParent`). Audited.
#[utoipa::path(
    tag = "incidents",
    operation_id = "link_incident_alert",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The alert's id")),
    request_body = LinkAlertRequest,
    responses(
        (status = 200, description = "The linked alert and its tickets", body = IncidentAlertDetailDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks incident:manage (or ticket:create to raise the parent)", body = ErrorBody),
        (status = 404, description = "No such alert", body = ErrorBody),
        (status = 409, description = "The alert was dismissed (incident_alert_dismissed)", body = ErrorBody),
        (status = 422, description = "Neither or both of parentTicketId and createParent, or no visible such ticket", body = ErrorBody),
    )
)]
#[post("/alerts/{id}/link")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, alert_id = %id))]
pub async fn link(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
    ApiJson(body): ApiJson<LinkAlertRequest>,
) -> Result<web::Json<IncidentAlertDetailDto>, ApiError> {
    Ok(web::Json(IncidentAlerts::new(&state, &user)?.link(*id, body, &client).await?))
}

/// Marks the alert as not an incident. Audited.
#[utoipa::path(
    tag = "incidents",
    operation_id = "dismiss_incident_alert",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The dismissed alert", body = IncidentAlertDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks incident:manage", body = ErrorBody),
        (status = 404, description = "No such alert", body = ErrorBody),
        (status = 409, description = "The alert is linked (incident_alert_linked)", body = ErrorBody),
    )
)]
#[post("/alerts/{id}/dismiss")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, alert_id = %id))]
pub async fn dismiss(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
) -> Result<web::Json<IncidentAlertDto>, ApiError> {
    Ok(web::Json(IncidentAlerts::new(&state, &user)?.dismiss(*id, &client).await?))
}
