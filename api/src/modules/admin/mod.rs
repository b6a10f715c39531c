//! Administration: users, roles and permissions, teams, categories.

pub mod team_repo;

/// Registers `/admin` routes (and the read-only lookups agents need).
pub fn configure(_cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {}
