//! Entities to the DTOs of `shared-types`. People, categories and tags are
//! read in one query each for a whole page, never per article.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use shared_types::kb::{
    KbArticleDto, KbArticleSummaryDto, KbCategoryDto, KbCategoryRef, KbRatingDto, KbStatus, KbVersionDto,
    KbVersionSummaryDto,
};
use shared_types::tickets::UserRef;
use uuid::Uuid;

use super::content::Content;
use super::repo;
use crate::entities::{kb_article, kb_article_rating, kb_article_version, kb_category};
use crate::error::ApiError;
use crate::modules::auth::users;

/// A stored status, or a 500 naming the bad value.
pub fn status_of(model: &kb_article::Model) -> Result<KbStatus, ApiError> {
    KbStatus::parse(&model.status).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("article {} has unknown status {:?}", model.id, model.status))
    })
}

fn user_ref(refs: &HashMap<Uuid, UserRef>, id: Uuid) -> UserRef {
    refs.get(&id).cloned().unwrap_or_else(|| UserRef { id, name: String::new(), email: String::new() })
}

fn category_ref(cats: &HashMap<Uuid, kb_category::Model>, id: Uuid) -> KbCategoryRef {
    match cats.get(&id) {
        Some(c) => KbCategoryRef { id, slug: c.slug.clone(), name: c.name.clone() },
        None => KbCategoryRef { id, slug: String::new(), name: String::new() },
    }
}

fn summary(
    model: kb_article::Model,
    refs: &HashMap<Uuid, UserRef>,
    cats: &HashMap<Uuid, kb_category::Model>,
    tags: Vec<String>,
) -> Result<KbArticleSummaryDto, ApiError> {
    Ok(KbArticleSummaryDto {
        status: status_of(&model)?,
        category: category_ref(cats, model.category_id),
        subcategory: model.subcategory_id.map(|id| category_ref(cats, id)),
        author: model.author_id.map(|id| user_ref(refs, id)),
        tags,
        id: model.id,
        slug: model.slug,
        title: model.title,
        summary: model.summary,
        featured: model.featured,
        view_count: model.view_count,
        helpful_count: model.helpful_count,
        unhelpful_count: model.unhelpful_count,
        current_version: model.current_version,
        version: model.version,
        published_at: model.published_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

/// List DTOs for a page of articles: one query each for people, categories and tags.
pub async fn summaries(
    conn: &impl ConnectionTrait,
    models: Vec<kb_article::Model>,
) -> Result<Vec<KbArticleSummaryDto>, ApiError> {
    let mut people: Vec<Uuid> = models.iter().filter_map(|m| m.author_id).collect();
    people.sort_unstable();
    people.dedup();
    let refs = users::refs(conn, &people).await?;
    let mut cat_ids: Vec<Uuid> =
        models.iter().flat_map(|m| std::iter::once(m.category_id).chain(m.subcategory_id)).collect();
    cat_ids.sort_unstable();
    cat_ids.dedup();
    let cats = repo::categories_by_id(conn, &cat_ids).await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut tags = repo::tags_of(conn, &ids).await?;
    models
        .into_iter()
        .map(|m| {
            let t = tags.remove(&m.id).unwrap_or_default();
            summary(m, &refs, &cats, t)
        })
        .collect()
}

/// One article with its body and the caller's rating.
pub async fn article(
    conn: &impl ConnectionTrait,
    model: kb_article::Model,
    my_rating: Option<kb_article_rating::Model>,
) -> Result<KbArticleDto, ApiError> {
    let (body_markdown, body_html) = (model.body_markdown.clone(), model.body_html.clone());
    let id = model.id;
    let article = summaries(conn, vec![model])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("article {id} vanished while being converted")))?;
    Ok(KbArticleDto { article, body_markdown, body_html, my_rating: my_rating.map(|r| rating(r, None)) })
}

/// A rating, naming the person only when `user` is given.
pub fn rating(model: kb_article_rating::Model, user: Option<UserRef>) -> KbRatingDto {
    KbRatingDto { helpful: model.helpful, comment: model.comment, user, updated_at: model.updated_at }
}

/// Ratings with the people who gave them.
pub async fn ratings(
    conn: &impl ConnectionTrait,
    rows: Vec<kb_article_rating::Model>,
) -> Result<Vec<KbRatingDto>, ApiError> {
    let people: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
    let refs = users::refs(conn, &people).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let who = user_ref(&refs, r.user_id);
            rating(r, Some(who))
        })
        .collect())
}

fn version_summary(row: &kb_article_version::Model, refs: &HashMap<Uuid, UserRef>) -> KbVersionSummaryDto {
    KbVersionSummaryDto {
        number: row.number,
        title: row.title.clone(),
        editor: row.editor_id.map(|id| user_ref(refs, id)),
        note: row.note.clone(),
        created_at: row.created_at,
    }
}

async fn editors(
    conn: &impl ConnectionTrait,
    rows: &[kb_article_version::Model],
) -> Result<HashMap<Uuid, UserRef>, ApiError> {
    let mut people: Vec<Uuid> = rows.iter().filter_map(|r| r.editor_id).collect();
    people.sort_unstable();
    people.dedup();
    users::refs(conn, &people).await
}

/// The versions of an article, as listed.
pub async fn versions(
    conn: &impl ConnectionTrait,
    rows: Vec<kb_article_version::Model>,
) -> Result<Vec<KbVersionSummaryDto>, ApiError> {
    let refs = editors(conn, &rows).await?;
    Ok(rows.iter().map(|r| version_summary(r, &refs)).collect())
}

/// One version in full.
pub async fn version(conn: &impl ConnectionTrait, row: kb_article_version::Model) -> Result<KbVersionDto, ApiError> {
    let refs = editors(conn, std::slice::from_ref(&row)).await?;
    let content = Content::of_version(&row);
    Ok(KbVersionDto {
        version: version_summary(&row, &refs),
        summary: content.summary,
        body_markdown: content.body_markdown,
        tags: content.tags,
        category_id: content.category_id,
        subcategory_id: content.subcategory_id,
    })
}

/// A category.
pub fn category(model: kb_category::Model) -> KbCategoryDto {
    KbCategoryDto {
        id: model.id,
        slug: model.slug,
        name: model.name,
        description: model.description,
        parent_id: model.parent_id,
        created_at: model.created_at,
    }
}
