//! The OpenSearch store against a recorded exchange: a stand-in server answers each request
//! with the recorded answer after checking it is the recorded request (same method and path,
//! same JSON, numbers within 1e-5, `"*"` matching any value).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use helpdesk_api::modules::search::embedding::EmbedError;
use helpdesk_api::modules::search::opensearch::OpenSearchStore;
use helpdesk_api::modules::search::{
    Embedder, EmbeddingStatus, SearchBackend, SearchDocument, SearchMode, SearchQuery,
};
use serde_json::Value;
use uuid::Uuid;

/// normalise([occurrences of "vpn", occurrences of "printer", 1]).
struct Axes;

impl Embedder for Axes {
    fn name(&self) -> &str {
        "axes"
    }
    fn dimension(&self) -> usize {
        3
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts
            .iter()
            .map(|t| {
                let t = t.to_lowercase();
                let v = [t.matches("vpn").count() as f32, t.matches("printer").count() as f32, 1.0];
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter().map(|x| x / norm).collect()
            })
            .collect())
    }
}

/// Whether `got` is the recorded `want`.
fn same(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::String(w), _) if w == "*" => true,
        (Value::Number(w), Value::Number(g)) => {
            (w.as_f64().unwrap_or(f64::NAN) - g.as_f64().unwrap_or(f64::NAN)).abs() < 1e-5
        }
        (Value::Array(w), Value::Array(g)) => w.len() == g.len() && w.iter().zip(g).all(|(w, g)| same(w, g)),
        (Value::Object(w), Value::Object(g)) => {
            w.len() == g.len() && w.iter().all(|(k, w)| g.get(k).is_some_and(|g| same(w, g)))
        }
        _ => want == got,
    }
}

/// Checks one request against the next recorded exchange; answers the recorded answer.
fn replay(
    exchanges: &Mutex<VecDeque<Value>>,
    problems: &Mutex<Vec<String>>,
    req: &HttpRequest,
    body: &[u8],
) -> HttpResponse {
    let Some(next) = exchanges.lock().unwrap().pop_front() else {
        problems.lock().unwrap().push(format!("unexpected {} {}", req.method(), req.uri()));
        return HttpResponse::InternalServerError().finish();
    };
    let text = String::from_utf8_lossy(body);
    let mut problem = None;
    if next["method"] != req.method().as_str() || next["path"] != req.uri().to_string() {
        problem = Some(format!("expected {} {}, got {} {}", next["method"], next["path"], req.method(), req.uri()));
    } else if let Some(want) = next.get("body") {
        let got: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !same(want, &got) {
            problem = Some(format!("{} body differs:\nwant {want}\ngot  {got}", next["path"]));
        }
    } else if let Some(want) = next["ndjson"].as_array() {
        let got: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap_or(Value::Null)).collect();
        let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if content_type != "application/x-ndjson" || !same(&Value::Array(want.clone()), &Value::Array(got.clone())) {
            problem = Some(format!("bulk differs ({content_type}):\nwant {want:?}\ngot  {got:?}"));
        }
    }
    if let Some(problem) = problem {
        problems.lock().unwrap().push(problem);
        return HttpResponse::InternalServerError().finish();
    }
    let status = actix_web::http::StatusCode::from_u16(next["status"].as_u64().unwrap_or(500) as u16).unwrap();
    match &next["answer"] {
        Value::Null => HttpResponse::build(status).finish(),
        answer => HttpResponse::build(status).json(answer),
    }
}

fn article(key: &str, title: &str, summary: &str, tag: &str, category: &str, body: &str) -> SearchDocument {
    SearchDocument {
        id: 0,
        key: key.into(),
        title: title.into(),
        summary: summary.into(),
        tags: vec![tag.into()],
        category: Some(category.into()),
        body: body.into(),
        published: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hybrid_search_follows_the_recorded_exchange() {
    let recorded: Value =
        serde_json::from_str(include_str!("../../fixtures/opensearch/hybrid-exchange.json")).expect("fixture");
    let exchanges: VecDeque<Value> = recorded["exchanges"].as_array().cloned().unwrap_or_default().into();
    let exchanges = Arc::new(Mutex::new(exchanges));
    let problems = Arc::new(Mutex::new(Vec::new()));
    let (ex, pr) = (exchanges.clone(), problems.clone());
    let server = HttpServer::new(move || {
        let (ex, pr) = (ex.clone(), pr.clone());
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let (ex, pr) = (ex.clone(), pr.clone());
            async move { replay(&ex, &pr, &req, &body) }
        }))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind");
    let url = format!("http://{}", server.addrs()[0]);
    let handle = server.run();
    let stop = handle.handle();
    tokio::spawn(handle);

    let status = EmbeddingStatus { status: "ok".into(), model: Some("axes".into()), detail: None };
    let store = OpenSearchStore::new(&url, "t-kb", Some(Arc::new(Axes)), status).expect("store");
    let vpn: Uuid = "0191f7a2-0000-7000-8000-000000000001".parse().unwrap();
    let printer: Uuid = "0191f7a2-0000-7000-8000-000000000002".parse().unwrap();
    let docs = vec![
        (
            (vpn, 0),
            article("kb-001", "FortiClient VPN stuck", "Restart it", "VPN", "Network", "Restart the VPN service."),
        ),
        (
            (printer, 0),
            article("kb-002", "Printer offline", "Power cycle", "printer", "Hardware", "Turn the printer off and on."),
        ),
    ];
    let upserted = store.upsert(docs).await;
    let searched = store.search(SearchQuery::new("vpn")).await;
    stop.stop(true).await;
    assert_eq!(problems.lock().unwrap().clone(), Vec::<String>::new());
    upserted.expect("upsert");
    let (hits, mode) = searched.expect("search");
    assert!(exchanges.lock().unwrap().is_empty(), "requests not made: {:?}", exchanges.lock().unwrap());
    assert_eq!(store.len(), 2);

    // Both retrievers ran and were fused: the VPN article (found by both) first, the printer
    // article (by meaning only, without highlights: its summary, escaped) second.
    assert_eq!(mode, SearchMode::Hybrid);
    let keys: Vec<_> = hits.iter().map(|(k, h)| (k.0, h.key.as_str())).collect();
    assert_eq!(keys, vec![(vpn, "kb-001"), (printer, "kb-002")]);
    let (first, second) = (&hits[0].1, &hits[1].1);
    assert!(first.lexical.is_some() && first.semantic.is_some());
    assert!(second.lexical.is_none() && second.semantic.is_some());
    assert!(first.score > second.score);
    assert_eq!(first.title_highlight, "FortiClient <mark>VPN</mark> stuck");
    assert_eq!(first.highlight, "Restart the <mark>VPN</mark> service.");
    assert_eq!(
        (second.title_highlight.as_str(), second.highlight.as_str()),
        ("Printer offline", "Power &lt;cycle&gt;")
    );
}
