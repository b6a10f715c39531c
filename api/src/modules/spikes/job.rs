//! The scheduled detection job. Each run scans, then enqueues the next run one interval
//! later. Runs are keyed by their slot (`incidents.spike_scan:<unix seconds>`), so the
//! chain converges to one: an instance starting up enqueues the next slot, which the
//! running chain enqueues too, and the dedupe key keeps one of them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::scan::{self, ScanConfig};
use crate::modules::jobs::{EnqueueOptions, Enqueued, JobContext, JobError, JobFailure, JobHandler, Jobs};

/// The job kind.
pub const KIND: &str = "incidents.spike_scan";

/// What a run is told: the moment it stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanPayload {
    pub slot: DateTime<Utc>,
}

/// Runs [`scan::run`] every `interval`.
pub struct SpikeScanJob {
    config: ScanConfig,
    interval: Duration,
}

impl SpikeScanJob {
    pub fn new(config: ScanConfig, interval: Duration) -> Self {
        Self { config, interval }
    }

    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        Self::new(ScanConfig::from_settings(settings), Duration::from_secs(settings.spikes_interval_minutes * 60))
    }
}

/// The first slot boundary after `now`.
pub fn next_slot(now: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    let step = i64::try_from(interval.as_secs()).unwrap_or(i64::MAX).max(1);
    let next = (now.timestamp().div_euclid(step) + 1).saturating_mul(step);
    DateTime::from_timestamp(next, 0).unwrap_or(now)
}

/// Enqueues the run of the next slot after now, unless it is queued already.
pub async fn schedule_next(conn: &impl ConnectionTrait, jobs: &Jobs, interval: Duration) -> Result<Enqueued, JobError> {
    let slot = next_slot(jobs.clock().now(), interval);
    let opts = EnqueueOptions {
        run_at: Some(slot),
        dedupe_key: Some(format!("{KIND}:{}", slot.timestamp())),
        ..EnqueueOptions::default()
    };
    jobs.enqueue(conn, KIND, &ScanPayload { slot }, opts).await
}

#[async_trait::async_trait]
impl JobHandler for SpikeScanJob {
    fn kind(&self) -> &str {
        KIND
    }

    fn concurrency(&self) -> usize {
        1
    }

    async fn run(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let payload: ScanPayload = ctx.payload()?;
        // The next run is queued first, so a failing scan does not end the chain.
        let txn = ctx.writer.begin().await?;
        schedule_next(&txn, &ctx.jobs, self.interval).await.map_err(|e| JobFailure::retry(e.to_string()))?;
        txn.commit().await?;
        // A run that waited in the queue judges the present, not its slot.
        let now = ctx.jobs.clock().now();
        let report = scan::run(&ctx.db, &ctx.writer, &ctx.bus, &self.config, now).await?;
        tracing::debug!(slot = %payload.slot, raised = report.raised.len(), "spike scan done");
        Ok(())
    }
}
