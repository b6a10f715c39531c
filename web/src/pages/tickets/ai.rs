//! For agents: what AI triage suggested for a ticket when it was not sure enough to apply it
//! itself (see the thresholds on the console's AI page). "Accept" applies the suggestion; "Not
//! right" applies the value the agent picks instead. Both are recorded as feedback, which the
//! local model learns from.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::admin::CategoryDto;
use shared_types::ai::{AiFeedbackRequest, AiField};
use shared_types::tickets::{TicketDto, TicketPriority};

use super::lookups::{category_label, category_options, use_categories};
use crate::api::tickets;
use crate::components::priority_label;
use crate::query::invalidate;
use crate::session::use_session;

/// One suggested field: what was suggested, and the values an agent may pick instead.
struct Suggested {
    field: AiField,
    what: &'static str,
    label: String,
    choices: Vec<(String, String)>,
}

/// The "Suggested by AI" card, for people who may change tickets; nothing when there is no
/// open suggestion.
#[component]
pub fn AiSuggestion(ticket: Memo<TicketDto>) -> impl IntoView {
    let session = use_session();
    if !untrack(|| session.can(Permission::TicketUpdate)) {
        return ().into_any();
    }
    let categories = use_categories();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let send = Callback::new(move |(field, value): (AiField, Option<String>)| {
        let id = ticket.with_untracked(|t| t.id);
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let accept = value.is_none();
            let req = AiFeedbackRequest { field, value };
            if let Err(error) = tickets::ai_feedback(id, accept, &req).await {
                failure.set(Some(error.message()));
            }
            invalidate(&format!("ticket:{id}"));
            invalidate(&format!("ticket-history:{id}"));
            invalidate("tickets");
            busy.set(false);
        });
    });
    // One closure renders the whole card: it changes only when the suggestion does, and then
    // nothing typed in it is worth keeping.
    let card = move || {
        let rows =
            categories.data.with(|all| ticket.with(|t| suggested(t, all.map(Vec::as_slice).unwrap_or_default())));
        (!rows.is_empty()).then(|| {
            let sure = ticket.with_untracked(|t| {
                let sure = t.ai_confidence.map(|c| format!("{:.0}% confident", c * 100.0)).unwrap_or_default();
                let model = t.ai_model_version.clone().map(|m| format!(" · model {m}")).unwrap_or_default();
                format!("{sure}{model}")
            });
            view! {
                <section class="card ai-suggestion" aria-labelledby="ai-heading">
                    <h2 id="ai-heading">"Suggested by AI"</h2>
                    <p class="muted">{sure}</p>
                    {rows.into_iter().map(|row| suggestion_row(row, busy, send)).collect_view()}
                    <p class="form-error" role="alert">{move || failure.get()}</p>
                </section>
            }
        })
    };
    view! { {card} }.into_any()
}

/// The open suggestions of `ticket`, with the values an agent may pick instead.
fn suggested(ticket: &TicketDto, all: &[CategoryDto]) -> Vec<Suggested> {
    let mut rows = Vec::new();
    if let Some(id) = ticket.ai_suggested_category {
        // A subcategory is predicted as such; the correction must be one too.
        let sub = all.iter().find(|c| c.id == id).is_some_and(|c| c.parent_id.is_some());
        let choices = category_options(all)
            .into_iter()
            .filter(|(c, _)| all.iter().any(|o| o.id == *c && o.parent_id.is_some() == sub))
            .map(|(c, label)| (c.to_string(), label))
            .collect();
        let label = category_label(all, id).unwrap_or_else(|| "…".into());
        let field = if sub { AiField::Subcategory } else { AiField::Category };
        rows.push(Suggested { field, what: "Category", label, choices });
    }
    if let Some(p) = ticket.ai_suggested_priority {
        let choices =
            TicketPriority::ALL.into_iter().map(|o| (o.as_str().to_owned(), priority_label(o).to_owned())).collect();
        rows.push(Suggested { field: AiField::Priority, what: "Priority", label: priority_label(p).into(), choices });
    }
    rows
}

fn suggestion_row(row: Suggested, busy: RwSignal<bool>, send: Callback<(AiField, Option<String>)>) -> impl IntoView {
    let Suggested { field, what, label, choices } = row;
    let picked = RwSignal::new(String::new());
    let select_id = format!("ai-{}", field.as_str());
    view! {
        <div class="ai-row">
            <p>{what} ": " <strong>{label.clone()}</strong></p>
            <button
                class="btn btn-primary"
                disabled=busy
                aria-label=format!("Accept {} {label}", what.to_lowercase())
                on:click=move |_| send.run((field, None))
            >
                "Accept"
            </button>
            <details>
                <summary>"Not right"</summary>
                <label for=select_id.clone()>{format!("Right {}", what.to_lowercase())}</label>
                <select id=select_id on:change=move |ev| picked.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {choices.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
                <button
                    class="btn"
                    disabled=move || busy.get() || picked.with(String::is_empty)
                    on:click=move |_| send.run((field, Some(picked.get_untracked())))
                >
                    "Apply"
                </button>
            </details>
        </div>
    }
}
