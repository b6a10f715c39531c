//! The user directory: accounts and their roles. Other modules read users
//! through these functions, never through the tables.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared_types::RoleName;
use shared_types::admin::UserDto;
use shared_types::tickets::UserRef;
use uuid::Uuid;

use crate::entities::{refresh_token, role, user, user_role};
use crate::error::ApiError;

/// Normal form of an e-mail address.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The user with this e-mail address.
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, ApiError> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(normalise_email(email))).one(db).await?)
}

/// The user with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<user::Model>, ApiError> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// The users with these ids that exist, in no particular order.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<user::Model>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find().filter(user::Column::Id.is_in(ids.to_vec())).all(db).await?)
}

/// The most privileged of `roles`, as shown in `UserDto::role`.
fn primary_role(roles: &[String]) -> String {
    RoleName::ALL
        .iter()
        .rev()
        .find(|r| roles.iter().any(|n| n == r.as_str()))
        .map(|r| r.as_str().to_string())
        .or_else(|| roles.first().cloned())
        .unwrap_or_else(|| "none".to_string())
}

/// Role names per user, for `ids`.
pub async fn roles_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<String>>, ApiError> {
    let rows: Vec<(Uuid, Uuid)> = user_role::Entity::find()
        .select_only()
        .columns([user_role::Column::UserId, user_role::Column::RoleId])
        .filter(user_role::Column::UserId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let names: HashMap<Uuid, String> =
        role::Entity::find().all(db).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let rows = rows.into_iter().filter_map(|(user_id, role_id)| names.get(&role_id).map(|n| (user_id, n.clone())));
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (user_id, name) in rows {
        map.entry(user_id).or_default().push(name);
    }
    Ok(map)
}

/// The DTO of one user, with `role` already known.
pub fn dto(model: user::Model, roles: &[String]) -> UserDto {
    UserDto {
        id: model.id,
        email: model.email,
        name: model.name,
        role: primary_role(roles),
        is_active: model.is_active,
        last_login_at: model.last_login_at,
        created_at: model.created_at,
    }
}

/// DTOs for `models`, reading their roles in one query.
pub async fn dtos(db: &impl ConnectionTrait, models: Vec<user::Model>) -> Result<Vec<UserDto>, ApiError> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let roles = roles_of(db, &ids).await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let r = roles.get(&m.id).cloned().unwrap_or_default();
            dto(m, &r)
        })
        .collect())
}

/// Names and addresses for `ids`, in one query.
pub async fn refs(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, UserRef>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String, String)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Name, user::Column::Email])
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, name, email)| (id, UserRef { id, name, email })).collect())
}

/// The id of the role called `name`, or a 422 naming `field`.
pub async fn role_id(db: &impl ConnectionTrait, name: &str, field: &str) -> Result<Uuid, ApiError> {
    role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| ApiError::invalid_field(field, format!("no role is called '{name}'")))
}

/// Creates an account with one role. The e-mail address must be free.
pub async fn create(
    db: &impl ConnectionTrait,
    email: &str,
    name: &str,
    password_hash: Option<String>,
    role_name: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ApiError> {
    let email = normalise_email(email);
    let role_id = role_id(db, role_name, "role").await?;
    if find_by_email(db, &email).await?.is_some() {
        return Err(ApiError::conflict("email_taken", "Another account uses this e-mail address"));
    }
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        name: Set(name.trim().to_string()),
        password_hash: Set(password_hash),
        auth_provider: Set("local".into()),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| match ApiError::from(e) {
        e if e.code() == "already_exists" => {
            ApiError::conflict("email_taken", "Another account uses this e-mail address")
        }
        e => e,
    })?;
    user_role::Entity::insert(user_role::ActiveModel {
        user_id: Set(model.id),
        role_id: Set(role_id),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(model)
}

/// Replaces the user's roles with `role_name`; returns the old primary role.
pub async fn set_role(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role_name: &str,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let role_id = role_id(db, role_name, "role").await?;
    let old = roles_of(db, &[user_id]).await?.remove(&user_id).unwrap_or_default();
    user_role::Entity::delete_many().filter(user_role::Column::UserId.eq(user_id)).exec(db).await?;
    user_role::Entity::insert(user_role::ActiveModel {
        user_id: Set(user_id),
        role_id: Set(role_id),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(primary_role(&old))
}

/// Activates or deactivates an account; deactivation also ends its sessions.
pub async fn set_active(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::IsActive, Expr::value(active))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    if !active {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Filters for [`list`].
#[derive(Debug, Default)]
pub struct UserFilter {
    /// Part of the name or address.
    pub q: Option<String>,
    /// Only this role.
    pub role: Option<String>,
    /// Only active or only deactivated.
    pub active: Option<bool>,
}

/// A page of users, newest first, and the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &UserFilter,
    page: u64,
    limit: u64,
) -> Result<(Vec<UserDto>, u64), ApiError> {
    let mut cond = Condition::all();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        cond = cond.add(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(pattern.clone()))
                .add(user::Column::Email.like(pattern)),
        );
    }
    if let Some(active) = filter.active {
        cond = cond.add(user::Column::IsActive.eq(active));
    }
    if let Some(role_name) = &filter.role {
        let role_id = role_id(db, role_name, "role").await?;
        let ids: Vec<Uuid> = user_role::Entity::find()
            .select_only()
            .column(user_role::Column::UserId)
            .filter(user_role::Column::RoleId.eq(role_id))
            .into_tuple()
            .all(db)
            .await?;
        cond = cond.add(user::Column::Id.is_in(ids));
    }
    let query = user::Entity::find().filter(cond);
    let total = query.clone().count(db).await?;
    let models = query
        .order_by_desc(user::Column::CreatedAt)
        .order_by_desc(user::Column::Id)
        .offset((page - 1) * limit)
        .limit(limit)
        .all(db)
        .await?;
    Ok((dtos(db, models).await?, total))
}

/// Records a successful sign-in.
pub async fn touch_login(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(Some(now)))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Number of accounts.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, ApiError> {
    Ok(user::Entity::find().count(db).await?)
}

/// Records where an account signs in (`local` or `oidc`).
pub async fn set_provider(db: &impl ConnectionTrait, user_id: Uuid, provider: &str) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::AuthProvider, Expr::value(provider))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
