use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn Teams() -> impl IntoView {
    view! { <h1>"Teams"</h1> }
}
