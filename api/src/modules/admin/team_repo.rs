//! Teams and their members, as other modules need them.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared_types::auth::TeamMembership;
use uuid::Uuid;

use crate::entities::{team, team_member};
use crate::error::ApiError;

/// The teams `user_id` belongs to, with the role in each.
pub async fn memberships(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<TeamMembership>, ApiError> {
    let members = team_member::Entity::find().filter(team_member::Column::UserId.eq(user_id)).all(db).await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.team_id).collect();
    let teams = team::Entity::find().filter(team::Column::Id.is_in(ids)).all(db).await?;
    let mut out: Vec<TeamMembership> = members
        .into_iter()
        .filter_map(|m| {
            teams.iter().find(|t| t.id == m.team_id).map(|t| TeamMembership {
                id: t.id,
                name: t.name.clone(),
                role: m.role,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Whether a team with this id exists.
pub async fn exists(db: &impl ConnectionTrait, team_id: Uuid) -> Result<bool, ApiError> {
    Ok(team::Entity::find_by_id(team_id).one(db).await?.is_some())
}

/// Whether `user_id` is a member of `team_id`.
pub async fn is_member(db: &impl ConnectionTrait, team_id: Uuid, user_id: Uuid) -> Result<bool, ApiError> {
    Ok(team_member::Entity::find_by_id((team_id, user_id)).one(db).await?.is_some())
}
