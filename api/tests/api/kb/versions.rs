//! Every edit a version: list, read, diff, restore.

use serde_json::json;

use super::{at, cast, draft, id_of, publish};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(edits_are_versions_that_diff_and_restore);

async fn edits_are_versions_that_diff_and_restore(app: TestApp) {
    let c = cast(&app).await;
    let id =
        id_of(&draft(&app, &c.agent, &c.category, "Renew the DHCP lease", "Run ipconfig /renew\n\nThen wait.").await);
    let change = json!({"bodyMarkdown": "Run ipconfig /release\nRun ipconfig /renew\n\nThen wait.", "tags": ["dhcp"], "note": "release first"});
    app.patch(&at(&id, ""), &c.agent.access_token, change).await.expect(200);
    app.patch(&at(&id, ""), &c.agent.access_token, json!({"title": "Renewing the DHCP lease"})).await.expect(200);

    let versions = app.get(&at(&id, "/versions"), &c.agent.access_token).await.expect(200).body;
    let numbers: Vec<i64> = versions.as_array().unwrap().iter().filter_map(|v| v["number"].as_i64()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(versions[1]["note"], "release first");
    assert_eq!(versions[2]["note"], "created");
    assert_eq!(versions[0]["editor"]["id"], c.agent.user_id.to_string());

    let v1 = app.get(&at(&id, "/versions/1"), &c.agent.access_token).await.expect(200).body;
    assert_eq!((v1["title"].as_str(), v1["tags"].clone()), (Some("Renew the DHCP lease"), json!(["remote", "vpn"])));
    assert_eq!(v1["bodyMarkdown"], "Run ipconfig /renew\n\nThen wait.");
    app.get(&at(&id, "/versions/9"), &c.agent.access_token).await.expect(404);
    app.get(&at(&id, "/versions/x"), &c.agent.access_token).await.expect(404);

    let diff = app.get(&at(&id, "/diff?from=1&to=2"), &c.agent.access_token).await.expect(200).body;
    assert_eq!(diff["changedFields"], json!(["body", "tags"]));
    let unified = diff["unified"].as_str().unwrap_or_default();
    assert!(unified.contains("--- version 1") && unified.contains("+++ version 2"), "{unified}");
    assert!(unified.contains("+Run ipconfig /release"), "{unified}");
    assert!(unified.contains("-tags: remote, vpn") && unified.contains("+tags: dhcp"), "{unified}");
    let to_current = app.get(&at(&id, "/diff?from=2"), &c.agent.access_token).await.expect(200).body;
    assert_eq!((to_current["to"].as_i64(), to_current["changedFields"].clone()), (Some(3), json!(["title"])));
    app.get(&at(&id, "/diff"), &c.agent.access_token).await.expect(400);
    app.get(&at(&id, "/diff?from=1&to=7"), &c.agent.access_token).await.expect(404);

    // Restoring makes a new version with the old content.
    let restored = app.post(&at(&id, "/versions/1/restore"), &c.agent.access_token, json!({"note": "too soon"})).await;
    let restored = restored.expect(200).body;
    assert_eq!(restored["currentVersion"], 4);
    assert_eq!(restored["title"], "Renew the DHCP lease");
    assert_eq!(restored["tags"], json!(["remote", "vpn"]));
    assert!(!restored["bodyHtml"].as_str().unwrap_or_default().contains("release"));
    let latest = app.get(&at(&id, "/versions/4"), &c.agent.access_token).await.expect(200).body;
    assert_eq!(latest["note"], "restored version 1: too soon");
    let none = app.get(&at(&id, "/diff?from=1&to=4"), &c.agent.access_token).await.expect(200).body;
    assert_eq!(none["changedFields"], json!([]));

    // Restoring a published article is an editor's call, like any edit of it.
    publish(&app, &c.manager, &id).await;
    app.post(&at(&id, "/versions/2/restore"), &c.agent.access_token, json!({})).await.expect(403);
    app.post(&at(&id, "/versions/2/restore"), &c.employee.access_token, json!({})).await.expect(403);
    let by_editor = app.post(&at(&id, "/versions/2/restore"), &c.manager.access_token, json!({})).await.expect(200);
    assert_eq!(by_editor.body["currentVersion"], 5);
    assert_eq!(by_editor.body["status"], "published");
    let audit = app
        .get(&format!("/api/v1/admin/audit-logs?resourceId={id}&action=kb:restore"), &c.admin.access_token)
        .await
        .expect(200);
    assert_eq!(audit.body["meta"]["total"], 2, "{}", audit.body);
}
