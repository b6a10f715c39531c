//! Agents accept and correct predictions; edits count as corrections; the AI page's figures.

use helpdesk_api::entities::{ai_feedback, ticket};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::{Scripted, taxonomy, triaged_ticket, with_provider};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(agents_accept_and_correct_and_every_verdict_is_recorded);

async fn feedback(app: &TestApp) -> Vec<(String, String, String)> {
    let rows =
        ai_feedback::Entity::find().order_by_asc(ai_feedback::Column::CreatedAt).all(&app.state.db).await.unwrap();
    rows.into_iter().map(|f| (f.field, f.verdict, f.agent_value)).collect()
}

async fn agents_accept_and_correct_and_every_verdict_is_recorded(base: TestApp) {
    let admin = base.admin().await;
    let ids = taxonomy(&base, &admin).await;
    // Unsure about everything: only suggestions.
    let app = with_provider(&base, Scripted::says(("network", 0.6), ("wifi", 0.5), ("high", 0.55))).await;
    let employee = app.user_by(&admin, "employee").await;
    let manager = app.user_by(&admin, "manager").await;
    let ticket = triaged_ticket(&app, &employee).await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    let t = app.get(&format!("/api/v1/tickets/{id}"), &manager.access_token).await.expect(200);
    assert_eq!(t.body["aiSuggestedCategory"], json!(ids["wifi"].to_string()));
    assert_eq!(t.body["aiSuggestedPriority"], "high");
    assert!(t.body["categoryId"].is_null());

    let url = |action: &str| format!("/api/v1/tickets/{id}/ai/{action}");
    // The requester may not settle predictions.
    let denied = app.post(&url("accept"), &employee.access_token, json!({"field": "priority"})).await;
    assert_eq!(denied.status, 403);
    // Accepting the priority applies it.
    let accepted = app.post(&url("accept"), &manager.access_token, json!({"field": "priority"})).await.expect(200);
    assert_eq!(accepted.body["verdict"], "accepted");
    // Rejecting needs the right value, and it must be a real category.
    app.post(&url("reject"), &manager.access_token, json!({"field": "category"})).await.expect(422);
    let bogus = json!({"field": "category", "value": Uuid::new_v4()});
    app.post(&url("reject"), &manager.access_token, bogus).await.expect(422);
    let right = json!({"field": "subcategory", "value": ids["vpn"]});
    let corrected = app.post(&url("reject"), &manager.access_token, right).await.expect(200);
    assert_eq!(
        (corrected.body["verdict"].as_str(), corrected.body["agentValue"].as_str()),
        (Some("corrected"), Some("vpn"))
    );
    let row = ticket::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((row.priority.as_str(), row.category_id), ("high", Some(ids["vpn"])));
    assert_eq!((row.ai_suggested_priority, row.ai_suggested_category), (None, None), "settled, so no longer suggested");

    // An agent's edit of a predicted field is a correction too.
    let edit = json!({"categoryId": ids["access"], "priority": "low"});
    app.patch(&format!("/api/v1/tickets/{id}"), &manager.access_token, edit).await.expect(200);
    let mut recorded = feedback(&app).await;
    recorded.sort();
    let mut expected: Vec<(String, String, String)> = vec![
        ("priority".into(), "accepted".into(), "high".into()),
        ("subcategory".into(), "corrected".into(), "vpn".into()),
        ("priority".into(), "corrected".into(), "low".into()),
        ("category".into(), "corrected".into(), "access".into()),
        ("subcategory".into(), "corrected".into(), "access".into()),
    ];
    expected.sort();
    assert_eq!(recorded, expected);

    // The AI page: the one category prediction (network) was overridden by `access`.
    app.get("/api/v1/ai/metrics", &employee.access_token).await.expect(403);
    let m = app.get("/api/v1/ai/metrics", &manager.access_token).await.expect(200).body;
    assert_eq!(
        (m["suggested"].as_u64(), m["feedback"].as_u64(), m["modelVersion"].as_str()),
        (Some(1), Some(1), Some("v1"))
    );
    let of = |name: &str| m["categories"].as_array().unwrap().iter().find(|c| c["category"] == name).cloned().unwrap();
    assert_eq!((of("network")["precision"].as_f64(), of("network")["overrideRate"].as_f64()), (Some(0.0), Some(1.0)));
    assert_eq!(of("access")["recall"].as_f64(), Some(0.0));
    app.put(
        "/api/v1/ai/thresholds",
        &manager.access_token,
        json!({"category": 0.5, "subcategory": 0.5, "priority": 0.5}),
    )
    .await
    .expect(403);
    let bad = json!({"category": 1.5, "subcategory": 0.5, "priority": 0.5});
    app.put("/api/v1/ai/thresholds", &admin.access_token, bad).await.expect(422);
}
