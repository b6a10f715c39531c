//! Tickets: lifecycle, comments, history and tags.
//!
//! [`TicketService`] holds the rules and is what other modules call;
//! `routes` maps HTTP onto it; `repo` is the only code that touches the
//! ticket tables, and it adds the caller's row-level visibility to every
//! read. Changes publish `ticket.*` events on the bus topic
//! [`events::EVENT_TOPIC`] after they commit ([`events::TicketEvent`]).

mod actions;
pub mod ai_triage;
pub mod dto;
pub mod events;
pub mod filter;
pub mod incidents;
pub mod lifecycle;
pub mod numbering;
pub mod repo;
pub mod routes;
pub mod search;
pub mod service;
pub mod similar;
mod team_scope;
mod update;

pub use service::{IfMatch, TicketPage, TicketService};

/// Registers `/tickets` routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/tickets")
            .service(routes::list)
            .service(routes::create)
            .service(routes::get)
            .service(routes::history)
            .service(routes::update)
            .service(routes::remove)
            .service(routes::comment)
            .service(routes::assign)
            .service(routes::close)
            .service(similar::routes::similar)
            .service(crate::modules::ai::routes::accept)
            .service(crate::modules::ai::routes::reject),
    );
}
