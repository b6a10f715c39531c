//! Ticket categories: two levels (category and subcategory), names unique
//! among siblings, retired by deactivation rather than deletion so that old
//! tickets keep theirs.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use shared_types::admin::{CategoryDto, CreateCategoryRequest, UpdateCategoryRequest};
use shared_types::validation::{validate_category, validate_update_category};
use uuid::Uuid;

use super::{Authorized, Changes, ManageCategories, non_blank};
use crate::entities::team;
use crate::entities::ticket_category as category;
use crate::error::ApiError;
use crate::modules::audit::{self, ClientInfo};
use crate::state::AppState;

fn dto(m: category::Model) -> CategoryDto {
    CategoryDto {
        id: m.id,
        name: m.name,
        parent_id: m.parent_id,
        description: m.description,
        is_active: m.is_active,
        team_id: m.team_id,
    }
}

/// 422 on `teamId` unless `id` names a team.
async fn check_team(db: &impl ConnectionTrait, id: Option<Uuid>) -> Result<(), ApiError> {
    match id {
        Some(id) if team::Entity::find_by_id(id).one(db).await?.is_none() => {
            Err(ApiError::invalid_field("teamId", "no team has this id"))
        }
        _ => Ok(()),
    }
}

fn name_clash() -> ApiError {
    ApiError::conflict("category_exists", "A category with this name already exists at this level")
}

/// Whether a sibling under `parent_id`, other than `except`, is called `name` (ignoring case).
async fn sibling_named(
    db: &impl ConnectionTrait,
    parent_id: Option<Uuid>,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, ApiError> {
    let mut query = category::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(category::Column::Name))).eq(name.to_lowercase()));
    query = match parent_id {
        Some(p) => query.filter(category::Column::ParentId.eq(p)),
        None => query.filter(category::Column::ParentId.is_null()),
    };
    if let Some(id) = except {
        query = query.filter(category::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// Categories by name, parents before their children. Only the ones that
/// can be chosen (active, under an active parent) unless `all` is granted.
pub async fn list(
    state: &AppState,
    all: Option<&Authorized<'_, ManageCategories>>,
) -> Result<Vec<CategoryDto>, ApiError> {
    let rows = category::Entity::find().order_by_asc(category::Column::Name).all(&state.db).await?;
    let usable = |c: &category::Model| {
        c.is_active && c.parent_id.is_none_or(|p| rows.iter().any(|parent| parent.id == p && parent.is_active))
    };
    let mut out = Vec::with_capacity(rows.len());
    for parent in rows.iter().filter(|c| c.parent_id.is_none()) {
        let family = std::iter::once(parent).chain(rows.iter().filter(|c| c.parent_id == Some(parent.id)));
        out.extend(family.filter(|c| all.is_some() || usable(c)).cloned().map(dto));
    }
    Ok(out)
}

/// Every category a ticket may be filed under now (active, under an active parent), by name:
/// the labels AI triage may answer with.
pub async fn usable_all(db: &impl ConnectionTrait) -> Result<Vec<category::Model>, ApiError> {
    let rows = category::Entity::find().order_by_asc(category::Column::Name).all(db).await?;
    let usable = |c: &category::Model| {
        c.is_active && c.parent_id.is_none_or(|p| rows.iter().any(|parent| parent.id == p && parent.is_active))
    };
    Ok(rows.iter().filter(|c| usable(c)).cloned().collect())
}

/// Whether a ticket may be filed under `id` now (it exists and is offered).
pub async fn is_usable(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, ApiError> {
    let Some(c) = category::Entity::find_by_id(id).one(db).await? else {
        return Ok(false);
    };
    Ok(match c.parent_id {
        _ if !c.is_active => false,
        None => true,
        Some(p) => category::Entity::find_by_id(p).one(db).await?.is_some_and(|parent| parent.is_active),
    })
}

/// Creates a category, or a subcategory of a top-level one.
pub async fn create(
    state: &AppState,
    by: &Authorized<'_, ManageCategories>,
    client: &ClientInfo,
    req: &CreateCategoryRequest,
) -> Result<CategoryDto, ApiError> {
    ApiError::check(validate_category(req))?;
    let name = req.name.trim().to_string();
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    if let Some(parent_id) = req.parent_id {
        let parent = category::Entity::find_by_id(parent_id)
            .one(&txn)
            .await?
            .ok_or_else(|| ApiError::invalid_field("parentId", "no category has this id"))?;
        if parent.parent_id.is_some() {
            return Err(ApiError::invalid_field("parentId", "must be a top-level category"));
        }
    }
    if sibling_named(&txn, req.parent_id, &name, None).await? {
        return Err(name_clash());
    }
    check_team(&txn, req.team_id).await?;
    let model = category::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        parent_id: Set(req.parent_id),
        description: Set(non_blank(req.description.as_deref())),
        is_active: Set(true),
        team_id: Set(req.team_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let entry = by
        .audit("category:create", "category", model.id)
        .details(json!({ "name": model.name, "parentId": model.parent_id, "teamId": model.team_id }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    Ok(dto(model))
}

/// Renames, describes, retires or restores a category.
pub async fn update(
    state: &AppState,
    by: &Authorized<'_, ManageCategories>,
    client: &ClientInfo,
    id: Uuid,
    req: &UpdateCategoryRequest,
) -> Result<CategoryDto, ApiError> {
    ApiError::check(validate_update_category(req))?;
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let old = category::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("category_not_found", "No category has this id"))?;
    let name = req.name.as_deref().map(str::trim).map(str::to_string).unwrap_or_else(|| old.name.clone());
    let description = match &req.description {
        Some(d) => non_blank(Some(d)),
        None => old.description.clone(),
    };
    let is_active = req.is_active.unwrap_or(old.is_active);
    let team_id = req.team_id.unwrap_or(old.team_id);
    let mut changes = Changes::default();
    changes.note("name", &old.name, &name);
    changes.note("description", &old.description, &description);
    changes.note("isActive", &old.is_active, &is_active);
    changes.note("teamId", &old.team_id, &team_id);
    if changes.is_empty() {
        return Ok(dto(old));
    }
    if name != old.name && sibling_named(&txn, old.parent_id, &name, Some(id)).await? {
        return Err(name_clash());
    }
    if team_id != old.team_id {
        check_team(&txn, team_id).await?;
    }
    let mut model: category::ActiveModel = old.into();
    model.name = Set(name);
    model.description = Set(description);
    model.is_active = Set(is_active);
    model.team_id = Set(team_id);
    let model = model.update(&txn).await?;
    let entry = by.audit("category:update", "category", id).details(changes.into_value());
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    Ok(dto(model))
}
