//! The ticket list's `q`: the search engine over title, description and comments, ranked,
//! tolerant of typos, current right after a change, and never revealing what the caller could
//! not read; `suggestedArticles` for agents on a ticket.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{at, create, id_of, ids, list};
use crate::helpers::{Session, TestApp};
use crate::on_both_backends;

on_both_backends!(text_search_ranks_tolerates_typos_and_respects_visibility);

/// Waits until the ticket index finished its first build (before that `q` matches substrings).
async fn ticket_index_ready(app: &TestApp) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready =
            TestApp::answer(app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz")).await.body;
        if ready["search"]["ticketsStatus"] == "ready" {
            return ready;
        }
        assert!(Instant::now() < deadline, "the ticket index never became ready: {ready}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn found(app: &TestApp, who: &Session, q: &str) -> Vec<String> {
    ids(&list(app, who, &[("q", q)]).await.expect(200))
}

async fn comment(app: &TestApp, who: &Session, id: &str, body: &str, internal: bool) {
    app.post(&at(id, "/comments"), &who.access_token, json!({"body": body, "internal": internal})).await.expect(201);
}

async fn text_search_ranks_tolerates_typos_and_respects_visibility(app: TestApp) {
    ticket_index_ready(&app).await;
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let other = app.user_by(&admin, "employee").await;
    let vpn = id_of(
        &create(
            &app,
            &employee,
            json!({"title": "FortiClient VPN drops", "description": "Every hour the VPN disconnects"}),
        )
        .await,
    );
    let mention =
        id_of(&create(&app, &employee, json!({"title": "Slow laptop", "description": "Also the vpn once"})).await);
    let printer =
        id_of(&create(&app, &other, json!({"title": "Printer jammed", "description": "Floor 2, tray 1"})).await);

    // Found at once by whoever just wrote it, best match first: the title counts most.
    assert_eq!(found(&app, &admin, "vpn").await, vec![vpn.clone(), mention.clone()]);
    // A typo still finds it.
    assert_eq!(found(&app, &admin, "forticlinet").await, vec![vpn.clone()]);
    // Comments are searched.
    comment(&app, &admin, &printer, "Replaced the fuser unit", false).await;
    assert_eq!(found(&app, &admin, "fuser").await, vec![printer.clone()]);

    // Visibility: the employee never finds someone else's ticket.
    assert_eq!(found(&app, &other, "vpn").await, Vec::<String>::new());
    assert_eq!(found(&app, &employee, "printer").await, Vec::<String>::new());
    assert_eq!(found(&app, &other, "fuser").await, vec![printer.clone()]);

    // Internal notes are searched only for those who may read them.
    comment(&app, &admin, &printer, "Toner supplier Kagzi overcharged", true).await;
    assert_eq!(found(&app, &admin, "kagzi").await, vec![printer.clone()]);
    assert_eq!(found(&app, &other, "kagzi").await, Vec::<String>::new());
    // ...and the public words still find it for the requester.
    assert_eq!(found(&app, &other, "jammed").await, vec![printer.clone()]);

    // Words combine with the other filters, and an explicit sort replaces relevance.
    let high = list(&app, &admin, &[("q", "vpn"), ("sort", "createdAt")]).await.expect(200);
    assert_eq!(ids(&high), vec![vpn.clone(), mention.clone()]);
    assert_eq!(high.body["meta"]["total"], 2);
    let paged = list(&app, &admin, &[("q", "vpn"), ("limit", "1"), ("page", "2")]).await.expect(200);
    assert_eq!((ids(&paged), paged.body["meta"]["total"].clone()), (vec![mention.clone()], json!(2)));

    // Edits and deletions reach the index.
    super::patch(&app, &admin, &mention, None, json!({"title": "Slow laptop and Wi-Fi"})).await.expect(200);
    assert_eq!(found(&app, &admin, "wi-fi").await, vec![mention.clone()]);
    app.delete(&at(&vpn, ""), &admin.access_token).await.expect(204);
    assert_eq!(found(&app, &admin, "forticlient").await, Vec::<String>::new());

    // Nothing matches: an empty page, not an error; too long is refused with the field named.
    assert_eq!(found(&app, &admin, "zzqxj").await, Vec::<String>::new());
    let long = list(&app, &admin, &[("q", &"x".repeat(501))]).await.expect(400);
    assert!(long.body["details"]["q"].is_string(), "{}", long.body);

    // The index equals the tables.
    let report = app.state.ticket_search.check(&app.state.db).await.expect("check");
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.expected, 3, "two public documents and one with internal notes");
}
