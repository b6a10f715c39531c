use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn TicketDetail() -> impl IntoView {
    view! { <h1>"TicketDetail"</h1> }
}
