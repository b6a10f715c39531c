//! The committed OpenAPI document must match the code, and the served one too.

use crate::helpers::TestApp;

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json")
}

#[test]
fn committed_document_matches_the_code() {
    let generated = helpdesk_api::openapi::document_json().expect("document");
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p helpdesk-api --test api openapi` \
         (or `helpdesk openapi > openapi/openapi.json`) and commit it"
    );
}

#[test]
fn every_operation_is_documented() {
    let doc: serde_json::Value =
        serde_json::from_str(&helpdesk_api::openapi::document_json().expect("document")).expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/auth/login"));
    let mut ids = std::collections::HashSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no documented responses"
            );
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path} has no tag");
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            assert!(ids.insert(id.clone()), "operationId {id} of {method} {path} is not unique");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_document_and_docs_page() {
    let app = TestApp::sqlite().await;
    let served = app.client.get(format!("{}/api/openapi.json", app.address)).send().await.expect("get");
    assert_eq!(served.status(), 200);
    let served: serde_json::Value = served.json().await.expect("json");
    assert_eq!(served["info"]["title"], "Helpdesk API");
    let bare = app.client.get(format!("{}/api/docs", app.address)).send().await.expect("get");
    assert_eq!(bare.status(), 308);
    assert_eq!(bare.headers().get("location").and_then(|v| v.to_str().ok()), Some("/api/docs/"));
    let docs = app.client.get(format!("{}/api/docs/", app.address)).send().await.expect("get");
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap_or_default().contains("swagger"));
}
