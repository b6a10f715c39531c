//! For agents: tickets that read like this one (open, or resolved or closed recently), to spot
//! duplicates before working the same problem twice. The server compares the tickets' text
//! embeddings and lists only tickets the agent may see.

use leptos::prelude::*;
use shared_types::Permission;
use shared_types::tickets::{SimilarStatus, TicketStatus};
use uuid::Uuid;

use crate::api::{ApiError, get};
use crate::components::StatusBadge;
use crate::query::use_query;
use crate::session::use_session;

/// What the card reads of `GET /tickets/{id}/similar`, a `SimilarTicketsResponse` (the rest of
/// each `SimilarTicketDto` is not shown, and not decoding it keeps the WASM smaller).
#[derive(Clone, serde::Deserialize)]
struct Similar {
    data: Vec<Item>,
    status: SimilarStatus,
}

#[derive(Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: Uuid,
    ticket_number: String,
    title: String,
    status: TicketStatus,
}

async fn similar(id: Uuid) -> Result<Similar, ApiError> {
    get(&format!("/api/v1/tickets/{id}/similar")).await
}

/// The "Similar tickets" card, for people who work tickets.
#[component]
pub fn SimilarTickets(id: Uuid) -> impl IntoView {
    let session = use_session();
    if !untrack(|| session.can(Permission::TicketUpdate)) {
        return ().into_any();
    }
    let list = use_query(move || (format!("ticket-similar:{id}"), id), similar);
    let content = move || {
        let answer = list.data.get()?;
        let body = match (answer.status, answer.data.is_empty()) {
            (SimilarStatus::Unavailable, _) => {
                view! { <p class="muted">"Similarity needs the embedding model, which this server has not loaded."</p> }
                    .into_any()
            }
            (SimilarStatus::Pending, _) => {
                view! { <p class="muted">"This ticket is still being compared; look again in a moment."</p> }.into_any()
            }
            (SimilarStatus::Ok, true) => {
                view! { <p class="muted">"No open or recent ticket reads like this one."</p> }.into_any()
            }
            (SimilarStatus::Ok, false) => {
                let items = answer
                    .data
                    .into_iter()
                    .map(|t| {
                        view! {
                            <li>
                                <a href=format!("/tickets/{}", t.id)>{format!("{} {}", t.ticket_number, t.title)}</a>
                                " "
                                <StatusBadge status=t.status />
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="suggested-articles">{items}</ul> }.into_any()
            }
        };
        Some(view! {
            <section class="card" aria-labelledby="similar-heading">
                <h2 id="similar-heading">"Similar tickets"</h2>
                {body}
            </section>
        })
    };
    view! { {content} }.into_any()
}
