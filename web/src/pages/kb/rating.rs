//! "Was this helpful?": yes or no with an optional comment. One answer per person; answering
//! again replaces it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::kb::validation::{KB_NOTE_MAX, validate_rating};
use shared_types::kb::{KbArticleDto, RateKbArticleRequest};

use super::article_key;
use crate::api::kb;
use crate::components::{Field, field_error};
use crate::query::set_query_data;

/// The rating form under a published article, showing the reader's earlier answer.
#[component]
pub fn RatingForm(article: Memo<KbArticleDto>) -> impl IntoView {
    let (id, mine) = article.with_untracked(|a| (a.article.id, a.my_rating.clone()));
    let helpful = RwSignal::new(mine.as_ref().map(|r| r.helpful));
    let comment = RwSignal::new(mine.and_then(|r| r.comment).unwrap_or_default());
    let errors = RwSignal::new(Default::default());
    let notice = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        let Some(yes) = helpful.get_untracked() else {
            failure.set(Some("Choose yes or no first.".into()));
            return;
        };
        let text = comment.get_untracked().trim().to_owned();
        let req = RateKbArticleRequest { helpful: yes, comment: (!text.is_empty()).then_some(text) };
        let found = validate_rating(&req);
        let invalid = !found.is_empty();
        errors.set(found);
        failure.set(None);
        if invalid {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match kb::rate(id, &req).await {
                Ok(summary) => {
                    set_query_data::<KbArticleDto>(&article_key(id), |old| {
                        old.map(|mut a| {
                            a.article.helpful_count = summary.helpful_count;
                            a.article.unhelpful_count = summary.unhelpful_count;
                            a.my_rating = Some(summary.rating);
                            a
                        })
                    });
                    notice.set(Some("Thank you for your feedback."));
                }
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };
    let choice = move |value: bool, label: &'static str| {
        let input_id = if value { "rating-yes" } else { "rating-no" };
        view! {
            <input
                type="radio"
                id=input_id
                name="rating"
                prop:checked=move || helpful.get() == Some(value)
                on:change=move |_| helpful.set(Some(value))
            />
            <label for=input_id class="btn">{label}</label>
        }
    };
    view! {
        <form class="card kb-rating" on:submit=submit novalidate>
            <h2 id="rating-heading">"Was this helpful?"</h2>
            <div class="kb-choice" role="radiogroup" aria-labelledby="rating-heading">
                {choice(true, "Yes")}
                {choice(false, "No")}
            </div>
            <Field
                id="rating-comment"
                label="Anything to add? (optional)"
                hint=format!("What was missing or wrong; at most {KB_NOTE_MAX} characters.")
                error=field_error(errors, "comment")
            >
                <textarea
                    id="rating-comment"
                    rows="3"
                    aria-describedby="rating-comment-error"
                    prop:value=comment
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
            </Field>
            <p class="form-error" role="alert">{move || failure.get()}</p>
            <p class="control-notice" role="status" aria-live="polite">{move || notice.get()}</p>
            <button class="btn btn-primary" type="submit" disabled=busy>"Send feedback"</button>
        </form>
    }
}
