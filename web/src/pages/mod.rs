//! One file per page.

pub mod admin;
mod incidents;
pub mod kb;
mod login;
mod not_found;
pub mod tickets;

pub use incidents::Incidents;
pub use login::Login;
pub use not_found::{NotFound, address};
