//! The root component: the router and its routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{Home, Login, NotFound};

/// The whole app: one route per page, and a 404 page for any other path.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=Login />
                </Routes>
            </main>
        </Router>
    }
}
