//! Articles: list, create, read, change and the workflow steps.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use shared_types::kb::{
    CreateKbArticleRequest, KbArticleDto, KbArticleListQuery, KbArticleSummaryDto, UpdateKbArticleRequest,
};
use shared_types::{ErrorBody, ListResponse};

use super::{PathId, if_match, with_etag};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::modules::kb::{KbService, Transition};
use crate::paging::list_response;
use crate::state::AppState;

/// List articles. People without `kb:write` see published articles only.
#[utoipa::path(
    tag = "kb",
    operation_id = "list_kb_articles",
    security(("bearer" = [])),
    params(KbArticleListQuery),
    responses(
        (status = 200, description = "A page of articles, without bodies", body = ListResponse<KbArticleSummaryDto>),
        (status = 400, description = "Bad query parameter, named in details", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
#[get("/articles")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<KbArticleListQuery>,
) -> Result<web::Json<ListResponse<KbArticleSummaryDto>>, ApiError> {
    let page = KbService::new(&state).list(&user, &q).await?;
    Ok(web::Json(list_response(&req, page.paging, page.total, page.data)))
}

/// Published featured articles, most recently published first.
#[utoipa::path(
    tag = "kb",
    operation_id = "list_featured_kb_articles",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Up to 50 featured articles", body = Vec<KbArticleSummaryDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
#[get("/featured")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn featured(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<web::Json<Vec<KbArticleSummaryDto>>, ApiError> {
    Ok(web::Json(KbService::new(&state).featured().await?))
}

/// Create a draft. Needs `kb:write`; saves version 1.
#[utoipa::path(
    tag = "kb",
    operation_id = "create_kb_article",
    security(("bearer" = [])),
    request_body = CreateKbArticleRequest,
    responses(
        (status = 201, description = "Created", body = KbArticleDto, headers(
            ("Location" = String, description = "The new article's URL"),
            ("ETag" = String, description = "The article's row version, for If-Match"),
        )),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 409, description = "The slug is taken (slug_taken)", body = ErrorBody),
        (status = 422, description = "Invalid field or unknown category, named in details", body = ErrorBody),
    )
)]
#[post("/articles")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateKbArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).create(&user, body, &client).await?;
    let mut res = HttpResponse::Created();
    res.insert_header((header::LOCATION, format!("/api/v1/kb/articles/{}", dto.article.id)));
    Ok(with_etag(res, &dto))
}

/// An article with its Markdown and sanitised HTML. Opening a published article counts a view.
#[utoipa::path(
    tag = "kb",
    operation_id = "get_kb_article",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id")),
    responses(
        (status = 200, description = "The article", body = KbArticleDto, headers(("ETag" = String, description = "The row version, for If-Match"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such article, or not published and the caller lacks kb:write", body = ErrorBody),
    )
)]
#[get("/articles/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn get(state: web::Data<AppState>, user: AuthUser, id: PathId) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).get(&user, id.0).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}

/// Change an article. Needs `kb:write`; a content change saves a new version and, on a
/// published or archived article, needs `kb:publish`, as does `featured`. Send the ETag
/// in `If-Match` to refuse the write (412) when someone changed it meanwhile.
#[utoipa::path(
    tag = "kb",
    operation_id = "update_kb_article",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The article's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    request_body = UpdateKbArticleRequest,
    responses(
        (status = 200, description = "The article after the change", body = KbArticleDto, headers(("ETag" = String, description = "The row version, for If-Match"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write, or kb:publish for a published article or `featured`", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 412, description = "If-Match names an older version (version_mismatch)", body = ErrorBody),
        (status = 422, description = "Invalid field or unknown category, named in details", body = ErrorBody),
    )
)]
#[patch("/articles/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
    ApiJson(body): ApiJson<UpdateKbArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).update(&user, id.0, if_match(&req).as_ref(), body, &client).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}

async fn step(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
    step: Transition,
) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).transition(&user, id.0, if_match(&req).as_ref(), step, &client).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}

/// Ask for review: a draft moves to `in_review`. Needs `kb:write`.
#[utoipa::path(
    tag = "kb",
    operation_id = "submit_kb_article",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), ("If-Match" = Option<String>, Header, description = "The ETag the step is based on")),
    responses(
        (status = 200, description = "The article, now in review", body = KbArticleDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 412, description = "Changed meanwhile (version_mismatch)", body = ErrorBody),
        (status = 422, description = "Not a draft (invalid_transition)", body = ErrorBody),
    )
)]
#[post("/articles/{id}/submit")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    step(req, state, user, client, id, Transition::Submit).await
}

/// Publish a draft or reviewed article. Needs `kb:publish`.
#[utoipa::path(
    tag = "kb",
    operation_id = "publish_kb_article",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), ("If-Match" = Option<String>, Header, description = "The ETag the step is based on")),
    responses(
        (status = 200, description = "The published article", body = KbArticleDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:publish", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 412, description = "Changed meanwhile (version_mismatch)", body = ErrorBody),
        (status = 422, description = "Already published, or archived (invalid_transition)", body = ErrorBody),
    )
)]
#[post("/articles/{id}/publish")]
pub async fn publish(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    step(req, state, user, client, id, Transition::Publish).await
}

/// Take an article back to draft (from review, published or archived). Needs `kb:publish`.
#[utoipa::path(
    tag = "kb",
    operation_id = "unpublish_kb_article",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), ("If-Match" = Option<String>, Header, description = "The ETag the step is based on")),
    responses(
        (status = 200, description = "The article, now a draft", body = KbArticleDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:publish", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 412, description = "Changed meanwhile (version_mismatch)", body = ErrorBody),
        (status = 422, description = "Already a draft (invalid_transition)", body = ErrorBody),
    )
)]
#[post("/articles/{id}/unpublish")]
pub async fn unpublish(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    step(req, state, user, client, id, Transition::Unpublish).await
}

/// Archive an article: withdrawn from readers, kept with its versions. Needs `kb:publish`.
#[utoipa::path(
    tag = "kb",
    operation_id = "archive_kb_article",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), ("If-Match" = Option<String>, Header, description = "The ETag the step is based on")),
    responses(
        (status = 200, description = "The archived article", body = KbArticleDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:publish", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 412, description = "Changed meanwhile (version_mismatch)", body = ErrorBody),
        (status = 422, description = "Already archived (invalid_transition)", body = ErrorBody),
    )
)]
#[post("/articles/{id}/archive")]
pub async fn archive(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    step(req, state, user, client, id, Transition::Archive).await
}
