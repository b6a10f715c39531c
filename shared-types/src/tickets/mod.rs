//! Ticket DTOs, the status machine and list filters.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Raised, nobody has looked yet.
    New,
    /// Acknowledged.
    Open,
    /// Somebody is working on it.
    InProgress,
    /// Waiting for the requester; the SLA clock is paused.
    PendingUser,
    /// Fixed; the requester may reopen it.
    Resolved,
    /// Done for good.
    Closed,
}

impl TicketStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [TicketStatus; 6] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::InProgress,
        TicketStatus::PendingUser,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Open => "open",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::PendingUser => "pending_user",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the ticket still needs work.
    pub fn is_active(self) -> bool {
        !matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }

    /// Whether a ticket may move from `self` to `to`. Closed is final;
    /// a resolved ticket may be reopened or closed.
    pub fn can_move_to(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        if self == to {
            return false;
        }
        match self {
            New | Open | InProgress | PendingUser => to != New,
            Resolved => matches!(to, Open | Closed),
            Closed => false,
        }
    }
}

/// How urgent a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketPriority {
    /// Can wait.
    Low,
    /// The default.
    Medium,
    /// Blocks someone's work.
    High,
    /// Blocks many people or the business.
    Critical,
}

impl TicketPriority {
    /// Every priority, least urgent first.
    pub const ALL: [TicketPriority; 4] =
        [TicketPriority::Low, TicketPriority::Medium, TicketPriority::High, TicketPriority::Critical];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketPriority::Low => "low",
            TicketPriority::Medium => "medium",
            TicketPriority::High => "high",
            TicketPriority::Critical => "critical",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<TicketPriority> {
        TicketPriority::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A person as shown beside a ticket or comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    /// The user's id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// A ticket as lists and detail pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketDto {
    /// The ticket's id.
    pub id: Uuid,
    /// Human-friendly number, `TKT-YYYYMMDD-NNNNN`.
    pub ticket_number: String,
    /// One-line summary.
    pub title: String,
    /// What happened, in the requester's words.
    pub description: String,
    /// Lifecycle state.
    pub status: TicketStatus,
    /// Urgency.
    pub priority: TicketPriority,
    /// Category, if set.
    pub category_id: Option<Uuid>,
    /// Who raised it.
    pub requester: UserRef,
    /// Who works on it, if anyone.
    pub assignee: Option<UserRef>,
    /// The team that owns it, if any.
    pub team_id: Option<Uuid>,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// When a first response is due.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub sla_response_deadline: Option<DateTime<Utc>>,
    /// When a resolution is due.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub sla_resolution_deadline: Option<DateTime<Utc>>,
    /// When an agent first answered.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub first_response_at: Option<DateTime<Utc>>,
    /// When it was last resolved.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Whether the SLA clock is paused.
    pub sla_paused: bool,
    /// Why the SLA clock is paused.
    pub sla_pause_reason: Option<String>,
    /// Category suggested by the AI, if any.
    pub ai_suggested_category: Option<Uuid>,
    /// Priority suggested by the AI, if any.
    pub ai_suggested_priority: Option<TicketPriority>,
    /// The AI's confidence in its suggestion, 0 to 1.
    pub ai_confidence: Option<f64>,
    /// The model that made the suggestion.
    pub ai_model_version: Option<String>,
    /// When it was raised.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; also sent as the `ETag` header.
    pub version: i32,
}

/// A reply or internal note on a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CommentDto {
    /// The comment's id.
    pub id: Uuid,
    /// The ticket it belongs to.
    pub ticket_id: Uuid,
    /// Who wrote it.
    pub author: UserRef,
    /// The text.
    pub body: String,
    /// Internal notes are visible only to people with `ticket:comment_internal`.
    pub internal: bool,
    /// When it was written.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// A ticket with its comment thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketDetailDto {
    /// The ticket.
    #[serde(flatten)]
    pub ticket: TicketDto,
    /// Comments the caller may see, oldest first.
    pub comments: Vec<CommentDto>,
    /// For agents (`ticket:comment_internal`): the three published knowledge-base articles
    /// that best match the ticket's title and description, best first. Absent for others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_articles: Option<Vec<crate::kb::KbSuggestionDto>>,
}

/// One recorded change to a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryDto {
    /// The entry's id.
    pub id: Uuid,
    /// The field that changed (`status`, `assignee`, `comment`, ...).
    pub field: String,
    /// The value before, if any.
    pub old_value: Option<String>,
    /// The value after, if any.
    pub new_value: Option<String>,
    /// Who made the change.
    pub actor: Option<UserRef>,
    /// When.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

mod requests;
mod similar;

pub use requests::*;
pub use similar::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_moves() {
        use TicketStatus::*;
        assert!(New.can_move_to(Open));
        assert!(Open.can_move_to(Resolved));
        assert!(Resolved.can_move_to(Open), "reopen");
        assert!(Resolved.can_move_to(Closed));
        assert!(!Resolved.can_move_to(InProgress));
        assert!(!Closed.can_move_to(Open), "closed is final");
        assert!(!Open.can_move_to(New));
        assert!(!Open.can_move_to(Open));
    }

    #[test]
    fn patch_tells_absent_from_null() {
        let absent: UpdateTicketRequest = serde_json::from_str("{}").unwrap_or_default();
        assert_eq!(absent.team_id, None);
        assert!(absent.is_empty());
        let null: UpdateTicketRequest = serde_json::from_str(r#"{"teamId":null}"#).unwrap_or_default();
        assert_eq!(null.team_id, Some(None));
        assert!(serde_json::from_str::<UpdateTicketRequest>(r#"{"colour":1}"#).is_err());
    }
}
