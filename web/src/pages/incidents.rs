//! `/incidents`: ticket-spike alerts for team leads (`incident:manage`). The spike scan raises
//! one when a category gets far more tickets than its seasonal baseline; a lead links its
//! tickets to one parent incident ticket (a new one, or an existing one by its id), or
//! dismisses it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::incidents::{IncidentAlertDto, IncidentAlertStatus, LinkAlertRequest};
use shared_types::tickets::{CreateTicketRequest, TicketPriority};
use uuid::Uuid;

use crate::api::incidents;
use crate::components::{ConfirmButton, Empty, FilterSelect, QueryView, Time, pairs};
use crate::pages::tickets::set_document_title;
use crate::query::{invalidate, use_query};
use crate::session::use_session;

fn status_label(status: IncidentAlertStatus) -> &'static str {
    match status {
        IncidentAlertStatus::Open => "Open",
        IncidentAlertStatus::Linked => "Linked",
        IncidentAlertStatus::Dismissed => "Dismissed",
    }
}

fn spike_name(alert: &IncidentAlertDto) -> String {
    match &alert.subcategory {
        Some(sub) => format!("{} › {sub}", alert.category),
        None => alert.category.clone(),
    }
}

/// The incidents page.
#[component]
pub fn Incidents() -> impl IntoView {
    set_document_title("Incidents");
    let session = use_session();
    if !untrack(|| session.can(Permission::IncidentManage)) {
        return view! { <Empty message="Incident alerts are for team leads." /> }.into_any();
    }
    let status = RwSignal::new("open".to_owned());
    let alerts = use_query(
        move || (format!("incident-alerts:{}", status.get()), status.get()),
        |s: String| async move { incidents::alerts(&s).await },
    );
    let choices =
        pairs(IncidentAlertStatus::ALL.into_iter().map(|s| (s.as_str().to_owned(), status_label(s).to_owned())), "All");
    view! {
        <div class="page-head">
            <h1>"Incidents"</h1>
        </div>
        <p class="muted">
            "A spike is far more tickets in one category than usual for this hour of the week. Link its tickets to one incident ticket to work them together, or dismiss it."
        </p>
        <div class="toolbar">
            <FilterSelect
                id="alert-status"
                label="Status"
                value=Signal::derive(move || status.get())
                options=Signal::stored(choices)
                on_pick=Callback::new(move |s| status.set(s))
            />
        </div>
        <QueryView query=alerts what="the alerts" view=move |page| {
            if page.data.is_empty() {
                return view! { <Empty message="No alerts." /> }.into_any();
            }
            view! {
                <ul class="alert-list">
                    {page.data.into_iter().map(|alert| view! { <AlertCard alert /> }).collect_view()}
                </ul>
            }
            .into_any()
        } />
    }
    .into_any()
}

#[component]
fn AlertCard(alert: IncidentAlertDto) -> impl IntoView {
    let id = alert.id;
    let name = spike_name(&alert);
    let open = alert.status == IncidentAlertStatus::Open;
    let expanded = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let parent = RwSignal::new(String::new());
    let finish = move |result: Result<(), crate::api::ApiError>| {
        match result {
            Ok(()) => {
                invalidate("incident-alerts");
                invalidate("tickets");
            }
            Err(e) => failure.set(Some(e.message())),
        }
        busy.set(false);
    };
    let link = move |req: LinkAlertRequest| {
        busy.set(true);
        failure.set(None);
        spawn_local(async move { finish(incidents::link(id, &req).await.map(|_| ())) });
    };
    let title = format!("Incident: many {name} tickets");
    let link_new = move |_| {
        let description = format!(
            "Raised from a ticket-spike alert: {} {} tickets arrived where about {:.1} were expected.",
            alert.observed, name, alert.expected
        );
        let create = CreateTicketRequest {
            title: title.clone(),
            description,
            priority: Some(TicketPriority::High),
            category_id: None,
            tags: Some(vec!["incident".into()]),
        };
        link(LinkAlertRequest { parent_ticket_id: None, create_parent: Some(create) });
    };
    let link_existing = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Uuid::parse_str(parent.get_untracked().trim()) {
            Ok(ticket) => link(LinkAlertRequest { parent_ticket_id: Some(ticket), create_parent: None }),
            Err(_) => failure.set(Some("Enter the parent ticket's id (the last part of its address).".into())),
        }
    };
    let dismiss = Callback::new(move |()| {
        busy.set(true);
        failure.set(None);
        spawn_local(async move { finish(incidents::dismiss(id).await.map(|_| ())) });
    });
    let heading = spike_name(&alert);
    view! {
        <li class="card alert-card">
            <h2>{heading.clone()}</h2>
            <p>
                {format!("{} tickets where about {:.1} were expected · ", alert.observed, alert.expected)}
                <Time at=alert.window_start />
                " to "
                <Time at=alert.window_end />
                {format!(" · {}", status_label(alert.status))}
            </p>
            {alert.parent_ticket_id.map(|p| view! { <p><a href=format!("/tickets/{p}")>"Parent incident ticket"</a></p> })}
            <button class="btn" aria-expanded=move || expanded.get().to_string() on:click=move |_| expanded.update(|e| *e = !*e)>
                {format!("Tickets ({})", alert.ticket_count)}
            </button>
            <Show when=move || expanded.get()>
                <AlertTickets id />
            </Show>
            {open.then(|| view! {
                <div class="alert-actions">
                    <button class="btn btn-primary" disabled=busy on:click=link_new.clone()>
                        "Create incident ticket and link"
                    </button>
                    <form class="inline-form" on:submit=link_existing>
                        <label for=format!("parent-{id}")>"Or link to ticket id"</label>
                        <input id=format!("parent-{id}") prop:value=parent on:input=move |ev| parent.set(event_target_value(&ev)) />
                        <button class="btn" type="submit" disabled=busy>"Link"</button>
                    </form>
                    <ConfirmButton
                        label="Dismiss"
                        subject=heading.clone()
                        question="Dismiss this alert? Its tickets stay as they are."
                        confirm="Yes, dismiss"
                        on_confirm=dismiss
                        busy
                    />
                </div>
            })}
            <p class="form-error" role="alert">{move || failure.get()}</p>
        </li>
    }
}

#[component]
fn AlertTickets(id: Uuid) -> impl IntoView {
    let detail = use_query(move || (format!("incident-alert:{id}"), id), |id: Uuid| incidents::alert(id));
    view! {
        <QueryView query=detail what="the tickets" view=|d| view! {
            <ul class="alert-tickets">
                {d.tickets.into_iter().map(|t| view! {
                    <li>
                        <a href=format!("/tickets/{}", t.id)>{format!("{} {}", t.ticket_number, t.title)}</a>
                        " · " <Time at=t.created_at />
                    </li>
                }).collect_view()}
            </ul>
        } />
    }
}
