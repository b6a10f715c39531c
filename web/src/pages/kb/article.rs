//! `/kb/:id`: one article rendered from the server's sanitised HTML, its details, the "was
//! this helpful?" form and, for writers, the workflow.

use leptos::prelude::*;
use shared_types::Permission;
use shared_types::kb::{KbArticleDto, KbStatus};

use super::actions::ArticleActions;
use super::rating::RatingForm;
use super::{KbStatusBadge, article_page, filed_under};
use crate::components::{Can, Time};
use crate::pages::tickets::set_document_title;

/// The article page.
#[component]
pub fn KbArticle() -> impl IntoView {
    article_page(article_view)
}

/// The page keeps one `h1`: headings inside the body move one level down (an article written
/// with `# Title` would otherwise bring a second one). The HTML is sanitised and its text
/// escaped, so every `<h` here starts a tag.
fn demote_headings(html: &str) -> String {
    let mut out = html.to_owned();
    for level in (1..=5).rev() {
        out = out.replace(&format!("<h{level}"), &format!("<h{}", level + 1));
        out = out.replace(&format!("</h{level}>"), &format!("</h{}>", level + 1));
    }
    out
}

fn article_view(article: Memo<KbArticleDto>) -> AnyView {
    Effect::new(move |_| article.with(|a| set_document_title(&a.article.title)));
    let text = move |f: fn(&KbArticleDto) -> String| move || article.with(f);
    let published = move || article.with(|a| a.article.status == KbStatus::Published);
    let tags = move || {
        let tags = article.with(|a| a.article.tags.clone());
        if tags.is_empty() {
            return view! { "—" }.into_any();
        }
        view! { <ul class="tags">{tags.into_iter().map(|t| view! { <li class="tag">{t}</li> }).collect_view()}</ul> }
            .into_any()
    };
    view! {
        <p class="back-link">
            <a href="/kb">"← Knowledge base"</a>
        </p>
        <header class="kb-head">
            <h1>{text(|a| a.article.title.clone())}</h1>
            <p class="kb-summary">{text(|a| a.article.summary.clone().unwrap_or_default())}</p>
            <p class="kb-badges">
                {move || view! { <KbStatusBadge status=article.with(|a| a.article.status) /> }}
                {move || article.with(|a| a.article.featured).then(|| view! { <span class="badge kb-featured">"Featured"</span> })}
            </p>
        </header>
        <Can permission=Permission::KbWrite>
            <ArticleActions article />
        </Can>
        <div class="kb-layout">
            <div class="kb-main">
                <article class="card kb-body" inner_html=move || article.with(|a| demote_headings(&a.body_html))></article>
                <Show when=published>
                    <RatingForm article />
                </Show>
            </div>
            <aside class="kb-side" aria-label="Article details">
                <section class="card" aria-labelledby="kb-details-heading">
                    <h2 id="kb-details-heading">"Details"</h2>
                    <dl class="details">
                        <dt>"Category"</dt>
                        <dd>{move || article.with(|a| filed_under(&a.article))}</dd>
                        <dt>"Tags"</dt>
                        <dd>{tags}</dd>
                        <dt>"Updated"</dt>
                        <dd>{move || view! { <Time at=article.with(|a| a.article.updated_at) /> }}</dd>
                        <dt>"Views"</dt>
                        <dd>{move || article.with(|a| a.article.view_count)}</dd>
                        <dt>"Helpful"</dt>
                        <dd>
                            {move || article.with(|a| format!("{} yes · {} no", a.article.helpful_count, a.article.unhelpful_count))}
                        </dd>
                    </dl>
                </section>
            </aside>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::demote_headings;

    #[test]
    fn headings_move_one_level_down() {
        assert_eq!(demote_headings("<h1>A</h1><h2 id=\"b\">B</h2><p>x</p>"), "<h2>A</h2><h3 id=\"b\">B</h3><p>x</p>");
        assert_eq!(demote_headings("<h5>E</h5><h6>F</h6>"), "<h6>E</h6><h6>F</h6>");
    }
}
