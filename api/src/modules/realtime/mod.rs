//! Realtime: ticket events pushed over WebSockets (actix-ws), fanned out across instances
//! through the bus (Redis pub/sub when configured), with presence on tickets.
//!
//! Channel layout: one Redis channel per kind of event for the whole installation
//! (`{prefix}:bus:ticket`, `{prefix}:bus:presence`), not one per ticket or user. Every
//! instance subscribes to both once; its hub then filters per socket by subscription and
//! row-level visibility. With hundreds of sockets per instance and tickets changing a few
//! times a second, one subscription per instance costs Redis nothing, while per-ticket
//! channels would mean a SUBSCRIBE round trip on every page view and a visibility check that
//! still has to happen locally.

pub mod hub;
pub mod session;
pub mod visibility;

pub use hub::Hub;

/// Registers `GET /ws`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(session::ws);
}
