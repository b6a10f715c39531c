//! Previous/next paging under a list, with the count of what matched.

use leptos::prelude::*;
use shared_types::PageMeta;

/// "Page 2 of 5 · 93 tickets" between previous and next links. Links rather than buttons, so
/// a page can be opened in a new tab and the back button steps back through pages.
#[component]
pub fn Pager(
    /// The list's paging facts.
    meta: PageMeta,
    /// The address of page `n` with the same filters.
    href: Callback<u64, String>,
    /// What is counted, one of them ("ticket").
    one: &'static str,
    /// What is counted, several ("tickets").
    many: &'static str,
) -> impl IntoView {
    let pages = meta.total_pages.max(1);
    let noun = if meta.total == 1 { one } else { many };
    let link = move |page: Option<u64>, text: &'static str, rel: &'static str| match page {
        Some(p) => view! { <a href=href.run(p) class="btn" rel=rel>{text}</a> }.into_any(),
        None => view! { <span class="btn" aria-disabled="true">{text}</span> }.into_any(),
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {link((meta.page > 1).then(|| meta.page - 1), "Previous page", "prev")}
            <span class="pager-where">
                {format!("Page {} of {pages} · {} {noun}", meta.page.min(pages), meta.total)}
            </span>
            {link((meta.page < meta.total_pages).then(|| meta.page + 1), "Next page", "next")}
        </nav>
    }
}
