//! Ticket-spike (incident) alerts as team leads see them, and what they can do with one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use crate::tickets::CreateTicketRequest;

/// Kind of the notification sent to `incident:manage` holders when a spike is raised.
pub const KIND_INCIDENT_ALERT: &str = "incident.alert";

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncidentAlertStatus {
    /// Raised, waiting for a lead.
    Open,
    /// Its tickets are linked to a parent incident ticket.
    Linked,
    /// A lead judged it not an incident.
    Dismissed,
}

impl IncidentAlertStatus {
    /// Every status.
    pub const ALL: [IncidentAlertStatus; 3] =
        [IncidentAlertStatus::Open, IncidentAlertStatus::Linked, IncidentAlertStatus::Dismissed];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentAlertStatus::Open => "open",
            IncidentAlertStatus::Linked => "linked",
            IncidentAlertStatus::Dismissed => "dismissed",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<IncidentAlertStatus> {
        IncidentAlertStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A raised ticket spike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IncidentAlertDto {
    /// The alert's id.
    pub id: Uuid,
    /// The category that spiked, e.g. `network`.
    pub category: String,
    /// Its subcategory, when the spike is in one (e.g. `wifi`).
    pub subcategory: Option<String>,
    /// Open, linked or dismissed.
    pub status: IncidentAlertStatus,
    /// Start of the most significant window seen.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub window_start: DateTime<Utc>,
    /// End of that window.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub window_end: DateTime<Utc>,
    /// Tickets that arrived in the window.
    pub observed: i32,
    /// Tickets the seasonal baseline expected in it.
    pub expected: f64,
    /// `-log10` of the chance of so many arrivals under the baseline.
    pub surprise: f64,
    /// When the spike was first raised.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub raised_at: DateTime<Utc>,
    /// The latest run that still found the spike.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub last_signal_at: DateTime<Utc>,
    /// Tickets listed with the alert.
    pub ticket_count: u64,
    /// The incident ticket the alert's tickets are linked to.
    pub parent_ticket_id: Option<Uuid>,
    /// Who linked or dismissed it.
    pub resolved_by: Option<Uuid>,
    /// When it was linked or dismissed.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A ticket listed with an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AlertTicketDto {
    /// The ticket's id.
    pub id: Uuid,
    /// Its number, e.g. `TKT-20261126-00012`.
    pub ticket_number: String,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: String,
    /// When it was raised.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// Answer of `GET /api/v1/incidents/alerts/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IncidentAlertDetailDto {
    /// The alert.
    pub alert: IncidentAlertDto,
    /// Its tickets, oldest first.
    pub tickets: Vec<AlertTicketDto>,
}

/// Query of `GET /api/v1/incidents/alerts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct IncidentAlertListQuery {
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Alerts per page.
    pub limit: Option<u64>,
    /// Only alerts in this status.
    pub status: Option<IncidentAlertStatus>,
}

/// Body of `POST /api/v1/incidents/alerts/{id}/link`: exactly one of the two.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkAlertRequest {
    /// An existing ticket to become the parent incident.
    #[serde(default)]
    pub parent_ticket_id: Option<Uuid>,
    /// A new ticket to raise as the parent incident.
    #[serde(default)]
    pub create_parent: Option<CreateTicketRequest>,
}
