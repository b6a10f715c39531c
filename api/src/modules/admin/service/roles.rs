//! Roles and the permissions they grant. The `admin` role always grants
//! everything, so nobody can lock the administrators out.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use shared_types::admin::{PermissionDto, RoleDto};
use shared_types::{Permission, RoleName};
use uuid::Uuid;

use super::{Authorized, ManageRoles};
use crate::entities::{permission, role, role_permission};
use crate::error::ApiError;
use crate::modules::audit::{self, ClientInfo};
use crate::modules::auth::Invalidation;
use crate::state::AppState;

/// Locks the `admin` role's row until the transaction ends (PostgreSQL;
/// SQLite has no row locks and its write transaction already excludes others).
pub async fn lock_admin_role(db: &impl ConnectionTrait) -> Result<(), ApiError> {
    role::Entity::find().filter(role::Column::Name.eq(RoleName::Admin.as_str())).lock_exclusive().one(db).await?;
    Ok(())
}

/// Permission names by id.
async fn permission_names(db: &impl ConnectionTrait) -> Result<HashMap<Uuid, Permission>, ApiError> {
    let rows = permission::Entity::find().all(db).await?;
    Ok(rows.into_iter().filter_map(|p| Permission::parse(&p.name).map(|name| (p.id, name))).collect())
}

/// The permissions `role` grants, in their stable order.
async fn granted(db: &impl ConnectionTrait, role: &role::Model) -> Result<BTreeSet<Permission>, ApiError> {
    let names = permission_names(db).await?;
    let ids: Vec<Uuid> = role_permission::Entity::find()
        .select_only()
        .column(role_permission::Column::PermissionId)
        .filter(role_permission::Column::RoleId.eq(role.id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.iter().filter_map(|id| names.get(id).copied()).collect())
}

fn dto(role: role::Model, permissions: BTreeSet<Permission>) -> RoleDto {
    RoleDto {
        id: role.id,
        name: role.name,
        description: role.description,
        permissions: permissions.into_iter().collect(),
    }
}

/// Every role with its permissions, least privileged first.
pub async fn list(state: &AppState, _by: &Authorized<'_, ManageRoles>) -> Result<Vec<RoleDto>, ApiError> {
    let names = permission_names(&state.db).await?;
    let mut grants: HashMap<_, BTreeSet<Permission>> = HashMap::new();
    for rp in role_permission::Entity::find().all(&state.db).await? {
        if let Some(p) = names.get(&rp.permission_id) {
            grants.entry(rp.role_id).or_default().insert(*p);
        }
    }
    let mut roles = role::Entity::find().all(&state.db).await?;
    // Seeded roles in order of privilege, then any others by name.
    let rank = |r: &role::Model| RoleName::ALL.iter().position(|n| n.as_str() == r.name).unwrap_or(RoleName::ALL.len());
    roles.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)));
    Ok(roles
        .into_iter()
        .map(|r| {
            let permissions = grants.remove(&r.id).unwrap_or_default();
            dto(r, permissions)
        })
        .collect())
}

/// Every permission there is.
pub async fn permissions(state: &AppState, _by: &Authorized<'_, ManageRoles>) -> Result<Vec<PermissionDto>, ApiError> {
    let mut rows: Vec<(Permission, String)> = permission::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|p| Permission::parse(&p.name).map(|name| (name, p.description)))
        .collect();
    rows.sort_by_key(|(name, _)| *name);
    Ok(rows.into_iter().map(|(name, description)| PermissionDto { name, description }).collect())
}

/// Replaces the permissions of the role called `name`. Every user's cached
/// permissions are dropped after commit.
pub async fn set_permissions(
    state: &AppState,
    by: &Authorized<'_, ManageRoles>,
    client: &ClientInfo,
    name: &str,
    wanted: &[Permission],
) -> Result<RoleDto, ApiError> {
    if name == RoleName::Admin.as_str() {
        return Err(ApiError::conflict("role_immutable", "The admin role always has every permission"));
    }
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let role = role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("role_not_found", format!("No role is called '{name}'")))?;
    let current = granted(&txn, &role).await?;
    let wanted: BTreeSet<Permission> = wanted.iter().copied().collect();
    let added: Vec<Permission> = wanted.difference(&current).copied().collect();
    let removed: Vec<Permission> = current.difference(&wanted).copied().collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(dto(role, current));
    }
    let ids: HashMap<Permission, Uuid> = permission_names(&txn).await?.into_iter().map(|(id, p)| (p, id)).collect();
    let id_of = |p: &Permission| {
        ids.get(p).copied().ok_or_else(|| ApiError::invalid_field("permissions", format!("{p} is not installed")))
    };
    if !removed.is_empty() {
        let removed_ids = removed.iter().map(id_of).collect::<Result<Vec<_>, _>>()?;
        role_permission::Entity::delete_many()
            .filter(role_permission::Column::RoleId.eq(role.id))
            .filter(role_permission::Column::PermissionId.is_in(removed_ids))
            .exec(&txn)
            .await?;
    }
    if !added.is_empty() {
        let rows = added
            .iter()
            .map(|p| Ok(role_permission::ActiveModel { role_id: Set(role.id), permission_id: Set(id_of(p)?) }))
            .collect::<Result<Vec<_>, ApiError>>()?;
        role_permission::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    let entry = by
        .audit("role:permissions_update", "role", role.id)
        .details(json!({ "role": role.name, "added": added, "removed": removed }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    state.access.invalidate(Invalidation::All).await;
    Ok(dto(role, wanted))
}
