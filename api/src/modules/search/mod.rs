//! Knowledge-base search: hybrid lexical (BM25F with typo tolerance) and semantic (sentence
//! embeddings) retrieval, fused, with filters and highlights.
//!
//! `SearchIndex` is the embedded engine: everything in memory, built from the tables at
//! start-up and kept current by `upsert`/`remove`. `SearchBackend` is the boundary between
//! a live index (`live`) and where its documents are kept: the embedded engine
//! (`embedded`) or OpenSearch (`opensearch`) in the scaled deployment. Without a usable embedding model
//! (see `embedding::load`) search is lexical only and `SearchIndex::embedding_status` says why.

pub mod analysis;
pub mod changelog;
pub mod embedded;
pub mod embedding;
pub mod eval;
pub mod follow;
pub mod fusion;
pub mod highlight;
mod index;
pub mod lexical;
pub mod live;
pub mod maintenance;
mod minilm;
pub mod opensearch;
mod opensearch_body;
mod quantized;
mod topk;
pub mod typo;
pub mod vector;

use futures_util::future::BoxFuture;

pub use embedding::{Embedder, EmbeddingOptions, EmbeddingStatus};
pub use fusion::{Component, Fusion};
pub use index::{DocumentText, PreparedDocument, SearchConfig, SearchIndex};
pub use minilm::MiniLm;

/// An article as search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDocument {
    /// The article's database id.
    pub id: i64,
    /// Its stable key, e.g. `kb-001`.
    pub key: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub category: Option<String>,
    /// Markdown.
    pub body: String,
    /// Unpublished articles are found only by searches that include drafts.
    pub published: bool,
}

impl SearchDocument {
    /// A hash of everything indexed (not the id), to tell whether an indexed copy is current.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.key, &self.title, &self.summary, &self.tags, &self.category, &self.body, self.published).hash(&mut h);
        h.finish()
    }

    /// From an article file; `id` is the database id it was stored under.
    pub fn from_file(id: i64, file: &crate::modules::kb::files::KbFile, published: bool) -> Self {
        Self {
            id,
            key: file.key.clone(),
            title: file.title.clone(),
            summary: file.summary.clone().unwrap_or_default(),
            tags: file.tags.clone(),
            category: file.category.clone(),
            body: file.body.clone(),
            published,
        }
    }
}

/// Which retrievers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchMode {
    /// Lexical and semantic, fused (lexical alone when there is no embedder).
    #[default]
    Hybrid,
    Lexical,
    Semantic,
}

/// Restrictions applied inside both retrievers, before ranking is cut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only this category (case-insensitive).
    pub category: Option<String>,
    /// Only articles carrying every one of these tags (case-insensitive).
    pub tags: Vec<String>,
    /// Only published articles: true for everyone without `kb:write`.
    pub published_only: bool,
}

/// A search request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub filter: SearchFilter,
    pub mode: SearchMode,
    /// Hits to skip, for paging.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

impl SearchQuery {
    /// A hybrid query over published articles, first 10 hits.
    pub fn new(text: impl Into<String>) -> Self {
        let filter = SearchFilter { published_only: true, ..SearchFilter::default() };
        Self { text: text.into(), filter, mode: SearchMode::Hybrid, offset: 0, limit: 10 }
    }
}

/// One found article.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub key: String,
    /// The fused score (higher is better; comparable within one answer only).
    pub score: f32,
    /// Rank and BM25F score, when the lexical retriever found it.
    pub lexical: Option<Component>,
    /// Rank and cosine similarity, when the semantic retriever found it.
    pub semantic: Option<Component>,
    /// The title, HTML-escaped, matched words in `<mark>`.
    pub title_highlight: String,
    /// A short passage of the summary and body, HTML-escaped, matched words in `<mark>`.
    pub highlight: String,
}

/// The answer to a `SearchQuery`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// The retrievers that actually ran: `Lexical` when semantic search was asked for but no
    /// embedder is loaded.
    pub mode: SearchMode,
}

/// What can go wrong in a search backend.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("semantic search is unavailable: {0}")]
    SemanticUnavailable(String),
    #[error("embedding failed: {0}")]
    Embedding(#[from] embedding::EmbedError),
    #[error("search backend failed: {0}")]
    Backend(String),
}

/// Which document: an entity's id and its part (an entity may be several documents, such as a
/// ticket's public text and its full text with internal notes).
pub type DocKey = (uuid::Uuid, u8);

/// What a backend's search answers: hits best first with their keys, and the retrievers that ran.
pub type KeyedHits = (Vec<(DocKey, SearchHit)>, SearchMode);

/// Where an index keeps its documents: in this process ([`embedded::EmbeddedStore`]) or in
/// OpenSearch ([`opensearch::OpenSearchStore`]). Documents are named by [`DocKey`]; the
/// `id` field of a `SearchDocument` handed in is ignored.
pub trait SearchBackend: Send + Sync {
    /// Adds or replaces documents.
    fn upsert(&self, docs: Vec<(DocKey, SearchDocument)>) -> BoxFuture<'_, Result<(), SearchError>>;
    /// Removes documents; keys that are not indexed are ignored.
    fn remove(&self, keys: Vec<DocKey>) -> BoxFuture<'_, Result<(), SearchError>>;
    /// Runs a query: hits best first with their keys, and the retrievers that ran.
    fn search(&self, query: SearchQuery) -> BoxFuture<'_, Result<KeyedHits, SearchError>>;
    /// The [`SearchDocument::fingerprint`] of every indexed document (for checks).
    fn fingerprints(&self) -> BoxFuture<'_, Result<std::collections::HashMap<DocKey, u64>, SearchError>>;
    /// Indexed documents (as of the last write, for an external engine).
    fn len(&self) -> usize;
    /// Whether nothing is indexed.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether semantic search is available, for `/readyz`.
    fn embedding_status(&self) -> EmbeddingStatus;
    /// `embedded` or `opensearch`.
    fn name(&self) -> &'static str;
}

#[cfg(test)]
mod tests;
