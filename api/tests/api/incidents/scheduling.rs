//! The detection job keeps one run queued, whatever the number of instances.

use helpdesk_api::modules::spikes::job::KIND;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(each_start_keeps_exactly_one_run_queued, alerts_can_be_dismissed);

async fn queued_scans(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let sql = format!("SELECT COUNT(*) AS n FROM jobs WHERE kind = '{KIND}' AND state = 'queued'");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn each_start_keeps_exactly_one_run_queued(base: TestApp) {
    assert_eq!(queued_scans(&base).await, 0, "off in the test settings");
    let registry = helpdesk_api::modules::jobs::builtin;
    let first = base.another_instance(registry(), |s| s.spikes_enabled = true).await;
    assert_eq!(queued_scans(&first).await, 1);
    let second = first.another_instance(registry(), |s| s.spikes_enabled = true).await;
    assert_eq!(queued_scans(&second).await, 1, "the same slot is queued once");
    // Enqueueing the slot again answers the queued job.
    use helpdesk_api::modules::jobs::Enqueued;
    use helpdesk_api::modules::spikes::job::schedule_next;
    let interval = std::time::Duration::from_secs(300);
    let state = &second.state;
    let first_run = schedule_next(&state.db, &state.jobs, interval).await.unwrap();
    let again = schedule_next(&state.db, &state.jobs, interval).await.unwrap();
    assert!(matches!(again, Enqueued::Existing(id) if id == first_run.id()), "{first_run:?} then {again:?}");
}

async fn alerts_can_be_dismissed(app: TestApp) {
    let desk = super::desk(&app).await;
    super::ordinary_history(&app, &desk, chrono::Utc::now()).await;
    super::wifi_burst(&app, &desk, 20).await;
    let report = super::scan_now(&app).await;
    let id = report.raised[0];
    let path = format!("/api/v1/incidents/alerts/{id}/dismiss");
    app.post(&path, &desk.agent.access_token, serde_json::json!({})).await.expect(403);
    let dismissed = app.post(&path, &desk.lead.access_token, serde_json::json!({})).await.expect(200).body;
    assert_eq!(dismissed["status"], "dismissed");
    let link = serde_json::json!({"createParent": {"title": "Too late", "description": "no"}});
    let refused = app.post(&format!("/api/v1/incidents/alerts/{id}/link"), &desk.lead.access_token, link).await;
    assert_eq!(refused.expect(409).code(), "incident_alert_dismissed");
    // A dismissed spike that goes on raises no new alert.
    assert!(super::scan_now(&app).await.raised.is_empty());
}
