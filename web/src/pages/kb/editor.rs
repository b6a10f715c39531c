//! `/kb/new` and `/kb/:id/edit`: title, summary, category, tags and the Markdown body, with a
//! preview the server renders (the web app ships no Markdown parser). Saving an edit carries
//! the version it started from; if someone saved meanwhile the server refuses (412) and the
//! editor keeps the user's text and says what to do.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared_types::Permission;
use shared_types::kb::validation::{
    KB_BODY_MAX, KB_NOTE_MAX, KB_SUMMARY_MAX, KB_TITLE_MAX, validate_create_article, validate_update_article,
};
use shared_types::kb::{CreateKbArticleRequest, KbArticleDto, KbPreviewRequest, UpdateKbArticleRequest};
use uuid::Uuid;

use super::actions::{is_conflict, keep_saved};
use super::{article_page, category_options, use_kb_categories};
use crate::api::kb;
use crate::components::{Field, field_error};
use crate::pages::tickets::{set_document_title, split_tags};
use crate::session::use_session;

/// `/kb/new`.
#[component]
pub fn KbNewArticle() -> impl IntoView {
    set_document_title("New article");
    view! {
        <h1>"New article"</h1>
        {gated(None)}
    }
}

/// `/kb/:id/edit`.
#[component]
pub fn KbEditArticle() -> impl IntoView {
    article_page(|article| {
        let first = article.get_untracked();
        set_document_title(&format!("Edit: {}", first.article.title));
        view! {
            <p class="back-link">
                <a href=format!("/kb/{}", first.article.id)>"← Back to the article"</a>
            </p>
            <h1>"Edit article"</h1>
            {gated(Some(first))}
        }
        .into_any()
    })
}

/// The form for writers; an explanation for everyone else.
fn gated(existing: Option<KbArticleDto>) -> impl IntoView {
    let session = use_session();
    let existing = StoredValue::new(existing);
    view! {
        <Show
            when=move || session.can(Permission::KbWrite)
            fallback=|| view! { <p class="state">"Your role cannot write articles. Ask an administrator if you need to."</p> }
        >
            {move || view! { <Editor existing=existing.get_value() /> }}
        </Show>
    }
}

/// A select's value as an id.
fn id_of(value: &str) -> Option<Uuid> {
    value.parse().ok()
}

#[component]
fn Editor(existing: Option<KbArticleDto>) -> impl IntoView {
    let navigate = use_navigate();
    let categories = use_kb_categories();
    let text = |f: fn(&KbArticleDto) -> String| RwSignal::new(existing.as_ref().map(f).unwrap_or_default());
    let title = text(|a| a.article.title.clone());
    let summary = text(|a| a.article.summary.clone().unwrap_or_default());
    let category = text(|a| a.article.category.id.to_string());
    let subcategory = text(|a| a.article.subcategory.as_ref().map(|s| s.id.to_string()).unwrap_or_default());
    let tags = text(|a| a.article.tags.join(", "));
    let body = text(|a| a.body_markdown.clone());
    let note = RwSignal::new(String::new());
    // The article and the version this edit is based on; `None` for a new article.
    let base = RwSignal::new(existing.as_ref().map(|a| (a.article.id, a.article.version)));
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (t, s, b) = (title.get_untracked(), summary.get_untracked(), body.get_untracked());
        let summary_value = Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let tag_list = split_tags(&tags.get_untracked());
        let sub = id_of(&subcategory.get_untracked());
        let Some(category_id) = id_of(&category.get_untracked()) else {
            errors.set(BTreeMap::from([("categoryId".to_owned(), "Choose a category.".to_owned())]));
            failure.set(Some("Please correct the fields marked below.".into()));
            return;
        };
        let (found, request) = match base.get_untracked() {
            None => {
                let req = CreateKbArticleRequest {
                    title: t,
                    body_markdown: b,
                    summary: summary_value,
                    category_id,
                    subcategory_id: sub,
                    tags: tag_list,
                    slug: None,
                };
                (validate_create_article(&req), Err(req))
            }
            Some((id, version)) => {
                let n = note.get_untracked().trim().to_owned();
                let req = UpdateKbArticleRequest {
                    title: Some(t),
                    body_markdown: Some(b),
                    summary: Some(summary_value),
                    category_id: Some(category_id),
                    subcategory_id: Some(sub),
                    tags: Some(tag_list.unwrap_or_default()),
                    featured: None,
                    note: (!n.is_empty()).then_some(n),
                };
                (validate_update_article(&req), Ok((id, version, req)))
            }
        };
        let invalid = !found.is_empty();
        errors.set(found);
        failure.set(invalid.then(|| "Please correct the fields marked below.".into()));
        if invalid {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let saved = match &request {
                Err(create) => kb::create(create).await,
                Ok((id, version, update)) => kb::update(*id, *version, update).await,
            };
            match saved {
                Ok(article) => {
                    let id = article.article.id;
                    keep_saved(id, article);
                    navigate(&format!("/kb/{id}"), NavigateOptions::default());
                }
                Err(e) if is_conflict(&e) => {
                    // Based on the newest version from now on, so saving again replaces it
                    // knowingly; the user's text stays in the form.
                    if let Ok((id, _, _)) = &request
                        && let Ok(latest) = kb::get_one(*id).await
                    {
                        base.set(Some((*id, latest.article.version)));
                    }
                    failure.set(Some(
                        "Someone else saved this article while you were editing. Your text is still here: open the \
                         article in a new tab to compare, then save again to replace their version."
                            .into(),
                    ));
                }
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };

    let category_choices = move |parent: Option<Uuid>, selected: RwSignal<String>| {
        let known = categories.data.get().unwrap_or_default();
        category_options(&known)
            .into_iter()
            .filter(|(c, _)| c.parent_id == parent)
            .map(|(c, label)| {
                let value = c.id.to_string();
                let chosen = value == selected.get_untracked();
                let label = if parent.is_some() { c.name.clone() } else { label };
                view! { <option value=value prop:selected=chosen>{label}</option> }
            })
            .collect_view()
    };
    let parent = move || id_of(&category.get());

    view! {
        <form class="card kb-editor" on:submit=submit novalidate>
            <p class="form-error" role="alert">{move || failure.get()}</p>
            <Field id="kb-title" label="Title" hint=format!("3 to {KB_TITLE_MAX} characters.") error=field_error(errors, "title")>
                <input
                    id="kb-title"
                    type="text"
                    required
                    maxlength=KB_TITLE_MAX.to_string()
                    aria-describedby="kb-title-error"
                    prop:value=title
                    on:input=move |ev| title.set(event_target_value(&ev))
                />
            </Field>
            <Field
                id="kb-summary"
                label="Summary"
                hint="Optional: one or two sentences saying what the article answers."
                error=field_error(errors, "summary")
            >
                <textarea
                    id="kb-summary"
                    rows="2"
                    maxlength=KB_SUMMARY_MAX.to_string()
                    aria-describedby="kb-summary-error"
                    prop:value=summary
                    on:input=move |ev| summary.set(event_target_value(&ev))
                ></textarea>
            </Field>
            <div class="form-row">
                <Field id="kb-category" label="Category" error=field_error(errors, "categoryId")>
                    <select
                        id="kb-category"
                        required
                        aria-describedby="kb-category-error"
                        on:change=move |ev| {
                            category.set(event_target_value(&ev));
                            subcategory.set(String::new());
                        }
                    >
                        <option value="">"Choose…"</option>
                        {move || category_choices(None, category)}
                    </select>
                </Field>
                <Field id="kb-subcategory" label="Subcategory" error=field_error(errors, "subcategoryId")>
                    <select
                        id="kb-subcategory"
                        aria-describedby="kb-subcategory-error"
                        on:change=move |ev| subcategory.set(event_target_value(&ev))
                    >
                        <option value="" prop:selected=move || subcategory.get().is_empty()>"None"</option>
                        {move || parent().map(|p| category_choices(Some(p), subcategory))}
                    </select>
                </Field>
            </div>
            <Field id="kb-tags" label="Tags" hint="Optional; separate with commas." error=field_error(errors, "tags")>
                <input
                    id="kb-tags"
                    type="text"
                    aria-describedby="kb-tags-error"
                    placeholder="vpn, remote"
                    prop:value=tags
                    on:input=move |ev| tags.set(event_target_value(&ev))
                />
            </Field>
            <BodyTabs body errors />
            {move || base.with(Option::is_some).then(|| view! {
                <Field
                    id="kb-note"
                    label="Change note"
                    hint=format!("Optional: why you changed it, kept in the history (at most {KB_NOTE_MAX} characters).")
                    error=field_error(errors, "note")
                >
                    <input
                        id="kb-note"
                        type="text"
                        aria-describedby="kb-note-error"
                        prop:value=note
                        on:input=move |ev| note.set(event_target_value(&ev))
                    />
                </Field>
            })}
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" disabled=busy>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <a href=move || base.get().map_or_else(|| "/kb".to_owned(), |(id, _)| format!("/kb/{id}")) class="btn">
                    "Cancel"
                </a>
            </div>
        </form>
    }
}

/// The Markdown body with Write and Preview tabs; the preview is rendered by the server,
/// sanitised exactly as the saved article will be.
#[component]
fn BodyTabs(body: RwSignal<String>, errors: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let previewing = RwSignal::new(false);
    let html = RwSignal::new(None::<Result<String, String>>);
    let show_preview = move |_| {
        previewing.set(true);
        html.set(None);
        let req = KbPreviewRequest { body_markdown: body.get_untracked() };
        spawn_local(async move {
            let answer = kb::preview(&req).await.map(|p| p.body_html).map_err(|e| e.message());
            // A newer click or edit replaced the text meanwhile: keep waiting for its answer.
            if body.with_untracked(|b| *b == req.body_markdown) {
                html.set(Some(answer));
            }
        });
    };
    let tab = move |id: &'static str, panel: &'static str, label: &'static str, on: bool| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                class="kb-tab"
                aria-controls=panel
                aria-selected=move || (previewing.get() == on).to_string()
                on:click=move |ev| if on { show_preview(ev) } else { previewing.set(false) }
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="kb-tabs" role="tablist" aria-label="Body">
            {tab("kb-tab-write", "kb-panel-write", "Write", false)}
            {tab("kb-tab-preview", "kb-panel-preview", "Preview", true)}
        </div>
        <div role="tabpanel" id="kb-panel-write" aria-labelledby="kb-tab-write" hidden=previewing>
            <Field
                id="kb-body"
                label="Body (Markdown)"
                hint=format!("Headings, lists, links, tables and code; at most {KB_BODY_MAX} characters.")
                error=field_error(errors, "bodyMarkdown")
            >
                <textarea
                    id="kb-body"
                    rows="16"
                    required
                    aria-describedby="kb-body-error"
                    prop:value=body
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
            </Field>
        </div>
        <div role="tabpanel" id="kb-panel-preview" aria-labelledby="kb-tab-preview" hidden=move || !previewing.get()>
            {move || match html.get() {
                None => view! { <p class="state" role="status">"Rendering the preview…"</p> }.into_any(),
                Some(Err(why)) => view! { <p class="form-error" role="alert">{why}</p> }.into_any(),
                Some(Ok(html)) => view! { <div class="kb-body kb-preview" inner_html=html></div> }.into_any(),
            }}
        </div>
    }
}
