//! The helpdesk single-page app, rendered in the browser (Leptos CSR).
//!
//! Trunk builds this crate to WebAssembly and bundles it with `web/index.html`; the API server
//! serves the result and falls back to `index.html` for client-side routes.

mod api;
mod app;
mod components;
mod pages;
mod query;
mod realtime;
mod session;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
