//! Users: find people by name, e-mail, role or status; create accounts; change a role;
//! deactivate or reactivate an account. Filters and page live in the address.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::admin::{UserDto, UserListQuery};
use shared_types::{ListResponse, Permission, RoleName};

use super::frame::{AdminPage, DisclosureButton, Feedback, FeedbackLine};
use super::url::{UrlQuery, use_url_query};
use super::user_form::CreateUserForm;
use crate::api::{admin, query_string};
use crate::components::{ConfirmButton, Empty, Pager, QueryView, SearchInput, Time};
use crate::query::{Query, invalidate, use_query};
use crate::session::use_session;

/// The role names to offer: the server's list for those who may read it, else the seeded ones.
pub fn use_role_names() -> Signal<Vec<String>> {
    let session = use_session();
    let seeded = || RoleName::ALL.iter().map(|r| r.as_str().to_owned()).collect::<Vec<_>>();
    // Decided once, when the page opens.
    if !untrack(|| session.can(Permission::AdminRoles)) {
        return Signal::derive(seeded);
    }
    let roles = use_query(|| ("admin:roles".to_owned(), ()), |()| admin::roles());
    Signal::derive(move || roles.data.get().map(|r| r.into_iter().map(|r| r.name).collect()).unwrap_or_else(seeded))
}

/// The users page.
#[component]
pub fn Users() -> impl IntoView {
    let creating = RwSignal::new(false);
    view! {
        <AdminPage
            title="Users"
            permission=Permission::AdminUsers
            actions=move || view! { <DisclosureButton open=creating controls="new-user" label="New user" /> }
        >
            <UsersBody creating />
        </AdminPage>
    }
}

fn filters(url: UrlQuery) -> UserListQuery {
    UserListQuery {
        q: url.get("q"),
        role: url.get("role"),
        active: url.get("active").and_then(|a| a.parse().ok()),
        page: Some(url.page()).filter(|p| *p > 1),
        limit: url.get("limit").and_then(|l| l.parse().ok()),
    }
}

#[component]
fn UsersBody(creating: RwSignal<bool>) -> impl IntoView {
    let url = use_url_query();
    let roles = use_role_names();
    let feedback = Feedback::new();
    let query = Memo::new(move |_| filters(url));
    let users: Query<ListResponse<UserDto>> = use_query(
        move || {
            let q = query.get();
            (format!("admin:users{}", query_string(&q)), q)
        },
        |q: UserListQuery| async move { admin::users(&q).await },
    );
    view! {
        <Show when=move || creating.get()>
            <CreateUserForm roles on_close=Callback::new(move |()| creating.set(false)) />
        </Show>
        <UserFilters url roles />
        <FeedbackLine feedback />
        <QueryView
            query=users
            what="users"
            view=move |list| {
                if list.data.is_empty() {
                    return view! { <Empty message="No user matches these filters." /> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="admin-table">
                            <caption class="visually-hidden">"Users"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"E-mail"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Last sign-in"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.data.into_iter().map(|user| view! { <UserRow user roles feedback /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager meta=list.meta href=Callback::new(move |page| url.page_href(page)) one="user" many="users" />
                }
                    .into_any()
            }
        />
    }
}

/// Search box and role/status filters; each change is a new address.
#[component]
fn UserFilters(url: UrlQuery, roles: Signal<Vec<String>>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // The box follows the address, so the back button restores it too.
    Effect::new(move |_| text.set(url.get("q").unwrap_or_default()));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        url.set(&[("q", Some(text.get_untracked()))]);
    };
    view! {
        <form class="toolbar" role="search" on:submit=search>
            <SearchInput id="user-search" label="Search users" placeholder="Name or e-mail" value=text />
            <button class="btn" type="submit">"Search"</button>
            <div class="field">
                <label for="user-role-filter">"Filter by role"</label>
                <select
                    id="user-role-filter"
                    prop:value=move || url.get("role").unwrap_or_default()
                    on:change=move |ev| url.set(&[("role", Some(event_target_value(&ev)))])
                >
                    <option value="">"Any role"</option>
                    {move || {
                        roles
                            .get()
                            .into_iter()
                            .map(|r| {
                                let value = r.clone();
                                view! { <option value=value>{r}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="user-status-filter">"Filter by status"</label>
                <select
                    id="user-status-filter"
                    prop:value=move || url.get("active").unwrap_or_default()
                    on:change=move |ev| url.set(&[("active", Some(event_target_value(&ev)))])
                >
                    <option value="">"Active or not"</option>
                    <option value="true">"Active"</option>
                    <option value="false">"Deactivated"</option>
                </select>
            </div>
        </form>
    }
}

/// One user: their facts, a role picker and the activation switch.
#[component]
fn UserRow(user: UserDto, roles: Signal<Vec<String>>, feedback: Feedback) -> impl IntoView {
    let session = use_session();
    let UserDto { id, name, email, role, is_active, last_login_at, .. } = user;
    let is_me = untrack(|| session.user_id()) == Some(id);
    let chosen = RwSignal::new(role.clone());
    let busy = RwSignal::new(false);
    let select_id = format!("role-{id}");
    let name = StoredValue::new(name);
    let current = StoredValue::new(role);

    let save_role = move |_| {
        let wanted = chosen.get_untracked();
        busy.set(true);
        feedback.clear();
        spawn_local(async move {
            match admin::change_role(id, &wanted).await {
                Ok(u) => {
                    let note = if is_me {
                        "Reload the app to see your own change."
                    } else {
                        "They see the change when they next reload the app."
                    };
                    feedback.done(format!("{}'s role is now {}. {note}", u.name, u.role));
                    refresh_after_user_change();
                }
                Err(e) => feedback.failed(format!("{}'s role was not changed: {}", name.get_value(), e.message())),
            }
            busy.set(false);
        });
    };
    let toggle_active = Callback::new(move |()| {
        busy.set(true);
        feedback.clear();
        spawn_local(async move {
            match admin::set_active(id, !is_active).await {
                Ok(u) => {
                    let how =
                        if u.is_active { "can sign in again" } else { "is deactivated and signed out everywhere" };
                    feedback.done(format!("{} {how}.", u.name));
                    refresh_after_user_change();
                }
                Err(e) => feedback.failed(e.message()),
            }
            busy.set(false);
        });
    });

    view! {
        <tr class:inactive=!is_active>
            <td data-label="Name">{name.get_value()} {is_me.then_some(view! { <span class="muted">" (you)"</span> })}</td>
            <td class="break" data-label="E-mail">{email}</td>
            <td data-label="Role">
                <div class="inline-edit">
                    <label for=select_id.clone() class="visually-hidden">{format!("Role for {}", name.get_value())}</label>
                    <select id=select_id prop:value=chosen on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {move || {
                            let mut names = roles.get();
                            if !names.contains(&current.get_value()) {
                                names.push(current.get_value());
                            }
                            names
                                .into_iter()
                                .map(|r| {
                                    let selected = r == chosen.get_untracked();
                                    let value = r.clone();
                                    view! { <option value=value selected=selected>{r}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <button
                        class="btn"
                        type="button"
                        disabled=move || busy.get() || chosen.with(|c| *c == current.get_value())
                        on:click=save_role
                    >
                        "Save role"
                        <span class="visually-hidden">{format!(" for {}", name.get_value())}</span>
                    </button>
                </div>
            </td>
            <td data-label="Status">
                {if is_active {
                    view! { <span class="badge badge-active">"Active"</span> }
                } else {
                    view! { <span class="badge badge-inactive">"Deactivated"</span> }
                }}
            </td>
            <td data-label="Last sign-in">{match last_login_at {
                Some(at) => view! { <Time at /> }.into_any(),
                None => view! { <span class="muted">"Never"</span> }.into_any(),
            }}</td>
            <td data-label="Actions">
                {if is_me {
                    view! { <span class="muted">"Your own account"</span> }.into_any()
                } else if is_active {
                    view! {
                        <ConfirmButton
                            label="Deactivate"
                            subject=name.get_value()
                            question=format!("Deactivate {}? They are signed out at once.", name.get_value())
                            confirm="Yes, deactivate"
                            on_confirm=toggle_active
                            busy
                            danger=true
                        />
                    }
                        .into_any()
                } else {
                    view! {
                        <ConfirmButton
                            label="Activate"
                            subject=name.get_value()
                            question=format!("Let {} sign in again?", name.get_value())
                            confirm="Yes, activate"
                            on_confirm=toggle_active
                            busy
                        />
                    }
                        .into_any()
                }}
            </td>
        </tr>
    }
}

/// A user change shows in the lists and in the audit log; both refetch.
pub fn refresh_after_user_change() {
    invalidate("admin:users");
    invalidate("admin:audit");
    invalidate("admin:team-members:");
}
