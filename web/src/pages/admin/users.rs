use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn Users() -> impl IntoView {
    view! { <h1>"Users"</h1> }
}
