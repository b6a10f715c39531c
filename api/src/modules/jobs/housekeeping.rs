//! What the worker pool does every `jobs_maintenance_interval_secs`: requeue the jobs of
//! workers that vanished, refresh the queue gauges, raise or clear the backlog alert, and
//! delete old succeeded jobs. Every instance with workers does it; each step is idempotent,
//! and the alert's dedupe key makes sure it is raised once however many instances look.

use serde_json::json;
use shared_types::Permission;
use shared_types::jobs::JobState;
use shared_types::notifications::KIND_JOBS_BACKLOG;

use super::store;
use super::worker::{WorkerConfig, WorkerDeps};
use crate::modules::notifications::{self, service::NewNotification};

/// The dedupe key of the backlog alert while it is raised.
const BACKLOG_KEY: &str = "jobs.backlog";

/// One housekeeping round; failures are logged and retried next round.
pub async fn round(deps: &WorkerDeps, config: &WorkerConfig) {
    let now = deps.jobs.clock().now();
    match store::reclaim_expired(&deps.writer, now).await {
        Ok((0, 0)) => {}
        Ok((requeued, dead)) => tracing::warn!(requeued, dead, "reclaimed jobs whose worker stopped responding"),
        Err(e) => tracing::warn!(error = %e, "could not reclaim expired job leases"),
    }
    match store::counts(&deps.db).await {
        Ok(counts) => {
            deps.jobs.metrics().set_counts(deps.jobs.registry().kinds(), &counts);
            let queued = counts.iter().filter(|(_, s, _)| *s == JobState::Queued).map(|(_, _, n)| n).sum();
            if let Err(e) = check_backlog(deps, config, queued).await {
                tracing::warn!(error = %e, "could not check the job backlog");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not count jobs"),
    }
    let keep = chrono::TimeDelta::from_std(config.retention).unwrap_or(chrono::TimeDelta::days(36_500));
    let before = now.checked_sub_signed(keep).unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    match store::purge_succeeded(&deps.writer, before).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(deleted = n, "deleted old succeeded jobs"),
        Err(e) => tracing::warn!(error = %e, "could not delete old succeeded jobs"),
    }
}

/// Raises the alert when `queued` passes the threshold (once: the key stays held while it
/// is high), and frees the key once the queue is down to half the threshold, so a queue that
/// hovers around the threshold does not raise it again and again.
async fn check_backlog(deps: &WorkerDeps, config: &WorkerConfig, queued: u64) -> anyhow::Result<()> {
    let threshold = config.backlog_threshold;
    if queued > threshold {
        let txn = deps.writer.begin().await?;
        let note = NewNotification {
            user_id: None,
            permission: Some(Permission::AdminJobs),
            kind: KIND_JOBS_BACKLOG,
            message: format!("{queued} background jobs are waiting (alert threshold {threshold})"),
            data: Some(json!({"queued": queued, "threshold": threshold})),
            dedupe_key: Some(BACKLOG_KEY.to_string()),
        };
        let created = notifications::service::create(&txn, note, deps.jobs.clock().now()).await?;
        txn.commit().await?;
        if let Some(n) = created {
            tracing::warn!(queued, threshold, "job backlog over its threshold; admins notified");
            notifications::announce(deps.jobs.bus(), &n).await;
        }
    } else if queued <= threshold / 2 {
        let txn = deps.writer.begin().await?;
        notifications::service::clear_dedupe_key(&txn, BACKLOG_KEY).await?;
        txn.commit().await?;
    }
    Ok(())
}
