//! Ticket-spike alerts (`/api/v1/incidents/alerts`), for `incident:manage` holders.

use shared_types::ListResponse;
use shared_types::incidents::{IncidentAlertDetailDto, IncidentAlertDto, LinkAlertRequest};
use uuid::Uuid;

use super::{ApiError, get, post};

/// `GET /api/v1/incidents/alerts?status=...`.
pub async fn alerts(status: &str) -> Result<ListResponse<IncidentAlertDto>, ApiError> {
    get(&format!("/api/v1/incidents/alerts?status={status}&limit=50")).await
}

/// `GET /api/v1/incidents/alerts/{id}`.
pub async fn alert(id: Uuid) -> Result<IncidentAlertDetailDto, ApiError> {
    get(&format!("/api/v1/incidents/alerts/{id}")).await
}

/// `POST /api/v1/incidents/alerts/{id}/link`.
pub async fn link(id: Uuid, req: &LinkAlertRequest) -> Result<IncidentAlertDetailDto, ApiError> {
    post(&format!("/api/v1/incidents/alerts/{id}/link"), req).await
}

/// `POST /api/v1/incidents/alerts/{id}/dismiss`.
pub async fn dismiss(id: Uuid) -> Result<IncidentAlertDto, ApiError> {
    post(&format!("/api/v1/incidents/alerts/{id}/dismiss"), &()).await
}
