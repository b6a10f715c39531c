//! What roles grant, and changing it.

use serde_json::json;

use super::{audit_entries, my_permissions};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    roles_and_permissions_are_listed,
    role_permissions_are_replaced_at_once,
    an_upgrade_grants_new_permissions_once,
);

async fn roles_and_permissions_are_listed(app: TestApp) {
    let admin = app.admin().await;
    let roles = app.get("/api/v1/admin/roles", &admin.access_token).await.expect(200);
    let names: Vec<&str> =
        roles.body.as_array().map(|r| r.iter().filter_map(|r| r["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["employee", "agent", "team_lead", "manager", "admin"]);
    assert_eq!(roles.body[0]["permissions"], json!(["ticket:create", "ticket:view_own", "ticket:comment"]));
    assert_eq!(roles.body[4]["permissions"].as_array().map(Vec::len), Some(22));
    let permissions = app.get("/api/v1/admin/permissions", &admin.access_token).await.expect(200);
    let all = permissions.body.as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 22);
    assert_eq!(all[0]["name"], "ticket:create");
    assert!(all.iter().all(|p| p["description"].as_str().is_some_and(|d| !d.is_empty())));
}

async fn role_permissions_are_replaced_at_once(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let worker = app.user_by(&admin, "employee").await;
    assert!(my_permissions(&app, &worker.access_token).await.contains(&"ticket:create".to_string()));

    let body = json!({"permissions": ["ticket:view_own", "ticket:comment", "ticket:comment"]});
    let role = app.put("/api/v1/admin/roles/employee/permissions", token, body).await.expect(200);
    assert_eq!(role.body["permissions"], json!(["ticket:view_own", "ticket:comment"]));
    // Same access token, next request: the permission is gone.
    let now = my_permissions(&app, &worker.access_token).await;
    assert_eq!(now, ["ticket:view_own", "ticket:comment"]);
    let entries = audit_entries(&app, &admin, "role:permissions_update").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["details"]["removed"], json!(["ticket:create"]));
    assert_eq!(entries[0]["details"]["added"], json!([]));

    let body = json!({"permissions": ["ticket:create", "ticket:view_own", "ticket:comment", "ticket:view_team"]});
    app.put("/api/v1/admin/roles/employee/permissions", token, body).await.expect(200);
    assert!(my_permissions(&app, &worker.access_token).await.contains(&"ticket:view_team".to_string()));
    let entries = audit_entries(&app, &admin, "role:permissions_update").await;
    assert_eq!(entries[0]["details"]["added"], json!(["ticket:create", "ticket:view_team"]));

    let grants = app.count_rows("role_permissions").await;
    let audits = app.count_rows("audit_logs").await;
    let immutable = app.put("/api/v1/admin/roles/admin/permissions", token, json!({"permissions": []})).await;
    assert_eq!(immutable.expect(409).code(), "role_immutable");
    let missing = app.put("/api/v1/admin/roles/wizard/permissions", token, json!({"permissions": []})).await;
    assert_eq!(missing.expect(404).code(), "role_not_found");
    let unknown = app
        .put("/api/v1/admin/roles/agent/permissions", token, json!({"permissions": ["ticket:create", "ticket:fly"]}))
        .await
        .expect(422);
    assert!(unknown.body["details"]["permissions[1]"].is_string(), "{}", unknown.body);
    app.put("/api/v1/admin/roles/agent/permissions", token, json!({})).await.expect(422);
    assert_eq!(app.count_rows("role_permissions").await, grants);
    assert_eq!(app.count_rows("audit_logs").await, audits);
}

/// A permission added by an upgrade reaches the built-in roles whose defaults have it, while
/// roles keep what admins chose for the permissions that existed before.
async fn an_upgrade_grants_new_permissions_once(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let body = json!({"permissions": ["ticket:create", "ticket:view_own"]});
    app.put("/api/v1/admin/roles/agent/permissions", token, body).await.expect(200);
    // As before the knowledge base and the job queues existed: no kb or job permissions at all.
    let sql = "DELETE FROM permissions WHERE name LIKE 'kb:%' \
               OR name IN ('admin:jobs', 'ai:metrics', 'admin:ai', 'incident:manage')";
    app.state.db.execute_unprepared(sql).await.expect("delete");
    helpdesk_api::bootstrap::seed_roles(&app.state.db).await.expect("seed");
    let roles = app.get("/api/v1/admin/roles", token).await.expect(200).body;
    let of = |name: &str| {
        roles.as_array().unwrap().iter().find(|r| r["name"] == name).map(|r| r["permissions"].clone()).unwrap()
    };
    assert_eq!(of("agent"), json!(["ticket:create", "ticket:view_own", "kb:write"]));
    assert!(of("manager").as_array().unwrap().contains(&json!("kb:publish")));
    assert!(!of("employee").as_array().unwrap().contains(&json!("kb:write")));
    assert!(of("admin").as_array().unwrap().contains(&json!("admin:jobs")));
    assert!(!of("manager").as_array().unwrap().contains(&json!("admin:jobs")));
    assert!(of("manager").as_array().unwrap().contains(&json!("ai:metrics")));
    assert!(!of("manager").as_array().unwrap().contains(&json!("admin:ai")));
    assert!(of("admin").as_array().unwrap().contains(&json!("admin:ai")));
    assert!(!of("agent").as_array().unwrap().contains(&json!("ai:metrics")));
    for role in ["team_lead", "manager", "admin"] {
        assert!(of(role).as_array().unwrap().contains(&json!("incident:manage")), "{role}");
    }
    assert!(!of("agent").as_array().unwrap().contains(&json!("incident:manage")));
    // Seeding again (every start) changes nothing further.
    let grants = app.count_rows("role_permissions").await;
    helpdesk_api::bootstrap::seed_roles(&app.state.db).await.expect("seed");
    assert_eq!(app.count_rows("role_permissions").await, grants);
}
