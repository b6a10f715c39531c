//! Roles and permissions: a matrix of checkboxes, one column per role, saved role by role.
//! Unsaved changes are listed in words before they are sent, and the saved change after.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::admin::{PermissionDto, RoleDto, SetRolePermissionsRequest};
use shared_types::{Permission, RoleName};

use super::frame::{AdminPage, Feedback, FeedbackLine};
use crate::api::admin;
use crate::components::{Empty, QueryView};
use crate::query::{invalidate, set_query_data, use_query};
use crate::session::use_session;

type Grants = BTreeSet<Permission>;

/// Edits not yet saved: role name → the permissions it would grant.
type Drafts = RwSignal<BTreeMap<String, Grants>>;

/// The roles page.
#[component]
pub fn Roles() -> impl IntoView {
    view! {
        <AdminPage title="Roles and permissions" permission=Permission::AdminRoles>
            <p class="muted">
                "Tick what each role may do and save that role. A change applies to everyone with the role on their next request."
            </p>
            <RoleMatrix />
        </AdminPage>
    }
}

#[component]
fn RoleMatrix() -> impl IntoView {
    let permissions = use_query(|| ("admin:permissions".to_owned(), ()), |()| admin::permissions());
    let roles = use_query(|| ("admin:roles".to_owned(), ()), |()| admin::roles());
    let drafts: Drafts = RwSignal::new(BTreeMap::new());
    let feedback = Feedback::new();
    view! {
        <FeedbackLine feedback />
        <QueryView
            query=permissions
            what="permissions"
            view=move |permissions| {
                let permissions = StoredValue::new(permissions);
                view! {
                    <QueryView
                        query=roles
                        what="roles"
                        view=move |roles| {
                            if roles.is_empty() {
                                return view! { <Empty message="There are no roles." /> }.into_any();
                            }
                            view! {
                                <Matrix permissions=permissions.get_value() roles drafts feedback />
                                <PendingChanges drafts />
                            }
                                .into_any()
                        }
                    />
                }
            }
        />
    }
}

fn granted(role: &RoleDto) -> Grants {
    role.permissions.iter().copied().collect()
}

/// Added and removed permissions between two sets, in words.
fn describe(before: &Grants, after: &Grants) -> String {
    let list = |ps: Vec<&Permission>| ps.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
    let added: Vec<_> = after.difference(before).collect();
    let removed: Vec<_> = before.difference(after).collect();
    match (added.is_empty(), removed.is_empty()) {
        (true, true) => "no change".into(),
        (false, true) => format!("adds {}", list(added)),
        (true, false) => format!("removes {}", list(removed)),
        (false, false) => format!("adds {}; removes {}", list(added), list(removed)),
    }
}

/// The admin role always holds everything; the server refuses to change it.
fn is_fixed(role: &str) -> bool {
    role == RoleName::Admin.as_str()
}

#[component]
fn Matrix(permissions: Vec<PermissionDto>, roles: Vec<RoleDto>, drafts: Drafts, feedback: Feedback) -> impl IntoView {
    let server: BTreeMap<String, Grants> = roles.iter().map(|r| (r.name.clone(), granted(r))).collect();
    let server = StoredValue::new(server);
    let names: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
    let is_checked = move |role: &str, p: Permission| {
        drafts.with(|d| match d.get(role) {
            Some(set) => set.contains(&p),
            None => server.with_value(|s| s.get(role).is_some_and(|set| set.contains(&p))),
        })
    };
    let toggle = move |role: String, p: Permission| {
        let saved = server.with_value(|s| s.get(&role).cloned().unwrap_or_default());
        drafts.update(|d| {
            let set = d.entry(role.clone()).or_insert_with(|| saved.clone());
            if !set.remove(&p) {
                set.insert(p);
            }
            if *set == saved {
                d.remove(&role);
            }
        });
    };
    let header = roles
        .iter()
        .map(|r| {
            view! {
                <th scope="col" class="role-col">
                    <span class="role-name">{r.name.clone()}</span>
                    <span class="role-description">{r.description.clone()}</span>
                </th>
            }
        })
        .collect_view();
    let rows = permissions
        .into_iter()
        .map(|dto| {
            let p = dto.name;
            let cells = names
                .iter()
                .map(|role| {
                    let role = role.clone();
                    let label = format!("{} for {role}", p.as_str());
                    let fixed = is_fixed(&role);
                    let r = role.clone();
                    view! {
                        <td class="check-cell">
                            <label class="check">
                                <input
                                    type="checkbox"
                                    disabled=fixed
                                    prop:checked=move || is_checked(&r, p)
                                    on:change=move |_| toggle(role.clone(), p)
                                />
                                <span class="visually-hidden">{label}</span>
                            </label>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        <code>{p.as_str()}</code>
                        <span class="perm-description">{dto.description}</span>
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let saves = roles.into_iter().map(|role| view! { <td><SaveRole role drafts feedback /></td> }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="admin-table matrix">
                <caption class="visually-hidden">"Permissions granted by each role"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Permission"</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Save"</th>
                        {saves}
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// Saves one role's column, or says why it cannot change.
#[component]
fn SaveRole(role: RoleDto, drafts: Drafts, feedback: Feedback) -> impl IntoView {
    let session = use_session();
    let name = role.name.clone();
    if is_fixed(&name) {
        return view! { <span class="muted">"Always every permission"</span> }.into_any();
    }
    let before = granted(&role);
    let busy = RwSignal::new(false);
    let key = name.clone();
    let pending = move || drafts.with(|d| d.contains_key(&key));
    let label = format!("Save {name}");
    let save = move |_| {
        let Some(wanted) = drafts.with_untracked(|d| d.get(&name).cloned()) else { return };
        let change = describe(&before, &wanted);
        let req = SetRolePermissionsRequest { permissions: wanted.iter().copied().collect() };
        let name = name.clone();
        busy.set(true);
        feedback.clear();
        spawn_local(async move {
            match admin::set_role_permissions(&name, &req).await {
                Ok(saved) => {
                    drafts.update(|d| {
                        d.remove(&name);
                    });
                    feedback.done(format!("Saved {name}: {change}."));
                    set_query_data::<Vec<RoleDto>>("admin:roles", |old| {
                        old.map(|roles| {
                            roles.into_iter().map(|r| if r.name == saved.name { saved.clone() } else { r }).collect()
                        })
                    });
                    invalidate("admin:audit");
                    // Whoever holds this role, this admin included, gets new rights at once.
                    let _ = session.load().await;
                }
                Err(e) => feedback.failed(format!("{name} was not saved: {}", e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <button class="btn btn-primary" type="button" disabled=move || busy.get() || !pending() on:click=save>
            {label}
        </button>
    }
    .into_any()
}

/// The unsaved changes, role by role, in words.
#[component]
fn PendingChanges(drafts: Drafts) -> impl IntoView {
    let roles = use_query(|| ("admin:roles".to_owned(), ()), |()| admin::roles());
    let lines = move || {
        let saved: BTreeMap<String, Grants> =
            roles.data.get().unwrap_or_default().iter().map(|r| (r.name.clone(), granted(r))).collect();
        drafts.with(|d| {
            d.iter()
                .map(|(role, wanted)| {
                    let before = saved.get(role).cloned().unwrap_or_default();
                    format!("{role}: {}", describe(&before, wanted))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="pending" aria-live="polite">
            <Show when=move || !lines().is_empty()>
                <h2>"Unsaved changes"</h2>
                <ul>{move || lines().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                <button class="btn" type="button" on:click=move |_| drafts.set(BTreeMap::new())>
                    "Discard unsaved changes"
                </button>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_described_in_words() {
        let a: Grants = [Permission::TicketCreate].into();
        let b: Grants = [Permission::TicketCreate, Permission::AuditView].into();
        assert_eq!(describe(&a, &b), "adds audit:view");
        assert_eq!(describe(&b, &a), "removes audit:view");
        assert_eq!(describe(&a, &a), "no change");
    }
}
