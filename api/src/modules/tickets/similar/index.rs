//! [`SimilarIndex`]: the vectors of the tickets that may be listed as similar, in this
//! instance's memory, kept equal to the tables by following the `search_changes` log.
//!
//! At start the index reads the stored embeddings (`ticket_embeddings`, written by the
//! `ticket.embed` job: nothing is embedded again), in pages, in a background task, so a
//! large table never delays the start. Afterwards every `ticket` entry (status, assignment,
//! team, deletion) and `ticket_embedding` entry (a new vector) makes it read that ticket
//! again. Only tickets that are open, or were resolved or closed within the window, are
//! kept; a ticket whose window ends while it is held is skipped at query time.
//!
//! Each entry carries the columns of row-level visibility, so a search considers only the
//! tickets the caller may see; the database still checks the few it answers.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::ENTITY_TICKET_EMBEDDING;
use super::store::{self, ModelId, TicketFacts};
use crate::error::ApiError;
use crate::modules::auth::TicketScope;
use crate::modules::search::changelog::SearchChange;
use crate::modules::search::follow::{self, Follower, LogCursor};
use crate::modules::search::vector::VectorIndex;
use crate::modules::search::{Embedder, EmbeddingStatus};
use crate::modules::tickets::search::ENTITY_TICKET;

/// Embeddings read per query while building.
const PAGE: u64 = 1_000;

/// The vectors of listable tickets, and how far the change log has been applied.
pub struct SimilarIndex {
    embedder: Option<Arc<dyn Embedder>>,
    status: EmbeddingStatus,
    window: chrono::TimeDelta,
    entries: RwLock<Entries>,
    cursor: LogCursor,
}

/// One listable ticket.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    facts: TicketFacts,
    settled_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
struct Entries {
    slots: HashMap<Uuid, u32>,
    meta: Vec<Option<Entry>>,
    free: Vec<u32>,
    vectors: VectorIndex,
}

impl Entries {
    fn put(&mut self, facts: TicketFacts, vector: &[f32]) {
        if vector.len() != self.vectors.dimension() {
            return self.take(facts.id);
        }
        let slot = match self.slots.get(&facts.id) {
            Some(slot) => *slot,
            None => self.free.pop().unwrap_or(self.meta.len() as u32),
        };
        self.vectors.insert(slot, vector);
        if self.meta.len() <= slot as usize {
            self.meta.resize(slot as usize + 1, None);
        }
        self.slots.insert(facts.id, slot);
        self.meta[slot as usize] = Some(Entry { settled_at: facts.settled_at(), facts });
    }

    fn take(&mut self, id: Uuid) {
        if let Some(slot) = self.slots.remove(&id) {
            self.vectors.remove(slot);
            self.meta[slot as usize] = None;
            self.free.push(slot);
        }
    }
}

/// Whether `scope` lets its user see the ticket: the rule of `repo::visible`, applied to
/// the copy held here.
fn visible(facts: &TicketFacts, scope: &TicketScope) -> bool {
    match scope {
        TicketScope::All => true,
        TicketScope::Teams { user_id, team_ids } => {
            facts.created_by == *user_id
                || facts.assigned_to == Some(*user_id)
                || facts.team_id.is_some_and(|t| team_ids.contains(&t))
        }
        TicketScope::Own { user_id } => facts.created_by == *user_id,
    }
}

/// Open, or resolved or closed at or after `since`.
pub fn listable(settled_at: Option<DateTime<Utc>>, since: DateTime<Utc>) -> bool {
    settled_at.is_none_or(|t| t >= since)
}

impl SimilarIndex {
    /// An empty index; `run` fills it. Without an embedder it stays empty.
    pub fn new(embedder: Option<Arc<dyn Embedder>>, status: EmbeddingStatus, resolved_days: u64) -> Arc<Self> {
        let dims = embedder.as_ref().map_or(0, |e| e.dimension());
        let entries =
            Entries { slots: HashMap::new(), meta: Vec::new(), free: Vec::new(), vectors: VectorIndex::new(dims) };
        Arc::new(Self {
            embedder,
            status,
            window: i64::try_from(resolved_days)
                .ok()
                .and_then(chrono::TimeDelta::try_days)
                .unwrap_or(chrono::TimeDelta::MAX),
            entries: RwLock::new(entries),
            cursor: LogCursor::default(),
        })
    }

    /// The model, when one is loaded.
    pub fn embedder(&self) -> Option<&Arc<dyn Embedder>> {
        self.embedder.as_ref()
    }

    /// Whether similarity is computed, and why not.
    pub fn embedding_status(&self) -> &EmbeddingStatus {
        &self.status
    }

    /// The model embeddings must come from.
    pub fn model(&self) -> Option<ModelId> {
        self.embedder.as_ref().map(|e| ModelId { name: e.name().to_string(), dims: e.dimension() })
    }

    /// Resolved and closed tickets are listed while settled at or after this.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now.checked_sub_signed(self.window).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Whether the first build finished.
    pub fn is_ready(&self) -> bool {
        self.cursor.is_ready()
    }

    /// Tickets held.
    pub fn len(&self) -> usize {
        self.read().slots.len()
    }

    /// Whether no ticket is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Tells the task this instance committed a change.
    pub fn nudge(&self) {
        self.cursor.nudge();
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Entries> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Up to `limit` tickets `scope` may see, listable at `now`, other than `exclude`, most
    /// similar to `query` first, with their cosine similarity (at least `min`).
    pub fn nearest(
        &self,
        query: &[f32],
        exclude: Uuid,
        scope: &TicketScope,
        now: DateTime<Utc>,
        min: f32,
        limit: usize,
    ) -> Vec<(Uuid, f32)> {
        let since = self.since(now);
        let entries = self.read();
        let accept = |slot: u32| {
            entries
                .meta
                .get(slot as usize)
                .and_then(Option::as_ref)
                .is_some_and(|e| e.facts.id != exclude && listable(e.settled_at, since) && visible(&e.facts, scope))
        };
        entries
            .vectors
            .search(query, accept, limit)
            .into_iter()
            .filter(|(_, score)| *score >= min)
            .filter_map(|(slot, score)| Some((entries.meta.get(slot as usize)?.as_ref()?.facts.id, score)))
            .collect()
    }

    /// Loads the stored embeddings, then follows the change log until the process ends.
    pub async fn run(self: Arc<Self>, db: DatabaseConnection) {
        if self.embedder.is_some() {
            follow::run(self.as_ref(), &db).await;
        }
    }

    /// Reads `ids` from the tables: listable ones with a vector are (re)placed, others dropped.
    async fn load(&self, db: &DatabaseConnection, model: &ModelId, ids: &[Uuid]) -> Result<(), ApiError> {
        let since = self.since(Utc::now());
        let facts: HashMap<Uuid, TicketFacts> = store::facts(db, ids)
            .await?
            .into_iter()
            .filter(|f| listable(f.settled_at(), since))
            .map(|f| (f.id, f))
            .collect();
        let wanted: Vec<Uuid> = facts.keys().copied().collect();
        let mut vectors: HashMap<Uuid, Vec<f32>> = store::vectors(db, &wanted, model).await?.into_iter().collect();
        let mut facts = facts;
        let mut entries = self.write();
        for id in ids {
            match (facts.remove(id), vectors.remove(id)) {
                (Some(f), Some(v)) => entries.put(f, &v),
                _ => entries.take(*id),
            }
        }
        Ok(())
    }

    /// Applies every change committed before the call (see [`follow::sync`]).
    pub async fn sync(&self, db: &DatabaseConnection) -> Result<(), ApiError> {
        follow::sync(self, db).await
    }
}

impl Follower for SimilarIndex {
    fn cursor(&self) -> &LogCursor {
        &self.cursor
    }

    /// Reads every stored embedding of the listable tickets.
    async fn rebuild(&self, db: &DatabaseConnection) -> Result<(), ApiError> {
        let Some(model) = self.model() else { return Ok(()) };
        let mut after = None;
        loop {
            let ids = store::embedded_after(db, &model, after, PAGE).await?;
            let Some(last_id) = ids.last().copied() else { break };
            self.load(db, &model, &ids).await?;
            after = Some(last_id);
        }
        Ok(())
    }

    /// Reads again the tickets the entries name (a ticket's own change, or a new vector).
    async fn apply(&self, db: &DatabaseConnection, changes: &[SearchChange]) -> Result<(), ApiError> {
        let Some(model) = self.model() else { return Ok(()) };
        let mut touched: Vec<Uuid> = changes
            .iter()
            .filter(|c| c.entity == ENTITY_TICKET || c.entity == ENTITY_TICKET_EMBEDDING)
            .map(|c| c.entity_id)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for chunk in touched.chunks(PAGE as usize) {
            self.load(db, &model, chunk).await?;
        }
        Ok(())
    }

    fn built(&self) {
        tracing::info!(tickets = self.len(), "similar tickets: embeddings loaded");
    }

    fn name(&self) -> &'static str {
        "similar tickets"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(id: u128, created_by: u128, status: &str) -> TicketFacts {
        TicketFacts {
            id: Uuid::from_u128(id),
            created_by: Uuid::from_u128(created_by),
            assigned_to: None,
            team_id: None,
            status: status.into(),
            resolved_at: None,
            closed_at: None,
        }
    }

    fn index() -> Arc<SimilarIndex> {
        let status = EmbeddingStatus { status: "ok".into(), model: None, detail: None };
        let index = SimilarIndex::new(None, status, 30);
        *index.write() =
            Entries { slots: HashMap::new(), meta: Vec::new(), free: Vec::new(), vectors: VectorIndex::new(2) };
        index
    }

    #[test]
    fn nearest_keeps_to_the_callers_tickets_the_window_and_the_floor() {
        let index = index();
        let now = Utc::now();
        let mut old = facts(3, 10, "resolved");
        old.resolved_at = Some(now - chrono::TimeDelta::days(31));
        let mut recent = facts(4, 10, "closed");
        recent.closed_at = Some(now - chrono::TimeDelta::days(2));
        {
            let mut e = index.write();
            e.put(facts(1, 10, "open"), &[1.0, 0.0]);
            e.put(facts(2, 20, "new"), &[0.995, 0.0998]);
            e.put(old, &[1.0, 0.0]);
            e.put(recent, &[0.8, 0.6]);
            e.put(facts(5, 10, "open"), &[0.0, 1.0]);
        }
        let ids = |hits: Vec<(Uuid, f32)>| hits.into_iter().map(|h| h.0.as_u128()).collect::<Vec<_>>();
        let all = TicketScope::All;
        assert_eq!(ids(index.nearest(&[1.0, 0.0], Uuid::from_u128(1), &all, now, 0.5, 10)), [2, 4]);
        let own = TicketScope::Own { user_id: Uuid::from_u128(10) };
        assert_eq!(ids(index.nearest(&[1.0, 0.0], Uuid::from_u128(1), &own, now, 0.5, 10)), [4]);
        assert_eq!(ids(index.nearest(&[1.0, 0.0], Uuid::from_u128(1), &own, now, 0.0, 10)), [4, 5]);
        index.write().take(Uuid::from_u128(4));
        assert_eq!(ids(index.nearest(&[1.0, 0.0], Uuid::from_u128(1), &all, now, 0.5, 10)), [2]);
        // A freed slot is reused.
        index.write().put(facts(6, 10, "open"), &[1.0, 0.0]);
        assert_eq!((index.len(), index.read().meta.len()), (5, 5));
    }

    #[test]
    fn team_scope_sees_its_teams_and_its_own() {
        let team = Uuid::from_u128(7);
        let me = Uuid::from_u128(10);
        let scope = TicketScope::Teams { user_id: me, team_ids: vec![team] };
        let mut t = facts(1, 20, "open");
        assert!(!visible(&t, &scope));
        t.team_id = Some(team);
        assert!(visible(&t, &scope));
        t.team_id = None;
        t.assigned_to = Some(me);
        assert!(visible(&t, &scope));
    }
}
