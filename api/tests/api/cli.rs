//! The `helpdesk` binary: first start, subcommands, settings errors.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{fresh_pg_database, pg_admin_url};

fn helpdesk(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_helpdesk"));
    cmd.current_dir(dir)
        .env_remove("HELPDESK_DATABASE_URL")
        .env_remove("HELPDESK_REDIS_URL")
        .env_remove("HELPDESK_ADMIN_EMAIL")
        .env_remove("HELPDESK_ADMIN_PASSWORD")
        .env("HELPDESK_DATA_DIR", dir.join("data"))
        .env("HELPDESK_LOG_LEVEL", "warn")
        // No embedding model in a fresh directory: its warning is not what these tests read.
        .env("HELPDESK_SEARCH_EMBEDDINGS", "false");
    cmd
}

/// The first `n` lines the child prints; the rest is drained so the child
/// never writes to a closed pipe.
async fn first_lines(child: &mut Child, n: usize) -> Vec<String> {
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    while lines.len() < n {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(line)) => lines.push(line),
            _ => break,
        }
    }
    lines
}

/// Kills the child when the test ends, pass or fail.
struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `helpdesk serve` on a free port in `dir`, its output piped.
fn serve(dir: &std::path::Path) -> Child {
    Child(helpdesk(dir).arg("serve").env("HELPDESK_BIND", "127.0.0.1:0").stdout(Stdio::piped()).spawn().expect("spawn"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_prints_a_generated_admin_password_that_works() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = serve(dir.path());
    let lines = first_lines(&mut child, 4).await;
    let text = lines.join("\n");
    let url = text.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect("listening line").to_string();
    let password = text
        .lines()
        .find_map(|l| l.split("change it): ").nth(1))
        .unwrap_or_else(|| panic!("no generated password in:\n{text}"))
        .trim()
        .to_string();
    assert!(dir.path().join("data/helpdesk.db").exists(), "SQLite file under the data directory");
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@helpdesk.local", "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    drop(child);
    // A second start creates nothing and prints no password.
    let mut again = serve(dir.path());
    let second = first_lines(&mut again, 3).await;
    assert!(second.iter().any(|l| l.contains("existing account")), "{second:?}");
}

#[test]
fn openapi_subcommand_prints_the_committed_document() {
    let dir = tempfile::tempdir().expect("dir");
    let out = helpdesk(dir.path()).arg("openapi").output().expect("run");
    assert!(out.status.success());
    let committed =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json"))
            .unwrap_or_default();
    assert_eq!(String::from_utf8_lossy(&out.stdout), committed);
}

#[test]
fn create_user_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = helpdesk(dir.path())
        .args(["admin", "create-user", "--email", "sara@example.com", "--name", "Sara", "--role", "agent"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(b"sara-password-1\n").expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created sara@example.com"));
    // Same e-mail again: refused, with a reason.
    let mut dup = helpdesk(dir.path())
        .args(["admin", "create-user", "--email", "sara@example.com", "--name", "Sara", "--role", "agent"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    dup.stdin.take().expect("stdin").write_all(b"sara-password-1\n").expect("write");
    let out = dup.wait_with_output().expect("wait");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("e-mail"), "{}", String::from_utf8_lossy(&out.stderr));
    // A short password or unknown role is refused before touching the database.
    let mut bad = helpdesk(dir.path())
        .args(["admin", "create-user", "--email", "x@example.com", "--name", "X", "--role", "agent"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    bad.stdin.take().expect("stdin").write_all(b"short\n").expect("write");
    let out = bad.wait_with_output().expect("wait");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
}

#[test]
fn a_bad_setting_is_named_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let out = helpdesk(dir.path()).arg("serve").env("HELPDESK_BIND", "nowhere").output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("HELPDESK_BIND"));
    let out =
        helpdesk(dir.path()).arg("serve").env("HELPDESK_DATABASE_URL", "mysql://localhost/x").output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("HELPDESK_DATABASE_URL"));
}

fn migrate(dir: &std::path::Path, db_url: Option<&str>, args: &[&str]) -> String {
    let mut cmd = helpdesk(dir);
    cmd.arg("migrate").args(args);
    if let Some(url) = db_url {
        cmd.env("HELPDESK_DATABASE_URL", url);
    }
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "migrate {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn migrations_round_trip(db_url: Option<&str>) {
    let dir = tempfile::tempdir().expect("dir");
    migrate(dir.path(), db_url, &["up"]);
    let status = migrate(dir.path(), db_url, &["status"]);
    assert!(status.lines().count() >= 2 && status.lines().all(|l| l.starts_with("applied")), "{status}");
    migrate(dir.path(), db_url, &["down"]);
    let status = migrate(dir.path(), db_url, &["status"]);
    assert!(status.lines().all(|l| l.starts_with("pending")), "{status}");
    migrate(dir.path(), db_url, &["up"]);
    migrate(dir.path(), db_url, &["down", "--steps", "1"]);
    let status = migrate(dir.path(), db_url, &["status"]);
    assert_eq!(status.lines().filter(|l| l.starts_with("pending")).count(), 1, "{status}");
    migrate(dir.path(), db_url, &[]);
}

#[test]
fn migrations_run_and_roll_back_on_sqlite() {
    migrations_round_trip(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_run_and_roll_back_on_postgres() {
    let (url, name) = fresh_pg_database().await;
    tokio::task::spawn_blocking(move || migrations_round_trip(Some(&url))).await.expect("round trip");
    let admin = sea_orm::Database::connect(pg_admin_url()).await.expect("connect");
    use sea_orm::ConnectionTrait;
    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// Two weeks of ordinary weekday arrivals (a wifi ticket every 20 minutes and a password
/// reset every 10 during working hours) and 20 extra wifi tickets in half an hour on the
/// second Thursday.
fn synthetic_arrivals() -> String {
    let monday = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("date").to_utc();
    let mut rows = Vec::new();
    for day in (0..14).filter(|d| d % 7 < 5) {
        for minute in (0..9 * 60).step_by(10) {
            let at = monday + chrono::TimeDelta::days(day) + chrono::TimeDelta::minutes(4 * 60 + minute);
            rows.push((at, "access,password-reset"));
            if minute % 20 == 0 {
                rows.push((at + chrono::TimeDelta::seconds(30), "network,wifi"));
            }
        }
    }
    let burst = monday + chrono::TimeDelta::days(10) + chrono::TimeDelta::hours(8);
    rows.extend((0..20).map(|n| (burst + chrono::TimeDelta::seconds(n * 90), "network,wifi")));
    rows.sort();
    let lines: Vec<String> =
        rows.iter().map(|(at, what)| format!("{},{what}", at.format("%Y-%m-%dT%H:%M:%SZ"))).collect();
    format!("timestamp,category,subcategory\n{}\n", lines.join("\n"))
}

#[test]
fn eval_spikes_finds_the_burst_and_prints_json_last() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("events.csv"), synthetic_arrivals()).expect("events");
    let truth = serde_json::json!({
        "incidents": [{"id": "inc-1", "type": "wifi_outage", "start": "2024-01-11T08:00:00Z",
            "end": "2024-01-11T08:40:00Z", "category": "network", "subcategory": "wifi",
            "subcategories": ["network/wifi"]}],
        "expected_events": [],
    });
    std::fs::write(dir.path().join("incidents.json"), truth.to_string()).expect("truth");
    let out = helpdesk(dir.path())
        .args(["eval", "spikes", "--events", "events.csv", "--incidents", "incidents.json"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("json");
    assert_eq!((last["detected"].as_u64(), last["incidents"].as_u64()), (Some(1), Some(1)), "{stdout}");
    assert_eq!((last["falseAlarmsPerWeek"].as_f64(), last["expectedEventAlerts"].as_u64()), (Some(0.0), Some(0)));
    assert!(last["medianDelayMinutes"].as_f64().is_some_and(|d| d <= 30.0), "{stdout}");
}
