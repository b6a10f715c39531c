//! For agents: the published knowledge-base articles that best match the ticket, to read
//! before answering or to link in a reply. The server sends them only to people who may write
//! internal notes.

use leptos::prelude::*;
use shared_types::kb::KbSuggestionDto;

/// The "Suggested articles" card; nothing at all when the server sent no suggestions field.
#[component]
pub fn SuggestedArticles(articles: Memo<Option<Vec<KbSuggestionDto>>>) -> impl IntoView {
    move || {
        articles.get().map(|list| {
            let content = if list.is_empty() {
                view! { <p class="muted">"No published article matches this ticket yet."</p> }.into_any()
            } else {
                let items = list
                    .into_iter()
                    .map(|a| {
                        view! {
                            <li>
                                <a href=format!("/kb/{}", a.id) target="_blank" rel="noopener">{a.title}</a>
                                <span class="visually-hidden">" (opens in a new tab)"</span>
                                {a.summary.map(|s| view! { <p class="muted">{s}</p> })}
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="suggested-articles">{items}</ul> }.into_any()
            };
            view! {
                <section class="card" aria-labelledby="suggested-heading">
                    <h2 id="suggested-heading">"Suggested articles"</h2>
                    {content}
                </section>
            }
        })
    }
}
