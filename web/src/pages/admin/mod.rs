//! Administration pages: users, roles and permissions, teams and members, the audit log,
//! ticket categories, background jobs and the AI triage figures.
//! Each page checks its permission itself; the server checks again on every call.

mod ai;
mod audit;
mod categories;
mod category_fields;
mod frame;
mod jobs;
mod roles;
mod team_detail;
mod teams;
mod url;
mod user_form;
mod users;

pub use ai::AiTriage;
pub use audit::AuditLog;
pub use categories::Categories;
pub use jobs::Jobs;
pub use roles::Roles;
pub use teams::Teams;
pub use users::Users;
