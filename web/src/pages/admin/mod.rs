//! Administration pages: users, roles and permissions, teams and members, the audit log.
//! Each page checks its permission itself; the server checks again on every call.

mod audit;
mod frame;
mod roles;
mod team_detail;
mod teams;
mod url;
mod user_form;
mod users;

pub use audit::AuditLog;
pub use roles::Roles;
pub use teams::Teams;
pub use users::Users;
