//! The worker pool: claims due jobs with leases, runs them within each kind's concurrency
//! limit, renews the leases of long runs, records the outcome with backoff, and on shutdown
//! stops claiming, lets running jobs finish for a bounded time and returns the rest.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, Semaphore, broadcast, watch};
use tokio::task::JoinSet;

use super::handler::{JobContext, JobFailure, JobHandler};
use super::queue::{Jobs, WAKE_TOPIC, after};
use super::{housekeeping, store};
use crate::entities::job;
use crate::infra::bus::BusMessage;
use crate::infra::db::Writer;
use crate::settings::Settings;

/// How the pool behaves; from the `jobs_*` settings.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Between looks for due jobs when nothing wakes the pool.
    pub poll_interval: Duration,
    /// How long a claim lasts unless renewed.
    pub lease: Duration,
    /// How long a shutdown waits for running jobs.
    pub shutdown_grace: Duration,
    /// Between housekeeping rounds.
    pub maintenance_interval: Duration,
    /// How long succeeded jobs are kept.
    pub retention: Duration,
    /// Queued jobs over which admins are notified.
    pub backlog_threshold: u64,
}

impl WorkerConfig {
    /// The configuration `settings` ask for.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            poll_interval: Duration::from_millis(settings.jobs_poll_interval_ms),
            lease: Duration::from_secs(settings.jobs_lease_secs),
            shutdown_grace: Duration::from_secs(settings.jobs_shutdown_grace_secs),
            maintenance_interval: Duration::from_secs(settings.jobs_maintenance_interval_secs),
            retention: Duration::from_secs(settings.jobs_retention_days.saturating_mul(86_400)),
            backlog_threshold: settings.jobs_backlog_threshold,
        }
    }
}

/// What the pool works with.
#[derive(Clone)]
pub struct WorkerDeps {
    /// The database, for reads.
    pub db: DatabaseConnection,
    /// Where write transactions begin.
    pub writer: Writer,
    /// The handlers, clock, bus and metrics.
    pub jobs: Jobs,
}

/// A running pool; [`WorkerPool::shutdown`] stops it.
pub struct WorkerPool {
    owner: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<u64>,
}

impl WorkerPool {
    /// Starts claiming and running jobs, and housekeeping.
    pub fn start(deps: WorkerDeps, config: WorkerConfig) -> WorkerPool {
        let owner = format!("{}-{}", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let (stop, stopped) = watch::channel(false);
        let limits = deps
            .jobs
            .registry()
            .handlers()
            .map(|(kind, h)| (kind.to_string(), Arc::new(Semaphore::new(h.concurrency().max(1)))))
            .collect();
        let pool = Pool { deps, config, owner: owner.clone(), limits, done: Arc::new(Notify::new()) };
        let task = tokio::spawn(pool.run(stopped));
        tracing::info!(%owner, "job workers started");
        WorkerPool { owner, stop, task }
    }

    /// The name this pool's leases carry.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Stops claiming, waits up to the grace period for running jobs, then interrupts the
    /// rest and returns them to the queue. Answers how many were returned.
    pub async fn shutdown(self) -> u64 {
        let _ = self.stop.send(true);
        match self.task.await {
            Ok(returned) => returned,
            Err(e) => {
                tracing::error!(error = %e, "the job worker pool ended abnormally");
                0
            }
        }
    }
}

struct Pool {
    deps: WorkerDeps,
    config: WorkerConfig,
    owner: String,
    limits: HashMap<String, Arc<Semaphore>>,
    /// Signalled when a run ends, so its slot is refilled at once.
    done: Arc<Notify>,
}

impl Pool {
    async fn run(self, mut stopped: watch::Receiver<bool>) -> u64 {
        let pool = Arc::new(self);
        let mut wake = Some(pool.deps.jobs.bus().subscribe());
        let mut running = JoinSet::new();
        let mut housekeeping = tokio::time::interval(pool.config.maintenance_interval);
        housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // An interval, not a sleep re-armed each turn: bus traffic must not postpone polling.
        let mut poll = tokio::time::interval(pool.config.poll_interval);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let claim = tokio::select! {
                _ = stopped.changed() => break,
                _ = pool.done.notified() => true,
                _ = poll.tick() => true,
                _ = housekeeping.tick() => {
                    housekeeping::round(&pool.deps, &pool.config).await;
                    true
                }
                woken = wake_message(&mut wake) => woken,
            };
            // Reap finished run tasks (their outcome is already recorded).
            while running.try_join_next().is_some() {}
            if claim {
                pool.claim_round(&mut running).await;
            }
        }
        pool.stop(running).await
    }

    /// Claims as many due jobs of each kind as it has free slots for, and starts them.
    async fn claim_round(self: &Arc<Self>, running: &mut JoinSet<()>) {
        for (kind, handler) in self.deps.jobs.registry().handlers() {
            let Some(limit) = self.limits.get(kind) else { continue };
            let free = limit.available_permits();
            if free == 0 {
                continue;
            }
            let now = self.deps.jobs.clock().now();
            match store::any_due(&self.deps.db, kind, now).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, kind, "could not look for due jobs");
                    continue;
                }
            }
            let claimed = match store::claim(
                &self.deps.writer,
                kind,
                free as u64,
                &self.owner,
                now,
                after(now, self.config.lease),
            )
            .await
            {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %e, kind, "could not claim jobs");
                    continue;
                }
            };
            for job in claimed {
                let Ok(permit) = limit.clone().try_acquire_owned() else {
                    // Cannot happen (we claimed no more than the free slots); the lease expires
                    // and the job runs again.
                    tracing::error!(job_id = %job.id, "claimed a job without a free slot");
                    continue;
                };
                let (pool, done, handler) = (self.clone(), self.done.clone(), handler.clone());
                running.spawn(async move {
                    pool.execute(handler, job).await;
                    drop(permit);
                    done.notify_one();
                });
            }
        }
    }

    /// Runs one claimed job and records how it went.
    async fn execute(self: Arc<Self>, handler: Arc<dyn JobHandler>, job: job::Model) {
        let kind = job.kind.clone();
        let attempt = u32::try_from(job.attempts).unwrap_or(1).max(1);
        let payload = serde_json::from_str(&job.payload);
        // Stops renewing when this run ends, however it ends (an interrupted run included).
        let heartbeat = AbortOnDrop(tokio::spawn(self.clone().keep_lease(job.id)));
        self.deps.jobs.metrics().started(&kind);
        let started = Instant::now();
        let outcome = match payload {
            Err(e) => Err(JobFailure::permanent(format!("payload is not JSON: {e}"))),
            Ok(payload) => {
                let ctx = JobContext {
                    id: job.id,
                    kind: kind.clone(),
                    attempt,
                    worker: self.owner.clone(),
                    payload,
                    db: self.deps.db.clone(),
                    writer: self.deps.writer.clone(),
                    bus: self.deps.jobs.bus().clone(),
                    jobs: self.deps.jobs.clone(),
                };
                AssertUnwindSafe(handler.run(ctx))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| Err(JobFailure::retry("the handler panicked")))
            }
        };
        drop(heartbeat);
        let now = self.deps.jobs.clock().now();
        let (recorded, failed, dead) = match &outcome {
            Ok(()) => (store::succeed(&self.deps.writer, job.id, &self.owner, now).await, false, false),
            Err(failure) => {
                let max = u32::try_from(job.max_attempts).unwrap_or(1);
                let retry_at = (!failure.is_permanent() && attempt < max)
                    .then(|| after(now, handler.retry_policy().delay_after(attempt)));
                let recorded =
                    store::fail(&self.deps.writer, job.id, &self.owner, now, failure.message(), retry_at).await;
                tracing::warn!(job_id = %job.id, kind, attempt, error = failure.message(), dead = retry_at.is_none(), "job failed");
                (recorded, true, retry_at.is_none())
            }
        };
        self.deps.jobs.metrics().finished(&kind, started.elapsed().as_secs_f64(), failed, dead);
        match recorded {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job_id = %job.id, "job lease lost before its outcome was recorded; it runs again")
            }
            Err(e) => tracing::error!(job_id = %job.id, error = %e, "could not record a job outcome; it runs again"),
        }
    }

    /// Renews the lease every third of its length until aborted.
    async fn keep_lease(self: Arc<Self>, id: uuid::Uuid) {
        let every = (self.config.lease / 3).max(Duration::from_millis(50));
        loop {
            tokio::time::sleep(every).await;
            let until = after(self.deps.jobs.clock().now(), self.config.lease);
            match store::renew(&self.deps.writer, id, &self.owner, until).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(job_id = %id, "job lease lost while running");
                    return;
                }
                Err(e) => tracing::warn!(job_id = %id, error = %e, "could not renew a job lease"),
            }
        }
    }

    /// Waits up to the grace period for running jobs, interrupts the rest and requeues them.
    async fn stop(&self, mut running: JoinSet<()>) -> u64 {
        let drained =
            tokio::time::timeout(self.config.shutdown_grace, async { while running.join_next().await.is_some() {} })
                .await;
        if drained.is_err() {
            running.abort_all();
            while running.join_next().await.is_some() {}
        }
        let returned = match store::release_all(&self.deps.writer, &self.owner, self.deps.jobs.clock().now()).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "could not return unfinished jobs; their leases will expire");
                0
            }
        };
        tracing::info!(owner = %self.owner, returned, "job workers stopped");
        returned
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Waits for a wake-up on the bus; `false` for other traffic. A closed bus is never woken by.
async fn wake_message(rx: &mut Option<broadcast::Receiver<BusMessage>>) -> bool {
    let Some(receiver) = rx else { return std::future::pending().await };
    match receiver.recv().await {
        Ok(BusMessage::Message { topic, .. }) => topic == WAKE_TOPIC,
        Ok(BusMessage::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => true,
        Err(broadcast::error::RecvError::Closed) => {
            *rx = None;
            false
        }
    }
}
