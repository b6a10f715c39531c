//! OpenSearch as a [`SearchBackend`], for the scaled deployment (`HELPDESK_OPENSEARCH_URL`).
//!
//! Every instance follows the change log and writes what changed (writes are idempotent:
//! a document is replaced by its current row), so the index is shared and survives restarts;
//! a start re-sends only documents whose fingerprint differs. Queries run the lexical half in
//! OpenSearch (BM25, fuzziness, filters, highlights) and, with the embedding model, the
//! semantic half as a `knn` query with the query vector computed in this process; the two
//! answers are fused here exactly as the embedded engine fuses its own.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use opensearch::OpenSearch;
use opensearch::http::headers::{CONTENT_TYPE, HeaderMap, HeaderValue};
use opensearch::http::transport::{SingleNodeConnectionPool, TransportBuilder};
use opensearch::http::{Method, Url};
use serde_json::Value;
use tokio::sync::OnceCell;

use super::opensearch_body::{self as body, Hit};
use super::{
    DocKey, Embedder, EmbeddingStatus, KeyedHits, SearchBackend, SearchConfig, SearchDocument, SearchError, SearchHit,
    SearchMode, SearchQuery, fusion,
};

/// Requests that take longer fail (and are retried by the log follower).
const TIMEOUT: Duration = Duration::from_secs(10);
/// Documents per `_bulk` request.
const BULK: usize = 200;
/// Fingerprints read per page by checks.
const PAGE: usize = 1_000;

/// One OpenSearch index.
pub struct OpenSearchStore {
    client: OpenSearch,
    index: String,
    embedder: Option<Arc<dyn Embedder>>,
    status: EmbeddingStatus,
    config: SearchConfig,
    created: OnceCell<()>,
    count: AtomicUsize,
}

fn failed(what: &str, e: impl std::fmt::Display) -> SearchError {
    SearchError::Backend(format!("OpenSearch {what}: {e}"))
}

impl OpenSearchStore {
    /// A store for index `index` at `url`; nothing is sent until the first use.
    pub fn new(
        url: &str,
        index: &str,
        embedder: Option<Arc<dyn Embedder>>,
        status: EmbeddingStatus,
    ) -> Result<Self, SearchError> {
        let url = Url::parse(url).map_err(|e| failed("URL", e))?;
        let transport = TransportBuilder::new(SingleNodeConnectionPool::new(url))
            .disable_proxy()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| failed("client", e))?;
        Ok(Self {
            client: OpenSearch::new(transport),
            index: index.to_string(),
            embedder,
            status,
            config: SearchConfig::default(),
            created: OnceCell::new(),
            count: AtomicUsize::new(0),
        })
    }

    /// Sends one request; answers the JSON body of a 2xx answer, else an error with OpenSearch's reason.
    async fn call(
        &self,
        method: Method,
        path: &str,
        payload: Option<String>,
        ndjson: bool,
    ) -> Result<Value, SearchError> {
        let mut headers = HeaderMap::new();
        let kind = if ndjson { "application/x-ndjson" } else { "application/json" };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
        let response = self
            .client
            .send::<String, ()>(method, path, headers, None, payload, Some(TIMEOUT))
            .await
            .map_err(|e| failed(path, e))?;
        let status = response.status_code();
        let answer: Value = response.json().await.map_err(|e| failed(path, e))?;
        if !status.is_success() {
            return Err(failed(path, format!("{status}: {}", answer["error"]["reason"])));
        }
        Ok(answer)
    }

    /// Creates the index with its mapping unless it exists.
    async fn ensure_index(&self) -> Result<(), SearchError> {
        self.created
            .get_or_try_init(|| async {
                let path = format!("/{}", self.index);
                let exists = self.client.send::<String, ()>(Method::Head, &path, HeaderMap::new(), None, None, None);
                let exists = exists.await.map_err(|e| failed(&path, e))?.status_code().is_success();
                if !exists {
                    let dimension = self.embedder.as_ref().map(|e| e.dimension());
                    self.call(Method::Put, &path, Some(body::mapping(dimension).to_string()), false).await?;
                }
                self.refresh_count().await
            })
            .await
            .map(|_| ())
    }

    async fn refresh_count(&self) -> Result<(), SearchError> {
        let answer = self.call(Method::Get, &format!("/{}/_count", self.index), None, false).await?;
        self.count.store(answer["count"].as_u64().unwrap_or_default() as usize, Ordering::SeqCst);
        Ok(())
    }

    async fn bulk(&self, docs: &[(DocKey, Value)], removed: &[DocKey]) -> Result<(), SearchError> {
        if docs.is_empty() && removed.is_empty() {
            return Ok(());
        }
        let payload = body::bulk(&self.index, docs, removed);
        let answer = self.call(Method::Post, "/_bulk?refresh=wait_for", Some(payload), true).await?;
        match body::bulk_failures(&answer).as_slice() {
            [] => Ok(()),
            [first, ..] => Err(failed("bulk", first)),
        }
    }

    /// Embeds documents off the async threads, as the embedded engine does.
    async fn vectors(&self, docs: &[SearchDocument]) -> Result<Vec<Option<Vec<f32>>>, SearchError> {
        let Some(embedder) = self.embedder.clone() else { return Ok(vec![None; docs.len()]) };
        let per_doc: Vec<Vec<String>> =
            docs.iter().map(|d| super::index::embedding_texts(d, self.config.document_text)).collect();
        tokio::task::spawn_blocking(move || {
            let texts: Vec<&str> = per_doc.iter().flatten().map(String::as_str).collect();
            let mut flat = embedder.embed(&texts)?.into_iter();
            Ok(per_doc.iter().map(|t| super::index::sum_normalized(flat.by_ref().take(t.len()))).collect())
        })
        .await
        .map_err(|e| failed("embedding task", e))?
    }

    async fn query_vector(&self, text: &str) -> Result<Option<Vec<f32>>, SearchError> {
        let Some(embedder) = self.embedder.clone() else { return Ok(None) };
        let text = text.to_string();
        let mut vectors = tokio::task::spawn_blocking(move || embedder.embed(&[text.as_str()]))
            .await
            .map_err(|e| failed("embedding task", e))??;
        Ok(vectors.pop())
    }

    async fn run_query(&self, mut query: SearchQuery) -> Result<KeyedHits, SearchError> {
        let mode = match (query.mode, &self.embedder) {
            (SearchMode::Semantic, None) => {
                let why = self.status.detail.clone().unwrap_or_else(|| self.status.status.clone());
                return Err(SearchError::SemanticUnavailable(why));
            }
            (SearchMode::Hybrid, None) => SearchMode::Lexical,
            (mode, _) => mode,
        };
        query.text = query.text.trim().to_string();
        let wanted = query.offset + query.limit;
        if query.text.is_empty() || wanted == 0 {
            return Ok((Vec::new(), mode));
        }
        self.ensure_index().await?;
        let pool = self.config.candidates.max(wanted);
        let search = format!("/{}/_search", self.index);
        let lexical = match mode {
            SearchMode::Semantic => Vec::new(),
            _ => {
                let q = body::lexical_query(&query.text, &query.filter, pool).to_string();
                body::hits(&self.call(Method::Post, &search, Some(q), false).await?)
            }
        };
        let semantic = match (mode, self.query_vector(&query.text).await?) {
            (SearchMode::Hybrid | SearchMode::Semantic, Some(vector)) => {
                let q = body::knn_query(&vector, &query.filter, pool).to_string();
                body::hits(&self.call(Method::Post, &search, Some(q), false).await?)
            }
            _ => Vec::new(),
        };
        Ok((fuse(lexical, semantic, &self.config, &query), mode))
    }
}

/// Fuses the two answers with the embedded engine's fusion; a document both found keeps the
/// lexical answer's highlights.
fn fuse(lexical: Vec<Hit>, semantic: Vec<Hit>, config: &SearchConfig, query: &SearchQuery) -> Vec<(DocKey, SearchHit)> {
    let mut table: Vec<Hit> = Vec::new();
    let slot_of = |hit: Hit, table: &mut Vec<Hit>| -> (u32, f32) {
        let score = hit.score;
        match table.iter().position(|h| h.key == hit.key) {
            Some(i) => (i as u32, score),
            None => {
                table.push(hit);
                (table.len() as u32 - 1, score)
            }
        }
    };
    let lexical: Vec<(u32, f32)> = lexical.into_iter().map(|h| slot_of(h, &mut table)).collect();
    let semantic: Vec<(u32, f32)> = semantic.into_iter().map(|h| slot_of(h, &mut table)).collect();
    let fused = fusion::fuse(&lexical, &semantic, config.fusion, query.offset + query.limit);
    fused
        .into_iter()
        .skip(query.offset)
        .filter_map(|f| {
            let hit = table.get(f.slot as usize)?;
            Some((
                hit.key,
                SearchHit {
                    id: 0,
                    key: hit.doc_key.clone(),
                    score: f.score,
                    lexical: f.lexical,
                    semantic: f.semantic,
                    title_highlight: hit.title.clone(),
                    highlight: hit.passage.clone(),
                },
            ))
        })
        .collect()
}

impl SearchBackend for OpenSearchStore {
    fn upsert(&self, docs: Vec<(DocKey, SearchDocument)>) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async move {
            self.ensure_index().await?;
            for chunk in docs.chunks(BULK) {
                let plain: Vec<SearchDocument> = chunk.iter().map(|(_, d)| d.clone()).collect();
                let vectors = self.vectors(&plain).await?;
                let sources: Vec<(DocKey, Value)> = chunk
                    .iter()
                    .zip(&vectors)
                    .map(|((key, doc), vector)| (*key, body::source(*key, doc, vector.as_deref())))
                    .collect();
                self.bulk(&sources, &[]).await?;
            }
            self.refresh_count().await
        })
    }

    fn remove(&self, keys: Vec<DocKey>) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async move {
            if keys.is_empty() {
                return Ok(());
            }
            self.ensure_index().await?;
            for chunk in keys.chunks(BULK) {
                self.bulk(&[], chunk).await?;
            }
            self.refresh_count().await
        })
    }

    fn search(&self, query: SearchQuery) -> BoxFuture<'_, Result<KeyedHits, SearchError>> {
        Box::pin(self.run_query(query))
    }

    fn fingerprints(&self) -> BoxFuture<'_, Result<HashMap<DocKey, u64>, SearchError>> {
        Box::pin(async move {
            self.ensure_index().await?;
            let path = format!("/{}/_search", self.index);
            let mut out = HashMap::new();
            let mut after: Option<Value> = None;
            loop {
                let q = body::fingerprints_query(PAGE, after.as_ref()).to_string();
                let (page, last) = body::fingerprints_page(&self.call(Method::Post, &path, Some(q), false).await?);
                let full = page.len() == PAGE;
                out.extend(page);
                if !full || last.is_none() {
                    return Ok(out);
                }
                after = last;
            }
        })
    }

    fn len(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    fn embedding_status(&self) -> EmbeddingStatus {
        self.status.clone()
    }

    fn name(&self) -> &'static str {
        "opensearch"
    }
}
