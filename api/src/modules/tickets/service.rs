//! The ticket rules: who may do what, and what each action writes.
//!
//! Every change runs in one write transaction that also writes its history
//! rows and audit entry; events go out after commit and never fail the
//! request. PATCH, assign and close update with `WHERE version = ?`, so of
//! two concurrent writers exactly one wins and the other gets 412.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::json;
use shared_types::Permission;
use shared_types::tickets::{
    CreateTicketRequest, HistoryEntryDto, TicketDetailDto, TicketDto, TicketListQuery, TicketPriority, TicketStatus,
};
use shared_types::validation::{normalise_tag, validate_create_ticket};
use uuid::Uuid;

use super::events::{EVENT_TOPIC, TicketEvent};
use super::filter::{ListFilter, like_pattern};
use super::repo::{self, Change};
use super::{dto, lifecycle, numbering, search};
use crate::entities::ticket;
use crate::error::{ApiError, ErrorKind};
use crate::modules::audit::{self, AuditEntry, ClientInfo};
use crate::modules::auth::Access;
use crate::paging::Paging;
use crate::state::AppState;

/// 404 for a ticket that is missing, deleted or not visible to the caller.
pub fn not_found() -> ApiError {
    ApiError::not_found("ticket_not_found", "No such ticket")
}

/// 412 when the ticket has moved past the version the client knows.
pub fn version_mismatch() -> ApiError {
    ApiError::new(
        ErrorKind::PreconditionFailed,
        "version_mismatch",
        "The ticket has changed since you read it; reload and try again",
    )
}

/// 409 for changes to a closed ticket.
pub fn ticket_closed() -> ApiError {
    ApiError::conflict("ticket_closed", "The ticket is closed")
}

/// An `If-Match` header: `*`, or entity tags quoted or not, weak or strong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any version.
    Any,
    /// These tags.
    Tags(Vec<String>),
}

impl IfMatch {
    /// Reads a header value.
    pub fn parse(header: &str) -> Self {
        if header.trim() == "*" {
            return IfMatch::Any;
        }
        let tags = header
            .split(',')
            .map(|t| {
                let t = t.trim();
                let t = t.strip_prefix("W/").unwrap_or(t);
                t.trim_matches('"').to_string()
            })
            .filter(|t| !t.is_empty())
            .collect();
        IfMatch::Tags(tags)
    }

    /// Whether `version` satisfies the header.
    pub fn matches(&self, version: i32) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|t| *t == version.to_string()),
        }
    }
}

/// The `ETag` of a ticket version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// A page of tickets with what the list envelope needs.
#[derive(Debug)]
pub struct TicketPage {
    /// The tickets.
    pub data: Vec<TicketDto>,
    /// Matches over all pages.
    pub total: u64,
    /// The page asked for.
    pub paging: Paging,
}

/// Tags as stored: normalised, first spelling kept, no repeats.
pub fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags.iter().map(|t| normalise_tag(t)) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The ticket operations, over the application's state.
pub struct TicketService<'a> {
    pub(super) state: &'a AppState,
}

impl<'a> TicketService<'a> {
    /// A service over `state`.
    pub fn new(state: &'a AppState) -> Self {
        Self { state }
    }

    /// Now, to the microsecond both databases store.
    pub(super) fn now(&self) -> DateTime<Utc> {
        self.state.clock.now().trunc_subsecs(6)
    }

    /// Announces `event` to every instance; a failure is only logged (the change is
    /// committed; clients that missed it refetch on their next resync or reload).
    /// Announces a committed change: to the search index on this instance, and as an event.
    pub(super) async fn publish(&self, event: TicketEvent) {
        self.state.ticket_search.nudge();
        self.state.similar_tickets.nudge();
        let payload = match serde_json::to_string(&event) {
            Ok(p) => p,
            Err(e) => return tracing::error!(error = %e, "could not encode a ticket event"),
        };
        if let Err(e) = self.state.bus.publish(EVENT_TOPIC, &payload).await {
            tracing::warn!(error = %e, event = event.kind, ticket_id = %event.ticket_id, "could not publish a ticket event");
        }
    }

    /// The visible ticket `id`, read inside `txn`, or 404.
    pub(super) async fn load(
        &self,
        txn: &DatabaseTransaction,
        user: &Access,
        id: Uuid,
    ) -> Result<ticket::Model, ApiError> {
        repo::find_visible(txn, &user.ticket_scope(), id).await?.ok_or_else(not_found)
    }

    /// [`Self::load`], refusing a closed ticket (409): closed is final, so it
    /// takes no comments, assignment or closing. Answers the current status.
    pub(super) async fn load_open(
        &self,
        txn: &DatabaseTransaction,
        user: &Access,
        id: Uuid,
    ) -> Result<(ticket::Model, TicketStatus), ApiError> {
        let ticket = self.load(txn, user, id).await?;
        let status = dto::status_of(&ticket)?;
        if status == TicketStatus::Closed {
            return Err(ticket_closed());
        }
        Ok((ticket, status))
    }

    /// The team tickets of category `id` are routed to; 422 unless `id` names an active category.
    pub(super) async fn check_category(&self, conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Uuid>, ApiError> {
        match repo::active_category(conn, id).await? {
            Some(category) => Ok(category.team_id),
            None => Err(ApiError::invalid_field("categoryId", "no active category has this id")),
        }
    }

    /// A page of the tickets the caller may see.
    pub async fn list(&self, user: &Access, query: &TicketListQuery) -> Result<TicketPage, ApiError> {
        let (mut filter, paging) = ListFilter::parse(query, user.user_id)?;
        let db = &self.state.db;
        let scope = user.ticket_scope();
        if let Some(text) = &filter.text {
            let index = &self.state.ticket_search;
            if index.is_ready() {
                index.sync(db).await?;
                let internal = user.has(Permission::TicketCommentInternal);
                filter.ids = Some(search::matching(index, text, internal).await.map_err(ApiError::internal)?);
            } else {
                // Only in the first moments after a start, while the index is built.
                filter.like = Some(like_pattern(text));
                filter.relevance = false;
            }
        }
        let (rows, total) = match &filter.ids {
            Some(ids) if ids.is_empty() => (Vec::new(), 0),
            Some(ids) if filter.relevance => repo::list_ranked(db, &scope, &filter, ids, paging).await?,
            _ => repo::list(db, &scope, &filter, paging).await?,
        };
        Ok(TicketPage { data: dto::tickets(db, rows).await?, total, paging })
    }

    /// Raises a ticket: number, SLA deadlines, tags, history and audit in one transaction.
    pub async fn create(
        &self,
        user: &Access,
        req: CreateTicketRequest,
        client: &ClientInfo,
    ) -> Result<TicketDto, ApiError> {
        user.require(Permission::TicketCreate)?;
        ApiError::check(validate_create_ticket(&req))?;
        let team = match req.category_id {
            Some(category) => self.check_category(&self.state.db, category).await?,
            None => None,
        };
        let priority = req.priority.unwrap_or(TicketPriority::Medium);
        let tags = normalise_tags(req.tags.as_deref().unwrap_or_default());
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let number = numbering::next(&txn, now).await?;
        let mut model = lifecycle::raised(number, &req.title, &req.description, priority, user.user_id, now);
        model.category_id = req.category_id;
        // The category's team, if it has one, gets the ticket in its queue.
        model.team_id = team;
        repo::insert(&txn, model.clone()).await?;
        repo::set_tags(&txn, model.id, &tags).await?;
        let created = Change::new("created", None, Some(model.ticket_number.clone()));
        repo::record_history(&txn, model.id, user.user_id, &[created], now).await?;
        let entry = AuditEntry::by(user, "ticket:create", "ticket", Some(model.id)).details(json!({
            "ticketNumber": model.ticket_number,
            "title": model.title,
            "priority": model.priority,
            "categoryId": model.category_id,
            "teamId": model.team_id,
            "tags": tags,
        }));
        audit::record(&txn, entry, client, now).await?;
        search::record(&txn, model.id, false, now).await?;
        let triage = crate::modules::ai::enqueue_triage(&self.state.jobs, &self.state.settings, &txn, model.id).await?;
        let embed = super::similar::enqueue_embedding(&self.state.jobs, &txn, model.id).await?;
        txn.commit().await?;
        if triage || embed {
            self.state.jobs.wake().await;
        }
        self.publish(TicketEvent::new("ticket.created", &model, user.user_id)).await;
        dto::ticket(&self.state.db, model).await
    }

    /// Whether the caller may see ticket `id` (it exists, is not deleted, and row-level
    /// visibility lets them).
    pub async fn is_visible(&self, user: &Access, id: Uuid) -> Result<bool, ApiError> {
        Ok(repo::find_visible(&self.state.db, &user.ticket_scope(), id).await?.is_some())
    }

    /// A visible ticket with the comments the caller may read.
    pub async fn get(&self, user: &Access, id: Uuid) -> Result<TicketDetailDto, ApiError> {
        let db = &self.state.db;
        let model = repo::find_visible(db, &user.ticket_scope(), id).await?.ok_or_else(not_found)?;
        let agent = user.has(Permission::TicketCommentInternal);
        let comments = repo::comments_of(db, id, agent).await?;
        let text = format!("{}\n{}", model.title, model.description);
        let mut detail = dto::detail(db, model, comments).await?;
        if agent {
            detail.suggested_articles = Some(search::suggest_articles(self.state, user, &text).await);
        }
        Ok(detail)
    }

    /// The history of a visible ticket; entries about internal notes only for those who may read them.
    pub async fn history(&self, user: &Access, id: Uuid) -> Result<Vec<HistoryEntryDto>, ApiError> {
        let db = &self.state.db;
        repo::find_visible(db, &user.ticket_scope(), id).await?.ok_or_else(not_found)?;
        let rows = repo::history_of(db, id, user.has(Permission::TicketCommentInternal)).await?;
        dto::history(db, rows).await
    }

    /// Soft-deletes a ticket: it disappears from every read.
    pub async fn delete(&self, user: &Access, id: Uuid, client: &ClientInfo) -> Result<(), ApiError> {
        user.require(Permission::TicketDelete)?;
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let old = self.load(&txn, user, id).await?;
        let mut new = old.clone();
        new.deleted_at = Some(now);
        new.updated_at = now;
        new.version = old.version + 1;
        if !repo::update_versioned(&txn, &old, &new).await? {
            return Err(version_mismatch());
        }
        let deleted = Change::new("deleted", None, Some(now.to_rfc3339()));
        self.finish(txn, user, &new, Action::Delete, &[deleted], client).await?;
        Ok(())
    }

    /// Commits `txn` after writing `changes` as history rows and one audit
    /// entry, then publishes the action's event about `ticket`.
    pub(super) async fn finish(
        &self,
        txn: DatabaseTransaction,
        user: &Access,
        ticket: &ticket::Model,
        action: Action,
        changes: &[Change],
        client: &ClientInfo,
    ) -> Result<(), ApiError> {
        let now = ticket.updated_at;
        repo::record_history(&txn, ticket.id, user.user_id, changes, now).await?;
        let listed: Vec<_> = changes.iter().map(|c| json!({"field": c.field, "old": c.old, "new": c.new})).collect();
        let entry = AuditEntry::by(user, action.audit_action(), "ticket", Some(ticket.id))
            .details(json!({"ticketNumber": ticket.ticket_number, "changes": listed}));
        audit::record(&txn, entry, client, now).await?;
        search::record(&txn, ticket.id, ticket.deleted_at.is_some(), now).await?;
        txn.commit().await?;
        self.publish(TicketEvent::new(action.event(), ticket, user.user_id).with_changes(changes)).await;
        Ok(())
    }
}

/// A change to an existing ticket, as audited and announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    /// PATCH.
    Update,
    /// Assign or reassign.
    Assign,
    /// Close.
    Close,
    /// Soft delete.
    Delete,
}

impl Action {
    fn audit_action(self) -> &'static str {
        match self {
            Action::Update => "ticket:update",
            Action::Assign => "ticket:assign",
            Action::Close => "ticket:close",
            Action::Delete => "ticket:delete",
        }
    }

    fn event(self) -> &'static str {
        match self {
            Action::Update | Action::Close => "ticket.updated",
            Action::Assign => "ticket.assigned",
            Action::Delete => "ticket.deleted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_accepts_quoted_bare_and_weak_tags() {
        assert!(IfMatch::parse("\"3\"").matches(3));
        assert!(IfMatch::parse("3").matches(3));
        assert!(IfMatch::parse("W/\"3\"").matches(3));
        assert!(IfMatch::parse("\"1\", \"3\"").matches(3));
        assert!(IfMatch::parse("*").matches(7));
        assert!(!IfMatch::parse("\"2\"").matches(3));
        assert!(!IfMatch::parse("garbage").matches(3));
        assert_eq!(etag(4), "\"4\"");
    }

    #[test]
    fn tags_are_normalised_and_unique() {
        let tags = normalise_tags(&[" VPN ".into(), "vpn".into(), "Wi-Fi".into()]);
        assert_eq!(tags, vec!["vpn".to_string(), "wi-fi".to_string()]);
    }
}
