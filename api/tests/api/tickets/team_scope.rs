//! An agent's list (team tickets, plus those they raised or are assigned)
//! pages and sorts exactly like a plain filter would, on both backends. On
//! SQLite this list takes a different query shape (a union of access paths),
//! so this pins it to the same answers. Categories route new tickets to a team.

use serde_json::{Value, json};

use super::{at, create, id_of, ids, list};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(team_scope_pages_and_sorts_like_a_filter);

async fn team_scope_pages_and_sorts_like_a_filter(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Desk", &[&agent]).await;
    let other = app.team(&admin, "Elsewhere", &[]).await;
    let mut visible = Vec::new();
    for i in 0..7 {
        let t = create(&app, &employee, json!({"title": format!("Team ticket {i}"), "description": "d"})).await;
        let (to, seen) = if i % 3 == 0 { (other, false) } else { (team, true) };
        app.patch(&at(&id_of(&t), ""), &admin.access_token, json!({"teamId": to})).await.expect(200);
        if seen {
            visible.push(id_of(&t));
        }
    }
    // Raised by the agent, outside the team; assigned to the agent, outside the team.
    visible.push(id_of(&create(&app, &agent, json!({"title": "Mine", "description": "d"})).await));
    let assigned = create(&app, &employee, json!({"title": "Assigned", "description": "d", "priority": "high"})).await;
    app.post(&at(&id_of(&assigned), "/assign"), &admin.access_token, json!({"assigneeId": agent.user_id}))
        .await
        .expect(200);
    visible.push(id_of(&assigned));

    // Newest first, two a page: the pages concatenate to the visible set, newest first.
    let mut seen = Vec::new();
    for page in 1..=4 {
        let p = list(&app, &agent, &[("limit", "2"), ("page", &page.to_string())]).await.expect(200);
        assert_eq!(p.body["meta"]["total"], visible.len(), "{}", p.body);
        seen.extend(ids(&p));
    }
    let mut expected = visible.clone();
    expected.reverse();
    assert_eq!(seen, expected);
    // Oldest first.
    let asc = list(&app, &agent, &[("sort", "createdAt"), ("limit", "100")]).await.expect(200);
    assert_eq!(ids(&asc), visible);
    // Another sort key sees the same set.
    let by_priority = list(&app, &agent, &[("sort", "-priority"), ("limit", "100")]).await.expect(200);
    let mut a = ids(&by_priority);
    a.sort();
    let mut b = visible.clone();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(ids(&by_priority).first(), Some(&id_of(&assigned)), "the high-priority ticket leads");
    // Filters apply inside the union too.
    let high = list(&app, &agent, &[("priority", "high")]).await.expect(200);
    assert_eq!(ids(&high), vec![id_of(&assigned)]);
    // Past the last page: empty, with the right total.
    let past = list(&app, &agent, &[("page", "50"), ("limit", "2")]).await.expect(200);
    assert_eq!(past.body["meta"]["total"], visible.len());
    assert!(ids(&past).is_empty());
}

on_both_backends!(joining_or_leaving_a_team_changes_what_an_agent_sees_at_once);

async fn joining_or_leaving_a_team_changes_what_an_agent_sees_at_once(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Network", &[]).await;
    let t = create(&app, &employee, json!({"title": "Switch down", "description": "d"})).await;
    app.patch(&at(&id_of(&t), ""), &admin.access_token, json!({"teamId": team})).await.expect(200);
    // The agent's access is now cached, without the team.
    app.get(&at(&id_of(&t), ""), &agent.access_token).await.expect(404);
    app.post(&format!("/api/v1/admin/teams/{team}/members"), &admin.access_token, json!({"userId": agent.user_id}))
        .await
        .expect(201);
    app.get(&at(&id_of(&t), ""), &agent.access_token).await.expect(200);
    assert_eq!(ids(&list(&app, &agent, &[]).await.expect(200)), vec![id_of(&t)]);
    app.delete(&format!("/api/v1/admin/teams/{team}/members/{}", agent.user_id), &admin.access_token).await.expect(204);
    app.get(&at(&id_of(&t), ""), &agent.access_token).await.expect(404);
}

on_both_backends!(a_category_routes_new_tickets_to_its_team);

/// A ticket filed under a category with a team lands in that team's queue, whether the
/// requester picks the category or an agent sets it later; an explicit team wins.
async fn a_category_routes_new_tickets_to_its_team(app: TestApp) {
    let admin = app.admin().await;
    let employee = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let desk = app.team(&admin, "Network desk", &[&agent]).await;
    let other = app.team(&admin, "Other desk", &[]).await;
    let network = app
        .post("/api/v1/admin/categories", &admin.access_token, json!({"name": "Network", "teamId": desk}))
        .await
        .expect(201);
    assert_eq!(network.body["teamId"], json!(desk));
    let category = network.body["id"].clone();
    let unknown_team = json!({"name": "Printers", "teamId": uuid::Uuid::new_v4()});
    let refused = app.post("/api/v1/admin/categories", &admin.access_token, unknown_team).await.expect(422);
    assert!(refused.body["details"]["teamId"].is_string());

    // Filed by the requester: the agent of that team sees it at once.
    let filed = json!({"title": "Wi-Fi drops", "description": "d", "categoryId": category});
    let t = create(&app, &employee, filed).await;
    assert_eq!(t["teamId"], json!(desk));
    app.get(&at(&id_of(&t), ""), &agent.access_token).await.expect(200);

    // Filed without a category, then categorised by someone who sees everything.
    let t = create(&app, &employee, json!({"title": "Slow VPN", "description": "d"})).await;
    app.get(&at(&id_of(&t), ""), &agent.access_token).await.expect(404);
    let routed = app.patch(&at(&id_of(&t), ""), &admin.access_token, json!({"categoryId": category})).await.expect(200);
    assert_eq!(routed.body["teamId"], json!(desk));
    app.get(&at(&id_of(&t), ""), &agent.access_token).await.expect(200);
    let history = app.get(&at(&id_of(&t), "/history"), &admin.access_token).await.expect(200);
    assert!(history.body.as_array().is_some_and(|h| h.iter().any(|e| e["field"] == "team")));

    // A team given in the same change, or already set, is kept.
    let t = create(&app, &employee, json!({"title": "Printer", "description": "d"})).await;
    let both = json!({"categoryId": category, "teamId": other});
    let kept = app.patch(&at(&id_of(&t), ""), &admin.access_token, both).await.expect(200);
    assert_eq!(kept.body["teamId"], json!(other));

    // Retargeting the category, or clearing it, changes where new tickets go.
    let path = format!("/api/v1/admin/categories/{}", category.as_str().unwrap_or_default());
    let cleared = app.patch(&path, &admin.access_token, json!({"teamId": null})).await.expect(200);
    assert_eq!(cleared.body["teamId"], Value::Null);
    let t = create(&app, &employee, json!({"title": "Cable", "description": "d", "categoryId": category})).await;
    assert_eq!(t["teamId"], Value::Null);
    // Deleting the team a category routes to leaves the category routing nowhere.
    app.patch(&path, &admin.access_token, json!({"teamId": other})).await.expect(200);
    app.delete(&format!("/api/v1/admin/teams/{other}"), &admin.access_token).await.expect(204);
    let all = app.get("/api/v1/categories", &admin.access_token).await.expect(200);
    let network = all.body.as_array().and_then(|c| c.iter().find(|c| c["id"] == category).cloned());
    assert_eq!(network.map(|c| c["teamId"].clone()), Some(Value::Null));
}
