//! Article versions: list, read one, compare two, restore one. All need `kb:write`.

use actix_web::{HttpResponse, get, post, web};
use shared_types::ErrorBody;
use shared_types::kb::{
    KbArticleDto, KbDiffDto, KbDiffQuery, KbVersionDto, KbVersionSummaryDto, RestoreKbVersionRequest,
};

use super::{PathId, VersionNumber, with_etag};
use crate::error::ApiError;
use crate::extract::{ApiQuery, OptionalJson};
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::modules::kb::KbService;
use crate::state::AppState;

/// Every saved version of an article, newest first.
#[utoipa::path(
    tag = "kb",
    operation_id = "list_kb_article_versions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id")),
    responses(
        (status = 200, description = "The versions", body = Vec<KbVersionSummaryDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
#[get("/articles/{id}/versions")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: PathId,
) -> Result<web::Json<Vec<KbVersionSummaryDto>>, ApiError> {
    Ok(web::Json(KbService::new(&state).versions(&user, id.0).await?))
}

/// One version in full.
#[utoipa::path(
    tag = "kb",
    operation_id = "get_kb_article_version",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), ("number" = i32, Path, description = "The version number")),
    responses(
        (status = 200, description = "The version", body = KbVersionDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 404, description = "No such article or version", body = ErrorBody),
    )
)]
#[get("/articles/{id}/versions/{number}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: PathId,
    number: VersionNumber,
) -> Result<web::Json<KbVersionDto>, ApiError> {
    Ok(web::Json(KbService::new(&state).version(&user, id.0, number.0).await?))
}

/// A line-based unified diff between two versions (`to` defaults to the current one).
#[utoipa::path(
    tag = "kb",
    operation_id = "diff_kb_article_versions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), KbDiffQuery),
    responses(
        (status = 200, description = "The diff", body = KbDiffDto),
        (status = 400, description = "Missing or bad `from`/`to`", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 404, description = "No such article or version", body = ErrorBody),
    )
)]
#[get("/articles/{id}/diff")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn diff(
    state: web::Data<AppState>,
    user: AuthUser,
    id: PathId,
    ApiQuery(q): ApiQuery<KbDiffQuery>,
) -> Result<web::Json<KbDiffDto>, ApiError> {
    Ok(web::Json(KbService::new(&state).diff(&user, id.0, q.from, q.to).await?))
}

/// Make an old version's content current again; saved as a new version.
/// Needs `kb:write`, and `kb:publish` for a published or archived article.
#[utoipa::path(
    tag = "kb",
    operation_id = "restore_kb_article_version",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The article's id"), ("number" = i32, Path, description = "The version to restore")),
    request_body(content = Option<RestoreKbVersionRequest>, description = "Optional"),
    responses(
        (status = 200, description = "The article after the restore", body = KbArticleDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write, or kb:publish for a published article", body = ErrorBody),
        (status = 404, description = "No such article or version", body = ErrorBody),
        (status = 422, description = "Note too long", body = ErrorBody),
    )
)]
#[post("/articles/{id}/versions/{number}/restore")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, article_id = %id.0))]
pub async fn restore(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
    number: VersionNumber,
    OptionalJson(body): OptionalJson<RestoreKbVersionRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).restore(&user, id.0, number.0, body, &client).await?;
    Ok(with_etag(HttpResponse::Ok(), &dto))
}
