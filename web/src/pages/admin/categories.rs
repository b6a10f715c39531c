//! The ticket taxonomy: categories with their subcategories, created, renamed, described,
//! routed to a team, retired and restored here. The API deletes none (old tickets keep their
//! category), so retiring is how a category goes away. Routing needs the team directory
//! (`admin:teams`); without it the page leaves each category's team as it is.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::admin::{CategoryDto, CreateCategoryRequest, UpdateCategoryRequest};
use shared_types::validation::{validate_category, validate_update_category};
use uuid::Uuid;

use super::category_fields::{CategoryFields, TeamSelect, Teams, trimmed};
use super::frame::{AdminPage, DisclosureButton, Feedback, FeedbackLine};
use crate::api::admin;
use crate::components::{ConfirmButton, Empty, QueryView};
use crate::query::{QueryData, invalidate, use_query};
use crate::session::use_session;

const KEY: &str = "admin:categories";

/// The categories page.
#[component]
pub fn Categories() -> impl IntoView {
    let creating = RwSignal::new(false);
    view! {
        <AdminPage
            title="Categories"
            permission=Permission::AdminCategories
            actions=move || view! { <DisclosureButton open=creating controls="new-category" label="New category" /> }
        >
            <p class="page-hint">
                "Descriptions matter: AI triage compares each new ticket with them to choose a category before agents have labelled any, so say what belongs here in the words people write in tickets. Retired categories are no longer offered; tickets filed under them keep them."
            </p>
            <CategoriesBody creating />
        </AdminPage>
    }
}

/// Ticket lists and forms read categories too; they refetch after a change.
fn refresh() {
    invalidate(KEY);
    invalidate("categories");
    invalidate("admin:audit");
}

#[component]
fn CategoriesBody(creating: RwSignal<bool>) -> impl IntoView {
    let categories = use_query(|| (KEY.to_owned(), ()), |()| admin::all_categories());
    let session = use_session();
    let teams: Teams = untrack(|| session.can(Permission::AdminTeams))
        .then(|| use_query(|| ("admin:teams".to_owned(), ()), |()| admin::teams()).data);
    let feedback = Feedback::new();
    let editing = RwSignal::new(None::<Uuid>);
    let data = categories.data;
    // Drawn again only when the chosen category itself changes, not on every refetch, so a
    // refresh does not wipe what is being typed.
    let chosen = Memo::new(move |_| {
        let id = editing.get()?;
        data.with(|l| l.and_then(|l| l.iter().find(|c| c.id == id).cloned()))
    });
    view! {
        <Show when=move || creating.get()>
            <CreateCategoryForm data teams feedback on_close=Callback::new(move |()| creating.set(false)) />
        </Show>
        {move || {
            chosen.get().map(|category| {
                view! { <EditCategory category teams feedback on_close=Callback::new(move |()| editing.set(None)) /> }
            })
        }}
        <FeedbackLine feedback />
        <QueryView
            query=categories
            what="categories"
            view=move |list| {
                if list.is_empty() {
                    return view! { <Empty message="No categories yet. Create one with “New category”." /> }.into_any();
                }
                let parent_name = |id: Option<Uuid>| {
                    id.and_then(|p| list.iter().find(|c| c.id == p)).map(|c| c.name.clone())
                };
                let rows = list
                    .iter()
                    .map(|c| {
                        view! { <CategoryRow category=c.clone() parent=parent_name(c.parent_id) teams editing feedback /> }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap">
                        <table class="admin-table">
                            <caption class="visually-hidden">"Categories, each followed by its subcategories"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Description"</th>
                                    {teams.map(|_| view! { <th scope="col">"Tickets go to"</th> })}
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        />
    }
}

/// One category: subcategories are indented under their parent.
#[component]
fn CategoryRow(
    category: CategoryDto,
    /// The parent's name, for a subcategory.
    parent: Option<String>,
    teams: Teams,
    editing: RwSignal<Option<Uuid>>,
    feedback: Feedback,
) -> impl IntoView {
    let CategoryDto { id, name, description, is_active, team_id, .. } = category;
    let busy = RwSignal::new(false);
    let is_sub = parent.is_some();
    let label = StoredValue::new(name.clone());
    let toggle = Callback::new(move |()| {
        busy.set(true);
        feedback.clear();
        let req = UpdateCategoryRequest { is_active: Some(!is_active), ..UpdateCategoryRequest::default() };
        spawn_local(async move {
            match admin::update_category(id, &req).await {
                Ok(c) => {
                    let how = if c.is_active { "is offered again" } else { "is retired" };
                    feedback.done(format!("{} {how}.", c.name));
                    refresh();
                }
                Err(e) => feedback.failed(format!("{} was not changed: {}", label.get_value(), e.message())),
            }
            busy.set(false);
        });
    });
    let retire_question = if is_sub {
        format!("Retire {name}? It is no longer offered for new tickets.")
    } else {
        format!("Retire {name}? Neither it nor its subcategories are offered for new tickets.")
    };
    view! {
        <tr class:inactive=!is_active class:selected=move || editing.get() == Some(id)>
            <td data-label="Name">
                {is_sub.then_some(view! { <span class="sub-mark" aria-hidden="true">"↳ "</span> })}
                {name}
                {parent.map(|p| view! { <span class="visually-hidden">{format!(" (subcategory of {p})")}</span> })}
            </td>
            <td data-label="Description">
                {match description {
                    Some(d) => view! { <span>{d}</span> }.into_any(),
                    None => view! { <span class="muted">"No description"</span> }.into_any(),
                }}
            </td>
            {teams.map(|teams| {
                let team = move || {
                    let name = team_id.and_then(|t| {
                        teams.with(|l| l.into_iter().flatten().find(|team| team.id == t).map(|team| team.name.clone()))
                    });
                    match name {
                        Some(name) => view! { <span>{name}</span> }.into_any(),
                        None => view! { <span class="muted">"No team"</span> }.into_any(),
                    }
                };
                view! { <td data-label="Tickets go to">{team}</td> }
            })}
            <td data-label="Status">
                {if is_active {
                    view! { <span class="badge badge-active">"Active"</span> }
                } else {
                    view! { <span class="badge badge-inactive">"Retired"</span> }
                }}
            </td>
            <td data-label="Actions">
                <div class="inline-edit">
                    <button
                        class="btn"
                        type="button"
                        aria-pressed=move || (editing.get() == Some(id)).to_string()
                        on:click=move |_| editing.set(Some(id))
                    >
                        "Edit"
                        <span class="visually-hidden">" " {label.get_value()}</span>
                    </button>
                    {if is_active {
                        view! {
                            <ConfirmButton
                                label="Retire"
                                subject=label.get_value()
                                question=retire_question
                                confirm="Yes, retire"
                                on_confirm=toggle
                                busy
                                danger=true
                            />
                        }
                            .into_any()
                    } else {
                        view! {
                            <button class="btn" type="button" disabled=busy on:click=move |_| toggle.run(())>
                                "Restore"
                                <span class="visually-hidden">" " {label.get_value()}</span>
                            </button>
                        }
                            .into_any()
                    }}
                </div>
            </td>
        </tr>
    }
}

#[component]
fn CreateCategoryForm(
    /// The categories, for the parent picker.
    data: QueryData<Vec<CategoryDto>>,
    teams: Teams,
    feedback: Feedback,
    on_close: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let req = CreateCategoryRequest {
            name: trimmed(name).unwrap_or_default(),
            parent_id: Uuid::parse_str(&parent.get_untracked()).ok(),
            description: trimmed(description),
            team_id: Uuid::parse_str(&team.get_untracked()).ok(),
        };
        let problems = validate_category(&req);
        if !problems.is_empty() {
            return errors.set(problems);
        }
        errors.set(BTreeMap::new());
        busy.set(true);
        spawn_local(async move {
            match admin::create_category(&req).await {
                Ok(c) => {
                    feedback.done(format!("Created {}.", c.name));
                    refresh();
                    on_close.run(());
                }
                Err(e) => {
                    errors.set(e.fields());
                    feedback.failed(format!("The category was not created: {}", e.message()));
                }
            }
            busy.set(false);
        });
    };
    let parents = move || {
        data.with(|l| {
            l.into_iter()
                .flatten()
                .filter(|c| c.parent_id.is_none())
                .map(|c| {
                    let retired = if c.is_active { "" } else { " (retired)" };
                    view! { <option value=c.id.to_string()>{format!("{}{retired}", c.name)}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card" id="new-category" aria-labelledby="new-category-title">
            <h2 id="new-category-title">"New category"</h2>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="new-category-parent">"Under"</label>
                    <select id="new-category-parent" on:change=move |ev| parent.set(event_target_value(&ev))>
                        <option value="">"Nothing: a top-level category"</option>
                        {parents}
                    </select>
                </div>
                <CategoryFields prefix="new-category" name description errors />
                {teams.map(|teams| view! { <TeamSelect id="new-category-team" teams value=team /> })}
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" disabled=busy>"Create category"</button>
                    <button class="btn" type="button" on:click=move |_| on_close.run(())>"Close"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn EditCategory(category: CategoryDto, teams: Teams, feedback: Feedback, on_close: Callback<()>) -> impl IntoView {
    let id = category.id;
    let team = RwSignal::new(category.team_id.map(|t| t.to_string()).unwrap_or_default());
    let title = format!("Edit {}", category.name);
    let name = RwSignal::new(category.name);
    let description = RwSignal::new(category.description.unwrap_or_default());
    let errors = RwSignal::new(BTreeMap::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        // An empty description clears it.
        let req = UpdateCategoryRequest {
            name: Some(trimmed(name).unwrap_or_default()),
            description: Some(trimmed(description).unwrap_or_default()),
            // Unchanged when the teams cannot be read; "No team" clears the routing.
            team_id: teams.map(|_| Uuid::parse_str(&team.get_untracked()).ok()),
            ..UpdateCategoryRequest::default()
        };
        let problems = validate_update_category(&req);
        if !problems.is_empty() {
            return errors.set(problems);
        }
        errors.set(BTreeMap::new());
        busy.set(true);
        spawn_local(async move {
            match admin::update_category(id, &req).await {
                Ok(c) => {
                    feedback.done(format!("Saved {}.", c.name));
                    refresh();
                    on_close.run(());
                }
                Err(e) => {
                    errors.set(e.fields());
                    feedback.failed(format!("The category was not saved: {}", e.message()));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card team-edit" id="edit-category" aria-labelledby="edit-category-title">
            <h2 id="edit-category-title">{title}</h2>
            <form on:submit=submit novalidate>
                <CategoryFields prefix="edit-category" name description errors />
                {teams.map(|teams| view! { <TeamSelect id="edit-category-team" teams value=team /> })}
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" disabled=busy>"Save category"</button>
                    <button class="btn" type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
