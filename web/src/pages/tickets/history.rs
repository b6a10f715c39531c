//! A ticket's history: every recorded change, oldest first, with ids turned into names.

use leptos::prelude::*;
use shared_types::admin::{CategoryDto, TeamDto};
use shared_types::tickets::{CommentDto, HistoryEntryDto, TicketDto, TicketPriority, TicketStatus};
use uuid::Uuid;

use super::lookups::{category_label, team_name};
use crate::api::tickets;
use crate::components::Time;
use crate::components::{QueryView, priority_label, status_label};
use crate::query::{Query, use_query};

/// Longest value shown in full; long descriptions are cut.
const SHOWN_CHARS: usize = 80;

/// Names for the ids history entries carry.
struct Names {
    people: Vec<(Uuid, String)>,
    categories: Vec<CategoryDto>,
    teams: Vec<TeamDto>,
}

impl Names {
    fn value(&self, field: &str, raw: &str) -> String {
        let id = Uuid::parse_str(raw).ok();
        let named = match (field, id) {
            ("status", _) => TicketStatus::parse(raw).map(|s| status_label(s).to_owned()),
            ("priority", _) => TicketPriority::parse(raw).map(|p| priority_label(p).to_owned()),
            ("assignee", Some(id)) => Some(
                self.people.iter().find(|(p, _)| *p == id).map_or_else(|| "another agent".into(), |(_, n)| n.clone()),
            ),
            ("team", Some(id)) => Some(team_name(&self.teams, id).unwrap_or_else(|| "another team".into())),
            ("category", Some(id)) => {
                Some(category_label(&self.categories, id).unwrap_or_else(|| "a retired category".into()))
            }
            _ => None,
        };
        named.unwrap_or_else(|| shorten(raw))
    }

    /// "changed Status from New to Open", "added a reply", ...
    fn sentence(&self, entry: &HistoryEntryDto) -> String {
        let value = |v: &Option<String>| v.as_deref().map(|v| self.value(&entry.field, v));
        match entry.field.as_str() {
            "created" => "raised the ticket".into(),
            "comment" => "added a reply".into(),
            "internal_note" => "added an internal note".into(),
            "deleted" => "deleted the ticket".into(),
            name => match (value(&entry.old_value), value(&entry.new_value)) {
                (Some(old), Some(new)) => format!("changed {name} from {old} to {new}"),
                (None, Some(new)) => format!("set {name} to {new}"),
                (Some(old), None) => format!("cleared {name} (was {old})"),
                (None, None) => format!("changed {name}"),
            },
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(SHOWN_CHARS).collect::<String>())
    }
}

/// The history section.
#[component]
pub fn History(
    /// The ticket, for the names of the people on it.
    ticket: Memo<TicketDto>,
    /// The comments, for their authors' names.
    comments: Memo<Vec<CommentDto>>,
    /// Category names.
    categories: Query<Vec<CategoryDto>>,
    /// Team names, when the user may read them.
    teams: Option<Query<Vec<TeamDto>>>,
) -> impl IntoView {
    let id = ticket.with_untracked(|t| t.id);
    let history = use_query(move || (format!("ticket-history:{id}"), id), |id: Uuid| tickets::history(id));
    let names = move |entries: &[HistoryEntryDto]| {
        let mut people: Vec<(Uuid, String)> =
            entries.iter().filter_map(|e| e.actor.as_ref()).map(|a| (a.id, a.name.clone())).collect();
        ticket.with(|t| {
            people.push((t.requester.id, t.requester.name.clone()));
            people.extend(t.assignee.as_ref().map(|a| (a.id, a.name.clone())));
        });
        comments.with(|c| people.extend(c.iter().map(|c| (c.author.id, c.author.name.clone()))));
        Names {
            people,
            categories: categories.data.get().unwrap_or_default(),
            teams: teams.and_then(|t| t.data.get()).unwrap_or_default(),
        }
    };
    view! {
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <QueryView
                query=history
                what="the history"
                view={move |entries: Vec<HistoryEntryDto>| {
                    let names = names(&entries);
                    let rows = entries
                        .iter()
                        .map(|e| {
                            let who = e.actor.as_ref().map_or_else(|| "The system".to_owned(), |a| a.name.clone());
                            view! {
                                <li>
                                    <strong>{who}</strong>
                                    " "
                                    {names.sentence(e)}
                                    <span class="muted timeline-when">
                                        <Time at=e.created_at />
                                    </span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ol class="timeline">{rows}</ol> }
                }}
            />
        </section>
    }
}
