//! What a kind of job is: its handler, retry policy and concurrency limit, and the registry
//! the worker pool looks handlers up in.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::infra::bus::Bus;
use crate::infra::db::Writer;

/// How often a kind of job is tried, and how long to wait between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Runs before the job is parked as dead (at least 1).
    pub max_attempts: u32,
    /// The wait after the first failed run; it doubles after each further failure.
    pub base_delay: Duration,
    /// The longest wait, however many failures.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 2 s then 4 s apart (8 s, 16 s... with more attempts), at most an hour.
    fn default() -> Self {
        Self { max_attempts: 3, base_delay: Duration::from_secs(2), max_delay: Duration::from_secs(3600) }
    }
}

impl RetryPolicy {
    /// The wait before the next run after `attempt` (from 1) failed: base, 2 × base, 4 × base...
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.base_delay.saturating_mul(1u32 << doublings).min(self.max_delay)
    }
}

/// Why a run failed. A retryable failure is run again after the policy's delay until the
/// attempts are used up; a permanent one (an unreadable payload, say) is parked as dead at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    message: String,
    permanent: bool,
}

impl JobFailure {
    /// A failure worth another try.
    pub fn retry(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: false }
    }
    /// A failure no retry can mend.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: true }
    }
    /// What went wrong; kept as the job's `last_error`.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Whether retrying is pointless.
    pub fn is_permanent(&self) -> bool {
        self.permanent
    }
}

impl From<anyhow::Error> for JobFailure {
    fn from(e: anyhow::Error) -> Self {
        Self::retry(format!("{e:#}"))
    }
}

impl From<DbErr> for JobFailure {
    fn from(e: DbErr) -> Self {
        Self::retry(e.to_string())
    }
}

/// One run of one job, as its handler gets it.
pub struct JobContext {
    /// The job.
    pub id: Uuid,
    /// Its kind.
    pub kind: String,
    /// This run's number, from 1.
    pub attempt: u32,
    /// The worker pool running it (its lease owner), for logs.
    pub worker: String,
    /// Its input.
    pub payload: serde_json::Value,
    /// The database, for reads.
    pub db: DatabaseConnection,
    /// Where write transactions begin.
    pub writer: Writer,
    /// For announcing what the job changed, after its commit.
    pub bus: Bus,
    /// For enqueueing follow-up jobs (a recurring job enqueues its next run) and the clock.
    pub jobs: super::Jobs,
}

impl JobContext {
    /// The payload as `T`; a payload of the wrong shape fails permanently.
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, JobFailure> {
        serde_json::from_value(self.payload.clone())
            .map_err(|e| JobFailure::permanent(format!("unreadable payload for {}: {e}", self.kind)))
    }
}

/// A kind of job. Runs are at least once: a worker that dies mid-run, or a shutdown that
/// outlasts its grace, leaves the job to run again, so `run` must be idempotent (check
/// before changing, write its result and the check in one transaction).
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// The kind's name as stored in `jobs.kind`, e.g. `ticket.categorise`.
    fn kind(&self) -> &str;
    /// How often and how far apart it is tried.
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::default()
    }
    /// Jobs of this kind one instance runs at the same time.
    fn concurrency(&self) -> usize {
        4
    }
    /// Does the work.
    async fn run(&self, ctx: JobContext) -> Result<(), JobFailure>;
}

/// The handlers an instance knows, by kind. Jobs of kinds an instance does not know stay
/// queued for an instance that does (useful during a rolling upgrade).
#[derive(Clone, Default)]
pub struct JobRegistry {
    handlers: BTreeMap<String, Arc<dyn JobHandler>>,
}

impl JobRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `handler`, replacing any earlier one of the same kind.
    pub fn register(&mut self, handler: impl JobHandler) -> &mut Self {
        self.handlers.insert(handler.kind().to_string(), Arc::new(handler));
        self
    }

    /// The handler of `kind`.
    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.handlers.get(kind)
    }

    /// Every known kind, sorted.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }

    /// The handlers, by kind.
    pub fn handlers(&self) -> impl Iterator<Item = (&str, &Arc<dyn JobHandler>)> {
        self.handlers.iter().map(|(k, h)| (k.as_str(), h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_waits_two_then_four_then_eight_seconds() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts, 3);
        let waits: Vec<u64> = (1..=4).map(|a| p.delay_after(a).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16]);
        assert_eq!(p.delay_after(40), Duration::from_secs(3600));
    }
}
