//! `suggestedArticles` on a ticket: the best published articles for staff who work tickets, nothing for the
//! requester, drafts never.

use serde_json::json;

use super::{cast, draft, id_of, publish};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(agents_see_matching_published_articles_on_a_ticket);

async fn agents_see_matching_published_articles_on_a_ticket(app: TestApp) {
    let c = cast(&app).await;
    let vpn = id_of(
        &draft(&app, &c.agent, &c.category, "FortiClient VPN stuck at 98 percent", "Restart the FortiClient service.")
            .await,
    );
    let printer = id_of(&draft(&app, &c.agent, &c.category, "Printer offline", "Power cycle the printer.").await);
    let unpublished =
        id_of(&draft(&app, &c.agent, &c.category, "FortiClient VPN certificate warning", "Draft only.").await);
    publish(&app, &c.manager, &vpn).await;
    publish(&app, &c.manager, &printer).await;

    let ticket = app
        .post(
            "/api/v1/tickets",
            &c.employee.access_token,
            json!({"title": "VPN stuck at 98%", "description": "FortiClient never finishes connecting from home"}),
        )
        .await
        .expect(201)
        .body;
    let path = format!("/api/v1/tickets/{}", id_of(&ticket));

    // The manager works every ticket (an agent sees their teams' and their own).
    let seen = app.get(&path, &c.manager.access_token).await.expect(200).body;
    let suggested = seen["suggestedArticles"].as_array().cloned().unwrap_or_else(|| panic!("none in {seen}"));
    assert!(!suggested.is_empty() && suggested.len() <= 3, "{seen}");
    assert_eq!(suggested[0]["id"], json!(vpn), "{seen}");
    assert_eq!(suggested[0]["title"], "FortiClient VPN stuck at 98 percent");
    assert!(suggested[0]["score"].as_f64().is_some_and(|s| s > 0.0));
    assert!(suggested.iter().all(|s| s["id"] != json!(unpublished)), "drafts are never suggested: {seen}");

    // The requester gets the ticket without suggestions.
    let own = app.get(&path, &c.employee.access_token).await.expect(200).body;
    assert!(own.get("suggestedArticles").is_none(), "{own}");
}
