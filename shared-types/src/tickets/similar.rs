//! Similar tickets: `GET /api/v1/tickets/{id}/similar`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::{TicketPriority, TicketStatus};

/// Similar tickets listed by default.
pub const SIMILAR_DEFAULT_LIMIT: u64 = 5;
/// The most similar tickets one request may ask for.
pub const SIMILAR_MAX_LIMIT: u64 = 20;

/// Query of `GET /api/v1/tickets/{id}/similar`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SimilarTicketsQuery {
    /// Tickets to return, 1 to 20 (default 5).
    pub limit: Option<u64>,
}

/// Whether the list could be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SimilarStatus {
    /// Compared with every eligible ticket; `data` may still be empty when none is close.
    Ok,
    /// This ticket's text has not been embedded yet (it was just raised or edited, or the
    /// server is still loading the embeddings at start-up): ask again in a few seconds.
    Pending,
    /// No embedding model is loaded on this server, so similarity is not computed.
    Unavailable,
}

/// A ticket that reads like the one asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SimilarTicketDto {
    /// The ticket's id.
    pub id: Uuid,
    /// Human-friendly number, `TKT-YYYYMMDD-NNNNN`.
    pub ticket_number: String,
    /// One-line summary.
    pub title: String,
    /// Lifecycle state: open (anything before resolved), or resolved or closed recently.
    pub status: TicketStatus,
    /// Urgency.
    pub priority: TicketPriority,
    /// Category, if set.
    pub category_id: Option<Uuid>,
    /// The category's name, if set.
    pub category_name: Option<String>,
    /// When it last changed.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// When it was last resolved, if it was.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed, if it was.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Cosine similarity of the two tickets' texts, up to 1 (identical meaning).
    pub similarity: f32,
}

/// The answer of `GET /api/v1/tickets/{id}/similar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SimilarTicketsResponse {
    /// Most similar first; only tickets the caller may see.
    pub data: Vec<SimilarTicketDto>,
    /// `ok`, or why `data` is empty: `pending` or `unavailable`.
    pub status: SimilarStatus,
}
