//! Ticket-spike detection: arrivals per category and per category/subcategory compared
//! with a seasonal (hour-of-week) baseline over short sliding windows, significant windows
//! merged into one alert per ongoing spike.
//!
//! `history`, `stats`, `detector` and `alerts` are pure (no database, no clock); `eval`
//! replays judged arrivals through them for `helpdesk eval spikes`.

pub mod alerts;
pub mod detector;
pub mod eval;
pub mod history;
pub mod stats;

pub use alerts::{AlertTracker, SpikeAlert};
pub use detector::{DetectorConfig, Signal, SpikeDetector};
pub use history::{ArrivalHistory, BaselineConfig, SpikeKey};
