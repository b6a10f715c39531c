//! Bad input answers 400/422 naming the field, and writes nothing.

use reqwest::Method;
use serde_json::json;

use super::{at, category, counts, create, id_of, raw};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(bad_input_is_named_and_changes_nothing);

async fn bad_input_is_named_and_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let retired = category(&app, &admin, "Retired").await;
    app.patch(&format!("/api/v1/admin/categories/{retired}"), &admin.access_token, json!({"isActive": false}))
        .await
        .expect(200);
    let id = id_of(&create(&app, &employee, json!({"title": "Existing", "description": "Ticket"})).await);
    let before = counts(&app).await;

    let malformed = raw(&app, Method::POST, "/api/v1/tickets", &employee, r#"{"title": "#).await.expect(400);
    assert_eq!(malformed.code(), "malformed_json");
    let long = "x".repeat(501);
    let unknown = uuid::Uuid::new_v4().to_string();
    for (body, field) in [
        (r#"{"title":"Printer","description":"d","colour":"red"}"#.to_string(), "colour"),
        (r#"{"title":5,"description":"d"}"#.to_string(), "title"),
        (r#"{"title":"Printer","description":"d","priority":"urgent"}"#.to_string(), "priority"),
        (r#"{"title":"Printer","description":"d","tags":["ok",7]}"#.to_string(), "tags[1]"),
        (r#"{"title":"Printer"}"#.to_string(), "description"),
        (format!(r#"{{"title":"{long}","description":"d"}}"#), "title"),
        (r#"{"title":"  ab ","description":"d"}"#.to_string(), "title"),
        (r#"{"title":"Printer","description":"   "}"#.to_string(), "description"),
        (r#"{"title":"Printer","description":"d","tags":["<script>"]}"#.to_string(), "tags"),
        (format!(r#"{{"title":"Printer","description":"d","categoryId":"{unknown}"}}"#), "categoryId"),
        (format!(r#"{{"title":"Printer","description":"d","categoryId":"{retired}"}}"#), "categoryId"),
        (r#"{"title":"Printer","description":"d","categoryId":"network"}"#.to_string(), "categoryId"),
    ] {
        let res = raw(&app, Method::POST, "/api/v1/tickets", &employee, &body).await.expect(422);
        assert!(res.body["details"][field].is_string(), "{body}: {}", res.body);
    }

    for (body, field) in [
        (r#"{"status":"sleeping"}"#.to_string(), "status"),
        (r#"{"title":""}"#.to_string(), "title"),
        (r#"{"version":3}"#.to_string(), "version"),
        (r#"{"teamId":"nope"}"#.to_string(), "teamId"),
        (format!(r#"{{"description":"{}"}}"#, "y".repeat(20_001)), "description"),
    ] {
        let res = raw(&app, Method::PATCH, &at(&id, ""), &admin, &body).await.expect(422);
        assert!(res.body["details"][field].is_string(), "{body}: {}", res.body);
    }
    let res = raw(&app, Method::PATCH, &at(&id, ""), &admin, &format!(r#"{{"teamId":"{unknown}"}}"#)).await.expect(422);
    assert!(res.body["details"]["teamId"].is_string(), "{}", res.body);
    let res =
        raw(&app, Method::PATCH, &at(&id, ""), &admin, &format!(r#"{{"categoryId":"{retired}"}}"#)).await.expect(422);
    assert!(res.body["details"]["categoryId"].is_string(), "{}", res.body);
    raw(&app, Method::PATCH, &at(&id, ""), &admin, "[").await.expect(400);

    let comments = at(&id, "/comments");
    for (body, field) in
        [(r#"{"body":"  "}"#, "body"), (r#"{"body":"hi","internal":"yes"}"#, "internal"), (r#"{}"#, "body")]
    {
        let res = raw(&app, Method::POST, &comments, &employee, body).await.expect(422);
        assert!(res.body["details"][field].is_string(), "{body}: {}", res.body);
    }
    let res = raw(&app, Method::POST, &at(&id, "/assign"), &admin, r#"{"assigneeId":"bob"}"#).await.expect(422);
    assert!(res.body["details"]["assigneeId"].is_string(), "{}", res.body);
    let res = raw(&app, Method::POST, &at(&id, "/close"), &admin, r#"{"resolution":false}"#).await.expect(422);
    assert!(res.body["details"]["resolution"].is_string(), "{}", res.body);
    app.post("/api/v1/tickets", &employee.access_token, json!(null)).await.expect(422);
    let plain = app
        .client
        .post(format!("{}/api/v1/tickets", app.address))
        .bearer_auth(&employee.access_token)
        .header("content-type", "text/plain")
        .body("title=x")
        .send()
        .await
        .expect("send");
    TestApp::answer(plain).await.expect(415);

    assert_eq!(counts(&app).await, before, "tickets, history, audit, comments and tags unchanged");
    let ticket = app.get(&at(&id, ""), &employee.access_token).await.expect(200);
    assert_eq!(ticket.body["version"], 1);
}
