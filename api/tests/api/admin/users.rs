//! Creating, listing, promoting and deactivating accounts.

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use super::{audit_entries, my_permissions};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    creating_users_validates_and_generates_passwords,
    listing_users_filters_and_pages,
    a_role_change_applies_on_the_next_request,
    deactivation_ends_every_session,
    the_last_admin_cannot_be_removed,
);

async fn creating_users_validates_and_generates_passwords(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let created = app
        .post("/api/v1/admin/users", token, json!({"email": "Sara@Example.com", "name": "Sara", "role": "agent"}))
        .await
        .expect(201);
    assert_eq!(created.body["user"]["email"], "sara@example.com");
    assert_eq!(created.body["user"]["role"], "agent");
    assert_eq!(created.body["user"]["isActive"], true);
    let generated = created.body["generatedPassword"].as_str().unwrap_or_default().to_string();
    assert!(generated.len() >= 16, "{}", created.body);
    let sara = app.login("sara@example.com", &generated).await;
    let id = sara.user_id;
    let one = app.get(&format!("/api/v1/admin/users/{id}"), token).await.expect(200);
    assert_eq!(one.body["name"], "Sara");

    // A given password is not echoed.
    let given = app
        .post(
            "/api/v1/admin/users",
            token,
            json!({"email": "omar@example.com", "name": "Omar", "password": "omar-password-1", "role": "employee"}),
        )
        .await
        .expect(201);
    assert!(given.body.get("generatedPassword").is_none(), "{}", given.body);
    app.login("omar@example.com", "omar-password-1").await;

    let users = app.count_rows("users").await;
    let audits = app.count_rows("audit_logs").await;
    let taken = app
        .post("/api/v1/admin/users", token, json!({"email": " SARA@example.com", "name": "Other", "role": "agent"}))
        .await
        .expect(409);
    assert_eq!(taken.code(), "email_taken");
    let bad_email =
        app.post("/api/v1/admin/users", token, json!({"email": "sara-at-example", "name": "S", "role": "agent"})).await;
    let bad_email = bad_email.expect(422);
    assert!(bad_email.body["details"]["email"].is_string(), "{}", bad_email.body);
    let bad_role =
        app.post("/api/v1/admin/users", token, json!({"email": "x@example.com", "name": "X", "role": "wizard"})).await;
    assert!(bad_role.expect(422).body["details"]["role"].is_string());
    let several = app
        .post(
            "/api/v1/admin/users",
            token,
            json!({"email": "x@example.com", "name": " ", "password": "short", "role": "agent"}),
        )
        .await
        .expect(422);
    assert!(several.body["details"]["name"].is_string() && several.body["details"]["password"].is_string());
    let unknown = app
        .post(
            "/api/v1/admin/users",
            token,
            json!({"email": "x@example.com", "name": "X", "role": "agent", "admin": true}),
        )
        .await
        .expect(422);
    assert!(unknown.body["details"]["admin"].is_string(), "{}", unknown.body);
    assert_eq!(app.count_rows("users").await, users, "failed creations write nothing");
    assert_eq!(app.count_rows("audit_logs").await, audits);

    let missing = app.get(&format!("/api/v1/admin/users/{}", Uuid::new_v4()), token).await.expect(404);
    assert_eq!(missing.code(), "user_not_found");
    let malformed = app.get("/api/v1/admin/users/not-a-uuid", token).await.expect(400);
    assert_eq!(malformed.code(), "invalid_path");
    assert!(malformed.body["details"]["id"].is_string(), "{}", malformed.body);
    assert_eq!(malformed.body["path"], "/api/v1/admin/users/not-a-uuid");

    let entries = audit_entries(&app, &admin, "user:create").await;
    let sara_entry = entries.iter().find(|e| e["resourceId"] == json!(id)).cloned().unwrap_or_default();
    assert_eq!(sara_entry["details"]["role"], "agent");
    assert_eq!(sara_entry["userId"], json!(admin.user_id));
}

async fn listing_users_filters_and_pages(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    for (name, role) in [("Zed One", "agent"), ("Zed Two", "agent"), ("Amy", "agent"), ("Zed Three", "employee")] {
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        app.post(
            "/api/v1/admin/users",
            token,
            json!({"email": email, "name": name, "password": "list-password-1", "role": role}),
        )
        .await
        .expect(201);
    }
    let agents = app.get("/api/v1/admin/users?role=agent", token).await.expect(200);
    assert_eq!(agents.body["meta"]["total"], 3);
    let zeds = app.get("/api/v1/admin/users?q=ZED", token).await.expect(200);
    assert_eq!(zeds.body["meta"]["total"], 3);
    let zed_agents = app.get("/api/v1/admin/users?q=zed&role=agent", token).await.expect(200);
    assert_eq!(zed_agents.body["meta"]["total"], 2);

    let page = app.get("/api/v1/admin/users?role=agent&limit=2&page=2", token).await.expect(200);
    assert_eq!(page.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(page.body["meta"], json!({"page": 2, "limit": 2, "total": 3, "totalPages": 2}));
    assert_eq!(page.body["links"]["prev"], "/api/v1/admin/users?role=agent&page=1&limit=2");
    assert_eq!(page.body["links"]["first"], "/api/v1/admin/users?role=agent&page=1&limit=2");
    assert_eq!(page.body["links"]["last"], "/api/v1/admin/users?role=agent&page=2&limit=2");
    assert!(page.body["links"]["next"].is_null());

    let amy = agents.body["data"].as_array().and_then(|d| d.iter().find(|u| u["name"] == "Amy")).cloned();
    let amy_id = amy.map(|u| u["id"].as_str().unwrap_or_default().to_string()).unwrap_or_default();
    app.post(&format!("/api/v1/admin/users/{amy_id}/deactivate"), token, json!({})).await.expect(200);
    let inactive = app.get("/api/v1/admin/users?active=false", token).await.expect(200);
    assert_eq!(inactive.body["meta"]["total"], 1);
    assert_eq!(inactive.body["data"][0]["name"], "Amy");
    let active_agents = app.get("/api/v1/admin/users?role=agent&active=true", token).await.expect(200);
    assert_eq!(active_agents.body["meta"]["total"], 2);

    let bad_limit = app.get("/api/v1/admin/users?limit=0", token).await.expect(400);
    assert!(bad_limit.body["details"]["limit"].is_string());
    let bad_active = app.get("/api/v1/admin/users?active=maybe", token).await.expect(400);
    assert!(bad_active.body["details"]["active"].is_string(), "{}", bad_active.body);
    app.get("/api/v1/admin/users?role=wizard", token).await.expect(422);
}

async fn a_role_change_applies_on_the_next_request(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let worker = app.user_by(&admin, "employee").await;
    // Warm the permission cache first: the change must still show at once.
    let before = my_permissions(&app, &worker.access_token).await;
    assert!(!before.contains(&"ticket:view_team".to_string()), "{before:?}");
    let changed = app
        .patch(&format!("/api/v1/admin/users/{}/role", worker.user_id), token, json!({"role": "agent"}))
        .await
        .expect(200);
    assert_eq!(changed.body["role"], "agent");
    let me = app.get("/api/v1/auth/me", &worker.access_token).await.expect(200);
    assert_eq!(me.body["roles"], json!(["agent"]));
    let after = my_permissions(&app, &worker.access_token).await;
    for p in ["ticket:view_team", "ticket:assign", "ticket:comment_internal"] {
        assert!(after.contains(&p.to_string()), "{p} missing from {after:?}");
    }
    let entries = audit_entries(&app, &admin, "user:role_change").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["details"], json!({"from": "employee", "to": "agent"}));
    assert_eq!(entries[0]["resourceId"], json!(worker.user_id));

    let audits = app.count_rows("audit_logs").await;
    let path = format!("/api/v1/admin/users/{}/role", worker.user_id);
    assert!(app.patch(&path, token, json!({"role": "wizard"})).await.expect(422).body["details"]["role"].is_string());
    app.patch(&path, token, json!({"role": 5})).await.expect(422);
    let missing =
        app.patch(&format!("/api/v1/admin/users/{}/role", Uuid::new_v4()), token, json!({"role": "agent"})).await;
    assert_eq!(missing.expect(404).code(), "user_not_found");
    // The same role again changes nothing.
    app.patch(&path, token, json!({"role": "agent"})).await.expect(200);
    assert_eq!(app.count_rows("audit_logs").await, audits);
    assert_eq!(my_permissions(&app, &worker.access_token).await, after);
}

async fn deactivation_ends_every_session(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let worker = app.user_by(&admin, "employee").await;
    app.get("/api/v1/auth/me", &worker.access_token).await.expect(200);
    let off = app.post(&format!("/api/v1/admin/users/{}/deactivate", worker.user_id), token, json!({})).await;
    assert_eq!(off.expect(200).body["isActive"], false);

    let login = app.post_login(&worker.email, &worker.password).await.expect(401);
    assert_eq!(login.code(), "account_disabled");
    let me = app.get("/api/v1/auth/me", &worker.access_token).await.expect(401);
    assert_eq!(me.code(), "account_disabled");
    app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": worker.refresh_token})))
        .await
        .expect(401);

    let on = app.post(&format!("/api/v1/admin/users/{}/activate", worker.user_id), token, json!({})).await;
    assert_eq!(on.expect(200).body["isActive"], true);
    app.login(&worker.email, &worker.password).await;
    assert_eq!(audit_entries(&app, &admin, "user:deactivate").await.len(), 1);
    assert_eq!(audit_entries(&app, &admin, "user:activate").await.len(), 1);
    let missing = app.post(&format!("/api/v1/admin/users/{}/deactivate", Uuid::new_v4()), token, json!({})).await;
    assert_eq!(missing.expect(404).code(), "user_not_found");
}

async fn the_last_admin_cannot_be_removed(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let own = format!("/api/v1/admin/users/{}", admin.user_id);
    let self_off = app.post(&format!("{own}/deactivate"), token, json!({})).await.expect(409);
    assert_eq!(self_off.code(), "cannot_deactivate_self");
    let demote = app.patch(&format!("{own}/role"), token, json!({"role": "manager"})).await.expect(409);
    assert_eq!(demote.code(), "last_admin");

    // With a second admin, the first may step down; then the second may not.
    let second = app.user_by(&admin, "admin").await;
    app.patch(&format!("{own}/role"), token, json!({"role": "manager"})).await.expect(200);
    let second_own = format!("/api/v1/admin/users/{}/role", second.user_id);
    let last = app.patch(&second_own, &second.access_token, json!({"role": "agent"})).await.expect(409);
    assert_eq!(last.code(), "last_admin");
    // The former admin lost admin:users on their very next request.
    app.get("/api/v1/admin/users", token).await.expect(403);

    // Someone else holding admin:users cannot deactivate the last admin either.
    let manager_perms = json!({"permissions": ["ticket:view_all", "admin:users"]});
    app.put("/api/v1/admin/roles/manager/permissions", &second.access_token, manager_perms).await.expect(200);
    let off = app.post(&format!("/api/v1/admin/users/{}/deactivate", second.user_id), token, json!({})).await;
    assert_eq!(off.expect(409).code(), "last_admin");
    let users = app.get("/api/v1/admin/users?role=admin&active=true", &second.access_token).await.expect(200);
    assert_eq!(users.body["meta"]["total"], 1);
}
