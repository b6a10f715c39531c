//! The signed-in frame: header with the user menu, a sidebar on desktop and a bottom bar on
//! phones, an offline banner, and the page in the middle.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use shared_types::Permission;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::icon::{Icon, IconName};
use super::states::Loading;
use super::theme::ThemeSelect;
use crate::api::{encode, served_from_cache};
use crate::realtime::{self, LinkState, use_realtime};
use crate::session::{Session, SessionState, use_session};

/// Open statuses, for the quick views.
pub const ACTIVE: &str = "new,open,in_progress,pending_user";

/// One navigation entry.
#[derive(Clone)]
struct NavItem {
    href: String,
    label: &'static str,
    icon: IconName,
    /// Shown in the phone's bottom bar too.
    primary: bool,
}

fn nav_items(session: Session) -> Vec<NavItem> {
    let can = |p| session.can(p);
    let item = |href: String, label, icon, primary| NavItem { href, label, icon, primary };
    let mut items = vec![item("/tickets".into(), "All tickets", IconName::List, true)];
    if can(Permission::TicketCreate) {
        items.push(item(format!("/tickets?createdBy=me&status={ACTIVE}"), "My open tickets", IconName::Star, true));
        items.push(item("/tickets/new".into(), "New ticket", IconName::Plus, true));
    }
    // Everyone may read the knowledge base; it is the first place to look before raising a ticket.
    items.push(item("/kb".into(), "Knowledge base", IconName::Book, true));
    if can(Permission::TicketUpdate) {
        items.push(item(format!("/tickets?assigneeId=me&status={ACTIVE}"), "Assigned to me", IconName::Check, false));
    }
    if can(Permission::TicketViewTeam) || can(Permission::TicketViewAll) {
        items.push(item(
            format!("/tickets?assigneeId=none&status={ACTIVE}"),
            "Unassigned",
            IconName::Unassigned,
            false,
        ));
    }
    let team = session.me.with(|m| m.as_ref().and_then(|m| m.teams.first().map(|t| t.id)));
    if let Some(team) = team.filter(|_| can(Permission::TicketViewTeam)) {
        items.push(item(format!("/tickets?teamId={team}&status={ACTIVE}"), "My team", IconName::Flag, false));
    }
    if can(Permission::IncidentManage) {
        items.push(item("/incidents".into(), "Incidents", IconName::Alert, false));
    }
    let admin = [
        (Permission::AdminUsers, "/admin/users", "Users", IconName::User),
        (Permission::AdminRoles, "/admin/roles", "Roles", IconName::Key),
        (Permission::AdminTeams, "/admin/teams", "Teams", IconName::Users),
        (Permission::AuditView, "/admin/audit", "Audit log", IconName::Log),
        (Permission::AdminCategories, "/admin/categories", "Categories", IconName::Tag),
        (Permission::AdminJobs, "/admin/jobs", "Background jobs", IconName::Clock),
        (Permission::AiMetrics, "/admin/ai", "AI triage", IconName::Spark),
    ];
    let mut first_admin = true;
    for (perm, href, label, icon) in admin {
        if can(perm) {
            items.push(item(href.into(), label, icon, first_admin));
            first_admin = false;
        }
    }
    items
}

fn online_signal() -> RwSignal<bool> {
    let online = RwSignal::new(web_sys::window().is_none_or(|w| w.navigator().on_line()));
    if let Some(window) = web_sys::window() {
        for (event, value) in [("online", true), ("offline", false)] {
            let handler = Closure::<dyn Fn()>::new(move || online.set(value));
            let _ = window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
            handler.forget();
        }
    }
    online
}

/// The frame around every signed-in page. Sends signed-out visitors to `/login`, keeping the
/// address they asked for.
#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.state.get() == SessionState::SignedOut {
            let here = crate::pages::address(&location.pathname.get_untracked(), &location.search.get_untracked());
            let target = format!("/login?next={}", encode(&here));
            navigate(&target, NavigateOptions { replace: true, ..NavigateOptions::default() });
        }
    });
    // Live updates while signed in and online; a sign-out closes the socket.
    Effect::new(move |_| match session.state.get() {
        SessionState::SignedIn => realtime::start(),
        _ => realtime::stop(),
    });
    let online = online_signal();
    let from_cache = served_from_cache();
    let from_cache = Signal::derive(move || from_cache.get());
    let offline = move || !online.get() || session.state.get() == SessionState::Offline || from_cache.get();
    let ready = move || matches!(session.state.get(), SessionState::SignedIn | SessionState::Offline);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Show when=ready fallback=|| view! { <main class="page"><Loading what="your session" /></main> }>
            <Header />
            <Show when=offline>
                <div class="offline-banner" role="status">
                    "You are offline. Showing the copy saved on this device; changes are not possible until you reconnect."
                </div>
            </Show>
            <div class="frame">
                <Sidebar />
                <main id="main" class="content" tabindex="-1">
                    <Outlet />
                </main>
            </div>
            <BottomNav />
            <Toasts />
        </Show>
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let name = move || session.me.with(|m| m.as_ref().map(|m| m.user.name.clone()).unwrap_or_default());
    let detail = move || {
        session
            .me
            .with(|m| m.as_ref().map(|m| format!("{} · {}", m.user.email, m.roles.join(", "))).unwrap_or_default())
    };
    let sign_out = move |_| {
        session.sign_out();
        navigate("/login", NavigateOptions::default());
    };
    view! {
        <header class="app-header">
            <a href="/tickets" class="brand">"Helpdesk"</a>
            <LiveDot />
            <details class="user-menu">
                <summary aria-label="User menu">
                    <span class="avatar" aria-hidden="true">{move || name().chars().next().unwrap_or('?').to_string()}</span>
                    <span class="user-name">{name}</span>
                </summary>
                <div class="user-menu-panel">
                    <p class="user-detail">{detail}</p>
                    <ThemeSelect />
                    <button class="btn" on:click=sign_out>"Sign out"</button>
                </div>
            </details>
        </header>
    }
}

fn is_current(href: &str, path: &str, search: &str) -> bool {
    match href.split_once('?') {
        Some((p, q)) => p == path && search.trim_start_matches('?') == q,
        None if href == "/kb" => path == "/kb" || path.starts_with("/kb/"),
        None => href == path && (search.is_empty() || href != "/tickets"),
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    view! {
        <nav class="sidebar" aria-label="Main">
            <ul>
                {move || {
                    let path = location.pathname.get();
                    let search = location.search.get();
                    nav_items(session)
                        .into_iter()
                        .map(|i| {
                            let current = is_current(&i.href, &path, &search).then_some("page");
                            view! {
                                <li>
                                    <a href=i.href aria-current=current>
                                        <Icon name=i.icon />
                                        {i.label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </nav>
    }
}

#[component]
fn BottomNav() -> impl IntoView {
    let session = use_session();
    view! {
        <nav class="bottom-nav" aria-label="Main (phone)">
            {move || {
                nav_items(session)
                    .into_iter()
                    .filter(|i| i.primary)
                    .take(5)
                    .map(|i| {
                        view! {
                            <a href=i.href>
                                <Icon name=i.icon />
                                <span>{i.label}</span>
                            </a>
                        }
                    })
                    .collect_view()
            }}
        </nav>
    }
}

/// Whether live updates are flowing; reconnecting is said in words for screen readers too.
#[component]
fn LiveDot() -> impl IntoView {
    let live = use_realtime().state;
    let label = move || match live.get() {
        LinkState::Live => "Live updates on",
        LinkState::Connecting => "Reconnecting live updates…",
        LinkState::Off => "Live updates off",
    };
    let state = move || match live.get() {
        LinkState::Live => "live",
        LinkState::Connecting => "connecting",
        LinkState::Off => "off",
    };
    view! {
        <span class="live-dot" data-state=state title=label>
            <span class="visually-hidden">{label}</span>
        </span>
    }
}

/// Notifications for this user (a ticket assigned to them), each with a link to the ticket.
#[component]
fn Toasts() -> impl IntoView {
    let toasts = use_realtime().toasts;
    view! {
        <div class="toasts" role="status" aria-live="polite">
            {move || {
                toasts
                    .get()
                    .into_iter()
                    .map(|toast| {
                        let id = toast.id;
                        view! {
                            <div class="toast">
                                <a href=format!("/tickets/{}", toast.ticket_id)>{toast.message}</a>
                                <button class="toast-close" aria-label="Dismiss" on:click=move |_| realtime::dismiss(id)>
                                    "×"
                                </button>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
