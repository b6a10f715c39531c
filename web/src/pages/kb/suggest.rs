//! While an employee describes a problem on the new-ticket form: the articles that might
//! answer it, and "This solved it", which records a deflection instead of raising the ticket.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared_types::kb::{CreateKbDeflectionRequest, KbSearchHitDto};
use uuid::Uuid;

use crate::api::kb;

/// Quiet time after the last keystroke before searching.
const DEBOUNCE: Duration = Duration::from_millis(400);
/// How many articles to suggest.
const SUGGESTIONS: u8 = 4;

/// What to search for: title and description together, once they hold at least three letters
/// or digits; capped at the 500 characters the search accepts.
fn search_text(title: &str, description: &str) -> Option<String> {
    let text = format!("{} {}", title.trim(), description.trim());
    let text = text.trim();
    (text.chars().filter(|c| c.is_alphanumeric()).count() >= 3).then(|| text.chars().take(500).collect())
}

/// The suggestions panel; it stays empty until something matches.
#[component]
pub fn KbSuggestions(
    /// The ticket's title as typed.
    title: RwSignal<String>,
    /// The ticket's description as typed.
    description: RwSignal<String>,
) -> impl IntoView {
    let navigate = use_navigate();
    let hits = RwSignal::new(Vec::<KbSearchHitDto>::new());
    // The text the latest search is for; an answer for any other text is stale and dropped.
    let wanted = StoredValue::new(String::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let thanks = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    Effect::new(move |_| {
        let text = search_text(&title.get(), &description.get()).unwrap_or_default();
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        if text == wanted.get_value() {
            return;
        }
        wanted.set_value(text.clone());
        if text.is_empty() {
            hits.set(Vec::new());
            return;
        }
        let search = move || {
            spawn_local(async move {
                let found = kb::search(&text, None, SUGGESTIONS).await;
                if wanted.try_get_value().as_deref() != Some(text.as_str()) {
                    return;
                }
                // Suggestions help but are not needed to raise a ticket: a failed search shows
                // nothing rather than an error in the middle of the form.
                if let Ok(found) = found {
                    hits.try_set(found.data);
                }
            });
        };
        timer.set_value(set_timeout_with_handle(search, DEBOUNCE).ok());
    });
    on_cleanup(move || {
        if let Some(handle) = timer.try_get_value().flatten() {
            handle.clear();
        }
    });

    let solved = Callback::new(move |article_id: Uuid| {
        busy.set(true);
        failure.set(None);
        let req = CreateKbDeflectionRequest { article_id, query: wanted.get_value() };
        let navigate = navigate.clone();
        spawn_local(async move {
            match kb::deflect(&req).await {
                Ok(_) => {
                    thanks.set(true);
                    set_timeout(move || navigate("/tickets", NavigateOptions::default()), Duration::from_millis(1500));
                }
                Err(e) => {
                    failure.set(Some(e.message()));
                    busy.set(false);
                }
            }
        });
    });
    let item = move |hit: KbSearchHitDto| {
        let id = hit.article.id;
        view! {
            <li class="kb-item">
                <h3 class="kb-item-title">
                    <a href=format!("/kb/{id}") target="_blank" rel="noopener" inner_html=hit.title_highlight></a>
                    <span class="visually-hidden">" (opens in a new tab)"</span>
                </h3>
                <p class="kb-passage" inner_html=hit.highlight></p>
                <button class="btn" type="button" disabled=busy on:click=move |_| solved.run(id)>
                    "This solved it"
                    <span class="visually-hidden">{format!(": {}", hit.article.title)}</span>
                </button>
            </li>
        }
    };
    view! {
        <p class="kb-thanks" role="status">
            {move || thanks.get().then_some("Glad it helped! No ticket was raised. Taking you back to your tickets…")}
        </p>
        <p class="form-error" role="alert">{move || failure.get()}</p>
        <Show when=move || !thanks.get() && !hits.with(Vec::is_empty)>
            <section class="kb-suggestions" aria-labelledby="kb-suggestions-heading">
                <h2 id="kb-suggestions-heading">"These articles might help"</h2>
                <ul class="kb-list">{move || hits.get().into_iter().map(item).collect_view()}</ul>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::search_text;

    #[test]
    fn searches_only_meaningful_text() {
        assert_eq!(search_text(" vp ", "  "), None);
        assert_eq!(search_text("?!", "-- ..."), None);
        assert_eq!(search_text("vpn", ""), Some("vpn".to_owned()));
        assert_eq!(search_text("VPN drops", "every hour"), Some("VPN drops every hour".to_owned()));
        assert_eq!(search_text(&"x".repeat(600), "").map(|t| t.len()), Some(500));
    }
}
