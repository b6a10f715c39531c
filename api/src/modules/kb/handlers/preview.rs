//! `POST /api/v1/kb/preview`: the editor's preview, rendered by the server so the web app
//! ships no Markdown parser.

use actix_web::{post, web};
use shared_types::ErrorBody;
use shared_types::kb::{KbPreviewDto, KbPreviewRequest};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::modules::auth::AuthUser;
use crate::modules::kb::KbService;
use crate::state::AppState;

/// Render Markdown to sanitised HTML exactly as a saved article's `bodyHtml`, saving nothing.
/// Needs `kb:write`.
#[utoipa::path(
    tag = "kb",
    operation_id = "preview_kb_article",
    security(("bearer" = [])),
    request_body = KbPreviewRequest,
    responses(
        (status = 200, description = "The rendered, sanitised HTML", body = KbPreviewDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:write", body = ErrorBody),
        (status = 413, description = "Body larger than the server accepts", body = ErrorBody),
        (status = 422, description = "Body longer than 100,000 characters, named in details", body = ErrorBody),
    )
)]
#[post("/preview")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn preview(
    state: web::Data<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<KbPreviewRequest>,
) -> Result<web::Json<KbPreviewDto>, ApiError> {
    Ok(web::Json(KbService::new(&state).preview(&user, &body)?))
}
