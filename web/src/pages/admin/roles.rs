use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn Roles() -> impl IntoView {
    view! { <h1>"Roles"</h1> }
}
