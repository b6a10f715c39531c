//! A job is written in the transaction of the change that needs it: committed, it runs even
//! when no worker was running at the time (a process that died right after the commit);
//! rolled back, it never existed.

use std::sync::Arc;

use helpdesk_api::entities::system_config;
use helpdesk_api::modules::jobs::{EnqueueOptions, JobRegistry};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set};
use serde_json::json;

use super::{Recorder, TestJob, brisk, registry, wait_for_state};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(a_committed_job_runs_after_a_restart);

fn kinds(recorder: &Arc<Recorder>) -> JobRegistry {
    registry(vec![TestJob::new("test.durable", recorder)])
}

/// The change a job belongs to: here a configuration row.
async fn change(txn: &DatabaseTransaction, key: &str) {
    let row = system_config::ActiveModel {
        key: Set(key.into()),
        value: Set(json!(true)),
        updated_by: Set(None),
        updated_at: Set(chrono::Utc::now()),
    };
    row.insert(txn).await.unwrap();
}

async fn a_committed_job_runs_after_a_restart(first: TestApp) {
    // `first` (the default app of the macro) runs no test kinds; start the instance that
    // enqueues with workers off, as if it died before any worker could look.
    let recorder = Arc::new(Recorder::default());
    let writer = first.another_instance(kinds(&recorder), |s| s.jobs_enabled = false).await;

    let txn = writer.state.writer.begin().await.unwrap();
    change(&txn, "test.committed").await;
    let jobs = &writer.state.jobs;
    let committed = jobs.enqueue(&txn, "test.durable", &json!({"n": 1}), EnqueueOptions::default()).await.unwrap().id();
    txn.commit().await.unwrap();

    let txn = writer.state.writer.begin().await.unwrap();
    change(&txn, "test.rolled_back").await;
    let rolled_back = jobs.enqueue(&txn, "test.durable", &json!({"n": 2}), EnqueueOptions::default()).await;
    let rolled_back = rolled_back.unwrap().id();
    txn.rollback().await.unwrap();

    assert_eq!(first.count_rows("jobs").await, 1, "only the committed job exists");
    let config = system_config::Entity::find_by_id("test.rolled_back").one(&first.state.db).await.unwrap();
    assert!(config.is_none(), "the change and its job went together");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(recorder.runs().is_empty(), "nothing ran while no worker was running");
    assert_eq!(super::job_row(&first, committed).await.map(|j| j.state).as_deref(), Some("queued"));

    // "Restart": a new instance on the same database, with workers.
    let restarted = first.another_instance(kinds(&recorder), brisk).await;
    let done = wait_for_state(&restarted, committed, "succeeded").await;
    assert_eq!(done.attempts, 1);
    assert!(done.finished_at.is_some() && done.lease_owner.is_none());
    assert_eq!(recorder.runs_of(committed).len(), 1);
    assert!(recorder.runs_of(rolled_back).is_empty());
    assert!(super::job_row(&restarted, rolled_back).await.is_none());

    // The run shows on /metrics.
    let metrics = restarted.client.get(format!("{}/metrics", restarted.address)).send().await.unwrap();
    let text = metrics.text().await.unwrap();
    assert!(text.contains(r#"helpdesk_job_runs_total{kind="test.durable"} 1"#), "{text}");
    assert!(text.contains("helpdesk_job_run_duration_seconds_count{kind=\"test.durable\"} 1"), "{text}");
}
