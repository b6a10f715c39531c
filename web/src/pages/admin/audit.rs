use leptos::prelude::*;

/// Placeholder until the page is written.
#[component]
pub fn AuditLog() -> impl IntoView {
    view! { <h1>"AuditLog"</h1> }
}
