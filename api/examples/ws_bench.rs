//! Realtime benchmark (not a test): latency from a REST change on instance A to its delivery
//! over WebSockets at many subscribers spread over instances A and B, and how many idle
//! authenticated sockets one instance holds, with the server's memory per socket.
//!
//!   cargo run --release -p helpdesk-api --example ws_bench -- \
//!     --a http://127.0.0.1:18401 --b http://127.0.0.1:18402 --email E --password P \
//!     --ticket ID --subscribers 1000 --updates 50 --idle 10000 --pid <server A pid>

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark: stop loudly on any surprise

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

fn arg(args: &HashMap<String, String>, name: &str) -> String {
    args.get(name).cloned().unwrap_or_else(|| panic!("--{name} is required"))
}

fn ws_url(http: &str) -> String {
    format!("{}/api/v1/ws", http.replacen("http", "ws", 1))
}

fn rss_kib(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Opens a socket, authenticates and subscribes to the queue.
async fn subscriber(
    url: String,
    token: String,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let (mut ws, _) = connect_async(url).await.expect("connect");
    ws.send(Message::text(json!({"type": "auth", "token": token}).to_string())).await.expect("auth");
    ws.send(Message::text(json!({"type": "subscribe", "topic": "queue"}).to_string())).await.expect("subscribe");
    ws.send(Message::text(json!({"type": "ping"}).to_string())).await.expect("ping");
    loop {
        if let Some(Ok(Message::Text(t))) = ws.next().await
            && serde_json::from_str::<Value>(&t).map(|v| v["type"] == "pong").unwrap_or(false)
        {
            return ws;
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let args: HashMap<String, String> = raw
        .chunks(2)
        .map(|c| (c[0].trim_start_matches("--").to_string(), c.get(1).cloned().unwrap_or_default()))
        .collect();
    let (a, b) = (arg(&args, "a"), arg(&args, "b"));
    let subscribers: usize = arg(&args, "subscribers").parse().unwrap();
    let updates: usize = arg(&args, "updates").parse().unwrap();
    let idle: usize = args.get("idle").and_then(|v| v.parse().ok()).unwrap_or(0);
    let ticket = arg(&args, "ticket");
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{a}/api/v1/auth/login"))
        .json(&json!({"email": arg(&args, "email"), "password": arg(&args, "password")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["accessToken"].as_str().unwrap().to_string();

    // Latency: every subscriber reports when it hears each version of the ticket.
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel::<(i64, Instant)>();
    for i in 0..subscribers {
        let url = ws_url(if i % 2 == 0 { &a } else { &b });
        let mut ws = subscriber(url, token.clone()).await;
        let heard = heard_tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = ws.next().await {
                if let Message::Text(t) = frame
                    && let Ok(v) = serde_json::from_str::<Value>(&t)
                    && v["type"] == "ticket.updated"
                {
                    let _ = heard.send((v["version"].as_i64().unwrap_or(0), Instant::now()));
                }
            }
        });
    }
    println!("{subscribers} subscribers connected (half on A, half on B)");
    let mut latencies = Vec::with_capacity(subscribers * updates);
    for n in 0..updates {
        let priority = ["low", "medium", "high"][n % 3];
        let sent = Instant::now();
        let answer: Value = http
            .patch(format!("{a}/api/v1/tickets/{ticket}"))
            .bearer_auth(&token)
            .json(&json!({"priority": priority}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let version = answer["version"].as_i64().unwrap();
        let mut got = 0;
        let deadline = sent + Duration::from_secs(10);
        while got < subscribers {
            match tokio::time::timeout_at(deadline.into(), heard_rx.recv()).await {
                Ok(Some((v, at))) if v == version => {
                    latencies.push(at.duration_since(sent).as_secs_f64() * 1000.0);
                    got += 1;
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        if got < subscribers {
            println!("update {n}: only {got} of {subscribers} delivered within 10 s");
        }
    }
    latencies.sort_by(|x, y| x.partial_cmp(y).unwrap());
    println!(
        "{{\"subscribers\":{subscribers},\"updates\":{updates},\"deliveries\":{},\"p50Ms\":{:.1},\"p99Ms\":{:.1},\"maxMs\":{:.1}}}",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );

    // Idle sockets on instance A, and the server's memory per socket.
    if idle > 0 {
        let pid = arg(&args, "pid");
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = rss_kib(&pid);
        let mut held = Vec::with_capacity(idle);
        for i in 0..idle {
            match tokio::time::timeout(Duration::from_secs(10), subscriber(ws_url(&a), token.clone())).await {
                Ok(ws) => held.push(ws),
                Err(_) => {
                    println!("socket {i} did not open in time");
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kib(&pid);
        let per = (after.saturating_sub(before) as f64 * 1024.0) / held.len().max(1) as f64;
        println!(
            "{{\"idleSockets\":{},\"rssBeforeKiB\":{before},\"rssAfterKiB\":{after},\"bytesPerSocket\":{per:.0}}}",
            held.len()
        );
    }
}
