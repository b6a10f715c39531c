//! `/tickets`: the tickets the user may see, filtered, sorted and paged by the address.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared_types::tickets::{TicketDto, TicketListQuery};
use shared_types::{ListResponse, Permission};

use super::filters::{self, href, is_filtered, quick_view};
use super::list_filters::ListFilters;
use crate::api::{query_string, tickets};
use crate::components::{Can, Empty, ErrorNotice, Loading, PriorityBadge, StatusBadge};
use crate::components::{Pager, Time};
use crate::query::use_query;
use crate::session::use_session;

/// Sets the window title, so history entries and tabs name the view.
pub fn set_document_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{title} · Helpdesk"));
    }
}

/// The ticket list page.
#[component]
pub fn TicketList() -> impl IntoView {
    let session = use_session();
    let params = use_query_map();
    let navigate = use_navigate();
    let query = Memo::new(move |_| params.with(|p| filters::parse(|k| p.get(k))));
    let list = use_query(
        move || {
            let q = query.get();
            (format!("tickets{}", query_string(&q)), q)
        },
        |q: TicketListQuery| async move { tickets::list(&q).await },
    );
    // A changed filter starts again at page one; the address is pushed, so Back undoes it.
    let on_change = Callback::new(move |q: TicketListQuery| {
        navigate(&href(&TicketListQuery { page: None, ..q }), NavigateOptions::default());
    });

    let heading = Memo::new(move |_| {
        let teams: Vec<_> =
            session.me.with(|m| m.as_ref().map(|m| m.teams.iter().map(|t| t.id).collect())).unwrap_or_default();
        query.with(|q| quick_view(q, &teams)).map_or("Tickets", |v| v.heading())
    });
    Effect::new(move |_| set_document_title(heading.get()));

    view! {
        <div class="page-head">
            <h1>{heading}</h1>
            <Can permission=Permission::TicketCreate>
                <a href="/tickets/new" class="btn btn-primary">"New ticket"</a>
            </Can>
        </div>
        <ListFilters query on_change />
        <div class="list-status" role="status" aria-live="polite">
            {move || (list.fetching.get() && list.data.with(|l| l.is_some())).then_some("Updating…")}
        </div>
        {move || match (list.data.get(), list.error.get()) {
            (Some(page), _) => view! { <TicketPage page query /> }.into_any(),
            (None, Some(error)) => {
                view! { <ErrorNotice error retry=Callback::new(move |()| list.refetch()) /> }.into_any()
            }
            (None, None) => view! { <Loading what="tickets" /> }.into_any(),
        }}
    }
}

/// One page of results: the table (cards on phones) and the paging controls, or the empty state.
#[component]
fn TicketPage(page: ListResponse<TicketDto>, query: Memo<TicketListQuery>) -> impl IntoView {
    if page.data.is_empty() {
        let filtered = query.with_untracked(is_filtered);
        let message = if filtered { "No tickets match these filters." } else { "There are no tickets here yet." };
        return view! {
            <Empty message>
                <Can permission=Permission::TicketCreate>
                    <a href="/tickets/new" class="btn btn-primary">"New ticket"</a>
                </Can>
            </Empty>
        }
        .into_any();
    }
    let meta = page.meta.clone();
    view! {
        <div class="table-wrap">
            <table class="ticket-table">
                <caption class="visually-hidden">"Tickets"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Requester"</th>
                        <th scope="col">"Assignee"</th>
                        <th scope="col">"Updated"</th>
                    </tr>
                </thead>
                <tbody>{page.data.into_iter().map(|t| view! { <TicketRow ticket=t /> }).collect_view()}</tbody>
            </table>
        </div>
        <Pager meta href=Callback::new(move |page| href(&TicketListQuery { page: Some(page), ..query.get_untracked() })) one="ticket" many="tickets" />
    }
    .into_any()
}

#[component]
fn TicketRow(ticket: TicketDto) -> impl IntoView {
    let assignee = match ticket.assignee {
        Some(a) => view! { <span>{a.name}</span> }.into_any(),
        None => view! { <span class="muted">"Unassigned"</span> }.into_any(),
    };
    view! {
        <tr>
            <td class="cell-number" data-label="Number">{ticket.ticket_number}</td>
            <td class="cell-title">
                <a href=format!("/tickets/{}", ticket.id)>{ticket.title}</a>
            </td>
            <td class="cell-status" data-label="Status">
                <StatusBadge status=ticket.status />
            </td>
            <td class="cell-priority" data-label="Priority">
                <PriorityBadge priority=ticket.priority />
            </td>
            <td class="cell-person" data-label="Requester">{ticket.requester.name}</td>
            <td class="cell-person" data-label="Assignee">{assignee}</td>
            <td class="cell-updated" data-label="Updated">
                <Time at=ticket.updated_at />
            </td>
        </tr>
    }
}
