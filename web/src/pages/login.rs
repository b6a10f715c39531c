use leptos::prelude::*;
use leptos_router::components::A;

/// The sign-in page; the form arrives with the web-app issue.
#[component]
pub fn Login() -> impl IntoView {
    view! {
        <h1>"Sign in"</h1>
        <p>"Sign-in from the browser is coming soon. Until then, use the API at "
            <a href="/api/docs/" rel="external">"/api/docs/"</a>"."</p>
        <A href="/">"Back to the start page"</A>
    }
}
