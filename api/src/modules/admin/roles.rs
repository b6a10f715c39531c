//! `/api/v1/admin/roles` and `/api/v1/admin/permissions`: what each role
//! grants. Every route needs `admin:roles`.

use actix_web::{get, put, web};
use shared_types::ErrorBody;
use shared_types::admin::{PermissionDto, RoleDto, SetRolePermissionsRequest};

use super::service::{self, Authorized, ManageRoles};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::state::AppState;

/// Every role with the permissions it grants, least privileged first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The roles", body = Vec<RoleDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:roles", body = ErrorBody),
    )
)]
#[get("/roles")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list_roles(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<Vec<RoleDto>>, ApiError> {
    let by = Authorized::<ManageRoles>::check(&user)?;
    Ok(web::Json(service::roles::list(&state, &by).await?))
}

/// Every permission a role can grant.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The permissions", body = Vec<PermissionDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:roles", body = ErrorBody),
    )
)]
#[get("/permissions")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list_permissions(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<web::Json<Vec<PermissionDto>>, ApiError> {
    let by = Authorized::<ManageRoles>::check(&user)?;
    Ok(web::Json(service::roles::permissions(&state, &by).await?))
}

/// Replace the permissions a role grants. Applies to every holder of the
/// role from their next request. The `admin` role cannot be changed.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The role's name, e.g. `agent`")),
    request_body = SetRolePermissionsRequest,
    responses(
        (status = 200, description = "The role with its new permissions", body = RoleDto),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:roles", body = ErrorBody),
        (status = 404, description = "`role_not_found`", body = ErrorBody),
        (status = 409, description = "`role_immutable`: the admin role always has every permission", body = ErrorBody),
        (status = 422, description = "Unknown permission name", body = ErrorBody),
    )
)]
#[put("/roles/{name}/permissions")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn set_role_permissions(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    name: web::Path<String>,
    ApiJson(body): ApiJson<SetRolePermissionsRequest>,
) -> Result<web::Json<RoleDto>, ApiError> {
    let by = Authorized::<ManageRoles>::check(&user)?;
    Ok(web::Json(service::roles::set_permissions(&state, &by, &client, &name, &body.permissions).await?))
}
