//! Embedding tickets: the `ticket.embed` job (one ticket, after it was raised or its text
//! changed) and the `ticket.embed_backfill` job (every ticket without an embedding, e.g.
//! after an upgrade or a change of model). Both are idempotent: a ticket whose stored
//! embedding was made from its current text by the current model is skipped.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::index::SimilarIndex;
use super::store::{self, ModelId, TicketText};
use super::{BACKFILL_KIND, EMBED_KIND, ENTITY_TICKET_EMBEDDING};
use crate::error::ApiError;
use crate::infra::db::Writer;
use crate::modules::jobs::{JobContext, JobFailure, JobHandler};
use crate::modules::search::Embedder;
use crate::modules::search::changelog::{self, ChangeOp};

/// Tickets embedded per model call, and per transaction in a backfill.
const BATCH: usize = 16;

/// What a `ticket.embed` job is about.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedPayload {
    pub ticket_id: Uuid,
}

/// Embeds one ticket.
pub struct EmbedJob {
    index: Arc<SimilarIndex>,
}

impl EmbedJob {
    pub fn new(index: Arc<SimilarIndex>) -> Self {
        Self { index }
    }
}

/// Embeds every ticket that has no embedding by the current model.
pub struct BackfillJob {
    index: Arc<SimilarIndex>,
}

impl BackfillJob {
    pub fn new(index: Arc<SimilarIndex>) -> Self {
        Self { index }
    }
}

fn api(e: ApiError) -> JobFailure {
    JobFailure::retry(format!("{e:?}"))
}

#[async_trait::async_trait]
impl JobHandler for EmbedJob {
    fn kind(&self) -> &str {
        EMBED_KIND
    }

    fn concurrency(&self) -> usize {
        2
    }

    async fn run(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let payload: EmbedPayload = ctx.payload()?;
        // An instance without the model leaves the ticket for the backfill of one with it.
        let Some(embedder) = self.index.embedder().cloned() else { return Ok(()) };
        let tickets = store::texts(&ctx.db, &[payload.ticket_id]).await.map_err(api)?;
        embed(&ctx.db, &ctx.writer, embedder, tickets).await.map_err(api)?;
        self.index.nudge();
        Ok(())
    }
}

#[async_trait::async_trait]
impl JobHandler for BackfillJob {
    fn kind(&self) -> &str {
        BACKFILL_KIND
    }

    fn concurrency(&self) -> usize {
        1
    }

    async fn run(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let Some(embedder) = self.index.embedder().cloned() else { return Ok(()) };
        let index = self.index.clone();
        let done = backfill(&ctx.db, &ctx.writer, embedder, move |_| index.nudge()).await.map_err(api)?;
        tracing::info!(tickets = done, "similar tickets: backfill finished");
        Ok(())
    }
}

/// Embeds every live ticket without an embedding by `embedder`'s model, newest first, a
/// batch per transaction (an interrupted run keeps what it committed); `progress` hears the
/// running count after each batch. Answers the tickets embedded.
pub async fn backfill(
    db: &DatabaseConnection,
    writer: &Writer,
    embedder: Arc<dyn Embedder>,
    mut progress: impl FnMut(usize) + Send,
) -> Result<usize, ApiError> {
    let model = ModelId { name: embedder.name().to_string(), dims: embedder.dimension() };
    let mut before = None;
    let mut done = 0;
    loop {
        let batch = store::missing(db, &model, before, BATCH as u64).await?;
        let Some(last) = batch.last().map(|t| t.id) else { break };
        before = Some(last);
        done += embed(db, writer, embedder.clone(), batch).await?;
        progress(done);
    }
    Ok(done)
}

/// Whether some live ticket has no embedding by `model`.
pub async fn any_missing(conn: &impl ConnectionTrait, model: &ModelId) -> Result<bool, ApiError> {
    Ok(!store::missing(conn, model, None, 1).await?.is_empty())
}

/// Embeds `tickets` whose stored embedding is missing or stale, and writes each with a
/// change-log entry in one transaction. Answers how many were written.
pub async fn embed(
    db: &DatabaseConnection,
    writer: &Writer,
    embedder: Arc<dyn Embedder>,
    tickets: Vec<TicketText>,
) -> Result<usize, ApiError> {
    let model = ModelId { name: embedder.name().to_string(), dims: embedder.dimension() };
    let ids: Vec<Uuid> = tickets.iter().map(|t| t.id).collect();
    let stored: HashMap<Uuid, String> = store::fingerprints(db, &ids, &model).await?.into_iter().collect();
    let todo: Vec<(Uuid, String, String)> = tickets
        .into_iter()
        .map(|t| {
            let text = store::embedding_text(&t.title, &t.description);
            let fp = store::fingerprint(&text);
            (t.id, text, fp)
        })
        .filter(|(id, _, fp)| stored.get(id) != Some(fp))
        .collect();
    if todo.is_empty() {
        return Ok(0);
    }
    let texts: Vec<String> = todo.iter().map(|(_, text, _)| text.clone()).collect();
    let vectors = tokio::task::spawn_blocking(move || -> Result<Vec<Vec<f32>>, String> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(BATCH) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            out.extend(embedder.embed(&refs).map_err(|e| e.to_string())?);
        }
        Ok(out)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::internal(anyhow::anyhow!("embedding tickets: {e}")))?;

    let now = Utc::now().trunc_subsecs(6);
    let txn = writer.begin().await?;
    // The append lock first: a ticket deleted or edited meanwhile is seen as it now is, and
    // no entry of ours can follow its deletion's.
    changelog::serialise(&txn).await?;
    let current: HashMap<Uuid, String> = store::texts(&txn, &ids)
        .await?
        .into_iter()
        .map(|t| (t.id, store::fingerprint(&store::embedding_text(&t.title, &t.description))))
        .collect();
    let mut written = 0;
    for ((id, _, fp), vector) in todo.into_iter().zip(vectors) {
        // Edited since it was read: the job the edit enqueued embeds the new text.
        if current.get(&id) != Some(&fp) {
            continue;
        }
        store::save(&txn, id, &model, &vector, fp, now).await?;
        changelog::append(&txn, ENTITY_TICKET_EMBEDDING, id, ChangeOp::Upsert, now).await?;
        written += 1;
    }
    txn.commit().await?;
    Ok(written)
}
