//! Similar tickets: on a ticket's page, the open and recently settled tickets that read like
//! it, to spot duplicates.
//!
//! Each ticket's public text (title and description, never internal notes) is embedded by
//! the `ticket.embed` job, enqueued in the transaction that raises the ticket or changes its
//! text, and kept in `ticket_embeddings` ([`store`]). The job appends a `ticket_embedding`
//! entry to the `search_changes` log in its own transaction, so every instance's
//! [`SimilarIndex`] picks the vector up; the index also follows `ticket` entries, which tell
//! it about status, assignment and deletion. Tickets raised before this existed, or embedded
//! by another model, are embedded by the `ticket.embed_backfill` job that start-up queues
//! when any are missing (or `helpdesk tickets embed`).
//!
//! Without an embedding model (`HELPDESK_SEARCH_EMBEDDINGS=false`, or none installed) no job
//! is registered or enqueued, and the endpoint answers an empty list with status
//! `unavailable`.

pub mod index;
pub mod job;
pub mod routes;
mod service;
pub mod store;

use std::sync::Arc;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

pub use index::SimilarIndex;
pub use service::parse_limit;

use crate::modules::jobs::{EnqueueOptions, JobError, JobRegistry, Jobs};
use crate::modules::search::EmbeddingOptions;
use crate::modules::search::live::shared_embedder;
use crate::settings::Settings;

/// The job embedding one ticket.
pub const EMBED_KIND: &str = "ticket.embed";
/// The job embedding every ticket that has no embedding yet.
pub const BACKFILL_KIND: &str = "ticket.embed_backfill";
/// The `search_changes.entity` of a written embedding.
pub const ENTITY_TICKET_EMBEDDING: &str = "ticket_embedding";

/// An empty index with the model the settings allow (the one knowledge-base search uses);
/// `SimilarIndex::run` fills it.
pub fn new_index(settings: &Settings) -> Arc<SimilarIndex> {
    let (embedder, status) = shared_embedder(&EmbeddingOptions::from_settings(settings));
    SimilarIndex::new(embedder, status, settings.similar_resolved_days)
}

/// Adds the embedding jobs to `registry` when a model is loaded.
pub fn register(registry: &mut JobRegistry, index: &Arc<SimilarIndex>) {
    if index.embedder().is_some() {
        registry.register(job::EmbedJob::new(index.clone()));
        registry.register(job::BackfillJob::new(index.clone()));
    }
}

/// Enqueues embedding ticket `ticket_id` on `conn` (the transaction raising it or changing
/// its text); answers whether a job was written (not without a model).
pub async fn enqueue_embedding(jobs: &Jobs, conn: &impl ConnectionTrait, ticket_id: Uuid) -> Result<bool, JobError> {
    if jobs.registry().get(EMBED_KIND).is_none() {
        return Ok(false);
    }
    jobs.enqueue(conn, EMBED_KIND, &job::EmbedPayload { ticket_id }, EnqueueOptions::default()).await?;
    Ok(true)
}

/// Queues the backfill when some ticket has no embedding by the current model (once: a
/// queued or running backfill is not queued again). Reading which tickets lack one is a
/// single query, run by the caller in the background at start-up.
pub async fn schedule_backfill(
    jobs: &Jobs,
    db: &sea_orm::DatabaseConnection,
    index: &SimilarIndex,
) -> Result<bool, crate::error::ApiError> {
    let Some(model) = index.model() else { return Ok(false) };
    if jobs.registry().get(BACKFILL_KIND).is_none() || !job::any_missing(db, &model).await? {
        return Ok(false);
    }
    let opts = EnqueueOptions { dedupe_key: Some(BACKFILL_KIND.into()), ..EnqueueOptions::default() };
    jobs.enqueue(db, BACKFILL_KIND, &serde_json::json!({}), opts).await?;
    jobs.wake().await;
    Ok(true)
}
