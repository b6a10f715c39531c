//! Request bodies and the list query of the ticket endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::{TicketPriority, TicketStatus};
use crate::common::present;

/// Body of `POST /api/v1/tickets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTicketRequest {
    /// One-line summary, 3 to 500 characters.
    pub title: String,
    /// What happened, 1 to 20,000 characters.
    pub description: String,
    /// Urgency; `medium` when absent.
    #[serde(default)]
    pub priority: Option<TicketPriority>,
    /// Category, if known.
    #[serde(default)]
    pub category_id: Option<Uuid>,
    /// Up to 10 labels.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// Body of `PATCH /api/v1/tickets/{id}`; absent fields stay as they are,
/// `null` clears a nullable field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTicketRequest {
    /// New summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New status; the move must be allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TicketStatus>,
    /// New priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<TicketPriority>,
    /// New category, or `null` to clear.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>, nullable))]
    pub category_id: Option<Option<Uuid>>,
    /// New team, or `null` to clear.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>, nullable))]
    pub team_id: Option<Option<Uuid>>,
    /// Replaces the tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl UpdateTicketRequest {
    /// Whether the request changes nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.status.is_none()
            && self.priority.is_none()
            && self.category_id.is_none()
            && self.team_id.is_none()
            && self.tags.is_none()
    }
}

/// Body of `POST /api/v1/tickets/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCommentRequest {
    /// The text, 1 to 20,000 characters.
    pub body: String,
    /// An internal note (needs `ticket:comment_internal`); a public reply when absent.
    #[serde(default)]
    pub internal: bool,
}

/// Body of `POST /api/v1/tickets/{id}/assign`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignTicketRequest {
    /// The agent to assign, or `null` to unassign.
    pub assignee_id: Option<Uuid>,
    /// Also move the ticket to this team.
    #[serde(default)]
    pub team_id: Option<Uuid>,
}

/// Body of `POST /api/v1/tickets/{id}/close`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloseTicketRequest {
    /// A closing note, recorded as a public reply.
    #[serde(default)]
    pub resolution: Option<String>,
}

/// Query of `GET /api/v1/tickets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TicketListQuery {
    /// One status or several separated by commas, e.g. `open,in_progress`.
    pub status: Option<String>,
    /// One priority or several separated by commas.
    pub priority: Option<String>,
    /// Only this category.
    pub category_id: Option<Uuid>,
    /// An agent's id, `me`, or `none` for unassigned tickets.
    pub assignee_id: Option<String>,
    /// Only this team.
    pub team_id: Option<Uuid>,
    /// A requester's id, or `me`.
    pub created_by: Option<String>,
    /// Only tickets with this tag.
    pub tag: Option<String>,
    /// Raised at or after this instant (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Raised before this instant (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
    /// Words to find in the title or description.
    pub q: Option<String>,
    /// Sort key, `-` for descending: `createdAt`, `updatedAt`, `priority`, `status`, `ticketNumber`.
    pub sort: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<u64>,
}

/// The fields a ticket list can be sorted by.
pub const TICKET_SORT_KEYS: [&str; 5] = ["createdAt", "updatedAt", "priority", "status", "ticketNumber"];
