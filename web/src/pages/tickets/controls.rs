//! The agent's controls on a ticket: status, priority, team and assignee.
//!
//! Every change shows at once (the cached ticket is patched) and is rolled back if the server
//! refuses it. Writes carry the ticket's version; when someone else changed the ticket first the
//! server answers 412 and the page reloads the ticket instead of overwriting their change.

use std::future::Future;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::admin::TeamDto;
use shared_types::tickets::{
    AssignTicketRequest, CloseTicketRequest, TicketDetailDto, TicketDto, TicketPriority, TicketStatus,
    UpdateTicketRequest, UserRef,
};
use uuid::Uuid;

use super::lookups::use_team_members;
use crate::api::{ApiError, tickets};
use crate::components::{priority_label, status_label};
use crate::query::{Query, invalidate, query_data, set_query_data};
use crate::session::{Session, use_session};

/// What the last change did, for the live regions.
#[derive(Clone, Copy)]
struct Feedback {
    notice: RwSignal<Option<String>>,
    failure: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

/// Patches the cached ticket with `optimistic`, sends `request`, then keeps the server's answer
/// or restores the ticket as it was.
fn change(
    ticket: TicketDto,
    feedback: Feedback,
    done: String,
    optimistic: impl FnOnce(&mut TicketDto),
    request: impl Future<Output = Result<TicketDto, ApiError>> + 'static,
) {
    // One compiled body for every kind of change: only the boxing below is per call site.
    change_erased(ticket, feedback, done, Box::new(optimistic), request.boxed_local());
}

fn change_erased(
    ticket: TicketDto,
    feedback: Feedback,
    done: String,
    optimistic: Box<dyn FnOnce(&mut TicketDto) + '_>,
    request: LocalBoxFuture<'static, Result<TicketDto, ApiError>>,
) {
    let id = ticket.id;
    let key = format!("ticket:{id}");
    let before = query_data::<TicketDetailDto>(&key);
    set_query_data::<TicketDetailDto>(&key, |old| {
        old.map(|mut d| {
            optimistic(&mut d.ticket);
            d
        })
    });
    feedback.busy.set(true);
    feedback.failure.set(None);
    feedback.notice.set(None);
    spawn_local(async move {
        match request.await {
            Ok(saved) => {
                set_query_data::<TicketDetailDto>(&key, |old| old.map(|d| TicketDetailDto { ticket: saved, ..d }));
                feedback.notice.set(Some(done));
            }
            Err(error) => {
                set_query_data::<TicketDetailDto>(&key, |_| before);
                if error.status() == Some(412) || error.code() == Some("version_mismatch") {
                    feedback.notice.set(Some("Someone changed this ticket meanwhile — reloaded".into()));
                    invalidate(&key);
                } else {
                    feedback.failure.set(Some(error.message()));
                }
            }
        }
        invalidate("tickets");
        invalidate(&format!("ticket-history:{id}"));
        feedback.busy.set(false);
    });
}

fn update(ticket: &TicketDto, req: UpdateTicketRequest) -> impl Future<Output = Result<TicketDto, ApiError>> + 'static {
    let (id, version) = (ticket.id, ticket.version);
    async move { tickets::update(id, version, &req).await }
}

/// The statuses `ticket` may move to that this user may choose.
fn status_moves(session: Session, from: TicketStatus) -> Vec<TicketStatus> {
    TicketStatus::ALL
        .into_iter()
        .filter(|to| from.can_move_to(*to))
        .filter(|to| match to {
            TicketStatus::Closed => session.can(Permission::TicketClose),
            _ => session.can(Permission::TicketUpdate),
        })
        .collect()
}

fn confirm(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}

/// The controls card; only the controls the user may use are shown.
#[component]
pub fn TicketControls(
    /// The ticket as cached.
    ticket: Memo<TicketDto>,
    /// The team directory, when the user may read it.
    teams: Option<Query<Vec<TeamDto>>>,
) -> impl IntoView {
    let session = use_session();
    let feedback = Feedback { notice: RwSignal::new(None), failure: RwSignal::new(None), busy: RwSignal::new(false) };
    let me = move || session.user_id();
    let closed = move || ticket.with(|t| t.status == TicketStatus::Closed);
    let locked = move || feedback.busy.get() || closed();

    let moves = Memo::new(move |_| status_moves(session, ticket.with(|t| t.status)));
    let on_status = move |ev: leptos::ev::Event| {
        let Some(to) = TicketStatus::parse(&event_target_value(&ev)) else { return };
        let t = ticket.get_untracked();
        if to == TicketStatus::Closed {
            if !confirm("Close this ticket? A closed ticket cannot be reopened.") {
                // Nothing changed, so nothing re-renders: put the select back by hand.
                if let Some(select) = ev.target() {
                    let _ = js_sys::Reflect::set(&select, &"value".into(), &t.status.as_str().into());
                }
                return;
            }
            let id = t.id;
            let request = async move { tickets::close(id, &CloseTicketRequest::default()).await };
            change(t, feedback, "Ticket closed".into(), |t| t.status = to, request);
        } else {
            let request = update(&t, UpdateTicketRequest { status: Some(to), ..UpdateTicketRequest::default() });
            change(t, feedback, format!("Status changed to {}", status_label(to)), |t| t.status = to, request);
        }
    };
    let on_priority = move |ev| {
        let Some(to) = TicketPriority::parse(&event_target_value(&ev)) else { return };
        let t = ticket.get_untracked();
        let request = update(&t, UpdateTicketRequest { priority: Some(to), ..UpdateTicketRequest::default() });
        change(t, feedback, format!("Priority changed to {}", priority_label(to)), |t| t.priority = to, request);
    };
    let on_team = move |ev| {
        let to = event_target_value(&ev).parse::<Uuid>().ok();
        let t = ticket.get_untracked();
        let request = update(&t, UpdateTicketRequest { team_id: Some(to), ..UpdateTicketRequest::default() });
        change(t, feedback, "Team changed".into(), |t| t.team_id = to, request);
    };

    // Only those who may assign may read the team directory.
    let may_list = untrack(|| session.can(Permission::TicketAssign));
    let members = use_team_members(move || ticket.with(|t| t.team_id).filter(|_| may_list));
    // Everyone the ticket can go to: the team's members, and whoever holds it now.
    let people = Memo::new(move |_| {
        let mut people: Vec<UserRef> = members
            .data
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.user.is_active)
            .map(|m| UserRef { id: m.user.id, name: m.user.name, email: m.user.email })
            .collect();
        if let Some(current) = ticket.with(|t| t.assignee.clone()).filter(|a| !people.iter().any(|p| p.id == a.id)) {
            people.push(current);
        }
        people
    });
    let assign = move |to: Option<UserRef>| {
        let t = ticket.get_untracked();
        let id = t.id;
        let req = AssignTicketRequest { assignee_id: to.as_ref().map(|u| u.id), team_id: None };
        let done = to.as_ref().map_or_else(|| "Ticket unassigned".to_owned(), |u| format!("Assigned to {}", u.name));
        change(t, feedback, done, |t| t.assignee = to, async move { tickets::assign(id, &req).await });
    };
    let on_assignee = move |ev| {
        let picked = event_target_value(&ev).parse::<Uuid>().ok();
        assign(picked.and_then(|id| people.with_untracked(|p| p.iter().find(|u| u.id == id).cloned())));
    };
    let held_by_other = move || ticket.with(|t| t.assignee.as_ref().is_some_and(|a| Some(a.id) != me()));
    // Taking a ticket from someone else needs `ticket:reassign`.
    let may_assign =
        move || session.can(Permission::TicketAssign) && (!held_by_other() || session.can(Permission::TicketReassign));
    let assign_to_me = move |_| {
        let mine = session.me.with_untracked(|m| {
            m.as_ref().map(|m| UserRef { id: m.user.id, name: m.user.name.clone(), email: m.user.email.clone() })
        });
        if mine.is_some() {
            assign(mine);
        }
    };
    let is_mine = move || ticket.with(|t| t.assignee.as_ref().map(|a| a.id)) == me();

    // The requester may reopen a resolved ticket without `ticket:update`.
    let may_reopen = move || {
        !session.can(Permission::TicketUpdate)
            && ticket.with(|t| t.status == TicketStatus::Resolved && Some(t.requester.id) == me())
    };
    let reopen = move |_| {
        let t = ticket.get_untracked();
        let request =
            update(&t, UpdateTicketRequest { status: Some(TicketStatus::Open), ..UpdateTicketRequest::default() });
        change(t, feedback, "Ticket reopened".into(), |t| t.status = TicketStatus::Open, request);
    };

    let can_update = move || session.can(Permission::TicketUpdate);
    let show_status = move || !moves.with(Vec::is_empty);
    // The card stays while it has news, even when the change left nothing to control.
    let news = move || feedback.notice.with(Option::is_some) || feedback.failure.with(Option::is_some);
    let anything =
        move || show_status() || can_update() || session.can(Permission::TicketAssign) || may_reopen() || news();

    view! {
        <Show when=anything>
            <section class="card ticket-controls" aria-labelledby="controls-heading">
                <h2 id="controls-heading">"Manage"</h2>
                <p class="control-notice" role="status" aria-live="polite">{move || feedback.notice.get()}</p>
                <p class="form-error" role="alert">{move || feedback.failure.get()}</p>
                <Show when=closed>
                    <p class="muted">"This ticket is closed; it can no longer change."</p>
                </Show>
                <Show when=may_reopen>
                    <p class="muted">"Not fixed after all? Reopen the ticket and say why in a reply."</p>
                    <button class="btn" type="button" on:click=reopen disabled=locked>"Reopen"</button>
                </Show>
                <Show when=show_status>
                    <div class="field">
                        <label for="ticket-status">"Status"</label>
                        <select id="ticket-status" on:change=on_status disabled=locked>
                            {move || {
                                let current = ticket.with(|t| t.status);
                                std::iter::once(current)
                                    .chain(moves.get())
                                    .map(|s| view! { <option value=s.as_str() prop:selected=s == current>{status_label(s)}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                </Show>
                <Show when=can_update>
                    <div class="field">
                        <label for="ticket-priority">"Priority"</label>
                        <select id="ticket-priority" on:change=on_priority disabled=locked>
                            {move || {
                                let current = ticket.with(|t| t.priority);
                                TicketPriority::ALL
                                    .into_iter()
                                    .map(|p| view! { <option value=p.as_str() prop:selected=p == current>{priority_label(p)}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    {teams.map(|teams| view! {
                        <div class="field">
                            <label for="ticket-team">"Team"</label>
                            <select id="ticket-team" on:change=on_team disabled=locked>
                                {move || {
                                    let current = ticket.with(|t| t.team_id);
                                    let known = teams.data.get().unwrap_or_default();
                                    let none = view! { <option value="" prop:selected=current.is_none()>"No team"</option> };
                                    let rest = known
                                        .into_iter()
                                        .map(|t| view! { <option value=t.id.to_string() prop:selected=Some(t.id) == current>{t.name}</option> })
                                        .collect_view();
                                    (none, rest)
                                }}
                            </select>
                        </div>
                    })}
                </Show>
                <Show when=move || session.can(Permission::TicketAssign)>
                    <div class="field">
                        <label for="ticket-assignee">"Assignee"</label>
                        <p class="hint" id="ticket-assignee-hint">
                            {move || if !may_assign() {
                                "Only a team lead can take a ticket from its assignee."
                            } else if ticket.with(|t| t.team_id.is_none()) {
                                "Set a team to choose among its members."
                            } else {
                                "Members of the ticket's team."
                            }}
                        </p>
                        <select id="ticket-assignee" aria-describedby="ticket-assignee-hint" on:change=on_assignee disabled=move || locked() || !may_assign()>
                            {move || {
                                let current = ticket.with(|t| t.assignee.as_ref().map(|a| a.id));
                                let none = view! { <option value="" prop:selected=current.is_none()>"Unassigned"</option> };
                                let rest = people
                                    .get()
                                    .into_iter()
                                    .map(|u| view! { <option value=u.id.to_string() prop:selected=Some(u.id) == current>{u.name}</option> })
                                    .collect_view();
                                (none, rest)
                            }}
                        </select>
                    </div>
                    <Show when=move || may_assign() && !is_mine()>
                        <button class="btn" type="button" on:click=assign_to_me disabled=locked>"Assign to me"</button>
                    </Show>
                </Show>
            </section>
        </Show>
    }
}
