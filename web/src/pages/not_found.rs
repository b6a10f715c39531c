use leptos::prelude::*;

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="page narrow" id="main">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have been mistyped, or the page has moved."</p>
            <a href="/tickets">"Go to your tickets"</a>
        </main>
    }
}
