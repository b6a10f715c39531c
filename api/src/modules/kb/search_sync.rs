//! Keeps the embedded search index equal to the published articles.
//!
//! At start the index is built from every published article and remembers the last entry of
//! the `search_changes` log it reflects. From then on one task per instance tails the log in
//! order: every article change appends an entry in the same transaction as the change, so an
//! index that has applied entry N reflects exactly the articles as of N, whichever instance
//! made the changes. The task wakes at once when this instance changes an article ([`nudge`])
//! and polls every second for the others'. Nothing is lost if the process dies: the next start
//! rebuilds from the database.
//!
//! [`nudge`]: KbSearch::nudge

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use uuid::Uuid;

use super::search_feed::{self, ChangeOp, IndexDocument};
use crate::error::ApiError;
use crate::modules::search::{
    self, Embedder, EmbeddingOptions, EmbeddingStatus, SearchConfig, SearchDocument, SearchError, SearchHit,
    SearchIndex, SearchQuery, SearchResults,
};
use crate::settings::Settings;

/// How often the log is read when nothing nudged.
const POLL: Duration = Duration::from_secs(1);
/// Log entries applied per round.
const BATCH: u64 = 500;

/// The index, the ids it knows, and how far it has read the change log.
pub struct KbSearch {
    index: SearchIndex,
    ids: Mutex<IdMap>,
    /// The last applied `search_changes` id; -1 until the first build finished.
    applied: AtomicI64,
    wake: Notify,
}

/// Article ids (UUIDs) and the index's numeric document ids.
#[derive(Default)]
struct IdMap {
    numbers: HashMap<Uuid, i64>,
    uuids: HashMap<i64, Uuid>,
}

impl IdMap {
    fn number(&mut self, id: Uuid) -> i64 {
        let next = self.numbers.len() as i64 + 1;
        let n = *self.numbers.entry(id).or_insert(next);
        self.uuids.insert(n, id);
        n
    }
}

/// The embedding model is loaded once per process and shared, whatever number of servers run
/// in it (tests start many), by search and by AI triage.
pub fn shared_embedder(options: &EmbeddingOptions) -> (Option<Arc<dyn Embedder>>, EmbeddingStatus) {
    type Loaded = (EmbeddingOptions, Option<Arc<dyn Embedder>>, EmbeddingStatus);
    static LOADED: OnceLock<Mutex<Vec<Loaded>>> = OnceLock::new();
    let cache = LOADED.get_or_init(|| Mutex::new(Vec::new()));
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, embedder, status)) = cache.iter().find(|(o, ..)| o == options) {
        return (embedder.clone(), status.clone());
    }
    let (embedder, status) = search::embedding::load(options);
    cache.push((options.clone(), embedder.clone(), status.clone()));
    (embedder, status)
}

impl KbSearch {
    /// An empty index with the configured embedding model (or none); [`KbSearch::run`] fills it.
    pub fn new(settings: &Settings) -> Arc<Self> {
        let (embedder, status) = shared_embedder(&EmbeddingOptions::from_settings(settings));
        Arc::new(Self {
            index: SearchIndex::new(embedder, status, SearchConfig::default()),
            ids: Mutex::new(IdMap::default()),
            applied: AtomicI64::new(-1),
            wake: Notify::new(),
        })
    }

    /// Whether the first build finished (searches before it find nothing).
    pub fn is_ready(&self) -> bool {
        self.applied.load(Ordering::SeqCst) >= 0
    }

    /// The last change-log entry the index reflects (-1 before the first build).
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    /// Indexed articles.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Whether semantic search runs, and why not.
    pub fn embedding_status(&self) -> EmbeddingStatus {
        self.index.embedding_status()
    }

    /// Tells the task an article changed on this instance.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Runs a query on a blocking thread (it embeds the query); answers article ids with hits.
    pub async fn search(&self, query: SearchQuery) -> Result<(Vec<(Uuid, SearchHit)>, SearchResults), SearchError> {
        let index = self.index.clone();
        let results = tokio::task::spawn_blocking(move || index.search_blocking(&query))
            .await
            .map_err(|e| SearchError::Backend(e.to_string()))??;
        let ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        let hits = results.hits.iter().filter_map(|h| ids.uuids.get(&h.id).map(|u| (*u, h.clone()))).collect();
        Ok((hits, results))
    }

    /// Builds the index, then follows the change log until the process ends.
    pub async fn run(self: Arc<Self>, db: DatabaseConnection) {
        loop {
            match self.build(&db).await {
                Ok(()) => break,
                Err(e) => tracing::warn!(error = %e, "building the search index failed; retrying"),
            }
            tokio::time::sleep(POLL * 5).await;
        }
        tracing::info!(articles = self.len(), semantic = self.embedding_status().is_ok(), "search index built");
        loop {
            match self.catch_up(&db).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "reading the search change log failed; retrying"),
            }
            let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
        }
    }

    async fn build(&self, db: &DatabaseConnection) -> Result<(), ApiError> {
        // The log position first: changes after it are applied again on top, which is harmless.
        let last = search_feed::last_change_id(db).await?;
        let docs = search_feed::documents(db, None).await?;
        self.upsert(docs).await?;
        self.applied.store(last, Ordering::SeqCst);
        Ok(())
    }

    /// Applies the next batch of log entries; answers whether there may be more.
    pub async fn catch_up(&self, db: &DatabaseConnection) -> Result<bool, ApiError> {
        let after = self.applied();
        let changes = search_feed::changes_after(db, after, BATCH).await?;
        let Some(last) = changes.last().map(|c| c.id) else { return Ok(false) };
        let mut touched: Vec<Uuid> = changes.iter().map(|c| c.entity_id).collect();
        touched.sort_unstable();
        touched.dedup();
        // The current state decides, not the entry: an article published then archived within
        // one batch is read as archived.
        let current = search_feed::documents(db, Some(&touched)).await?;
        let gone: Vec<Uuid> = touched.iter().filter(|id| !current.iter().any(|d| d.id == **id)).copied().collect();
        let deletes = changes.iter().filter(|c| c.op == ChangeOp::Delete).count();
        self.upsert(current).await?;
        for id in gone {
            let number = self.ids.lock().unwrap_or_else(PoisonError::into_inner).numbers.get(&id).copied();
            if let Some(number) = number {
                self.index.remove_blocking(number);
            }
        }
        tracing::debug!(entries = changes.len(), deletes, "search index caught up");
        self.applied.store(last, Ordering::SeqCst);
        Ok(changes.len() as u64 == BATCH)
    }

    async fn upsert(&self, docs: Vec<IndexDocument>) -> Result<(), ApiError> {
        if docs.is_empty() {
            return Ok(());
        }
        let docs: Vec<SearchDocument> = {
            let mut ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
            docs.into_iter().map(|d| to_search(ids.number(d.id), d)).collect()
        };
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.upsert_blocking(docs))
            .await
            .map_err(|e| ApiError::internal(anyhow::anyhow!("search indexing task failed: {e}")))?
            .map_err(|e| ApiError::internal(anyhow::anyhow!("search indexing failed: {e}")))
    }
}

fn to_search(id: i64, d: IndexDocument) -> SearchDocument {
    SearchDocument {
        id,
        key: d.slug,
        title: d.title,
        summary: d.summary.unwrap_or_default(),
        tags: d.tags,
        category: Some(d.category),
        body: d.body_markdown,
        published: true,
    }
}
