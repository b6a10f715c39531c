use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn TicketList() -> impl IntoView {
    view! { <h1>"TicketList"</h1> }
}
