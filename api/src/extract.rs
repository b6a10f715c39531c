//! Request extractors whose errors name the field at fault.
//!
//! actix's own `Json` and `Query` report serde's message without a path, so
//! a wrong-typed nested field is hard to find. These read with
//! `serde_path_to_error` and answer in the common error format.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use shared_types::FieldErrors;

use crate::error::{ApiError, ErrorKind};

/// Limit on JSON bodies, registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body read with field-naming errors.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// Turns a serde error at `path` into the field it concerns.
fn field_of(path: &str, message: &str) -> String {
    // serde reports unknown and missing fields at the parent's path.
    for marker in ["unknown field `", "missing field `"] {
        if let Some(rest) = message.strip_prefix(marker)
            && let Some(end) = rest.find('`')
        {
            let name = &rest[..end];
            return if path == "." || path.is_empty() {
                name.to_string()
            } else if path == name || path.ends_with(&format!(".{name}")) {
                // serde_path_to_error already descended into an unknown field.
                path.to_string()
            } else {
                format!("{path}.{name}")
            };
        }
    }
    if path == "." || path.is_empty() { "body".to_string() } else { path.to_string() }
}

/// Strips serde_json's " at line 1 column 20" tail.
fn clean(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Parses JSON bytes into `T`, mapping failures to 400 (unreadable) or 422 (wrong shape).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    if value.is_ok()
        && let Err(e) = de.end()
    {
        return Err(ApiError::bad_request("malformed_json", format!("The body is not valid JSON: {e}")));
    }
    value.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = clean(&inner.to_string());
                let mut details = FieldErrors::new();
                details.insert(field_of(&path, &message), message);
                ApiError::validation(details)
            }
            _ => ApiError::bad_request("malformed_json", format!("The body is not valid JSON: {}", inner)),
        }
    })
}

async fn read_body(req: &HttpRequest, payload: &mut Payload) -> Result<web::BytesMut, ApiError> {
    let limit = req.app_data::<BodyLimit>().map(|l| l.0).unwrap_or(1024 * 1024);
    let too_large = || {
        ApiError::new(ErrorKind::PayloadTooLarge, "payload_too_large", format!("The body is larger than {limit} bytes"))
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("unreadable_body", e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json(&req) {
                return Err(ApiError::new(
                    ErrorKind::UnsupportedMediaType,
                    "unsupported_media_type",
                    "The body must be JSON (Content-Type: application/json)",
                ));
            }
            let body = read_body(&req, &mut payload).await?;
            parse_json(&body).map(ApiJson)
        })
    }
}

/// A JSON body that may be absent (empty): then `T::default()`.
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_body(&req, &mut payload).await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(T::default()));
            }
            parse_json(&body).map(OptionalJson)
        })
    }
}

/// Query parameters read with field-naming errors.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

/// Parses a query string into `T`.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let mut details = FieldErrors::new();
        details.insert(field_of(&path, &message), message);
        ApiError::bad_request("invalid_query", "Invalid query parameters").with_details(details)
    })
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

/// Error handler for `web::PathConfig`: a path segment that does not fit the
/// handler's type (say, `/users/not-a-uuid`) answers 400 `invalid_path` in the
/// common error format, naming the parameter, instead of actix's plain text.
pub fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    // Typed path parameters are ids; the ones that are not UUIDs are at fault.
    // Should another type ever fail, every parameter is named.
    let params: Vec<(&str, &str)> = req.match_info().iter().collect();
    let bad: Vec<&str> =
        params.iter().filter(|(_, value)| value.parse::<uuid::Uuid>().is_err()).map(|(name, _)| *name).collect();
    let named = if bad.is_empty() { params.iter().map(|(name, _)| *name).collect() } else { bad };
    let details: FieldErrors = named.into_iter().map(|name| (name.to_string(), message.clone())).collect();
    ApiError::bad_request("invalid_path", "A path parameter is malformed").with_details(details).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        title: String,
        tags: Option<Vec<String>>,
        limit: Option<u32>,
    }

    fn field(err: ApiError) -> (u16, Vec<String>) {
        let body = err.body("/");
        (body.status_code, body.details.unwrap_or_default().into_keys().collect())
    }

    #[test]
    fn json_errors_name_fields() {
        assert!(parse_json::<Body>(br#"{"title":"x"}"#).is_ok());
        assert_eq!(
            field(parse_json::<Body>(br#"{"title":1}"#).err().unwrap_or_else(|| ApiError::forbidden(""))),
            (422, vec!["title".to_string()])
        );
        assert_eq!(
            field(
                parse_json::<Body>(br#"{"title":"x","tags":["a",2]}"#).err().unwrap_or_else(|| ApiError::forbidden(""))
            ),
            (422, vec!["tags[1]".to_string()])
        );
        assert_eq!(
            field(
                parse_json::<Body>(br#"{"title":"x","colour":"red"}"#).err().unwrap_or_else(|| ApiError::forbidden(""))
            ),
            (422, vec!["colour".to_string()])
        );
        assert_eq!(
            field(parse_json::<Body>(br#"{}"#).err().unwrap_or_else(|| ApiError::forbidden(""))),
            (422, vec!["title".to_string()])
        );
        let malformed = parse_json::<Body>(br#"{"title":"#).err().map(|e| e.body("/").status_code);
        assert_eq!(malformed, Some(400));
        let trailing = parse_json::<Body>(br#"{"title":"x"} x"#).err().map(|e| e.body("/").status_code);
        assert_eq!(trailing, Some(400));
    }

    #[test]
    fn query_errors_name_fields() {
        assert!(parse_query::<Body>("title=x&limit=5").is_ok());
        assert_eq!(
            field(parse_query::<Body>("title=x&limit=many").err().unwrap_or_else(|| ApiError::forbidden(""))),
            (400, vec!["limit".to_string()])
        );
    }
}
