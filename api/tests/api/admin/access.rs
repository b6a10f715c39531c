//! Who may use the admin API, and the audit log's immutability.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(other_roles_are_refused_every_admin_route, audit_rows_cannot_be_changed_or_deleted);

/// Every admin route with a plausible body (ids need not exist: the permission check comes first).
fn admin_routes() -> Vec<(Method, String, Option<Value>)> {
    let id = Uuid::new_v4();
    let user = json!({"email": "new@example.com", "name": "New", "role": "agent"});
    vec![
        (Method::GET, "/api/v1/admin/users".into(), None),
        (Method::POST, "/api/v1/admin/users".into(), Some(user)),
        (Method::GET, format!("/api/v1/admin/users/{id}"), None),
        (Method::PATCH, format!("/api/v1/admin/users/{id}/role"), Some(json!({"role": "admin"}))),
        (Method::POST, format!("/api/v1/admin/users/{id}/deactivate"), None),
        (Method::POST, format!("/api/v1/admin/users/{id}/activate"), None),
        (Method::GET, "/api/v1/admin/roles".into(), None),
        (Method::GET, "/api/v1/admin/permissions".into(), None),
        (Method::PUT, "/api/v1/admin/roles/employee/permissions".into(), Some(json!({"permissions": []}))),
        (Method::GET, "/api/v1/admin/teams".into(), None),
        (Method::POST, "/api/v1/admin/teams".into(), Some(json!({"name": "Mine"}))),
        (Method::PATCH, format!("/api/v1/admin/teams/{id}"), Some(json!({"name": "Mine"}))),
        (Method::DELETE, format!("/api/v1/admin/teams/{id}"), None),
        (Method::GET, format!("/api/v1/admin/teams/{id}/members"), None),
        (Method::POST, format!("/api/v1/admin/teams/{id}/members"), Some(json!({"userId": id}))),
        (Method::DELETE, format!("/api/v1/admin/teams/{id}/members/{id}"), None),
        (Method::POST, "/api/v1/admin/categories".into(), Some(json!({"name": "Mine"}))),
        (Method::PATCH, format!("/api/v1/admin/categories/{id}"), Some(json!({"isActive": false}))),
        (Method::GET, "/api/v1/admin/audit-logs".into(), None),
    ]
}

async fn other_roles_are_refused_every_admin_route(app: TestApp) {
    let admin = app.admin().await;
    let audits = app.count_rows("audit_logs").await;
    for role in ["employee", "agent", "team_lead", "manager"] {
        let who = app.user_by(&admin, role).await;
        let audits = app.count_rows("audit_logs").await;
        for (method, path, body) in admin_routes() {
            let answer = app.call(method.clone(), &path, Some(&who.access_token), body.clone()).await;
            let expected = if role == "manager" && path.ends_with("/audit-logs") { 200 } else { 403 };
            assert_eq!(answer.status.as_u16(), expected, "{role} {method} {path}: {}", answer.body);
            if expected == 403 {
                assert_eq!(answer.code(), "forbidden");
            }
            let anonymous = app.call(method.clone(), &path, None, body).await;
            assert_eq!(anonymous.status.as_u16(), 401, "anonymous {method} {path}");
        }
        assert_eq!(app.count_rows("audit_logs").await, audits, "{role}: refused calls change nothing");
        // The lookups: categories for everyone, the team directory for those who assign.
        app.get("/api/v1/categories", &who.access_token).await.expect(200);
        let directory = app.get("/api/v1/teams", &who.access_token).await;
        assert_eq!(directory.status.as_u16(), if role == "employee" { 403 } else { 200 }, "{role} /teams");
    }
    assert!(app.count_rows("audit_logs").await > audits, "the users were created with audit entries");
}

async fn audit_rows_cannot_be_changed_or_deleted(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let admin = app.admin().await;
    app.post("/api/v1/admin/teams", &admin.access_token, json!({"name": "Network"})).await.expect(201);
    let before = app.count_rows("audit_logs").await;
    assert!(before >= 2);
    let db = &app.state.db;
    let update = db.execute_unprepared("UPDATE audit_logs SET action = 'nothing'").await;
    assert!(update.is_err(), "UPDATE must fail");
    let delete = db.execute_unprepared("DELETE FROM audit_logs").await;
    assert!(delete.is_err(), "DELETE must fail");
    assert_eq!(app.count_rows("audit_logs").await, before);
    let created = app.get("/api/v1/admin/audit-logs?action=team:create", &admin.access_token).await.expect(200);
    assert_eq!(created.body["meta"]["total"], 1);

    // Nor is there a route for it.
    let entry = created.body["data"][0]["id"].as_str().unwrap_or_default().to_string();
    let token = Some(admin.access_token.as_str());
    for (method, path) in [
        (Method::DELETE, "/api/v1/admin/audit-logs".to_string()),
        (Method::DELETE, format!("/api/v1/admin/audit-logs/{entry}")),
        (Method::PATCH, format!("/api/v1/admin/audit-logs/{entry}")),
        (Method::PUT, format!("/api/v1/admin/audit-logs/{entry}")),
    ] {
        let answer = app.call(method.clone(), &path, token, Some(json!({"action": "x"}))).await;
        assert!(matches!(answer.status.as_u16(), 404 | 405), "{method} {path}: {}", answer.status);
    }
    assert_eq!(app.count_rows("audit_logs").await, before);
}
