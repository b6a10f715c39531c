//! The OpenAI-compatible provider against a stand-in server speaking the chat-completions API
//! (no real provider can be reached from here): the request carries a JSON schema listing the
//! taxonomy's labels, a server error fails the run and the queue retries it, and an invented
//! label in the answer is never stored.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use helpdesk_api::entities::job;
use helpdesk_api::modules::ai::local::Floors;
use helpdesk_api::modules::ai::openai::{OpenAiOptions, OpenAiProvider};
use helpdesk_api::modules::ai::{TRIAGE_KIND, TriageJob};
use helpdesk_api::modules::jobs::JobRegistry;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{predictions, taxonomy, triaged_ticket};
use crate::helpers::TestApp;
use crate::jobs::{brisk, fast_retries, wait_for_state};
use crate::on_both_backends;

on_both_backends!(a_server_error_is_retried_and_the_answer_applied, an_invented_label_is_never_stored);

type Replies = Mutex<VecDeque<(u16, Value)>>;
/// Each request's body and `Authorization` header.
type Seen = Arc<Mutex<Vec<(Value, String)>>>;

/// A chat-completions server answering `replies` in order (the last one again when they run
/// out), recording each request's body and `Authorization` header.
struct StandIn {
    url: String,
    requests: Seen,
}

async fn answer(
    req: HttpRequest,
    body: web::Json<Value>,
    replies: web::Data<Replies>,
    seen: web::Data<Seen>,
) -> HttpResponse {
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    seen.lock().unwrap().push((body.into_inner(), auth));
    let mut queue = replies.lock().unwrap();
    let (status, reply) = if queue.len() > 1 { queue.pop_front().unwrap() } else { queue[0].clone() };
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(reply)
}

async fn stand_in(replies: Vec<(u16, Value)>) -> StandIn {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let replies = web::Data::new(Mutex::new(VecDeque::from(replies)));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = web::Data::new(requests.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(replies.clone())
            .app_data(seen.clone())
            .route("/v1/chat/completions", web::post().to(answer))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    StandIn { url: format!("http://127.0.0.1:{port}/v1"), requests }
}

/// A chat completion whose message is `content` as JSON text.
fn completion(content: Value) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "stand-in-1",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content.to_string()}}],
        "usage": {"prompt_tokens": 420, "completion_tokens": 30, "total_tokens": 450},
    })
}

fn triage(category: &str, sub: &str, priority: &str) -> Value {
    json!({"category": category, "subcategory": sub, "priority": priority,
           "categoryConfidence": 0.95, "subcategoryConfidence": 0.9, "priorityConfidence": 0.9})
}

async fn with_openai(base: &TestApp, server: &StandIn) -> TestApp {
    let options = OpenAiOptions {
        base_url: server.url.clone(),
        model: "stand-in-1".into(),
        api_key: "sk-test".into(),
        timeout: Duration::from_secs(5),
        floors: Floors::default(),
    };
    let mut jobs = JobRegistry::new();
    jobs.register(TriageJob::new(Arc::new(OpenAiProvider::new(options).unwrap()), 0.85, fast_retries(3)));
    base.another_instance(jobs, |s| {
        brisk(s);
        s.ai_triage = true;
    })
    .await
}

async fn a_server_error_is_retried_and_the_answer_applied(base: TestApp) {
    let admin = base.admin().await;
    let ids = taxonomy(&base, &admin).await;
    let overloaded = json!({"error": {"message": "overloaded", "type": "server_error", "param": null, "code": null}});
    let server = stand_in(vec![(500, overloaded), (200, completion(triage("network", "vpn", "high")))]).await;
    let app = with_openai(&base, &server).await;
    let employee = app.user_by(&admin, "employee").await;
    let ticket = triaged_ticket(&app, &employee).await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    let job = job::Entity::find().filter(job::Column::Kind.eq(TRIAGE_KIND)).one(&app.state.db).await.unwrap().unwrap();
    let done = wait_for_state(&app, job.id, "succeeded").await;
    assert_eq!(done.attempts, 2, "the server error failed the first run; the queue retried it");
    assert!(done.last_error.unwrap_or_default().contains("overloaded"));
    let stored = predictions(&app, id).await;
    assert!(stored.contains(&("subcategory".into(), Some("vpn".into()), "applied".into())), "{stored:?}");
    let row = helpdesk_api::entities::ticket::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((row.category_id, row.priority.as_str()), (Some(ids["vpn"]), "high"));
    // What was asked: the model, the key, and a schema allowing only the taxonomy's labels.
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    let (body, auth) = &requests[1];
    assert_eq!((body["model"].as_str(), auth.as_str()), (Some("stand-in-1"), "Bearer sk-test"));
    let schema = &body["response_format"]["json_schema"]["schema"]["properties"];
    assert_eq!(schema["category"]["enum"], json!(["access", "network", null]));
    assert_eq!(schema["priority"]["enum"], json!(["low", "medium", "high", "critical", null]));
    assert!(body["messages"][1]["content"].as_str().unwrap().contains("VPN will not connect"));
}

async fn an_invented_label_is_never_stored(base: TestApp) {
    let admin = base.admin().await;
    taxonomy(&base, &admin).await;
    let server = stand_in(vec![(200, completion(triage("gardening", "roses", "urgent")))]).await;
    let app = with_openai(&base, &server).await;
    let employee = app.user_by(&admin, "employee").await;
    let ticket = triaged_ticket(&app, &employee).await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    let stored = predictions(&app, id).await;
    assert_eq!(
        stored,
        vec![("category".into(), None, "abstained".into()), ("priority".into(), None, "abstained".into())]
    );
    let row = helpdesk_api::entities::ticket::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((row.category_id, row.priority.as_str()), (None, "medium"));
}
