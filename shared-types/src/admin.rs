//! Administration DTOs: users, roles, teams, categories and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::permissions::Permission;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    /// The user's id.
    pub id: Uuid,
    /// E-mail address, stored lower-case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// The user's role.
    pub role: String,
    /// Deactivated users cannot sign in.
    pub is_active: bool,
    /// When the user last signed in.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the account was created.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUserRequest {
    /// E-mail address; must be unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Initial password (8 to 128 characters); generated and returned once when absent.
    #[serde(default)]
    pub password: Option<String>,
    /// Role name, e.g. `agent`.
    pub role: String,
}

/// Answer of `POST /api/v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedUserDto {
    /// The new user.
    pub user: UserDto,
    /// The generated password, present only when none was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// Body of `PATCH /api/v1/admin/users/{id}/role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeRoleRequest {
    /// The new role's name.
    pub role: String,
}

/// Query of `GET /api/v1/admin/users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserListQuery {
    /// Part of the name or e-mail address.
    pub q: Option<String>,
    /// Only users with this role.
    pub role: Option<String>,
    /// Only active (`true`) or deactivated (`false`) users.
    pub active: Option<bool>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 100.
    pub limit: Option<u64>,
}

/// A role and what it grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoleDto {
    /// The role's id.
    pub id: Uuid,
    /// The role's name.
    pub name: String,
    /// What the role is for.
    pub description: String,
    /// The permissions it grants.
    pub permissions: Vec<Permission>,
}

/// A permission and what it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PermissionDto {
    /// Wire name, e.g. `ticket:create`.
    pub name: Permission,
    /// What it allows.
    pub description: String,
}

/// Body of `PUT /api/v1/admin/roles/{name}/permissions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetRolePermissionsRequest {
    /// The complete new set of permissions.
    pub permissions: Vec<Permission>,
}

/// A team of agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamDto {
    /// The team's id.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// What the team handles.
    pub description: Option<String>,
    /// Number of members.
    pub member_count: u64,
    /// When it was created.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/admin/teams` and `PATCH /api/v1/admin/teams/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamRequest {
    /// Unique name, 1 to 100 characters.
    pub name: String,
    /// What the team handles.
    #[serde(default)]
    pub description: Option<String>,
}

/// A member of a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamMemberDto {
    /// The member.
    pub user: UserDto,
    /// `member` or `lead`.
    pub role: String,
    /// When they joined.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub joined_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/admin/teams/{id}/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddTeamMemberRequest {
    /// The user to add.
    pub user_id: Uuid,
    /// `member` (default) or `lead`.
    #[serde(default)]
    pub role: Option<String>,
}

/// A ticket category (two levels: category and subcategory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryDto {
    /// The category's id.
    pub id: Uuid,
    /// Name, unique among its siblings.
    pub name: String,
    /// The parent category for a subcategory.
    pub parent_id: Option<Uuid>,
    /// What belongs here.
    pub description: Option<String>,
    /// Inactive categories cannot be chosen for new tickets.
    pub is_active: bool,
    /// The team whose queue tickets filed here land in, if any.
    #[serde(default)]
    pub team_id: Option<Uuid>,
}

/// Body of `POST /api/v1/admin/categories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCategoryRequest {
    /// Name, 1 to 100 characters.
    pub name: String,
    /// Parent, for a subcategory.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// What belongs here.
    #[serde(default)]
    pub description: Option<String>,
    /// The team whose queue tickets filed here land in.
    #[serde(default)]
    pub team_id: Option<Uuid>,
}

/// An audit-log entry. Entries can never be changed or deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditLogDto {
    /// The entry's id.
    pub id: Uuid,
    /// When it happened.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub timestamp: DateTime<Utc>,
    /// Who did it, if a user.
    pub user_id: Option<Uuid>,
    /// Their e-mail address at the time.
    pub user_email: Option<String>,
    /// What was done, e.g. `ticket:update`.
    pub action: String,
    /// What kind of thing it was done to, e.g. `ticket`.
    pub resource_type: String,
    /// Which one.
    pub resource_id: Option<Uuid>,
    /// Action-specific facts.
    pub details: Option<serde_json::Value>,
    /// Client address.
    pub ip_address: Option<String>,
    /// Client software.
    pub user_agent: Option<String>,
    /// `success` or `failure`.
    pub result: String,
}

/// Query of `GET /api/v1/admin/audit-logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditLogQuery {
    /// Only this actor.
    pub user_id: Option<Uuid>,
    /// Only this action, e.g. `ticket:update`.
    pub action: Option<String>,
    /// Only this kind of resource.
    pub resource_type: Option<String>,
    /// Only this resource.
    pub resource_id: Option<Uuid>,
    /// Only `success` or `failure`.
    pub result: Option<String>,
    /// At or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 100.
    pub limit: Option<u64>,
}

/// Body of `PATCH /api/v1/admin/categories/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateCategoryRequest {
    /// New name, 1 to 100 characters, unique among its siblings.
    #[serde(default)]
    pub name: Option<String>,
    /// New description; an empty string clears it.
    #[serde(default)]
    pub description: Option<String>,
    /// `false` hides the category from new tickets; `true` offers it again.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// The team tickets filed here go to; `null` routes them to nobody.
    #[serde(default, deserialize_with = "crate::common::present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>, nullable))]
    pub team_id: Option<Option<Uuid>>,
}

/// Query of `GET /api/v1/categories`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CategoryListQuery {
    /// Include inactive categories too (needs `admin:categories`).
    pub all: Option<bool>,
}
