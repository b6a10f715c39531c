//! Failed runs are retried with exponential backoff; out of attempts, a job is parked as dead
//! with its last error, and a permanent failure is parked at once.

use std::sync::Arc;

use chrono::TimeDelta;
use helpdesk_api::modules::jobs::EnqueueOptions;
use serde_json::json;

use super::{Recorder, TestJob, brisk, enqueue, registry, wait_for_state};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(failures_are_retried_with_growing_waits, a_job_out_of_attempts_is_dead_with_its_last_error);

async fn failures_are_retried_with_growing_waits(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let app = base.another_instance(registry(vec![TestJob::new("test.flaky", &recorder)]), brisk).await;
    let id = enqueue(&app, "test.flaky", json!({"fail": 2}), EnqueueOptions::default()).await;
    let done = wait_for_state(&app, id, "succeeded").await;
    assert_eq!(done.attempts, 3);
    assert_eq!(done.max_attempts, 3);
    // The error of the last failed run stays for the record.
    assert_eq!(done.last_error.as_deref(), Some("boom 2"));
    let runs = recorder.runs_of(id);
    assert_eq!(runs.iter().map(|r| r.attempt).collect::<Vec<_>>(), [1, 2, 3]);
    // Backoff: 200 ms after the first failure, 400 ms after the second (never sooner).
    assert!(runs[1].started - runs[0].started >= TimeDelta::milliseconds(200), "{runs:?}");
    assert!(runs[2].started - runs[1].started >= TimeDelta::milliseconds(400), "{runs:?}");
}

async fn a_job_out_of_attempts_is_dead_with_its_last_error(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let app = base.another_instance(registry(vec![TestJob::new("test.broken", &recorder)]), brisk).await;
    let id = enqueue(&app, "test.broken", json!({"fail": 99}), EnqueueOptions::default()).await;
    let dead = wait_for_state(&app, id, "dead").await;
    assert_eq!((dead.attempts, dead.max_attempts), (3, 3));
    assert_eq!(dead.last_error.as_deref(), Some("boom 3"));
    assert!(dead.finished_at.is_some() && dead.lease_owner.is_none());

    let permanent = enqueue(&app, "test.broken", json!({"permanent": true}), EnqueueOptions::default()).await;
    let dead_at_once = wait_for_state(&app, permanent, "dead").await;
    assert_eq!(dead_at_once.attempts, 1);
    assert_eq!(dead_at_once.last_error.as_deref(), Some("cannot ever work"));

    // The admin API shows both with their errors.
    let admin = app.admin().await;
    let list = app.get("/api/v1/admin/jobs?state=dead&kind=test.broken", &admin.access_token).await.expect(200);
    assert_eq!(list.body["meta"]["total"], 2);
    let errors: Vec<&str> =
        list.body["data"].as_array().unwrap().iter().filter_map(|j| j["lastError"].as_str()).collect();
    assert!(errors.contains(&"boom 3") && errors.contains(&"cannot ever work"), "{errors:?}");
    // A dead job stays put: no further runs however long we wait for housekeeping.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(recorder.runs_of(id).len(), 3);
    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"helpdesk_job_dead_letters_total{kind="test.broken"} 2"#), "{metrics}");
    assert!(metrics.contains(r#"helpdesk_job_failures_total{kind="test.broken"} 4"#), "{metrics}");
    assert!(metrics.contains(r#"helpdesk_jobs{kind="test.broken",state="dead"} 2"#), "{metrics}");
}
