//! Articles: create, read, change, the workflow, and who may do which.

use serde_json::json;

use super::{at, cast, draft, id_of, list, publish, search_changes, slugs};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    writers_draft_and_editors_publish,
    readers_see_only_published_articles,
    editing_published_articles_needs_an_editor,
    lists_filter_and_page,
    if_match_refuses_stale_edits,
);

async fn writers_draft_and_editors_publish(app: TestApp) {
    let c = cast(&app).await;
    let body = json!({"title": "VPN drops", "bodyMarkdown": "Steps", "categoryId": c.category});
    let refused = app.post("/api/v1/kb/articles", &c.employee.access_token, body).await.expect(403);
    assert_eq!(refused.code(), "forbidden");

    let created = app
        .post(
            "/api/v1/kb/articles",
            &c.agent.access_token,
            json!({"title": "FortiClient VPN drops every hour", "bodyMarkdown": "**Reconnect**\n\n1. Open FortiClient",
                   "summary": "  Why it drops  ", "categoryId": c.category, "tags": ["VPN", "vpn", "Remote"]}),
        )
        .await
        .expect(201);
    assert_eq!(created.headers.get("etag").and_then(|v| v.to_str().ok()), Some("\"1\""));
    let a = created.body;
    let id = id_of(&a);
    assert_eq!(a["status"], "draft");
    assert_eq!(a["slug"], "forticlient-vpn-drops-every-hour");
    assert_eq!(a["summary"], "Why it drops");
    assert_eq!(a["tags"], json!(["remote", "vpn"]));
    assert_eq!(a["category"]["slug"], "network");
    assert_eq!(a["currentVersion"], 1);
    assert_eq!(a["author"]["id"], c.agent.user_id.to_string());
    assert!(a["bodyHtml"].as_str().unwrap_or_default().contains("<strong>Reconnect</strong>"), "{a}");

    // The same title again gets a slug of its own; an explicit slug that is taken is a conflict.
    let again = draft(&app, &c.agent, &c.category, "FortiClient VPN drops every hour", "x").await;
    assert_eq!(again["slug"], "forticlient-vpn-drops-every-hour-2");
    let taken = json!({"title": "Other", "bodyMarkdown": "x", "categoryId": c.category, "slug": "forticlient-vpn-drops-every-hour"});
    assert_eq!(app.post("/api/v1/kb/articles", &c.agent.access_token, taken).await.expect(409).code(), "slug_taken");

    // Agents ask for review; only editors publish.
    let submitted = app.post(&at(&id, "/submit"), &c.agent.access_token, json!({})).await.expect(200).body;
    assert_eq!(submitted["status"], "in_review");
    app.post(&at(&id, "/publish"), &c.agent.access_token, json!({})).await.expect(403);
    let published = publish(&app, &c.manager, &id).await;
    assert_eq!(published["status"], "published");
    assert!(published["publishedAt"].is_string());
    let again = app.post(&at(&id, "/publish"), &c.manager.access_token, json!({})).await.expect(422);
    assert_eq!(again.code(), "invalid_transition");
    app.post(&at(&id, "/submit"), &c.agent.access_token, json!({})).await.expect(422);
    app.post(&at(&id, "/archive"), &c.agent.access_token, json!({})).await.expect(403);
    let archived = app.post(&at(&id, "/archive"), &c.manager.access_token, json!({})).await.expect(200).body;
    assert_eq!(archived["status"], "archived");
    app.post(&at(&id, "/publish"), &c.manager.access_token, json!({})).await.expect(422);
    let back = app.post(&at(&id, "/unpublish"), &c.manager.access_token, json!({})).await.expect(200).body;
    assert_eq!(back["status"], "draft");

    // Status steps save no version; each change told the search index what to do (drafts
    // are indexed for writers; only archiving takes an article out).
    assert_eq!(back["currentVersion"], 1);
    let ops: Vec<String> = search_changes(&app).await.into_iter().filter(|(a, _)| *a == id).map(|(_, op)| op).collect();
    assert_eq!(ops, ["upsert", "upsert", "upsert", "delete", "upsert"]);

    let audit = app
        .get(&format!("/api/v1/admin/audit-logs?resourceId={id}&limit=100"), &c.admin.access_token)
        .await
        .expect(200);
    let mut actions: Vec<String> = audit.body["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    actions.reverse();
    assert_eq!(actions, ["kb:create", "kb:submit", "kb:publish", "kb:archive", "kb:unpublish"]);
}

async fn readers_see_only_published_articles(app: TestApp) {
    let c = cast(&app).await;
    let hidden = id_of(&draft(&app, &c.agent, &c.category, "Draft about printers", "x").await);
    let shown = id_of(&draft(&app, &c.agent, &c.category, "Published about Wi-Fi", "y").await);
    publish(&app, &c.manager, &shown).await;

    let employee = &c.employee;
    assert_eq!(slugs(&list(&app, employee, "").await), ["published-about-wi-fi"]);
    assert_eq!(slugs(&list(&app, employee, "status=draft").await), ["published-about-wi-fi"]);
    let missing = app.get(&at(&hidden, ""), &employee.access_token).await.expect(404);
    assert_eq!(missing.code(), "kb_article_not_found");
    app.get(&at(&hidden, "/versions"), &employee.access_token).await.expect(403);
    app.post(&at(&hidden, "/ratings"), &employee.access_token, json!({"helpful": true})).await.expect(404);
    app.get(&at("not-a-uuid", ""), &employee.access_token).await.expect(404);

    // What search results are shown through: only what the caller may see, in the order asked.
    let kb = helpdesk_api::modules::kb::KbService::new(&app.state);
    let ids = [hidden.parse().unwrap(), shown.parse().unwrap()];
    let reader = helpdesk_api::modules::auth::Access::load(&app.state.db, employee.user_id).await.unwrap().unwrap();
    let found = kb.summaries_by_ids(&reader, &ids).await.unwrap();
    assert_eq!(found.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["published-about-wi-fi"]);
    let writer = helpdesk_api::modules::auth::Access::load(&app.state.db, c.agent.user_id).await.unwrap().unwrap();
    let found = kb.summaries_by_ids(&writer, &ids).await.unwrap();
    assert_eq!(
        found.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(),
        ["draft-about-printers", "published-about-wi-fi"]
    );

    assert_eq!(list(&app, &c.agent, "").await.body["meta"]["total"], 2);
    assert_eq!(slugs(&list(&app, &c.agent, "status=draft").await), ["draft-about-printers"]);
    app.get(&at(&hidden, ""), &c.agent.access_token).await.expect(200);
}

async fn editing_published_articles_needs_an_editor(app: TestApp) {
    let c = cast(&app).await;
    let id = id_of(&draft(&app, &c.agent, &c.category, "Printer offline", "Restart the spooler").await);
    let edited = app.patch(&at(&id, ""), &c.agent.access_token, json!({"title": "Printer shows offline"})).await;
    assert_eq!(edited.expect(200).body["currentVersion"], 2);
    app.patch(&at(&id, ""), &c.employee.access_token, json!({"title": "Mine now"})).await.expect(403);
    app.patch(&at(&id, ""), &c.agent.access_token, json!({"featured": true})).await.expect(403);
    publish(&app, &c.manager, &id).await;

    let refused = app.patch(&at(&id, ""), &c.agent.access_token, json!({"bodyMarkdown": "Changed"})).await.expect(403);
    assert!(refused.body["message"].as_str().unwrap_or_default().contains("kb:publish"));
    let featured = app.patch(&at(&id, ""), &c.manager.access_token, json!({"featured": true})).await.expect(200).body;
    assert_eq!((featured["featured"].as_bool(), featured["currentVersion"].as_i64()), (Some(true), Some(2)));
    let changed = app.patch(&at(&id, ""), &c.manager.access_token, json!({"bodyMarkdown": "Changed"})).await;
    assert_eq!(changed.expect(200).body["currentVersion"], 3);
    // A no-op writes nothing.
    let same = app.patch(&at(&id, ""), &c.manager.access_token, json!({"bodyMarkdown": "Changed"})).await.expect(200);
    assert_eq!(same.body["currentVersion"], 3);

    let featured_list = app.get("/api/v1/kb/featured", &c.employee.access_token).await.expect(200);
    assert_eq!(featured_list.body.as_array().map(Vec::len), Some(1));
    assert_eq!(featured_list.body[0]["slug"], "printer-offline");
}

async fn lists_filter_and_page(app: TestApp) {
    let c = cast(&app).await;
    let wifi = super::category(&app, &c.manager, "wifi-cat").await;
    for (title, category) in [("VPN one", &c.category), ("VPN two", &c.category), ("Guest Wi-Fi", &wifi)] {
        let id = id_of(&draft(&app, &c.agent, category, title, "body").await);
        publish(&app, &c.manager, &id).await;
    }
    let tagged = app
        .post(
            "/api/v1/kb/articles",
            &c.agent.access_token,
            json!({"title": "Tagged draft", "bodyMarkdown": "b", "categoryId": wifi, "tags": ["printer"]}),
        )
        .await
        .expect(201);
    let agent = &c.agent;
    assert_eq!(slugs(&list(&app, agent, "q=vpn&sort=title").await), ["vpn-one", "vpn-two"]);
    assert_eq!(slugs(&list(&app, agent, "category=wifi-cat&sort=title").await), ["guest-wi-fi", "tagged-draft"]);
    assert_eq!(slugs(&list(&app, agent, &format!("category={wifi}&status=published")).await), ["guest-wi-fi"]);
    assert_eq!(slugs(&list(&app, agent, "tag=printer").await), [tagged.body["slug"].as_str().unwrap_or("")]);
    assert_eq!(slugs(&list(&app, agent, "category=nowhere").await), Vec::<String>::new());
    let page = list(&app, agent, "limit=2&page=2&sort=title").await;
    assert_eq!(
        (slugs(&page), page.body["meta"]["total"].as_u64()),
        (vec!["vpn-one".to_string(), "vpn-two".into()], Some(4))
    );
    assert!(page.body["data"][0].get("bodyMarkdown").is_none(), "lists carry no bodies");
    let bad = app.get("/api/v1/kb/articles?status=gone&sort=size", &agent.access_token).await.expect(400);
    assert!(bad.body["details"]["status"].is_string() && bad.body["details"]["sort"].is_string());
}

async fn if_match_refuses_stale_edits(app: TestApp) {
    let c = cast(&app).await;
    let id = id_of(&draft(&app, &c.agent, &c.category, "Outlook asks for the password", "x").await);
    let send = |tag: &'static str, title: &'static str| {
        let req = app.client.patch(format!("{}{}", app.address, at(&id, ""))).bearer_auth(&c.agent.access_token);
        req.header("if-match", tag).json(&json!({"title": title})).send()
    };
    let ok = TestApp::answer(send("\"1\"", "Outlook keeps asking").await.expect("send")).await.expect(200);
    assert_eq!(ok.headers.get("etag").and_then(|v| v.to_str().ok()), Some("\"2\""));
    let stale = TestApp::answer(send("\"1\"", "Lost update").await.expect("send")).await.expect(412);
    assert_eq!(stale.code(), "version_mismatch");
    let now = app.get(&at(&id, ""), &c.agent.access_token).await.expect(200);
    assert_eq!(now.body["title"], "Outlook keeps asking");
}
