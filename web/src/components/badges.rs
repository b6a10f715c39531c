use leptos::prelude::*;
use shared_types::tickets::{TicketPriority, TicketStatus};

/// Human label for a status.
pub fn status_label(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "New",
        TicketStatus::Open => "Open",
        TicketStatus::InProgress => "In progress",
        TicketStatus::PendingUser => "Waiting for user",
        TicketStatus::Resolved => "Resolved",
        TicketStatus::Closed => "Closed",
    }
}

/// Human label for a priority.
pub fn priority_label(priority: TicketPriority) -> &'static str {
    match priority {
        TicketPriority::Low => "Low",
        TicketPriority::Medium => "Medium",
        TicketPriority::High => "High",
        TicketPriority::Critical => "Critical",
    }
}

/// A ticket's status as a coloured label (colour is never the only cue: the word is there).
#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status_label(status)}</span> }
}

/// A ticket's priority as a coloured label.
#[component]
pub fn PriorityBadge(priority: TicketPriority) -> impl IntoView {
    view! { <span class=format!("badge priority-{}", priority.as_str())>{priority_label(priority)}</span> }
}
