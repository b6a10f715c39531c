//! `/kb`: featured articles and the article list, filtered by category (and, for writers, by
//! status), or search results. The address holds the query, so Back steps through searches.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared_types::Permission;
use shared_types::kb::{KbArticleListQuery, KbArticleSummaryDto, KbSearchResponse, KbStatus};

use super::{ArticleItem, category_options, kb_status_label, use_kb_categories};
use crate::api::{encode, kb, query_string};
use crate::components::{Can, Empty, FilterSelect, Pager, QueryView, pairs};
use crate::pages::tickets::set_document_title;
use crate::query::use_query;
use crate::session::use_session;

/// What the address asks for.
#[derive(Debug, Clone, Default, PartialEq)]
struct Place {
    q: String,
    category: String,
    status: String,
    page: u64,
}

fn href(p: &Place) -> String {
    let mut parts = Vec::new();
    for (key, value) in [("q", &p.q), ("category", &p.category), ("status", &p.status)] {
        if !value.is_empty() {
            parts.push(format!("{key}={}", encode(value)));
        }
    }
    if p.page > 1 {
        parts.push(format!("page={}", p.page));
    }
    if parts.is_empty() { "/kb".to_owned() } else { format!("/kb?{}", parts.join("&")) }
}

/// The knowledge-base home page.
#[component]
pub fn KbHome() -> impl IntoView {
    set_document_title("Knowledge base");
    let session = use_session();
    let params = use_query_map();
    let navigate = use_navigate();
    let place = Memo::new(move |_| {
        params.with(|p| Place {
            q: p.get("q").unwrap_or_default(),
            category: p.get("category").unwrap_or_default(),
            status: p.get("status").unwrap_or_default(),
            page: p.get("page").and_then(|v| v.parse().ok()).unwrap_or(1),
        })
    });
    let go = move |p: Place| navigate(&href(&p), NavigateOptions::default());
    let categories = use_kb_categories();
    let writer = untrack(|| session.can(Permission::KbWrite));

    // The box follows the address (Back, a category link) and searches on Enter or the button.
    let words = RwSignal::new(String::new());
    Effect::new(move |_| words.set(place.with(|p| p.q.clone())));
    let go_search = go.clone();
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go_search(Place { q: words.get_untracked().trim().to_owned(), page: 1, ..place.get_untracked() });
    };
    let category_choices = Signal::derive(move || {
        let known = categories.data.get().unwrap_or_default();
        pairs(category_options(&known).into_iter().map(|(c, label)| (c.slug.clone(), label)), "All categories")
    });
    let go_category = go.clone();
    let go_status = go;
    let status_choices =
        pairs(KbStatus::ALL.into_iter().map(|s| (s.as_str().to_owned(), kb_status_label(s).to_owned())), "Any status");

    view! {
        <div class="page-head">
            <h1>"Knowledge base"</h1>
            <Can permission=Permission::KbWrite>
                <a href="/kb/new" class="btn btn-primary">"New article"</a>
            </Can>
        </div>
        <div class="kb-filters">
            <form class="search" role="search" on:submit=search>
                <label for="kb-search">"Search articles"</label>
                <div class="search-row">
                    <input
                        id="kb-search"
                        type="search"
                        placeholder="Describe the problem, e.g. VPN keeps disconnecting"
                        prop:value=words
                        on:input=move |ev| words.set(event_target_value(&ev))
                    />
                    <button class="btn btn-primary" type="submit">"Search"</button>
                </div>
            </form>
            <div class="toolbar">
                <FilterSelect
                    id="kb-category"
                    label="Category"
                    value=Signal::derive(move || place.with(|p| p.category.clone()))
                    options=category_choices
                    on_pick=Callback::new(move |category| go_category(Place { category, page: 1, ..place.get_untracked() }))
                />
                {writer.then(|| view! {
                    <FilterSelect
                        id="kb-status"
                        label="Status"
                        value=Signal::derive(move || place.with(|p| p.status.clone()))
                        options=status_choices
                        on_pick=Callback::new(move |status| go_status(Place { status, page: 1, ..place.get_untracked() }))
                    />
                })}
            </div>
        </div>
        {move || {
            if place.with(|p| p.q.is_empty()) {
                view! { <Browse place writer /> }.into_any()
            } else {
                view! { <SearchResults place /> }.into_any()
            }
        }}
    }
}

/// A list of articles, or `empty` when there are none.
fn article_list(articles: Vec<KbArticleSummaryDto>, empty: &'static str) -> AnyView {
    if articles.is_empty() {
        return view! { <Empty message=empty /> }.into_any();
    }
    view! { <ul class="kb-list">{articles.into_iter().map(|a| view! { <ArticleItem article=a /> }).collect_view()}</ul> }
        .into_any()
}

/// Featured articles (on the unfiltered first page) and a page of the list.
#[component]
fn Browse(place: Memo<Place>, writer: bool) -> impl IntoView {
    let list = use_query(
        move || {
            let p = place.get();
            let q = KbArticleListQuery {
                // Without kb:write the server shows published articles only, whatever is asked.
                status: (writer && !p.status.is_empty()).then_some(p.status),
                category: Some(p.category).filter(|c| !c.is_empty()),
                page: Some(p.page).filter(|n| *n > 1),
                ..KbArticleListQuery::default()
            };
            (format!("kb-list{}", query_string(&q)), q)
        },
        |q: KbArticleListQuery| async move { kb::list(&q).await },
    );
    let plain = move || place.with(|p| p.category.is_empty() && p.status.is_empty() && p.page <= 1);
    view! {
        <Show when=plain>
            <Featured />
        </Show>
        <section aria-labelledby="kb-all-heading">
            <h2 id="kb-all-heading">{if writer { "All articles" } else { "Articles" }}</h2>
            <QueryView
                query=list
                what="articles"
                view=move |page| {
                    let meta = page.meta.clone();
                    let pager = (meta.total_pages > 1).then(|| {
                        let href = Callback::new(move |n| href(&Place { page: n, ..place.get_untracked() }));
                        view! { <Pager meta href one="article" many="articles" /> }
                    });
                    view! {
                        {article_list(page.data, "No articles here yet.")}
                        {pager}
                    }
                }
            />
        </section>
    }
}

/// The featured articles, when there are any.
#[component]
fn Featured() -> impl IntoView {
    let featured = use_query(move || ("kb-featured".to_owned(), ()), |()| kb::featured());
    move || {
        featured.data.get().filter(|f| !f.is_empty()).map(|articles| {
            view! {
                <section aria-labelledby="kb-featured-heading">
                    <h2 id="kb-featured-heading">"Featured"</h2>
                    {article_list(articles, "")}
                </section>
            }
        })
    }
}

/// The best matches for the address's words, with the matched words marked.
#[component]
fn SearchResults(place: Memo<Place>) -> impl IntoView {
    let results = use_query(
        move || {
            let p = place.get();
            (format!("kb-search:{}:{}", p.category, p.q), p)
        },
        |p: Place| async move { kb::search(&p.q, Some(p.category.as_str()).filter(|c| !c.is_empty()), 20).await },
    );
    view! {
        <section aria-labelledby="kb-results-heading">
            <h2 id="kb-results-heading">"Search results"</h2>
            <QueryView
                query=results
                what="search results"
                view=move |found: KbSearchResponse| {
                    let count = found.data.len();
                    if count == 0 {
                        return view! { <Empty message="No article matches these words. Try other words, or raise a ticket." /> }
                            .into_any();
                    }
                    let noun = if count == 1 { "article" } else { "articles" };
                    view! {
                        <p class="muted" role="status">{format!("{count} {noun} found")}</p>
                        <ul class="kb-list">
                            {found
                                .data
                                .into_iter()
                                .map(|h| view! { <ArticleItem article=h.article hit=(h.title_highlight, h.highlight) /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            />
        </section>
    }
}
