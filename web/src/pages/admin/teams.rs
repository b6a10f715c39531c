//! Teams: the list, a form for a new team, and the chosen team's details (kept in the
//! address as `?team=<id>`, so a team's page can be shared).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::admin::{TeamDto, TeamRequest};
use shared_types::validation::validate_team;
use uuid::Uuid;

use super::frame::{AdminPage, DisclosureButton};
use super::team_detail::TeamDetail;
use super::url::{UrlQuery, use_url_query};
use crate::api::admin;
use crate::components::Time;
use crate::components::{Empty, Field, QueryView, field_error};
use crate::query::{Query, invalidate, use_query};

/// The teams page.
#[component]
pub fn Teams() -> impl IntoView {
    let creating = RwSignal::new(false);
    view! {
        <AdminPage
            title="Teams"
            permission=Permission::AdminTeams
            actions=move || view! { <DisclosureButton open=creating controls="new-team" label="New team" /> }
        >
            <TeamsBody creating />
        </AdminPage>
    }
}

/// The teams list, shared by the page and the detail panel.
pub fn use_teams() -> Query<Vec<TeamDto>> {
    use_query(|| ("admin:teams".to_owned(), ()), |()| admin::teams())
}

#[component]
fn TeamsBody(creating: RwSignal<bool>) -> impl IntoView {
    let url = use_url_query();
    let teams = use_teams();
    let selected = Memo::new(move |_| url.get("team").and_then(|t| Uuid::parse_str(&t).ok()));
    view! {
        <Show when=move || creating.get()>
            <CreateTeamForm url on_close=Callback::new(move |()| creating.set(false)) />
        </Show>
        <QueryView
            query=teams
            what="teams"
            view=move |list| {
                if list.is_empty() {
                    return view! { <Empty message="No teams yet. Create one with “New team”." /> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="admin-table">
                            <caption class="visually-hidden">"Teams"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Team"</th>
                                    <th scope="col">"Description"</th>
                                    <th scope="col">"Members"</th>
                                    <th scope="col">"Created"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|t| {
                                        let id = t.id;
                                        let current = move || (selected.get() == Some(id)).then_some("true");
                                        view! {
                                            <tr class:selected=move || selected.get() == Some(id)>
                                                <td data-label="Team">
                                                    <button
                                                        class="link-button"
                                                        type="button"
                                                        aria-pressed=current
                                                        on:click=move |_| url.set(&[("team", Some(id.to_string()))])
                                                    >
                                                        {t.name}
                                                    </button>
                                                </td>
                                                <td data-label="Description">{t.description.unwrap_or_default()}</td>
                                                <td data-label="Members">{t.member_count}</td>
                                                <td data-label="Created"><Time at=t.created_at /></td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        />
        {move || selected.get().map(|id| view! { <TeamDetail id url /> })}
    }
}

/// Name and description of a team, checked with the server's rules; used to create and edit.
#[component]
pub fn TeamFields(
    /// Prefix for the controls' ids.
    prefix: &'static str,
    name: RwSignal<String>,
    description: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let name_id = format!("{prefix}-name");
    let description_id = format!("{prefix}-description");
    view! {
        <Field id=name_id.clone() label="Team name" error=field_error(errors, "name")>
            <input
                id=name_id.clone()
                type="text"
                required
                aria-describedby=format!("{name_id}-error")
                prop:value=name
                on:input=move |ev| name.set(event_target_value(&ev))
            />
        </Field>
        <Field id=description_id.clone() label="Description (optional)" error=field_error(errors, "description")>
            <textarea
                id=description_id.clone()
                rows="2"
                aria-describedby=format!("{description_id}-error")
                prop:value=description
                on:input=move |ev| description.set(event_target_value(&ev))
            ></textarea>
        </Field>
    }
}

/// The request for the typed fields, or the problems the server would find.
pub fn team_request(
    name: RwSignal<String>,
    description: RwSignal<String>,
) -> Result<TeamRequest, BTreeMap<String, String>> {
    let text = description.get_untracked().trim().to_owned();
    let req =
        TeamRequest { name: name.get_untracked().trim().to_owned(), description: (!text.is_empty()).then_some(text) };
    let problems = validate_team(&req);
    if problems.is_empty() { Ok(req) } else { Err(problems) }
}

#[component]
fn CreateTeamForm(url: UrlQuery, on_close: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let req = match team_request(name, description) {
            Ok(req) => req,
            Err(problems) => return errors.set(problems),
        };
        errors.set(BTreeMap::new());
        busy.set(true);
        spawn_local(async move {
            match admin::create_team(&req).await {
                Ok(team) => {
                    invalidate("admin:teams");
                    invalidate("admin:audit");
                    on_close.run(());
                    url.set(&[("team", Some(team.id.to_string()))]);
                }
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" id="new-team" aria-labelledby="new-team-title">
            <h2 id="new-team-title">"New team"</h2>
            <form on:submit=submit novalidate>
                <TeamFields prefix="new-team" name description errors />
                <p class="form-error" role="alert">{move || failure.get()}</p>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" disabled=busy>"Create team"</button>
                    <button class="btn" type="button" on:click=move |_| on_close.run(())>"Close"</button>
                </div>
            </form>
        </section>
    }
}
