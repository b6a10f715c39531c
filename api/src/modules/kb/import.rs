//! `helpdesk kb import DIR` and the demo articles: Markdown files with front
//! matter (see [`super::files`]) become published articles.
//!
//! The file's `id` is the article's slug. An article that exists is updated
//! only when its content differs (a new version) or it is not published; an
//! unchanged one is left alone, so importing twice changes nothing. Missing
//! categories and subcategories are created from the slugs. Everything runs
//! in one transaction: a bad file imports nothing.

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::{SubsecRound, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde_json::json;
use shared_types::kb::validation::{is_valid_slug, validate_create_article};
use shared_types::kb::{CreateKbArticleRequest, KbStatus};
use uuid::Uuid;

use super::content::{Content, sorted};
use super::files::KbFile;
use super::service::{NewArticle, insert_article, save};
use super::{categories, repo};
use crate::modules::audit::{self, AuditEntry, ClientInfo};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Articles created.
    pub created: usize,
    /// Articles changed (new version or published again).
    pub updated: usize,
    /// Articles already as the files say.
    pub unchanged: usize,
    /// Categories and subcategories created.
    pub categories_created: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged; {} categories created",
            self.created, self.updated, self.unchanged, self.categories_created
        )
    }
}

/// "dns-dhcp" to "Dns dhcp": a readable first name an editor can change later.
fn name_of(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Categories by slug, creating what is missing.
struct Categories {
    by_slug: HashMap<String, (Uuid, Option<Uuid>)>,
    created: usize,
}

impl Categories {
    async fn id(&mut self, txn: &DatabaseTransaction, slug: &str, parent: Option<Uuid>) -> anyhow::Result<Uuid> {
        if let Some((id, found_parent)) = self.by_slug.get(slug) {
            if *found_parent != parent {
                bail!("category `{slug}` already exists at another place in the category tree");
            }
            return Ok(*id);
        }
        if !is_valid_slug(slug) {
            bail!("`{slug}` is not a usable category slug (lower-case letters, digits and hyphens)");
        }
        let now = Utc::now().trunc_subsecs(6);
        let model = categories::insert(txn, slug.into(), name_of(slug), None, parent, now).await?;
        self.by_slug.insert(slug.into(), (model.id, parent));
        self.created += 1;
        Ok(model.id)
    }
}

/// Checks `file` as the API would check a new article.
fn check(file: &KbFile, content: &Content) -> anyhow::Result<()> {
    if !is_valid_slug(&file.key) {
        bail!("{}: the id must be lower-case letters, digits and hyphens", file.key);
    }
    let req = CreateKbArticleRequest {
        title: content.title.clone(),
        body_markdown: content.body_markdown.clone(),
        summary: content.summary.clone(),
        category_id: content.category_id,
        subcategory_id: content.subcategory_id,
        tags: Some(content.tags.clone()),
        slug: Some(file.key.clone()),
    };
    let errors = validate_create_article(&req);
    if !errors.is_empty() {
        let list: Vec<String> = errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
        bail!("{}: {}", file.key, list.join("; "));
    }
    Ok(())
}

/// Imports `files` as published articles, in one transaction.
pub async fn import(db: &DatabaseConnection, files: &[KbFile]) -> anyhow::Result<ImportReport> {
    let now = Utc::now().trunc_subsecs(6);
    let txn = crate::infra::db::begin_write(db).await?;
    // Also makes instances that start together with demo data take turns: the
    // second finds every article already there and changes nothing.
    super::search_feed::serialise(&txn).await?;
    let by_slug = repo::categories(&txn).await?.into_iter().map(|c| (c.slug, (c.id, c.parent_id))).collect();
    let mut cats = Categories { by_slug, created: 0 };
    let mut report = ImportReport::default();
    for file in files {
        let category = cats.id(&txn, file.category.as_deref().unwrap_or("general"), None).await?;
        let subcategory = match &file.subcategory {
            Some(sub) => Some(cats.id(&txn, sub, Some(category)).await?),
            None => None,
        };
        let content = Content {
            title: file.title.trim().to_string(),
            summary: file.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from),
            body_markdown: file.body.trim_end().to_string(),
            tags: sorted(&file.tags),
            category_id: category,
            subcategory_id: subcategory,
        };
        check(file, &content)?;
        let note = "imported".to_string();
        let Some(old) = repo::find_by_slug(&txn, &file.key).await? else {
            let new = NewArticle { slug: file.key.clone(), content, status: KbStatus::Published, author: None, note };
            insert_article(&txn, new, now).await.with_context(|| format!("importing {}", file.key))?;
            report.created += 1;
            continue;
        };
        let tags = repo::tags_of(&txn, &[old.id]).await?.remove(&old.id).unwrap_or_default();
        let same = Content::of_article(&old, &tags) == content;
        let published = old.status == KbStatus::Published.as_str();
        if same && published {
            report.unchanged += 1;
            continue;
        }
        let mut new = old.clone();
        if !published {
            new.status = KbStatus::Published.as_str().into();
            new.published_at = Some(now);
        }
        let changes = (!same).then_some((&content, Some(note)));
        save(&txn, &old, new, changes, None, now).await.with_context(|| format!("updating {}", file.key))?;
        report.updated += 1;
    }
    report.categories_created = cats.created;
    if report != (ImportReport { unchanged: report.unchanged, ..Default::default() }) {
        let entry = AuditEntry {
            user_id: None,
            user_email: None,
            action: "kb:import",
            resource_type: "kb_article",
            resource_id: None,
            details: Some(json!({
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "categoriesCreated": report.categories_created,
            })),
            success: true,
        };
        audit::record(&txn, entry, &ClientInfo::default(), now).await?;
    }
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_come_from_slugs() {
        assert_eq!(name_of("dns-dhcp"), "Dns dhcp");
        assert_eq!(name_of("network"), "Network");
    }
}
