use leptos::prelude::*;
use leptos_router::components::A;

/// The landing page.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <h1>"Helpdesk"</h1>
        <p>"Raise and track IT tickets, and find answers in the knowledge base."</p>
        <nav class="links">
            <A href="/login">"Sign in"</A>
            // `rel="external"` makes the router leave this link to the browser: the API docs
            // are served by the server, not by this app.
            <a href="/api/docs/" rel="external">"API documentation"</a>
        </nav>
    }
}
