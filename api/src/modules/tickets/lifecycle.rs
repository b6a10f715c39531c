//! The ticket rules that need no database: SLA targets by priority and what
//! a status move does to the ticket's timestamps and SLA clock.

use chrono::{DateTime, Duration, Utc};
use shared_types::tickets::{TicketPriority, TicketStatus};

use crate::entities::ticket;

/// Why the SLA clock is paused while a ticket waits for its requester.
pub const PENDING_USER_PAUSE: &str = "pending_user";

/// Hours to a first response and to a resolution for `priority`.
pub fn sla_hours(priority: TicketPriority) -> (i64, i64) {
    match priority {
        TicketPriority::Critical => (1, 4),
        TicketPriority::High => (4, 24),
        TicketPriority::Medium => (8, 72),
        TicketPriority::Low => (24, 120),
    }
}

/// Response and resolution deadlines for a ticket raised at `created_at`.
pub fn sla_deadlines(priority: TicketPriority, created_at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let (response, resolution) = sla_hours(priority);
    (created_at + Duration::hours(response), created_at + Duration::hours(resolution))
}

/// What a newly raised ticket looks like: status `new`, version 1, nobody
/// assigned, SLA deadlines from `priority`.
pub fn raised(
    ticket_number: String,
    title: &str,
    description: &str,
    priority: TicketPriority,
    created_by: uuid::Uuid,
    now: DateTime<Utc>,
) -> ticket::Model {
    let (response, resolution) = sla_deadlines(priority, now);
    ticket::Model {
        id: uuid::Uuid::now_v7(),
        ticket_number,
        title: title.trim().to_string(),
        description: description.trim().to_string(),
        status: TicketStatus::New.as_str().into(),
        priority: priority.as_str().into(),
        category_id: None,
        created_by,
        assigned_to: None,
        team_id: None,
        sla_response_deadline: Some(response),
        sla_resolution_deadline: Some(resolution),
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        sla_paused: false,
        sla_pause_reason: None,
        ai_suggested_category: None,
        ai_suggested_priority: None,
        ai_confidence: None,
        ai_model_version: None,
        version: 1,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    }
}

/// Sets the priority and recomputes the SLA deadlines from `created_at`.
pub fn set_priority(model: &mut ticket::Model, priority: TicketPriority) {
    let (response, resolution) = sla_deadlines(priority, model.created_at);
    model.priority = priority.as_str().to_string();
    model.sla_response_deadline = Some(response);
    model.sla_resolution_deadline = Some(resolution);
}

/// Moves `model` to `to`, stamping resolution and closing times and pausing
/// or resuming the SLA clock. The caller has checked that the move is allowed.
pub fn move_to(model: &mut ticket::Model, from: TicketStatus, to: TicketStatus, now: DateTime<Utc>) {
    model.status = to.as_str().to_string();
    match to {
        TicketStatus::Resolved => model.resolved_at = Some(now),
        TicketStatus::Closed => model.closed_at = Some(now),
        // Reopening: the earlier resolution no longer holds.
        _ if from == TicketStatus::Resolved => model.resolved_at = None,
        _ => {}
    }
    if to == TicketStatus::PendingUser {
        model.sla_paused = true;
        model.sla_pause_reason = Some(PENDING_USER_PAUSE.to_string());
    } else if from == TicketStatus::PendingUser {
        model.sla_paused = false;
        model.sla_pause_reason = None;
    }
}

/// The 422 answer for a move the status machine forbids.
pub fn invalid_transition(from: TicketStatus, to: TicketStatus) -> crate::error::ApiError {
    crate::error::ApiError::new(
        crate::error::ErrorKind::Invalid,
        "invalid_transition",
        format!("A ticket cannot move from {} to {}", from.as_str(), to.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn ticket_at(created_at: DateTime<Utc>) -> ticket::Model {
        raised("TKT-20250101-00001".into(), "t", "d", TicketPriority::Medium, Uuid::nil(), created_at)
    }

    #[test]
    fn deadlines_follow_priority_from_creation() {
        let t0 = Utc.with_ymd_and_hms(2025, 1, 19, 8, 0, 0).single().unwrap_or_default();
        let mut t = ticket_at(t0);
        set_priority(&mut t, TicketPriority::Critical);
        assert_eq!(t.sla_response_deadline, Some(t0 + Duration::hours(1)));
        assert_eq!(t.sla_resolution_deadline, Some(t0 + Duration::hours(4)));
        set_priority(&mut t, TicketPriority::Low);
        assert_eq!(t.priority, "low");
        assert_eq!(t.sla_response_deadline, Some(t0 + Duration::hours(24)));
        assert_eq!(t.sla_resolution_deadline, Some(t0 + Duration::hours(120)));
    }

    #[test]
    fn moves_stamp_times_and_pause_the_clock() {
        let now = Utc::now();
        let mut t = ticket_at(now);
        move_to(&mut t, TicketStatus::New, TicketStatus::PendingUser, now);
        assert!(t.sla_paused);
        assert_eq!(t.sla_pause_reason.as_deref(), Some(PENDING_USER_PAUSE));
        move_to(&mut t, TicketStatus::PendingUser, TicketStatus::Resolved, now);
        assert!(!t.sla_paused && t.sla_pause_reason.is_none());
        assert_eq!(t.resolved_at, Some(now));
        move_to(&mut t, TicketStatus::Resolved, TicketStatus::Open, now);
        assert_eq!(t.resolved_at, None, "reopening clears the resolution");
        move_to(&mut t, TicketStatus::Open, TicketStatus::Closed, now);
        assert_eq!(t.closed_at, Some(now));
        assert_eq!(t.status, "closed");
    }
}
