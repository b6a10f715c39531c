//! Changing articles: PATCH (content and the featured flag), the status workflow, and the
//! editor's preview.

use serde_json::json;
use shared_types::Permission;
use shared_types::kb::validation::{validate_preview, validate_update_article};
use shared_types::kb::{KbArticleDto, KbPreviewDto, KbPreviewRequest, KbStatus, UpdateKbArticleRequest};
use uuid::Uuid;

use super::content::{Content, sorted};
use super::render::render;
use super::service::{KbService, check_categories, save, version_mismatch};
use super::{dto, repo};
use crate::entities::kb_article;
use crate::error::ApiError;
use crate::modules::audit::{AuditEntry, ClientInfo};
use crate::modules::auth::Access;
use crate::modules::tickets::IfMatch;

/// A status move, as requested by its endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Draft to review (`kb:write`).
    Submit,
    /// To published (`kb:publish`).
    Publish,
    /// Back to draft (`kb:publish`).
    Unpublish,
    /// Withdrawn (`kb:publish`).
    Archive,
}

impl Transition {
    fn target(self) -> KbStatus {
        match self {
            Transition::Submit => KbStatus::InReview,
            Transition::Publish => KbStatus::Published,
            Transition::Unpublish => KbStatus::Draft,
            Transition::Archive => KbStatus::Archived,
        }
    }

    fn permission(self) -> Permission {
        match self {
            Transition::Submit => Permission::KbWrite,
            _ => Permission::KbPublish,
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Transition::Submit => "kb:submit",
            Transition::Publish => "kb:publish",
            Transition::Unpublish => "kb:unpublish",
            Transition::Archive => "kb:archive",
        }
    }
}

/// 422 for a move the workflow does not allow.
fn invalid_transition(from: KbStatus, to: KbStatus) -> ApiError {
    ApiError::new(
        crate::error::ErrorKind::Invalid,
        "invalid_transition",
        format!("An article cannot move from {} to {}", from.as_str(), to.as_str()),
    )
}

/// Editing what readers already see (or saw) is an editor's call.
fn require_editor_for(user: &Access, status: KbStatus) -> Result<(), ApiError> {
    if matches!(status, KbStatus::Published | KbStatus::Archived) && !user.has(Permission::KbPublish) {
        return Err(ApiError::forbidden(format!(
            "Changing a {} article needs the kb:publish permission; ask an editor to unpublish it first",
            status.as_str()
        )));
    }
    Ok(())
}

/// The content after `req`, with a subcategory that no longer fits a new category dropped.
async fn planned(
    conn: &impl sea_orm::ConnectionTrait,
    old: &Content,
    req: &UpdateKbArticleRequest,
) -> Result<Content, ApiError> {
    let mut new = old.clone();
    if let Some(title) = &req.title {
        new.title = title.trim().to_string();
    }
    if let Some(summary) = &req.summary {
        new.summary = summary.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    }
    if let Some(body) = &req.body_markdown {
        new.body_markdown = body.trim_end().to_string();
    }
    if let Some(tags) = &req.tags {
        new.tags = sorted(tags);
    }
    if let Some(category) = req.category_id {
        new.category_id = category;
    }
    match req.subcategory_id {
        Some(sub) => new.subcategory_id = sub,
        None if new.category_id != old.category_id => {
            if let Some(sub) = old.subcategory_id
                && repo::category(conn, sub).await?.and_then(|s| s.parent_id) != Some(new.category_id)
            {
                new.subcategory_id = None;
            }
        }
        None => {}
    }
    if (new.category_id, new.subcategory_id) != (old.category_id, old.subcategory_id) {
        check_categories(conn, new.category_id, new.subcategory_id).await?;
    }
    Ok(new)
}

impl KbService<'_> {
    /// Applies a PATCH. A content change saves a new version; `featured` needs
    /// `kb:publish`; a no-op writes nothing. With `if_match`, a stale version answers 412.
    pub async fn update(
        &self,
        user: &Access,
        id: Uuid,
        if_match: Option<&IfMatch>,
        req: UpdateKbArticleRequest,
        client: &ClientInfo,
    ) -> Result<KbArticleDto, ApiError> {
        user.require(Permission::KbWrite)?;
        ApiError::check(validate_update_article(&req))?;
        let now = self.now();
        let txn = self.begin().await?;
        let old = self.load(&txn, user, id).await?;
        if if_match.is_some_and(|m| !m.matches(old.version)) {
            return Err(version_mismatch());
        }
        let status = dto::status_of(&old)?;
        let old_tags = repo::tags_of(&txn, &[id]).await?.remove(&id).unwrap_or_default();
        let before = Content::of_article(&old, &old_tags);
        let after = planned(&txn, &before, &req).await?;
        let changed = after.changed_fields(&before);
        let featured = req.featured.filter(|f| *f != old.featured);
        if changed.is_empty() && featured.is_none() {
            drop(txn);
            return dto::article(&self.state.db, old, None).await;
        }
        if !changed.is_empty() {
            require_editor_for(user, status)?;
        }
        if featured.is_some() {
            user.require(Permission::KbPublish)?;
        }
        let mut new = old.clone();
        if let Some(f) = featured {
            new.featured = f;
        }
        let content = (!changed.is_empty()).then_some((&after, req.note.clone()));
        let new = save(&txn, &old, new, content, Some(user.user_id), now).await?;
        let entry = AuditEntry::by(user, "kb:update", "kb_article", Some(id)).details(json!({
            "slug": new.slug,
            "changedFields": changed,
            "featured": featured,
            "currentVersion": new.current_version,
        }));
        self.commit(txn, entry, client, now).await?;
        dto::article(&self.state.db, new, None).await
    }

    /// Moves an article through the workflow.
    pub async fn transition(
        &self,
        user: &Access,
        id: Uuid,
        if_match: Option<&IfMatch>,
        step: Transition,
        client: &ClientInfo,
    ) -> Result<KbArticleDto, ApiError> {
        user.require(step.permission())?;
        let now = self.now();
        let txn = self.begin().await?;
        let old: kb_article::Model = self.load(&txn, user, id).await?;
        if if_match.is_some_and(|m| !m.matches(old.version)) {
            return Err(version_mismatch());
        }
        let (from, to) = (dto::status_of(&old)?, step.target());
        if !from.can_move_to(to) {
            return Err(invalid_transition(from, to));
        }
        let mut new = old.clone();
        new.status = to.as_str().into();
        if to == KbStatus::Published {
            new.published_at = Some(now);
        }
        let new = save(&txn, &old, new, None, Some(user.user_id), now).await?;
        let entry = AuditEntry::by(user, step.audit_action(), "kb_article", Some(id))
            .details(json!({"slug": new.slug, "from": from.as_str(), "to": to.as_str()}));
        self.commit(txn, entry, client, now).await?;
        dto::article(&self.state.db, new, None).await
    }

    /// Renders Markdown exactly as a saved article's body would be, saving nothing, so the
    /// editor can show a preview without a Markdown parser of its own. Needs `kb:write`.
    pub fn preview(&self, user: &Access, req: &KbPreviewRequest) -> Result<KbPreviewDto, ApiError> {
        user.require(Permission::KbWrite)?;
        ApiError::check(validate_preview(req))?;
        Ok(KbPreviewDto { body_html: render(&req.body_markdown) })
    }
}
