//! Knowledge-base endpoints.

use serde::Deserialize;
use shared_types::ListResponse;
use shared_types::kb::{
    CreateKbArticleRequest, CreateKbDeflectionRequest, KbArticleDto, KbArticleListQuery, KbArticleSummaryDto,
    KbCategoryDto, KbDiffDto, KbPreviewDto, KbPreviewRequest, KbRatingDto, KbRatingSummaryDto, KbSearchResponse,
    KbVersionSummaryDto, RateKbArticleRequest, UpdateKbArticleRequest,
};
use uuid::Uuid;

use super::{
    ApiError, Call, GET, Method, NoContent, PATCH, POST, decode, encode, exchange, get, post, query_string, to_json,
};

/// What an article answer holds beside its summary's fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    body_markdown: String,
    body_html: String,
    #[serde(default)]
    my_rating: Option<KbRatingDto>,
}

/// Reads an article answer as its summary and, separately, its body: `KbArticleDto` flattens
/// the summary, and serde's decoder for flattened fields would cost the WASM a second copy of
/// the summary's decoder (as with tickets, see `tickets::get_one`).
#[allow(clippy::result_large_err)]
fn article(text: &str) -> Result<KbArticleDto, ApiError> {
    let article: KbArticleSummaryDto = decode(text)?;
    let Body { body_markdown, body_html, my_rating } = decode(text)?;
    Ok(KbArticleDto { article, body_markdown, body_html, my_rating })
}

/// Every call that answers an article goes through here: one compiled path for all of them.
async fn article_call(
    method: Method,
    path: String,
    json: Option<String>,
    version: Option<i32>,
) -> Result<KbArticleDto, ApiError> {
    let opts = Call { if_match: version.map(|v| format!("\"{v}\"")), ..Call::default() };
    article(&exchange(method, &path, json, opts).await?)
}

fn at(id: Uuid, tail: &str) -> String {
    format!("/api/v1/kb/articles/{id}{tail}")
}

/// `GET /api/v1/kb/articles` with filters and paging.
pub async fn list(query: &KbArticleListQuery) -> Result<ListResponse<KbArticleSummaryDto>, ApiError> {
    get(&format!("/api/v1/kb/articles{}", query_string(query))).await
}

/// `GET /api/v1/kb/featured`.
pub async fn featured() -> Result<Vec<KbArticleSummaryDto>, ApiError> {
    get("/api/v1/kb/featured").await
}

/// `GET /api/v1/kb/categories`, parents before their subcategories.
pub async fn categories() -> Result<Vec<KbCategoryDto>, ApiError> {
    get("/api/v1/kb/categories").await
}

/// `GET /api/v1/kb/search`: the best `limit` matches for `q`, optionally in one category (slug).
pub async fn search(q: &str, category: Option<&str>, limit: u8) -> Result<KbSearchResponse, ApiError> {
    let category = category.map(|c| format!("&category={}", encode(c))).unwrap_or_default();
    get(&format!("/api/v1/kb/search?q={}&limit={limit}{category}", encode(q))).await
}

/// `GET /api/v1/kb/articles/{id}` (counts a view of a published article).
pub async fn get_one(id: Uuid) -> Result<KbArticleDto, ApiError> {
    article_call(GET, at(id, ""), None, None).await
}

/// `POST /api/v1/kb/articles`: a new draft.
pub async fn create(req: &CreateKbArticleRequest) -> Result<KbArticleDto, ApiError> {
    article_call(POST, "/api/v1/kb/articles".into(), Some(to_json(req)?), None).await
}

/// `PATCH /api/v1/kb/articles/{id}`, refused with 412 if `version` is no longer current.
pub async fn update(id: Uuid, version: i32, req: &UpdateKbArticleRequest) -> Result<KbArticleDto, ApiError> {
    article_call(PATCH, at(id, ""), Some(to_json(req)?), Some(version)).await
}

/// A workflow step: `submit`, `publish`, `unpublish` or `archive`, refused with 412 if
/// `version` is no longer current.
pub async fn step(id: Uuid, version: i32, step: &'static str) -> Result<KbArticleDto, ApiError> {
    article_call(POST, at(id, &format!("/{step}")), None, Some(version)).await
}

/// `GET /api/v1/kb/articles/{id}/versions`, newest first.
pub async fn versions(id: Uuid) -> Result<Vec<KbVersionSummaryDto>, ApiError> {
    get(&at(id, "/versions")).await
}

/// `GET /api/v1/kb/articles/{id}/diff?from=&to=`.
pub async fn diff(id: Uuid, from: i32, to: i32) -> Result<KbDiffDto, ApiError> {
    get(&at(id, &format!("/diff?from={from}&to={to}"))).await
}

/// `POST /api/v1/kb/articles/{id}/versions/{number}/restore`.
pub async fn restore(id: Uuid, number: i32) -> Result<KbArticleDto, ApiError> {
    article_call(POST, at(id, &format!("/versions/{number}/restore")), None, None).await
}

/// `POST /api/v1/kb/articles/{id}/ratings`.
pub async fn rate(id: Uuid, req: &RateKbArticleRequest) -> Result<KbRatingSummaryDto, ApiError> {
    post(&at(id, "/ratings"), req).await
}

/// `POST /api/v1/kb/deflections`: "This solved it". The answer is not needed, so not decoded.
pub async fn deflect(req: &CreateKbDeflectionRequest) -> Result<NoContent, ApiError> {
    post("/api/v1/kb/deflections", req).await
}

/// `POST /api/v1/kb/preview`: Markdown rendered and sanitised by the server.
pub async fn preview(req: &KbPreviewRequest) -> Result<KbPreviewDto, ApiError> {
    post("/api/v1/kb/preview", req).await
}
