//! The writer's controls on an article: edit, history, and the workflow steps their
//! permissions and the article's status allow. Steps carry the article's version, so a change
//! someone else made first is reloaded (412) rather than overwritten.

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::kb::{KbArticleDto, KbStatus, UpdateKbArticleRequest};
use uuid::Uuid;

use super::article_key;
use crate::api::{ApiError, kb};
use crate::components::ConfirmButton;
use crate::query::{invalidate, set_query_data};
use crate::session::use_session;

/// What the last step did, for the live regions.
#[derive(Clone, Copy)]
struct Feedback {
    notice: RwSignal<Option<String>>,
    failure: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

/// Keeps the server's answer to a change of article `id` (and the reader's own rating, which
/// answers to changes leave out), and marks the lists that show it stale.
pub fn keep_saved(id: Uuid, saved: KbArticleDto) {
    set_query_data::<KbArticleDto>(&article_key(id), |old| {
        Some(KbArticleDto { my_rating: old.and_then(|o| o.my_rating), ..saved })
    });
    invalidate("kb-list");
    invalidate("kb-featured");
    invalidate("kb-search");
    invalidate(&format!("kb-versions:{id}"));
}

/// Whether `error` says someone else changed the article first.
pub fn is_conflict(error: &ApiError) -> bool {
    error.status() == Some(412) || error.code() == Some("version_mismatch")
}

fn run(
    id: Uuid,
    feedback: Feedback,
    done: &'static str,
    request: LocalBoxFuture<'static, Result<KbArticleDto, ApiError>>,
) {
    feedback.busy.set(true);
    feedback.notice.set(None);
    feedback.failure.set(None);
    spawn_local(async move {
        match request.await {
            Ok(saved) => {
                keep_saved(id, saved);
                feedback.notice.set(Some(done.into()));
            }
            Err(e) if is_conflict(&e) => {
                feedback.notice.set(Some("Someone changed this article meanwhile — reloaded. Try again.".into()));
                invalidate(&article_key(id));
            }
            Err(e) => feedback.failure.set(Some(e.message())),
        }
        feedback.busy.set(false);
    });
}

/// A workflow step: its button text, the endpoint's last segment, and what to say after.
type Step = (&'static str, &'static str, &'static str);

/// The steps `status` allows, given whether the user may publish (the server checks again).
fn steps(status: KbStatus, publisher: bool) -> Vec<Step> {
    let mut out = Vec::new();
    if status == KbStatus::Draft {
        out.push(("Submit for review", "submit", "Submitted for review"));
    }
    if publisher {
        if matches!(status, KbStatus::Draft | KbStatus::InReview) {
            out.push(("Publish", "publish", "Published"));
        }
        match status {
            KbStatus::Published => out.push(("Unpublish", "unpublish", "Unpublished: back to draft")),
            KbStatus::InReview | KbStatus::Archived => out.push(("Return to draft", "unpublish", "Returned to draft")),
            KbStatus::Draft => {}
        }
    }
    out
}

/// Edit and history links and the workflow buttons.
#[component]
pub fn ArticleActions(article: Memo<KbArticleDto>) -> impl IntoView {
    let session = use_session();
    let feedback = Feedback { notice: RwSignal::new(None), failure: RwSignal::new(None), busy: RwSignal::new(false) };
    let id = article.with_untracked(|a| a.article.id);
    let publisher = move || session.can(Permission::KbPublish);
    let status = move || article.with(|a| a.article.status);
    let version = move || article.with_untracked(|a| a.article.version);
    // Content changes to a published or archived article need kb:publish.
    let editable = move || publisher() || matches!(status(), KbStatus::Draft | KbStatus::InReview);

    let step_buttons = move || {
        steps(status(), publisher())
            .into_iter()
            .map(|(label, step, done)| {
                let click = move |_| run(id, feedback, done, kb::step(id, version(), step).boxed_local());
                view! { <button class="btn" type="button" disabled=feedback.busy on:click=click>{label}</button> }
            })
            .collect_view()
    };
    let feature = move || {
        (publisher() && status() == KbStatus::Published).then(|| {
            let featured = article.with(|a| a.article.featured);
            let click = move |_| {
                let req = UpdateKbArticleRequest { featured: Some(!featured), ..UpdateKbArticleRequest::default() };
                let done = if featured { "No longer featured" } else { "Featured" };
                run(id, feedback, done, async move { kb::update(id, version(), &req).await }.boxed_local());
            };
            view! {
                <button class="btn" type="button" aria-pressed=featured.to_string() disabled=feedback.busy on:click=click>
                    "Featured"
                </button>
            }
        })
    };
    let archive = move || {
        (publisher() && status() != KbStatus::Archived).then(|| {
            let on_confirm = Callback::new(move |()| {
                run(id, feedback, "Archived", kb::step(id, version(), "archive").boxed_local());
            });
            view! {
                <ConfirmButton
                    label="Archive"
                    subject=article.with_untracked(|a| a.article.title.clone())
                    question="Archive this article? Readers will no longer find it."
                    confirm="Yes, archive"
                    on_confirm
                    busy=feedback.busy
                    danger=true
                />
            }
        })
    };
    view! {
        <div class="kb-actions" role="group" aria-label="Article actions">
            <Show when=editable>
                <a class="btn btn-primary" href=format!("/kb/{id}/edit")>"Edit"</a>
            </Show>
            <a class="btn" href=format!("/kb/{id}/history")>"History"</a>
            {step_buttons}
            {feature}
            {archive}
        </div>
        <p class="form-error" role="alert">{move || feedback.failure.get()}</p>
        <p class="control-notice" role="status" aria-live="polite">{move || feedback.notice.get()}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_status_and_permission() {
        let names = |s, p| steps(s, p).into_iter().map(|(_, step, _)| step).collect::<Vec<_>>();
        assert_eq!(names(KbStatus::Draft, false), ["submit"]);
        assert_eq!(names(KbStatus::InReview, false), Vec::<&str>::new());
        assert_eq!(names(KbStatus::Draft, true), ["submit", "publish"]);
        assert_eq!(names(KbStatus::InReview, true), ["publish", "unpublish"]);
        assert_eq!(names(KbStatus::Published, true), ["unpublish"]);
        assert_eq!(names(KbStatus::Archived, true), ["unpublish"]);
    }
}
