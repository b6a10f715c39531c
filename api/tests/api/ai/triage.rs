//! The `ai.triage` job: thresholds, valid labels only, idempotence, retries and dead letters.

use std::sync::atomic::Ordering;

use helpdesk_api::entities::{job, ticket};
use helpdesk_api::modules::ai::TRIAGE_KIND;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{Scripted, predictions, taxonomy, triaged_ticket, with_provider};
use crate::helpers::TestApp;
use crate::jobs::{eventually, wait_for_state};
use crate::on_both_backends;

on_both_backends!(
    confident_fields_are_applied_and_the_rest_suggested,
    only_labels_of_the_taxonomy_are_stored,
    a_subcategory_of_another_category_is_refused,
    a_failing_provider_is_retried_then_dead_and_the_ticket_stands,
);

async fn row(app: &TestApp, id: Uuid) -> ticket::Model {
    ticket::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap()
}

async fn confident_fields_are_applied_and_the_rest_suggested(base: TestApp) {
    let admin = base.admin().await;
    let ids = taxonomy(&base, &admin).await;
    let provider = Scripted::says(("network", 0.95), ("vpn", 0.9), ("high", 0.6));
    let app = with_provider(&base, provider.clone()).await;
    let employee = app.user_by(&admin, "employee").await;
    let ticket = triaged_ticket(&app, &employee).await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(ticket["priority"], "medium", "creating a ticket does not wait for AI");
    let stored = predictions(&app, id).await;
    assert_eq!(
        stored,
        vec![
            ("category".into(), Some("network".into()), "applied".into()),
            ("priority".into(), Some("high".into()), "suggested".into()),
            ("subcategory".into(), Some("vpn".into()), "applied".into()),
        ]
    );
    let t = row(&app, id).await;
    assert_eq!(t.category_id, Some(ids["vpn"]), "category and subcategory applied: the subcategory is filed");
    assert_eq!(t.priority, "medium");
    assert_eq!(t.ai_suggested_priority.as_deref(), Some("high"));
    assert_eq!(t.ai_suggested_category, None, "nothing left to suggest for the category");
    assert_eq!(t.ai_model_version.as_deref(), Some("v1"));
    // The change is in the history, made by the system (no user).
    let history = app.get(&format!("/api/v1/tickets/{id}/history"), &admin.access_token).await.expect(200);
    let category = history.body.as_array().unwrap().iter().find(|h| h["field"] == "category").cloned().unwrap();
    assert!(category["actor"].is_null(), "{category}");

    // Admins lower the priority threshold: the next ticket gets its priority applied.
    let body = serde_json::json!({"category": 0.85, "subcategory": 0.85, "priority": 0.5});
    app.put("/api/v1/ai/thresholds", &admin.access_token, body).await.expect(200);
    let second = triaged_ticket(&app, &employee).await;
    let second: Uuid = second["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(row(&app, second).await.priority, "high");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
}

async fn only_labels_of_the_taxonomy_are_stored(base: TestApp) {
    let admin = base.admin().await;
    taxonomy(&base, &admin).await;
    // An invented category and priority, with great confidence.
    let app = with_provider(&base, Scripted::says(("gardening", 0.99), ("vpn", 0.99), ("urgent", 0.99))).await;
    let employee = app.user_by(&admin, "employee").await;
    let ticket = triaged_ticket(&app, &employee).await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    let stored = predictions(&app, id).await;
    assert_eq!(
        stored,
        vec![("category".into(), None, "abstained".into()), ("priority".into(), None, "abstained".into())],
    );
    let t = row(&app, id).await;
    assert_eq!((t.category_id, t.ai_suggested_category), (None, None));
    assert_eq!((t.priority.as_str(), t.ai_suggested_priority), ("medium", None));
}

/// On a database of its own: another instance with another provider would share the queue.
async fn a_subcategory_of_another_category_is_refused(base: TestApp) {
    let admin = base.admin().await;
    taxonomy(&base, &admin).await;
    let app = with_provider(&base, Scripted::says(("access", 0.99), ("vpn", 0.99), ("low", 0.99))).await;
    let employee = app.user_by(&admin, "employee").await;
    let ticket = triaged_ticket(&app, &employee).await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    let stored = predictions(&app, id).await;
    assert!(stored.contains(&("subcategory".into(), None, "abstained".into())), "{stored:?}");
    assert!(stored.contains(&("category".into(), Some("access".into()), "applied".into())), "{stored:?}");
}

async fn a_failing_provider_is_retried_then_dead_and_the_ticket_stands(base: TestApp) {
    let admin = base.admin().await;
    taxonomy(&base, &admin).await;
    let provider = Scripted::failing();
    let app = with_provider(&base, provider.clone()).await;
    let employee = app.user_by(&admin, "employee").await;
    let ticket = app.ticket(&employee, "Printer on fire").await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    let triage_job = || async {
        job::Entity::find().filter(job::Column::Kind.eq(TRIAGE_KIND)).one(&app.state.db).await.unwrap().map(|j| j.id)
    };
    eventually("the triage job was enqueued", || async { triage_job().await.is_some() }).await;
    let job_id = triage_job().await;
    let dead = wait_for_state(&app, job_id.unwrap(), "dead").await;
    assert_eq!(dead.attempts, 2);
    assert!(dead.last_error.unwrap_or_default().contains("the model server is down"));
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    assert!(predictions(&app, id).await.is_empty());
    let t = app.get(&format!("/api/v1/tickets/{id}"), &employee.access_token).await.expect(200);
    assert_eq!((t.body["status"].as_str(), t.body["priority"].as_str()), (Some("new"), Some("medium")));
}
