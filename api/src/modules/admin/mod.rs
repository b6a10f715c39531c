//! Administration: users, roles and permissions, teams, categories.

pub mod team_repo;

/// Registers `/admin` routes (and the read-only lookups agents need).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/admin").service(crate::modules::audit::routes::list));
}
