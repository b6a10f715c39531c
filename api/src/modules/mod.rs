//! One module per capability. A module exposes a service and its routes;
//! other modules call that service, never its tables.

pub mod admin;
pub mod ai;
pub mod audit;
pub mod auth;
pub mod health;
pub mod jobs;
pub mod kb;
pub mod notifications;
pub mod realtime;
pub mod search;
pub mod spikes;
pub mod tickets;
