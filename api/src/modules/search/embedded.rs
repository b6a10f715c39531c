//! The embedded engine as a [`SearchBackend`]: a [`SearchIndex`] in this process's memory, with
//! the map between document keys and the engine's numeric ids. Its work runs on blocking
//! threads (indexing and queries may embed text).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use futures_util::future::BoxFuture;

use super::{
    DocKey, EmbeddingStatus, KeyedHits, SearchBackend, SearchDocument, SearchError, SearchIndex, SearchQuery,
    SearchResults,
};

/// A [`SearchIndex`] named by [`DocKey`]s.
pub struct EmbeddedStore {
    index: SearchIndex,
    ids: Mutex<IdMap>,
}

/// Document keys and the index's numeric document ids.
#[derive(Default)]
struct IdMap {
    numbers: HashMap<DocKey, i64>,
    keys: HashMap<i64, DocKey>,
}

impl IdMap {
    fn number(&mut self, key: DocKey) -> i64 {
        let next = self.numbers.len() as i64 + 1;
        let n = *self.numbers.entry(key).or_insert(next);
        self.keys.insert(n, key);
        n
    }
}

impl EmbeddedStore {
    /// An empty store over `index`.
    pub fn new(index: SearchIndex) -> Self {
        Self { index, ids: Mutex::new(IdMap::default()) }
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, IdMap> {
        self.ids.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn join_error(err: tokio::task::JoinError) -> SearchError {
    SearchError::Backend(format!("search task failed: {err}"))
}

impl SearchBackend for EmbeddedStore {
    fn upsert(&self, docs: Vec<(DocKey, SearchDocument)>) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async move {
            let docs: Vec<SearchDocument> = {
                let mut ids = self.ids();
                docs.into_iter().map(|(key, doc)| SearchDocument { id: ids.number(key), ..doc }).collect()
            };
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.upsert_blocking(docs)).await.map_err(join_error)?
        })
    }

    fn remove(&self, keys: Vec<DocKey>) -> BoxFuture<'_, Result<(), SearchError>> {
        Box::pin(async move {
            let numbers: Vec<i64> = {
                let ids = self.ids();
                keys.iter().filter_map(|k| ids.numbers.get(k).copied()).collect()
            };
            for n in numbers {
                self.index.remove_blocking(n);
            }
            Ok(())
        })
    }

    fn search(&self, query: SearchQuery) -> BoxFuture<'_, Result<KeyedHits, SearchError>> {
        Box::pin(async move {
            let index = self.index.clone();
            let SearchResults { hits, mode } =
                tokio::task::spawn_blocking(move || index.search_blocking(&query)).await.map_err(join_error)??;
            let ids = self.ids();
            Ok((hits.into_iter().filter_map(|h| ids.keys.get(&h.id).map(|k| (*k, h))).collect(), mode))
        })
    }

    fn fingerprints(&self) -> BoxFuture<'_, Result<HashMap<DocKey, u64>, SearchError>> {
        Box::pin(async move {
            let ids = self.ids();
            Ok(ids.numbers.iter().filter_map(|(k, n)| self.index.fingerprint(*n).map(|f| (*k, f))).collect())
        })
    }

    fn len(&self) -> usize {
        self.index.len()
    }

    fn embedding_status(&self) -> EmbeddingStatus {
        self.index.embedding_status()
    }

    fn name(&self) -> &'static str {
        "embedded"
    }
}
