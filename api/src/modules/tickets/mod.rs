//! Tickets: lifecycle, comments, history, tags and links.

/// Registers `/tickets` routes.
pub fn configure(_cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {}
