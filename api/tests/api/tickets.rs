//! Tickets on both backends: creation and numbering, lists, visibility,
//! the status machine, concurrency, assignment, deletion, audit and bad input.

mod access;
mod changes;
mod create;
mod input;
mod list;
mod search;
mod similar;
mod team_scope;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Answer, Session, TestApp};

/// `/api/v1/tickets/{id}` plus `tail`.
pub fn at(id: &str, tail: &str) -> String {
    format!("/api/v1/tickets/{id}{tail}")
}

/// The `id` of a JSON object.
pub fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

/// Ids of a list page's items, in order.
pub fn ids(page: &Answer) -> Vec<String> {
    page.body["data"].as_array().map(|a| a.iter().map(id_of).collect()).unwrap_or_default()
}

/// Raises a ticket with a JSON body, asserting 201.
pub async fn create(app: &TestApp, who: &Session, body: Value) -> Value {
    app.post("/api/v1/tickets", &who.access_token, body).await.expect(201).body
}

/// `GET /api/v1/tickets` with query pairs (encoded here).
pub async fn list(app: &TestApp, who: &Session, query: &[(&str, &str)]) -> Answer {
    let q = query
        .iter()
        .fold(form_urlencoded::Serializer::new(String::new()), |mut s, (k, v)| {
            s.append_pair(k, v);
            s
        })
        .finish();
    app.get(&format!("/api/v1/tickets?{q}"), &who.access_token).await
}

/// PATCH with an optional `If-Match`.
pub async fn patch(app: &TestApp, who: &Session, id: &str, if_match: Option<&str>, body: Value) -> Answer {
    let mut req = app.client.patch(format!("{}{}", app.address, at(id, ""))).bearer_auth(&who.access_token).json(&body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    TestApp::answer(req.send().await.expect("send")).await
}

/// Sends `body` verbatim as JSON.
pub async fn raw(app: &TestApp, method: Method, path: &str, who: &Session, body: &str) -> Answer {
    let res = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(&who.access_token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("send");
    TestApp::answer(res).await
}

/// A category created by `admin`; returns its id.
pub async fn category(app: &TestApp, admin: &Session, name: &str) -> String {
    let body = serde_json::json!({"name": name});
    id_of(&app.post("/api/v1/admin/categories", &admin.access_token, body).await.expect(201).body)
}

/// The audit actions recorded about a ticket, oldest first.
pub async fn audit_actions(app: &TestApp, admin: &Session, id: &str) -> Vec<String> {
    let page =
        app.get(&format!("/api/v1/admin/audit-logs?resourceId={id}&limit=100"), &admin.access_token).await.expect(200);
    let mut actions: Vec<String> = page.body["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    actions.reverse();
    actions
}

/// The history fields of a ticket as `who` sees them.
pub async fn history_fields(app: &TestApp, who: &Session, id: &str) -> Vec<String> {
    let h = app.get(&at(id, "/history"), &who.access_token).await.expect(200);
    h.body
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Row counts of the tables a ticket change writes.
pub async fn counts(app: &TestApp) -> [i64; 5] {
    [
        app.count_rows("tickets").await,
        app.count_rows("ticket_history").await,
        app.count_rows("audit_logs").await,
        app.count_rows("ticket_comments").await,
        app.count_rows("ticket_tags").await,
    ]
}
