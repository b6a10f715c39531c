//! The AI triage page: the model in use, what became of its category predictions, how each
//! category fared with agents (precision, recall, override rate from their feedback), and the
//! confidence per field at or above which a prediction is applied (editable with `admin:ai`).
//!
//! Shares and thresholds are shown and typed as whole percentages: people read "85 %" more
//! easily than 0.85, and whole numbers keep float formatting and parsing out of the WASM. A
//! threshold set more finely through the API (0.855) is kept as it is unless its field is
//! changed on the page.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::ai::{AiCategoryMetricsDto, AiMetricsDto, AiThresholdsDto};

use super::frame::{AdminPage, Feedback, FeedbackLine};
use crate::api::admin;
use crate::components::{Empty, Field, QueryView, field_error};
use crate::query::{set_query_data, use_query};
use crate::session::use_session;

const KEY: &str = "admin:ai";

/// The AI triage page.
#[component]
pub fn AiTriage() -> impl IntoView {
    view! {
        <AdminPage title="AI triage" permission=Permission::AiMetrics>
            <AiBody />
        </AdminPage>
    }
}

/// A share as a whole percentage, "—" when there is nothing to divide by.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{} %", whole_percent(s)))
}

fn whole_percent(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * 100.0).round() as u32
}

#[component]
fn AiBody() -> impl IntoView {
    let session = use_session();
    let metrics = use_query(|| (KEY.to_owned(), ()), |()| admin::ai_metrics());
    // The form is drawn again only when the thresholds change, not on every refetch, so a
    // refresh of the figures does not wipe what is being typed.
    let thresholds = Memo::new(move |_| metrics.data.with(|m| m.map(|m| m.thresholds)));
    let feedback = Feedback::new();
    view! {
        <QueryView
            query=metrics
            what="AI figures"
            view=|m| {
                let categories = m.categories.clone();
                view! {
                    <Overview m />
                    <CategoryTable categories />
                }
            }
        />
        <section class="card" aria-labelledby="thresholds-title">
            <h2 id="thresholds-title">"Thresholds"</h2>
            <p class="hint">
                "A prediction at or above its field's threshold is applied to the ticket; below it, agents see a suggestion to accept or reject. Higher means fewer automatic changes and more suggestions."
            </p>
            {move || thresholds.get().map(|current| {
                if session.can(Permission::AdminAi) {
                    view! { <ThresholdsForm current feedback /> }.into_any()
                } else {
                    view! {
                        <p>{format!(
                            "Category {} %, subcategory {} %, priority {} %. Changing them needs the “admin:ai” permission.",
                            whole_percent(current.category),
                            whole_percent(current.subcategory),
                            whole_percent(current.priority),
                        )}</p>
                    }
                        .into_any()
                }
            })}
            <FeedbackLine feedback />
        </section>
    }
}

/// The model and the fate of its category predictions.
#[component]
fn Overview(m: AiMetricsDto) -> impl IntoView {
    let model = match (m.model, m.model_version) {
        (Some(model), Some(version)) => format!("{model}, version {version}"),
        (Some(model), None) => model,
        (None, _) => "No prediction yet".to_owned(),
    };
    let facts = [
        ("Model", model),
        ("Applied automatically", m.applied.to_string()),
        ("Left as suggestions", m.suggested.to_string()),
        ("Abstained", m.abstained.to_string()),
        ("Agents' feedback", m.feedback.to_string()),
    ];
    view! {
        <dl class="details ai-facts">
            {facts.into_iter().map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
    }
}

/// Precision, recall and override rate per category.
#[component]
fn CategoryTable(categories: Vec<AiCategoryMetricsDto>) -> impl IntoView {
    if categories.is_empty() {
        return view! {
            <Empty message="No feedback yet: the figures per category appear once agents accept or correct predictions." />
        }
        .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="admin-table">
                <caption>"Category predictions, judged by agents"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Predicted"</th>
                        <th scope="col">"Chosen by agents"</th>
                        <th scope="col">"Precision"</th>
                        <th scope="col">"Recall"</th>
                        <th scope="col">"Override rate"</th>
                    </tr>
                </thead>
                <tbody>
                    {categories
                        .into_iter()
                        .map(|c| view! {
                            <tr>
                                <th scope="row">{c.category}</th>
                                <td data-label="Predicted">{c.predicted}</td>
                                <td data-label="Chosen by agents">{c.actual}</td>
                                <td data-label="Precision">{percent(c.precision)}</td>
                                <td data-label="Recall">{percent(c.recall)}</td>
                                <td data-label="Override rate">{percent(c.override_rate)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">
            "Precision: of the predictions of a category, the share agents kept. Recall: of the tickets agents put in a category, the share the model had predicted. Override rate: the share of its predictions agents corrected."
        </p>
    }
    .into_any()
}

/// The three thresholds as whole percentages; saved together.
#[component]
fn ThresholdsForm(current: AiThresholdsDto, feedback: Feedback) -> impl IntoView {
    let originals = [current.category, current.subcategory, current.priority];
    let fields = [
        ("category", "Category", current.category),
        ("subcategory", "Subcategory", current.subcategory),
        ("priority", "Priority", current.priority),
    ]
    .map(|(name, label, share)| (name, label, RwSignal::new(whole_percent(share).to_string())));
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let mut problems = BTreeMap::new();
        let mut shares = [0.0; 3];
        for (i, (name, _, value)) in fields.iter().enumerate() {
            match value.get_untracked().trim().parse::<u32>() {
                // Unchanged: the exact value, not its rounding.
                Ok(p) if p == whole_percent(originals[i]) => shares[i] = originals[i],
                Ok(p) if p <= 100 => shares[i] = f64::from(p) / 100.0,
                _ => {
                    problems.insert((*name).to_owned(), "must be a whole number from 0 to 100".to_owned());
                }
            }
        }
        errors.set(problems);
        if !errors.with_untracked(BTreeMap::is_empty) {
            return;
        }
        let req = AiThresholdsDto { category: shares[0], subcategory: shares[1], priority: shares[2] };
        busy.set(true);
        spawn_local(async move {
            match admin::set_ai_thresholds(&req).await {
                Ok(t) => {
                    set_query_data::<AiMetricsDto>(KEY, |m| m.map(|m| AiMetricsDto { thresholds: t, ..m }));
                    feedback.done(format!(
                        "Saved: category {} %, subcategory {} %, priority {} %.",
                        whole_percent(t.category),
                        whole_percent(t.subcategory),
                        whole_percent(t.priority),
                    ));
                }
                Err(e) => {
                    errors.set(e.fields());
                    feedback.failed(format!("The thresholds were not saved: {}", e.message()));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <div class="form-grid">
                {fields
                    .into_iter()
                    .map(|(name, label, value)| {
                        let id = format!("threshold-{name}");
                        view! {
                            <Field id=id.clone() label=format!("{label} threshold (%)") error=field_error(errors, name)>
                                <input
                                    id=id.clone()
                                    type="number"
                                    min="0"
                                    max="100"
                                    step="1"
                                    inputmode="numeric"
                                    required
                                    aria-describedby=format!("{id}-error")
                                    prop:value=value
                                    on:input=move |ev| value.set(event_target_value(&ev))
                                />
                            </Field>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" disabled=busy>"Save thresholds"</button>
            </div>
        </form>
    }
}
