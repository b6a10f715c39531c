//! Entities to the DTOs of `shared-types`. People and tags are read in one
//! query each for a whole page, never per ticket.

use std::collections::{HashMap, HashSet};

use sea_orm::ConnectionTrait;
use shared_types::tickets::{
    CommentDto, HistoryEntryDto, TicketDetailDto, TicketDto, TicketPriority, TicketStatus, UserRef,
};
use uuid::Uuid;

use super::repo;
use crate::entities::{ticket, ticket_comment, ticket_history};
use crate::error::ApiError;
use crate::modules::auth::users;

/// A stored status, or a 500 naming the bad value.
pub fn status_of(model: &ticket::Model) -> Result<TicketStatus, ApiError> {
    TicketStatus::parse(&model.status)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("ticket {} has unknown status {:?}", model.id, model.status)))
}

/// A stored priority, or a 500 naming the bad value.
pub fn priority_of(model: &ticket::Model) -> Result<TicketPriority, ApiError> {
    TicketPriority::parse(&model.priority).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("ticket {} has unknown priority {:?}", model.id, model.priority))
    })
}

/// A reference for `id`, even if the account has gone (kept by foreign keys, so rare).
fn user_ref(refs: &HashMap<Uuid, UserRef>, id: Uuid) -> UserRef {
    refs.get(&id).cloned().unwrap_or_else(|| UserRef { id, name: String::new(), email: String::new() })
}

fn ticket_dto(model: ticket::Model, refs: &HashMap<Uuid, UserRef>, tags: Vec<String>) -> Result<TicketDto, ApiError> {
    Ok(TicketDto {
        status: status_of(&model)?,
        priority: priority_of(&model)?,
        requester: user_ref(refs, model.created_by),
        assignee: model.assigned_to.map(|id| user_ref(refs, id)),
        ai_suggested_priority: model.ai_suggested_priority.as_deref().and_then(TicketPriority::parse),
        tags,
        id: model.id,
        ticket_number: model.ticket_number,
        title: model.title,
        description: model.description,
        category_id: model.category_id,
        team_id: model.team_id,
        sla_response_deadline: model.sla_response_deadline,
        sla_resolution_deadline: model.sla_resolution_deadline,
        first_response_at: model.first_response_at,
        resolved_at: model.resolved_at,
        closed_at: model.closed_at,
        sla_paused: model.sla_paused,
        sla_pause_reason: model.sla_pause_reason,
        ai_suggested_category: model.ai_suggested_category,
        ai_confidence: model.ai_confidence,
        ai_model_version: model.ai_model_version,
        created_at: model.created_at,
        updated_at: model.updated_at,
        version: model.version,
    })
}

fn people_of(models: &[ticket::Model]) -> Vec<Uuid> {
    let ids: HashSet<Uuid> = models.iter().flat_map(|m| std::iter::once(m.created_by).chain(m.assigned_to)).collect();
    ids.into_iter().collect()
}

/// DTOs for a page of tickets: one query for people, one for tags.
pub async fn tickets(conn: &impl ConnectionTrait, models: Vec<ticket::Model>) -> Result<Vec<TicketDto>, ApiError> {
    let refs = users::refs(conn, &people_of(&models)).await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut tags = repo::tags_of(conn, &ids).await?;
    models
        .into_iter()
        .map(|m| {
            let t = tags.remove(&m.id).unwrap_or_default();
            ticket_dto(m, &refs, t)
        })
        .collect()
}

/// The DTO of one ticket.
pub async fn ticket(conn: &impl ConnectionTrait, model: ticket::Model) -> Result<TicketDto, ApiError> {
    let id = model.id;
    tickets(conn, vec![model])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("ticket {id} vanished while being converted")))
}

fn comment_dto(model: ticket_comment::Model, refs: &HashMap<Uuid, UserRef>) -> CommentDto {
    CommentDto {
        author: user_ref(refs, model.author_id),
        id: model.id,
        ticket_id: model.ticket_id,
        body: model.body,
        internal: model.is_internal,
        created_at: model.created_at,
    }
}

/// The DTO of one comment.
pub async fn comment(conn: &impl ConnectionTrait, model: ticket_comment::Model) -> Result<CommentDto, ApiError> {
    let refs = users::refs(conn, &[model.author_id]).await?;
    Ok(comment_dto(model, &refs))
}

/// A ticket with its comments: one query for every person named, one for tags.
pub async fn detail(
    conn: &impl ConnectionTrait,
    model: ticket::Model,
    comments: Vec<ticket_comment::Model>,
) -> Result<TicketDetailDto, ApiError> {
    let mut people = people_of(std::slice::from_ref(&model));
    people.extend(comments.iter().map(|c| c.author_id));
    people.sort_unstable();
    people.dedup();
    let refs = users::refs(conn, &people).await?;
    let tags = repo::tags_of(conn, &[model.id]).await?.remove(&model.id).unwrap_or_default();
    Ok(TicketDetailDto {
        ticket: ticket_dto(model, &refs, tags)?,
        comments: comments.into_iter().map(|c| comment_dto(c, &refs)).collect(),
        suggested_articles: None,
    })
}

/// History entries with their actors, in one query for the people.
pub async fn history(
    conn: &impl ConnectionTrait,
    rows: Vec<ticket_history::Model>,
) -> Result<Vec<HistoryEntryDto>, ApiError> {
    let mut people: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    people.sort_unstable();
    people.dedup();
    let refs = users::refs(conn, &people).await?;
    Ok(rows
        .into_iter()
        .map(|r| HistoryEntryDto {
            actor: r.actor_id.map(|id| user_ref(&refs, id)),
            id: r.id,
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            created_at: r.created_at,
        })
        .collect())
}
