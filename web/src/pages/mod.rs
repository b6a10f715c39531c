//! One file per page.

mod home;
mod login;
mod not_found;

pub use home::Home;
pub use login::Login;
pub use not_found::NotFound;
