//! Changing tickets: the status machine, SLA effects, optimistic
//! concurrency, and the history and audit trail every change leaves.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{at, audit_actions, counts, create, history_fields, id_of, patch};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    status_moves_follow_the_machine,
    if_match_refuses_stale_writes,
    concurrent_patches_have_one_winner,
    every_change_leaves_history_and_audit,
);

fn time(v: &serde_json::Value) -> DateTime<Utc> {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not a time: {v}"))
}

async fn status_moves_follow_the_machine(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Desk", &[&agent]).await;
    let t = create(&app, &employee, json!({"title": "Outlook crashes", "description": "On start"})).await;
    let id = id_of(&t);

    // The requester may edit a new ticket's text, but not its status or priority.
    patch(&app, &employee, &id, None, json!({"title": "Outlook crashes on start"})).await.expect(200);
    patch(&app, &employee, &id, None, json!({"status": "open"})).await.expect(403);
    patch(&app, &employee, &id, None, json!({"priority": "high"})).await.expect(403);
    patch(&app, &employee, &id, None, json!({"status": "closed"})).await.expect(403);
    patch(&app, &admin, &id, None, json!({"teamId": team})).await.expect(200);

    let step = |status: &'static str| {
        let app = &app;
        let agent = &agent;
        let id = id.clone();
        async move { patch(app, agent, &id, None, json!({"status": status})).await.expect(200).body }
    };
    step("open").await;
    patch(&app, &employee, &id, None, json!({"description": "Too late"})).await.expect(403);
    step("in_progress").await;
    let paused = step("pending_user").await;
    assert_eq!((paused["slaPaused"].as_bool(), paused["slaPauseReason"].as_str()), (Some(true), Some("pending_user")));
    let resumed = step("in_progress").await;
    assert_eq!((resumed["slaPaused"].as_bool(), resumed["slaPauseReason"].as_str()), (Some(false), None));
    let resolved = step("resolved").await;
    assert!(resolved["resolvedAt"].is_string());

    let bad = patch(&app, &agent, &id, None, json!({"status": "in_progress"})).await.expect(422);
    assert_eq!(bad.code(), "invalid_transition");
    let message = bad.body["message"].as_str().unwrap_or_default();
    assert!(message.contains("resolved") && message.contains("in_progress"), "{message}");
    patch(&app, &agent, &id, None, json!({"status": "new"})).await.expect(422);

    // The requester may reopen their resolved ticket; the resolution goes.
    let reopened = patch(&app, &employee, &id, None, json!({"status": "open"})).await.expect(200).body;
    assert_eq!(reopened["status"], "open");
    assert!(reopened["resolvedAt"].is_null());

    // A priority change recomputes the deadlines from creation.
    let critical = patch(&app, &agent, &id, None, json!({"priority": "critical"})).await.expect(200).body;
    let created = time(&critical["createdAt"]);
    assert_eq!(time(&critical["slaResponseDeadline"]) - created, Duration::hours(1));
    assert_eq!(time(&critical["slaResolutionDeadline"]) - created, Duration::hours(4));

    // Closed is final.
    let closed = step("closed").await;
    assert!(closed["closedAt"].is_string());
    assert_eq!(
        patch(&app, &agent, &id, None, json!({"status": "open"})).await.expect(422).code(),
        "invalid_transition"
    );
    assert_eq!(app.post(&at(&id, "/close"), &agent.access_token, json!({})).await.expect(409).code(), "ticket_closed");
    let statuses: Vec<String> = app
        .get(&at(&id, "/history"), &employee.access_token)
        .await
        .expect(200)
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "status")
        .map(|e| format!("{}>{}", e["oldValue"].as_str().unwrap_or(""), e["newValue"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        statuses,
        [
            "new>open",
            "open>in_progress",
            "in_progress>pending_user",
            "pending_user>in_progress",
            "in_progress>resolved",
            "resolved>open",
            "open>closed"
        ]
    );

    // The close endpoint records a resolution as a public reply.
    let other = id_of(&create(&app, &admin, json!({"title": "Toner", "description": "Empty"})).await);
    let done = app.post(&at(&other, "/close"), &agent.access_token, json!({"resolution": "Replaced the toner"})).await;
    assert_eq!(done.expect(404).code(), "ticket_not_found", "not in the agent's teams");
    let done = app
        .post(&at(&other, "/close"), &admin.access_token, json!({"resolution": "Replaced the toner"}))
        .await
        .expect(200);
    assert_eq!((done.body["status"].as_str(), done.headers["etag"].to_str().ok()), (Some("closed"), Some("\"2\"")));
    let detail = app.get(&at(&other, ""), &admin.access_token).await.expect(200).body;
    assert_eq!(detail["comments"][0]["body"], "Replaced the toner");
    assert_eq!(detail["comments"][0]["internal"], false);
    app.post(&at(&other, "/close"), &employee.access_token, json!({})).await.expect(403);
}

async fn if_match_refuses_stale_writes(app: TestApp) {
    let admin = app.admin().await;
    let id = id_of(&create(&app, &admin, json!({"title": "Badge reader", "description": "Door 3"})).await);
    assert_eq!(app.get(&at(&id, ""), &admin.access_token).await.expect(200).headers["etag"], "\"1\"");

    let v2 = patch(&app, &admin, &id, Some("\"1\""), json!({"priority": "high"})).await.expect(200);
    assert_eq!((v2.headers["etag"].to_str().ok(), v2.body["version"].as_i64()), (Some("\"2\""), Some(2)));
    let stale = patch(&app, &admin, &id, Some("\"1\""), json!({"priority": "low"})).await.expect(412);
    assert_eq!(stale.code(), "version_mismatch");
    patch(&app, &admin, &id, Some("W/\"2\""), json!({"priority": "low"})).await.expect(200);
    patch(&app, &admin, &id, Some("3"), json!({"tags": ["door"]})).await.expect(200);
    patch(&app, &admin, &id, Some("*"), json!({"title": "Badge reader broken"})).await.expect(200);
    let latest = patch(&app, &admin, &id, None, json!({"description": "Door 3, ground floor"})).await.expect(200);
    assert_eq!(latest.headers["etag"], "\"6\"");

    // Empty and no-op patches answer the ticket as it is and write nothing.
    let before = counts(&app).await;
    for body in [json!({}), json!({"priority": "low", "tags": ["DOOR"], "title": " Badge reader broken "})] {
        let same = patch(&app, &admin, &id, Some("\"6\""), body).await.expect(200);
        assert_eq!(same.body["version"], 6);
    }
    assert_eq!(counts(&app).await, before);
    // Even a no-op is refused against an old version.
    patch(&app, &admin, &id, Some("\"5\""), json!({})).await.expect(412);
}

async fn concurrent_patches_have_one_winner(app: TestApp) {
    let admin = app.admin().await;
    let id = id_of(&create(&app, &admin, json!({"title": "Projector", "description": "Room 2"})).await);
    let history = app.count_rows("ticket_history").await;
    let attempts =
        (0..8).map(|i| patch(&app, &admin, &id, Some("\"1\""), json!({"title": format!("Projector take {i}")})));
    let answers = futures_util::future::join_all(attempts).await;
    let won: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
    let lost = answers.iter().filter(|a| a.status == 412 && a.code() == "version_mismatch").count();
    assert_eq!((won.len(), lost), (1, 7), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    let now = app.get(&at(&id, ""), &admin.access_token).await.expect(200).body;
    assert_eq!(now["version"], 2);
    assert_eq!(now["title"], won[0].body["title"]);
    assert_eq!(app.count_rows("ticket_history").await, history + 1);
}

async fn every_change_leaves_history_and_audit(app: TestApp) {
    let admin = app.admin().await;
    let id = id_of(&create(&app, &admin, json!({"title": "Monitor", "description": "Flickers"})).await);
    let before = counts(&app).await;
    patch(&app, &admin, &id, None, json!({"priority": "high", "tags": ["display", "hardware"]})).await.expect(200);
    app.post(&at(&id, "/comments"), &admin.access_token, json!({"body": "Ordered a cable"})).await.expect(201);
    app.post(&at(&id, "/comments"), &admin.access_token, json!({"body": "Vendor ticket 123", "internal": true}))
        .await
        .expect(201);
    app.post(&at(&id, "/assign"), &admin.access_token, json!({"assigneeId": admin.user_id})).await.expect(200);
    app.post(&at(&id, "/close"), &admin.access_token, json!({"resolution": "Cable replaced"})).await.expect(200);

    assert_eq!(
        history_fields(&app, &admin, &id).await,
        ["created", "priority", "tags", "comment", "internal_note", "assignee", "status", "status", "comment"]
    );
    assert_eq!(
        audit_actions(&app, &admin, &id).await,
        ["ticket:create", "ticket:update", "ticket:comment", "ticket:comment", "ticket:assign", "ticket:close"]
    );
    let after = counts(&app).await;
    // tickets, history, audit, comments, tags
    assert_eq!(
        [after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3], after[4] - before[4]],
        [0, 8, 5, 3, 2]
    );
    let entry = app
        .get(&format!("/api/v1/admin/audit-logs?resourceId={id}&action=ticket:update"), &admin.access_token)
        .await
        .expect(200);
    let changes = &entry.body["data"][0]["details"]["changes"];
    assert_eq!(changes[0], json!({"field": "priority", "old": "medium", "new": "high"}));
    assert_eq!(changes[1], json!({"field": "tags", "old": "", "new": "display,hardware"}));
}
