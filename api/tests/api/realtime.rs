//! The realtime WebSocket: authentication first, events only to those who may see the ticket
//! (never internal notes to requesters), presence, and delivery across two instances.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::helpers::{Backend, Session, TestApp};
use crate::on_both_backends;
use crate::tickets::{at, create, id_of};
use helpdesk_api::settings::Secret;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A socket to `app`, not yet authenticated.
async fn connect(app: &TestApp) -> Socket {
    let (ws, _) = connect_async(format!("ws://127.0.0.1:{}/api/v1/ws", app.port)).await.expect("connect");
    ws
}

async fn send(ws: &mut Socket, message: Value) {
    ws.send(Message::text(message.to_string())).await.expect("send");
}

/// The next JSON message, skipping pings; panics after 10 s of silence.
async fn next(ws: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a message in time");
        match frame.expect("socket open").expect("frame") {
            Message::Text(text) => return serde_json::from_str(&text).expect("json"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// The next message of type `kind`, skipping others (events of what happened just before a
/// subscription may still be on their way through Redis when it starts).
async fn next_of(ws: &mut Socket, kind: &str) -> Value {
    loop {
        let message = next(ws).await;
        if message["type"] == kind {
            return message;
        }
    }
}

/// A signed-in socket subscribed to `topics`.
async fn signed_in(app: &TestApp, who: &Session, topics: &[String]) -> Socket {
    let mut ws = connect(app).await;
    send(&mut ws, json!({"type": "auth", "token": who.access_token})).await;
    assert_eq!(next(&mut ws).await["type"], "ready");
    for topic in topics {
        send(&mut ws, json!({"type": "subscribe", "topic": topic})).await;
    }
    // A round trip, so the subscriptions are in place before the test goes on. Presence of
    // people already on a subscribed ticket may arrive first; the tests that need it ask again.
    send(&mut ws, json!({"type": "ping"})).await;
    next_of(&mut ws, "pong").await;
    ws
}

async fn close_code(ws: &mut Socket) -> Option<CloseCode> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("close in time") {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| f.code),
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

on_both_backends!(
    the_first_message_must_authenticate,
    events_reach_only_those_who_may_see_them,
    presence_comes_and_goes,
    a_late_arrival_learns_who_is_already_there,
    a_job_backlog_alert_reaches_admins_sockets
);

async fn the_first_message_must_authenticate(app: TestApp) {
    let mut ws = connect(&app).await;
    send(&mut ws, json!({"type": "subscribe", "topic": "queue"})).await;
    assert_eq!(close_code(&mut ws).await, Some(CloseCode::from(4401)));
    let mut ws = connect(&app).await;
    send(&mut ws, json!({"type": "auth", "token": "not-a-token"})).await;
    assert_eq!(close_code(&mut ws).await, Some(CloseCode::from(4401)));
}

async fn events_reach_only_those_who_may_see_them(app: TestApp) {
    let admin = app.admin().await;
    let requester = app.user_by(&admin, "employee").await;
    let bystander = app.user_by(&admin, "employee").await;
    let agent = app.user_by(&admin, "agent").await;
    let team = app.team(&admin, "Desk", &[&agent]).await;
    let queue = ["queue".to_string()];
    let mut requester_ws = signed_in(&app, &requester, &queue).await;
    let mut bystander_ws = signed_in(&app, &bystander, &queue).await;
    let mut agent_ws = signed_in(&app, &agent, &queue).await;

    let t = create(&app, &requester, json!({"title": "Laptop fan loud", "description": "d"})).await;
    let created = next(&mut requester_ws).await;
    assert_eq!(
        (created["type"].as_str(), created["ticketId"].as_str()),
        (Some("ticket.created"), Some(id_of(&t).as_str()))
    );
    // Routed to the agent's team: from then on the agent hears of it.
    let routed = app.patch(&at(&id_of(&t), ""), &admin.access_token, json!({"teamId": team})).await.expect(200);
    assert_eq!(routed.body["teamId"], json!(team));
    let updated = next(&mut agent_ws).await;
    assert_eq!(updated["type"], "ticket.updated");
    assert!(updated["changes"].as_array().is_some_and(|c| c.iter().any(|c| c["field"] == "team")));
    assert_eq!(next(&mut requester_ws).await["type"], "ticket.updated");

    // An internal note goes to the agent only; the public reply after it reaches the requester
    // first, so the note was never sent to them.
    let comments = at(&id_of(&t), "/comments");
    app.post(&comments, &agent.access_token, json!({"body": "n", "internal": true})).await.expect(201);
    let heard = next(&mut agent_ws).await;
    assert_eq!((heard["type"].as_str(), heard["internal"].as_bool()), (Some("ticket.commented"), Some(true)));
    app.post(&comments, &agent.access_token, json!({"body": "Try this"})).await.expect(201);
    let reply = next(&mut requester_ws).await;
    assert_eq!((reply["type"].as_str(), reply["internal"].as_bool()), (Some("ticket.commented"), Some(false)));
    assert_eq!(next(&mut agent_ws).await["internal"], json!(false), "the agent hears the reply too");

    // Assigning tells the assignee personally.
    app.post(&at(&id_of(&t), "/assign"), &admin.access_token, json!({"assigneeId": agent.user_id})).await.expect(200);
    let mut kinds = vec![next(&mut agent_ws).await["type"].clone(), next(&mut agent_ws).await["type"].clone()];
    kinds.sort_by_key(|k| k.to_string());
    assert_eq!(kinds, vec![json!("notification"), json!("ticket.assigned")]);

    // The bystander heard nothing of all this: their first message is about their own ticket.
    let own = create(&app, &bystander, json!({"title": "Mine", "description": "d"})).await;
    assert_eq!(next(&mut bystander_ws).await["ticketId"], json!(id_of(&own)));
    // Nor may they subscribe to the requester's ticket.
    send(&mut bystander_ws, json!({"type": "subscribe", "topic": format!("ticket:{}", id_of(&t))})).await;
    assert_eq!(next(&mut bystander_ws).await["code"], "ticket_not_found");
}

async fn presence_comes_and_goes(app: TestApp) {
    let admin = app.admin().await;
    let requester = app.user_by(&admin, "employee").await;
    let t = create(&app, &requester, json!({"title": "Printer", "description": "d"})).await;
    let topic = [format!("ticket:{}", id_of(&t))];
    let mut watcher = signed_in(&app, &requester, &topic).await;
    let mut admin_ws = signed_in(&app, &admin, &topic).await;
    send(&mut admin_ws, json!({"type": "presence", "ticketId": id_of(&t), "state": "replying"})).await;
    let seen = next_of(&mut watcher, "presence.changed").await;
    assert_eq!(seen["state"], "replying");
    assert_eq!(seen["user"]["id"], json!(admin.user_id));
    // Closing the socket clears it.
    admin_ws.close(None).await.expect("close");
    let gone = next_of(&mut watcher, "presence.changed").await;
    assert_eq!(gone["state"], "left");
}

async fn a_late_arrival_learns_who_is_already_there(app: TestApp) {
    let admin = app.admin().await;
    let requester = app.user_by(&admin, "employee").await;
    let t = create(&app, &requester, json!({"title": "Screen flickers", "description": "d"})).await;
    let topic = [format!("ticket:{}", id_of(&t))];
    let mut first = signed_in(&app, &admin, &topic).await;
    send(&mut first, json!({"type": "presence", "ticketId": id_of(&t), "state": "replying"})).await;
    // Arrives after the admin started replying, and says it is viewing.
    let mut later = signed_in(&app, &requester, &topic).await;
    send(&mut later, json!({"type": "presence", "ticketId": id_of(&t), "state": "viewing"})).await;
    let told = next_of(&mut later, "presence.changed").await;
    assert_eq!((told["user"]["id"].clone(), told["state"].clone()), (json!(admin.user_id), json!("replying")));
    // And the admin hears of the newcomer.
    let arrived = next_of(&mut first, "presence.changed").await;
    assert_eq!((arrived["user"]["id"].clone(), arrived["state"].clone()), (json!(requester.user_id), json!("viewing")));
}

/// A client on instance B hears of a change made through instance A (PostgreSQL + Redis).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_sockets_on_the_other() {
    let a = TestApp::postgres().await;
    let b = a.sibling(crate::helpers::redis_url()).await;
    let admin = a.admin().await;
    let requester = a.user_by(&admin, "employee").await;
    let mut on_b = signed_in(&b, &requester, &["queue".to_string()]).await;
    let t = create(&a, &requester, json!({"title": "Made on A", "description": "d"})).await;
    let heard = next(&mut on_b).await;
    assert_eq!(
        (heard["type"].as_str(), heard["ticketId"].as_str()),
        (Some("ticket.created"), Some(id_of(&t).as_str()))
    );
}

/// A Redis server of this test's own, on a free port, so stopping it disturbs no other test.
struct PrivateRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl PrivateRedis {
    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
    }

    async fn start(port: u16) -> PrivateRedis {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        PrivateRedis { port, child: Some(child) }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Redis goes away and comes back: REST keeps working, sockets are told to resync, and
/// delivery across instances resumes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_survives_redis_restarting() {
    let port = PrivateRedis::free_port();
    let mut redis = PrivateRedis::start(port).await;
    let redis_url = redis.url();
    let url_a = redis_url.clone();
    let a = TestApp::spawn(Backend::Postgres, move |s| s.redis_url = Some(Secret::new(url_a))).await;
    let b = a.sibling(redis_url).await;
    let admin = a.admin().await;
    let requester = a.user_by(&admin, "employee").await;
    let mut on_b = signed_in(&b, &requester, &["queue".to_string()]).await;

    redis.stop();
    assert_eq!(next(&mut on_b).await["type"], "resync", "told that events may be lost");
    create(&a, &requester, json!({"title": "While Redis is down", "description": "d"})).await;

    let _redis = PrivateRedis::start(port).await;
    assert_eq!(next(&mut on_b).await["type"], "resync", "told again once the subscription is back");
    // The publisher's pooled connection may be the dead one for a first attempt.
    for attempt in 0..20 {
        let t = create(&a, &requester, json!({"title": format!("Back {attempt}"), "description": "d"})).await;
        let heard = tokio::time::timeout(Duration::from_secs(1), next(&mut on_b)).await;
        if let Ok(message) = heard {
            assert_eq!(message["ticketId"], json!(id_of(&t)));
            return;
        }
    }
    panic!("delivery did not resume after Redis came back");
}

/// A stored notification for `admin:jobs` reaches admins' sockets without a subscription.
async fn a_job_backlog_alert_reaches_admins_sockets(base: TestApp) {
    use crate::jobs::{Recorder, TestJob, brisk_config, deps, enqueue, registry};
    use helpdesk_api::modules::jobs::{EnqueueOptions, WorkerConfig, housekeeping};
    let recorder = std::sync::Arc::new(Recorder::default());
    let app =
        base.another_instance(registry(vec![TestJob::new("test.rt", &recorder)]), |s| s.jobs_enabled = false).await;
    let admin = app.admin().await;
    let mut ws = signed_in(&app, &admin, &[]).await;
    let later =
        || EnqueueOptions { run_at: Some(chrono::Utc::now() + chrono::TimeDelta::hours(1)), ..Default::default() };
    for _ in 0..2 {
        enqueue(&app, "test.rt", json!({}), later()).await;
    }
    housekeeping::round(&deps(&app), &WorkerConfig { backlog_threshold: 1, ..brisk_config() }).await;
    let pushed = next_of(&mut ws, "notification.created").await;
    assert_eq!(pushed["kind"], "jobs.backlog");
    let listed = app.get("/api/v1/notifications", &admin.access_token).await.expect(200).body;
    assert_eq!(pushed["notificationId"], listed["data"][0]["id"]);
}
