//! Ticket-spike detection: arrivals per category and per category/subcategory compared
//! with a seasonal (hour-of-week) baseline over short sliding windows, significant windows
//! merged into one alert per ongoing spike.
//!
//! `history`, `stats`, `detector` and `alerts` are pure (no database, no clock); `eval`
//! replays judged arrivals through them for `helpdesk eval spikes`. In the product, `job`
//! runs `scan` every few minutes over the tickets table, `repo` is the only code touching
//! the alert tables, and `service`/`routes` are the API for incident leads.

pub mod alerts;
pub mod detector;
pub mod eval;
pub mod history;
pub mod job;
mod repo;
pub mod routes;
pub mod scan;
pub mod service;
pub mod stats;

pub use alerts::{AlertTracker, SpikeAlert};
pub use detector::{DetectorConfig, Signal, SpikeDetector};
pub use history::{ArrivalHistory, BaselineConfig, SpikeKey};

/// Registers `/incidents` routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/incidents")
            .service(routes::list)
            .service(routes::get)
            .service(routes::link)
            .service(routes::dismiss),
    );
}
