//! Sign-in, token rotation and reuse detection, sign-out, rate limits and
//! body errors, on both backends.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    login_answers_tokens_and_me_lists_permissions,
    wrong_credentials_are_refused_alike,
    refresh_rotates_and_reuse_revokes_the_family,
    tabs_refreshing_together_keep_the_session,
    browsers_refresh_and_sign_out_with_the_cookie,
    failed_logins_are_rate_limited,
    bad_bodies_are_named_and_change_nothing,
    bad_tokens_are_refused,
);

async fn login_answers_tokens_and_me_lists_permissions(app: TestApp) {
    let a = app.post_login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    assert_eq!(a.body["expiresIn"], 1800);
    assert_eq!(a.body["user"]["email"], ADMIN_EMAIL);
    assert_eq!(a.body["user"]["role"], "admin");
    let cookie = a.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(cookie.starts_with("helpdesk_refresh="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api/v1/auth"));
    let token = a.body["accessToken"].as_str().unwrap_or_default();
    let me = app.get("/api/v1/auth/me", token).await.expect(200);
    assert_eq!(me.body["roles"], json!(["admin"]));
    let perms: Vec<String> = me.json::<serde_json::Value>()["permissions"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(String::from)).collect())
        .unwrap_or_default();
    for p in ["ticket:create", "ticket:view_all", "admin:users", "admin:roles", "audit:view"] {
        assert!(perms.contains(&p.to_string()), "{p} missing from {perms:?}");
    }
}

async fn wrong_credentials_are_refused_alike(app: TestApp) {
    let wrong = app.post_login(ADMIN_EMAIL, "not-the-password").await.expect(401);
    assert_eq!(wrong.code(), "invalid_credentials");
    let unknown = app.post_login("nobody@example.com", "whatever-1").await.expect(401);
    assert_eq!(unknown.code(), "invalid_credentials");
    assert_eq!(wrong.body["message"], unknown.body["message"]);
    // E-mail addresses are matched without regard to case.
    app.post_login("  ADMIN@Example.com ", ADMIN_PASSWORD).await.expect(200);
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let s = app.admin().await;
    let first = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": s.refresh_token})))
        .await
        .expect(200);
    let second_token = first.body["refreshToken"].as_str().unwrap_or_default().to_string();
    assert_ne!(second_token, s.refresh_token, "rotated");
    app.get("/api/v1/auth/me", first.body["accessToken"].as_str().unwrap_or_default()).await.expect(200);
    // The old token again: reuse. The whole family goes, including the new one.
    let reuse = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": s.refresh_token})))
        .await
        .expect(401);
    assert_eq!(reuse.code(), "refresh_token_reused");
    let after = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": second_token})))
        .await
        .expect(401);
    assert_eq!(after.code(), "invalid_refresh_token");
    // Another session of the same user is untouched.
    let other = app.admin().await;
    app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": other.refresh_token})))
        .await
        .expect(200);
    let audit = app.get("/api/v1/admin/audit-logs?action=auth:refresh_reuse", &other.access_token).await.expect(200);
    assert_eq!(audit.body["meta"]["total"], 1);
}

/// Several tabs of one browser start at once and all refresh with the same cookie: within the
/// grace window that is not theft, and nobody is signed out. After it, it is.
async fn tabs_refreshing_together_keep_the_session(app: TestApp) {
    let app = TestApp::spawn(app.backend, |s| s.refresh_reuse_grace_secs = 2).await;
    let s = app.admin().await;
    let refresh = |token: String| {
        let app = &app;
        async move { app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": token}))).await }
    };
    let tabs = futures_util::future::join_all((0..4).map(|_| refresh(s.refresh_token.clone()))).await;
    let mut tokens = Vec::new();
    for tab in tabs {
        let tab = tab.expect(200);
        tokens.push(tab.body["refreshToken"].as_str().unwrap_or_default().to_string());
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 4, "each tab has its own new token");
    for token in &tokens[1..] {
        refresh(token.clone()).await.expect(200);
    }
    // Past the window, the first token presented again is reuse, and the family goes.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    refresh(s.refresh_token.clone()).await.expect(401);
    let gone = refresh(tokens[0].clone()).await.expect(401);
    assert_eq!(gone.code(), "invalid_refresh_token");
}

async fn browsers_refresh_and_sign_out_with_the_cookie(app: TestApp) {
    // The client keeps cookies: sign in, then refresh with an empty body.
    app.admin().await;
    let refreshed = app.call(Method::POST, "/api/v1/auth/refresh", None, None).await.expect(200);
    assert!(refreshed.body["accessToken"].is_string());
    app.call(Method::POST, "/api/v1/auth/logout", None, None).await.expect(204);
    let gone = app.call(Method::POST, "/api/v1/auth/refresh", None, None).await.expect(401);
    assert_eq!(gone.code(), "missing_refresh_token");
    let stale = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": refreshed.body["refreshToken"]})))
        .await
        .expect(401);
    assert_eq!(stale.code(), "invalid_refresh_token");
}

async fn failed_logins_are_rate_limited(app: TestApp) {
    for _ in 0..5 {
        app.post_login(ADMIN_EMAIL, "wrong-password").await.expect(401);
    }
    let limited = app.post_login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(429);
    assert_eq!(limited.code(), "too_many_attempts");
    let retry: u64 =
        limited.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!(retry > 0 && retry <= 900, "Retry-After {retry}");
    // Another account from the same address is still allowed (per-IP limit is higher).
    app.post_login("someone@example.com", "wrong-password").await.expect(401);
}

async fn bad_bodies_are_named_and_change_nothing(app: TestApp) {
    let before = app.count_rows("refresh_tokens").await;
    let url = format!("{}/api/v1/auth/login", app.address);
    let send = |body: &'static str, ct: &'static str| {
        let client = app.client.clone();
        let url = url.clone();
        async move {
            TestApp::answer(client.post(url).header("content-type", ct).body(body).send().await.expect("send")).await
        }
    };
    let malformed = send(r#"{"email": "#, "application/json").await.expect(400);
    assert_eq!(malformed.code(), "malformed_json");
    let wrong_type = send(r#"{"email": 5, "password": "x"}"#, "application/json").await.expect(422);
    assert!(wrong_type.body["details"]["email"].is_string(), "{}", wrong_type.body);
    let unknown = send(r#"{"email":"a@b.c","password":"x","admin":true}"#, "application/json").await.expect(422);
    assert!(unknown.body["details"]["admin"].is_string(), "{}", unknown.body);
    let missing = send(r#"{"email":"a@b.c"}"#, "application/json").await.expect(422);
    assert!(missing.body["details"]["password"].is_string(), "{}", missing.body);
    send(r#"email=a"#, "application/x-www-form-urlencoded").await.expect(415);
    let big = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(format!(r#"{{"email":"{}","password":"x"}}"#, "a".repeat(2 * 1024 * 1024)))
        .send()
        .await
        .expect("send");
    let big = TestApp::answer(big).await.expect(413);
    assert_eq!(big.code(), "payload_too_large");
    assert_eq!(big.body["path"], "/api/v1/auth/login");
    assert_eq!(app.count_rows("refresh_tokens").await, before);
}

async fn bad_tokens_are_refused(app: TestApp) {
    let none = app.call(Method::GET, "/api/v1/auth/me", None, None).await.expect(401);
    assert_eq!(none.code(), "missing_token");
    let junk = app.get("/api/v1/auth/me", "not.a.jwt").await.expect(401);
    assert_eq!(junk.code(), "invalid_token");
    let s = app.admin().await;
    let mut tampered = s.access_token.clone();
    tampered.pop();
    tampered.push(if s.access_token.ends_with('A') { 'B' } else { 'A' });
    app.get("/api/v1/auth/me", &tampered).await.expect(401);
    // A token signed by another installation is refused.
    let other = TestApp::spawn(Backend::Sqlite, |_| {}).await;
    let foreign = other.admin().await;
    app.get("/api/v1/auth/me", &foreign.access_token).await.expect(401);
}
