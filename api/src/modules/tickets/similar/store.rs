//! The only code touching `ticket_embeddings`, and the ticket columns similarity needs.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};
use shared_types::tickets::TicketStatus;
use uuid::Uuid;

use crate::entities::{ticket, ticket_category, ticket_embedding};
use crate::error::ApiError;

/// Characters of a ticket's text embedded: the model reads 256 word pieces at most, and a
/// pasted log adds nothing but tokenizing time.
const MAX_TEXT_CHARS: usize = 2_000;

/// What a ticket is embedded from: its public text, title first.
pub fn embedding_text(title: &str, description: &str) -> String {
    let text = format!("{}\n{}", title.trim(), description.trim());
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text,
    }
}

/// Hex sha256 of an embedded text.
pub fn fingerprint(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A vector as stored: little-endian `f32`s.
pub fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector, when it has `dims` values.
pub fn decode(bytes: &[u8], dims: usize) -> Option<Vec<f32>> {
    if bytes.len() != dims * 4 {
        return None;
    }
    Some(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

/// Which model an embedding must come from to be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelId {
    pub name: String,
    pub dims: usize,
}

/// The columns of a ticket that decide whether, and to whom, it is listed as similar.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketFacts {
    pub id: Uuid,
    pub created_by: Uuid,
    pub assigned_to: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub status: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl TicketFacts {
    /// `None` while the ticket is open; once resolved or closed, when it last was.
    pub fn settled_at(&self) -> Option<DateTime<Utc>> {
        match TicketStatus::parse(&self.status) {
            Some(TicketStatus::Resolved | TicketStatus::Closed) => {
                Some(self.resolved_at.max(self.closed_at).unwrap_or(DateTime::<Utc>::MIN_UTC))
            }
            _ => None,
        }
    }
}

impl From<&ticket::Model> for TicketFacts {
    fn from(t: &ticket::Model) -> Self {
        Self {
            id: t.id,
            created_by: t.created_by,
            assigned_to: t.assigned_to,
            team_id: t.team_id,
            status: t.status.clone(),
            resolved_at: t.resolved_at,
            closed_at: t.closed_at,
        }
    }
}

type FactsRow = (Uuid, Uuid, Option<Uuid>, Option<Uuid>, String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The facts of the live tickets among `ids`.
pub async fn facts(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<TicketFacts>, ApiError> {
    use ticket::Column as C;
    let rows: Vec<FactsRow> = ticket::Entity::find()
        .select_only()
        .columns([C::Id, C::CreatedBy, C::AssignedTo, C::TeamId, C::Status, C::ResolvedAt, C::ClosedAt])
        .filter(C::Id.is_in(ids.iter().copied()))
        .filter(C::DeletedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created_by, assigned_to, team_id, status, resolved_at, closed_at)| TicketFacts {
            id,
            created_by,
            assigned_to,
            team_id,
            status,
            resolved_at,
            closed_at,
        })
        .collect())
}

/// The stored vectors of `ids` made by `model`.
pub async fn vectors(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    model: &ModelId,
) -> Result<Vec<(Uuid, Vec<f32>)>, ApiError> {
    let rows = ticket_embedding::Entity::find()
        .filter(ticket_embedding::Column::TicketId.is_in(ids.iter().copied()))
        .filter(ticket_embedding::Column::Model.eq(model.name.as_str()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|r| Some((r.ticket_id, usable(&r, model)?))).collect())
}

fn usable(row: &ticket_embedding::Model, model: &ModelId) -> Option<Vec<f32>> {
    (row.model == model.name && usize::try_from(row.dims).ok() == Some(model.dims))
        .then(|| decode(&row.vector, model.dims))
        .flatten()
}

/// Up to `limit` ticket ids with an embedding by `model`, above `after`, in id order (for
/// reading them all in pages).
pub async fn embedded_after(
    conn: &impl ConnectionTrait,
    model: &ModelId,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, ApiError> {
    let mut query = ticket_embedding::Entity::find()
        .select_only()
        .column(ticket_embedding::Column::TicketId)
        .filter(ticket_embedding::Column::Model.eq(model.name.as_str()))
        .order_by_asc(ticket_embedding::Column::TicketId)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(ticket_embedding::Column::TicketId.gt(after));
    }
    Ok(query.into_tuple().all(conn).await?)
}

/// Fingerprints of the texts embedded by `model` for `ids`.
pub async fn fingerprints(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    model: &ModelId,
) -> Result<Vec<(Uuid, String)>, ApiError> {
    let rows: Vec<(Uuid, String, i32)> = ticket_embedding::Entity::find()
        .select_only()
        .columns([
            ticket_embedding::Column::TicketId,
            ticket_embedding::Column::TextFingerprint,
            ticket_embedding::Column::Dims,
        ])
        .filter(ticket_embedding::Column::TicketId.is_in(ids.iter().copied()))
        .filter(ticket_embedding::Column::Model.eq(model.name.as_str()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter(|r| usize::try_from(r.2).ok() == Some(model.dims)).map(|r| (r.0, r.1)).collect())
}

/// A live ticket's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketText {
    pub id: Uuid,
    pub title: String,
    pub description: String,
}

/// The texts of the live tickets among `ids`.
pub async fn texts(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<TicketText>, ApiError> {
    let rows: Vec<(Uuid, String, String)> = ticket::Entity::find()
        .select_only()
        .columns([ticket::Column::Id, ticket::Column::Title, ticket::Column::Description])
        .filter(ticket::Column::Id.is_in(ids.iter().copied()))
        .filter(ticket::Column::DeletedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, title, description)| TicketText { id, title, description }).collect())
}

/// Up to `limit` live tickets without an embedding by `model`, newest first, below `before`
/// (a cursor, so a long backfill reads the table once).
pub async fn missing(
    conn: &impl ConnectionTrait,
    model: &ModelId,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<TicketText>, ApiError> {
    let embedded = Query::select()
        .column(ticket_embedding::Column::TicketId)
        .from(ticket_embedding::Entity)
        .and_where(ticket_embedding::Column::Model.eq(model.name.as_str()))
        .to_owned();
    let mut query = ticket::Entity::find()
        .select_only()
        .columns([ticket::Column::Id, ticket::Column::Title, ticket::Column::Description])
        .filter(ticket::Column::DeletedAt.is_null())
        .filter(ticket::Column::Id.not_in_subquery(embedded))
        .order_by_desc(ticket::Column::Id)
        .limit(limit);
    if let Some(before) = before {
        query = query.filter(ticket::Column::Id.lt(before));
    }
    let rows: Vec<(Uuid, String, String)> = query.into_tuple().all(conn).await?;
    Ok(rows.into_iter().map(|(id, title, description)| TicketText { id, title, description }).collect())
}

/// Writes (or replaces) the embedding of `ticket_id`.
pub async fn save(
    conn: &impl ConnectionTrait,
    ticket_id: Uuid,
    model: &ModelId,
    vector: &[f32],
    text_fingerprint: String,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use ticket_embedding::Column as C;
    let row = ticket_embedding::ActiveModel {
        ticket_id: Set(ticket_id),
        model: Set(model.name.clone()),
        dims: Set(i32::try_from(vector.len()).unwrap_or(i32::MAX)),
        vector: Set(encode(vector)),
        text_fingerprint: Set(text_fingerprint),
        updated_at: Set(now),
    };
    let upsert = OnConflict::column(C::TicketId)
        .update_columns([C::Model, C::Dims, C::Vector, C::TextFingerprint, C::UpdatedAt])
        .to_owned();
    ticket_embedding::Entity::insert(row).on_conflict(upsert).exec_without_returning(conn).await?;
    Ok(())
}

/// The names of the categories `ids`.
pub async fn category_names(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ticket_category::Entity::find()
        .select_only()
        .columns([ticket_category::Column::Id, ticket_category::Column::Name])
        .filter(ticket_category::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_survive_the_round_trip_and_wrong_lengths_are_refused() {
        let v = vec![0.25f32, -1.0, 3.5];
        assert_eq!(decode(&encode(&v), 3), Some(v.clone()));
        assert_eq!(decode(&encode(&v), 4), None);
    }

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let text = embedding_text("  Printer ", &"é".repeat(5_000));
        assert!(text.starts_with("Printer\né"));
        assert_eq!(text.chars().count(), MAX_TEXT_CHARS);
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }

    #[test]
    fn a_ticket_settles_when_resolved_or_closed_and_reopening_unsettles_it() {
        let at = |h: i64| DateTime::from_timestamp(h * 3600, 0);
        let mut t = TicketFacts {
            id: Uuid::nil(),
            created_by: Uuid::nil(),
            assigned_to: None,
            team_id: None,
            status: "in_progress".into(),
            resolved_at: None,
            closed_at: None,
        };
        assert_eq!(t.settled_at(), None);
        t.status = "resolved".into();
        t.resolved_at = at(1);
        assert_eq!(t.settled_at(), at(1));
        t.status = "closed".into();
        t.closed_at = at(5);
        assert_eq!(t.settled_at(), at(5));
        t.status = "open".into();
        assert_eq!(t.settled_at(), None);
    }
}
