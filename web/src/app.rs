//! The root component: session, router and routes.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::{Shell, apply_saved_theme};
use crate::pages::admin::{AuditLog, Roles, Teams, Users};
use crate::pages::kb::{KbArticle, KbEditArticle, KbHistory, KbHome, KbNewArticle};
use crate::pages::tickets::{NewTicket, TicketDetail, TicketList};
use crate::pages::{Login, NotFound};
use crate::query;
use crate::session::provide_session;

/// The whole app: sign-in, the signed-in frame with its pages, and a 404 page.
#[component]
pub fn App() -> impl IntoView {
    apply_saved_theme();
    let session = provide_session();
    // An expired session that cannot be renewed signs the user out; the frame then sends them
    // to sign-in with the address they were on.
    api::on_session_expired(move || session.forget());
    query::refetch_on_focus();
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
                    <Route path=path!("kb/new") view=KbNewArticle />
                    <Route path=path!("kb/:id") view=KbArticle />
                    <Route path=path!("kb/:id/edit") view=KbEditArticle />
                    <Route path=path!("kb/:id/history") view=KbHistory />
                    <Route path=path!("admin/users") view=Users />
                    <Route path=path!("admin/roles") view=Roles />
                    <Route path=path!("admin/teams") view=Teams />
                    <Route path=path!("admin/audit") view=AuditLog />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
