//! Hostile and bad input: nothing unsafe reaches a browser, nothing half-written stays.

use serde_json::json;

use super::{at, cast, counts, draft, id_of, publish};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(scripts_never_reach_a_browser, bad_input_leaves_no_rows);

async fn scripts_never_reach_a_browser(app: TestApp) {
    let c = cast(&app).await;
    let evil = "Hello <script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n\
                [click me](javascript:alert(2)) and <a href=\"https://ok.example\" onclick=\"steal()\">fine</a>\n\n\
                <svg onload=alert(3)></svg><iframe src=\"https://evil.example\"></iframe>";
    let id = id_of(&draft(&app, &c.agent, &c.category, "Innocent title", evil).await);
    publish(&app, &c.manager, &id).await;
    let edit = json!({"bodyMarkdown": format!("{evil}\n\n<SCRIPT SRC=//evil.example/x.js></SCRIPT>")});
    let after_edit = app.patch(&at(&id, ""), &c.manager.access_token, edit).await.expect(200).body;
    let read = app.get(&at(&id, ""), &c.employee.access_token).await.expect(200).body;
    for html in [&after_edit["bodyHtml"], &read["bodyHtml"]] {
        let html = html.as_str().unwrap_or_default().to_lowercase();
        for bad in ["<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "alert('x')"] {
            assert!(!html.contains(bad), "{bad} reached the browser: {html}");
        }
        assert!(html.contains("href=\"https://ok.example\""), "{html}");
        assert!(html.contains("rel=\"noopener nofollow noreferrer\""), "{html}");
    }
}

async fn bad_input_leaves_no_rows(app: TestApp) {
    let c = cast(&app).await;
    let before = counts(&app).await;
    let token = &c.agent.access_token;
    let bad = [
        json!({"title": "x", "bodyMarkdown": "b", "categoryId": c.category}),
        json!({"title": "Fine title", "bodyMarkdown": "   ", "categoryId": c.category}),
        json!({"title": "Fine title", "bodyMarkdown": "b", "categoryId": uuid::Uuid::new_v4()}),
        json!({"title": "Fine title", "bodyMarkdown": "b", "categoryId": c.category, "slug": "Not A Slug"}),
        json!({"title": "Fine title", "bodyMarkdown": "b", "categoryId": c.category, "tags": ["<b>"]}),
        json!({"title": "Fine title", "bodyMarkdown": "b", "categoryId": c.category, "subcategoryId": c.category}),
    ];
    for body in bad {
        let answer = app.post("/api/v1/kb/articles", token, body.clone()).await.expect(422);
        assert!(answer.body["details"].is_object(), "{body}: {}", answer.body);
    }
    let unknown = json!({"title": "Fine title", "bodyMarkdown": "b", "categoryId": c.category, "colour": "red"});
    app.post("/api/v1/kb/articles", token, unknown).await.expect(422);
    assert_eq!(counts(&app).await, before, "a refused article left rows behind");

    let id = id_of(&draft(&app, &c.agent, &c.category, "A good one", "b").await);
    let before = counts(&app).await;
    app.patch(&at(&id, ""), token, json!({"title": "no"})).await.expect(422);
    app.patch(&at(&id, ""), token, json!({"categoryId": uuid::Uuid::new_v4()})).await.expect(422);
    app.patch(&at(&id, ""), token, json!({"bodyMarkdown": "x".repeat(100_001)})).await.expect(422);
    app.patch(&at(&uuid::Uuid::new_v4().to_string(), ""), token, json!({"title": "Fine title"})).await.expect(404);
    assert_eq!(counts(&app).await, before, "a refused edit left rows behind");

    let sub = json!({"name": "Sub", "parentId": uuid::Uuid::new_v4()});
    app.post("/api/v1/kb/categories", &c.manager.access_token, sub).await.expect(422);
    let dup = json!({"name": "Network", "slug": "network"});
    assert_eq!(app.post("/api/v1/kb/categories", &c.manager.access_token, dup).await.expect(409).code(), "slug_taken");
    assert_eq!(app.count_rows("kb_categories").await, 1);
}
