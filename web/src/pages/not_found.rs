use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::apps::belongs_elsewhere;

/// How long a hand-over to the other build counts as in progress: asked for the same address
/// again within this time, the other build did not answer it (it is not deployed), so this
/// one shows "not found" instead of reloading for ever.
const HANDOVER_MS: f64 = 10_000.0;
const HANDOVER_KEY: &str = "helpdesk-handover";

/// Shown for any path no route matches. A page of the other build (see [`crate::apps`]) is
/// loaded from the server instead: links and `navigate` calls land here first, because the
/// router only knows this build's pages.
#[component]
pub fn NotFound() -> impl IntoView {
    // The router's address, not the window's: after a link click the router renders the new
    // route before it updates the browser's history.
    let routed = use_location();
    let path = untrack(|| address(&routed.pathname.get(), &routed.search.get()));
    if belongs_elsewhere(&path) && start_handover(&path) {
        let location = window().location();
        let shown = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
        let _ = if shown == path { location.reload() } else { location.assign(&path) };
        return ().into_any();
    }
    view! {
        <main class="page narrow" id="main">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have been mistyped, or the page has moved."</p>
            <a href="/tickets">"Go to your tickets"</a>
        </main>
    }
    .into_any()
}

/// Records a hand-over to `path`; false if one to the same path was just tried.
fn start_handover(path: &str) -> bool {
    let Ok(Some(storage)) = window().session_storage() else { return true };
    let now = js_sys::Date::now();
    let recent = storage.get_item(HANDOVER_KEY).ok().flatten().and_then(|v| {
        let (at, previous) = v.split_once(' ')?;
        (previous == path && now - at.parse::<f64>().ok()? < HANDOVER_MS).then_some(())
    });
    if recent.is_some() {
        let _ = storage.remove_item(HANDOVER_KEY);
        return false;
    }
    let _ = storage.set_item(HANDOVER_KEY, &format!("{now} {path}"));
    true
}

/// `/path?query` from the router's path and its query string (which has no `?`).
pub fn address(path: &str, query: &str) -> String {
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}
