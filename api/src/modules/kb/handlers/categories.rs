//! Knowledge-base categories.

use actix_web::{HttpResponse, get, patch, post, web};
use shared_types::ErrorBody;
use shared_types::kb::{CreateKbCategoryRequest, KbCategoryDto, UpdateKbCategoryRequest};

use super::PathId;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::modules::kb::KbService;
use crate::state::AppState;

/// Every category, parents before their subcategories.
#[utoipa::path(
    tag = "kb",
    operation_id = "list_kb_categories",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The categories", body = Vec<KbCategoryDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
#[get("/categories")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<Vec<KbCategoryDto>>, ApiError> {
    Ok(web::Json(KbService::new(&state).categories().await?))
}

/// Create a category, or a subcategory of a top-level one. Needs `kb:publish`.
#[utoipa::path(
    tag = "kb",
    operation_id = "create_kb_category",
    security(("bearer" = [])),
    request_body = CreateKbCategoryRequest,
    responses(
        (status = 201, description = "Created", body = KbCategoryDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:publish", body = ErrorBody),
        (status = 409, description = "The slug is taken (slug_taken)", body = ErrorBody),
        (status = 422, description = "Invalid field, or `parentId` unknown or not top-level", body = ErrorBody),
    )
)]
#[post("/categories")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateKbCategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let dto = KbService::new(&state).create_category(&user, body, &client).await?;
    Ok(HttpResponse::Created().json(dto))
}

/// Rename a category or change its description (the slug stays). Needs `kb:publish`.
#[utoipa::path(
    tag = "kb",
    operation_id = "update_kb_category",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The category's id")),
    request_body = UpdateKbCategoryRequest,
    responses(
        (status = 200, description = "The category after the change", body = KbCategoryDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks kb:publish", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
        (status = 422, description = "Invalid field, named in details", body = ErrorBody),
    )
)]
#[patch("/categories/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: PathId,
    ApiJson(body): ApiJson<UpdateKbCategoryRequest>,
) -> Result<web::Json<KbCategoryDto>, ApiError> {
    Ok(web::Json(KbService::new(&state).update_category(&user, id.0, body, &client).await?))
}
