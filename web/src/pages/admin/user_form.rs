//! The form that creates a user account, and the one-time display of a generated password.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::RoleName;
use shared_types::admin::{CreateUserRequest, CreatedUserDto};
use shared_types::validation::validate_create_user;

use super::users::refresh_after_user_change;
use crate::api::admin;
use crate::components::{Field, TextField, field_error};

/// Creates a user. Checks the fields with the server's own rules first, then shows the
/// server's per-field problems beside the fields.
#[component]
pub fn CreateUserForm(
    /// The roles to offer.
    roles: Signal<Vec<String>>,
    /// Closes the form.
    on_close: Callback<()>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(RoleName::Employee.as_str().to_owned());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedUserDto>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = password.get_untracked();
        let req = CreateUserRequest {
            email: email.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            password: (!typed.is_empty()).then_some(typed),
            role: role.get_untracked(),
        };
        let found = validate_create_user(&req);
        errors.set(found.clone());
        failure.set(None);
        if !found.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match admin::create_user(&req).await {
                Ok(answer) => {
                    created.set(Some(answer));
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    refresh_after_user_change();
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
        <section class="card" id="new-user" aria-labelledby="new-user-title">
            <h2 id="new-user-title">"New user"</h2>
            {move || created.get().map(|c| view! { <CreatedUser created=c /> })}
            <form class="form-grid" on:submit=submit novalidate>
                <TextField id="new-user-email" label="E-mail" value=email error=field_error(errors, "email") kind="email" autocomplete="off" />
                <TextField id="new-user-name" label="Name" value=name error=field_error(errors, "name") kind="text" autocomplete="off" />
                <Field id="new-user-role" label="Role" error=field_error(errors, "role")>
                    <select
                        id="new-user-role"
                        aria-describedby="new-user-role-error"
                        prop:value=role
                        on:change=move |ev| role.set(event_target_value(&ev))
                    >
                        {move || {
                            roles
                                .get()
                                .into_iter()
                                .map(|r| {
                                    let selected = r == role.get_untracked();
                                    let value = r.clone();
                                    view! { <option value=value selected=selected>{r}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </Field>
                <Field
                    id="new-user-password"
                    label="Password (optional)"
                    hint="Leave empty to have one generated and shown once."
                    error=field_error(errors, "password")
                >
                    <input
                        id="new-user-password"
                        type="password"
                        autocomplete="new-password"
                        aria-describedby="new-user-password-error"
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </Field>
                <p class="form-error" role="alert">{move || failure.get()}</p>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" disabled=busy>
                        {move || if busy.get() { "Creating…" } else { "Create user" }}
                    </button>
                    <button class="btn" type="button" on:click=move |_| on_close.run(())>"Close"</button>
                </div>
            </form>
        </section>
    }
}

/// The new account, and its generated password while this form stays open: it is not stored
/// anywhere and cannot be shown again.
#[component]
fn CreatedUser(created: CreatedUserDto) -> impl IntoView {
    let user = created.user;
    // Focusing the field selects the whole password, ready to copy.
    let select_all = |ev: leptos::ev::FocusEvent| event_target::<web_sys::HtmlInputElement>(&ev).select();
    view! {
        <div class="created" role="status">
            <p>{format!("Created {} ({}) with the role {}.", user.name, user.email, user.role)}</p>
            {created
                .generated_password
                .map(|pw| {
                    view! {
                        <div class="field">
                            <label for="generated-password">"Generated password"</label>
                            <p class="hint">
                                "Copy it now and pass it on safely: it is shown only this once."
                            </p>
                            <input
                                id="generated-password"
                                class="secret"
                                type="text"
                                readonly
                                value=pw
                                on:focus=select_all
                            />
                        </div>
                    }
                })}
        </div>
    }
}
