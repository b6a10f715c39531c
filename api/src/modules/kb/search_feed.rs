//! What the search index reads: the change log and the articles' text.
//!
//! Every change to an article's content or status appends one row to
//! `search_changes` inside the transaction of the change, so the log and the
//! articles never disagree. The row says what the index should do: `upsert`
//! while the article is published, `delete` when it is not (a draft, in
//! review or archived). Views and ratings are counters, not index changes,
//! and write no row.
//!
//! Ids are handed out in commit order: on PostgreSQL every transaction that
//! will append takes a transaction-scoped advisory lock first ([`serialise`],
//! before it touches any article row, so the lock order is always the same
//! and two writers cannot deadlock); SQLite has one writer at a time anyway.
//! So a reader that has applied everything up to id N never later sees a row
//! below N appear. Read with [`changes_after`], apply in order, remember the
//! last id.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared_types::kb::KbStatus;
use uuid::Uuid;

use super::repo;
use crate::entities::{kb_article, kb_category, search_change};
use crate::error::ApiError;

/// The `entity` of article rows.
pub const ENTITY_KB_ARTICLE: &str = "kb_article";

/// Advisory lock key serialising appends on PostgreSQL.
const APPEND_LOCK: i64 = 7_264_150_005;

/// What the index should do with one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// (Re)index it from [`documents`].
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
    /// `kb_article`.
    pub entity: String,
    /// The article's id.
    pub entity_id: Uuid,
    /// What to do.
    pub op: ChangeOp,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// Makes the transaction on `conn` wait for other appenders (PostgreSQL); call it
/// right after `BEGIN` in every transaction that will [`record`].
pub async fn serialise(conn: &impl ConnectionTrait) -> Result<(), ApiError> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})")).await?;
    }
    Ok(())
}

/// Appends the change `article` needs to the log, on `conn` (the change's
/// transaction, which has called [`serialise`]; taking the lock again is harmless).
pub async fn record(
    conn: &impl ConnectionTrait,
    article: &kb_article::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    serialise(conn).await?;
    let published = article.status == KbStatus::Published.as_str();
    let op = if published { ChangeOp::Upsert } else { ChangeOp::Delete };
    let row = search_change::ActiveModel {
        entity: Set(ENTITY_KB_ARTICLE.into()),
        entity_id: Set(article.id),
        op: Set(op.as_str().into()),
        created_at: Set(now),
        ..Default::default()
    };
    search_change::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// Up to `limit` changes with an id above `after`, oldest first (`after = 0` from the start).
pub async fn changes_after(conn: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<SearchChange>, ApiError> {
    let rows = search_change::Entity::find()
        .filter(search_change::Column::Id.gt(after))
        .order_by_asc(search_change::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
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

/// An article as the index needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDocument {
    /// The article's id (what `search_changes.entity_id` names).
    pub id: Uuid,
    /// Its stable key, e.g. `kb-001`.
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    /// The Markdown body (the title's H1 is not repeated in it).
    pub body_markdown: String,
    /// The category's slug, e.g. `network`.
    pub category: String,
    /// The subcategory's slug, e.g. `vpn`.
    pub subcategory: Option<String>,
    pub tags: Vec<String>,
    pub featured: bool,
    pub view_count: i64,
    pub helpful_count: i64,
    pub unhelpful_count: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The published articles to index: all of them when `ids` is `None`, else
/// those of `ids` that are published (an id missing from the answer is not
/// published and belongs out of the index). Ordered by id.
pub async fn documents(conn: &impl ConnectionTrait, ids: Option<&[Uuid]>) -> Result<Vec<IndexDocument>, ApiError> {
    let mut query = kb_article::Entity::find()
        .filter(kb_article::Column::Status.eq(KbStatus::Published.as_str()))
        .order_by_asc(kb_article::Column::Id);
    if let Some(ids) = ids {
        query = query.filter(kb_article::Column::Id.is_in(ids.iter().copied()));
    }
    let articles = query.all(conn).await?;
    let ids: Vec<Uuid> = articles.iter().map(|a| a.id).collect();
    let mut tags = repo::tags_of(conn, &ids).await?;
    let slugs: std::collections::HashMap<Uuid, String> =
        kb_category::Entity::find().all(conn).await?.into_iter().map(|c| (c.id, c.slug)).collect();
    Ok(articles
        .into_iter()
        .map(|a| IndexDocument {
            tags: tags.remove(&a.id).unwrap_or_default(),
            category: slugs.get(&a.category_id).cloned().unwrap_or_default(),
            subcategory: a.subcategory_id.and_then(|id| slugs.get(&id).cloned()),
            id: a.id,
            slug: a.slug,
            title: a.title,
            summary: a.summary,
            body_markdown: a.body_markdown,
            featured: a.featured,
            view_count: a.view_count,
            helpful_count: a.helpful_count,
            unhelpful_count: a.unhelpful_count,
            published_at: a.published_at,
            updated_at: a.updated_at,
        })
        .collect())
}
