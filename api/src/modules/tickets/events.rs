//! The domain events the ticket module announces on the bus after each commit. The realtime
//! hub (and later webhooks) read them; nothing here is sent to clients as it is.

use serde::{Deserialize, Serialize};
use shared_types::realtime::ChangedField;
use uuid::Uuid;

use super::repo::Change;
use crate::entities::ticket;

/// The bus topic ticket events travel on.
pub const EVENT_TOPIC: &str = "ticket";

/// What happened to a ticket, with what a receiver needs to decide who may hear of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketEvent {
    /// `ticket.created`, `ticket.updated`, `ticket.assigned`, `ticket.commented`,
    /// `ticket.note_added` (an internal note) or `ticket.deleted`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The ticket.
    pub ticket_id: Uuid,
    /// Its number.
    pub ticket_number: String,
    /// Its title.
    pub title: String,
    /// Its status after the change.
    pub status: String,
    /// Its priority after the change.
    pub priority: String,
    /// Its version after the change.
    pub version: i32,
    /// Who raised it (row-level visibility).
    pub created_by: Uuid,
    /// Who works on it (row-level visibility).
    pub assigned_to: Option<Uuid>,
    /// Its team (row-level visibility).
    pub team_id: Option<Uuid>,
    /// Who made the change.
    pub actor_id: Uuid,
    /// The fields that changed, with their new values.
    #[serde(default)]
    pub changes: Vec<ChangedField>,
    /// The comment or note added, for `ticket.commented` and `ticket.note_added`.
    #[serde(default)]
    pub comment_id: Option<Uuid>,
}

impl TicketEvent {
    /// The event `kind` about `ticket` as it is after the change.
    pub fn new(kind: &str, ticket: &ticket::Model, actor_id: Uuid) -> Self {
        Self {
            kind: kind.to_string(),
            ticket_id: ticket.id,
            ticket_number: ticket.ticket_number.clone(),
            title: ticket.title.clone(),
            status: ticket.status.clone(),
            priority: ticket.priority.clone(),
            version: ticket.version,
            created_by: ticket.created_by,
            assigned_to: ticket.assigned_to,
            team_id: ticket.team_id,
            actor_id,
            changes: Vec::new(),
            comment_id: None,
        }
    }

    /// Adds the changed fields.
    pub fn with_changes(mut self, changes: &[Change]) -> Self {
        self.changes =
            changes.iter().map(|c| ChangedField { field: c.field.to_string(), value: c.new.clone() }).collect();
        self
    }

    /// Adds the comment.
    pub fn with_comment(mut self, comment_id: Uuid) -> Self {
        self.comment_id = Some(comment_id);
        self
    }

    /// Whether this is about an internal note, which only `ticket:comment_internal` may learn of.
    pub fn is_internal(&self) -> bool {
        self.kind == "ticket.note_added"
    }
}
