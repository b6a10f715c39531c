//! The list's filter bar. Every control reads its value from the address and changes it by
//! navigating, so the page itself holds no filter state.

use leptos::prelude::*;
use shared_types::Permission;
use shared_types::tickets::{TicketListQuery, TicketPriority, TicketStatus};

use super::filters::SORTS;
use super::lookups::{category_options, use_categories, use_teams};
use crate::components::{ACTIVE, FilterSelect, pairs, priority_label, status_label};
use crate::session::use_session;

/// The search box and the filter and sort selects.
#[component]
pub fn ListFilters(
    /// The list query the address holds.
    query: Memo<TicketListQuery>,
    /// Navigates to the list with this query (the page is reset by the caller).
    on_change: Callback<TicketListQuery>,
) -> impl IntoView {
    let session = use_session();
    let categories = use_categories();
    // Permissions are settled before any page renders; the controls are chosen once.
    let see_teams = untrack(|| session.can(Permission::TicketViewTeam) || session.can(Permission::TicketViewAll));
    let see_assignee = untrack(|| session.can(Permission::TicketUpdate));
    let teams = see_teams.then(|| use_teams(session)).flatten();

    let edit = move |change: &dyn Fn(&mut TicketListQuery)| {
        let mut q = query.get_untracked();
        change(&mut q);
        on_change.run(q);
    };
    let some = |v: String| (!v.is_empty()).then_some(v);

    // The search box submits on Enter or with the button, not per keystroke; it follows the
    // address when that changes (back button, a quick view).
    let words = RwSignal::new(String::new());
    Effect::new(move |_| words.set(query.with(|q| q.q.clone().unwrap_or_default())));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = words.get_untracked().trim().to_owned();
        edit(&|q| q.q = some(typed.clone()));
    };

    let status_options = pairs(
        std::iter::once((ACTIVE.to_owned(), "Any open status".to_owned()))
            .chain(TicketStatus::ALL.into_iter().map(|s| (s.as_str().to_owned(), status_label(s).to_owned()))),
        "Any status",
    );
    let priority_options = pairs(
        TicketPriority::ALL.into_iter().rev().map(|p| (p.as_str().to_owned(), priority_label(p).to_owned())),
        "Any priority",
    );
    let category_choices = Signal::derive(move || {
        let known = categories.data.get().unwrap_or_default();
        pairs(category_options(&known).into_iter().map(|(id, name)| (id.to_string(), name)), "Any category")
    });
    let sort_options: Vec<(String, String)> = SORTS.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect();
    let assignee_options =
        pairs([("me".to_owned(), "Me".to_owned()), ("none".to_owned(), "Unassigned".to_owned())], "Anyone");

    view! {
        <div class="ticket-filters">
            <form class="search" role="search" on:submit=search>
                <label for="ticket-search">"Search"</label>
                <div class="search-row">
                    <input
                        id="ticket-search"
                        type="search"
                        placeholder="Words in the title or description"
                        prop:value=words
                        on:input=move |ev| words.set(event_target_value(&ev))
                    />
                    <button class="btn" type="submit">"Search"</button>
                </div>
            </form>
            <div class="toolbar">
                <FilterSelect
                    id="filter-status"
                    label="Status"
                    value=Signal::derive(move || query.with(|q| q.status.clone().unwrap_or_default()))
                    options=status_options
                    on_pick=Callback::new(move |v: String| edit(&|q| q.status = some(v.clone())))
                />
                <FilterSelect
                    id="filter-priority"
                    label="Priority"
                    value=Signal::derive(move || query.with(|q| q.priority.clone().unwrap_or_default()))
                    options=priority_options
                    on_pick=Callback::new(move |v: String| edit(&|q| q.priority = some(v.clone())))
                />
                <FilterSelect
                    id="filter-category"
                    label="Category"
                    value=Signal::derive(move || query.with(|q| q.category_id.map(|c| c.to_string()).unwrap_or_default()))
                    options=category_choices
                    on_pick=Callback::new(move |v: String| edit(&|q| q.category_id = v.parse().ok()))
                />
                {teams.map(|teams| {
                    let choices = Signal::derive(move || {
                        let known = teams.data.get().unwrap_or_default();
                        pairs(known.into_iter().map(|t| (t.id.to_string(), t.name)), "Any team")
                    });
                    view! {
                        <FilterSelect
                            id="filter-team"
                            label="Team"
                            value=Signal::derive(move || query.with(|q| q.team_id.map(|t| t.to_string()).unwrap_or_default()))
                            options=choices
                            on_pick=Callback::new(move |v: String| edit(&|q| q.team_id = v.parse().ok()))
                        />
                    }
                })}
                {see_assignee.then(|| view! {
                    <FilterSelect
                        id="filter-assignee"
                        label="Assigned to"
                        value=Signal::derive(move || query.with(|q| q.assignee_id.clone().unwrap_or_default()))
                        options=assignee_options
                        on_pick=Callback::new(move |v: String| edit(&|q| q.assignee_id = some(v.clone())))
                    />
                })}
                <FilterSelect
                    id="filter-sort"
                    label="Sort by"
                    value=Signal::derive(move || query.with(|q| q.sort.clone().unwrap_or_default()))
                    options=sort_options
                    on_pick=Callback::new(move |v: String| edit(&|q| q.sort = some(v.clone())))
                />
            </div>
        </div>
    }
}
