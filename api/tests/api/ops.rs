//! Operations: health, readiness, metrics, request ids, per-address limits.

use crate::helpers::{ADMIN_EMAIL, Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(health_readiness_and_metrics);

async fn health_readiness_and_metrics(app: TestApp) {
    let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = TestApp::answer(app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz"))
        .await
        .expect(200);
    assert_eq!(ready.body["status"], "ready");
    assert_eq!(ready.body["database"]["status"], "ok");
    match app.database_url.starts_with("postgres") {
        true => {
            assert_eq!(ready.body["databaseBackend"], "postgres");
            assert_eq!(ready.body["redis"]["status"], "ok", "Redis is checked when configured");
        }
        false => {
            assert_eq!(ready.body["databaseBackend"], "sqlite");
            assert!(ready.body.get("redis").is_none());
        }
    }
    // Every answer carries the request id of its log span.
    let me = app.admin().await;
    let answer = app.get("/api/v1/auth/me", &me.access_token).await.expect(200);
    let id = answer.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(id.len(), 36, "a UUID request id, got {id:?}");
    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.expect("metrics");
    let text = metrics.text().await.expect("text");
    assert!(
        text.contains(r#"helpdesk_http_requests_total{method="GET",route="/api/v1/auth/me",status="200"}"#),
        "{text}"
    );
    assert!(text.contains("helpdesk_http_request_duration_seconds_bucket"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_limited_per_address_too() {
    let app = TestApp::spawn(Backend::Sqlite, |s| s.login_max_failures_per_ip = 3).await;
    // Three different accounts from one address: each account is under its own
    // limit, but the address is not.
    for n in 0..3 {
        app.post_login(&format!("guess{n}@example.com"), "wrong-password").await.expect(401);
    }
    let limited = app.post_login(ADMIN_EMAIL, "anything-at-all").await.expect(429);
    assert!(limited.headers.contains_key("retry-after"));
    assert_eq!(limited.code(), "too_many_attempts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_reports_a_lost_database() {
    let app = TestApp::sqlite().await;
    app.state.db.clone().close().await.expect("close the pool");
    let ready = TestApp::answer(app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz"))
        .await
        .expect(503);
    assert_eq!(ready.body["status"], "unavailable");
    assert_eq!(ready.body["database"]["status"], "error");
}
