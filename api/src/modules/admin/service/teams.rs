//! Teams and their members. A user's teams are part of their cached access
//! (they decide which tickets the user sees), so membership changes drop
//! that user's cache entry after commit.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use shared_types::admin::{AddTeamMemberRequest, TeamDto, TeamMemberDto, TeamRequest};
use shared_types::validation::{validate_team, validate_team_member};
use uuid::Uuid;

use super::{Authorized, Changes, ManageTeams, SeesTeams, non_blank};
use crate::entities::{team, team_member};
use crate::error::ApiError;
use crate::modules::audit::{self, ClientInfo};
use crate::modules::auth::{Invalidation, users};
use crate::state::AppState;

fn not_found() -> ApiError {
    ApiError::not_found("team_not_found", "No team has this id")
}

fn name_taken() -> ApiError {
    ApiError::conflict("team_name_taken", "Another team has this name")
}

/// Maps the unique index on `teams.name` to [`name_taken`], for races the check misses.
fn on_insert_error(e: sea_orm::DbErr) -> ApiError {
    match ApiError::from(e) {
        e if e.code() == "already_exists" => name_taken(),
        e => e,
    }
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<team::Model, ApiError> {
    team::Entity::find_by_id(id).one(db).await?.ok_or_else(not_found)
}

/// Whether a team other than `except` is called `name` (ignoring case).
async fn name_in_use(db: &impl ConnectionTrait, name: &str, except: Option<Uuid>) -> Result<bool, ApiError> {
    let mut query =
        team::Entity::find().filter(Expr::expr(Func::lower(Expr::col(team::Column::Name))).eq(name.to_lowercase()));
    if let Some(id) = except {
        query = query.filter(team::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// Member counts per team.
async fn member_counts(db: &impl ConnectionTrait) -> Result<HashMap<Uuid, u64>, ApiError> {
    let rows: Vec<(Uuid, i64)> = team_member::Entity::find()
        .select_only()
        .column(team_member::Column::TeamId)
        .column_as(Expr::col(team_member::Column::UserId).count(), "n")
        .group_by(team_member::Column::TeamId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))).collect())
}

fn dto(model: team::Model, member_count: u64) -> TeamDto {
    TeamDto {
        id: model.id,
        name: model.name,
        description: model.description,
        member_count,
        created_at: model.created_at,
    }
}

/// Every team, by name.
pub async fn list<C: SeesTeams>(state: &AppState, _by: &Authorized<'_, C>) -> Result<Vec<TeamDto>, ApiError> {
    let counts = member_counts(&state.db).await?;
    let teams = team::Entity::find().order_by_asc(team::Column::Name).all(&state.db).await?;
    Ok(teams
        .into_iter()
        .map(|t| {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            dto(t, n)
        })
        .collect())
}

/// The members of a team, leads first, then by name.
pub async fn members<C: SeesTeams>(
    state: &AppState,
    _by: &Authorized<'_, C>,
    team_id: Uuid,
) -> Result<Vec<TeamMemberDto>, ApiError> {
    find(&state.db, team_id).await?;
    let rows = team_member::Entity::find().filter(team_member::Column::TeamId.eq(team_id)).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
    let models = users::find_many(&state.db, &ids).await?;
    let people: HashMap<Uuid, _> = users::dtos(&state.db, models).await?.into_iter().map(|u| (u.id, u)).collect();
    let mut out: Vec<TeamMemberDto> = rows
        .into_iter()
        .filter_map(|m| {
            people.get(&m.user_id).map(|user| TeamMemberDto {
                user: user.clone(),
                role: m.role,
                joined_at: m.created_at,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.role != "lead", &a.user.name).cmp(&(b.role != "lead", &b.user.name)));
    Ok(out)
}

/// Creates a team.
pub async fn create(
    state: &AppState,
    by: &Authorized<'_, ManageTeams>,
    client: &ClientInfo,
    req: &TeamRequest,
) -> Result<TeamDto, ApiError> {
    ApiError::check(validate_team(req))?;
    let name = req.name.trim().to_string();
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    if name_in_use(&txn, &name, None).await? {
        return Err(name_taken());
    }
    let model = team::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        description: Set(non_blank(req.description.as_deref())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(on_insert_error)?;
    let entry = by.audit("team:create", "team", model.id).details(json!({ "name": model.name }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    Ok(dto(model, 0))
}

/// Renames a team or changes its description.
pub async fn update(
    state: &AppState,
    by: &Authorized<'_, ManageTeams>,
    client: &ClientInfo,
    id: Uuid,
    req: &TeamRequest,
) -> Result<TeamDto, ApiError> {
    ApiError::check(validate_team(req))?;
    let name = req.name.trim().to_string();
    let description = non_blank(req.description.as_deref());
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let old = find(&txn, id).await?;
    let mut changes = Changes::default();
    changes.note("name", &old.name, &name);
    changes.note("description", &old.description, &description);
    let count = member_counts(&txn).await?.get(&id).copied().unwrap_or(0);
    if changes.is_empty() {
        return Ok(dto(old, count));
    }
    if name_in_use(&txn, &name, Some(id)).await? {
        return Err(name_taken());
    }
    let mut model: team::ActiveModel = old.into();
    model.name = Set(name);
    model.description = Set(description);
    model.updated_at = Set(now);
    let model = model.update(&txn).await.map_err(on_insert_error)?;
    audit::record(&txn, by.audit("team:update", "team", id).details(changes.into_value()), client, now).await?;
    txn.commit().await?;
    Ok(dto(model, count))
}

/// Deletes a team. Its memberships go with it; its tickets lose their team.
pub async fn delete(
    state: &AppState,
    by: &Authorized<'_, ManageTeams>,
    client: &ClientInfo,
    id: Uuid,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    let old = find(&txn, id).await?;
    let members: Vec<Uuid> = team_member::Entity::find()
        .select_only()
        .column(team_member::Column::UserId)
        .filter(team_member::Column::TeamId.eq(id))
        .into_tuple()
        .all(&txn)
        .await?;
    team::Entity::delete_by_id(id).exec(&txn).await?;
    let entry = by.audit("team:delete", "team", id).details(json!({ "name": old.name, "members": members.len() }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    for user_id in members {
        state.access.invalidate(Invalidation::User(user_id)).await;
    }
    Ok(())
}

/// Adds a user to a team as `member` (default) or `lead`.
pub async fn add_member(
    state: &AppState,
    by: &Authorized<'_, ManageTeams>,
    client: &ClientInfo,
    team_id: Uuid,
    req: &AddTeamMemberRequest,
) -> Result<TeamMemberDto, ApiError> {
    ApiError::check(validate_team_member(req))?;
    let role = req.role.clone().unwrap_or_else(|| "member".into());
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    find(&txn, team_id).await?;
    let user = users::find(&txn, req.user_id)
        .await?
        .ok_or_else(|| ApiError::invalid_field("userId", "no user has this id"))?;
    if !user.is_active {
        return Err(ApiError::invalid_field("userId", "the account is deactivated"));
    }
    if team_member::Entity::find_by_id((team_id, user.id)).one(&txn).await?.is_some() {
        return Err(ApiError::conflict("already_member", "The user is already a member of this team"));
    }
    team_member::Entity::insert(team_member::ActiveModel {
        team_id: Set(team_id),
        user_id: Set(user.id),
        role: Set(role.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let entry = by.audit("team:member_add", "team", team_id).details(json!({ "userId": user.id, "role": role }));
    audit::record(&txn, entry, client, now).await?;
    let user = users::dtos(&txn, vec![user]).await?.pop().ok_or_else(|| anyhow::anyhow!("user DTO missing"))?;
    txn.commit().await?;
    state.access.invalidate(Invalidation::User(user.id)).await;
    Ok(TeamMemberDto { user, role, joined_at: now })
}

/// Removes a user from a team.
pub async fn remove_member(
    state: &AppState,
    by: &Authorized<'_, ManageTeams>,
    client: &ClientInfo,
    team_id: Uuid,
    user_id: Uuid,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let txn = state.writer.begin().await?;
    find(&txn, team_id).await?;
    let removed = team_member::Entity::delete_by_id((team_id, user_id)).exec(&txn).await?;
    if removed.rows_affected == 0 {
        return Err(ApiError::not_found("member_not_found", "The user is not a member of this team"));
    }
    let entry = by.audit("team:member_remove", "team", team_id).details(json!({ "userId": user_id }));
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    state.access.invalidate(Invalidation::User(user_id)).await;
    Ok(())
}
