//! The one fetch wrapper every call to the server goes through.
//!
//! It adds the access token (kept in memory only, never in storage), turns error bodies into
//! [`ApiError`], and renews an expired token once through the refresh cookie before giving up.
//! When renewal fails it calls the session-expired hook the session installs, which sends the
//! user to sign-in with their place kept.

pub mod admin;
pub mod auth;
pub mod incidents;
pub mod kb;
pub mod tickets;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared_types::ErrorBody;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// Why a call to the server failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: the device is offline or the server is down.
    Network,
    /// The server refused, with its error body.
    Server(ErrorBody),
    /// The answer was not what this client expects.
    Decode(String),
}

impl ApiError {
    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => "The server cannot be reached. Check your connection and try again.".into(),
            ApiError::Server(body) => body.message.clone(),
            ApiError::Decode(why) => format!("The server's answer could not be read ({why})."),
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server(body) => Some(body.status_code),
            _ => None,
        }
    }

    /// The stable error code, when the server answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Server(body) => Some(body.code.as_str()),
            _ => None,
        }
    }

    /// Per-field problems from a validation error (`details`), keyed by JSON field name.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            ApiError::Server(body) => body.details.clone().unwrap_or_default(),
            _ => BTreeMap::new(),
        }
    }
}

thread_local! {
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static ON_EXPIRED: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, bool>>>> = const { RefCell::new(None) };
    static FROM_CACHE: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Replaces the in-memory access token.
pub fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

/// The in-memory access token, if any (the live connection authenticates with it).
pub fn current_token() -> Option<String> {
    TOKEN.with(|t| t.borrow().clone())
}

/// Installs what happens when the session cannot be renewed.
pub fn on_session_expired(hook: impl Fn() + 'static) {
    ON_EXPIRED.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

/// True while the last answers came from the service worker's offline copy.
pub fn served_from_cache() -> ArcRwSignal<bool> {
    FROM_CACHE.with(Clone::clone)
}

/// Options beyond method, path and body.
#[derive(Default, Clone)]
pub struct Call {
    /// Sent as `If-Match` for optimistic concurrency.
    pub if_match: Option<String>,
    /// Do not try to renew the token on 401 (the auth calls themselves).
    pub no_refresh: bool,
}

/// Sends a request and decodes a JSON answer. Only the decoding is generic: the request,
/// the renewal and the error handling are compiled once, which keeps the WASM small.
pub async fn call<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
    opts: Call,
) -> Result<T, ApiError> {
    let json = match body {
        Some(b) => Some(to_json(b)?),
        None => None,
    };
    let text = exchange(method, path, json, opts).await?;
    decode(&text)
}

/// Decodes an answer's JSON text (an empty body reads as `null`).
// `ApiError` is the client's one error type, returned by value everywhere (and small on wasm32,
// where this runs); boxing it would cost every caller.
#[allow(clippy::result_large_err)]
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let source = if text.is_empty() { "null" } else { text };
    serde_json::from_str(source).map_err(|e| ApiError::Decode(e.to_string()))
}

/// GET, answering the body's text for the caller to decode.
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    exchange(GET, path, None, Call::default()).await
}

/// A request body as JSON text, for [`exchange`].
#[allow(clippy::result_large_err)]
pub fn to_json(body: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))
}

/// Sends, renews the token once on 401, and answers the body of a 2xx response (for callers
/// that decode an answer in parts).
pub async fn exchange(method: Method, path: &str, json: Option<String>, opts: Call) -> Result<String, ApiError> {
    let mut response = send(method, path, json.as_deref(), &opts).await?;
    if response.status() == 401 && !opts.no_refresh && current_token().is_some() {
        if renew().await {
            response = send(method, path, json.as_deref(), &opts).await?;
        } else {
            expire();
        }
    }
    success_text(response).await
}

/// GET and decode.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call::<T>(GET, path, None::<&()>, Call::default()).await
}

/// POST a JSON body and decode the answer.
pub async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    call::<T>(POST, path, Some(body), Call::default()).await
}

/// An answer with no body (204) decodes into this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoContent;

/// An HTTP method, as `fetch` takes it.
pub type Method = &'static str;
/// `GET`.
pub const GET: Method = "GET";
/// `POST`.
pub const POST: Method = "POST";
/// `PUT`.
pub const PUT: Method = "PUT";
/// `PATCH`.
pub const PATCH: Method = "PATCH";
/// `DELETE`.
pub const DELETE: Method = "DELETE";

impl<'de> serde::Deserialize<'de> for NoContent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| NoContent)
    }
}

/// The browser's `fetch`, with the token and JSON headers. Straight on `web_sys`: a wrapper
/// crate cost more WASM than these lines.
async fn send(method: Method, path: &str, json: Option<&str>, opts: &Call) -> Result<Response, ApiError> {
    let broken = |_: JsValue| ApiError::Decode("the browser refused to build the request".into());
    let headers = Headers::new().map_err(broken)?;
    headers.set("Accept", "application/json").map_err(broken)?;
    if let Some(t) = current_token() {
        headers.set("Authorization", &format!("Bearer {t}")).map_err(broken)?;
    }
    if let Some(tag) = &opts.if_match {
        headers.set("If-Match", tag).map_err(broken)?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = json {
        headers.set("Content-Type", "application/json").map_err(broken)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let answer = JsFuture::from(window.fetch_with_str_and_init(path, &init)).await.map_err(|_| ApiError::Network)?;
    let response: Response = answer.dyn_into().map_err(|_| ApiError::Network)?;
    let cached = response.headers().get("x-helpdesk-offline").ok().flatten().is_some();
    served_from_cache().set(cached);
    Ok(response)
}

async fn success_text(response: Response) -> Result<String, ApiError> {
    let status = response.status();
    let promise = response.text().map_err(|_| ApiError::Network)?;
    let text = JsFuture::from(promise).await.map_err(|_| ApiError::Network)?.as_string().unwrap_or_default();
    if (200..300).contains(&status) {
        return Ok(text);
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ApiError::Server(body)),
        Err(_) => Err(ApiError::Server(ErrorBody {
            status_code: status,
            error: response.status_text(),
            message: format!("The server answered {status}."),
            code: "unexpected_response".into(),
            timestamp: String::new(),
            path: String::new(),
            details: None,
        })),
    }
}

/// Renews the access token with the refresh cookie. Concurrent callers share one attempt.
pub async fn renew() -> bool {
    let attempt = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let ok = match auth::refresh().await {
                        Ok(tokens) => {
                            set_token(Some(tokens.access_token));
                            true
                        }
                        Err(_) => false,
                    };
                    REFRESHING.with(|r| r.borrow_mut().take());
                    ok
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    attempt.await
}

fn expire() {
    set_token(None);
    if let Some(hook) = ON_EXPIRED.with(|h| h.borrow().clone()) {
        hook();
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// `?a=1&b=x` from a query struct's set fields (empty when none is set), keys sorted.
pub fn query_string(query: &impl Serialize) -> String {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) else {
        return String::new();
    };
    let pairs: Vec<String> = fields
        .iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) if s.is_empty() => None,
            serde_json::Value::String(s) => Some(format!("{k}={}", encode(s))),
            other => Some(format!("{k}={}", encode(&other.to_string()))),
        })
        .collect();
    if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
}
