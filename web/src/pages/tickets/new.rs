use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn NewTicket() -> impl IntoView {
    view! { <h1>"NewTicket"</h1> }
}
