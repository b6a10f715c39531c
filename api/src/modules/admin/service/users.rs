//! Accounts: create, list, change role, deactivate and reactivate.
//!
//! The accounts themselves belong to the auth module's user directory
//! (`auth::users`); this adds the administrator's rules on top.

use sea_orm::ConnectionTrait;
use serde_json::json;
use shared_types::admin::{CreateUserRequest, CreatedUserDto, UserDto, UserListQuery};
use shared_types::validation::validate_create_user;
use uuid::Uuid;

use super::{Authorized, ManageUsers};
use crate::error::{ApiError, ErrorKind};
use crate::modules::admin::service::roles;
use crate::modules::audit::{self, ClientInfo};
use crate::modules::auth::users::{self, UserFilter};
use crate::modules::auth::{Invalidation, password};
use crate::paging::Paging;
use crate::state::AppState;

/// The role that must always keep one active holder.
const ADMIN: &str = "admin";

fn not_found() -> ApiError {
    ApiError::not_found("user_not_found", "No user has this id")
}

/// A page of users matching `query`, and the total.
pub async fn list(
    state: &AppState,
    _by: &Authorized<'_, ManageUsers>,
    query: &UserListQuery,
    paging: Paging,
) -> Result<(Vec<UserDto>, u64), ApiError> {
    let filter = UserFilter { q: query.q.clone(), role: query.role.clone(), active: query.active };
    users::list(&state.db, &filter, paging.page, paging.limit).await
}

/// One user.
pub async fn get(state: &AppState, _by: &Authorized<'_, ManageUsers>, id: Uuid) -> Result<UserDto, ApiError> {
    let model = users::find(&state.db, id).await?.ok_or_else(not_found)?;
    users::dtos(&state.db, vec![model]).await?.pop().ok_or_else(not_found)
}

/// Creates an account. Without a password one is generated and returned once.
pub async fn create(
    state: &AppState,
    by: &Authorized<'_, ManageUsers>,
    client: &ClientInfo,
    req: CreateUserRequest,
) -> Result<CreatedUserDto, ApiError> {
    let mut errors = validate_create_user(&req);
    match users::role_id(&state.db, &req.role, "role").await {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::Invalid => {
            errors.insert("role".into(), format!("no role is called '{}'", req.role));
        }
        Err(e) => return Err(e),
    }
    ApiError::check(errors)?;
    let generated = req.password.is_none().then(password::generate);
    let secret = req.password.clone().or_else(|| generated.clone()).unwrap_or_default();
    // Hash before the transaction: it is slow and needs no lock.
    let hash = password::hash(secret).await?;
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let model = users::create(&txn, &req.email, &req.name, Some(hash), &req.role, now).await?;
    let entry = by.audit("user:create", "user", model.id).details(json!({ "email": model.email, "role": req.role }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    Ok(CreatedUserDto { user: users::dto(model, &[req.role]), generated_password: generated })
}

/// Refuses a change that would leave no active admin. `user_id` is an
/// active admin about to lose the role or be deactivated.
async fn ensure_another_admin(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), ApiError> {
    // Serialises concurrent checks on PostgreSQL; SQLite's write
    // transaction already holds the database lock.
    roles::lock_admin_role(db).await?;
    let filter = UserFilter { role: Some(ADMIN.into()), active: Some(true), ..UserFilter::default() };
    let (admins, _) = users::list(db, &filter, 1, 2).await?;
    if admins.iter().any(|a| a.id != user_id) {
        Ok(())
    } else {
        Err(ApiError::conflict("last_admin", "This is the last active admin; make another admin first"))
    }
}

/// Replaces a user's role. Takes effect on the user's next request.
pub async fn change_role(
    state: &AppState,
    by: &Authorized<'_, ManageUsers>,
    client: &ClientInfo,
    id: Uuid,
    role: &str,
) -> Result<UserDto, ApiError> {
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let model = users::find(&txn, id).await?.ok_or_else(not_found)?;
    users::role_id(&txn, role, "role").await?;
    let current = users::roles_of(&txn, &[id]).await?.remove(&id).unwrap_or_default();
    if current == [role] {
        return Ok(users::dto(model, &current));
    }
    if model.is_active && current.iter().any(|r| r == ADMIN) && role != ADMIN {
        ensure_another_admin(&txn, id).await?;
    }
    let from = users::set_role(&txn, id, role, now).await?;
    let entry = by.audit("user:role_change", "user", id).details(json!({ "from": from, "to": role }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    state.access.invalidate(Invalidation::User(id)).await;
    Ok(users::dto(model, &[role.to_string()]))
}

/// Deactivates (ending every session) or reactivates an account.
pub async fn set_active(
    state: &AppState,
    by: &Authorized<'_, ManageUsers>,
    client: &ClientInfo,
    id: Uuid,
    active: bool,
) -> Result<UserDto, ApiError> {
    if !active && id == by.actor().user_id {
        return Err(ApiError::conflict("cannot_deactivate_self", "You cannot deactivate your own account"));
    }
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let mut model = users::find(&txn, id).await?.ok_or_else(not_found)?;
    let roles = users::roles_of(&txn, &[id]).await?.remove(&id).unwrap_or_default();
    if model.is_active == active {
        return Ok(users::dto(model, &roles));
    }
    if !active && roles.iter().any(|r| r == ADMIN) {
        ensure_another_admin(&txn, id).await?;
    }
    users::set_active(&txn, id, active, now).await?;
    let action = if active { "user:activate" } else { "user:deactivate" };
    audit::record(&txn, by.audit(action, "user", id), client, now).await?;
    txn.commit().await?;
    state.access.invalidate(Invalidation::User(id)).await;
    model.is_active = active;
    Ok(users::dto(model, &roles))
}
