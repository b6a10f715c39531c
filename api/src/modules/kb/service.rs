//! The knowledge-base rules: who may see and change what, and what each change writes.
//!
//! People without `kb:write` see published articles only; anything else is
//! "not found" to them. Every change runs in one write transaction with its
//! version row (for content), its `search_changes` row and its audit entry.
//! Writes are conditional on the row version, so of two concurrent editors
//! exactly one wins and the other gets 412.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use shared_types::Permission;
use shared_types::kb::validation::{slugify, validate_create_article};
use shared_types::kb::{CreateKbArticleRequest, KbArticleDto, KbArticleListQuery, KbArticleSummaryDto, KbStatus};
use uuid::Uuid;

use super::content::{Content, sorted};
use super::filter::{ArticleFilter, Sort, SortKey};
use super::render::render;
use super::{dto, repo, search_feed};
use crate::entities::{kb_article, kb_article_rating};
use crate::error::{ApiError, ErrorKind};
use crate::modules::audit::{self, AuditEntry, ClientInfo};
use crate::modules::auth::Access;
use crate::paging::Paging;
use crate::state::AppState;

/// 404 for an article that is missing or not visible to the caller.
pub fn not_found() -> ApiError {
    ApiError::not_found("kb_article_not_found", "No such article")
}

/// 412 when the article has moved past the version the client knows.
pub fn version_mismatch() -> ApiError {
    ApiError::new(
        ErrorKind::PreconditionFailed,
        "version_mismatch",
        "The article has changed since you read it; reload and try again",
    )
}

/// A page of articles with what the list envelope needs.
#[derive(Debug)]
pub struct ArticlePage {
    /// The articles.
    pub data: Vec<KbArticleSummaryDto>,
    /// Matches over all pages.
    pub total: u64,
    /// The page asked for.
    pub paging: Paging,
}

/// A new article, from the API or an import.
#[derive(Debug, Clone)]
pub(super) struct NewArticle {
    pub slug: String,
    pub content: Content,
    pub status: KbStatus,
    pub author: Option<Uuid>,
    pub note: String,
}

/// The knowledge-base operations, over the application's state.
pub struct KbService<'a> {
    pub(super) state: &'a AppState,
}

/// Whether `user` may see `article`.
pub(super) fn visible(user: &Access, article: &kb_article::Model) -> bool {
    user.has(Permission::KbWrite) || article.status == KbStatus::Published.as_str()
}

/// `Ok` when `sub` (if any) is a child of `category` and both exist; else 422 naming the field.
pub(super) async fn check_categories(
    conn: &impl ConnectionTrait,
    category: Uuid,
    sub: Option<Uuid>,
) -> Result<(), ApiError> {
    match repo::category(conn, category).await? {
        Some(c) if c.parent_id.is_none() => {}
        Some(_) => return Err(ApiError::invalid_field("categoryId", "is a subcategory; name its parent here")),
        None => return Err(ApiError::invalid_field("categoryId", "no knowledge-base category has this id")),
    }
    if let Some(sub) = sub {
        match repo::category(conn, sub).await? {
            Some(s) if s.parent_id == Some(category) => {}
            Some(_) => return Err(ApiError::invalid_field("subcategoryId", "is not a subcategory of categoryId")),
            None => return Err(ApiError::invalid_field("subcategoryId", "no knowledge-base category has this id")),
        }
    }
    Ok(())
}

/// Inserts `new` at version 1 with its tags, first version and change-log row.
pub(super) async fn insert_article(
    txn: &DatabaseTransaction,
    new: NewArticle,
    now: DateTime<Utc>,
) -> Result<kb_article::Model, ApiError> {
    let mut model = kb_article::Model {
        id: Uuid::now_v7(),
        slug: new.slug,
        title: String::new(),
        summary: None,
        body_markdown: String::new(),
        body_html: render(&new.content.body_markdown),
        status: new.status.as_str().into(),
        category_id: new.content.category_id,
        subcategory_id: None,
        featured: false,
        view_count: 0,
        helpful_count: 0,
        unhelpful_count: 0,
        author_id: new.author,
        current_version: 1,
        version: 1,
        published_at: (new.status == KbStatus::Published).then_some(now),
        created_at: now,
        updated_at: now,
    };
    new.content.apply_to(&mut model);
    repo::insert(txn, model.clone()).await?;
    repo::set_tags(txn, model.id, &new.content.tags).await?;
    repo::insert_version(txn, &model, &new.content.tags, new.author, Some(new.note), now).await?;
    search_feed::record(txn, &model, now).await?;
    Ok(model)
}

/// Writes `new` over `old` if nobody else did meanwhile (else 412). With
/// `content`, the content is applied, the HTML rendered again and version
/// n+1 saved with `note`. Always appends to the search change log.
pub(super) async fn save(
    txn: &DatabaseTransaction,
    old: &kb_article::Model,
    mut new: kb_article::Model,
    content: Option<(&Content, Option<String>)>,
    editor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<kb_article::Model, ApiError> {
    if let Some((c, _)) = content {
        c.apply_to(&mut new);
        new.body_html = render(&c.body_markdown);
        new.current_version = old.current_version + 1;
    }
    new.version = old.version + 1;
    new.updated_at = now;
    if !repo::update_versioned(txn, old, &new).await? {
        return Err(version_mismatch());
    }
    if let Some((c, note)) = content {
        repo::set_tags(txn, old.id, &c.tags).await?;
        repo::insert_version(txn, &new, &c.tags, editor, note, now).await?;
    }
    search_feed::record(txn, &new, now).await?;
    Ok(new)
}

impl<'a> KbService<'a> {
    /// A service over `state`.
    pub fn new(state: &'a AppState) -> Self {
        Self { state }
    }

    /// Now, to the microsecond both databases store.
    pub(super) fn now(&self) -> DateTime<Utc> {
        self.state.clock.now().trunc_subsecs(6)
    }

    /// Begins a write transaction that may change articles (queued behind other
    /// writers of the search change log).
    pub(super) async fn begin(&self) -> Result<DatabaseTransaction, ApiError> {
        let txn = self.state.writer.begin().await?;
        search_feed::serialise(&txn).await?;
        Ok(txn)
    }

    /// The article `id` if `user` may see it, read on `conn`, else 404.
    pub(super) async fn load(
        &self,
        conn: &impl ConnectionTrait,
        user: &Access,
        id: Uuid,
    ) -> Result<kb_article::Model, ApiError> {
        repo::find(conn, id).await?.filter(|a| visible(user, a)).ok_or_else(not_found)
    }

    /// Records `entry` and commits.
    pub(super) async fn commit(
        &self,
        txn: DatabaseTransaction,
        entry: AuditEntry,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        audit::record(&txn, entry, client, now).await?;
        txn.commit().await?;
        // The change log entry is committed: the index may read it now.
        self.state.kb_search.nudge();
        Ok(())
    }

    /// A page of the articles the caller may see.
    pub async fn list(&self, user: &Access, query: &KbArticleListQuery) -> Result<ArticlePage, ApiError> {
        let (mut filter, paging) = ArticleFilter::parse(query, user.has(Permission::KbWrite))?;
        if let Some(category) = query.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            let db = &self.state.db;
            let found = match category.parse::<Uuid>() {
                Ok(id) => repo::category(db, id).await?,
                Err(_) => repo::category_by_slug(db, category).await?,
            };
            // An unknown category matches nothing, like an unknown tag.
            filter.category_id = Some(found.map_or(Uuid::nil(), |c| c.id));
        }
        let (rows, total) = repo::list(&self.state.db, &filter, paging).await?;
        Ok(ArticlePage { data: dto::summaries(&self.state.db, rows).await?, total, paging })
    }

    /// The published featured articles, most recently published first (at most 50).
    pub async fn featured(&self) -> Result<Vec<KbArticleSummaryDto>, ApiError> {
        let filter = ArticleFilter {
            statuses: vec![KbStatus::Published],
            category_id: None,
            tag: None,
            featured: Some(true),
            like: None,
            sort: Sort { key: SortKey::PublishedAt, descending: true },
        };
        let (rows, _) = repo::list(&self.state.db, &filter, Paging { page: 1, limit: 50 }).await?;
        dto::summaries(&self.state.db, rows).await
    }

    /// Creates a draft. Needs `kb:write`.
    pub async fn create(
        &self,
        user: &Access,
        req: CreateKbArticleRequest,
        client: &ClientInfo,
    ) -> Result<KbArticleDto, ApiError> {
        user.require(Permission::KbWrite)?;
        ApiError::check(validate_create_article(&req))?;
        let content = Content {
            title: req.title.trim().to_string(),
            summary: req.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from),
            body_markdown: req.body_markdown.trim_end().to_string(),
            tags: sorted(req.tags.as_deref().unwrap_or_default()),
            category_id: req.category_id,
            subcategory_id: req.subcategory_id,
        };
        let now = self.now();
        let txn = self.begin().await?;
        check_categories(&txn, content.category_id, content.subcategory_id).await?;
        let slug = match req.slug {
            Some(slug) if repo::find_by_slug(&txn, &slug).await?.is_some() => {
                return Err(ApiError::conflict("slug_taken", format!("Another article already has the slug {slug}")));
            }
            Some(slug) => slug,
            None => self.free_slug(&txn, &content.title).await?,
        };
        let new =
            NewArticle { slug, content, status: KbStatus::Draft, author: Some(user.user_id), note: "created".into() };
        let model = insert_article(&txn, new, now).await?;
        let entry = AuditEntry::by(user, "kb:create", "kb_article", Some(model.id))
            .details(json!({"slug": model.slug, "title": model.title}));
        self.commit(txn, entry, client, now).await?;
        dto::article(&self.state.db, model, None).await
    }

    /// A slug made from `title` that no article has yet.
    async fn free_slug(&self, conn: &impl ConnectionTrait, title: &str) -> Result<String, ApiError> {
        let base = Some(slugify(title)).filter(|s| !s.is_empty()).unwrap_or_else(|| "article".into());
        for n in 1..100 {
            let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
            if repo::find_by_slug(conn, &candidate).await?.is_none() {
                return Ok(candidate);
            }
        }
        Ok(format!("{base}-{}", &Uuid::now_v7().simple().to_string()[24..]))
    }

    /// One article with its body; opening a published article counts a view.
    pub async fn get(&self, user: &Access, id: Uuid) -> Result<KbArticleDto, ApiError> {
        let db = &self.state.db;
        let mut model = self.load(db, user, id).await?;
        if model.status == KbStatus::Published.as_str() {
            match self.count_view(id).await {
                Ok(()) => model.view_count += 1,
                // A lost view is not worth failing the read for.
                Err(e) => tracing::warn!(error = %e, article_id = %id, "could not count a view"),
            }
        }
        let mine = kb_article_rating::Entity::find_by_id((id, user.user_id)).one(db).await?;
        dto::article(db, model, mine).await
    }

    async fn count_view(&self, id: Uuid) -> Result<(), ApiError> {
        let txn = self.state.writer.begin().await?;
        repo::count_view(&txn, id).await?;
        txn.commit().await?;
        Ok(())
    }

    /// List DTOs of the articles `ids` that `user` may see, in the order of `ids`
    /// (for search results: the index answers ids, this answers what to show).
    pub async fn summaries_by_ids(&self, user: &Access, ids: &[Uuid]) -> Result<Vec<KbArticleSummaryDto>, ApiError> {
        let db = &self.state.db;
        let rows = kb_article::Entity::find().filter(kb_article::Column::Id.is_in(ids.iter().copied())).all(db).await?;
        let mut by_id: std::collections::HashMap<Uuid, kb_article::Model> =
            rows.into_iter().filter(|a| visible(user, a)).map(|a| (a.id, a)).collect();
        let ordered: Vec<kb_article::Model> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        dto::summaries(db, ordered).await
    }

    /// Whether an article with this id is published (for deflections and search results).
    pub async fn is_published(&self, id: Uuid) -> Result<bool, ApiError> {
        let found = kb_article::Entity::find_by_id(id)
            .filter(kb_article::Column::Status.eq(KbStatus::Published.as_str()))
            .one(&self.state.db)
            .await?;
        Ok(found.is_some())
    }
}
