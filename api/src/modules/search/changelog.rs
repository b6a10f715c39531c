//! The `search_changes` log: how every index learns what changed.
//!
//! Every change to an indexed entity (a knowledge-base article, a ticket) appends one row
//! inside the transaction of the change, so the log and the tables never disagree. Ids are
//! handed out in commit order: on PostgreSQL every transaction that appends takes a
//! transaction-scoped advisory lock ([`serialise`]); SQLite has one writer at a time anyway.
//! So a reader that has applied everything up to id N never later sees a row below N appear.
//! Read with [`changes_after`], apply in order, remember the last id.
//!
//! Where a transaction takes the lock matters on PostgreSQL: articles take it right after
//! `BEGIN`, before touching any row; tickets take it last, just before commit, after all their
//! row locks. Either way a transaction holding the lock never waits for a row lock held by one
//! waiting for the lock, so appenders cannot deadlock.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::entities::search_change;
use crate::error::ApiError;

/// Advisory lock key serialising appends on PostgreSQL.
const APPEND_LOCK: i64 = 7_264_150_005;

/// What the index should do with one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// (Re)index it from its current row.
    Upsert,
    /// Remove it from the index.
    Delete,
}

impl ChangeOp {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Upsert => "upsert",
            ChangeOp::Delete => "delete",
        }
    }
}

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchChange {
    /// Increases with every change, in commit order.
    pub id: i64,
    /// `kb_article` or `ticket`.
    pub entity: String,
    /// The entity's id.
    pub entity_id: Uuid,
    /// What to do.
    pub op: ChangeOp,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// Makes the transaction on `conn` wait for other appenders (PostgreSQL).
pub async fn serialise(conn: &impl ConnectionTrait) -> Result<(), ApiError> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})")).await?;
    }
    Ok(())
}

/// Appends one change on `conn`, the change's own transaction (taking the lock first; taking
/// it again is harmless).
pub async fn append(
    conn: &impl ConnectionTrait,
    entity: &str,
    entity_id: Uuid,
    op: ChangeOp,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    serialise(conn).await?;
    let row = search_change::ActiveModel {
        entity: Set(entity.into()),
        entity_id: Set(entity_id),
        op: Set(op.as_str().into()),
        created_at: Set(now),
        ..Default::default()
    };
    search_change::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// Up to `limit` changes with an id above `after`, oldest first (`after = 0` from the start),
/// of one entity kind when `entity` is given.
pub async fn changes_after(
    conn: &impl ConnectionTrait,
    entity: Option<&str>,
    after: i64,
    limit: u64,
) -> Result<Vec<SearchChange>, ApiError> {
    let mut query = search_change::Entity::find().filter(search_change::Column::Id.gt(after));
    if let Some(entity) = entity {
        query = query.filter(search_change::Column::Entity.eq(entity));
    }
    let rows = query.order_by_asc(search_change::Column::Id).limit(limit).all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| SearchChange {
            op: if r.op == "delete" { ChangeOp::Delete } else { ChangeOp::Upsert },
            id: r.id,
            entity: r.entity,
            entity_id: r.entity_id,
            created_at: r.created_at,
        })
        .collect())
}

/// The newest change id (0 when the log is empty): where a fresh full index leaves off.
pub async fn last_change_id(conn: &impl ConnectionTrait) -> Result<i64, ApiError> {
    let id: Option<i64> = search_change::Entity::find()
        .select_only()
        .column(search_change::Column::Id)
        .order_by_desc(search_change::Column::Id)
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(id.unwrap_or(0))
}
