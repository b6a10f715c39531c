//! The admin API over the queues, and the backlog alert as an in-app notification.

use std::sync::Arc;

use chrono::TimeDelta;
use helpdesk_api::modules::jobs::{EnqueueOptions, WorkerConfig, housekeeping};
use serde_json::json;
use uuid::Uuid;

use super::{Recorder, TestJob, brisk, brisk_config, deps, enqueue, registry, wait_for_state};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(admins_see_retry_and_discard_jobs, a_backlog_notifies_admins_once);

fn later() -> EnqueueOptions {
    EnqueueOptions { run_at: Some(chrono::Utc::now() + TimeDelta::hours(1)), ..Default::default() }
}

async fn admins_see_retry_and_discard_jobs(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let app = base.another_instance(registry(vec![TestJob::new("test.admin", &recorder)]), brisk).await;
    let admin = app.admin().await;
    let manager = app.user_by(&admin, "manager").await;
    let token = admin.access_token.as_str();

    // Fails its first run and has only one: dead.
    let once = EnqueueOptions { max_attempts: Some(1), ..Default::default() };
    let dead = enqueue(&app, "test.admin", json!({"fail": 1}), once).await;
    wait_for_state(&app, dead, "dead").await;
    let waiting = enqueue(&app, "test.admin", json!({}), later()).await;

    let stats = app.get("/api/v1/admin/jobs/stats", token).await.expect(200).body;
    assert_eq!((stats["queued"].as_u64(), stats["dead"].as_u64()), (Some(1), Some(1)), "{stats}");
    assert_eq!(stats["registeredKinds"], json!(["test.admin"]));
    assert_eq!(stats["backlogThreshold"], 100);
    assert!(stats["oldestQueuedAgeSecs"].is_null(), "the queued job is not due yet: {stats}");
    let counts = stats["counts"].as_array().unwrap();
    assert!(counts.contains(&json!({"kind": "test.admin", "state": "dead", "count": 1})), "{stats}");
    app.get("/api/v1/admin/jobs/stats", &manager.access_token).await.expect(403);
    app.get("/api/v1/admin/jobs", &manager.access_token).await.expect(403);

    let list = app.get("/api/v1/admin/jobs?state=dead", token).await.expect(200).body;
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["data"][0]["id"], dead.to_string());
    assert_eq!(list["data"][0]["lastError"], "boom 1");
    assert_eq!(list["data"][0]["payload"], json!({"fail": 1}));
    let page = app.get("/api/v1/admin/jobs?limit=1&page=2", token).await.expect(200).body;
    assert_eq!((page["meta"]["total"].as_u64(), page["data"].as_array().map(Vec::len)), (Some(2), Some(1)));
    assert_eq!(app.get("/api/v1/admin/jobs?state=sleeping", token).await.expect(400).code(), "invalid_query");

    // Retry: queued again with fresh attempts; this time it succeeds.
    let queued = app.post(&format!("/api/v1/admin/jobs/{dead}/retry"), token, json!({})).await.expect(200).body;
    assert_eq!((queued["state"].as_str(), queued["attempts"].as_i64()), (Some("queued"), Some(0)));
    wait_for_state(&app, dead, "succeeded").await;
    assert_eq!(recorder.runs_of(dead).len(), 2);
    let again = app.post(&format!("/api/v1/admin/jobs/{dead}/retry"), token, json!({})).await.expect(409);
    assert_eq!(again.code(), "job_not_dead");
    let refused = app.delete(&format!("/api/v1/admin/jobs/{dead}"), token).await.expect(409);
    assert_eq!(refused.code(), "job_not_discardable");

    // Discard a queued job; it is gone.
    app.delete(&format!("/api/v1/admin/jobs/{waiting}"), &manager.access_token).await.expect(403);
    app.delete(&format!("/api/v1/admin/jobs/{waiting}"), token).await.expect(204);
    app.delete(&format!("/api/v1/admin/jobs/{waiting}"), token).await.expect(404);
    app.post(&format!("/api/v1/admin/jobs/{}/retry", Uuid::new_v4()), token, json!({})).await.expect(404);

    // Both are in the audit log.
    let audit = app.get("/api/v1/admin/audit-logs?resourceType=job", token).await.expect(200).body;
    let actions: Vec<&str> = audit["data"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["job:discard", "job:retry"]);
    assert_eq!(audit["data"][1]["details"]["lastError"], "boom 1");
}

async fn a_backlog_notifies_admins_once(base: TestApp) {
    let recorder = Arc::new(Recorder::default());
    let app =
        base.another_instance(registry(vec![TestJob::new("test.pile", &recorder)]), |s| s.jobs_enabled = false).await;
    let admin = app.admin().await;
    let manager = app.user_by(&admin, "manager").await;
    let config = WorkerConfig { backlog_threshold: 3, ..brisk_config() };
    let mut piled = Vec::new();
    for _ in 0..5 {
        piled.push(enqueue(&app, "test.pile", json!({}), later()).await);
    }
    // However many rounds (and instances) look while it stays high: one notification.
    for _ in 0..3 {
        housekeeping::round(&deps(&app), &config).await;
    }
    let mine = |who: String| {
        let app = &app;
        async move { app.get("/api/v1/notifications", &who).await.expect(200).body }
    };
    // A second notification with the held key is refused quietly, not with a database error.
    let again = helpdesk_api::modules::notifications::service::NewNotification {
        user_id: None,
        permission: Some(shared_types::Permission::AdminJobs),
        kind: "jobs.backlog",
        message: "again".into(),
        data: None,
        dedupe_key: Some("jobs.backlog".into()),
    };
    let created = helpdesk_api::modules::notifications::service::create(&app.state.db, again, chrono::Utc::now()).await;
    assert!(matches!(created, Ok(None)), "{created:?}");
    let notes = mine(admin.access_token.clone()).await;
    assert_eq!(notes["meta"]["total"], 1, "{notes}");
    let note = &notes["data"][0];
    assert_eq!(note["kind"], "jobs.backlog");
    assert_eq!(note["data"], json!({"queued": 5, "threshold": 3}));
    assert!(note["readAt"].is_null());
    assert_eq!(mine(manager.access_token.clone()).await["meta"]["total"], 0, "not for those without admin:jobs");

    // Read by this admin: gone from their unread list only.
    let id = note["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/notifications/{id}/read"), &manager.access_token, json!({})).await.expect(404);
    app.post(&format!("/api/v1/notifications/{id}/read"), &admin.access_token, json!({})).await.expect(204);
    app.post(&format!("/api/v1/notifications/{id}/read"), &admin.access_token, json!({})).await.expect(204);
    let unread = app.get("/api/v1/notifications?unread=true", &admin.access_token).await.expect(200).body;
    assert_eq!(unread["meta"]["total"], 0);
    let all = mine(admin.access_token.clone()).await;
    assert!(all["data"][0]["readAt"].is_string(), "{all}");

    // Drained to half the threshold, the alert is over; the next pile-up raises a new one.
    for id in &piled[..4] {
        app.delete(&format!("/api/v1/admin/jobs/{id}"), &admin.access_token).await.expect(204);
    }
    housekeeping::round(&deps(&app), &config).await;
    for _ in 0..4 {
        enqueue(&app, "test.pile", json!({}), later()).await;
    }
    housekeeping::round(&deps(&app), &config).await;
    housekeeping::round(&deps(&app), &config).await;
    assert_eq!(mine(admin.access_token.clone()).await["meta"]["total"], 2);
    assert!(recorder.runs().is_empty());
}
