//! `/tickets/:id`: one ticket with its details, conversation, history and the agent's controls.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared_types::kb::KbSuggestionDto;
use shared_types::realtime::PresenceState;
use shared_types::tickets::{CommentDto, TicketDetailDto, TicketDto};
use uuid::Uuid;

use super::ai::AiSuggestion;
use super::controls::TicketControls;
use super::history::History;
use super::list::set_document_title;
use super::lookups::{category_label, team_name, use_categories, use_teams};
use super::similar::SimilarTickets;
use super::suggested::SuggestedArticles;
use super::thread::Conversation;
use crate::api::tickets;
use crate::components::{ErrorNotice, Loading, PriorityBadge, StatusBadge};
use crate::components::{Time, is_past};
use crate::query::use_query;
use crate::realtime::{Presence, watch_ticket};
use crate::session::use_session;

/// The detail page. An address that is not a ticket id shows the not-found state at once.
#[component]
pub fn TicketDetail() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).and_then(|s| Uuid::parse_str(&s).ok()));
    move || match id.get() {
        Some(id) => view! { <TicketView id /> }.into_any(),
        None => view! { <TicketNotFound /> }.into_any(),
    }
}

/// A ticket that does not exist, or that the user may not see (the server answers 404 for
/// both, so nobody learns which tickets exist).
#[component]
fn TicketNotFound() -> impl IntoView {
    set_document_title("Ticket not found");
    view! {
        <div class="state state-empty ticket-missing">
            <h1>"Ticket not found"</h1>
            <p>"This ticket does not exist, or you do not have access to it."</p>
            <a href="/tickets">"Back to tickets"</a>
        </div>
    }
}

#[component]
fn TicketView(id: Uuid) -> impl IntoView {
    let presence = watch_ticket(id);
    let detail = use_query(move || (format!("ticket:{id}"), id), |id: Uuid| async move { tickets::get_one(id).await });
    let loaded = move || detail.data.with(|d| d.is_some());
    let fallback = move || match detail.error.get() {
        Some(e) if e.status() == Some(404) => view! { <TicketNotFound /> }.into_any(),
        Some(error) => view! { <ErrorNotice error retry=Callback::new(move |()| detail.refetch()) /> }.into_any(),
        None => view! { <Loading what="the ticket" /> }.into_any(),
    };
    view! {
        <Show when=loaded fallback>
            {move || {
                let first = detail.data.get_untracked();
                first.map(|first| {
                    // Keeps the last answer on screen should the cache entry be emptied.
                    let ticket = Memo::new(move |prev: Option<&TicketDto>| {
                        detail.data.get().map(|d| d.ticket).or_else(|| prev.cloned()).unwrap_or_else(|| first.ticket.clone())
                    });
                    let comments = Memo::new(move |prev: Option<&Vec<CommentDto>>| {
                        detail.data.get().map(|d: TicketDetailDto| d.comments).or_else(|| prev.cloned()).unwrap_or_default()
                    });
                    let suggested = Memo::new(move |prev: Option<&Option<Vec<KbSuggestionDto>>>| {
                        detail.data.get().map(|d: TicketDetailDto| d.suggested_articles).or_else(|| prev.cloned()).flatten()
                    });
                    view! { <TicketBody ticket comments suggested presence /> }
                })
            }}
        </Show>
    }
}

#[component]
fn TicketBody(
    ticket: Memo<TicketDto>,
    comments: Memo<Vec<CommentDto>>,
    suggested: Memo<Option<Vec<KbSuggestionDto>>>,
    presence: Signal<Presence>,
) -> impl IntoView {
    let session = use_session();
    let categories = use_categories();
    let teams = use_teams(session);
    Effect::new(move |_| ticket.with(|t| set_document_title(&format!("{} {}", t.ticket_number, t.title))));

    let field = move |f: fn(&TicketDto) -> String| move || ticket.with(f);
    let category = move || {
        let id = ticket.with(|t| t.category_id)?;
        Some(categories.data.with(|c| c.and_then(|c| category_label(c, id))).unwrap_or_else(|| "…".into()))
    };
    let team = move || {
        let id = ticket.with(|t| t.team_id)?;
        teams.and_then(|q| q.data.with(|t| t.and_then(|t| team_name(t, id))))
    };
    let assignee = move || ticket.with(|t| t.assignee.as_ref().map(|a| a.name.clone()));

    view! {
        <p class="back-link">
            <a href="/tickets">"← All tickets"</a>
        </p>
        <header class="ticket-head">
            <p class="ticket-number">{field(|t| t.ticket_number.clone())}</p>
            <h1>{field(|t| t.title.clone())}</h1>
            <div class="ticket-badges">
                {move || view! { <StatusBadge status=ticket.with(|t| t.status) /> }}
                {move || view! { <PriorityBadge priority=ticket.with(|t| t.priority) /> }}
            </div>
            <PresenceLine presence />
        </header>
        <div class="ticket-layout">
            <div class="ticket-main">
                <section class="card" aria-labelledby="description-heading">
                    <h2 id="description-heading">"Description"</h2>
                    // Plain text: line breaks kept by CSS, nothing interpreted as HTML.
                    <p class="plain-text">{field(|t| t.description.clone())}</p>
                </section>
                <Conversation ticket comments />
                <History ticket comments categories teams />
            </div>
            <aside class="ticket-side" aria-label="Ticket details">
                <TicketControls ticket teams />
                <AiSuggestion ticket />
                <SuggestedArticles articles=suggested />
                <SimilarTickets id=ticket.with_untracked(|t| t.id) />
                <section class="card" aria-labelledby="details-heading">
                    <h2 id="details-heading">"Details"</h2>
                    <dl class="details">
                        <dt>"Requester"</dt>
                        <dd>{field(|t| t.requester.name.clone())}</dd>
                        <dt>"Assignee"</dt>
                        <dd>{move || assignee().unwrap_or_else(|| "Unassigned".into())}</dd>
                        // Employees cannot read team names, so they get no team row.
                        {teams.is_some().then(|| view! {
                            <dt>"Team"</dt>
                            <dd>{move || team().unwrap_or_else(|| "—".into())}</dd>
                        })}
                        <dt>"Category"</dt>
                        <dd>{move || category().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Tags"</dt>
                        <dd>
                            {move || {
                                let tags = ticket.with(|t| t.tags.clone());
                                if tags.is_empty() {
                                    view! { "—" }.into_any()
                                } else {
                                    view! {
                                        <ul class="tags">
                                            {tags.into_iter().map(|t| view! { <li class="tag">{t}</li> }).collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }
                            }}
                        </dd>
                        <dt>"Created"</dt>
                        <dd>{move || view! { <Time at=ticket.with(|t| t.created_at) /> }}</dd>
                        <dt>"Updated"</dt>
                        <dd>{move || view! { <Time at=ticket.with(|t| t.updated_at) /> }}</dd>
                    </dl>
                    <Deadlines ticket />
                </section>
            </aside>
        </div>
    }
}

/// The SLA deadlines; a missed one is marked in words as well as colour.
#[component]
fn Deadlines(ticket: Memo<TicketDto>) -> impl IntoView {
    let row = move |label: &'static str,
                    due: fn(&TicketDto) -> Option<chrono::DateTime<chrono::Utc>>,
                    met: fn(&TicketDto) -> bool| {
        move || {
            let (due, met, paused) = ticket.with(|t| (due(t), met(t), t.sla_paused));
            due.map(|at| {
                let overdue = !met && !paused && is_past(at);
                view! {
                    <dt>{label}</dt>
                    <dd class:overdue=overdue>
                        <Time at />
                        {overdue.then_some(" — overdue")}
                        {met.then_some(" — met")}
                    </dd>
                }
            })
        }
    };
    let paused = move || ticket.with(|t| t.sla_paused.then(|| t.sla_pause_reason.clone().unwrap_or_default()));
    let any = move || ticket.with(|t| t.sla_response_deadline.is_some() || t.sla_resolution_deadline.is_some());
    view! {
        <Show when=any>
            <h3 class="details-sub">"Service level"</h3>
            <dl class="details">
                {row("First response due", |t| t.sla_response_deadline, |t| t.first_response_at.is_some())}
                {row("Resolution due", |t| t.sla_resolution_deadline, |t| t.resolved_at.is_some() || !t.status.is_active())}
            </dl>
        </Show>
        {move || paused().map(|why| {
            let text = if why.is_empty() { "The clock is paused.".to_owned() } else { format!("The clock is paused: {why}.") };
            view! { <p class="muted">{text}</p> }
        })}
    }
}

/// "Sara is viewing · Ali is replying": who else has this ticket open, so two agents do not
/// answer at once.
#[component]
fn PresenceLine(presence: Signal<Presence>) -> impl IntoView {
    let text = move || {
        presence.with(|p| {
            let parts: Vec<String> = p
                .iter()
                .map(|(user, state)| {
                    let doing = if *state == PresenceState::Replying { "replying" } else { "viewing" };
                    format!("{} is {doing}", user.name)
                })
                .collect();
            parts.join(" · ")
        })
    };
    view! { <p class="presence" role="status" aria-live="polite">{text}</p> }
}
