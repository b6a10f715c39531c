//! The realtime protocol spoken over `GET /api/v1/ws` (a WebSocket; JSON text frames, each
//! with a `type` tag).
//!
//! 1. The client's first message authenticates: `{"type":"auth","token":"<access token>"}`.
//!    Until it succeeds nothing else is accepted; a bad or expired token closes the socket
//!    with [`CLOSE_UNAUTHORIZED`]. The server answers `{"type":"ready","userId":...}`.
//! 2. The client subscribes: `{"type":"subscribe","topic":"ticket:<id>"}` for one ticket it may
//!    see, or `{"type":"subscribe","topic":"queue"}` for every ticket it may see (new,
//!    assigned, changed). `unsubscribe` takes the same topics.
//! 3. The server pushes ticket events after the database commit, only to sessions whose user
//!    may see that ticket at that moment; internal notes only to those who may read them.
//! 4. `{"type":"presence","ticketId":...,"state":"viewing"|"replying"|"left"}` tells the others
//!    on that ticket; they get `presence.changed`. Closing the socket clears it.
//! 5. Stored in-app notifications (`notification.created`) reach every socket of their
//!    recipients without a subscription; `notification` (a ticket assigned to you) is unchanged.
//! 6. `ping` gets `pong`. `resync` means events may have been missed (the server lost its
//!    connection to Redis): refetch what is on screen.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::tickets::{TicketPriority, TicketStatus, UserRef};

/// Close code: the first message was not a valid `auth`.
pub const CLOSE_UNAUTHORIZED: u16 = 4401;
/// Close code: the client did not read its messages fast enough.
pub const CLOSE_TOO_SLOW: u16 = 4408;

/// What a client may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum ClientMessage {
    /// Authenticates the socket; must come first.
    Auth {
        /// An access token, as for `Authorization: Bearer`.
        token: String,
    },
    /// Starts receiving a topic's events.
    Subscribe {
        /// `queue` or `ticket:<id>`.
        topic: String,
    },
    /// Stops receiving a topic's events.
    Unsubscribe {
        /// `queue` or `ticket:<id>`.
        topic: String,
    },
    /// Tells the others on a ticket what this user is doing there.
    Presence {
        /// The ticket.
        ticket_id: Uuid,
        /// Viewing, replying, or gone.
        state: PresenceState,
    },
    /// Asks for a `pong`.
    Ping,
}

/// What a user is doing on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    /// Reading it.
    Viewing,
    /// Writing a reply or note.
    Replying,
    /// No longer there.
    Left,
}

/// A changed field of a ticket, with its new value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedField {
    /// `status`, `priority`, `team`, `category`, `assignee`, `title`, `description`, `tags`.
    pub field: String,
    /// The new value as text, if any.
    pub value: Option<String>,
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum ServerMessage {
    /// The socket is authenticated.
    #[serde(rename = "ready")]
    Ready {
        /// The signed-in user.
        user_id: Uuid,
    },
    /// A ticket was raised.
    #[serde(rename = "ticket.created")]
    TicketCreated {
        /// The ticket.
        ticket_id: Uuid,
        /// Its number.
        ticket_number: String,
        /// Its title.
        title: String,
        /// Its status.
        status: TicketStatus,
        /// Its priority.
        priority: TicketPriority,
    },
    /// A ticket changed.
    #[serde(rename = "ticket.updated")]
    TicketUpdated {
        /// The ticket.
        ticket_id: Uuid,
        /// Its version after the change.
        version: i32,
        /// What changed.
        changes: Vec<ChangedField>,
    },
    /// AI triage predicted a ticket's category and priority; `changes` holds what it applied
    /// (empty when it only left a suggestion). Sent to those who may update the ticket.
    #[serde(rename = "ai.categorised")]
    AiCategorised {
        /// The ticket.
        ticket_id: Uuid,
        /// Its version after the prediction.
        version: i32,
        /// The fields applied.
        changes: Vec<ChangedField>,
    },
    /// A reply (or, for those who may read them, an internal note) was added.
    #[serde(rename = "ticket.commented")]
    TicketCommented {
        /// The ticket.
        ticket_id: Uuid,
        /// The comment's id.
        comment_id: Uuid,
        /// Whether it is an internal note.
        internal: bool,
        /// Who wrote it.
        author_id: Uuid,
    },
    /// A ticket was assigned or unassigned.
    #[serde(rename = "ticket.assigned")]
    TicketAssigned {
        /// The ticket.
        ticket_id: Uuid,
        /// The new assignee's id, if any.
        assignee_id: Option<Uuid>,
    },
    /// Something for this user in particular (a ticket assigned to them). Other kinds of
    /// notification come as `notification.created`.
    #[serde(rename = "notification")]
    Notification {
        /// The ticket it is about.
        ticket_id: Uuid,
        /// A sentence for people.
        message: String,
    },
    /// An in-app notification for this user, stored and listed by `GET /api/v1/notifications`
    /// (such as the job-backlog alert for holders of `admin:jobs`). Sent to every socket of
    /// its recipients, whatever they subscribed to.
    #[serde(rename = "notification.created")]
    NotificationCreated {
        /// The notification.
        notification_id: Uuid,
        /// What it is about, e.g. `jobs.backlog`.
        kind: String,
        /// A sentence for people.
        message: String,
    },
    /// Someone started or stopped viewing or replying on a ticket.
    #[serde(rename = "presence.changed")]
    PresenceChanged {
        /// The ticket.
        ticket_id: Uuid,
        /// Who.
        user: UserRef,
        /// What they are doing now.
        state: PresenceState,
    },
    /// Events may have been missed; refetch.
    #[serde(rename = "resync")]
    Resync,
    /// A message was refused.
    #[serde(rename = "error")]
    Error {
        /// A stable snake_case code.
        code: String,
        /// A sentence for people.
        message: String,
    },
    /// The answer to `ping`.
    #[serde(rename = "pong")]
    Pong,
}

/// A subscription topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Every ticket the user may see.
    Queue,
    /// One ticket.
    Ticket(Uuid),
}

impl Topic {
    /// Reads `queue` or `ticket:<id>`.
    pub fn parse(s: &str) -> Option<Topic> {
        match s {
            "queue" => Some(Topic::Queue),
            _ => s.strip_prefix("ticket:").and_then(|id| Uuid::parse_str(id).ok()).map(Topic::Ticket),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_documented_shape() {
        let auth: ClientMessage = serde_json::from_str(r#"{"type":"auth","token":"t"}"#).unwrap_or(ClientMessage::Ping);
        assert_eq!(auth, ClientMessage::Auth { token: "t".into() });
        let id = Uuid::nil();
        let presence = format!(r#"{{"type":"presence","ticketId":"{id}","state":"replying"}}"#);
        let parsed: Result<ClientMessage, _> = serde_json::from_str(&presence);
        assert_eq!(parsed.ok(), Some(ClientMessage::Presence { ticket_id: id, state: PresenceState::Replying }));
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"auth","token":"t","x":1}"#).is_err());
        let out = serde_json::to_value(ServerMessage::TicketAssigned { ticket_id: id, assignee_id: None });
        assert_eq!(out.ok().map(|v| v["type"].clone()), Some(serde_json::json!("ticket.assigned")));
        assert_eq!(Topic::parse("queue"), Some(Topic::Queue));
        assert_eq!(Topic::parse(&format!("ticket:{id}")), Some(Topic::Ticket(id)));
        assert_eq!(Topic::parse("ticket:nope"), None);
    }
}
