//! Workers: several pools share one queue without running a job twice at once, a dead
//! worker's jobs run again once its lease expires, each kind's limit holds, and a shutdown
//! lets running jobs finish or returns them to the queue.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use helpdesk_api::entities::job;
use helpdesk_api::modules::jobs::{EnqueueOptions, WorkerConfig, WorkerPool};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use super::{Recorder, TestJob, brisk, brisk_config, deps, enqueue, eventually, registry, states, wait_for_state};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(an_expired_lease_is_reclaimed, the_concurrency_limit_holds, shutdown_returns_unfinished_jobs);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgres_share_200_jobs_and_never_run_one_twice() {
    let recorder = Arc::new(Recorder::default());
    let kinds = || registry(vec![TestJob::new("test.shared", &recorder)]);
    let base = TestApp::postgres().await;
    let a = base.another_instance(kinds(), brisk).await;
    let b = base.another_instance(kinds(), brisk).await;
    let txn = a.state.writer.begin().await.unwrap();
    for i in 0..200 {
        let payload = json!({"n": i, "sleepMs": 20});
        a.state.jobs.enqueue(&txn, "test.shared", &payload, EnqueueOptions::default()).await.unwrap();
    }
    txn.commit().await.unwrap();
    a.state.jobs.wake().await;
    eventually("all 200 jobs succeeded", || async { states(&base).await.get("succeeded") == Some(&200) }).await;
    let runs = recorder.runs();
    assert_eq!(recorder.overlaps.load(std::sync::atomic::Ordering::SeqCst), 0, "a job ran twice at once");
    let mut ids: Vec<_> = runs.iter().map(|r| r.job).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "every job ran");
    assert_eq!(runs.len(), 200, "no job ran twice");
    // One instance alone needs a second (200 × 20 ms, 4 at a time); the other, polling every
    // 50 ms and woken over Redis, takes its share meanwhile.
    let workers: HashSet<&str> = runs.iter().map(|r| r.worker.as_str()).collect();
    assert_eq!(workers.len(), 2, "both instances ran jobs");
    drop(b);
}

async fn an_expired_lease_is_reclaimed(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let kinds = registry(vec![TestJob::new("test.orphan", &recorder)]);
    let app = base.another_instance(kinds, |s| s.jobs_enabled = false).await;
    let id = enqueue(&app, "test.orphan", json!({}), EnqueueOptions::default()).await;
    // As a worker leaves a job it had claimed when it died mid-run.
    let now = chrono::Utc::now();
    let claimed = job::ActiveModel {
        id: Set(id),
        state: Set("running".into()),
        attempts: Set(1),
        lease_owner: Set(Some("a-worker-that-died".into())),
        lease_expires_at: Set(Some(now + chrono::TimeDelta::seconds(1))),
        ..Default::default()
    };
    claimed.update(&app.state.db).await.unwrap();
    let pool = WorkerPool::start(deps(&app), brisk_config());
    let done = wait_for_state(&app, id, "succeeded").await;
    assert_eq!(done.attempts, 2, "the lost run counts as an attempt");
    assert!(done.last_error.as_deref().unwrap_or_default().contains("lease expired"), "{done:?}");
    assert_eq!(recorder.runs_of(id).len(), 1);
    assert!(recorder.runs_of(id)[0].started >= now + chrono::TimeDelta::seconds(1), "not before the lease expired");
    pool.shutdown().await;
}

async fn the_concurrency_limit_holds(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let limited = TestJob { concurrency: 2, ..TestJob::new("test.limited", &recorder) };
    let app = base.another_instance(registry(vec![limited]), brisk).await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(enqueue(&app, "test.limited", json!({"sleepMs": 150}), EnqueueOptions::default()).await);
    }
    for id in ids {
        wait_for_state(&app, id, "succeeded").await;
    }
    assert_eq!(recorder.runs().len(), 8);
    assert!(recorder.max_parallel() <= 2, "ran {} at once", recorder.max_parallel());
}

async fn shutdown_returns_unfinished_jobs(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let app =
        base.another_instance(registry(vec![TestJob::new("test.slow", &recorder)]), |s| s.jobs_enabled = false).await;
    // A run that ends within the grace period (10 s) is let finish.
    let short = enqueue(&app, "test.slow", json!({"sleepMs": 300}), EnqueueOptions::default()).await;
    let pool = WorkerPool::start(deps(&app), brisk_config());
    eventually("the short job started", || async { !recorder.runs_of(short).is_empty() }).await;
    assert_eq!(pool.shutdown().await, 0);
    assert_eq!(super::job_row(&app, short).await.unwrap().state, "succeeded");

    // One that does not is interrupted and returned, its attempt not counted.
    let long = enqueue(&app, "test.slow", json!({"block": true}), EnqueueOptions::default()).await;
    let config = WorkerConfig { shutdown_grace: Duration::from_millis(500), ..brisk_config() };
    let pool = WorkerPool::start(deps(&app), config);
    eventually("the long job started", || async { !recorder.runs_of(long).is_empty() }).await;
    assert_eq!(pool.shutdown().await, 1);
    let returned = super::job_row(&app, long).await.unwrap();
    assert_eq!(returned.state, "queued");
    assert_eq!(returned.attempts, 0);
    assert!(returned.lease_owner.is_none() && returned.lease_expires_at.is_none());
}
