//! One team: rename or describe it, delete it, and manage its members.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::admin::{AddTeamMemberRequest, TeamMemberDto, UserDto, UserListQuery};
use shared_types::validation::{TEAM_MEMBER_ROLES, validate_team_member};
use uuid::Uuid;

use super::frame::{Feedback, FeedbackLine};
use super::teams::{TeamFields, team_request, use_teams};
use super::url::UrlQuery;
use crate::api::{admin, query_string};
use crate::components::{ConfirmButton, Empty, Field, QueryView, SearchInput, Time, field_error};
use crate::query::{Query, invalidate, use_query};

/// Everything a team changes shows in the team list, its members and the audit log.
fn refresh_team(id: Uuid) {
    invalidate("admin:teams");
    invalidate(&format!("admin:team-members:{id}"));
    invalidate("admin:audit");
}

/// A team's members, shared by the list and the picker (one cache entry, one request).
fn use_members(id: Uuid) -> Query<Vec<TeamMemberDto>> {
    use_query(move || (format!("admin:team-members:{id}"), id), admin::team_members)
}

/// The chosen team's panel.
#[component]
pub fn TeamDetail(id: Uuid, url: UrlQuery) -> impl IntoView {
    let teams = use_teams();
    let facts = Memo::new(move |_| {
        teams.data.get().and_then(|list| list.into_iter().find(|t| t.id == id)).map(|t| (t.name, t.description))
    });
    let feedback = Feedback::new();
    move || match facts.get() {
        None if teams.data.with(|t| t.is_some()) => {
            view! { <Empty message="This team does not exist any more." /> }.into_any()
        }
        None => ().into_any(),
        Some((name, description)) => view! {
            <section class="card team-detail" aria-labelledby="team-title">
                <h2 id="team-title">{name.clone()}</h2>
                <FeedbackLine feedback />
                <EditTeam id name=name.clone() description url feedback />
                <h3>"Members"</h3>
                <Members id team=name.clone() feedback />
                <AddMember id feedback />
            </section>
        }
        .into_any(),
    }
}

#[component]
fn EditTeam(id: Uuid, name: String, description: Option<String>, url: UrlQuery, feedback: Feedback) -> impl IntoView {
    let title = StoredValue::new(name.clone());
    let name = RwSignal::new(name);
    let description = RwSignal::new(description.unwrap_or_default());
    let errors = RwSignal::new(BTreeMap::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let req = match team_request(name, description) {
            Ok(req) => req,
            Err(problems) => return errors.set(problems),
        };
        errors.set(BTreeMap::new());
        busy.set(true);
        spawn_local(async move {
            match admin::update_team(id, &req).await {
                Ok(team) => {
                    feedback.done(format!("Saved the team “{}”.", team.name));
                    refresh_team(id);
                }
                Err(e) => {
                    errors.set(e.fields());
                    feedback.failed(e.message());
                }
            }
            busy.set(false);
        });
    };
    let delete = Callback::new(move |()| {
        busy.set(true);
        feedback.clear();
        spawn_local(async move {
            match admin::delete_team(id).await {
                Ok(_) => {
                    // Leave the panel first, so nothing asks for the deleted team's members.
                    url.set(&[("team", None)]);
                    invalidate("admin:teams");
                    invalidate("admin:audit");
                }
                Err(e) => feedback.failed(e.message()),
            }
            busy.set(false);
        });
    });
    view! {
        <form class="team-edit" on:submit=submit novalidate>
            <TeamFields prefix="edit-team" name description errors />
            <div class="form-actions">
                <button class="btn btn-primary" type="submit" disabled=busy>"Save team"</button>
                <ConfirmButton
                    label="Delete team"
                    subject=""
                    question=format!("Delete “{}”? Its members leave the team; its tickets lose their team.", title.get_value())
                    confirm="Yes, delete"
                    on_confirm=delete
                    busy
                    danger=true
                />
            </div>
        </form>
    }
}

#[component]
fn Members(id: Uuid, team: String, feedback: Feedback) -> impl IntoView {
    let members = use_members(id);
    let team = StoredValue::new(team);
    view! {
        <QueryView
            query=members
            what="members"
            view=move |list| {
                if list.is_empty() {
                    return view! { <Empty message="No members yet. Add someone below." /> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="admin-table">
                            <caption class="visually-hidden">{format!("Members of {}", team.get_value())}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"E-mail"</th>
                                    <th scope="col">"Team role"</th>
                                    <th scope="col">"Joined"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|m| view! { <MemberRow id member=m team=team.get_value() feedback /> })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        />
    }
}

#[component]
fn MemberRow(id: Uuid, member: TeamMemberDto, team: String, feedback: Feedback) -> impl IntoView {
    let TeamMemberDto { user, role, joined_at } = member;
    let busy = RwSignal::new(false);
    let user_id = user.id;
    let who = StoredValue::new(user.name.clone());
    let remove = Callback::new(move |()| {
        busy.set(true);
        feedback.clear();
        spawn_local(async move {
            match admin::remove_team_member(id, user_id).await {
                Ok(_) => {
                    feedback.done(format!("Removed {} from the team.", who.get_value()));
                    refresh_team(id);
                }
                Err(e) => feedback.failed(e.message()),
            }
            busy.set(false);
        });
    });
    view! {
        <tr>
            <td data-label="Name">{user.name.clone()}</td>
            <td class="break" data-label="E-mail">{user.email}</td>
            <td data-label="Team role"><span class="badge">{role}</span></td>
            <td data-label="Joined"><Time at=joined_at /></td>
            <td data-label="Actions">
                <ConfirmButton
                    label="Remove"
                    subject=user.name.clone()
                    question=format!("Remove {} from {team}?", user.name)
                    confirm="Yes, remove"
                    on_confirm=remove
                    busy
                    danger=true
                />
            </td>
        </tr>
    }
}

/// Find a user by name or e-mail, pick them and their team role, add them.
#[component]
fn AddMember(id: Uuid, feedback: Feedback) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let searched = RwSignal::new(None::<String>);
    let picked = RwSignal::new(String::new());
    let role = RwSignal::new(TEAM_MEMBER_ROLES[0].to_owned());
    let errors = RwSignal::new(BTreeMap::new());
    let busy = RwSignal::new(false);
    let members = use_members(id);
    let found = use_query(
        move || {
            let q =
                UserListQuery { q: searched.get(), active: Some(true), limit: Some(20), ..UserListQuery::default() };
            (format!("admin:users{}", query_string(&q)), q)
        },
        |q: UserListQuery| async move { admin::users(&q).await },
    );
    // Those already in the team are not offered again.
    let candidates = Memo::new(move |_| {
        let inside: Vec<Uuid> = members.data.get().unwrap_or_default().iter().map(|m| m.user.id).collect();
        found.data.get().map(|l| l.data.into_iter().filter(|u| !inside.contains(&u.id)).collect::<Vec<_>>())
    });
    // A new result list preselects its first user, so "Add member" right away just works.
    Effect::new(move |_| {
        let first = candidates.with(|c| c.as_ref().and_then(|c| c.first().map(|u| u.id.to_string())));
        picked.set(first.unwrap_or_default());
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked().trim().to_owned();
        searched.set((!q.is_empty()).then_some(q));
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let Ok(user_id) = Uuid::parse_str(&picked.get_untracked()) else {
            errors.set(BTreeMap::from([("userId".to_owned(), "pick a user to add".to_owned())]));
            return;
        };
        let req = AddTeamMemberRequest { user_id, role: Some(role.get_untracked()) };
        let problems = validate_team_member(&req);
        errors.set(problems.clone());
        if !problems.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match admin::add_team_member(id, &req).await {
                Ok(m) => {
                    feedback.done(format!("Added {} as {}.", m.user.name, m.role));
                    refresh_team(id);
                }
                Err(e) => {
                    errors.set(e.fields());
                    feedback.failed(e.message());
                }
            }
            busy.set(false);
        });
    };
    let options = move |users: Vec<UserDto>| {
        if users.is_empty() {
            return view! { <option value="">"No other active user matches"</option> }.into_any();
        }
        users
            .into_iter()
            .map(|u| view! { <option value=u.id.to_string()>{format!("{} ({})", u.name, u.email)}</option> })
            .collect_view()
            .into_any()
    };
    view! {
        <h3>"Add a member"</h3>
        <form class="toolbar" role="search" on:submit=search>
            <SearchInput id="member-search" label="Find a user" placeholder="Name or e-mail" value=typed />
            <button class="btn" type="submit">"Find"</button>
        </form>
        <form class="toolbar" on:submit=add novalidate>
            <Field id="member-user" label="User to add" error=field_error(errors, "userId")>
                <select
                    id="member-user"
                    aria-describedby="member-user-error"
                    prop:value=picked
                    on:change=move |ev| picked.set(event_target_value(&ev))
                >
                    {move || match (candidates.get(), found.error.get()) {
                        (Some(list), _) => options(list),
                        (None, Some(e)) => view! { <option value="">{e.message()}</option> }.into_any(),
                        (None, None) => view! { <option value="">"Loading users…"</option> }.into_any(),
                    }}
                </select>
            </Field>
            <Field id="member-role" label="Team role" error=field_error(errors, "role")>
                <select id="member-role" prop:value=role on:change=move |ev| role.set(event_target_value(&ev))>
                    {TEAM_MEMBER_ROLES.map(|r| view! { <option value=r>{r}</option> })}
                </select>
            </Field>
            <button class="btn btn-primary" type="submit" disabled=busy>"Add member"</button>
        </form>
    }
}
