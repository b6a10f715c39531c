//! Enqueueing: the [`Jobs`] handle every module reaches through the application state.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use uuid::Uuid;

use super::handler::JobRegistry;
use super::metrics::JobMetrics;
use super::store;
use crate::entities::job;
use crate::error::ApiError;
use crate::infra::bus::Bus;
use crate::infra::clock::Clock;

/// The bus topic that wakes every instance's workers.
pub const WAKE_TOPIC: &str = "jobs";

/// Choices for one job; the defaults run it now, once per live key (none), with the kind's
/// retry policy.
#[derive(Debug, Clone, Default)]
pub struct EnqueueOptions {
    /// Not before this instant.
    pub run_at: Option<DateTime<Utc>>,
    /// While a queued or running job has this key, enqueueing another with it returns that
    /// job instead (e.g. `ticket.categorise:<ticket id>`).
    pub dedupe_key: Option<String>,
    /// Overrides the kind's `max_attempts`.
    pub max_attempts: Option<u32>,
}

/// What [`Jobs::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job was written.
    New(Uuid),
    /// A live job with the same dedupe key exists; nothing was written.
    Existing(Uuid),
}

impl Enqueued {
    /// The job's id either way.
    pub fn id(self) -> Uuid {
        match self {
            Enqueued::New(id) | Enqueued::Existing(id) => id,
        }
    }
}

/// Why a job could not be enqueued. All of these are programming errors or a database fault,
/// so they answer 500.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// No handler of this kind is registered.
    #[error("no job handler for kind {0}")]
    UnknownKind(String),
    /// The payload could not be written as JSON.
    #[error("job payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// The database refused.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<JobError> for ApiError {
    fn from(e: JobError) -> Self {
        ApiError::internal(e)
    }
}

/// Enqueues jobs and wakes workers; cheap to clone.
#[derive(Clone)]
pub struct Jobs {
    registry: Arc<JobRegistry>,
    bus: Bus,
    clock: Arc<dyn Clock>,
    metrics: JobMetrics,
}

impl Jobs {
    /// A handle over `registry`.
    pub fn new(registry: JobRegistry, bus: Bus, clock: Arc<dyn Clock>, metrics: JobMetrics) -> Self {
        Self { registry: Arc::new(registry), bus, clock, metrics }
    }

    /// Writes a job of `kind` on `conn`, normally the transaction of the change that needs it:
    /// the job exists exactly when that change commits. Call [`Jobs::wake`] after the commit
    /// to start it at once rather than at the next poll.
    pub async fn enqueue(
        &self,
        conn: &impl ConnectionTrait,
        kind: &str,
        payload: &impl Serialize,
        opts: EnqueueOptions,
    ) -> Result<Enqueued, JobError> {
        let handler = self.registry.get(kind).ok_or_else(|| JobError::UnknownKind(kind.to_string()))?;
        let max_attempts = opts.max_attempts.unwrap_or(handler.retry_policy().max_attempts).max(1);
        let now = self.clock.now().trunc_subsecs(6);
        let model = job::Model {
            id: Uuid::now_v7(),
            kind: kind.to_string(),
            payload: serde_json::to_string(payload)?,
            state: "queued".into(),
            attempts: 0,
            max_attempts: i32::try_from(max_attempts).unwrap_or(i32::MAX),
            run_at: opts.run_at.map(|t| t.trunc_subsecs(6)).unwrap_or(now),
            lease_owner: None,
            lease_expires_at: None,
            last_error: None,
            dedupe_key: opts.dedupe_key,
            created_at: now,
            updated_at: now,
            finished_at: None,
        };
        Ok(match store::insert(conn, model).await? {
            Ok(id) => Enqueued::New(id),
            Err(existing) => Enqueued::Existing(existing),
        })
    }

    /// Tells every instance's workers to look for due jobs now.
    pub async fn wake(&self) {
        if let Err(e) = self.bus.publish(WAKE_TOPIC, "").await {
            tracing::warn!(error = %e, "could not wake the workers of other instances");
        }
    }

    /// The handlers this instance knows.
    pub fn registry(&self) -> &JobRegistry {
        &self.registry
    }

    /// The job metrics.
    pub fn metrics(&self) -> &JobMetrics {
        &self.metrics
    }

    /// The clock jobs are timed by.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The bus.
    pub fn bus(&self) -> &Bus {
        &self.bus
    }
}

/// `now + d`, saturating.
pub fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    let d = chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX);
    now.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
