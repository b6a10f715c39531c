//! Importing articles: the demo set on first start, `helpdesk kb import DIR`,
//! and re-imports that change only what changed.

use std::process::Command;

use helpdesk_api::modules::kb::{demo, import};

use super::{at, list, search_changes};
use crate::helpers::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_on_sqlite() {
    demo_articles_load_once_and_reimport_idempotently(TestApp::spawn(Backend::Sqlite, |s| s.demo_data = true).await)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_on_postgres() {
    demo_articles_load_once_and_reimport_idempotently(TestApp::spawn(Backend::Postgres, |s| s.demo_data = true).await)
        .await
}

async fn demo_articles_load_once_and_reimport_idempotently(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let page = list(&app, &employee, "limit=100").await;
    assert_eq!(page.body["meta"]["total"], 90);
    let first = list(&app, &employee, "q=169.254").await;
    assert_eq!(first.body["data"][0]["slug"], "kb-001", "{}", first.body);
    assert_eq!(first.body["data"][0]["category"]["slug"], "network");
    assert_eq!(first.body["data"][0]["subcategory"]["slug"], "dns-dhcp");
    assert_eq!(
        list(&app, &employee, "category=vpn&limit=100").await.body["meta"]["total"].as_u64().map(|n| n > 0),
        Some(true)
    );
    let id = first.body["data"][0]["id"].as_str().unwrap().to_string();
    let article = app.get(&at(&id, ""), &employee.access_token).await.expect(200).body;
    assert!(!article["bodyMarkdown"].as_str().unwrap_or("# ").starts_with("# "), "the H1 repeats the title");
    assert!(article["bodyHtml"].as_str().unwrap_or_default().contains("<strong>"));
    assert_eq!(app.count_rows("kb_article_versions").await, 90);
    assert_eq!(search_changes(&app).await.len(), 90);
    assert!(search_changes(&app).await.iter().all(|(_, op)| op == "upsert"));
    let docs = helpdesk_api::modules::kb::search_feed::documents(&app.state.db, None).await.unwrap();
    assert_eq!(docs.len(), 90);
    assert!(docs.iter().any(|d| d.slug == "kb-001" && d.category == "network" && !d.tags.is_empty()));

    // A second start, or a second import of the same files, changes nothing.
    assert!(demo::load_if_empty(&app.state.db).await.unwrap().is_none());
    let files = demo::files().unwrap();
    let again = import::import(&app.state.db, &files).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 90));
    assert_eq!(app.count_rows("kb_articles").await, 90);
    assert_eq!(app.count_rows("kb_article_versions").await, 90);
    assert_eq!(search_changes(&app).await.len(), 90);

    // One changed file: one new version; an archived article is published again.
    let manager = app.user_by(&admin, "manager").await;
    app.post(&at(&id, "/archive"), &manager.access_token, serde_json::json!({})).await.expect(200);
    let mut changed = files.clone();
    changed[1].body.push_str("\n\nOne more step.");
    let report = import::import(&app.state.db, &changed).await.unwrap();
    assert_eq!((report.created, report.updated, report.unchanged), (0, 2, 88));
    assert_eq!(app.count_rows("kb_article_versions").await, 91);
    let back = app.get(&at(&id, ""), &employee.access_token).await.expect(200).body;
    assert_eq!((back["status"].as_str(), back["currentVersion"].as_i64()), (Some("published"), Some(1)));
}

#[test]
fn the_import_command_creates_then_leaves_alone() {
    let dir = tempfile::tempdir().expect("dir");
    let articles = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/kb");
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
            .current_dir(dir.path())
            .env_remove("HELPDESK_DATABASE_URL")
            .env_remove("HELPDESK_REDIS_URL")
            .env("HELPDESK_DATA_DIR", dir.path().join("data"))
            .env("HELPDESK_LOG_LEVEL", "warn")
            .args(["kb", "import"])
            .arg(&articles)
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let first = run();
    assert!(first.contains("imported 90 articles") && first.contains("90 created"), "{first}");
    let second = run();
    assert!(second.contains("0 created, 0 updated, 90 unchanged"), "{second}");

    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("x.md"), "---\nid: Bad Key\ntitle: \"Broken\"\n---\nbody\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .current_dir(dir.path())
        .env_remove("HELPDESK_DATABASE_URL")
        .env("HELPDESK_DATA_DIR", dir.path().join("data"))
        .args(["kb", "import"])
        .arg(&bad)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Bad Key"), "{}", String::from_utf8_lossy(&out.stderr));
}
