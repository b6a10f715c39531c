//! What the AI module may do to a ticket: apply a predicted category or priority, or leave a
//! suggestion for agents, as one versioned write with history and audit. The actor is the
//! system (no user) for the triage job, or the agent who accepted a suggestion.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;
use shared_types::tickets::TicketPriority;
use uuid::Uuid;

use super::events::{EVENT_TOPIC, TicketEvent};
use super::lifecycle;
use super::repo::{self, Change};
use crate::entities::ticket;
use crate::error::ApiError;
use crate::infra::bus::Bus;
use crate::modules::audit::{self, AuditEntry, ClientInfo};

/// What to write on a ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AiTicketChange {
    /// Set the category (a top-level category or a subcategory).
    pub category_id: Option<Uuid>,
    /// Set the priority.
    pub priority: Option<TicketPriority>,
    /// The suggestion shown to agents: replaced as a whole when `Some`.
    pub suggestion: Option<AiSuggestion>,
}

/// The suggestion columns of a ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AiSuggestion {
    pub category_id: Option<Uuid>,
    pub priority: Option<String>,
    pub confidence: Option<f64>,
    pub model_version: Option<String>,
}

/// Who makes an AI change: the triage job (`None`) or an agent.
#[derive(Debug, Clone)]
pub struct AiActor {
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub action: &'static str,
}

/// The ticket `id` unless it is missing or deleted.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<ticket::Model>, ApiError> {
    use sea_orm::EntityTrait;
    Ok(ticket::Entity::find_by_id(id).one(conn).await?.filter(|t| t.deleted_at.is_none()))
}

/// Applies `change` to `old` inside `conn` (a transaction); answers the ticket after it and
/// the history written, or `None` when another writer moved the ticket first (retry).
pub async fn apply(
    conn: &impl ConnectionTrait,
    old: &ticket::Model,
    change: &AiTicketChange,
    actor: &AiActor,
    now: DateTime<Utc>,
) -> Result<Option<(ticket::Model, Vec<Change>)>, ApiError> {
    let mut new = old.clone();
    let mut changes = Vec::new();
    if let Some(category) = change.category_id.filter(|c| Some(*c) != old.category_id) {
        new.category_id = Some(category);
        changes.push(Change::new("category", old.category_id.map(|c| c.to_string()), Some(category.to_string())));
    }
    if let Some(priority) = change.priority.filter(|p| p.as_str() != old.priority) {
        lifecycle::set_priority(&mut new, priority);
        changes.push(Change::new("priority", Some(old.priority.clone()), Some(priority.as_str().into())));
    }
    if let Some(s) = &change.suggestion {
        new.ai_suggested_category = s.category_id;
        new.ai_suggested_priority = s.priority.clone();
        new.ai_confidence = s.confidence;
        new.ai_model_version = s.model_version.clone();
    }
    if new == *old {
        return Ok(Some((new, changes)));
    }
    new.version = old.version + 1;
    new.updated_at = now;
    if !repo::update_versioned(conn, old, &new).await? {
        return Ok(None);
    }
    repo::record_history_as(conn, new.id, actor.user_id, &changes, now).await?;
    let listed: Vec<_> = changes.iter().map(|c| json!({"field": c.field, "old": c.old, "new": c.new})).collect();
    let entry = AuditEntry {
        user_id: actor.user_id,
        user_email: actor.email.clone(),
        action: actor.action,
        resource_type: "ticket",
        resource_id: Some(new.id),
        details: Some(json!({"ticketNumber": new.ticket_number, "changes": listed, "suggestion": {
            "categoryId": new.ai_suggested_category,
            "priority": new.ai_suggested_priority,
            "confidence": new.ai_confidence,
            "modelVersion": new.ai_model_version,
        }})),
        success: true,
    };
    let client = ClientInfo { ip: None, user_agent: actor.user_id.is_none().then(|| "helpdesk ai.triage".into()) };
    audit::record(conn, entry, &client, now).await?;
    Ok(Some((new, changes)))
}

/// Announces an AI change after its commit: `ticket.updated` when fields changed, and
/// `kind` (`ai.categorised`) for the prediction itself. Failures are only logged.
pub async fn announce(bus: &Bus, ticket: &ticket::Model, changes: &[Change], actor: Option<Uuid>, kind: Option<&str>) {
    let actor = actor.unwrap_or(Uuid::nil());
    let mut events = Vec::new();
    if !changes.is_empty() {
        events.push(TicketEvent::new("ticket.updated", ticket, actor).with_changes(changes));
    }
    if let Some(kind) = kind {
        events.push(TicketEvent::new(kind, ticket, actor).with_changes(changes));
    }
    for event in events {
        match serde_json::to_string(&event) {
            Ok(payload) => {
                if let Err(e) = bus.publish(EVENT_TOPIC, &payload).await {
                    tracing::warn!(error = %e, ticket_id = %ticket.id, "could not publish {}", event.kind);
                }
            }
            Err(e) => tracing::error!(error = %e, "could not encode a ticket event"),
        }
    }
}
