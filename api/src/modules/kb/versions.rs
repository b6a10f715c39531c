//! Article versions: list, read, compare, restore. All need `kb:write`.

use serde_json::json;
use shared_types::Permission;
use shared_types::kb::validation::KB_NOTE_MAX;
use shared_types::kb::{KbArticleDto, KbDiffDto, KbStatus, KbVersionDto, KbVersionSummaryDto, RestoreKbVersionRequest};
use uuid::Uuid;

use super::content::{Content, unified_diff};
use super::service::{KbService, save};
use super::{dto, repo};
use crate::entities::kb_article_version;
use crate::error::ApiError;
use crate::modules::audit::{AuditEntry, ClientInfo};
use crate::modules::auth::Access;

/// 404 for a version number the article does not have.
pub fn version_not_found(number: i32) -> ApiError {
    ApiError::not_found("kb_version_not_found", format!("The article has no version {number}"))
}

impl KbService<'_> {
    async fn version_row(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: Uuid,
        number: i32,
    ) -> Result<kb_article_version::Model, ApiError> {
        repo::version(conn, id, number).await?.ok_or_else(|| version_not_found(number))
    }

    /// Every version of an article, newest first.
    pub async fn versions(&self, user: &Access, id: Uuid) -> Result<Vec<KbVersionSummaryDto>, ApiError> {
        user.require(Permission::KbWrite)?;
        let db = &self.state.db;
        self.load(db, user, id).await?;
        dto::versions(db, repo::versions_of(db, id).await?).await
    }

    /// One version in full.
    pub async fn version(&self, user: &Access, id: Uuid, number: i32) -> Result<KbVersionDto, ApiError> {
        user.require(Permission::KbWrite)?;
        let db = &self.state.db;
        self.load(db, user, id).await?;
        dto::version(db, self.version_row(db, id, number).await?).await
    }

    /// A unified diff from version `from` to version `to` (the current one when absent).
    pub async fn diff(&self, user: &Access, id: Uuid, from: i32, to: Option<i32>) -> Result<KbDiffDto, ApiError> {
        user.require(Permission::KbWrite)?;
        let db = &self.state.db;
        let article = self.load(db, user, id).await?;
        let to = to.unwrap_or(article.current_version);
        let old = Content::of_version(&self.version_row(db, id, from).await?);
        let new = Content::of_version(&self.version_row(db, id, to).await?);
        let ids: Vec<Uuid> = [Some(old.category_id), old.subcategory_id, Some(new.category_id), new.subcategory_id]
            .into_iter()
            .flatten()
            .collect();
        let cats = repo::categories_by_id(db, &ids).await?;
        let slug = |id: Option<Uuid>| id.and_then(|id| cats.get(&id)).map(|c| c.slug.clone()).unwrap_or_default();
        let old_text = old.as_text(&slug(Some(old.category_id)), &slug(old.subcategory_id));
        let new_text = new.as_text(&slug(Some(new.category_id)), &slug(new.subcategory_id));
        Ok(KbDiffDto {
            from,
            to,
            changed_fields: new.changed_fields(&old),
            unified: unified_diff(&old_text, &new_text, from, to),
        })
    }

    /// Makes version `number`'s content current again, as a new version.
    /// A published or archived article needs `kb:publish` as for any edit.
    pub async fn restore(
        &self,
        user: &Access,
        id: Uuid,
        number: i32,
        req: RestoreKbVersionRequest,
        client: &ClientInfo,
    ) -> Result<KbArticleDto, ApiError> {
        user.require(Permission::KbWrite)?;
        let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > KB_NOTE_MAX) {
            return Err(ApiError::invalid_field("note", format!("must be at most {KB_NOTE_MAX} characters")));
        }
        let now = self.now();
        let txn = self.begin().await?;
        let old = self.load(&txn, user, id).await?;
        let status = dto::status_of(&old)?;
        if matches!(status, KbStatus::Published | KbStatus::Archived) {
            user.require(Permission::KbPublish)?;
        }
        let content = Content::of_version(&self.version_row(&txn, id, number).await?);
        let note =
            note.map_or_else(|| format!("restored version {number}"), |n| format!("restored version {number}: {n}"));
        let new = save(&txn, &old, old.clone(), Some((&content, Some(note))), Some(user.user_id), now).await?;
        let entry = AuditEntry::by(user, "kb:restore", "kb_article", Some(id)).details(json!({
            "slug": new.slug,
            "restored": number,
            "currentVersion": new.current_version,
        }));
        self.commit(txn, entry, client, now).await?;
        dto::article(&self.state.db, new, None).await
    }
}
