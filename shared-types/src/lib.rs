//! Types shared by the `helpdesk` server and its WebAssembly client.
//!
//! Everything here is plain serde data and pure functions, so it builds for
//! `wasm32-unknown-unknown`. OpenAPI schemas are derived only with the
//! `openapi` feature, which the server enables and the client does not.

pub mod admin;
pub mod ai;
pub mod auth;
pub mod common;
pub mod incidents;
pub mod jobs;
pub mod kb;
pub mod notifications;
pub mod permissions;
pub mod realtime;
pub mod tickets;
pub mod time;
pub mod validation;
pub mod web;

pub use common::{ErrorBody, ListResponse, PageLinks, PageMeta};
pub use permissions::{Permission, RoleName};
pub use validation::FieldErrors;
