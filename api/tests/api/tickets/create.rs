//! Raising tickets: the answer, numbering under concurrency, and reading back.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{at, create, history_fields, id_of};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(create_answers_the_ticket_with_number_location_and_etag, concurrent_creates_get_distinct_numbers);

fn time(v: &serde_json::Value) -> DateTime<Utc> {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not a time: {v}"))
}

async fn create_answers_the_ticket_with_number_location_and_etag(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let res = app
        .post(
            "/api/v1/tickets",
            &employee.access_token,
            json!({"title": "  VPN drops every hour ", "description": "Since Monday", "priority": "high",
                   "tags": [" VPN ", "vpn", "Wi-Fi"]}),
        )
        .await
        .expect(201);
    let t = res.body.clone();
    let id = id_of(&t);
    assert_eq!(res.headers["location"], at(&id, "").as_str());
    assert_eq!(res.headers["etag"], "\"1\"");
    let number = t["ticketNumber"].as_str().unwrap_or_default();
    let today = Utc::now().format("%Y%m%d").to_string();
    assert_eq!(number, format!("TKT-{today}-00001"));
    assert_eq!(t["title"], "VPN drops every hour");
    assert_eq!(
        (t["status"].as_str(), t["priority"].as_str(), t["version"].as_i64()),
        (Some("new"), Some("high"), Some(1))
    );
    assert_eq!(t["tags"], json!(["vpn", "wi-fi"]));
    assert_eq!(t["requester"]["id"], employee.user_id.to_string());
    assert_eq!(t["requester"]["email"], employee.email);
    assert!(t["assignee"].is_null() && t["teamId"].is_null() && !t["slaPaused"].as_bool().unwrap_or(true));
    let created = time(&t["createdAt"]);
    assert_eq!(time(&t["slaResponseDeadline"]) - created, Duration::hours(4));
    assert_eq!(time(&t["slaResolutionDeadline"]) - created, Duration::hours(24));

    // Defaults: medium priority (8h / 72h), no tags; numbers count up.
    let second = create(&app, &employee, json!({"title": "Mouse", "description": "Broken"})).await;
    assert_eq!(second["ticketNumber"], format!("TKT-{today}-00002"));
    assert_eq!(second["priority"], "medium");
    assert_eq!(second["tags"], json!([]));
    let created = time(&second["createdAt"]);
    assert_eq!(time(&second["slaResponseDeadline"]) - created, Duration::hours(8));
    assert_eq!(time(&second["slaResolutionDeadline"]) - created, Duration::hours(72));

    // Reading it back gives the same ticket, with comments and the ETag.
    let got = app.get(&at(&id, ""), &employee.access_token).await.expect(200);
    assert_eq!(got.headers["etag"], "\"1\"");
    assert_eq!(got.body["comments"], json!([]));
    for key in [
        "id",
        "ticketNumber",
        "title",
        "description",
        "status",
        "priority",
        "tags",
        "requester",
        "createdAt",
        "slaResponseDeadline",
    ] {
        assert_eq!(got.body[key], t[key], "{key}");
    }
    assert_eq!(history_fields(&app, &employee, &id).await, vec!["created"]);
    let history = app.get(&at(&id, "/history"), &employee.access_token).await.expect(200);
    assert_eq!(history.body[0]["newValue"], number);
    assert_eq!(history.body[0]["actor"]["id"], employee.user_id.to_string());
    assert_eq!(super::audit_actions(&app, &admin, &id).await, vec!["ticket:create"]);

    // Not signed in.
    app.call(reqwest::Method::GET, "/api/v1/tickets", None, None).await.expect(401);
    app.call(reqwest::Method::POST, "/api/v1/tickets", None, Some(json!({"title": "abc", "description": "d"})))
        .await
        .expect(401);
}

async fn concurrent_creates_get_distinct_numbers(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let requests = (0..200).map(|i| {
        app.post(
            "/api/v1/tickets",
            &employee.access_token,
            json!({"title": format!("Concurrent {i}"), "description": "load", "tags": ["load"]}),
        )
    });
    let answers = futures_util::future::join_all(requests).await;
    let mut numbers = HashSet::new();
    for a in answers {
        let a = a.expect(201);
        let n = a.body["ticketNumber"].as_str().unwrap_or_default().to_string();
        assert!(n.len() == 18 && n.starts_with("TKT-"), "{n}");
        numbers.insert(n);
    }
    assert_eq!(numbers.len(), 200, "every ticket got its own number");
    assert_eq!(app.count_rows("tickets").await, 200);
    assert_eq!(app.count_rows("ticket_history").await, 200);
    assert_eq!(app.count_rows("ticket_tags").await, 200);
    let page = super::list(&app, &employee, &[("limit", "1")]).await.expect(200);
    assert_eq!(page.body["meta"]["total"], 200);
}
