//! Ticket text search: the `q` filter of the ticket list, on the same engine as the knowledge
//! base (BM25F with typo tolerance), over title, description and comments.
//!
//! Every ticket is a public document (title, description, public replies, tags). A ticket with
//! internal notes is also a full document that includes them, marked unpublished: only people
//! who may read internal notes search full documents, so nobody finds a ticket by words they
//! could not read on it. Which tickets a person may see is still decided by the database: the
//! index answers candidate ids, the list query keeps the visible ones.
//!
//! Every committed ticket change appends to the `search_changes` log in its own transaction
//! ([`record`]); the index follows the log like the article index does.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::{ticket, ticket_comment};
use crate::error::ApiError;
use crate::modules::auth::Access;
use crate::modules::kb::KbService;
use crate::modules::search::changelog::{self, ChangeOp};
use crate::modules::search::live::{LiveIndex, Source, SourceDocument};
use crate::modules::search::opensearch::OpenSearchStore;
use crate::modules::search::{EmbeddingStatus, SearchDocument, SearchError, SearchFilter, SearchMode, SearchQuery};
use crate::settings::Settings;
use crate::state::AppState;
use shared_types::kb::KbSuggestionDto;

/// The `entity` of ticket rows in the change log.
pub const ENTITY_TICKET: &str = "ticket";

/// Candidates a text filter considers, best first; the list shows the visible ones among them.
pub const MAX_MATCHES: usize = 1_000;

/// Tickets read per query while building the index.
const CHUNK: usize = 500;

/// The tickets as a search [`Source`].
pub struct TicketSource;

/// The ticket index.
pub type TicketSearch = LiveIndex<TicketSource>;

/// An empty, lexical ticket index, in OpenSearch when one is configured, else in memory;
/// `run` fills it.
pub fn new_index(settings: &Settings) -> Result<Arc<TicketSearch>, SearchError> {
    let status = EmbeddingStatus {
        status: "disabled".into(),
        model: None,
        detail: Some("tickets are searched by words".into()),
    };
    Ok(match &settings.opensearch_url {
        Some(url) => {
            let index = format!("{}-tickets", settings.opensearch_index_prefix);
            TicketSearch::new(Arc::new(OpenSearchStore::new(url, &index, None, status)?))
        }
        None => TicketSearch::embedded(None, status),
    })
}

/// Appends "index ticket `id` again" to the change log, in the change's transaction, as its
/// last write before commit (see [`changelog`] on lock order).
pub async fn record(conn: &impl ConnectionTrait, id: Uuid, deleted: bool, now: DateTime<Utc>) -> Result<(), ApiError> {
    let op = if deleted { ChangeOp::Delete } else { ChangeOp::Upsert };
    changelog::append(conn, ENTITY_TICKET, id, op, now).await
}

/// Ticket ids matching `text`, best first, at most [`MAX_MATCHES`]; internal notes count only
/// when `internal` (the caller may read them).
pub async fn matching(index: &TicketSearch, text: &str, internal: bool) -> Result<Vec<Uuid>, SearchError> {
    let filter = SearchFilter { published_only: !internal, ..SearchFilter::default() };
    let query = SearchQuery { text: text.into(), filter, mode: SearchMode::Lexical, offset: 0, limit: MAX_MATCHES };
    let (hits, _) = index.search_parts(query).await?;
    // A ticket may match as both documents; the better (first) one ranks it.
    let mut seen = std::collections::HashSet::new();
    Ok(hits.into_iter().map(|(id, _, _)| id).filter(|id| seen.insert(*id)).collect())
}

/// The three published articles that best match a ticket's text. Search trouble is
/// logged and gives no suggestions: it never fails the ticket.
pub async fn suggest_articles(state: &AppState, user: &Access, text: &str) -> Vec<KbSuggestionDto> {
    // Long descriptions (pasted logs) add little to the match and cost embedding time.
    let text: String = text.chars().take(1_000).collect();
    let query = SearchQuery { limit: 3, ..SearchQuery::new(text) };
    if let Err(e) = state.kb_search.sync(&state.db).await {
        tracing::warn!(error = ?e, "article suggestions may miss the newest changes");
    }
    let found = match state.kb_search.search(query).await {
        Ok((found, _)) => found,
        Err(e) => {
            tracing::warn!(error = %e, "article suggestions unavailable");
            return Vec::new();
        }
    };
    let ids: Vec<Uuid> = found.iter().map(|(id, _)| *id).collect();
    let articles = match KbService::new(state).summaries_by_ids(user, &ids).await {
        Ok(articles) => articles,
        Err(e) => {
            tracing::warn!(error = ?e, "article suggestions unavailable");
            return Vec::new();
        }
    };
    articles
        .into_iter()
        .filter_map(|a| {
            let (_, hit) = found.iter().find(|(id, _)| *id == a.id)?;
            Some(KbSuggestionDto { id: a.id, slug: a.slug, title: a.title, summary: a.summary, score: hit.score })
        })
        .collect()
}

impl Source for TicketSource {
    const ENTITY: &'static str = ENTITY_TICKET;

    async fn documents(db: &DatabaseConnection, ids: Option<Vec<Uuid>>) -> Result<Vec<SourceDocument>, ApiError> {
        let mut out = Vec::new();
        match ids {
            Some(ids) => {
                for chunk in ids.chunks(CHUNK) {
                    out.extend(chunk_documents(db, Some(chunk)).await?);
                }
            }
            None => {
                // Keyset pages by id, so a large table is never read in one answer.
                let mut after: Option<Uuid> = None;
                loop {
                    let mut query = ticket::Entity::find()
                        .filter(ticket::Column::DeletedAt.is_null())
                        .order_by_asc(ticket::Column::Id);
                    if let Some(after) = after {
                        query = query.filter(ticket::Column::Id.gt(after));
                    }
                    let page: Vec<Uuid> = sea_orm::QuerySelect::limit(query, CHUNK as u64)
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|t| t.id)
                        .collect();
                    let Some(last) = page.last().copied() else { break };
                    out.extend(chunk_documents(db, Some(&page)).await?);
                    after = Some(last);
                }
            }
        }
        Ok(out)
    }
}

/// The documents of the live tickets among `ids`.
async fn chunk_documents(db: &DatabaseConnection, ids: Option<&[Uuid]>) -> Result<Vec<SourceDocument>, ApiError> {
    let ids = ids.unwrap_or_default();
    let tickets = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(ids.iter().copied()))
        .filter(ticket::Column::DeletedAt.is_null())
        .order_by_asc(ticket::Column::Id)
        .all(db)
        .await?;
    let live: Vec<Uuid> = tickets.iter().map(|t| t.id).collect();
    let mut comments: HashMap<Uuid, Vec<ticket_comment::Model>> = HashMap::new();
    for c in ticket_comment::Entity::find()
        .filter(ticket_comment::Column::TicketId.is_in(live.iter().copied()))
        .order_by_asc(ticket_comment::Column::CreatedAt)
        .order_by_asc(ticket_comment::Column::Id)
        .all(db)
        .await?
    {
        comments.entry(c.ticket_id).or_default().push(c);
    }
    let mut tags = super::repo::tags_of(db, &live).await?;
    Ok(tickets
        .into_iter()
        .flat_map(|t| {
            let thread = comments.remove(&t.id).unwrap_or_default();
            documents_of(t.clone(), &thread, tags.remove(&t.id).unwrap_or_default())
        })
        .collect())
}

/// A ticket's public document and, when it has internal notes, its full one.
fn documents_of(t: ticket::Model, thread: &[ticket_comment::Model], tags: Vec<String>) -> Vec<SourceDocument> {
    let join = |internal: bool| {
        thread.iter().filter(|c| internal || !c.is_internal).map(|c| c.body.as_str()).collect::<Vec<_>>().join("\n\n")
    };
    let doc = |body: String, published: bool| SearchDocument {
        id: 0,
        key: t.ticket_number.clone(),
        title: t.title.clone(),
        summary: t.description.clone(),
        tags: tags.clone(),
        category: None,
        body,
        published,
    };
    let mut docs = vec![SourceDocument { entity_id: t.id, part: 0, doc: doc(join(false), true) }];
    if thread.iter().any(|c| c.is_internal) {
        docs.push(SourceDocument { entity_id: t.id, part: 1, doc: doc(join(true), false) });
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(body: &str, internal: bool) -> ticket_comment::Model {
        ticket_comment::Model {
            id: Uuid::now_v7(),
            ticket_id: Uuid::nil(),
            author_id: Uuid::nil(),
            body: body.into(),
            is_internal: internal,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn ticket() -> ticket::Model {
        crate::modules::tickets::lifecycle::raised(
            "TKT-20261126-00001".into(),
            "Printer jammed",
            "Floor 2 printer",
            shared_types::tickets::TicketPriority::Low,
            Uuid::nil(),
            Utc::now(),
        )
    }

    #[test]
    fn internal_notes_only_in_the_full_document() {
        let public = documents_of(ticket(), &[comment("try tray 2", false)], vec![]);
        assert_eq!(public.len(), 1);
        assert!(public[0].doc.published && public[0].doc.body == "try tray 2");

        let both = documents_of(ticket(), &[comment("try tray 2", false), comment("fuser broken", true)], vec![]);
        assert_eq!(both.len(), 2);
        assert!(!both[0].doc.body.contains("fuser"));
        assert_eq!((both[1].part, both[1].doc.published), (1, false));
        assert!(both[1].doc.body.contains("fuser") && both[1].doc.body.contains("tray 2"));
    }
}
