//! The root components of the three builds (see [`crate::apps`]): session, router and routes.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::{Shell, apply_saved_theme};
use crate::pages::admin::{AiTriage, AuditLog, Categories, Jobs, Roles, Teams, Users};
use crate::pages::kb::{KbArticle, KbEditArticle, KbHistory, KbHome, KbNewArticle};
use crate::pages::tickets::{NewTicket, TicketDetail, TicketList};
use crate::pages::{Incidents, Login, NotFound};
use crate::query;
use crate::session::provide_session;

/// What both builds set up before their routes.
fn start() {
    apply_saved_theme();
    let session = provide_session();
    // An expired session that cannot be renewed signs the user out; the frame then sends them
    // to sign-in with the address they were on.
    api::on_session_expired(move || session.forget());
    query::refetch_on_focus();
}

/// The workspace: sign-in, tickets and reading the knowledge base.
#[component]
pub fn Workspace() -> impl IntoView {
    start();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/tickets" /> } />
                    <Route path=path!("tickets") view=TicketList />
                    <Route path=path!("tickets/new") view=NewTicket />
                    <Route path=path!("tickets/:id") view=TicketDetail />
                    <Route path=path!("kb") view=KbHome />
                    // `/kb/new` is the authoring build's; without this `kb/:id` would take it.
                    <Route path=path!("kb/new") view=NotFound />
                    <Route path=path!("kb/:id") view=KbArticle />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The console: administration and incident alerts. Signing in happens in the workspace (the
/// frame sends signed-out visitors to `/login`, which the hand-over loads).
#[component]
pub fn Console() -> impl IntoView {
    crate::apps::mark(crate::apps::Build::Console);
    start();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("admin") view=|| view! { <Redirect path="/admin/users" /> } />
                    <Route path=path!("admin/users") view=Users />
                    <Route path=path!("admin/roles") view=Roles />
                    <Route path=path!("admin/teams") view=Teams />
                    <Route path=path!("admin/audit") view=AuditLog />
                    <Route path=path!("admin/categories") view=Categories />
                    <Route path=path!("admin/jobs") view=Jobs />
                    <Route path=path!("admin/ai") view=AiTriage />
                    <Route path=path!("incidents") view=Incidents />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Knowledge-base authoring: the editor and version history.
#[component]
pub fn Authoring() -> impl IntoView {
    crate::apps::mark(crate::apps::Build::Authoring);
    start();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("kb/new") view=KbNewArticle />
                    <Route path=path!("kb/:id/edit") view=KbEditArticle />
                    <Route path=path!("kb/:id/history") view=KbHistory />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
