//! The editor's preview: rendered and sanitised like a saved article, for writers only,
//! and nothing is written.

use serde_json::json;

use super::{at, cast, counts, draft, id_of};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(preview_renders_like_a_saved_article_and_saves_nothing);

async fn preview_renders_like_a_saved_article_and_saves_nothing(app: TestApp) {
    let c = cast(&app).await;
    let markdown = "**Restart** the client\n\n<script>alert('x')</script>\n\n[bad](javascript:alert(1)) \
                    <img src=x onerror=\"alert(2)\">\n\n- one\n- two";
    let before = counts(&app).await;
    let body = json!({"bodyMarkdown": markdown});
    let preview = app.post("/api/v1/kb/preview", &c.agent.access_token, body.clone()).await.expect(200).body;
    let html = preview["bodyHtml"].as_str().unwrap_or_default().to_string();
    assert!(html.contains("<strong>Restart</strong>") && html.contains("<li>one</li>"), "{html}");
    for bad in ["<script", "alert('x')", "javascript:", "onerror"] {
        assert!(!html.to_lowercase().contains(bad), "{bad} reached the preview: {html}");
    }
    assert_eq!(counts(&app).await, before, "a preview wrote rows");

    // The same Markdown saved gives the same HTML the preview showed.
    let saved = draft(&app, &c.agent, &c.category, "Previewed article", markdown).await;
    let read = app.get(&at(&id_of(&saved), ""), &c.agent.access_token).await.expect(200).body;
    assert_eq!(read["bodyHtml"].as_str(), Some(html.as_str()));

    // Readers cannot use it; an over-long body or an unknown field is refused.
    let refused = app.post("/api/v1/kb/preview", &c.employee.access_token, body).await.expect(403);
    assert_eq!(refused.code(), "forbidden");
    let long = json!({"bodyMarkdown": "x".repeat(100_001)});
    let answer = app.post("/api/v1/kb/preview", &c.manager.access_token, long).await.expect(422);
    assert!(answer.body["details"]["bodyMarkdown"].is_string(), "{}", answer.body);
    let empty = app.post("/api/v1/kb/preview", &c.agent.access_token, json!({"bodyMarkdown": ""})).await.expect(200);
    assert_eq!(empty.body["bodyHtml"], "");
    app.post("/api/v1/kb/preview", &c.agent.access_token, json!({"bodyMarkdown": "x", "title": "t"})).await.expect(422);
}
