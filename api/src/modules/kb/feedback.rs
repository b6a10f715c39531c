//! What readers tell us: "was this helpful?" ratings and deflections
//! ("This solved it" instead of raising a ticket).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared_types::Permission;
use shared_types::kb::validation::{KB_NOTE_MAX, validate_rating};
use shared_types::kb::{
    CreateKbDeflectionRequest, KbDeflectionDto, KbRatingDto, KbRatingSummaryDto, KbStatus, RateKbArticleRequest,
};
use uuid::Uuid;

use super::service::KbService;
use super::{dto, repo};
use crate::entities::{kb_article_rating, kb_deflection};
use crate::error::ApiError;
use crate::modules::auth::Access;

impl KbService<'_> {
    /// Records the caller's rating of a published article, replacing an earlier one,
    /// and recounts the article's votes in the same transaction.
    pub async fn rate(
        &self,
        user: &Access,
        id: Uuid,
        req: RateKbArticleRequest,
    ) -> Result<KbRatingSummaryDto, ApiError> {
        ApiError::check(validate_rating(&req))?;
        let comment = req.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(String::from);
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let article = self.load(&txn, user, id).await?;
        if article.status != KbStatus::Published.as_str() {
            return Err(ApiError::conflict("article_not_published", "Only published articles can be rated"));
        }
        let existing = kb_article_rating::Entity::find_by_id((id, user.user_id)).one(&txn).await?;
        let row = kb_article_rating::Model {
            article_id: id,
            user_id: user.user_id,
            helpful: req.helpful,
            comment,
            created_at: existing.as_ref().map_or(now, |r| r.created_at),
            updated_at: now,
        };
        let mut active = kb_article_rating::ActiveModel::from(row.clone());
        if existing.is_some() {
            active.helpful = Set(row.helpful);
            active.comment = Set(row.comment.clone());
            active.updated_at = Set(now);
            kb_article_rating::Entity::update(active).exec(&txn).await?;
        } else {
            kb_article_rating::Entity::insert(active).exec_without_returning(&txn).await?;
        }
        let votes = |helpful: bool| {
            kb_article_rating::Entity::find()
                .filter(kb_article_rating::Column::ArticleId.eq(id))
                .filter(kb_article_rating::Column::Helpful.eq(helpful))
        };
        let helpful_count = crate::paging::count(votes(true), &txn).await? as i64;
        let unhelpful_count = crate::paging::count(votes(false), &txn).await? as i64;
        repo::set_rating_counts(&txn, id, helpful_count, unhelpful_count).await?;
        txn.commit().await?;
        Ok(KbRatingSummaryDto { rating: dto::rating(row, None), helpful_count, unhelpful_count })
    }

    /// Every rating of an article with who gave it, newest first. Needs `kb:write`.
    pub async fn ratings(&self, user: &Access, id: Uuid) -> Result<Vec<KbRatingDto>, ApiError> {
        user.require(Permission::KbWrite)?;
        let db = &self.state.db;
        self.load(db, user, id).await?;
        let rows = kb_article_rating::Entity::find()
            .filter(kb_article_rating::Column::ArticleId.eq(id))
            .order_by_desc(kb_article_rating::Column::UpdatedAt)
            .all(db)
            .await?;
        dto::ratings(db, rows).await
    }

    /// Records that a published article solved the caller's problem before they raised a ticket.
    pub async fn deflect(&self, user: &Access, req: CreateKbDeflectionRequest) -> Result<KbDeflectionDto, ApiError> {
        let query = req.query.trim();
        if query.is_empty() || query.chars().count() > KB_NOTE_MAX {
            return Err(ApiError::invalid_field("query", format!("must be 1 to {KB_NOTE_MAX} characters")));
        }
        if !self.is_published(req.article_id).await? {
            return Err(ApiError::invalid_field("articleId", "no published article has this id"));
        }
        let row = kb_deflection::Model {
            id: Uuid::now_v7(),
            article_id: req.article_id,
            user_id: user.user_id,
            query: query.to_string(),
            created_at: self.now(),
        };
        let txn = self.state.writer.begin().await?;
        kb_deflection::Entity::insert(kb_deflection::ActiveModel::from(row.clone()))
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        Ok(KbDeflectionDto { id: row.id, article_id: row.article_id, query: row.query, created_at: row.created_at })
    }
}
