//! Administration pages: users, roles and permissions, teams and members, the audit log.

mod audit;
mod roles;
mod teams;
mod users;

pub use audit::AuditLog;
pub use roles::Roles;
pub use teams::Teams;
pub use users::Users;
