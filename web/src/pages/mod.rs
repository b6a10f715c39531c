//! One file per page.

pub mod admin;
pub mod kb;
mod login;
mod not_found;
pub mod tickets;

pub use login::Login;
pub use not_found::NotFound;
