//! `/api/v1/kb`: thin handlers that extract, call [`super::KbService`] and answer.

pub mod articles;
pub mod categories;
pub mod feedback;
pub mod preview;
pub mod search;
pub mod versions;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use shared_types::kb::KbArticleDto;
use uuid::Uuid;

use super::service::not_found;
use super::versions::version_not_found;
use crate::error::ApiError;
use crate::modules::tickets::IfMatch;
use crate::modules::tickets::service::etag;

/// The `{id}` of an article or category path; anything but a UUID names nothing that exists.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub Uuid);

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.match_info().get("id").and_then(|s| s.parse().ok());
        ready(id.map(PathId).ok_or_else(not_found))
    }
}

/// The `{number}` of a version path.
#[derive(Debug, Clone, Copy)]
pub struct VersionNumber(pub i32);

impl FromRequest for VersionNumber {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let raw = req.match_info().get("number").unwrap_or("");
        ready(raw.parse().map(VersionNumber).map_err(|_| version_not_found(0)))
    }
}

/// An answer carrying the article and its row version as `ETag`.
pub fn with_etag(mut res: actix_web::HttpResponseBuilder, dto: &KbArticleDto) -> HttpResponse {
    res.insert_header((header::ETAG, etag(dto.article.version))).json(dto)
}

/// The request's `If-Match`, if any.
pub fn if_match(req: &HttpRequest) -> Option<IfMatch> {
    req.headers().get(header::IF_MATCH).map(|v| IfMatch::parse(v.to_str().unwrap_or("")))
}
