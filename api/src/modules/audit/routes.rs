//! `GET /api/v1/admin/audit-logs`: read-only access to the audit log.

use actix_web::{HttpRequest, get, web};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared_types::admin::{AuditLogDto, AuditLogQuery};
use shared_types::{ErrorBody, ListResponse, Permission};

use crate::entities::audit_log;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::modules::auth::AuthUser;
use crate::paging::{Paging, list_response};
use crate::state::AppState;

fn dto(m: audit_log::Model) -> AuditLogDto {
    AuditLogDto {
        id: m.id,
        timestamp: m.timestamp,
        user_id: m.user_id,
        user_email: m.user_email,
        action: m.action,
        resource_type: m.resource_type,
        resource_id: m.resource_id,
        details: m.details,
        ip_address: m.ip_address,
        user_agent: m.user_agent,
        result: m.result,
    }
}

/// Audit-log entries, newest first, with filters. Needs `audit:view`.
#[utoipa::path(
    tag = "admin",
    operation_id = "list_audit_logs",
    security(("bearer" = [])),
    params(AuditLogQuery),
    responses(
        (status = 200, description = "A page of entries", body = ListResponse<AuditLogDto>),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks audit:view", body = ErrorBody),
    )
)]
#[get("/audit-logs")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<AuditLogQuery>,
) -> Result<web::Json<ListResponse<AuditLogDto>>, ApiError> {
    user.require(Permission::AuditView)?;
    let paging = Paging::new(q.page, q.limit)?;
    let mut cond = Condition::all();
    if let Some(v) = q.user_id {
        cond = cond.add(audit_log::Column::UserId.eq(v));
    }
    if let Some(v) = &q.action {
        cond = cond.add(audit_log::Column::Action.eq(v.as_str()));
    }
    if let Some(v) = &q.resource_type {
        cond = cond.add(audit_log::Column::ResourceType.eq(v.as_str()));
    }
    if let Some(v) = q.resource_id {
        cond = cond.add(audit_log::Column::ResourceId.eq(v));
    }
    if let Some(v) = &q.result {
        cond = cond.add(audit_log::Column::Result.eq(v.as_str()));
    }
    if let Some(v) = q.from {
        cond = cond.add(audit_log::Column::Timestamp.gte(v));
    }
    if let Some(v) = q.to {
        cond = cond.add(audit_log::Column::Timestamp.lt(v));
    }
    let query = audit_log::Entity::find().filter(cond);
    let total = crate::paging::count(query.clone(), &state.db).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Timestamp)
        .order_by_desc(audit_log::Column::Id)
        .offset(paging.offset())
        .limit(paging.limit)
        .all(&state.db)
        .await?;
    Ok(web::Json(list_response(&req, paging, total, rows.into_iter().map(dto).collect())))
}
