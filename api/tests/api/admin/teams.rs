//! Teams, their members, and the read-only directory agents use.

use serde_json::json;
use uuid::Uuid;

use super::{audit_entries, id_of};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(teams_are_created_renamed_and_deleted, members_join_and_leave);

async fn teams_are_created_renamed_and_deleted(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let network = app
        .post("/api/v1/admin/teams", token, json!({"name": " Network ", "description": "Wi-Fi and VPN"}))
        .await
        .expect(201);
    assert_eq!(network.body["name"], "Network");
    assert_eq!(network.body["memberCount"], 0);
    let network_id = id_of(&network.body);
    let desk = app.post("/api/v1/admin/teams", token, json!({"name": "Desk"})).await.expect(201);
    let desk_id = id_of(&desk.body);

    let teams = app.count_rows("teams").await;
    let audits = app.count_rows("audit_logs").await;
    let taken = app.post("/api/v1/admin/teams", token, json!({"name": "NETWORK"})).await.expect(409);
    assert_eq!(taken.code(), "team_name_taken");
    let empty = app.post("/api/v1/admin/teams", token, json!({"name": "  "})).await.expect(422);
    assert!(empty.body["details"]["name"].is_string());
    let rename_clash = app.patch(&format!("/api/v1/admin/teams/{desk_id}"), token, json!({"name": "network"})).await;
    assert_eq!(rename_clash.expect(409).code(), "team_name_taken");
    assert_eq!(app.count_rows("teams").await, teams);
    assert_eq!(app.count_rows("audit_logs").await, audits);

    let renamed =
        app.patch(&format!("/api/v1/admin/teams/{desk_id}"), token, json!({"name": "Service Desk"})).await.expect(200);
    assert_eq!(renamed.body["name"], "Service Desk");
    assert!(renamed.body["description"].is_null());
    let list = app.get("/api/v1/admin/teams", token).await.expect(200);
    let names: Vec<&str> =
        list.body.as_array().map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["Network", "Service Desk"]);

    app.delete(&format!("/api/v1/admin/teams/{network_id}"), token).await.expect(204);
    let gone = app.delete(&format!("/api/v1/admin/teams/{network_id}"), token).await.expect(404);
    assert_eq!(gone.code(), "team_not_found");
    app.patch(&format!("/api/v1/admin/teams/{}", Uuid::new_v4()), token, json!({"name": "X"})).await.expect(404);
    let malformed = app.delete("/api/v1/admin/teams/12", token).await.expect(400);
    assert_eq!(malformed.code(), "invalid_path");
    assert_eq!(app.count_rows("teams").await, 1);

    assert_eq!(audit_entries(&app, &admin, "team:create").await.len(), 2);
    let updates = audit_entries(&app, &admin, "team:update").await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["details"]["name"], json!({"from": "Desk", "to": "Service Desk"}));
    assert_eq!(audit_entries(&app, &admin, "team:delete").await.len(), 1);
}

async fn members_join_and_leave(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let agent = app.user_by(&admin, "agent").await;
    let employee = app.user_by(&admin, "employee").await;
    let team = app.post("/api/v1/admin/teams", token, json!({"name": "Network"})).await.expect(201);
    let team_id = id_of(&team.body);
    let members = format!("/api/v1/admin/teams/{team_id}/members");

    // Warm the agent's cached access, then join: the team shows at once.
    let me = app.get("/api/v1/auth/me", &agent.access_token).await.expect(200);
    assert_eq!(me.body["teams"], json!([]));
    let added = app.post(&members, token, json!({"userId": agent.user_id, "role": "lead"})).await.expect(201);
    assert_eq!(added.body["role"], "lead");
    assert_eq!(added.body["user"]["id"], json!(agent.user_id));
    let me = app.get("/api/v1/auth/me", &agent.access_token).await.expect(200);
    assert_eq!(me.body["teams"], json!([{"id": team_id, "name": "Network", "role": "lead"}]));
    app.post(&members, token, json!({"userId": employee.user_id})).await.expect(201);

    let before = app.count_rows("team_members").await;
    let again = app.post(&members, token, json!({"userId": agent.user_id})).await.expect(409);
    assert_eq!(again.code(), "already_member");
    let nobody = app.post(&members, token, json!({"userId": Uuid::new_v4()})).await.expect(422);
    assert!(nobody.body["details"]["userId"].is_string(), "{}", nobody.body);
    let boss = app.post(&members, token, json!({"userId": agent.user_id, "role": "boss"})).await.expect(422);
    assert!(boss.body["details"]["role"].is_string());
    let bad_id = app.post(&members, token, json!({"userId": "nope"})).await.expect(422);
    assert!(bad_id.body["details"]["userId"].is_string());
    let no_team = app
        .post(&format!("/api/v1/admin/teams/{}/members", Uuid::new_v4()), token, json!({"userId": agent.user_id}))
        .await;
    assert_eq!(no_team.expect(404).code(), "team_not_found");
    assert_eq!(app.count_rows("team_members").await, before);

    let listed = app.get(&members, token).await.expect(200);
    assert_eq!(listed.body.as_array().map(Vec::len), Some(2));
    assert_eq!(listed.body[0]["role"], "lead", "leads first");
    let teams = app.get("/api/v1/admin/teams", token).await.expect(200);
    assert_eq!(teams.body[0]["memberCount"], 2);

    // The directory: agents read it, employees may not.
    let directory = app.get("/api/v1/teams", &agent.access_token).await.expect(200);
    assert_eq!(directory.body[0]["name"], "Network");
    app.get(&format!("/api/v1/teams/{team_id}/members"), &agent.access_token).await.expect(200);
    app.get("/api/v1/teams", &employee.access_token).await.expect(403);
    app.get(&format!("/api/v1/teams/{team_id}/members"), &employee.access_token).await.expect(403);

    let remove = format!("{members}/{}", agent.user_id);
    app.delete(&remove, token).await.expect(204);
    let me = app.get("/api/v1/auth/me", &agent.access_token).await.expect(200);
    assert_eq!(me.body["teams"], json!([]));
    assert_eq!(app.delete(&remove, token).await.expect(404).code(), "member_not_found");
    let malformed = app.delete(&format!("{members}/not-a-user"), token).await.expect(400);
    assert!(malformed.body["details"]["userId"].is_string(), "{}", malformed.body);
    assert!(malformed.body["details"].get("id").is_none(), "{}", malformed.body);

    let adds = audit_entries(&app, &admin, "team:member_add").await;
    assert_eq!(adds.len(), 2);
    assert!(adds.iter().any(|e| e["details"] == json!({"userId": agent.user_id, "role": "lead"})));
    let removes = audit_entries(&app, &admin, "team:member_remove").await;
    assert_eq!(removes.len(), 1);
    assert_eq!(removes[0]["resourceId"], json!(team_id));

    // Deleting the team drops the remaining member's membership from their access too.
    app.delete(&format!("/api/v1/admin/teams/{team_id}"), token).await.expect(204);
    let me = app.get("/api/v1/auth/me", &employee.access_token).await.expect(200);
    assert_eq!(me.body["teams"], json!([]));
    assert_eq!(app.count_rows("team_members").await, 0);
}
