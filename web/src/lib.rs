//! The helpdesk single-page app, rendered in the browser (Leptos CSR).
//!
//! Trunk builds it to WebAssembly twice, as the workspace (`src/main.rs`, `web/index.html`)
//! and as the console (`src/bin/helpdesk-console.rs`, `web/console.html`); see [`apps`]. The
//! API server serves both and picks the `index.html` for a client-side route.

pub mod api;
pub mod app;
pub mod apps;
pub mod components;
pub mod pages;
pub mod query;
pub mod realtime;
pub mod session;
