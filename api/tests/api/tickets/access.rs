//! Who sees and does what: row-level visibility, internal notes, assignment
//! rules and soft delete.

use reqwest::Method;
use serde_json::json;

use super::{at, create, history_fields, id_of, ids, list, patch};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    visibility_follows_roles_and_teams,
    internal_notes_are_hidden_from_employees,
    assignment_needs_assign_or_reassign,
    only_admins_delete_and_deleted_tickets_vanish,
);

fn ticket(title: &str) -> serde_json::Value {
    json!({"title": title, "description": format!("{title}: details")})
}

async fn visibility_follows_roles_and_teams(app: TestApp) {
    let admin = app.admin().await;
    let (emp_a, emp_b) = (app.user_by(&admin, "employee").await, app.user_by(&admin, "employee").await);
    let (agent_x, agent_y) = (app.user_by(&admin, "agent").await, app.user_by(&admin, "agent").await);
    let manager = app.user_by(&admin, "manager").await;
    let team_x = app.team(&admin, "Team X", &[&agent_x]).await;
    let team_y = app.team(&admin, "Team Y", &[&agent_y]).await;
    let ta = id_of(&create(&app, &emp_a, ticket("A's laptop")).await);
    let tb = id_of(&create(&app, &emp_b, ticket("B's phone")).await);
    let tc = id_of(&create(&app, &emp_b, ticket("B's monitor")).await);
    patch(&app, &admin, &tb, None, json!({"teamId": team_x})).await.expect(200);
    patch(&app, &admin, &tc, None, json!({"teamId": team_y})).await.expect(200);

    // An employee sees only their own: someone else's ticket does not exist for them.
    for res in [
        app.get(&at(&tb, ""), &emp_a.access_token).await,
        app.get(&at(&tb, "/history"), &emp_a.access_token).await,
        patch(&app, &emp_a, &tb, None, json!({"title": "Mine now"})).await,
        app.post(&at(&tb, "/comments"), &emp_a.access_token, json!({"body": "hello"})).await,
    ] {
        assert_eq!(res.expect(404).code(), "ticket_not_found");
    }
    assert_eq!(ids(&list(&app, &emp_a, &[]).await.expect(200)), vec![ta.clone()]);
    assert_eq!(ids(&list(&app, &emp_b, &[]).await.expect(200)), vec![tc.clone(), tb.clone()]);
    app.get(&at(&ta, ""), &emp_a.access_token).await.expect(200);

    // Agents see their teams' tickets, and those assigned to them.
    assert_eq!(ids(&list(&app, &agent_x, &[]).await.expect(200)), vec![tb.clone()]);
    app.get(&at(&tb, ""), &agent_x.access_token).await.expect(200);
    app.get(&at(&tc, ""), &agent_x.access_token).await.expect(404);
    app.get(&at(&ta, ""), &agent_x.access_token).await.expect(404);
    assert_eq!(ids(&list(&app, &agent_y, &[]).await.expect(200)), vec![tc.clone()]);
    app.post(&at(&ta, "/assign"), &admin.access_token, json!({"assigneeId": agent_x.user_id})).await.expect(200);
    assert_eq!(ids(&list(&app, &agent_x, &[]).await.expect(200)), vec![tb.clone(), ta.clone()]);
    app.get(&at(&ta, ""), &agent_x.access_token).await.expect(200);

    // Managers see everything.
    assert_eq!(ids(&list(&app, &manager, &[]).await.expect(200)), vec![tc.clone(), tb.clone(), ta.clone()]);
    for t in [&ta, &tb, &tc] {
        app.get(&at(t, ""), &manager.access_token).await.expect(200);
    }
    // A malformed id is a ticket that does not exist.
    assert_eq!(app.get(&at("not-a-uuid", ""), &manager.access_token).await.expect(404).code(), "ticket_not_found");
}

async fn internal_notes_are_hidden_from_employees(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Service desk", &[&agent]).await;
    let id = id_of(&create(&app, &employee, ticket("Wi-Fi slow")).await);
    patch(&app, &admin, &id, None, json!({"teamId": team})).await.expect(200);
    let before = app.get(&at(&id, ""), &agent.access_token).await.expect(200).body;

    // The requester's own reply is not a first response; an internal note neither.
    app.post(&at(&id, "/comments"), &employee.access_token, json!({"body": "Still slow"})).await.expect(201);
    let note = app
        .post(&at(&id, "/comments"), &agent.access_token, json!({"body": "Check the RADIUS logs", "internal": true}))
        .await
        .expect(201);
    assert_eq!(note.body["internal"], true);
    assert_eq!(note.body["author"]["id"], agent.user_id.to_string());
    let mid = app.get(&at(&id, ""), &agent.access_token).await.expect(200).body;
    assert!(mid["firstResponseAt"].is_null());
    app.post(&at(&id, "/comments"), &agent.access_token, json!({"body": "Try the 5 GHz network"})).await.expect(201);

    let seen = app.get(&at(&id, ""), &employee.access_token).await.expect(200).body;
    let bodies: Vec<&str> = seen["comments"].as_array().unwrap().iter().filter_map(|c| c["body"].as_str()).collect();
    assert_eq!(bodies, vec!["Still slow", "Try the 5 GHz network"]);
    assert!(seen["firstResponseAt"].is_string());
    assert_eq!(seen["version"], before["version"], "comments do not bump the version");
    assert_ne!(seen["updatedAt"], before["updatedAt"]);
    let agent_view = app.get(&at(&id, ""), &agent.access_token).await.expect(200).body;
    assert_eq!(agent_view["comments"].as_array().map(Vec::len), Some(3));

    assert_eq!(history_fields(&app, &employee, &id).await, vec!["created", "team", "comment", "comment"]);
    assert_eq!(history_fields(&app, &agent, &id).await, vec!["created", "team", "comment", "internal_note", "comment"]);

    // Employees cannot write internal notes; nobody comments on a closed ticket.
    let denied =
        app.post(&at(&id, "/comments"), &employee.access_token, json!({"body": "psst", "internal": true})).await;
    assert_eq!(denied.expect(403).code(), "forbidden");
    app.post(&at(&id, "/close"), &agent.access_token, json!({})).await.expect(200);
    let closed = app.post(&at(&id, "/comments"), &employee.access_token, json!({"body": "Thanks"})).await.expect(409);
    assert_eq!(closed.code(), "ticket_closed");
}

async fn assignment_needs_assign_or_reassign(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let (agent1, agent2, agent3) =
        (app.user_by(&admin, "agent").await, app.user_by(&admin, "agent").await, app.user_by(&admin, "agent").await);
    let lead = app.user_by(&admin, "team_lead").await;
    let team = app.team(&admin, "Desk", &[&agent1, &agent2, &lead]).await;
    let id = id_of(&create(&app, &employee, ticket("Keyboard")).await);
    patch(&app, &admin, &id, None, json!({"teamId": team})).await.expect(200);
    let assign = |who: &crate::helpers::Session, body: serde_json::Value| {
        let token = who.access_token.clone();
        let app = &app;
        let path = at(&id, "/assign");
        async move { app.post(&path, &token, body).await }
    };

    assign(&employee, json!({"assigneeId": employee.user_id})).await.expect(403);
    // Taking an unassigned ticket needs only ticket:assign; a new ticket opens.
    let taken = assign(&agent1, json!({"assigneeId": agent1.user_id})).await.expect(200);
    assert_eq!(taken.body["assignee"]["id"], agent1.user_id.to_string());
    assert_eq!(taken.body["status"], "open");
    // Taking it from someone else needs ticket:reassign, which agents lack.
    assert_eq!(assign(&agent2, json!({"assigneeId": agent2.user_id})).await.expect(403).code(), "forbidden");
    // The assignee may hand their own ticket on.
    assign(&agent1, json!({"assigneeId": agent2.user_id})).await.expect(200);
    assign(&agent1, json!({"assigneeId": agent1.user_id})).await.expect(403);
    // A team lead may reassign.
    let moved = assign(&lead, json!({"assigneeId": agent1.user_id})).await.expect(200);
    assert_eq!(moved.body["assignee"]["id"], agent1.user_id.to_string());

    // The assignee must be an active user who works tickets; the team must exist.
    let unknown = uuid::Uuid::new_v4();
    for body in [json!({"assigneeId": employee.user_id}), json!({"assigneeId": unknown})] {
        let bad = assign(&lead, body).await.expect(422);
        assert!(bad.body["details"]["assigneeId"].is_string(), "{}", bad.body);
    }
    app.call(
        Method::POST,
        &format!("/api/v1/admin/users/{}/deactivate", agent3.user_id),
        Some(&admin.access_token),
        None,
    )
    .await
    .expect(200);
    assert!(
        assign(&lead, json!({"assigneeId": agent3.user_id})).await.expect(422).body["details"]["assigneeId"]
            .is_string()
    );
    let bad_team = assign(&lead, json!({"assigneeId": agent1.user_id, "teamId": unknown})).await.expect(422);
    assert!(bad_team.body["details"]["teamId"].is_string());

    // Unassigning someone else's ticket is a reassignment.
    let freed = assign(&lead, json!({"assigneeId": null})).await.expect(200);
    assert!(freed.body["assignee"].is_null());
    let fields = history_fields(&app, &admin, &id).await;
    assert_eq!(fields, vec!["created", "team", "assignee", "status", "assignee", "assignee", "assignee"]);
    let actions = super::audit_actions(&app, &admin, &id).await;
    assert_eq!(actions.iter().filter(|a| *a == "ticket:assign").count(), 4);

    app.post(&at(&id, "/close"), &lead.access_token, json!({})).await.expect(200);
    assert_eq!(assign(&lead, json!({"assigneeId": agent1.user_id})).await.expect(409).code(), "ticket_closed");
}

async fn only_admins_delete_and_deleted_tickets_vanish(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Desk", &[&agent]).await;
    let id = id_of(&create(&app, &employee, ticket("Old request")).await);
    patch(&app, &admin, &id, None, json!({"teamId": team})).await.expect(200);

    assert_eq!(app.delete(&at(&id, ""), &agent.access_token).await.expect(403).code(), "forbidden");
    app.delete(&at(&id, ""), &employee.access_token).await.expect(403);
    app.delete(&at(&id, ""), &admin.access_token).await.expect(204);
    for who in [&admin, &agent, &employee] {
        assert_eq!(app.get(&at(&id, ""), &who.access_token).await.expect(404).code(), "ticket_not_found");
        assert_eq!(list(&app, who, &[]).await.expect(200).body["meta"]["total"], 0);
    }
    app.delete(&at(&id, ""), &admin.access_token).await.expect(404);
    patch(&app, &admin, &id, None, json!({"priority": "low"})).await.expect(404);
    // The row stays, with its history and audit trail.
    assert_eq!(app.count_rows("tickets").await, 1);
    assert_eq!(super::audit_actions(&app, &admin, &id).await, vec!["ticket:create", "ticket:update", "ticket:delete"]);
    assert_eq!(app.count_rows("ticket_history WHERE field = 'deleted'").await, 1);
}
