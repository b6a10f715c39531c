//! Background jobs: how many of each kind are in each state, and the jobs in one state (dead
//! by default) with their last error, to retry or discard. Each count links to its jobs (one
//! kind in one state). The state, the kind and the page live in the address, so "the dead
//! triage jobs" can be shared as a link.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::jobs::{JobDto, JobListQuery, JobState, JobStatsDto};

use super::frame::{AdminPage, Feedback, FeedbackLine};
use super::url::{UrlQuery, use_url_query};
use crate::api::{admin, query_string};
use crate::components::{ConfirmButton, Empty, FilterSelect, Pager, QueryView, Time};
use crate::query::{invalidate, use_query};

/// The background-jobs page.
#[component]
pub fn Jobs() -> impl IntoView {
    view! {
        <AdminPage
            title="Background jobs"
            permission=Permission::AdminJobs
            actions=|| view! { <button class="btn" type="button" on:click=|_| invalidate("admin:jobs")>"Refresh"</button> }
        >
            <JobCounts />
            <JobList />
        </AdminPage>
    }
}

fn state_label(state: JobState) -> &'static str {
    match state {
        JobState::Queued => "Queued",
        JobState::Running => "Running",
        JobState::Succeeded => "Succeeded",
        JobState::Dead => "Dead",
    }
}

/// The totals in words, with the backlog warning the server also sends to admins.
fn summary(s: &JobStatsDto) -> String {
    let mut text = format!("{} queued · {} running · {} dead.", s.queued, s.running, s.dead);
    if let Some(age) = s.oldest_queued_age_secs {
        text.push_str(&format!(" The oldest due job has waited {age} s."));
    }
    if s.queued > s.backlog_threshold {
        text.push_str(&format!(" The backlog is over {}: are the workers running?", s.backlog_threshold));
    }
    text
}

/// Counts per kind and state, every kind this instance runs included (at zero).
#[component]
fn JobCounts() -> impl IntoView {
    let stats = use_query(|| ("admin:jobs:stats".to_owned(), ()), |()| admin::job_stats());
    view! {
        <QueryView
            query=stats
            what="job counts"
            view=move |s| {
                let kinds: BTreeSet<String> =
                    s.registered_kinds.iter().cloned().chain(s.counts.iter().map(|c| c.kind.clone())).collect();
                let count = |kind: &str, state| {
                    s.counts.iter().find(|c| c.kind == kind && c.state == state).map_or(0, |c| c.count)
                };
                let rows = kinds
                    .into_iter()
                    .map(|kind| {
                        let cells = JobState::ALL
                            .into_iter()
                            .map(|state| {
                                let n = count(&kind, state);
                                let href = format!("?state={}&kind={kind}", state.as_str());
                                let label = format!("{n} {} {kind} jobs", state_label(state).to_ascii_lowercase());
                                view! {
                                    <td data-label=state_label(state)>
                                        {(n > 0).then(|| view! { <a href=href aria-label=label>{n}</a> })}
                                        {(n == 0).then_some(0)}
                                    </td>
                                }
                            })
                            .collect_view();
                        view! {
                            <tr>
                                <th scope="row"><code>{kind.clone()}</code></th>
                                {cells}
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="job-summary" role="status">{summary(&s)}</p>
                    <div class="table-wrap">
                        <table class="admin-table job-counts">
                            <caption>"Jobs per kind and state"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Kind"</th>
                                    {JobState::ALL
                                        .into_iter()
                                        .map(|state| view! { <th scope="col">{state_label(state)}</th> })
                                        .collect_view()}
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            }
        />
    }
}

/// The address's filters: the state (`dead` when absent, `any` for every state) and the kind.
fn filters(url: UrlQuery) -> JobListQuery {
    let state = url.get("state").unwrap_or_else(|| "dead".into());
    JobListQuery {
        state: JobState::parse(&state),
        kind: url.get("kind"),
        page: Some(url.page()).filter(|p| *p > 1),
        limit: url.get("limit").and_then(|l| l.parse().ok()),
    }
}

/// The jobs in the chosen state, newest first.
#[component]
fn JobList() -> impl IntoView {
    let url = use_url_query();
    let feedback = Feedback::new();
    let query = Memo::new(move |_| filters(url));
    let jobs = use_query(
        move || {
            let q = query.get();
            (format!("admin:jobs{}", query_string(&q)), q)
        },
        |q: JobListQuery| async move { admin::jobs(&q).await },
    );
    let options: Vec<(String, String)> = JobState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), state_label(*s).to_owned()))
        .chain([("any".to_owned(), "Any state".to_owned())])
        .collect();
    view! {
        <h2 class="section-title">"Jobs"</h2>
        <div class="toolbar">
            <FilterSelect
                id="job-state"
                label="Show jobs that are"
                value=Signal::derive(move || url.get("state").unwrap_or_else(|| "dead".into()))
                options=Signal::stored(options)
                on_pick=Callback::new(move |state: String| url.set(&[("state", Some(state))]))
            />
            {move || {
                url.get("kind")
                    .map(|kind| {
                        view! {
                            <p class="job-kind">
                                "Only " <code>{kind}</code> " jobs. "
                                <button class="btn" type="button" on:click=move |_| url.set(&[("kind", None)])>
                                    "Show every kind"
                                </button>
                            </p>
                        }
                    })
            }}
        </div>
        <FeedbackLine feedback />
        <QueryView
            query=jobs
            what="jobs"
            view=move |list| {
                if list.data.is_empty() {
                    return view! { <Empty message="No job in this state." /> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="admin-table">
                            <caption class="visually-hidden">"Jobs, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Job"</th>
                                    <th scope="col">"Attempts"</th>
                                    <th scope="col">"Last error"</th>
                                    <th scope="col">"Enqueued"</th>
                                    <th scope="col">"Finished or next run"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>{list.data.into_iter().map(|job| view! { <JobRow job feedback /> }).collect_view()}</tbody>
                        </table>
                    </div>
                    <Pager meta=list.meta href=Callback::new(move |page| url.page_href(page)) one="job" many="jobs" />
                }
                    .into_any()
            }
        />
    }
}

/// One job: what it is, how its attempts went, and what can be done with it.
#[component]
fn JobRow(job: JobDto, feedback: Feedback) -> impl IntoView {
    let JobDto {
        id,
        kind,
        payload,
        state,
        attempts,
        max_attempts,
        run_at,
        last_error,
        created_at,
        updated_at,
        finished_at,
        ..
    } = job;
    let busy = RwSignal::new(false);
    let subject = format!("{kind} job …{}", &id.simple().to_string()[24..]);
    let label = StoredValue::new(subject.clone());
    let act = move |retry: bool| {
        busy.set(true);
        feedback.clear();
        spawn_local(async move {
            let outcome = if retry {
                admin::retry_job(id).await.map(|_| "is queued again with fresh attempts")
            } else {
                admin::discard_job(id).await.map(|_| "is discarded")
            };
            match outcome {
                Ok(what) => {
                    feedback.done(format!("The {} {what}.", label.get_value()));
                    invalidate("admin:jobs");
                    invalidate("admin:audit");
                }
                Err(e) => feedback.failed(format!("The {}: {}", label.get_value(), e.message())),
            }
            busy.set(false);
        });
    };
    let when = match (state, finished_at) {
        (JobState::Queued, _) => view! { "next run " <Time at=run_at /> }.into_any(),
        (_, Some(at)) => view! { <Time at /> }.into_any(),
        (_, None) => view! { <Time at=updated_at /> }.into_any(),
    };
    let payload = serde_json::to_string_pretty(&payload).unwrap_or_default();
    view! {
        <tr>
            <td data-label="Job">
                <code>{kind}</code>
                <span class="muted">" · " {state_label(state)}</span>
                <details>
                    <summary>"Payload" <span class="visually-hidden">" of the " {subject.clone()}</span></summary>
                    <pre class="json">{payload}</pre>
                </details>
            </td>
            <td data-label="Attempts">{format!("{attempts} of {max_attempts}")}</td>
            <td data-label="Last error">
                {match last_error {
                    Some(e) => view! { <pre class="json job-error">{e}</pre> }.into_any(),
                    None => view! { <span class="muted">"None"</span> }.into_any(),
                }}
            </td>
            <td data-label="Enqueued"><Time at=created_at /></td>
            <td data-label="Finished or next run">{when}</td>
            <td data-label="Actions">
                <div class="inline-edit">
                    {(state == JobState::Dead).then(|| view! {
                        <button class="btn" type="button" disabled=busy on:click=move |_| act(true)>
                            "Retry"
                            <span class="visually-hidden">" " {subject.clone()}</span>
                        </button>
                    })}
                    {matches!(state, JobState::Dead | JobState::Queued).then(|| view! {
                        <ConfirmButton
                            label="Discard"
                            subject=label.get_value()
                            question=format!("Discard the {}? It will not run again.", label.get_value())
                            confirm="Yes, discard"
                            on_confirm=Callback::new(move |()| act(false))
                            busy
                            danger=true
                        />
                    })}
                </div>
            </td>
        </tr>
    }
}
