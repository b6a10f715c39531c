//! Knowledge-base categories: two levels (a category and its subcategories),
//! read by everyone signed in, managed with `kb:publish`.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;
use shared_types::Permission;
use shared_types::kb::validation::{KB_SUMMARY_MAX, slugify, validate_kb_category};
use shared_types::kb::{CreateKbCategoryRequest, KbCategoryDto, UpdateKbCategoryRequest};
use uuid::Uuid;

use super::service::KbService;
use super::{dto, repo};
use crate::entities::kb_category;
use crate::error::ApiError;
use crate::modules::audit::{AuditEntry, ClientInfo};
use crate::modules::auth::Access;

/// 404 for a category that does not exist.
pub fn category_not_found() -> ApiError {
    ApiError::not_found("kb_category_not_found", "No such knowledge-base category")
}

/// Inserts a category with `slug` under `parent` (the caller has checked both).
pub(super) async fn insert(
    conn: &impl ConnectionTrait,
    slug: String,
    name: String,
    description: Option<String>,
    parent: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<kb_category::Model, ApiError> {
    let model = kb_category::Model {
        id: Uuid::now_v7(),
        slug,
        name,
        description,
        parent_id: parent,
        created_at: now,
        updated_at: now,
    };
    repo::insert_category(conn, model.clone()).await?;
    Ok(model)
}

impl KbService<'_> {
    /// Every category, parents before their subcategories.
    pub async fn categories(&self) -> Result<Vec<KbCategoryDto>, ApiError> {
        Ok(repo::categories(&self.state.db).await?.into_iter().map(dto::category).collect())
    }

    /// Creates a category or, with `parentId`, a subcategory of a top-level one.
    pub async fn create_category(
        &self,
        user: &Access,
        req: CreateKbCategoryRequest,
        client: &ClientInfo,
    ) -> Result<KbCategoryDto, ApiError> {
        user.require(Permission::KbPublish)?;
        ApiError::check(validate_kb_category(&req))?;
        let slug = req.slug.clone().unwrap_or_else(|| slugify(&req.name));
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        if let Some(parent) = req.parent_id {
            match repo::category(&txn, parent).await? {
                Some(p) if p.parent_id.is_none() => {}
                Some(_) => return Err(ApiError::invalid_field("parentId", "must be a top-level category")),
                None => return Err(ApiError::invalid_field("parentId", "no knowledge-base category has this id")),
            }
        }
        if repo::category_by_slug(&txn, &slug).await?.is_some() {
            return Err(ApiError::conflict("slug_taken", format!("Another category already has the slug {slug}")));
        }
        let description = req.description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(String::from);
        let model = insert(&txn, slug, req.name.trim().to_string(), description, req.parent_id, now).await?;
        let entry = AuditEntry::by(user, "kb:category_create", "kb_category", Some(model.id))
            .details(json!({"slug": model.slug, "name": model.name, "parentId": model.parent_id}));
        self.commit(txn, entry, client, now).await?;
        Ok(dto::category(model))
    }

    /// Renames a category or changes its description; its slug stays (imports and links use it).
    pub async fn update_category(
        &self,
        user: &Access,
        id: Uuid,
        req: UpdateKbCategoryRequest,
        client: &ClientInfo,
    ) -> Result<KbCategoryDto, ApiError> {
        user.require(Permission::KbPublish)?;
        let mut errors = shared_types::FieldErrors::new();
        if req.name.as_deref().is_some_and(|n| n.trim().is_empty() || n.trim().chars().count() > 100) {
            errors.insert("name".into(), "must be 1 to 100 characters".into());
        }
        if let Some(Some(d)) = &req.description
            && d.trim().chars().count() > KB_SUMMARY_MAX
        {
            errors.insert("description".into(), format!("must be at most {KB_SUMMARY_MAX} characters"));
        }
        ApiError::check(errors)?;
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let mut model = repo::category(&txn, id).await?.ok_or_else(category_not_found)?;
        if let Some(name) = &req.name {
            model.name = name.trim().to_string();
        }
        if let Some(description) = &req.description {
            model.description = description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(String::from);
        }
        model.updated_at = now;
        repo::update_category(&txn, &model).await?;
        let entry = AuditEntry::by(user, "kb:category_update", "kb_category", Some(id))
            .details(json!({"slug": model.slug, "name": model.name}));
        self.commit(txn, entry, client, now).await?;
        Ok(dto::category(model))
    }
}
