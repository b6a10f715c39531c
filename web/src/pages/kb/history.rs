//! `/kb/:id/history`: every saved version of an article, the changes between two as a unified
//! diff, and restoring an old version (saved as a new one, so nothing is lost).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::kb::{KbDiffDto, KbVersionSummaryDto};
use uuid::Uuid;

use super::actions::keep_saved;
use super::article_page;
use crate::api::kb;
use crate::components::{Can, ConfirmButton, QueryView, Time};
use crate::pages::tickets::set_document_title;
use crate::query::use_query;

/// The history page.
#[component]
pub fn KbHistory() -> impl IntoView {
    article_page(|article| {
        let (id, title) = article.with_untracked(|a| (a.article.id, a.article.title.clone()));
        set_document_title(&format!("History: {title}"));
        view! {
            <p class="back-link">
                <a href=format!("/kb/{id}")>"← Back to the article"</a>
            </p>
            <h1>"Version history"</h1>
            <p class="muted">{title}</p>
            <Can permission=Permission::KbWrite>
                <Versions id />
            </Can>
        }
        .into_any()
    })
}

/// Which two versions to compare, older first.
type Pair = Option<(i32, i32)>;

#[component]
fn Versions(id: Uuid) -> impl IntoView {
    let versions =
        use_query(move || (format!("kb-versions:{id}"), id), |id: Uuid| async move { kb::versions(id).await });
    let compare = RwSignal::new(None::<(i32, i32)>);
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let restore = move |number: i32| {
        busy.set(true);
        notice.set(None);
        failure.set(None);
        spawn_local(async move {
            match kb::restore(id, number).await {
                Ok(saved) => {
                    let now = saved.article.current_version;
                    keep_saved(id, saved);
                    compare.set(None);
                    notice.set(Some(format!("Version {number} restored as version {now}.")));
                }
                Err(e) => failure.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let rows = move |list: Vec<KbVersionSummaryDto>| {
        // Newest first: the first is the current version.
        let current = list.first().map_or(0, |v| v.number);
        let rows = list
            .into_iter()
            .map(|v| {
                let n = v.number;
                let changes = (n > 1).then(|| {
                    view! {
                        <button class="btn" type="button" on:click=move |_| compare.set(Some((n - 1, n)))>
                            "Changes"
                            <span class="visually-hidden">{format!(" in version {n}")}</span>
                        </button>
                    }
                });
                let older = (n != current).then(|| {
                    view! {
                        <button class="btn" type="button" on:click=move |_| compare.set(Some((n, current)))>
                            "Compare with current"
                            <span class="visually-hidden">{format!(" (version {n})")}</span>
                        </button>
                        <ConfirmButton
                            label="Restore"
                            subject=format!("version {n}")
                            question=format!("Restore version {n}? It is saved as a new version; nothing is lost.")
                            confirm="Yes, restore"
                            on_confirm=Callback::new(move |()| restore(n))
                            busy
                        />
                    }
                });
                view! {
                    <tr>
                        <td>{if n == current { format!("{n} (current)") } else { n.to_string() }}</td>
                        <td>{v.title}</td>
                        <td>{v.editor.map_or_else(|| "—".to_owned(), |e| e.name)}</td>
                        <td>{v.note.unwrap_or_default()}</td>
                        <td><Time at=v.created_at /></td>
                        <td class="kb-version-actions">{changes}{older}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">"Versions, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Title"</th>
                            <th scope="col">"Saved by"</th>
                            <th scope="col">"Note"</th>
                            <th scope="col">"Saved"</th>
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    view! {
        <p class="form-error" role="alert">{move || failure.get()}</p>
        <p class="control-notice" role="status" aria-live="polite">{move || notice.get()}</p>
        <QueryView query=versions what="the versions" view=rows />
        <Diff id compare />
    }
}

/// The unified diff between the chosen versions, added and removed lines marked.
#[component]
fn Diff(id: Uuid, compare: RwSignal<Pair>) -> impl IntoView {
    let diff = use_query(
        move || {
            let pair = compare.get();
            (format!("kb-diff:{id}:{pair:?}"), pair)
        },
        move |pair: Pair| async move {
            match pair {
                Some((from, to)) => kb::diff(id, from, to).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let show_diff = |d: Option<KbDiffDto>| d.map(diff_view);
    move || {
        compare.get().map(|(from, to)| {
            view! {
                <section class="card kb-diff-card" aria-labelledby="kb-diff-heading">
                    <h2 id="kb-diff-heading">{format!("Changes from version {from} to {to}")}</h2>
                    <QueryView query=diff what="the changes" view=show_diff />
                </section>
            }
        })
    }
}

/// The class of one line of a unified diff.
fn line_class(line: &str) -> &'static str {
    if line.starts_with("+++") || line.starts_with("---") {
        "diff-file"
    } else if line.starts_with('+') {
        "diff-add"
    } else if line.starts_with('-') {
        "diff-del"
    } else if line.starts_with("@@") {
        "diff-hunk"
    } else {
        ""
    }
}

fn diff_view(diff: KbDiffDto) -> impl IntoView {
    let changed = if diff.changed_fields.is_empty() {
        "Nothing differs.".to_owned()
    } else {
        format!("Changed: {}.", diff.changed_fields.join(", "))
    };
    let lines = diff
        .unified
        .lines()
        .map(|line| view! { <span class=line_class(line)>{format!("{line}\n")}</span> })
        .collect_view();
    view! {
        <p>{changed}</p>
        <pre class="kb-diff" tabindex="0" aria-label="Unified diff">{lines}</pre>
    }
}

#[cfg(test)]
mod tests {
    use super::line_class;

    #[test]
    fn diff_lines_are_classed() {
        let classes: Vec<_> = ["--- v1", "+++ v2", "@@ -1 +1 @@", "-old", "+new", " same"].map(line_class).into();
        assert_eq!(classes, ["diff-file", "diff-file", "diff-hunk", "diff-del", "diff-add", ""]);
    }
}
