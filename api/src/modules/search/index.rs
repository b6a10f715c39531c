//! `SearchIndex`: the embedded, in-memory backend.
//!
//! Analysis and embedding happen before the write lock is taken (`prepare`), so a slow
//! embedding never blocks searches; the lock covers only the index updates. Searches share a
//! read lock. The handle is an `Arc` inside, cheap to clone into every actix worker.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};

use super::analysis::Analyzer;
use super::embedding::{Embedder, EmbeddingStatus};
use super::fusion::{self, Fusion};
use super::highlight;
use super::lexical::{AnalyzedFields, Bm25Params, LexicalIndex, WeightedTerm};
use super::vector::VectorIndex;
use super::{SearchDocument, SearchError, SearchFilter, SearchHit, SearchMode, SearchQuery, SearchResults};

/// What a document's vector is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentText {
    /// Title, summary, tags, then the body, cut at the model's 256 word pieces.
    Full,
    /// Title, summary and tags only.
    Heading,
    /// The normalised sum of the `Heading` and `Full` vectors (two model runs per document).
    Blend,
}

/// Tuning of the embedded backend. The defaults were chosen on the whole dev query set.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchConfig {
    pub bm25: Bm25Params,
    pub document_text: DocumentText,
    pub fusion: Fusion,
    /// Hits each retriever hands to fusion.
    pub candidates: usize,
    /// Texts embedded per model call when indexing many documents.
    pub embed_batch: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            bm25: Bm25Params::default(),
            // Semantic nDCG@10 on the dev queries: Full 0.820, Heading 0.817, Blend 0.848.
            document_text: DocumentText::Blend,
            // On the dev queries as a whole: RRF (k 10-60) gave nDCG@10 0.85-0.87, this 0.88;
            // lexical weights 0.2-0.4 are all within 0.01 of each other.
            fusion: Fusion::Weighted { lexical_weight: 0.3 },
            candidates: 100,
            embed_batch: 16,
        }
    }
}

/// A document analysed (and embedded) but not yet in the index.
#[derive(Debug, Clone)]
pub struct PreparedDocument {
    stored: Stored,
    fields: AnalyzedFields,
    vector: Option<Vec<f32>>,
}

impl PreparedDocument {
    /// The document's embedding, when an embedder computed one.
    pub fn vector(&self) -> Option<&[f32]> {
        self.vector.as_deref()
    }
}

#[derive(Debug, Clone)]
struct Stored {
    id: i64,
    key: String,
    title: String,
    category: Option<String>,
    tags: Vec<String>,
    published: bool,
    /// Summary and body as plain text, where highlights come from.
    passage: String,
    /// [`SearchDocument::fingerprint`] of what was indexed.
    fingerprint: u64,
}

#[derive(Debug)]
struct State {
    slots: HashMap<i64, u32>,
    docs: Vec<Option<Stored>>,
    free: Vec<u32>,
    lexical: LexicalIndex,
    vectors: Option<VectorIndex>,
    /// Changes with every write, so a search that let go of the lock can tell.
    generation: u64,
}

struct Inner {
    analyzer: Analyzer,
    embedder: Option<Arc<dyn Embedder>>,
    status: EmbeddingStatus,
    config: SearchConfig,
    state: RwLock<State>,
}

/// The embedded search backend. Clones share one index.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("documents", &self.len()).field("status", &self.inner.status).finish()
    }
}

impl SearchIndex {
    /// An empty index; semantic search runs when `embedder` is given.
    pub fn new(embedder: Option<Arc<dyn Embedder>>, status: EmbeddingStatus, config: SearchConfig) -> Self {
        let vectors = embedder.as_ref().map(|e| VectorIndex::new(e.dimension()));
        let state = State {
            slots: HashMap::new(),
            docs: Vec::new(),
            free: Vec::new(),
            lexical: LexicalIndex::new(config.bm25.clone()),
            vectors,
            generation: 0,
        };
        Self {
            inner: Arc::new(Inner {
                analyzer: Analyzer::default(),
                embedder,
                status,
                config,
                state: RwLock::new(state),
            }),
        }
    }

    /// Whether semantic search is available and, if not, why.
    pub fn embedding_status(&self) -> EmbeddingStatus {
        self.inner.status.clone()
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.read().slots.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        // A panic mid-update can at worst leave one document half indexed; keep serving.
        self.inner.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Analyses `docs` and embeds them in batches, without touching the index.
    pub fn prepare(&self, docs: Vec<SearchDocument>) -> Result<Vec<PreparedDocument>, SearchError> {
        let vectors: Vec<Option<Vec<f32>>> = match &self.inner.embedder {
            None => vec![None; docs.len()],
            Some(embedder) => {
                let per_doc: Vec<Vec<String>> =
                    docs.iter().map(|doc| embedding_texts(doc, self.inner.config.document_text)).collect();
                let texts: Vec<&str> = per_doc.iter().flatten().map(String::as_str).collect();
                let mut flat = Vec::with_capacity(texts.len());
                for batch in texts.chunks(self.inner.config.embed_batch.max(1)) {
                    flat.extend(embedder.embed(batch)?);
                }
                let mut flat = flat.into_iter();
                per_doc.iter().map(|texts| sum_normalized(flat.by_ref().take(texts.len()))).collect()
            }
        };
        Ok(docs.into_iter().zip(vectors).map(|(doc, vector)| self.prepare_with_vector(doc, vector)).collect())
    }

    /// Analyses `doc` and pairs it with a vector computed elsewhere (benchmarks, or a
    /// backend that stores vectors).
    pub fn prepare_with_vector(&self, doc: SearchDocument, vector: Option<Vec<f32>>) -> PreparedDocument {
        let tags = doc.tags.join(" , ");
        let fields = AnalyzedFields::new(&self.inner.analyzer, [&doc.title, &doc.summary, &tags, &doc.body]);
        let passage = format!("{} {}", doc.summary, highlight::plain_text(&doc.body)).trim().to_string();
        let fingerprint = doc.fingerprint();
        let stored = Stored {
            fingerprint,
            id: doc.id,
            key: doc.key,
            title: doc.title,
            category: doc.category,
            tags: doc.tags.iter().map(|t| t.to_lowercase()).collect(),
            published: doc.published,
            passage,
        };
        PreparedDocument { stored, fields, vector }
    }

    /// Puts prepared documents into the index (the only step under the write lock).
    pub fn commit(&self, prepared: Vec<PreparedDocument>) {
        let mut state = self.write();
        state.generation += 1;
        for doc in prepared {
            let state = &mut *state;
            let slot = match state.slots.get(&doc.stored.id) {
                Some(slot) => *slot,
                None => state.free.pop().unwrap_or(state.docs.len() as u32),
            };
            if state.docs.len() <= slot as usize {
                state.docs.resize(slot as usize + 1, None);
            }
            state.slots.insert(doc.stored.id, slot);
            state.lexical.insert(slot, &doc.fields);
            if let Some(vectors) = &mut state.vectors {
                match &doc.vector {
                    Some(vector) if vectors.insert(slot, vector) => {}
                    _ => vectors.remove(slot),
                }
            }
            state.docs[slot as usize] = Some(doc.stored);
        }
    }

    /// Adds or replaces documents (blocking: embeds on this thread).
    pub fn upsert_blocking(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        let prepared = self.prepare(docs)?;
        self.commit(prepared);
        Ok(())
    }

    /// The fingerprint of the indexed document `id`, if it is indexed.
    pub fn fingerprint(&self, id: i64) -> Option<u64> {
        let state = self.read();
        let slot = *state.slots.get(&id)?;
        state.docs.get(slot as usize)?.as_ref().map(|d| d.fingerprint)
    }

    /// Removes a document; false when it was not indexed.
    pub fn remove_blocking(&self, id: i64) -> bool {
        let mut state = self.write();
        let Some(slot) = state.slots.remove(&id) else { return false };
        state.generation += 1;
        state.lexical.remove(slot);
        if let Some(vectors) = &mut state.vectors {
            vectors.remove(slot);
        }
        state.docs[slot as usize] = None;
        state.free.push(slot);
        true
    }

    /// Runs a query (blocking). The lexical retrieval runs on a second thread while this one
    /// embeds the query, the slowest step.
    pub fn search_blocking(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let inner = &self.inner;
        let text = query.text.trim();
        let wanted = query.offset + query.limit;
        let mode = match (query.mode, &inner.embedder) {
            (SearchMode::Semantic, None) => return Err(SearchError::SemanticUnavailable(status_detail(&inner.status))),
            (SearchMode::Hybrid, None) => SearchMode::Lexical,
            (mode, _) => mode,
        };
        if text.is_empty() || wanted == 0 {
            return Ok(SearchResults { hits: Vec::new(), mode });
        }
        let embedder = match mode {
            SearchMode::Hybrid | SearchMode::Semantic => inner.embedder.as_deref(),
            SearchMode::Lexical => None,
        };
        let pool = inner.config.candidates.max(wanted);
        std::thread::scope(|scope| -> Result<SearchResults, SearchError> {
            // The embedding stays on this (long-lived) thread: the matrix code keeps per-thread
            // buffers that a fresh thread would have to allocate again on every query.
            let lexical_side = embedder.map(|_| {
                let thread = std::thread::Builder::new().name("lexical-search".into());
                thread.spawn_scoped(scope, || self.retrieve_lexical(&self.read(), query, mode, pool))
            });
            let query_vector = match embedder {
                Some(embedder) => embedder.embed(&[text])?.pop(),
                None => None,
            };
            let beside = match lexical_side {
                Some(Ok(thread)) => {
                    Some(thread.join().map_err(|_| SearchError::Backend("lexical search panicked".into()))?)
                }
                // Lexical only, or no thread to be had: below, under the lock taken there.
                _ => None,
            };
            let state = self.read();
            let (_, terms, lexical) = match beside {
                Some(found) if found.0 == state.generation => found,
                // The index changed meanwhile, so slots may mean other documents: again, under
                // this lock (so a stream of writes cannot make it retry forever).
                _ => self.retrieve_lexical(&state, query, mode, pool),
            };
            let accept = |slot: u32| accepts(&state, slot, &query.filter);
            let semantic = match (&state.vectors, &query_vector) {
                (Some(vectors), Some(vector)) => vectors.search(vector, accept, pool),
                _ => Vec::new(),
            };
            let fused = fusion::fuse(&lexical, &semantic, inner.config.fusion, wanted);
            let stems: HashSet<String> = terms.into_iter().map(|t| t.stem).collect();
            let hits = fused
                .into_iter()
                .skip(query.offset)
                .filter_map(|hit| {
                    let doc = state.docs[hit.slot as usize].as_ref()?;
                    Some(SearchHit {
                        id: doc.id,
                        key: doc.key.clone(),
                        score: hit.score,
                        lexical: hit.lexical,
                        semantic: hit.semantic,
                        title_highlight: highlight::mark_all(&inner.analyzer, &doc.title, &stems),
                        highlight: highlight::snippet(&inner.analyzer, &doc.passage, &stems),
                    })
                })
                .collect();
            Ok(SearchResults { hits, mode })
        })
    }

    /// The index's generation, the query's terms (typo corrections included, for highlights
    /// too) and, unless the mode is semantic, the lexical ranking.
    fn retrieve_lexical(
        &self,
        state: &State,
        query: &SearchQuery,
        mode: SearchMode,
        pool: usize,
    ) -> (u64, Vec<WeightedTerm>, Vec<(u32, f32)>) {
        let terms = state.lexical.expand(&self.inner.analyzer, query.text.trim());
        let lexical = match mode {
            SearchMode::Semantic => Vec::new(),
            _ => state.lexical.search(&terms, |slot| accepts(state, slot, &query.filter), pool),
        };
        (state.generation, terms, lexical)
    }
}

/// The texts a document is embedded from: what it is about, then as much of the body as the
/// model reads.
pub(super) fn embedding_texts(doc: &SearchDocument, text: DocumentText) -> Vec<String> {
    let heading = format!("{}. {}. {}", doc.title, doc.summary, doc.tags.join(", "));
    let full = || format!("{heading}. {}", highlight::plain_text(&doc.body));
    match text {
        DocumentText::Full => vec![full()],
        DocumentText::Heading => vec![heading],
        DocumentText::Blend => vec![full(), heading],
    }
}

/// The unit-length sum of `vectors` (`None` when there is none).
pub(super) fn sum_normalized(vectors: impl Iterator<Item = Vec<f32>>) -> Option<Vec<f32>> {
    let mut sum: Option<Vec<f32>> = None;
    for vector in vectors {
        match &mut sum {
            None => sum = Some(vector),
            Some(total) => total.iter_mut().zip(&vector).for_each(|(t, v)| *t += v),
        }
    }
    let mut sum = sum?;
    super::vector::normalize(&mut sum);
    Some(sum)
}

fn status_detail(status: &EmbeddingStatus) -> String {
    status.detail.clone().unwrap_or_else(|| status.status.clone())
}

fn accepts(state: &State, slot: u32, filter: &SearchFilter) -> bool {
    state.docs[slot as usize].as_ref().is_some_and(|doc| matches(doc, filter))
}

fn matches(doc: &Stored, filter: &SearchFilter) -> bool {
    (doc.published || !filter.published_only)
        && filter.category.as_ref().is_none_or(|c| doc.category.as_ref().is_some_and(|d| d.eq_ignore_ascii_case(c)))
        && filter.tags.iter().all(|tag| doc.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
}
