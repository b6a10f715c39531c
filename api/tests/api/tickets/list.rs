//! The ticket list: every filter, every sort key, paging and links, bad parameters.

use serde_json::json;

use super::{category, create, id_of, ids, list, patch};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(list_filters_sorts_and_pages);

async fn list_filters_sorts_and_pages(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Network", &[&agent]).await.to_string();
    let network = category(&app, &admin, "Network").await;
    let t1 = id_of(
        &create(
            &app,
            &employee,
            json!({"title": "VPN drops every hour", "description": "Since Monday", "priority": "high",
                   "categoryId": network, "tags": ["vpn"]}),
        )
        .await,
    );
    let t2 = id_of(
        &create(&app, &employee, json!({"title": "Printer 50%_off jam", "description": "Tray 2", "priority": "low"}))
            .await,
    );
    let t3 = id_of(
        &create(&app, &admin, json!({"title": "Laptop screen flickers", "description": "Dell", "priority": "critical", "tags": ["hardware"]}))
            .await,
    );
    let t3_created = app.get(&super::at(&t3, ""), &admin.access_token).await.body["createdAt"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    app.post(&super::at(&t3, "/assign"), &admin.access_token, json!({"assigneeId": agent.user_id})).await.expect(200);
    patch(&app, &admin, &t1, None, json!({"teamId": team, "status": "in_progress"})).await.expect(200);
    let t4 = id_of(&create(&app, &admin, json!({"title": "Mouse broken", "description": "Left button"})).await);

    let check = |query: Vec<(&'static str, String)>, who: &'static str, expected: Vec<&String>| {
        let app = &app;
        let session = match who {
            "employee" => &employee,
            "agent" => &agent,
            _ => &admin,
        };
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        async move {
            let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page = list(app, session, &pairs).await.expect(200);
            assert_eq!(ids(&page), expected, "{who} {query:?}");
            assert_eq!(page.body["meta"]["total"], expected.len(), "{query:?}");
        }
    };
    let q = |k: &'static str, v: &str| vec![(k, v.to_string())];

    // Default order is newest first; every filter narrows it.
    check(vec![], "admin", vec![&t4, &t3, &t2, &t1]).await;
    check(q("status", "open,in_progress"), "admin", vec![&t3, &t1]).await;
    check(q("status", "new"), "admin", vec![&t4, &t2]).await;
    check(q("priority", "high, critical"), "admin", vec![&t3, &t1]).await;
    check(q("categoryId", &network), "admin", vec![&t1]).await;
    check(q("assigneeId", &agent.user_id.to_string()), "admin", vec![&t3]).await;
    check(q("assigneeId", "none"), "admin", vec![&t4, &t2, &t1]).await;
    check(q("assigneeId", "me"), "agent", vec![&t3]).await;
    check(q("teamId", &team), "admin", vec![&t1]).await;
    check(q("createdBy", &employee.user_id.to_string()), "admin", vec![&t2, &t1]).await;
    check(q("createdBy", "me"), "admin", vec![&t4, &t3]).await;
    check(q("createdBy", "me"), "employee", vec![&t2, &t1]).await;
    check(q("tag", " VPN "), "admin", vec![&t1]).await;
    // Words (ranking, typos and visibility are in `search.rs`).
    check(q("q", "vpn"), "admin", vec![&t1]).await;
    check(q("q", "TRAY"), "admin", vec![&t2]).await;
    check(q("q", "50%"), "admin", vec![&t2]).await;
    check(q("createdFrom", &t3_created), "admin", vec![&t4, &t3]).await;
    check(q("createdTo", &t3_created), "admin", vec![&t2, &t1]).await;
    check(vec![("status", "new".into()), ("createdBy", "me".into())], "admin", vec![&t4]).await;

    // Sorting, with the id as tie-breaker.
    check(q("sort", "createdAt"), "admin", vec![&t1, &t2, &t3, &t4]).await;
    check(q("sort", "priority"), "admin", vec![&t2, &t4, &t1, &t3]).await;
    check(q("sort", "-priority"), "admin", vec![&t3, &t1, &t4, &t2]).await;
    check(q("sort", "status"), "admin", vec![&t2, &t4, &t3, &t1]).await;
    check(q("sort", "ticketNumber"), "admin", vec![&t1, &t2, &t3, &t4]).await;
    check(q("sort", "-ticketNumber"), "admin", vec![&t4, &t3, &t2, &t1]).await;
    check(q("sort", "-updatedAt"), "admin", vec![&t4, &t1, &t3, &t2]).await;

    // Paging: meta, and links that keep the filters.
    let page = list(&app, &admin, &[("status", "new"), ("limit", "1"), ("page", "2")]).await.expect(200);
    assert_eq!(ids(&page), vec![t2.clone()]);
    assert_eq!(page.body["meta"], json!({"page": 2, "limit": 1, "total": 2, "totalPages": 2}));
    let links = &page.body["links"];
    assert_eq!(links["first"], "/api/v1/tickets?status=new&page=1&limit=1");
    assert_eq!(links["prev"], "/api/v1/tickets?status=new&page=1&limit=1");
    assert!(links["next"].is_null());
    assert_eq!(links["last"], "/api/v1/tickets?status=new&page=2&limit=1");
    let beyond = list(&app, &admin, &[("page", "9")]).await.expect(200);
    assert_eq!(ids(&beyond), Vec::<String>::new());
    assert_eq!(beyond.body["meta"]["total"], 4);

    // Bad parameters answer 400 naming each one.
    for (key, value) in [
        ("status", "sleeping"),
        ("priority", "urgent"),
        ("assigneeId", "bob"),
        ("createdBy", "none"),
        ("sort", "title"),
        ("sort", "-"),
        ("limit", "0"),
        ("limit", "101"),
        ("page", "0"),
        ("createdFrom", "yesterday"),
        ("categoryId", "network"),
        ("colour", "red"),
    ] {
        let bad = list(&app, &admin, &[(key, value)]).await.expect(400);
        assert_eq!(bad.code(), "invalid_query", "{key}={value}");
        assert!(bad.body["details"][key].is_string(), "{key}={value}: {}", bad.body);
    }
}
