//! Administration endpoints: users, roles, teams, the audit log, background jobs, ticket
//! categories and the AI triage figures.

use shared_types::ListResponse;
use shared_types::admin::{
    AddTeamMemberRequest, AuditLogDto, AuditLogQuery, CategoryDto, ChangeRoleRequest, CreateCategoryRequest,
    CreateUserRequest, CreatedUserDto, PermissionDto, RoleDto, SetRolePermissionsRequest, TeamDto, TeamMemberDto,
    TeamRequest, UpdateCategoryRequest, UserDto, UserListQuery,
};
use shared_types::ai::{AiMetricsDto, AiThresholdsDto};
use shared_types::jobs::{JobDto, JobListQuery, JobStatsDto};
use uuid::Uuid;

use super::{ApiError, Call, DELETE, NoContent, PATCH, POST, PUT, call, get, post, query_string};

/// `GET /api/v1/admin/users`.
pub async fn users(query: &UserListQuery) -> Result<ListResponse<UserDto>, ApiError> {
    get(&format!("/api/v1/admin/users{}", query_string(query))).await
}

/// `POST /api/v1/admin/users`.
pub async fn create_user(req: &CreateUserRequest) -> Result<CreatedUserDto, ApiError> {
    post("/api/v1/admin/users", req).await
}

/// `PATCH /api/v1/admin/users/{id}/role`.
pub async fn change_role(id: Uuid, role: &str) -> Result<UserDto, ApiError> {
    let body = ChangeRoleRequest { role: role.to_owned() };
    call(PATCH, &format!("/api/v1/admin/users/{id}/role"), Some(&body), Call::default()).await
}

/// `POST /api/v1/admin/users/{id}/activate` or `/deactivate`.
pub async fn set_active(id: Uuid, active: bool) -> Result<UserDto, ApiError> {
    let action = if active { "activate" } else { "deactivate" };
    let path = format!("/api/v1/admin/users/{id}/{action}");
    call(POST, &path, None::<&()>, Call::default()).await
}

/// `GET /api/v1/admin/roles`.
pub async fn roles() -> Result<Vec<RoleDto>, ApiError> {
    get("/api/v1/admin/roles").await
}

/// `GET /api/v1/admin/permissions`.
pub async fn permissions() -> Result<Vec<PermissionDto>, ApiError> {
    get("/api/v1/admin/permissions").await
}

/// `PUT /api/v1/admin/roles/{name}/permissions`.
pub async fn set_role_permissions(name: &str, req: &SetRolePermissionsRequest) -> Result<RoleDto, ApiError> {
    let path = format!("/api/v1/admin/roles/{name}/permissions");
    call(PUT, &path, Some(req), Call::default()).await
}

/// `GET /api/v1/admin/teams`.
pub async fn teams() -> Result<Vec<TeamDto>, ApiError> {
    get("/api/v1/admin/teams").await
}

/// `POST /api/v1/admin/teams`.
pub async fn create_team(req: &TeamRequest) -> Result<TeamDto, ApiError> {
    post("/api/v1/admin/teams", req).await
}

/// `PATCH /api/v1/admin/teams/{id}`.
pub async fn update_team(id: Uuid, req: &TeamRequest) -> Result<TeamDto, ApiError> {
    call(PATCH, &format!("/api/v1/admin/teams/{id}"), Some(req), Call::default()).await
}

/// `DELETE /api/v1/admin/teams/{id}`.
pub async fn delete_team(id: Uuid) -> Result<NoContent, ApiError> {
    call(DELETE, &format!("/api/v1/admin/teams/{id}"), None::<&()>, Call::default()).await
}

/// `GET /api/v1/admin/teams/{id}/members`.
pub async fn team_members(id: Uuid) -> Result<Vec<TeamMemberDto>, ApiError> {
    get(&format!("/api/v1/admin/teams/{id}/members")).await
}

/// `POST /api/v1/admin/teams/{id}/members`.
pub async fn add_team_member(id: Uuid, req: &AddTeamMemberRequest) -> Result<TeamMemberDto, ApiError> {
    post(&format!("/api/v1/admin/teams/{id}/members"), req).await
}

/// `DELETE /api/v1/admin/teams/{id}/members/{userId}`.
pub async fn remove_team_member(id: Uuid, user_id: Uuid) -> Result<NoContent, ApiError> {
    let path = format!("/api/v1/admin/teams/{id}/members/{user_id}");
    call(DELETE, &path, None::<&()>, Call::default()).await
}

/// `GET /api/v1/admin/audit-logs`.
pub async fn audit_logs(query: &AuditLogQuery) -> Result<ListResponse<AuditLogDto>, ApiError> {
    get(&format!("/api/v1/admin/audit-logs{}", query_string(query))).await
}

/// `GET /api/v1/admin/jobs/stats`.
pub async fn job_stats() -> Result<JobStatsDto, ApiError> {
    get("/api/v1/admin/jobs/stats").await
}

/// `GET /api/v1/admin/jobs`.
pub async fn jobs(query: &JobListQuery) -> Result<ListResponse<JobDto>, ApiError> {
    get(&format!("/api/v1/admin/jobs{}", query_string(query))).await
}

/// `POST /api/v1/admin/jobs/{id}/retry`: a dead job queued again with fresh attempts.
pub async fn retry_job(id: Uuid) -> Result<JobDto, ApiError> {
    call(POST, &format!("/api/v1/admin/jobs/{id}/retry"), None::<&()>, Call::default()).await
}

/// `DELETE /api/v1/admin/jobs/{id}`: a dead or queued job deleted.
pub async fn discard_job(id: Uuid) -> Result<NoContent, ApiError> {
    call(DELETE, &format!("/api/v1/admin/jobs/{id}"), None::<&()>, Call::default()).await
}

/// `GET /api/v1/categories?all=true`: every category, retired ones too, parents before
/// their subcategories.
pub async fn all_categories() -> Result<Vec<CategoryDto>, ApiError> {
    get("/api/v1/categories?all=true").await
}

/// `POST /api/v1/admin/categories`.
pub async fn create_category(req: &CreateCategoryRequest) -> Result<CategoryDto, ApiError> {
    post("/api/v1/admin/categories", req).await
}

/// `PATCH /api/v1/admin/categories/{id}`.
pub async fn update_category(id: Uuid, req: &UpdateCategoryRequest) -> Result<CategoryDto, ApiError> {
    call(PATCH, &format!("/api/v1/admin/categories/{id}"), Some(req), Call::default()).await
}

/// `GET /api/v1/ai/metrics`.
pub async fn ai_metrics() -> Result<AiMetricsDto, ApiError> {
    get("/api/v1/ai/metrics").await
}

/// `PUT /api/v1/ai/thresholds`.
pub async fn set_ai_thresholds(req: &AiThresholdsDto) -> Result<AiThresholdsDto, ApiError> {
    call(PUT, "/api/v1/ai/thresholds", Some(req), Call::default()).await
}
