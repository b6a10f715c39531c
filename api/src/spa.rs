//! Serving the built single-page app, with a fallback to `index.html` for
//! client-side routes, and JSON 404s for unknown API paths.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::state::AppState;

/// A relative path inside the web directory, or `None` if it tries to leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    rel.components().all(|c| matches!(c, Component::Normal(_))).then(|| rel.to_path_buf())
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Helpdesk</title></head>\
<body><h1>Helpdesk</h1><p>The API is running. The web app has not been built into this server's web directory \
(<code>trunk build --release</code>).</p><p><a href=\"/api/docs/\">API documentation</a></p></body></html>";

/// Default service: unknown `/api` paths get a JSON 404; anything else is a
/// file of the SPA, or its `index.html`.
pub async fn fallback(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if path == "/api" || path.starts_with("/api/") {
        return Err(ApiError::not_found("route_not_found", format!("No route {} {}", req.method(), path)));
    }
    let dir = &state.settings.web_dir;
    if let Some(rel) = safe_relative(path).filter(|r| !r.as_os_str().is_empty()) {
        let file = dir.join(rel);
        if file.is_file()
            && let Ok(f) = NamedFile::open_async(&file).await
        {
            return Ok(f.into_response(&req));
        }
    }
    match NamedFile::open_async(dir.join("index.html")).await {
        Ok(f) => Ok(f.into_response(&req)),
        Err(_) => Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(NOT_BUILT)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        assert_eq!(safe_relative("/app.js"), Some(PathBuf::from("app.js")));
        assert_eq!(safe_relative("/a/b.css"), Some(PathBuf::from("a/b.css")));
        assert_eq!(safe_relative("/../etc/passwd"), None);
        assert_eq!(safe_relative("/a/../../x"), None);
    }
}
