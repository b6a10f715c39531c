//! Background jobs: durability, retries and dead letters, workers sharing a queue, leases,
//! limits, shutdown, the admin API and the backlog alert.
//!
//! The job kinds here are the tests' own ([`TestJob`]), registered through
//! `Application::build_with_jobs`; what each run does is written in its payload, and every
//! run is recorded, so the assertions are about recorded facts, never about timing alone.

mod admin;
mod durability;
mod retries;
mod workers;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use helpdesk_api::entities::job;
use helpdesk_api::modules::jobs::{
    EnqueueOptions, JobContext, JobFailure, JobHandler, JobRegistry, RetryPolicy, WorkerConfig, WorkerDeps,
};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// One recorded run.
#[derive(Debug, Clone)]
pub struct Run {
    pub job: Uuid,
    pub attempt: u32,
    pub worker: String,
    pub started: DateTime<Utc>,
}

/// What the test handlers saw, shared by every instance of a test.
#[derive(Default)]
pub struct Recorder {
    runs: Mutex<Vec<Run>>,
    running: Mutex<HashSet<Uuid>>,
    /// Runs that began while another run of the same job was under way.
    pub overlaps: std::sync::atomic::AtomicUsize,
    parallel: Mutex<(usize, usize)>,
}

impl Recorder {
    pub fn runs(&self) -> Vec<Run> {
        self.runs.lock().unwrap().clone()
    }
    pub fn runs_of(&self, job: Uuid) -> Vec<Run> {
        self.runs().into_iter().filter(|r| r.job == job).collect()
    }
    /// The most runs (of any job) seen under way at once.
    pub fn max_parallel(&self) -> usize {
        self.parallel.lock().unwrap().1
    }
    fn begin(&self, ctx: &JobContext) -> usize {
        let mut runs = self.runs.lock().unwrap();
        let before = runs.iter().filter(|r| r.job == ctx.id).count();
        runs.push(Run { job: ctx.id, attempt: ctx.attempt, worker: ctx.worker.clone(), started: Utc::now() });
        if !self.running.lock().unwrap().insert(ctx.id) {
            self.overlaps.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        let mut p = self.parallel.lock().unwrap();
        p.0 += 1;
        p.1 = p.1.max(p.0);
        before
    }
    fn end(&self, id: Uuid) {
        self.running.lock().unwrap().remove(&id);
        self.parallel.lock().unwrap().0 -= 1;
    }
}

/// A job kind whose runs do what their payload says:
/// `{"sleepMs": n}` takes n ms; `{"fail": n}` fails the job's first n runs (`boom <run>`);
/// `{"permanent": true}` fails for good; `{"block": true}` never ends by itself.
pub struct TestJob {
    pub kind: &'static str,
    pub recorder: Arc<Recorder>,
    pub policy: RetryPolicy,
    pub concurrency: usize,
}

impl TestJob {
    pub fn new(kind: &'static str, recorder: &Arc<Recorder>) -> Self {
        Self { kind, recorder: recorder.clone(), policy: fast_retries(3), concurrency: 4 }
    }
}

/// `attempts` tries, 200 ms then 400 ms apart.
pub fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts: attempts, base_delay: Duration::from_millis(200), ..RetryPolicy::default() }
}

#[async_trait::async_trait]
impl JobHandler for TestJob {
    fn kind(&self) -> &str {
        self.kind
    }
    fn retry_policy(&self) -> RetryPolicy {
        self.policy
    }
    fn concurrency(&self) -> usize {
        self.concurrency
    }
    async fn run(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let earlier = self.recorder.begin(&ctx);
        let p = ctx.payload.clone();
        if let Some(ms) = p["sleepMs"].as_u64() {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if p["block"] == json!(true) {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        self.recorder.end(ctx.id);
        if p["permanent"] == json!(true) {
            return Err(JobFailure::permanent("cannot ever work"));
        }
        if (earlier as u64) < p["fail"].as_u64().unwrap_or(0) {
            return Err(JobFailure::retry(format!("boom {}", earlier + 1)));
        }
        Ok(())
    }
}

/// A registry with `handlers`.
pub fn registry(handlers: Vec<TestJob>) -> JobRegistry {
    let mut r = JobRegistry::new();
    for h in handlers {
        r.register(h);
    }
    r
}

/// Settings for instances that run jobs briskly.
pub fn brisk(s: &mut helpdesk_api::settings::Settings) {
    s.jobs_poll_interval_ms = 50;
    s.jobs_lease_secs = 5;
    s.jobs_maintenance_interval_secs = 1;
}

/// A worker configuration like [`brisk`]'s.
pub fn brisk_config() -> WorkerConfig {
    WorkerConfig {
        poll_interval: Duration::from_millis(50),
        lease: Duration::from_secs(5),
        shutdown_grace: Duration::from_secs(10),
        maintenance_interval: Duration::from_secs(1),
        retention: Duration::from_secs(7 * 86_400),
        backlog_threshold: 100,
    }
}

/// What a worker pool of `app` works with.
pub fn deps(app: &TestApp) -> WorkerDeps {
    WorkerDeps { db: app.state.db.clone(), writer: app.state.writer.clone(), jobs: app.state.jobs.clone() }
}

/// Enqueues a job of `kind` in a transaction of its own, and wakes the workers.
pub async fn enqueue(app: &TestApp, kind: &str, payload: Value, opts: EnqueueOptions) -> Uuid {
    let txn = app.state.writer.begin().await.unwrap();
    let id = app.state.jobs.enqueue(&txn, kind, &payload, opts).await.unwrap().id();
    txn.commit().await.unwrap();
    app.state.jobs.wake().await;
    id
}

/// The job's row.
pub async fn job_row(app: &TestApp, id: Uuid) -> Option<job::Model> {
    job::Entity::find_by_id(id).one(&app.state.db).await.unwrap()
}

/// Waits (up to a generous minute) until `id` is in `state`, and returns its row.
pub async fn wait_for_state(app: &TestApp, id: Uuid, state: &str) -> job::Model {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let row = job_row(app, id).await;
        if row.as_ref().is_some_and(|j| j.state == state) {
            return row.unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "job {id} never reached {state}: {row:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits (up to a generous two minutes) until `check` holds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Jobs per state, straight from the table.
pub async fn states(app: &TestApp) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for j in job::Entity::find().all(&app.state.db).await.unwrap() {
        *out.entry(j.state).or_default() += 1;
    }
    out
}
