//! Ticket categories: `GET /api/v1/categories` for everyone signed in, and
//! `/api/v1/admin/categories` to manage them (needs `admin:categories`).

use actix_web::{HttpResponse, get, patch, post, web};
use shared_types::ErrorBody;
use shared_types::admin::{CategoryDto, CategoryListQuery, CreateCategoryRequest, UpdateCategoryRequest};
use uuid::Uuid;

use super::service::{self, Authorized, ManageCategories};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::state::AppState;

/// The categories a ticket can be filed under, parents before their
/// subcategories; `?all=true` adds retired ones (needs `admin:categories`).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(CategoryListQuery),
    responses(
        (status = 200, description = "The categories", body = Vec<CategoryDto>),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "`all=true` without admin:categories", body = ErrorBody),
    )
)]
#[get("/categories")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list_categories(
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<CategoryListQuery>,
) -> Result<web::Json<Vec<CategoryDto>>, ApiError> {
    let all = match q.all {
        Some(true) => Some(Authorized::<ManageCategories>::check(&user)?),
        _ => None,
    };
    Ok(web::Json(service::categories::list(&state, all.as_ref()).await?))
}

/// Create a category, or a subcategory of a top-level one.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateCategoryRequest,
    responses(
        (status = 201, description = "Created", body = CategoryDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:categories", body = ErrorBody),
        (status = 409, description = "`category_exists`: a sibling has this name", body = ErrorBody),
        (status = 422, description = "Invalid fields, or `parentId` missing or not top-level", body = ErrorBody),
    )
)]
#[post("/categories")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn create_category(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    ApiJson(body): ApiJson<CreateCategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let by = Authorized::<ManageCategories>::check(&user)?;
    Ok(HttpResponse::Created().json(service::categories::create(&state, &by, &client, &body).await?))
}

/// Rename, describe, retire (`isActive: false`) or restore a category.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The category's id")),
    request_body = UpdateCategoryRequest,
    responses(
        (status = 200, description = "The category", body = CategoryDto),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:categories", body = ErrorBody),
        (status = 404, description = "`category_not_found`", body = ErrorBody),
        (status = 409, description = "`category_exists`: a sibling has this name", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
#[patch("/categories/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn update_category(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
    ApiJson(body): ApiJson<UpdateCategoryRequest>,
) -> Result<web::Json<CategoryDto>, ApiError> {
    let by = Authorized::<ManageCategories>::check(&user)?;
    Ok(web::Json(service::categories::update(&state, &by, &client, id.into_inner(), &body).await?))
}
