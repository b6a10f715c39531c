//! Ticket categories: two levels, sibling names unique, retired not deleted.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{audit_entries, id_of};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(categories_have_two_levels_and_can_be_retired);

fn names(list: &Value) -> Vec<String> {
    list.as_array().map(|a| a.iter().filter_map(|c| c["name"].as_str().map(String::from)).collect()).unwrap_or_default()
}

async fn categories_have_two_levels_and_can_be_retired(app: TestApp) {
    let admin = app.admin().await;
    let token = admin.access_token.as_str();
    let employee = app.user_by(&admin, "employee").await;
    let network = app
        .post("/api/v1/admin/categories", token, json!({"name": "Network", "description": "Cables and Wi-Fi"}))
        .await
        .expect(201);
    assert_eq!(network.body["isActive"], true);
    assert!(network.body["parentId"].is_null());
    let network_id = id_of(&network.body);
    let vpn =
        app.post("/api/v1/admin/categories", token, json!({"name": "VPN", "parentId": network_id})).await.expect(201);
    assert_eq!(vpn.body["parentId"], json!(network_id));
    let vpn_id = id_of(&vpn.body);
    let hardware = app.post("/api/v1/admin/categories", token, json!({"name": "Hardware"})).await.expect(201);
    let hardware_id = id_of(&hardware.body);
    // The same name under another parent is fine.
    app.post("/api/v1/admin/categories", token, json!({"name": "vpn", "parentId": hardware_id})).await.expect(201);

    let rows = app.count_rows("ticket_categories").await;
    let audits = app.count_rows("audit_logs").await;
    let third_level = app.post("/api/v1/admin/categories", token, json!({"name": "Client", "parentId": vpn_id})).await;
    assert!(third_level.expect(422).body["details"]["parentId"].is_string());
    let no_parent =
        app.post("/api/v1/admin/categories", token, json!({"name": "Client", "parentId": Uuid::new_v4()})).await;
    assert!(no_parent.expect(422).body["details"]["parentId"].is_string());
    let clash = app.post("/api/v1/admin/categories", token, json!({"name": " network "})).await.expect(409);
    assert_eq!(clash.code(), "category_exists");
    let sub_clash = app.post("/api/v1/admin/categories", token, json!({"name": "Vpn", "parentId": network_id})).await;
    assert_eq!(sub_clash.expect(409).code(), "category_exists");
    app.post("/api/v1/admin/categories", token, json!({"name": ""})).await.expect(422);
    let rename_clash =
        app.patch(&format!("/api/v1/admin/categories/{hardware_id}"), token, json!({"name": "NETWORK"})).await;
    assert_eq!(rename_clash.expect(409).code(), "category_exists");
    app.patch(&format!("/api/v1/admin/categories/{hardware_id}"), token, json!({"name": " "})).await.expect(422);
    let missing =
        app.patch(&format!("/api/v1/admin/categories/{}", Uuid::new_v4()), token, json!({"isActive": false})).await;
    assert_eq!(missing.expect(404).code(), "category_not_found");
    app.post("/api/v1/admin/categories", &employee.access_token, json!({"name": "Mine"})).await.expect(403);
    assert_eq!(app.count_rows("ticket_categories").await, rows);
    assert_eq!(app.count_rows("audit_logs").await, audits);

    let listed = app.get("/api/v1/categories", &employee.access_token).await.expect(200);
    assert_eq!(names(&listed.body), ["Hardware", "vpn", "Network", "VPN"], "parents before their children");

    // Retiring a category hides it and its subcategories from new tickets.
    let retired = app
        .patch(&format!("/api/v1/admin/categories/{network_id}"), token, json!({"isActive": false, "description": ""}))
        .await
        .expect(200);
    assert_eq!(retired.body["isActive"], false);
    assert!(retired.body["description"].is_null());
    let listed = app.get("/api/v1/categories", &employee.access_token).await.expect(200);
    assert_eq!(names(&listed.body), ["Hardware", "vpn"]);
    app.get("/api/v1/categories?all=true", &employee.access_token).await.expect(403);
    let all = app.get("/api/v1/categories?all=true", token).await.expect(200);
    assert_eq!(names(&all.body), ["Hardware", "vpn", "Network", "VPN"]);
    assert_eq!(all.body[2]["isActive"], false);

    let renamed =
        app.patch(&format!("/api/v1/admin/categories/{vpn_id}"), token, json!({"name": "Remote access"})).await;
    assert_eq!(renamed.expect(200).body["name"], "Remote access");

    assert_eq!(audit_entries(&app, &admin, "category:create").await.len(), 4);
    let updates = audit_entries(&app, &admin, "category:update").await;
    assert_eq!(updates.len(), 2);
    let retire = updates.iter().find(|e| e["resourceId"] == json!(network_id)).cloned().unwrap_or_default();
    assert_eq!(retire["details"]["isActive"], json!({"from": true, "to": false}));
    assert_eq!(retire["details"]["description"], json!({"from": "Cables and Wi-Fi", "to": null}));
}
