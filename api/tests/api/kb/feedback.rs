//! Ratings, view counts and deflections.

use serde_json::json;

use super::{at, cast, draft, id_of, publish};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(ratings_are_one_per_person_and_views_count, deflections_are_recorded_for_published_articles);

async fn ratings_are_one_per_person_and_views_count(app: TestApp) {
    let c = cast(&app).await;
    let id = id_of(&draft(&app, &c.agent, &c.category, "Zoom has no sound", "Pick the right speaker").await);
    let early = app.post(&at(&id, "/ratings"), &c.agent.access_token, json!({"helpful": true})).await.expect(409);
    assert_eq!(early.code(), "article_not_published");
    // Drafts count no views.
    app.get(&at(&id, ""), &c.agent.access_token).await.expect(200);
    let published = publish(&app, &c.manager, &id).await;
    assert_eq!(published["viewCount"], 0);

    let first =
        app.post(&at(&id, "/ratings"), &c.employee.access_token, json!({"helpful": false, "comment": "  no  "})).await;
    let first = first.expect(200).body;
    assert_eq!((first["helpfulCount"].as_i64(), first["unhelpfulCount"].as_i64()), (Some(0), Some(1)));
    assert_eq!(first["rating"]["comment"], "no");
    let changed =
        app.post(&at(&id, "/ratings"), &c.employee.access_token, json!({"helpful": true})).await.expect(200).body;
    assert_eq!((changed["helpfulCount"].as_i64(), changed["unhelpfulCount"].as_i64()), (Some(1), Some(0)));
    assert!(changed["rating"]["comment"].is_null());
    app.post(&at(&id, "/ratings"), &c.agent.access_token, json!({"helpful": true})).await.expect(200);
    let long = json!({"helpful": true, "comment": "x".repeat(2001)});
    app.post(&at(&id, "/ratings"), &c.agent.access_token, long).await.expect(422);
    assert_eq!(app.count_rows("kb_article_ratings").await, 2);

    let seen = app.get(&at(&id, ""), &c.employee.access_token).await.expect(200).body;
    assert_eq!(seen["viewCount"], 1);
    assert_eq!((seen["helpfulCount"].as_i64(), seen["myRating"]["helpful"].as_bool()), (Some(2), Some(true)));
    let again = app.get(&at(&id, ""), &c.employee.access_token).await.expect(200).body;
    assert_eq!(again["viewCount"], 2);
    // A view is not an edit: the ETag stays.
    assert_eq!(again["version"], published["version"]);

    app.get(&at(&id, "/ratings"), &c.employee.access_token).await.expect(403);
    let ratings = app.get(&at(&id, "/ratings"), &c.agent.access_token).await.expect(200).body;
    assert_eq!(ratings.as_array().map(Vec::len), Some(2));
    assert!(ratings[0]["user"]["email"].is_string());
}

async fn deflections_are_recorded_for_published_articles(app: TestApp) {
    let c = cast(&app).await;
    let id = id_of(&draft(&app, &c.agent, &c.category, "Reset your password", "Use PeopleDesk").await);
    let body = json!({"articleId": id, "query": "cant login to peopledesk"});
    let hidden = app.post("/api/v1/kb/deflections", &c.employee.access_token, body.clone()).await.expect(422);
    assert!(hidden.body["details"]["articleId"].is_string());
    publish(&app, &c.manager, &id).await;
    let made = app.post("/api/v1/kb/deflections", &c.employee.access_token, body).await.expect(201).body;
    assert_eq!(
        (made["articleId"].as_str(), made["query"].as_str()),
        (Some(id.as_str()), Some("cant login to peopledesk"))
    );
    let blank = json!({"articleId": id, "query": "   "});
    app.post("/api/v1/kb/deflections", &c.employee.access_token, blank).await.expect(422);
    assert_eq!(app.count_rows("kb_deflections").await, 1);
}
