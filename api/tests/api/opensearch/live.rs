//! Articles and tickets searched through OpenSearch, with a real server process.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{Backend, Session, TestApp};
use crate::kb::{at, cast, draft, id_of, publish};

/// A running osmem-server; stopped when dropped.
struct Osmem {
    child: Child,
    url: String,
}

impl Drop for Osmem {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts osmem-server from `OSMEM_SERVER_BIN` (set by test.sh); `None`, said on stdout, when
/// the variable is unset (a plain `cargo test` on a machine without it).
fn osmem() -> Option<Osmem> {
    let Some(bin) = std::env::var_os("OSMEM_SERVER_BIN") else {
        println!("skipped: OSMEM_SERVER_BIN is not set (scripts/setup.sh --opensearch installs osmem-server)");
        return None;
    };
    let mut child = Command::new(&bin)
        .args(["-addr", "127.0.0.1:0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start osmem-server at {bin:?}: {e}"));
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("osmem-server's first line");
    let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("osmem said {line:?}: {e}"));
    let url = ready["url"].as_str().unwrap_or_else(|| panic!("no url in {line}")).to_string();
    Some(Osmem { child, url })
}

async fn until(app: &TestApp, who: &Session, path: &str, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = app.get(path, &who.access_token).await.expect(200).body;
        if check(&answer) {
            return answer;
        }
        assert!(Instant::now() < deadline, "{path} never gave the expected answer; last: {answer}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn article_ids(answer: &Value) -> Vec<String> {
    let hits = answer["data"].as_array().cloned().unwrap_or_default();
    hits.iter().filter_map(|h| h["article"]["id"].as_str().map(String::from)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_and_tickets_are_searched_in_opensearch() {
    let Some(server) = osmem() else { return };
    let app = TestApp::spawn(Backend::Sqlite, |s| {
        s.opensearch_url = Some(server.url.clone());
        s.opensearch_index_prefix = format!("t{}", uuid::Uuid::now_v7().simple());
    })
    .await;
    let c = cast(&app).await;
    let vpn = id_of(
        &draft(&app, &c.agent, &c.category, "FortiClient VPN stuck at 98 percent", "Restart the FortiClient service.")
            .await,
    );
    let printer = id_of(&draft(&app, &c.agent, &c.category, "Printer offline", "Power cycle the printer.").await);

    // Drafts: writers only.
    let drafts = until(&app, &c.agent, "/api/v1/kb/search?q=forticlient", |a| !article_ids(a).is_empty()).await;
    assert_eq!(article_ids(&drafts), vec![vpn.clone()]);
    let none = app.get("/api/v1/kb/search?q=forticlient", &c.employee.access_token).await.expect(200).body;
    assert_eq!(article_ids(&none), Vec::<String>::new());

    publish(&app, &c.manager, &vpn).await;
    publish(&app, &c.manager, &printer).await;
    let found = until(&app, &c.employee, "/api/v1/kb/search?q=forticlient", |a| !article_ids(a).is_empty()).await;
    assert_eq!(article_ids(&found), vec![vpn.clone()]);
    assert!(found["data"][0]["titleHighlight"].as_str().is_some_and(|t| t.contains("<mark>")), "{found}");
    assert_eq!(found["mode"], "lexical");
    // Typos, and filters inside the engine.
    let typo = until(&app, &c.employee, "/api/v1/kb/search?q=forticlinet", |a| !article_ids(a).is_empty()).await;
    assert_eq!(article_ids(&typo), vec![vpn.clone()]);
    let other = app.get("/api/v1/kb/search?q=printer&category=hardware", &c.employee.access_token).await;
    assert_eq!(article_ids(&other.expect(200).body), Vec::<String>::new());

    // Archiving takes it out.
    app.post(&at(&vpn, "/archive"), &c.manager.access_token, json!({})).await.expect(200);
    let gone = app.get("/api/v1/kb/search?q=forticlient", &c.employee.access_token).await.expect(200).body;
    assert_eq!(article_ids(&gone), Vec::<String>::new());

    // Tickets: words, typos and visibility, through the same backend.
    let ticket = app
        .post(
            "/api/v1/tickets",
            &c.employee.access_token,
            json!({"title": "Outlook keeps asking for the password", "description": "Since the update"}),
        )
        .await
        .expect(201)
        .body;
    let tickets = |q: &str, who: &Session| {
        let path = format!("/api/v1/tickets?q={q}");
        let token = who.access_token.clone();
        let app = &app;
        async move { app.get(&path, &token).await.expect(200).body["data"].as_array().map(Vec::len).unwrap_or(0) }
    };
    assert_eq!(tickets("outlok", &c.employee).await, 1);
    assert_eq!(tickets("outlook", &c.admin).await, 1);
    let stranger = app.user_by(&c.admin, "employee").await;
    assert_eq!(tickets("outlook", &stranger).await, 0);

    let ready = TestApp::answer(app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz")).await;
    assert_eq!(ready.body["search"]["backend"], "opensearch", "{}", ready.body);

    // A document lost in OpenSearch (removed behind the application's back) is reported, and
    // a rebuild puts it back.
    let clean = app.state.kb_search.check(&app.state.db).await.expect("check");
    assert!(clean.is_clean(), "{clean:?}");
    let index = app.state.settings.opensearch_index_prefix.clone();
    let lost = format!("{}/{index}-kb/_doc/{printer}.0?refresh=true", server.url);
    let deleted = app.client.delete(&lost).send().await.expect("delete");
    assert!(deleted.status().is_success(), "{}", deleted.text().await.unwrap_or_default());
    let report = app.state.kb_search.check(&app.state.db).await.expect("check");
    assert_eq!(report.missing.iter().map(|id| id.to_string()).collect::<Vec<_>>(), vec![printer.clone()]);
    app.state.kb_search.build(&app.state.db).await.expect("rebuild");
    assert!(app.state.kb_search.check(&app.state.db).await.expect("check").is_clean());
    let _ = id_of(&ticket);
}
