//! Knowledge-base pages: browse and search, one article with its rating and workflow, the
//! editor with a server-rendered preview, version history, and the suggestions shown while an
//! employee raises a ticket.

mod actions;
mod article;
mod editor;
mod history;
mod home;
mod rating;
mod suggest;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared_types::kb::{KbArticleDto, KbArticleSummaryDto, KbCategoryDto, KbStatus};
use uuid::Uuid;

pub use article::KbArticle;
pub use editor::{KbEditArticle, KbNewArticle};
pub use history::KbHistory;
pub use home::KbHome;
pub use suggest::KbSuggestions;

use crate::api::kb;
use crate::components::{ErrorNotice, Loading};
use crate::query::{Query, use_query};

/// The knowledge-base categories, parents before their subcategories.
pub fn use_kb_categories() -> Query<Vec<KbCategoryDto>> {
    use_query(move || ("kb-categories".to_owned(), ()), |()| kb::categories())
}

/// Every category with its label ("Network › VPN"), subcategories right after their parent.
pub fn category_options(categories: &[KbCategoryDto]) -> Vec<(&KbCategoryDto, String)> {
    let mut options: Vec<_> = categories
        .iter()
        .map(|c| {
            let parent = c.parent_id.and_then(|p| categories.iter().find(|o| o.id == p));
            let label = match parent {
                Some(parent) => format!("{} › {}", parent.name, c.name),
                None => c.name.clone(),
            };
            (c, label)
        })
        .collect();
    options.sort_by_key(|(_, label)| label.to_lowercase());
    options
}

/// The cache key of one article.
pub fn article_key(id: Uuid) -> String {
    format!("kb-article:{id}")
}

/// One article with its body. Reading a published article counts a view on the server.
pub fn use_article(id: Uuid) -> Query<KbArticleDto> {
    use_query(move || (article_key(id), id), |id: Uuid| async move { kb::get_one(id).await })
}

/// Loads article `id` and shows `body` with it, or the loading, error or not-found state. The
/// memo keeps the last answer on screen should the cache entry be emptied, and `body` runs
/// once, so forms inside it keep what the user typed when the article refreshes.
pub fn with_article(id: Uuid, body: fn(Memo<KbArticleDto>) -> AnyView) -> impl IntoView {
    let query = use_article(id);
    let fallback = move || match query.error.get() {
        Some(e) if e.status() == Some(404) => view! { <ArticleMissing /> }.into_any(),
        Some(error) => view! { <ErrorNotice error retry=Callback::new(move |()| query.refetch()) /> }.into_any(),
        None => view! { <Loading what="the article" /> }.into_any(),
    };
    view! {
        <Show when=move || query.data.with(|d| d.is_some()) fallback>
            {move || {
                query.data.get_untracked().map(|first| {
                    let article = Memo::new(move |prev: Option<&KbArticleDto>| {
                        query.data.get().or_else(|| prev.cloned()).unwrap_or_else(|| first.clone())
                    });
                    body(article)
                })
            }}
        </Show>
    }
}

/// The `:id` of the address, when it is an article id.
pub fn article_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id")).and_then(|s| Uuid::parse_str(&s).ok()))
}

/// Human label for an article's status.
pub fn kb_status_label(status: KbStatus) -> &'static str {
    match status {
        KbStatus::Draft => "Draft",
        KbStatus::InReview => "In review",
        KbStatus::Published => "Published",
        KbStatus::Archived => "Archived",
    }
}

/// "Network › VPN": where an article is filed.
pub fn filed_under(article: &KbArticleSummaryDto) -> String {
    match &article.subcategory {
        Some(sub) => format!("{} › {}", article.category.name, sub.name),
        None => article.category.name.clone(),
    }
}

/// A status badge, shown only for articles readers cannot see (everything not published).
#[component]
pub fn KbStatusBadge(status: KbStatus) -> impl IntoView {
    (status != KbStatus::Published)
        .then(|| view! { <span class=format!("badge kb-{}", status.as_str())>{kb_status_label(status)}</span> })
}

/// Shows `page` for the address's article, or the not-found state for an address that is no
/// article id.
pub fn article_page(page: fn(Memo<KbArticleDto>) -> AnyView) -> impl IntoView {
    let id = article_id();
    move || match id.get() {
        Some(id) => with_article(id, page).into_any(),
        None => view! { <ArticleMissing /> }.into_any(),
    }
}

/// "Not found" for an article id that does not exist or that the reader may not see (the
/// server answers 404 for both).
#[component]
pub fn ArticleMissing() -> impl IntoView {
    crate::pages::tickets::set_document_title("Article not found");
    view! {
        <div class="state state-empty">
            <h1>"Article not found"</h1>
            <p>"This article does not exist, or it is not published."</p>
            <a href="/kb">"Back to the knowledge base"</a>
        </div>
    }
}

/// `text` safe to set as HTML (for a title shown where search hits show marked-up ones).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One article in a list: its title as a link, the summary (or, for a search hit, the matched
/// passage), where it is filed, and its status for writers.
#[component]
pub fn ArticleItem(
    /// The article.
    article: KbArticleSummaryDto,
    /// For a search hit: the title and a passage with matched words in `<mark>`. The server
    /// HTML-escapes both and adds only `<mark>`, so they may be set as HTML.
    #[prop(optional)]
    hit: Option<(String, String)>,
) -> impl IntoView {
    let href = format!("/kb/{}", article.id);
    let filed = filed_under(&article);
    let (title, passage) = match hit {
        Some((title, passage)) => (title, Some(passage)),
        None => (escape(&article.title), None),
    };
    let text = match passage {
        Some(p) => view! { <p class="kb-passage" inner_html=p></p> }.into_any(),
        None => view! { <p class="kb-passage">{article.summary}</p> }.into_any(),
    };
    view! {
        <li class="kb-item">
            <h3 class="kb-item-title">
                <a href=href inner_html=title></a>
            </h3>
            {text}
            <p class="kb-item-meta muted">
                {filed}
                {article.featured.then_some(" · Featured")}
                " "
                <KbStatusBadge status=article.status />
            </p>
        </li>
    }
}
