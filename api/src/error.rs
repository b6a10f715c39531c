//! The one error type at the HTTP edge.
//!
//! Modules return their own errors or `ApiError` directly; both end here,
//! where a single `match` on the kind picks the status. A 5xx body says
//! nothing internal, while the log carries the whole cause chain. Every body
//! has a stable snake_case `code` (see `shared_types::ErrorBody`).

use std::borrow::Cow;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use shared_types::{ErrorBody, FieldErrors};

/// What went wrong, at the level a client can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request could not be read.
    BadRequest,
    /// 401: no valid credentials.
    Unauthenticated,
    /// 403: signed in, but not allowed.
    Forbidden,
    /// 404: missing, or not visible to the caller.
    NotFound,
    /// 409: clashes with the current state.
    Conflict,
    /// 412: `If-Match` named an older version.
    PreconditionFailed,
    /// 413: the body is over the size limit.
    PayloadTooLarge,
    /// 415: the body is not JSON.
    UnsupportedMediaType,
    /// 422: readable but invalid.
    Invalid,
    /// 428: a required precondition header is missing.
    PreconditionRequired,
    /// 429: too many attempts.
    TooManyRequests,
    /// 500: our fault.
    Internal,
    /// 503: a backing service is down.
    Unavailable,
}

/// An error answer. Build one with the constructors below.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    kind: ErrorKind,
    code: Cow<'static, str>,
    message: String,
    details: Option<FieldErrors>,
    retry_after: Option<u64>,
    #[source]
    source: Option<anyhow::Error>,
}

impl ApiError {
    /// An error of `kind` with a stable `code` and a sentence for people.
    pub fn new(kind: ErrorKind, code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self { kind, code: code.into(), message: message.into(), details: None, retry_after: None, source: None }
    }

    /// 400.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }
    /// 401.
    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, code, message)
    }
    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }
    /// 404.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }
    /// 409.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }
    /// 422 with per-field problems.
    pub fn validation(details: FieldErrors) -> Self {
        let fields: Vec<&str> = details.keys().map(String::as_str).collect();
        let message = format!("Invalid value for {}", fields.join(", "));
        Self::new(ErrorKind::Invalid, "validation_failed", message).with_details(details)
    }
    /// `Ok` when `errors` is empty, else 422 with them.
    pub fn check(errors: FieldErrors) -> Result<(), ApiError> {
        if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
    }
    /// 422 for one field.
    pub fn invalid_field(field: &str, problem: impl Into<String>) -> Self {
        let mut details = FieldErrors::new();
        details.insert(field.to_string(), problem.into());
        Self::validation(details)
    }
    /// 429 with the seconds to wait.
    pub fn too_many_requests(retry_after: u64) -> Self {
        let mut e = Self::new(
            ErrorKind::TooManyRequests,
            "too_many_attempts",
            format!("Too many failed attempts; try again in {retry_after} seconds"),
        );
        e.retry_after = Some(retry_after.max(1));
        e
    }
    /// 500, keeping the cause for the log only.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(ErrorKind::Internal, "internal_error", "An internal error occurred");
        e.source = Some(source.into());
        e
    }
    /// Adds per-field problems.
    pub fn with_details(mut self, details: FieldErrors) -> Self {
        self.details = Some(details);
        self
    }
    /// The kind, for tests and logs.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The stable code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The body for this error at `path`.
    pub fn body(&self, path: &str) -> ErrorBody {
        let status = self.status_code();
        ErrorBody {
            status_code: status.as_u16(),
            error: status.canonical_reason().unwrap_or("Error").to_string(),
            message: self.message.clone(),
            code: self.code.to_string(),
            timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            path: path.to_string(),
            details: self.details.clone(),
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ApiError::conflict("already_exists", "A record with the same unique value already exists")
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                ApiError::new(ErrorKind::Invalid, "invalid_reference", "A referenced record does not exist")
            }
            _ => ApiError::internal(err),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::internal(err)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self.kind {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.kind == ErrorKind::Internal {
            match &self.source {
                Some(source) => tracing::error!(error = ?source, "request failed"),
                None => tracing::error!(code = %self.code, "request failed"),
            }
        }
        // The path is filled in by `error_path`, which sees the request.
        let mut res = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.json(self.body(""))
    }
}

/// Middleware: completes error bodies with the request path.
pub async fn error_path(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path().to_string();
    let res = next.call(req).await?.map_into_boxed_body();
    let body = res.response().error().and_then(|e| e.as_error::<ApiError>()).map(|e| e.body(&path));
    match body {
        Some(body) => {
            let json = serde_json::to_vec(&body).unwrap_or_default();
            Ok(res.map_body(|head, _| {
                head.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                BoxBody::new(json)
            }))
        }
        None => Ok(res),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("password=hunter2 in connection string"));
        let body = err.body("/x");
        assert_eq!(body.status_code, 500);
        assert!(!body.message.contains("hunter2"));
        assert_eq!(body.code, "internal_error");
    }

    #[test]
    fn validation_names_fields() {
        let err = ApiError::invalid_field("title", "must not be empty");
        let body = err.body("/api/v1/tickets");
        assert_eq!(body.status_code, 422);
        assert!(body.message.contains("title"));
        assert_eq!(body.details.and_then(|d| d.get("title").cloned()).as_deref(), Some("must not be empty"));
    }
}
