//! Durable background jobs.
//!
//! A job is a row of `jobs`, written with [`Jobs::enqueue`] on the caller's connection,
//! normally the transaction of the change that needs it, so a committed change never loses
//! its job. A [`WorkerPool`] per instance claims due jobs with leases (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL, so many instances share the queue), runs them through the
//! [`JobHandler`] registered for their kind, retries failures with exponential backoff and
//! parks jobs out of attempts as `dead` with their last error. Runs are at least once:
//! handlers must be idempotent.
//!
//! Adding a kind: implement [`JobHandler`] and register it in [`builtin`]; enqueue with
//! `state.jobs.enqueue(&txn, "kind", &payload, EnqueueOptions::default())`, then after the
//! commit `state.jobs.wake().await` to start it at once.
//!
//! `store` is the only code touching the `jobs` table; `routes`/`service` are the admin API,
//! registered under `/admin` by the admin module.

pub mod handler;
pub mod housekeeping;
pub mod metrics;
pub mod queue;
pub mod routes;
pub mod service;
mod store;
pub mod worker;

pub use handler::{JobContext, JobFailure, JobHandler, JobRegistry, RetryPolicy};
pub use metrics::JobMetrics;
pub use queue::{EnqueueOptions, Enqueued, JobError, Jobs};
pub use worker::{WorkerConfig, WorkerDeps, WorkerPool};

/// The job kinds the server itself runs. Empty until the first kind (AI triage) arrives;
/// tests add their own through `Application::build_with_jobs`.
pub fn builtin() -> JobRegistry {
    JobRegistry::new()
}
