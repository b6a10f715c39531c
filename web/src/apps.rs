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
//! [`build_for`] (in `shared-types`) decides which build owns an address; the server calls it
//! too, to pick the `index.html` it serves (`api/src/spa.rs`). The service worker knows the
//! same rule as a regular expression (`web/public/sw.js`).

use std::sync::atomic::{AtomicU8, Ordering};

pub use shared_types::web::{WebBuild as Build, build_for};

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Called by a build's root before anything renders.
pub fn mark(build: Build) {
    let code = match build {
        Build::Workspace => 0,
        Build::Console => 1,
        Build::Authoring => 2,
    };
    CURRENT.store(code, Ordering::Relaxed);
}

fn current() -> Build {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Build::Console,
        2 => Build::Authoring,
        _ => Build::Workspace,
    }
}

/// Whether `path` is a page of another build, so this one must hand over with a page load.
pub fn belongs_elsewhere(path: &str) -> bool {
    build_for(path) != current()
}
