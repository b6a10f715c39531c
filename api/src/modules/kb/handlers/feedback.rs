//! Ratings and deflections.

use actix_web::{HttpResponse, get, post, web};
use shared_types::ErrorBody;
use shared_types::kb::{
    CreateKbDeflectionRequest, KbDeflectionDto, KbRatingDto, KbRatingSummaryDto, RateKbArticleRequest,
};

use super::PathId;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::modules::auth::AuthUser;
use crate::modules::kb::KbService;
use crate::state::AppState;

/// "Was this helpful?": one answer per person per published article; answering again replaces it.
#[utoipa::path(
    tag = "kb",
    operation_id = "rate_kb_article",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id")),
    request_body = RateKbArticleRequest,
    responses(
        (status = 200, description = "The rating and the article's counts", body = KbRatingSummaryDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such article, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "Not published (article_not_published)", body = ErrorBody),
        (status = 422, description = "Comment too long", body = ErrorBody),
    )
)]
#[post("/articles/{id}/ratings")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn rate(
    state: web::Data<AppState>,
    user: AuthUser,
    id: PathId,
    ApiJson(body): ApiJson<RateKbArticleRequest>,
) -> Result<web::Json<KbRatingSummaryDto>, ApiError> {
    Ok(web::Json(KbService::new(&state).rate(&user, id.0, body).await?))
}

/// Every rating of an article with its comment and author, newest first. Needs `kb:write`.
#[utoipa::path(
    tag = "kb",
    operation_id = "list_kb_article_ratings",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id")),
    responses(
        (status = 200, description = "The ratings", body = Vec<KbRatingDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
#[get("/articles/{id}/ratings")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn ratings(
    state: web::Data<AppState>,
    user: AuthUser,
    id: PathId,
) -> Result<web::Json<Vec<KbRatingDto>>, ApiError> {
    Ok(web::Json(KbService::new(&state).ratings(&user, id.0).await?))
}

/// "This solved it": a published article answered the caller's problem while they were
/// raising a ticket, so no ticket was raised.
#[utoipa::path(
    tag = "kb",
    operation_id = "create_kb_deflection",
    security(("bearer" = [])),
    request_body = CreateKbDeflectionRequest,
    responses(
        (status = 201, description = "Recorded", body = KbDeflectionDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Unknown or unpublished article, or a bad query, named in details", body = ErrorBody),
    )
)]
#[post("/deflections")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn deflect(
    state: web::Data<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<CreateKbDeflectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).deflect(&user, body).await?;
    Ok(HttpResponse::Created().json(dto))
}
