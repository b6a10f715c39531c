//! The web app is three WebAssembly builds of this crate, one per group of pages:
//!
//! | build | binary | page | pages |
//! |---|---|---|---|
//! | workspace | `helpdesk-web` | `web/index.html` | sign-in, tickets, reading the knowledge base: what every employee and agent opens, on phones too |
//! | console | `helpdesk-console` | `web/console.html` | administration (`/admin/...`) and team leads' incident alerts (`/incidents`) |
//! | authoring | `helpdesk-authoring` | `web/authoring.html` | the knowledge-base editor and version history (`/kb/new`, `/kb/{id}/edit`, `/kb/{id}/history`) |
//!
//! Each build is a separate WASM under its own size budget, so pages few people use do not
//! slow everybody's first load (Trunk 0.21 cannot split one WASM into lazily loaded parts).
//! Moving between builds is a page load: the access token is renewed from the refresh cookie,
//! as on any reload.
//!
//! [`build_for`] decides which build owns an address. The server applies the same rule to
//! pick the `index.html` it serves (`api/src/spa.rs`), and the service worker knows which
//! addresses are not the workspace's (`web/public/sw.js`); their tests use the same examples
//! as the ones below.

use std::sync::atomic::{AtomicU8, Ordering};

/// One of the builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Build {
    Workspace = 0,
    Console = 1,
    Authoring = 2,
}

static CURRENT: AtomicU8 = AtomicU8::new(Build::Workspace as u8);

/// Called by a build's root before anything renders.
pub fn mark(build: Build) {
    CURRENT.store(build as u8, Ordering::Relaxed);
}

fn current() -> Build {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Build::Console,
        2 => Build::Authoring,
        _ => Build::Workspace,
    }
}

/// The build that owns the page at `path` (an address path, possibly with a query).
pub fn build_for(path: &str) -> Build {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if under("/admin") || under("/incidents") {
        return Build::Console;
    }
    match path.strip_prefix("/kb/").map(|rest| rest.split('/').collect::<Vec<_>>()).as_deref() {
        Some(["new"]) => Build::Authoring,
        Some([id, "edit" | "history"]) if !id.is_empty() => Build::Authoring,
        _ => Build::Workspace,
    }
}

/// Whether `path` is a page of another build, so this one must hand over with a page load.
pub fn belongs_elsewhere(path: &str) -> bool {
    build_for(path) != current()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_one_build() {
        let cases = [
            (
                Build::Console,
                &["/admin", "/admin/users", "/admin/teams?page=2", "/incidents", "/incidents?status=open"][..],
            ),
            (Build::Authoring, &["/kb/new", "/kb/abc/edit", "/kb/abc/history"][..]),
            (
                Build::Workspace,
                &[
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
                ][..],
            ),
        ];
        for (build, paths) in cases {
            for path in paths {
                assert_eq!(build_for(path), build, "{path}");
            }
        }
    }
}
