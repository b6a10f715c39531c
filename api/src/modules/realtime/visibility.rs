//! Who may hear of a ticket event: the same row-level rules as the REST API, applied to the
//! ticket as it is after the change, and internal notes only for those who may read them.

use shared_types::Permission;
use shared_types::realtime::ServerMessage;
use shared_types::tickets::{TicketPriority, TicketStatus};

use crate::modules::auth::{Access, TicketScope};
use crate::modules::tickets::events::TicketEvent;

/// Whether `access` may learn of `event`.
pub fn may_hear(access: &Access, event: &TicketEvent) -> bool {
    let sees = match access.ticket_scope() {
        TicketScope::All => true,
        TicketScope::Teams { user_id, team_ids } => {
            event.created_by == user_id
                || event.assigned_to == Some(user_id)
                || event.team_id.is_some_and(|t| team_ids.contains(&t))
        }
        TicketScope::Own { user_id } => event.created_by == user_id,
    };
    let staff_only = event.is_internal() || event.kind.starts_with("ai.");
    sees && (!staff_only || access.has(Permission::TicketCommentInternal))
}

/// The message clients get for `event`, if it is one they get.
pub fn message_for(event: &TicketEvent) -> Option<ServerMessage> {
    let ticket_id = event.ticket_id;
    Some(match event.kind.as_str() {
        "ticket.created" => ServerMessage::TicketCreated {
            ticket_id,
            ticket_number: event.ticket_number.clone(),
            title: event.title.clone(),
            status: TicketStatus::parse(&event.status)?,
            priority: TicketPriority::parse(&event.priority)?,
        },
        "ticket.updated" | "ticket.deleted" => {
            let mut changes = event.changes.clone();
            if event.kind == "ticket.deleted" {
                changes.push(shared_types::realtime::ChangedField { field: "deleted".into(), value: None });
            }
            ServerMessage::TicketUpdated { ticket_id, version: event.version, changes }
        }
        "ai.categorised" => {
            ServerMessage::AiCategorised { ticket_id, version: event.version, changes: event.changes.clone() }
        }
        "ticket.assigned" => ServerMessage::TicketAssigned { ticket_id, assignee_id: event.assigned_to },
        "ticket.commented" | "ticket.note_added" => ServerMessage::TicketCommented {
            ticket_id,
            comment_id: event.comment_id?,
            internal: event.is_internal(),
            author_id: event.actor_id,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use shared_types::RoleName;
    use uuid::Uuid;

    use super::*;

    fn access(role: RoleName, user_id: Uuid, team_ids: Vec<Uuid>) -> Access {
        Access {
            user_id,
            email: "a@example.com".into(),
            name: "A".into(),
            is_active: true,
            roles: vec![role.as_str().into()],
            permissions: role.default_permissions().into_iter().collect::<BTreeSet<_>>(),
            team_ids,
        }
    }

    fn event(kind: &str, created_by: Uuid, team_id: Option<Uuid>) -> TicketEvent {
        TicketEvent {
            kind: kind.into(),
            ticket_id: Uuid::new_v4(),
            ticket_number: "TKT-20261126-00001".into(),
            title: "t".into(),
            status: "new".into(),
            priority: "medium".into(),
            version: 1,
            created_by,
            assigned_to: None,
            team_id,
            actor_id: created_by,
            changes: Vec::new(),
            comment_id: Some(Uuid::new_v4()),
        }
    }

    #[test]
    fn the_rest_rules_decide_who_hears() {
        let (employee, other, agent, team) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let own = access(RoleName::Employee, employee, vec![]);
        let desk = access(RoleName::Agent, agent, vec![team]);
        let boss = access(RoleName::Manager, Uuid::new_v4(), vec![]);
        let mine = event("ticket.updated", employee, Some(team));
        let theirs = event("ticket.updated", other, None);
        assert!(may_hear(&own, &mine) && !may_hear(&own, &theirs));
        assert!(may_hear(&desk, &mine) && !may_hear(&desk, &theirs));
        assert!(may_hear(&boss, &theirs));
        let note = event("ticket.note_added", employee, Some(team));
        assert!(!may_hear(&own, &note), "internal notes never reach the requester");
        assert!(may_hear(&desk, &note));
        assert!(matches!(message_for(&note), Some(ServerMessage::TicketCommented { internal: true, .. })));
    }

    #[test]
    fn ai_predictions_reach_staff_who_see_the_ticket_only() {
        let (employee, agent, team) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let own = access(RoleName::Employee, employee, vec![]);
        let desk = access(RoleName::Agent, agent, vec![team]);
        let outsider = access(RoleName::Agent, Uuid::new_v4(), vec![Uuid::new_v4()]);
        let categorised = event("ai.categorised", employee, Some(team));
        assert!(!may_hear(&own, &categorised), "suggestions are for agents");
        assert!(may_hear(&desk, &categorised) && !may_hear(&outsider, &categorised));
        assert!(matches!(message_for(&categorised), Some(ServerMessage::AiCategorised { version: 1, .. })));
    }
}
