//! The web app is two WebAssembly builds of this crate (`web/index.html`, `web/console.html`):
//!
//! - the **workspace** (binary `helpdesk-web`): sign-in, tickets and reading the knowledge
//!   base, what every employee and agent opens, on phones too;
//! - the **console** (binary `helpdesk-console`): administration, knowledge-base authoring
//!   (editor and version history) and team leads' incident alerts, which few people open.
//!
//! Each build is a separate WASM under its own size budget, so pages used by few people do
//! not slow everybody's first load (Trunk 0.21 cannot split one WASM into lazily loaded
//! parts). Moving between the two is a page load: the access token is renewed from the
//! refresh cookie, as on any reload.
//!
//! [`is_console_path`] decides which build owns an address. The server applies the same rule
//! to pick the `index.html` it serves (`api/src/spa.rs`), and so does the service worker
//! (`web/public/sw.js`); their tests use the same examples as the ones below.

use std::sync::atomic::{AtomicBool, Ordering};

static CONSOLE: AtomicBool = AtomicBool::new(false);

/// Called by the console's root before anything renders.
pub fn mark_console() {
    CONSOLE.store(true, Ordering::Relaxed);
}

/// Whether the page at `path` (an address path, possibly with a query) belongs to the
/// console: everything under `/admin` and `/incidents`, and `/kb/new`, `/kb/{id}/edit`,
/// `/kb/{id}/history`.
pub fn is_console_path(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if under("/admin") || under("/incidents") {
        return true;
    }
    match path.strip_prefix("/kb/").map(|rest| rest.split('/').collect::<Vec<_>>()).as_deref() {
        Some(["new"]) => true,
        Some([id, "edit" | "history"]) => !id.is_empty(),
        _ => false,
    }
}

/// Whether `path` is a page of the other build, so this one must hand over with a page load.
pub fn belongs_elsewhere(path: &str) -> bool {
    is_console_path(path) != CONSOLE.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_owns_administration_and_authoring() {
        for path in [
            "/admin",
            "/admin/users",
            "/admin/teams?page=2",
            "/incidents",
            "/incidents?status=open",
            "/kb/new",
            "/kb/abc/edit",
            "/kb/abc/history",
        ] {
            assert!(is_console_path(path), "{path}");
        }
    }

    #[test]
    fn the_workspace_owns_everything_else() {
        for path in [
            "/",
            "/login",
            "/tickets",
            "/tickets/new",
            "/kb",
            "/kb/abc",
            "/kb?q=vpn",
            "/administrator",
            "/incidentsx",
            "/kb//edit",
            "/kb/a/b/edit",
        ] {
            assert!(!is_console_path(path), "{path}");
        }
    }
}
