//! `/api/v1/admin/jobs`: queue statistics, the job list, retry and discard. Need `admin:jobs`.
//! Registered inside the admin scope (see `admin::configure`), like the audit log.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use shared_types::jobs::{JobDto, JobListQuery, JobStatsDto};
use shared_types::{ErrorBody, ListResponse};
use uuid::Uuid;

use super::service::JobAdmin;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::modules::audit::ClientInfo;
use crate::modules::auth::AuthUser;
use crate::paging::{Paging, list_response};
use crate::state::AppState;

/// Jobs per kind and state, the totals, and how long the oldest due job has waited.
#[utoipa::path(
    tag = "admin",
    operation_id = "get_job_stats",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The queue statistics", body = JobStatsDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:jobs", body = ErrorBody),
    )
)]
#[get("/jobs/stats")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn stats(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<JobStatsDto>, ApiError> {
    Ok(web::Json(JobAdmin::new(&state, &user)?.stats().await?))
}

/// Jobs, newest first, with their last error; filter by state and kind.
#[utoipa::path(
    tag = "admin",
    operation_id = "list_jobs",
    security(("bearer" = [])),
    params(JobListQuery),
    responses(
        (status = 200, description = "A page of jobs", body = ListResponse<JobDto>),
        (status = 400, description = "Bad query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:jobs", body = ErrorBody),
    )
)]
#[get("/jobs")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<JobListQuery>,
) -> Result<web::Json<ListResponse<JobDto>>, ApiError> {
    let admin = JobAdmin::new(&state, &user)?;
    let paging = Paging::new(q.page, q.limit)?;
    let (data, total) = admin.list(&q, paging).await?;
    Ok(web::Json(list_response(&req, paging, total, data)))
}

/// Queues a dead job again with fresh attempts, due now. Audited.
#[utoipa::path(
    tag = "admin",
    operation_id = "retry_job",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job, queued again", body = JobDto),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:jobs", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is not dead (job_not_dead), or a live job has its dedupe key", body = ErrorBody),
    )
)]
#[post("/jobs/{id}/retry")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, job_id = %id))]
pub async fn retry(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobDto>, ApiError> {
    Ok(web::Json(JobAdmin::new(&state, &user)?.retry(&user, &client, *id).await?))
}

/// Deletes a dead or queued job. Audited.
#[utoipa::path(
    tag = "admin",
    operation_id = "discard_job",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The job's id")),
    responses(
        (status = 204, description = "Discarded"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Lacks admin:jobs", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is running or succeeded (job_not_discardable)", body = ErrorBody),
    )
)]
#[delete("/jobs/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, job_id = %id))]
pub async fn discard(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    JobAdmin::new(&state, &user)?.discard(&user, &client, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
