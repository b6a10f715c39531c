//! `/tickets/new`: raise a ticket.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared_types::Permission;
use shared_types::tickets::{CreateTicketRequest, TicketDetailDto, TicketPriority};
use shared_types::validation::{TAG_MAX, TAGS_MAX, TEXT_MAX, TITLE_MAX, TITLE_MIN, validate_create_ticket};
use uuid::Uuid;

use super::list::set_document_title;
use super::lookups::{category_options, use_categories};
use crate::api::tickets;
use crate::components::{Field, field_error, priority_label};
use crate::pages::kb::KbSuggestions;
use crate::query::{invalidate, set_query_data};
use crate::session::use_session;

/// "vpn, Wi-Fi ,," → ["vpn", "Wi-Fi"]; `None` when there are none.
pub fn split_tags(raw: &str) -> Option<Vec<String>> {
    let tags: Vec<String> = raw.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    (!tags.is_empty()).then_some(tags)
}

/// Moves focus to the first field with a problem, so keyboard and screen-reader users land on it.
fn focus_first_error(errors: &BTreeMap<String, String>) {
    let order = [
        ("title", "ticket-title"),
        ("description", "ticket-description"),
        ("priority", "ticket-priority"),
        ("categoryId", "ticket-category"),
        ("tags", "ticket-tags"),
    ];
    let first = order.iter().find(|(field, _)| errors.contains_key(*field)).map(|(_, id)| *id);
    let element = first.and_then(|id| web_sys::window()?.document()?.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
        let _ = element.focus();
    }
}

/// The new-ticket page; people without `ticket:create` get an explanation instead of a form.
#[component]
pub fn NewTicket() -> impl IntoView {
    let session = use_session();
    set_document_title("New ticket");
    view! {
        <h1>"New ticket"</h1>
        <Show
            when=move || session.can(Permission::TicketCreate)
            fallback=|| view! { <p class="state">"Your role cannot raise tickets. Ask an administrator if you need to."</p> }
        >
            <NewTicketForm />
        </Show>
    }
}

#[component]
fn NewTicketForm() -> impl IntoView {
    let navigate = use_navigate();
    let categories = use_categories();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let tags = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateTicketRequest {
            title: title.get_untracked().trim().to_owned(),
            description: description.get_untracked().trim().to_owned(),
            priority: TicketPriority::parse(&priority.get_untracked()),
            category_id: category.get_untracked().parse::<Uuid>().ok(),
            tags: split_tags(&tags.get_untracked()),
        };
        let found = validate_create_ticket(&req);
        errors.set(found.clone());
        failure.set(None);
        if !found.is_empty() {
            failure.set(Some("Please correct the fields marked below.".into()));
            focus_first_error(&found);
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match tickets::create(&req).await {
                Ok(ticket) => {
                    invalidate("tickets");
                    let id = ticket.id;
                    // The new ticket's page opens at once; it refetches in the background.
                    set_query_data::<TicketDetailDto>(&format!("ticket:{id}"), |_| {
                        Some(TicketDetailDto { ticket, comments: Vec::new(), suggested_articles: None })
                    });
                    invalidate(&format!("ticket:{id}"));
                    navigate(&format!("/tickets/{id}"), NavigateOptions::default());
                }
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                    focus_first_error(&e.fields());
                    busy.set(false);
                }
            }
        });
    };

    let category_choices = move || {
        let known = categories.data.get().unwrap_or_default();
        category_options(&known)
            .into_iter()
            .map(|(id, name)| {
                let value = id.to_string();
                let selected = value == category.get_untracked();
                view! { <option value=value prop:selected=selected>{name}</option> }
            })
            .collect_view()
    };

    view! {
        <form class="card ticket-form" on:submit=submit novalidate>
            <p class="form-error" role="alert">{move || failure.get()}</p>
            <Field
                id="ticket-title"
                label="Title"
                hint=format!("A short summary, {TITLE_MIN} to {TITLE_MAX} characters.")
                error=field_error(errors, "title")
            >
                <input
                    id="ticket-title"
                    type="text"
                    required
                    maxlength=TITLE_MAX.to_string()
                    aria-describedby="ticket-title-error"
                    prop:value=title
                    on:input=move |ev| title.set(event_target_value(&ev))
                />
            </Field>
            <Field
                id="ticket-description"
                label="Description"
                hint="What happened, what you expected, and what you already tried."
                error=field_error(errors, "description")
            >
                <textarea
                    id="ticket-description"
                    rows="8"
                    required
                    maxlength=TEXT_MAX.to_string()
                    aria-describedby="ticket-description-error"
                    prop:value=description
                    on:input=move |ev| description.set(event_target_value(&ev))
                ></textarea>
            </Field>
            <KbSuggestions title description />
            <div class="form-row">
                <Field id="ticket-priority" label="Priority" error=field_error(errors, "priority")>
                    <select
                        id="ticket-priority"
                        aria-describedby="ticket-priority-error"
                        on:change=move |ev| priority.set(event_target_value(&ev))
                    >
                        <option value="">"Not sure (medium)"</option>
                        {TicketPriority::ALL
                            .into_iter()
                            .map(|p| view! { <option value=p.as_str()>{priority_label(p)}</option> })
                            .collect_view()}
                    </select>
                </Field>
                <Field id="ticket-category" label="Category" error=field_error(errors, "categoryId")>
                    <select
                        id="ticket-category"
                        aria-describedby="ticket-category-error"
                        on:change=move |ev| category.set(event_target_value(&ev))
                    >
                        <option value="">"Not sure"</option>
                        {category_choices}
                    </select>
                </Field>
            </div>
            <Field
                id="ticket-tags"
                label="Tags"
                hint=format!("Optional; separate with commas. Up to {TAGS_MAX} tags of at most {TAG_MAX} characters.")
                error=field_error(errors, "tags")
            >
                <input
                    id="ticket-tags"
                    type="text"
                    aria-describedby="ticket-tags-error"
                    placeholder="vpn, laptop"
                    prop:value=tags
                    on:input=move |ev| tags.set(event_target_value(&ev))
                />
            </Field>
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" disabled=busy>
                    {move || if busy.get() { "Sending…" } else { "Create ticket" }}
                </button>
                <a href="/tickets" class="btn">"Cancel"</a>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::split_tags;

    #[test]
    fn tags_are_split_on_commas() {
        assert_eq!(split_tags(" vpn, Wi-Fi ,,"), Some(vec!["vpn".to_owned(), "Wi-Fi".to_owned()]));
        assert_eq!(split_tags(" , "), None);
    }
}
