//! The knowledge base's embedded search index: a [`LiveIndex`] over the articles.
//!
//! Published articles are found by everyone; drafts and articles in review are indexed too,
//! marked unpublished, and only searches that include drafts (writers') find them.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::search_feed::{self, ENTITY_KB_ARTICLE, IndexDocument};
use crate::error::ApiError;
use crate::modules::search::live::{LiveIndex, Source, SourceDocument, shared_embedder};
use crate::modules::search::opensearch::OpenSearchStore;
use crate::modules::search::{EmbeddingOptions, SearchDocument, SearchError};
use crate::settings::Settings;

/// The articles as a search [`Source`].
pub struct KbSource;

/// The article index.
pub type KbSearch = LiveIndex<KbSource>;

impl Source for KbSource {
    const ENTITY: &'static str = ENTITY_KB_ARTICLE;

    async fn documents(db: &DatabaseConnection, ids: Option<Vec<Uuid>>) -> Result<Vec<SourceDocument>, ApiError> {
        let docs = search_feed::documents(db, ids.as_deref()).await?;
        Ok(docs.into_iter().map(|d| SourceDocument { entity_id: d.id, part: 0, doc: to_search(d) }).collect())
    }
}

/// An empty article index with the configured embedding model (or none), in OpenSearch when
/// one is configured, else in memory; `run` fills it.
pub fn new_index(settings: &Settings) -> Result<Arc<KbSearch>, SearchError> {
    let (embedder, status) = shared_embedder(&EmbeddingOptions::from_settings(settings));
    Ok(match &settings.opensearch_url {
        Some(url) => {
            let index = format!("{}-kb", settings.opensearch_index_prefix);
            KbSearch::new(Arc::new(OpenSearchStore::new(url, &index, embedder, status)?))
        }
        None => KbSearch::embedded(embedder, status),
    })
}

fn to_search(d: IndexDocument) -> SearchDocument {
    SearchDocument {
        id: 0,
        key: d.slug,
        title: d.title,
        summary: d.summary.unwrap_or_default(),
        tags: d.tags,
        category: Some(d.category),
        body: d.body_markdown,
        published: d.published,
    }
}
