//! Serving the built single-page app, with a fallback to `index.html` for
//! client-side routes, and JSON 404s for unknown API paths.
//!
//! The app is three builds (see `web/src/apps.rs`): the workspace at the root
//! of the web directory, the console (administration, incident alerts) in its
//! `console/` folder and knowledge-base authoring in `authoring/`. A
//! client-side route gets the `index.html` of the build that owns it
//! ([`shared_types::web::build_for`]).
//!
//! Caching follows Trunk's output: files named after a hash of their content
//! are kept by browsers for a year; every other file (`index.html`, the
//! service worker, the manifest, icons) is revalidated on each use, so a new
//! build shows on the next load.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use shared_types::web::build_for;

use crate::error::ApiError;
use crate::state::AppState;

/// A relative path inside the web directory, or `None` if it tries to leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    rel.components().all(|c| matches!(c, Component::Normal(_))).then(|| rel.to_path_buf())
}

/// How long a browser may reuse a file of the app without asking the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caching {
    /// The name carries a hash of the content: a changed file gets a new name.
    Immutable,
    /// The name stays across builds: ask every time (a cheap 304 with the
    /// ETag). For `sw.js` this also keeps a stale worker from pinning an old
    /// build; for `index.html` it makes a deploy visible on the next load.
    Revalidate,
}

impl Caching {
    fn for_file(name: &str) -> Self {
        if is_content_hashed(name) { Self::Immutable } else { Self::Revalidate }
    }

    fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Revalidate => "no-cache",
        })
    }
}

/// Whether `name` is one of Trunk's content-hashed build outputs:
/// `<stem>-<hash>.js`, `<stem>-<hash>_bg.wasm` or `<stem>-<hash>.css`, where
/// the hash is a 64-bit seahash in lower-case hex without leading zeros.
/// Fewer than 12 digits is treated as unhashed: a wrong "no" only costs a
/// revalidation, a wrong "yes" would pin a stale file for a year.
fn is_content_hashed(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    if !matches!(ext, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else { return false };
    (12..=16).contains(&hash.len()) && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Content types that must be exact whatever the MIME table says: browsers
/// only stream-compile WASM served as `application/wasm`, and the manifest
/// has its own registered type.
fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        "wasm" => Some("application/wasm"),
        "webmanifest" => Some("application/manifest+json"),
        _ => None,
    }
}

/// A file of the app with its caching and content-type headers.
fn respond(file: NamedFile, req: &HttpRequest) -> HttpResponse {
    let name = file.path().file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let mut res = file.into_response(req);
    let headers = res.headers_mut();
    headers.insert(CACHE_CONTROL, Caching::for_file(&name).header_value());
    if let Some(ty) = content_type(&name) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ty));
    }
    res
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
            return Ok(respond(f, &req));
        }
    }
    let index = build_for(path).folder().map(|d| dir.join(d).join("index.html")).filter(|i| i.is_file());
    let index = index.unwrap_or_else(|| dir.join("index.html"));
    match NamedFile::open_async(index).await {
        Ok(f) => Ok(respond(f, &req)),
        Err(_) => Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((CACHE_CONTROL, Caching::Revalidate.header_value()))
            .body(NOT_BUILT)),
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

    #[test]
    fn trunk_hashed_outputs_are_immutable() {
        for name in [
            "helpdesk-web-a1b2c3d4e5f60718.js",
            "helpdesk-web-a1b2c3d4e5f60718_bg.wasm",
            "style-0123456789abcdef.css",
            // seahash in `{:x}`: no leading zeros, so sometimes shorter than 16.
            "style-123456789abcdef.css",
        ] {
            assert_eq!(Caching::for_file(name), Caching::Immutable, "{name}");
        }
        assert_eq!(Caching::Immutable.header_value(), HeaderValue::from_static("public, max-age=31536000, immutable"));
    }

    #[test]
    fn files_that_keep_their_name_are_revalidated() {
        for name in [
            "index.html",
            "sw.js",
            "manifest.webmanifest",
            "icon-512.png",
            "helpdesk-web.js",
            "helpdesk-web_bg.wasm",
            // Not a hash: too short, upper case, not hex, or a type Trunk does not hash.
            "app-deadbeef.js",
            "helpdesk-web-A1B2C3D4E5F60718.js",
            "helpdesk-web-a1b2c3d4e5f6071z.js",
            "helpdesk-web-a1b2c3d4e5f607189.js",
            "icon-a1b2c3d4e5f60718.png",
        ] {
            assert_eq!(Caching::for_file(name), Caching::Revalidate, "{name}");
        }
        assert_eq!(Caching::Revalidate.header_value(), HeaderValue::from_static("no-cache"));
    }

    #[test]
    fn wasm_and_manifest_get_their_registered_types() {
        assert_eq!(content_type("helpdesk-web-a1b2c3d4e5f60718_bg.wasm"), Some("application/wasm"));
        assert_eq!(content_type("manifest.webmanifest"), Some("application/manifest+json"));
        assert_eq!(content_type("index.html"), None);
        assert_eq!(content_type("README"), None);
    }
}
