//! What the search index reads: the articles' text, and the change log rows articles append.
//!
//! Every change to an article's content or status appends one row to `search_changes` (see
//! [`changelog`]) inside the transaction of the change. Views and ratings are counters, not
//! index changes, and write no row. Drafts and articles in review are indexed too, marked
//! unpublished, so writers can find them; archived articles are not indexed.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use shared_types::kb::KbStatus;
use uuid::Uuid;

use super::repo;
use crate::entities::{kb_article, kb_category};
use crate::error::ApiError;
use crate::modules::search::changelog::{self, ChangeOp};

/// The `entity` of article rows.
pub const ENTITY_KB_ARTICLE: &str = "kb_article";

/// Makes the transaction on `conn` wait for other appenders (PostgreSQL); call it right after
/// `BEGIN` in every transaction that will [`record`], before it touches any article row.
pub async fn serialise(conn: &impl ConnectionTrait) -> Result<(), ApiError> {
    changelog::serialise(conn).await
}

/// Appends the change `article` needs to the log, on `conn` (the change's transaction).
pub async fn record(
    conn: &impl ConnectionTrait,
    article: &kb_article::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let archived = article.status == KbStatus::Archived.as_str();
    let op = if archived { ChangeOp::Delete } else { ChangeOp::Upsert };
    changelog::append(conn, ENTITY_KB_ARTICLE, article.id, op, now).await
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
    /// Found by everyone when true, only by writers otherwise.
    pub published: bool,
}

/// The articles to index (all but the archived): all of them when `ids` is `None`, else those
/// of `ids` that are not archived (an id missing from the answer belongs out of the index).
/// Ordered by id.
pub async fn documents(conn: &impl ConnectionTrait, ids: Option<&[Uuid]>) -> Result<Vec<IndexDocument>, ApiError> {
    let mut query = kb_article::Entity::find()
        .filter(kb_article::Column::Status.ne(KbStatus::Archived.as_str()))
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
            published: a.status == KbStatus::Published.as_str(),
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
