use leptos::prelude::*;
use leptos_router::components::A;

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address."</p>
        <A href="/">"Back to the start page"</A>
    }
}
