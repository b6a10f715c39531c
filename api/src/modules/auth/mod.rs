//! Authentication and authorisation: accounts, sessions, tokens, roles and
//! the permission cache.

pub mod access;
pub mod extractor;
pub mod password;
pub mod routes;
pub mod service;
pub mod sso;
pub mod sso_routes;
pub mod tokens;
pub mod users;

pub use access::{Access, Invalidation, TicketScope};
pub use extractor::AuthUser;

/// Registers `/auth` routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/auth")
            .service(routes::login)
            .service(routes::refresh)
            .service(routes::logout)
            .service(routes::me)
            .service(sso_routes::providers)
            .service(sso_routes::sso_start)
            .service(sso_routes::sso_callback),
    );
}
