//! A search index kept equal to its tables by following the `search_changes` log (see
//! [`super::follow`]): built from every row its [`Source`] names, then updated from the log
//! entries of its entity kind.
//!
//! An entity may be several documents (a ticket with internal notes is a public document and
//! a full one), told apart by a part number.

use std::collections::HashSet;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::changelog::{ChangeOp, SearchChange};
use super::embedded::EmbeddedStore;
use super::follow::{self, Follower, LogCursor};
use super::{
    DocKey, Embedder, EmbeddingOptions, EmbeddingStatus, SearchBackend, SearchConfig, SearchDocument, SearchError,
    SearchHit, SearchIndex, SearchQuery, SearchResults,
};
use crate::error::ApiError;

/// Parts an entity may have.
const MAX_PARTS: u8 = 2;
/// Documents sent to the store at once while building.
const BUILD_CHUNK: usize = 500;

/// One document of an entity, as a [`Source`] produces it (its `doc.id` is assigned here).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDocument {
    pub entity_id: Uuid,
    /// 0 or 1.
    pub part: u8,
    pub doc: SearchDocument,
}

/// Differences between an index and its tables (all empty when they agree).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub entity: &'static str,
    /// Documents the tables say belong in the index.
    pub expected: usize,
    /// Documents in the index.
    pub indexed: usize,
    /// Entities with a document missing from the index.
    pub missing: Vec<Uuid>,
    /// Entities indexed from an older version.
    pub stale: Vec<Uuid>,
    /// Entities indexed that no longer belong.
    pub extra: Vec<Uuid>,
}

impl CheckReport {
    /// Whether the index equals the tables.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.extra.is_empty()
    }
}

/// What an index holds: its entity kind in the change log and how to read its documents.
pub trait Source: Send + Sync + 'static {
    /// The `search_changes.entity` of its rows.
    const ENTITY: &'static str;
    /// The documents of every indexed row when `ids` is `None`, else of those of `ids` that
    /// belong in the index (an id missing from the answer is removed).
    fn documents(
        db: &DatabaseConnection,
        ids: Option<Vec<Uuid>>,
    ) -> impl Future<Output = Result<Vec<SourceDocument>, ApiError>> + Send;
}

/// The store, and how far it has read the change log.
pub struct LiveIndex<S> {
    store: Arc<dyn SearchBackend>,
    cursor: LogCursor,
    source: PhantomData<fn() -> S>,
}

/// The embedding model is loaded once per process and shared, whatever number of servers run
/// in it (tests start many).
pub fn shared_embedder(options: &EmbeddingOptions) -> (Option<Arc<dyn Embedder>>, EmbeddingStatus) {
    type Loaded = (EmbeddingOptions, Option<Arc<dyn Embedder>>, EmbeddingStatus);
    static LOADED: OnceLock<Mutex<Vec<Loaded>>> = OnceLock::new();
    let cache = LOADED.get_or_init(|| Mutex::new(Vec::new()));
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, embedder, status)) = cache.iter().find(|(o, ..)| o == options) {
        return (embedder.clone(), status.clone());
    }
    let (embedder, status) = super::embedding::load(options);
    cache.push((options.clone(), embedder.clone(), status.clone()));
    (embedder, status)
}

impl<S: Source> LiveIndex<S> {
    /// An index kept in `store`; [`LiveIndex::run`] fills it.
    pub fn new(store: Arc<dyn SearchBackend>) -> Arc<Self> {
        Arc::new(Self { store, cursor: LogCursor::default(), source: PhantomData })
    }

    /// An index in this process's memory, semantic when `embedder` is given.
    pub fn embedded(embedder: Option<Arc<dyn Embedder>>, status: EmbeddingStatus) -> Arc<Self> {
        Self::new(Arc::new(EmbeddedStore::new(SearchIndex::new(embedder, status, SearchConfig::default()))))
    }

    /// `embedded` or `opensearch`.
    pub fn backend(&self) -> &'static str {
        self.store.name()
    }

    /// Whether the first build finished (searches before it find nothing).
    pub fn is_ready(&self) -> bool {
        self.cursor.is_ready()
    }

    /// The last change-log entry the index reflects (-1 before the first build).
    pub fn applied(&self) -> i64 {
        self.cursor.applied()
    }

    /// Indexed documents.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// Whether semantic search runs, and why not.
    pub fn embedding_status(&self) -> EmbeddingStatus {
        self.store.embedding_status()
    }

    /// Tells the task this instance committed a change.
    pub fn nudge(&self) {
        self.cursor.nudge();
    }

    /// Runs a query; answers entity ids, parts and hits, best first.
    pub async fn search_parts(
        &self,
        query: SearchQuery,
    ) -> Result<(Vec<(Uuid, u8, SearchHit)>, SearchResults), SearchError> {
        let (hits, mode) = self.store.search(query).await?;
        let results = SearchResults { hits: hits.iter().map(|(_, h)| h.clone()).collect(), mode };
        Ok((hits.into_iter().map(|((id, part), hit)| (id, part, hit)).collect(), results))
    }

    /// [`LiveIndex::search_parts`] for single-document entities.
    pub async fn search(&self, query: SearchQuery) -> Result<(Vec<(Uuid, SearchHit)>, SearchResults), SearchError> {
        let (hits, results) = self.search_parts(query).await?;
        Ok((hits.into_iter().map(|(id, _, hit)| (id, hit)).collect(), results))
    }

    /// Compares the index with the tables: documents missing from it, indexed from an older
    /// version of their row, or indexed but no longer belonging. Catches up with the log
    /// first; a change committed during the check may still be reported.
    pub async fn check(&self, db: &DatabaseConnection) -> Result<CheckReport, ApiError> {
        self.sync(db).await?;
        let expected = S::documents(db, None).await?;
        let indexed = self.store.fingerprints().await.map_err(store_failed)?;
        let mut report = CheckReport { entity: S::ENTITY, expected: expected.len(), ..CheckReport::default() };
        let mut wanted = HashSet::new();
        for d in &expected {
            wanted.insert((d.entity_id, d.part));
            match indexed.get(&(d.entity_id, d.part)) {
                None => report.missing.push(d.entity_id),
                Some(f) if *f != d.doc.fingerprint() => report.stale.push(d.entity_id),
                Some(_) => {}
            }
        }
        report.extra = indexed.keys().filter(|k| !wanted.contains(*k)).map(|k| k.0).collect();
        report.indexed = indexed.len();
        Ok(report)
    }

    /// Builds the index, then follows the change log until the process ends.
    pub async fn run(self: Arc<Self>, db: DatabaseConnection) {
        follow::run(self.as_ref(), &db).await;
    }

    /// Puts every row's documents in the store and takes out what no longer belongs (the
    /// start, and `reindex`).
    pub async fn build(&self, db: &DatabaseConnection) -> Result<(), ApiError> {
        follow::build(self, db).await
    }

    /// Applies every change committed before the call (see [`follow::sync`]).
    pub async fn sync(&self, db: &DatabaseConnection) -> Result<(), ApiError> {
        follow::sync(self, db).await
    }

    async fn upsert(&self, docs: Vec<SourceDocument>) -> Result<(), ApiError> {
        if docs.is_empty() {
            return Ok(());
        }
        let docs = docs.into_iter().map(|d| ((d.entity_id, d.part), d.doc)).collect();
        self.store.upsert(docs).await.map_err(store_failed)
    }
}

impl<S: Source> Follower for LiveIndex<S> {
    fn cursor(&self) -> &LogCursor {
        &self.cursor
    }

    async fn rebuild(&self, db: &DatabaseConnection) -> Result<(), ApiError> {
        let docs = S::documents(db, None).await?;
        let fresh: HashSet<DocKey> = docs.iter().map(|d| (d.entity_id, d.part)).collect();
        let indexed = self.store.fingerprints().await.map_err(store_failed)?;
        let stale: Vec<DocKey> = indexed.keys().filter(|k| !fresh.contains(*k)).copied().collect();
        // Documents already indexed as they are now are not sent again (an external engine
        // keeps them across restarts).
        let changed: Vec<SourceDocument> =
            docs.into_iter().filter(|d| indexed.get(&(d.entity_id, d.part)) != Some(&d.doc.fingerprint())).collect();
        self.store.remove(stale).await.map_err(store_failed)?;
        for chunk in changed.chunks(BUILD_CHUNK) {
            self.upsert(chunk.to_vec()).await?;
        }
        Ok(())
    }

    async fn apply(&self, db: &DatabaseConnection, changes: &[SearchChange]) -> Result<(), ApiError> {
        let mine: Vec<_> = changes.iter().filter(|c| c.entity == S::ENTITY).collect();
        let mut touched: Vec<Uuid> = mine.iter().map(|c| c.entity_id).collect();
        touched.sort_unstable();
        touched.dedup();
        if touched.is_empty() {
            return Ok(());
        }
        // The current rows decide, not the entries: a row changed twice within one batch is
        // read once, as it is now.
        let current = S::documents(db, Some(touched.clone())).await?;
        let gone: Vec<DocKey> = touched
            .iter()
            .flat_map(|id| (0..MAX_PARTS).map(move |part| (*id, part)))
            .filter(|key| !current.iter().any(|d| (d.entity_id, d.part) == *key))
            .collect();
        let deletes = mine.iter().filter(|c| c.op == ChangeOp::Delete).count();
        self.upsert(current).await?;
        self.store.remove(gone).await.map_err(store_failed)?;
        tracing::debug!(entity = S::ENTITY, entries = mine.len(), deletes, "search index caught up");
        Ok(())
    }

    fn built(&self) {
        tracing::info!(
            entity = S::ENTITY,
            backend = self.backend(),
            documents = self.len(),
            semantic = self.embedding_status().is_ok(),
            "search index built"
        );
    }

    fn name(&self) -> &'static str {
        S::ENTITY
    }
}

fn store_failed(e: SearchError) -> ApiError {
    ApiError::internal(anyhow::anyhow!("search indexing failed: {e}"))
}
