//! Raising, listing, linking and dismissing alerts.

use chrono::Utc;
use serde_json::{Value, json};

use super::{desk, ordinary_history, scan_now, wifi_burst};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_burst_raises_one_alert_and_notifies_leads,
    an_ordinary_rate_raises_nothing,
    linking_writes_parent_and_child_relations,
);

fn notifications_of_kind(list: &Value, kind: &str) -> Vec<Value> {
    list["data"].as_array().unwrap().iter().filter(|n| n["kind"] == kind).cloned().collect()
}

async fn a_burst_raises_one_alert_and_notifies_leads(app: TestApp) {
    let desk = desk(&app).await;
    ordinary_history(&app, &desk, Utc::now()).await;
    let burst = wifi_burst(&app, &desk, 20).await;

    let report = scan_now(&app).await;
    assert_eq!(report.raised.len(), 1, "{report:?}");
    let lead = desk.lead.access_token.as_str();
    let list = app.get("/api/v1/incidents/alerts", lead).await.expect(200).body;
    assert_eq!(list["meta"]["total"], 1, "{list}");
    let alert = &list["data"][0];
    assert_eq!((alert["category"].as_str(), alert["subcategory"].as_str()), (Some("network"), Some("wifi")));
    assert_eq!(alert["status"], "open");
    assert!(alert["observed"].as_i64().unwrap() >= 20 && alert["expected"].as_f64().unwrap() < 5.0, "{alert}");

    // The detail lists the burst's tickets.
    let id = alert["id"].as_str().unwrap();
    let detail = app.get(&format!("/api/v1/incidents/alerts/{id}"), lead).await.expect(200).body;
    let listed: Vec<&str> = detail["tickets"].as_array().unwrap().iter().filter_map(|t| t["id"].as_str()).collect();
    assert!(burst.iter().all(|b| listed.contains(&b.to_string().as_str())), "{detail}");

    // Team leads are told, with the tickets; agents are not.
    let notes = app.get("/api/v1/notifications", lead).await.expect(200).body;
    let alerts = notifications_of_kind(&notes, "incident.alert");
    assert_eq!(alerts.len(), 1, "{notes}");
    assert_eq!(alerts[0]["data"]["alertId"], alert["id"]);
    assert!(alerts[0]["data"]["ticketIds"].as_array().unwrap().len() >= 20);
    let agent_notes = app.get("/api/v1/notifications", &desk.agent.access_token).await.expect(200).body;
    assert!(notifications_of_kind(&agent_notes, "incident.alert").is_empty());

    // The next run finds the same spike going on: it joins the alert, no second one.
    let again = scan_now(&app).await;
    assert!(again.raised.is_empty() && again.continued.len() == 1, "{again:?}");
    assert_eq!(app.get("/api/v1/incidents/alerts", lead).await.expect(200).body["meta"]["total"], 1);
    let notes = app.get("/api/v1/notifications", lead).await.expect(200).body;
    assert_eq!(notifications_of_kind(&notes, "incident.alert").len(), 1);

    // Only incident leads may look.
    app.get("/api/v1/incidents/alerts", &desk.agent.access_token).await.expect(403);
    app.get(&format!("/api/v1/incidents/alerts/{id}"), &desk.employee.access_token).await.expect(403);
    app.get("/api/v1/incidents/alerts?status=open", &desk.admin.access_token).await.expect(200);
}

async fn an_ordinary_rate_raises_nothing(app: TestApp) {
    let desk = desk(&app).await;
    ordinary_history(&app, &desk, Utc::now()).await;
    // Two more wifi tickets: the usual rate.
    wifi_burst(&app, &desk, 2).await;
    let report = scan_now(&app).await;
    assert!(report.raised.is_empty() && report.continued.is_empty(), "{report:?}");
    let list = app.get("/api/v1/incidents/alerts", &desk.lead.access_token).await.expect(200).body;
    assert_eq!(list["meta"]["total"], 0, "{list}");
}

async fn linking_writes_parent_and_child_relations(app: TestApp) {
    let desk = desk(&app).await;
    ordinary_history(&app, &desk, Utc::now()).await;
    wifi_burst(&app, &desk, 20).await;
    scan_now(&app).await;
    let lead = desk.lead.access_token.as_str();
    let list = app.get("/api/v1/incidents/alerts", lead).await.expect(200).body;
    let id = list["data"][0]["id"].as_str().unwrap().to_string();
    let count = list["data"][0]["ticketCount"].as_i64().unwrap();
    let path = format!("/api/v1/incidents/alerts/{id}/link");

    // Exactly one of parentTicketId and createParent.
    app.post(&path, lead, json!({})).await.expect(422);
    let unknown = json!({"parentTicketId": uuid::Uuid::new_v4()});
    assert_eq!(app.post(&path, lead, unknown).await.expect(422).code(), "validation_failed");

    let before = app.count_rows("ticket_related").await;
    let parent = json!({"createParent": {"title": "Staff-5G outage", "description": "Access points down", "priority": "critical"}});
    let linked = app.post(&path, lead, parent).await.expect(200).body;
    assert_eq!(linked["alert"]["status"], "linked");
    let parent_id = linked["alert"]["parentTicketId"].as_str().expect("a parent").to_string();
    assert_eq!(linked["alert"]["resolvedBy"], desk.lead.user_id.to_string());
    assert_eq!(app.count_rows("ticket_related").await - before, 2 * count, "a row each way per ticket");
    let parent_ticket = app.get(&format!("/api/v1/tickets/{parent_id}"), lead).await.expect(200).body;
    assert_eq!(parent_ticket["priority"], "critical");

    // Linking again (to the same parent) adds nothing; the detail shows the link.
    app.post(&path, lead, json!({"parentTicketId": parent_id})).await.expect(200);
    assert_eq!(app.count_rows("ticket_related").await - before, 2 * count);
    let detail = app.get(&format!("/api/v1/incidents/alerts/{id}"), lead).await.expect(200).body;
    assert_eq!(detail["alert"]["parentTicketId"], parent_id.as_str());
    let dismiss = app.post(&format!("/api/v1/incidents/alerts/{id}/dismiss"), lead, json!({})).await.expect(409);
    assert_eq!(dismiss.code(), "incident_alert_linked");
    let linked_only = app.get("/api/v1/incidents/alerts?status=linked", lead).await.expect(200).body;
    assert_eq!(linked_only["meta"]["total"], 1);

    // Tickets that keep coming in the linked spike join the incident at the next run.
    let more = wifi_burst(&app, &desk, 3).await;
    let report = scan_now(&app).await;
    assert!(report.raised.is_empty(), "{report:?}");
    use helpdesk_api::entities::ticket_related;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let parent: uuid::Uuid = parent_id.parse().unwrap();
    let joined = ticket_related::Entity::find()
        .filter(ticket_related::Column::TicketId.is_in(more))
        .filter(ticket_related::Column::RelatedTicketId.eq(parent))
        .filter(ticket_related::Column::RelationType.eq("parent"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(joined, 3);
    assert_eq!(app.get("/api/v1/incidents/alerts?status=dismissed", lead).await.expect(200).body["meta"]["total"], 0);
}
