//! The admin API: users, roles, teams, categories, the audit trail they
//! leave and who may use them, on both backends.

mod access;
mod categories;
mod roles;
mod teams;
mod users;

use serde_json::Value;

use crate::helpers::{Session, TestApp};

/// The audit entries with `action`, newest first, read through the API.
pub async fn audit_entries(app: &TestApp, admin: &Session, action: &str) -> Vec<Value> {
    let page = app.get(&format!("/api/v1/admin/audit-logs?action={action}&limit=100"), &admin.access_token).await;
    page.expect(200).body["data"].as_array().cloned().unwrap_or_default()
}

/// The permission names `GET /auth/me` lists for `token`.
pub async fn my_permissions(app: &TestApp, token: &str) -> Vec<String> {
    let me = app.get("/api/v1/auth/me", token).await.expect(200);
    me.body["permissions"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// The `id` of a JSON body.
pub fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap_or_default().to_string()
}
