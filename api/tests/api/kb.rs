//! The knowledge base on both backends: articles and their workflow, who may
//! do what, versions, ratings and views, sanitising, deflections, the search
//! change log, and importing the demo articles.

mod articles;
mod feedback;
mod import;
mod input;
mod preview;
mod search;
mod suggestions;
mod versions;

use serde_json::{Value, json};

use crate::helpers::{Answer, Session, TestApp};

/// `/api/v1/kb/articles/{id}` plus `tail`.
pub fn at(id: &str, tail: &str) -> String {
    format!("/api/v1/kb/articles/{id}{tail}")
}

/// The `id` of a JSON object.
pub fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

/// Creates a top-level category as `who` (needs kb:publish); returns its id.
pub async fn category(app: &TestApp, who: &Session, slug: &str) -> String {
    let body = json!({"name": format!("Category {slug}"), "slug": slug});
    id_of(&app.post("/api/v1/kb/categories", &who.access_token, body).await.expect(201).body)
}

/// Creates a draft as `who`, asserting 201.
pub async fn draft(app: &TestApp, who: &Session, category: &str, title: &str, body: &str) -> Value {
    let req = json!({"title": title, "bodyMarkdown": body, "categoryId": category, "tags": ["VPN", "remote"]});
    app.post("/api/v1/kb/articles", &who.access_token, req).await.expect(201).body
}

/// Publishes `id` as `who`, asserting 200.
pub async fn publish(app: &TestApp, who: &Session, id: &str) -> Value {
    app.post(&at(id, "/publish"), &who.access_token, json!({})).await.expect(200).body
}

/// `GET /api/v1/kb/articles` with a raw query string.
pub async fn list(app: &TestApp, who: &Session, query: &str) -> Answer {
    app.get(&format!("/api/v1/kb/articles?{query}"), &who.access_token).await.expect(200)
}

/// The slugs of a list page, in order.
pub fn slugs(page: &Answer) -> Vec<String> {
    page.body["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v["slug"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Every search change as (article id, op), oldest first.
pub async fn search_changes(app: &TestApp) -> Vec<(String, String)> {
    helpdesk_api::modules::search::changelog::changes_after(&app.state.db, Some("kb_article"), 0, 100_000)
        .await
        .expect("changes")
        .into_iter()
        .map(|c| (c.entity_id.to_string(), c.op.as_str().to_string()))
        .collect()
}

/// Row counts of the tables an article change writes.
pub async fn counts(app: &TestApp) -> [i64; 5] {
    [
        app.count_rows("kb_articles").await,
        app.count_rows("kb_article_versions").await,
        app.count_rows("kb_article_tags").await,
        app.count_rows("search_changes").await,
        app.count_rows("audit_logs").await,
    ]
}

/// An admin, an employee, an agent and a manager, and a category.
pub struct Cast {
    pub admin: Session,
    pub employee: Session,
    pub agent: Session,
    pub manager: Session,
    pub category: String,
}

pub async fn cast(app: &TestApp) -> Cast {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let manager = app.user_by(&admin, "manager").await;
    let category = category(app, &manager, "network").await;
    Cast { admin, employee, agent, manager, category }
}
