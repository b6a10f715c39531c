//! The built web app as the server hands it to browsers: caching and content
//! types for Trunk's output, and the `index.html` fallback for client routes.

use reqwest::Method;

use crate::helpers::{Backend, TestApp};

const WASM: &str = "helpdesk-web-a1b2c3d4e5f60718_bg.wasm";
const JS: &str = "helpdesk-web-a1b2c3d4e5f60718.js";
const CONSOLE_JS: &str = "console/helpdesk-console-0123456789abcdef.js";

/// A server whose web directory holds a fake Trunk build.
async fn app_with_build() -> (TestApp, tempfile::TempDir) {
    let web = tempfile::tempdir().expect("web dir");
    std::fs::create_dir(web.path().join("console")).expect("console dir");
    std::fs::create_dir(web.path().join("authoring")).expect("authoring dir");
    let files: [(&str, &[u8]); 8] = [
        ("index.html", b"<!doctype html><title>Helpdesk</title>"),
        ("console/index.html", b"<!doctype html><title>Helpdesk console</title>"),
        ("authoring/index.html", b"<!doctype html><title>Helpdesk authoring</title>"),
        (CONSOLE_JS, b"export default function init() {}"),
        ("sw.js", b"self.addEventListener('fetch', () => {});"),
        ("manifest.webmanifest", b"{\"name\":\"Helpdesk\"}"),
        (WASM, b"\0asm\x01\0\0\0"),
        (JS, b"export default function init() {}"),
    ];
    for (name, body) in files {
        std::fs::write(web.path().join(name), body).expect("write build file");
    }
    let dir = web.path().to_path_buf();
    let app = TestApp::spawn(Backend::Sqlite, |s| s.web_dir = dir).await;
    (app, web)
}

async fn header(app: &TestApp, path: &str, name: &str) -> String {
    let a = app.call(Method::GET, path, None, None).await;
    assert_eq!(a.status, 200, "GET {path}");
    a.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn hashed_build_files_are_cached_for_a_year() {
    let (app, _web) = app_with_build().await;
    for path in [format!("/{WASM}"), format!("/{JS}")] {
        assert_eq!(header(&app, &path, "cache-control").await, "public, max-age=31536000, immutable", "{path}");
    }
    assert_eq!(header(&app, &format!("/{WASM}"), "content-type").await, "application/wasm");
}

#[tokio::test]
async fn shell_worker_and_manifest_are_revalidated() {
    let (app, _web) = app_with_build().await;
    // `/tickets/<id>` is a client route: it gets index.html.
    for path in ["/", "/index.html", "/sw.js", "/manifest.webmanifest", "/tickets/123"] {
        assert_eq!(header(&app, path, "cache-control").await, "no-cache", "{path}");
    }
    assert_eq!(header(&app, "/manifest.webmanifest", "content-type").await, "application/manifest+json");
    assert!(header(&app, "/tickets/123", "content-type").await.starts_with("text/html"));
}

#[tokio::test]
async fn unknown_api_paths_still_answer_json_404() {
    let (app, _web) = app_with_build().await;
    let a = app.call(Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.body["code"], "route_not_found");
}

/// The page a client route gets: the workspace's or the console's `index.html`.
async fn page(app: &TestApp, path: &str) -> String {
    let res = reqwest::get(format!("{}{path}", app.address)).await.expect("GET");
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.expect("body")
}

#[tokio::test]
async fn routes_get_the_index_of_their_build() {
    let (app, _web) = app_with_build().await;
    for path in ["/admin/users", "/admin/audit?page=2", "/incidents"] {
        assert!(page(&app, path).await.contains("Helpdesk console"), "{path}");
    }
    for path in ["/kb/new", "/kb/0b1c/edit", "/kb/0b1c/history"] {
        assert!(page(&app, path).await.contains("Helpdesk authoring"), "{path}");
    }
    for path in ["/", "/tickets/123", "/kb", "/kb/0b1c", "/administrator"] {
        assert!(page(&app, path).await.contains("<title>Helpdesk</title>"), "{path}");
    }
    // Their files live in their folders and are cached like the workspace's.
    assert_eq!(header(&app, &format!("/{CONSOLE_JS}"), "cache-control").await, "public, max-age=31536000, immutable");
}

#[tokio::test]
async fn without_a_console_build_its_routes_get_the_workspace() {
    let (app, web) = app_with_build().await;
    std::fs::remove_dir_all(web.path().join("console")).expect("remove console");
    assert!(page(&app, "/admin/users").await.contains("<title>Helpdesk</title>"));
}
