//! The helpdesk server as a library: `main.rs` only parses the command line
//! and calls [`cli::run`]; tests build an [`startup::Application`] directly.

pub mod bootstrap;
pub mod cli;
pub mod entities;
pub mod error;
pub mod extract;
pub mod infra;
pub mod metrics;
pub mod modules;
pub mod openapi;
pub mod paging;
pub mod seed;
pub mod settings;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
