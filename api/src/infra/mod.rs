//! Backing services behind small types with an embedded default and a
//! scaled implementation, chosen at start-up from the settings.

pub mod bus;
pub mod clock;
pub mod db;
pub mod throttle;
