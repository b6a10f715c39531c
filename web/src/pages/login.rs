use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared_types::auth::LoginRequest;
use shared_types::validation::is_valid_email;

use crate::api::{self, encode};
use crate::components::{TextField, field_error};
use crate::query::use_query;
use crate::session::{SessionState, use_session};

/// Only same-site paths are followed after sign-in, never another origin.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login"))
        .unwrap_or_else(|| "/tickets".into())
}

/// What a failed single sign-on came back with (`?ssoError=<code>`), for people.
fn sso_error_message(code: &str) -> &'static str {
    match code {
        "sso_cancelled" => "Single sign-on was cancelled.",
        "sso_expired" => "The single sign-on attempt took too long. Please try again.",
        "domain_not_allowed" => "Your organisation's e-mail domain may not sign in here.",
        "issuer_unreachable" => "The single sign-on service could not be reached. Try again, or use your password.",
        "sso_unknown_account" => "There is no account for your e-mail address yet. Ask an administrator to create one.",
        "account_disabled" => "This account is deactivated.",
        "sso_not_configured" => "Single sign-on is not set up on this server.",
        _ => "Single sign-on could not be completed. Please try again.",
    }
}

/// The sign-in page. After signing in, the user returns to where they were sent from.
#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let next = Memo::new(move |_| safe_next(query.with(|q| q.get("next"))));

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let providers = use_query(|| ("auth-providers".to_owned(), ()), |_| api::auth::providers());
    let sso_error = move || query.with(|q| q.get("ssoError")).map(|code| sso_error_message(&code));

    // Already signed in (a renewed session, or the back button): go on.
    let go = navigate.clone();
    Effect::new(move |_| {
        if session.state.get() == SessionState::SignedIn {
            go(&next.get_untracked(), NavigateOptions { replace: true, ..NavigateOptions::default() });
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = LoginRequest { email: email.get_untracked().trim().to_owned(), password: password.get_untracked() };
        let mut found = BTreeMap::new();
        if !is_valid_email(&req.email) {
            found.insert("email".to_owned(), "enter an e-mail address like name@example.com".to_owned());
        }
        if req.password.is_empty() {
            found.insert("password".to_owned(), "enter your password".to_owned());
        }
        errors.set(found.clone());
        failure.set(None);
        if !found.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match session.sign_in(req).await {
                Ok(()) => {}
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <main class="page narrow login" id="main">
            <h1>"Sign in to Helpdesk"</h1>
            <form on:submit=submit novalidate>
                <TextField id="email" label="E-mail" value=email error=field_error(errors, "email") kind="email" autocomplete="username" />
                <TextField id="password" label="Password" value=password error=field_error(errors, "password") kind="password" autocomplete="current-password" />
                <p class="form-error" role="alert">{move || failure.get()}</p>
                <button class="btn btn-primary" type="submit" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            {move || {
                providers
                    .data
                    .get()
                    .and_then(|p| p.sso)
                    .map(|sso| {
                        let href = format!("{}?next={}", sso.start_url, encode(&next.get()));
                        view! {
                            <div class="sso">
                                <p class="divider"><span>"or"</span></p>
                                // A full navigation to the server, which sends the browser on to the issuer.
                                <a class="btn btn-block" href=href rel="external">
                                    {format!("Sign in with {}", sso.name)}
                                </a>
                            </div>
                        }
                    })
            }}
            {move || sso_error().map(|m| view! { <p class="form-error sso-error" role="alert">{m}</p> })}
            <p class="muted">
                "Integrating another system? See the " <a href="/api/docs/" rel="external">"API documentation"</a> "."
            </p>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/tickets/1?x=2".into())), "/tickets/1?x=2");
        assert_eq!(safe_next(Some("//evil.example".into())), "/tickets");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/tickets");
        assert_eq!(safe_next(Some("/login".into())), "/tickets");
        assert_eq!(safe_next(None), "/tickets");
    }
}
