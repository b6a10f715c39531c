//! Previous/next paging under a list, with the count of what matched.

use leptos::prelude::*;
use shared_types::PageMeta;

use super::url::UrlQuery;

/// "Page 2 of 5 · 93 users", with previous and next buttons that change the address.
#[component]
pub fn Pager(
    /// The list's paging facts.
    meta: PageMeta,
    /// The address the page number is kept in.
    url: UrlQuery,
    /// What is counted, one of them ("user").
    one: &'static str,
    /// What is counted, several ("users").
    many: &'static str,
) -> impl IntoView {
    let page = meta.page;
    let pages = meta.total_pages.max(1);
    let (first, last) = (page <= 1, page >= pages);
    let noun = if meta.total == 1 { one } else { many };
    view! {
        <nav class="pager" aria-label="Pages">
            <button class="btn" disabled=first on:click=move |_| url.go_to_page(page - 1)>
                "Previous page"
            </button>
            <span class="pager-where">{format!("Page {page} of {pages} · {} {noun}", meta.total)}</span>
            <button class="btn" disabled=last on:click=move |_| url.go_to_page(page + 1)>
                "Next page"
            </button>
        </nav>
    }
}
