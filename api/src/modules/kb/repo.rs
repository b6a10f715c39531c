//! Knowledge-base queries: the only code that touches the `kb_*` tables.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Iterable, ModelTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::filter::{ArticleFilter, SortKey};
use crate::entities::{kb_article, kb_article_tag, kb_article_version, kb_category};
use crate::error::ApiError;
use crate::paging::Paging;

fn filter_condition(f: &ArticleFilter) -> Condition {
    let mut cond = Condition::all();
    if !f.statuses.is_empty() {
        cond = cond.add(kb_article::Column::Status.is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(id) = f.category_id {
        cond = cond.add(
            Condition::any().add(kb_article::Column::CategoryId.eq(id)).add(kb_article::Column::SubcategoryId.eq(id)),
        );
    }
    if let Some(tag) = &f.tag {
        let tagged = Query::select()
            .column(kb_article_tag::Column::ArticleId)
            .from(kb_article_tag::Entity)
            .and_where(kb_article_tag::Column::Tag.eq(tag.as_str()))
            .to_owned();
        cond = cond.add(kb_article::Column::Id.in_subquery(tagged));
    }
    if let Some(featured) = f.featured {
        cond = cond.add(kb_article::Column::Featured.eq(featured));
    }
    if let Some(pattern) = &f.like {
        let title = Expr::expr(Func::lower(Expr::col((kb_article::Entity, kb_article::Column::Title))));
        cond = cond.add(title.like(LikeExpr::new(pattern.as_str()).escape('\\')));
    }
    cond
}

/// A page of the articles matching `filter`, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ArticleFilter,
    paging: Paging,
) -> Result<(Vec<kb_article::Model>, u64), ApiError> {
    let query = kb_article::Entity::find().filter(filter_condition(filter));
    let total = crate::paging::count(query.clone(), conn).await?;
    if total <= paging.offset() {
        return Ok((Vec::new(), total));
    }
    let order = if filter.sort.descending { Order::Desc } else { Order::Asc };
    let col = match filter.sort.key {
        SortKey::UpdatedAt => kb_article::Column::UpdatedAt,
        SortKey::CreatedAt => kb_article::Column::CreatedAt,
        SortKey::PublishedAt => kb_article::Column::PublishedAt,
        SortKey::Title => kb_article::Column::Title,
        SortKey::ViewCount => kb_article::Column::ViewCount,
    };
    let rows = query
        .order_by(col, order.clone())
        .order_by(kb_article::Column::Id, order)
        .offset(paging.offset())
        .limit(paging.limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// The article `id`.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<kb_article::Model>, ApiError> {
    Ok(kb_article::Entity::find_by_id(id).one(conn).await?)
}

/// The article with `slug`.
pub async fn find_by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<kb_article::Model>, ApiError> {
    Ok(kb_article::Entity::find().filter(kb_article::Column::Slug.eq(slug)).one(conn).await?)
}

/// Inserts a new article.
pub async fn insert(conn: &impl ConnectionTrait, model: kb_article::Model) -> Result<(), ApiError> {
    kb_article::Entity::insert(kb_article::ActiveModel::from(model)).exec_without_returning(conn).await?;
    Ok(())
}

/// Writes the columns where `new` differs from `old`, with `version` one up,
/// only if the row is still at `old.version`. `false` when another writer got there first.
pub async fn update_versioned(
    conn: &impl ConnectionTrait,
    old: &kb_article::Model,
    new: &kb_article::Model,
) -> Result<bool, ApiError> {
    let mut update = kb_article::Entity::update_many()
        .filter(kb_article::Column::Id.eq(old.id))
        .filter(kb_article::Column::Version.eq(old.version))
        .col_expr(kb_article::Column::Version, Expr::value(old.version + 1));
    for col in kb_article::Column::iter() {
        // Counters move on their own (views, ratings) and must not be written back stale.
        if matches!(
            col,
            kb_article::Column::Version
                | kb_article::Column::Id
                | kb_article::Column::ViewCount
                | kb_article::Column::HelpfulCount
                | kb_article::Column::UnhelpfulCount
        ) {
            continue;
        }
        let value = new.get(col);
        if value != old.get(col) {
            update = update.col_expr(col, Expr::value(value));
        }
    }
    Ok(update.exec(conn).await?.rows_affected == 1)
}

/// Adds one view; the row version stays (a view is not an edit).
pub async fn count_view(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), ApiError> {
    kb_article::Entity::update_many()
        .filter(kb_article::Column::Id.eq(id))
        .col_expr(kb_article::Column::ViewCount, Expr::col(kb_article::Column::ViewCount).add(1))
        .exec(conn)
        .await?;
    Ok(())
}

/// Sets the rating counters.
pub async fn set_rating_counts(
    conn: &impl ConnectionTrait,
    id: Uuid,
    helpful: i64,
    unhelpful: i64,
) -> Result<(), ApiError> {
    kb_article::Entity::update_many()
        .filter(kb_article::Column::Id.eq(id))
        .col_expr(kb_article::Column::HelpfulCount, Expr::value(helpful))
        .col_expr(kb_article::Column::UnhelpfulCount, Expr::value(unhelpful))
        .exec(conn)
        .await?;
    Ok(())
}

/// Tags per article for `ids`, alphabetical, in one query.
pub async fn tags_of(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<String>>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = kb_article_tag::Entity::find()
        .select_only()
        .columns([kb_article_tag::Column::ArticleId, kb_article_tag::Column::Tag])
        .filter(kb_article_tag::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(kb_article_tag::Column::Tag)
        .into_tuple()
        .all(conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (id, tag) in rows {
        map.entry(id).or_default().push(tag);
    }
    Ok(map)
}

/// Replaces the tags of `article_id` (already normalised, unique).
pub async fn set_tags(conn: &impl ConnectionTrait, article_id: Uuid, tags: &[String]) -> Result<(), ApiError> {
    kb_article_tag::Entity::delete_many().filter(kb_article_tag::Column::ArticleId.eq(article_id)).exec(conn).await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows =
        tags.iter().map(|tag| kb_article_tag::ActiveModel { article_id: Set(article_id), tag: Set(tag.clone()) });
    kb_article_tag::Entity::insert_many(rows).exec_without_returning(conn).await?;
    Ok(())
}

/// Saves `article` as it is now as version `article.current_version`.
pub async fn insert_version(
    conn: &impl ConnectionTrait,
    article: &kb_article::Model,
    tags: &[String],
    editor: Option<Uuid>,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let row = kb_article_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        article_id: Set(article.id),
        number: Set(article.current_version),
        title: Set(article.title.clone()),
        summary: Set(article.summary.clone()),
        body_markdown: Set(article.body_markdown.clone()),
        tags: Set(serde_json::json!(tags)),
        category_id: Set(article.category_id),
        subcategory_id: Set(article.subcategory_id),
        editor_id: Set(editor),
        note: Set(note),
        created_at: Set(now),
    };
    kb_article_version::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// Every version of an article, newest first.
pub async fn versions_of(conn: &impl ConnectionTrait, id: Uuid) -> Result<Vec<kb_article_version::Model>, ApiError> {
    Ok(kb_article_version::Entity::find()
        .filter(kb_article_version::Column::ArticleId.eq(id))
        .order_by_desc(kb_article_version::Column::Number)
        .all(conn)
        .await?)
}

/// Version `number` of an article.
pub async fn version(
    conn: &impl ConnectionTrait,
    id: Uuid,
    number: i32,
) -> Result<Option<kb_article_version::Model>, ApiError> {
    Ok(kb_article_version::Entity::find()
        .filter(kb_article_version::Column::ArticleId.eq(id))
        .filter(kb_article_version::Column::Number.eq(number))
        .one(conn)
        .await?)
}

/// Categories by id, for the DTOs of a page.
pub async fn categories_by_id(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, kb_category::Model>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = kb_category::Entity::find().filter(kb_category::Column::Id.is_in(ids.iter().copied())).all(conn).await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}

/// The category `id`.
pub async fn category(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<kb_category::Model>, ApiError> {
    Ok(kb_category::Entity::find_by_id(id).one(conn).await?)
}

/// The category with `slug`.
pub async fn category_by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<kb_category::Model>, ApiError> {
    Ok(kb_category::Entity::find().filter(kb_category::Column::Slug.eq(slug)).one(conn).await?)
}

/// Every category, parents before children, by name.
pub async fn categories(conn: &impl ConnectionTrait) -> Result<Vec<kb_category::Model>, ApiError> {
    let rows = kb_category::Entity::find().order_by_asc(kb_category::Column::Name).all(conn).await?;
    let (parents, children): (Vec<_>, Vec<_>) = rows.into_iter().partition(|c| c.parent_id.is_none());
    let mut out = Vec::with_capacity(parents.len() + children.len());
    for parent in parents {
        let id = parent.id;
        out.push(parent);
        out.extend(children.iter().filter(|c| c.parent_id == Some(id)).cloned());
    }
    Ok(out)
}

/// Inserts a category.
pub async fn insert_category(conn: &impl ConnectionTrait, model: kb_category::Model) -> Result<(), ApiError> {
    kb_category::Entity::insert(kb_category::ActiveModel::from(model)).exec_without_returning(conn).await?;
    Ok(())
}

/// Writes a category's name, description and `updated_at`.
pub async fn update_category(conn: &impl ConnectionTrait, model: &kb_category::Model) -> Result<(), ApiError> {
    kb_category::Entity::update_many()
        .filter(kb_category::Column::Id.eq(model.id))
        .col_expr(kb_category::Column::Name, Expr::value(model.name.clone()))
        .col_expr(kb_category::Column::Description, Expr::value(model.description.clone()))
        .col_expr(kb_category::Column::UpdatedAt, Expr::value(model.updated_at))
        .exec(conn)
        .await?;
    Ok(())
}
