//! Similar tickets: duplicates found by meaning, the ticket itself and long-settled tickets
//! left out, only tickets the caller may see, re-embedding after an edit, the backfill, and
//! the answers without a model. The scenarios with the model need `scripts/setup.sh --model`
//! (CI runs it); without it they check the `unavailable` answer and say so.

use std::time::{Duration, Instant};

use helpdesk_api::entities::ticket;
use helpdesk_api::modules::search::changelog::{self, ChangeOp};
use helpdesk_api::modules::tickets::similar;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};

use super::{at, create, id_of, patch};
use crate::helpers::{Session, TestApp};
use crate::on_both_backends;

/// The model, and workers that look for jobs often.
fn with_model(s: &mut helpdesk_api::settings::Settings) {
    TestApp::with_embeddings(s);
    crate::jobs::brisk(s);
}

macro_rules! with_model_on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                use crate::helpers::{Backend, TestApp};
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(TestApp::spawn(Backend::Sqlite, super::with_model).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(TestApp::spawn(Backend::Postgres, super::with_model).await).await
                }
            }
        )+
    };
}

with_model_on_both_backends!(duplicates_rank_first_and_only_listable_visible_tickets_show, edits_embed_again);
on_both_backends!(without_a_model_the_list_is_empty_and_says_why);

async fn similar_to(app: &TestApp, who: &Session, id: &str, query: &str) -> Value {
    app.get(&at(id, &format!("/similar{query}")), &who.access_token).await.expect(200).body
}

fn numbers(answer: &Value) -> Vec<String> {
    answer["data"].as_array().map(|a| a.iter().map(id_of).collect()).unwrap_or_default()
}

/// Asks until `check` accepts the answer (embedding runs in a job, after the commit).
async fn similar_until(app: &TestApp, who: &Session, id: &str, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let answer = similar_to(app, who, id, "").await;
        if check(&answer) {
            return answer;
        }
        assert!(Instant::now() < deadline, "similar tickets of {id} never as expected; last: {answer}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether the model is installed; if not, checks the answer without it.
async fn model_present(app: &TestApp, who: &Session, id: &str) -> bool {
    let answer = similar_to(app, who, id, "").await;
    if answer["status"] == "unavailable" {
        eprintln!("SKIPPED: no embedding model (run scripts/setup.sh --model); checked the unavailable answer only");
        assert_eq!(answer["data"], json!([]));
        return false;
    }
    true
}

async fn raise(app: &TestApp, who: &Session, title: &str, description: &str) -> String {
    id_of(&create(app, who, json!({"title": title, "description": description})).await)
}

async fn sql(app: &TestApp, statement: &str) {
    let db = &app.state.db;
    db.execute_raw(Statement::from_string(db.get_database_backend(), statement.to_string())).await.expect(statement);
}

async fn duplicates_rank_first_and_only_listable_visible_tickets_show(app: TestApp) {
    let admin = app.admin().await;
    let alice = app.user_by(&admin, "employee").await;
    let bob = app.user_by(&admin, "employee").await;
    let vpn = raise(
        &app,
        &alice,
        "VPN disconnects every few minutes",
        "Working from home, the VPN connection drops every few minutes and I have to reconnect.",
    )
    .await;
    if !model_present(&app, &admin, &vpn).await {
        return;
    }
    let duplicate = raise(
        &app,
        &bob,
        "VPN keeps disconnecting",
        "My VPN drops every 5 minutes since this morning, reconnecting works for a while.",
    )
    .await;
    let printer = raise(&app, &alice, "Printer on floor 3 is jammed", "The printer shows a paper jam in tray 2.").await;
    let settled =
        raise(&app, &alice, "VPN disconnecting frequently", "The VPN connection keeps dropping out at home.").await;
    patch(&app, &admin, &settled, None, json!({"status": "resolved"})).await.expect(200);

    // Both VPN duplicates, the resolved one too (resolved today), never the ticket itself;
    // the printer ticket is not similar enough to be listed.
    let answer = similar_until(&app, &admin, &vpn, |a| numbers(a).len() == 2).await;
    assert_eq!(answer["status"], "ok");
    let found = numbers(&answer);
    assert!(found.contains(&duplicate) && found.contains(&settled), "{answer}");
    assert!(!found.contains(&vpn) && !found.contains(&printer), "{answer}");
    let scores: Vec<f64> =
        answer["data"].as_array().unwrap().iter().map(|t| t["similarity"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]) && scores.iter().all(|s| *s >= 0.5 && *s <= 1.0001), "{answer}");
    let listed = &answer["data"][found.iter().position(|id| *id == settled).unwrap()];
    assert_eq!((listed["status"].as_str(), listed["resolvedAt"].is_string()), (Some("resolved"), true), "{listed}");
    assert!(listed["ticketNumber"].as_str().unwrap().starts_with("TKT-"), "{listed}");
    // The printer's nearest are the VPN tickets, all below the floor.
    assert_eq!(similar_until(&app, &admin, &printer, |a| a["status"] == "ok").await["data"], json!([]));
    // Readiness reports the index and the four listable tickets it holds.
    let ready = app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz");
    let search = &TestApp::answer(ready).await.expect(200).body["search"];
    assert_eq!((search["similarTicketsStatus"].as_str(), search["similarTickets"].as_u64()), (Some("ready"), Some(4)));

    // `limit` cuts the list; out of range is 422 naming it, not a number is 400.
    assert_eq!(numbers(&similar_to(&app, &admin, &vpn, "?limit=1").await).len(), 1);
    for bad in ["0", "21"] {
        let err = app.get(&at(&vpn, &format!("/similar?limit={bad}")), &admin.access_token).await.expect(422);
        assert!(err.body["details"]["limit"].is_string(), "{}", err.body);
    }
    app.get(&at(&vpn, "/similar?limit=many"), &admin.access_token).await.expect(400);

    // An employee sees only their own tickets in the list, and cannot ask about another's.
    assert_eq!(numbers(&similar_to(&app, &alice, &vpn, "").await), vec![settled.clone()]);
    assert_eq!(numbers(&similar_to(&app, &bob, &duplicate, "").await), Vec::<String>::new());
    app.get(&at(&vpn, "/similar"), &bob.access_token).await.expect(404);

    // Resolved 40 days ago (changed by hand, with its log entry): no longer listed.
    let settled_id: uuid::Uuid = settled.parse().unwrap();
    let long_ago = chrono::Utc::now() - chrono::TimeDelta::days(40);
    ticket::Entity::update_many()
        .col_expr(ticket::Column::ResolvedAt, Expr::value(long_ago))
        .filter(ticket::Column::Id.eq(settled_id))
        .exec(&app.state.db)
        .await
        .expect("age the resolution");
    changelog::append(&app.state.db, "ticket", settled_id, ChangeOp::Upsert, chrono::Utc::now()).await.expect("log");
    assert_eq!(numbers(&similar_to(&app, &admin, &vpn, "").await), vec![duplicate.clone()]);

    // Tickets raised before embeddings existed are embedded by the backfill.
    sql(&app, "DELETE FROM ticket_embeddings").await;
    let state = &app.state;
    assert!(similar::schedule_backfill(&state.jobs, &state.db, &state.similar_tickets).await.expect("backfill"));
    crate::jobs::eventually("the backfill embedded every ticket", || async {
        app.count_rows("ticket_embeddings").await == 4
    })
    .await;
    assert!(!similar::schedule_backfill(&state.jobs, &state.db, &state.similar_tickets).await.expect("nothing left"));
}

async fn edits_embed_again(app: TestApp) {
    let admin = app.admin().await;
    let battery = raise(&app, &admin, "Laptop battery drains fast", "The battery is empty after an hour.").await;
    if !model_present(&app, &admin, &battery).await {
        return;
    }
    let outlook =
        raise(&app, &admin, "Outlook crashes when opening attachments", "Outlook closes itself on PDFs.").await;
    let answer = similar_until(&app, &admin, &battery, |a| a["status"] == "ok").await;
    assert!(!numbers(&answer).contains(&outlook), "{answer}");

    patch(
        &app,
        &admin,
        &outlook,
        None,
        json!({"title": "Laptop battery dies quickly", "description": "My laptop battery runs out within an hour."}),
    )
    .await
    .expect(200);
    similar_until(&app, &admin, &battery, |a| numbers(a) == vec![outlook.clone()]).await;
    // Editing something else embeds nothing.
    let jobs = app.count_rows("jobs").await;
    patch(&app, &admin, &outlook, None, json!({"priority": "high"})).await.expect(200);
    assert_eq!(app.count_rows("jobs").await, jobs);
}

async fn without_a_model_the_list_is_empty_and_says_why(app: TestApp) {
    let admin = app.admin().await;
    let id = app.ticket(&admin, "VPN disconnects every few minutes").await["id"].as_str().unwrap().to_string();
    let answer = similar_to(&app, &admin, &id, "").await;
    assert_eq!(answer, json!({"data": [], "status": "unavailable"}));
    let ready = app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz");
    let search = &TestApp::answer(ready).await.expect(200).body["search"];
    assert_eq!(
        (search["similarTicketsStatus"].as_str(), search["similarTickets"].as_u64()),
        (Some("unavailable"), Some(0))
    );
    // No embedding job is queued without a model.
    assert_eq!(app.count_rows("jobs").await, 0);
    app.get(&at(&id, "/similar?limit=0"), &admin.access_token).await.expect(422);
    app.get(&at(&uuid::Uuid::nil().to_string(), "/similar"), &admin.access_token).await.expect(404);
}
