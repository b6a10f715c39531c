//! `TicketService::similar`: the tickets that read like a given one.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared_types::tickets::{
    SIMILAR_DEFAULT_LIMIT, SIMILAR_MAX_LIMIT, SimilarStatus, SimilarTicketDto, SimilarTicketsQuery,
    SimilarTicketsResponse,
};
use uuid::Uuid;

use super::index::listable;
use super::store::{self, TicketFacts};
use crate::entities::ticket;
use crate::error::ApiError;
use crate::modules::auth::Access;
use crate::modules::tickets::service::{TicketService, not_found};
use crate::modules::tickets::{dto, repo};

/// Extra candidates asked of the index, for any the database no longer lists (changed a
/// moment ago on another instance).
const SPARE: usize = 5;

/// `limit` checked: 1 to [`SIMILAR_MAX_LIMIT`], [`SIMILAR_DEFAULT_LIMIT`] when absent.
pub fn parse_limit(limit: Option<u64>) -> Result<usize, ApiError> {
    match limit.unwrap_or(SIMILAR_DEFAULT_LIMIT) {
        n @ 1..=SIMILAR_MAX_LIMIT => Ok(n as usize),
        _ => Err(ApiError::invalid_field("limit", format!("must be 1 to {SIMILAR_MAX_LIMIT}"))),
    }
}

fn answer(status: SimilarStatus) -> SimilarTicketsResponse {
    SimilarTicketsResponse { data: Vec::new(), status }
}

impl TicketService<'_> {
    /// Tickets similar to the visible ticket `id` (by the meaning of their title and
    /// description) that the caller may see: open ones, and ones resolved or closed within
    /// the configured window; at least the configured similarity, most similar first.
    pub async fn similar(
        &self,
        user: &Access,
        id: Uuid,
        query: &SimilarTicketsQuery,
    ) -> Result<SimilarTicketsResponse, ApiError> {
        let limit = parse_limit(query.limit)?;
        let db = &self.state.db;
        let scope = user.ticket_scope();
        repo::find_visible(db, &scope, id).await?.ok_or_else(not_found)?;
        let index = &self.state.similar_tickets;
        let Some(model) = index.model() else { return Ok(answer(SimilarStatus::Unavailable)) };
        if !index.is_ready() {
            return Ok(answer(SimilarStatus::Pending));
        }
        index.sync(db).await?;
        let Some((_, vector)) = store::vectors(db, &[id], &model).await?.pop() else {
            return Ok(answer(SimilarStatus::Pending));
        };
        let now = self.now();
        let min = self.state.settings.similar_min_score as f32;
        let hits = index.nearest(&vector, id, &scope, now, min, limit + SPARE);
        let ids: Vec<Uuid> = hits.iter().map(|(id, _)| *id).collect();
        // The database has the last word on what the caller may see and what is listable.
        let since = index.since(now);
        let mut rows: HashMap<Uuid, ticket::Model> = ticket::Entity::find()
            .filter(repo::visible(&scope))
            .filter(ticket::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .filter(|t| listable(TicketFacts::from(t).settled_at(), since))
            .map(|t| (t.id, t))
            .collect();
        let found: Vec<(ticket::Model, f32)> =
            hits.into_iter().filter_map(|(id, score)| Some((rows.remove(&id)?, score))).take(limit).collect();
        let category_ids: Vec<Uuid> = found.iter().filter_map(|(t, _)| t.category_id).collect();
        let names: HashMap<Uuid, String> = store::category_names(db, &category_ids).await?.into_iter().collect();
        let data = found
            .into_iter()
            .map(|(t, similarity)| {
                Ok(SimilarTicketDto {
                    status: dto::status_of(&t)?,
                    priority: dto::priority_of(&t)?,
                    category_name: t.category_id.and_then(|c| names.get(&c).cloned()),
                    id: t.id,
                    ticket_number: t.ticket_number,
                    title: t.title,
                    category_id: t.category_id,
                    updated_at: t.updated_at,
                    resolved_at: t.resolved_at,
                    closed_at: t.closed_at,
                    similarity,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(SimilarTicketsResponse { data, status: SimilarStatus::Ok })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_to_five_and_stays_within_one_to_twenty() {
        assert_eq!(parse_limit(None).ok(), Some(5));
        assert_eq!(parse_limit(Some(20)).ok(), Some(20));
        for bad in [0, 21, u64::MAX] {
            let err = parse_limit(Some(bad)).err().map(|e| (e.code().to_string(), e.kind()));
            assert_eq!(err, Some(("validation_failed".into(), crate::error::ErrorKind::Invalid)));
        }
    }
}
