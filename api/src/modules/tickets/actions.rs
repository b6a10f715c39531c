//! Comments, assignment and closing.

use serde_json::json;
use shared_types::Permission;
use shared_types::tickets::{
    AssignTicketRequest, CloseTicketRequest, CommentDto, CreateCommentRequest, TicketDto, TicketStatus,
};
use shared_types::validation::{TEXT_MAX, validate_comment};
use uuid::Uuid;

use super::events::TicketEvent;
use super::repo::{self, Change, INTERNAL_NOTE_FIELD};
use super::service::{Action, TicketService, version_mismatch};
use super::{dto, lifecycle};
use crate::entities::{ticket, ticket_comment};
use crate::error::ApiError;
use crate::modules::admin::team_repo;
use crate::modules::audit::{self, AuditEntry, ClientInfo};
use crate::modules::auth::Access;

fn id_text(id: Option<Uuid>) -> Option<String> {
    id.map(|id| id.to_string())
}

/// Whether a public reply by `author` is the ticket's first response.
fn is_first_response(ticket: &ticket::Model, author: Uuid, internal: bool) -> bool {
    !internal && author != ticket.created_by && ticket.first_response_at.is_none()
}

impl TicketService<'_> {
    /// Adds a public reply (`ticket:comment`) or an internal note
    /// (`ticket:comment_internal`) to a visible, open ticket.
    pub async fn comment(
        &self,
        user: &Access,
        id: Uuid,
        req: CreateCommentRequest,
        client: &ClientInfo,
    ) -> Result<CommentDto, ApiError> {
        user.require(if req.internal { Permission::TicketCommentInternal } else { Permission::TicketComment })?;
        ApiError::check(validate_comment(&req))?;
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let (ticket, _) = self.load_open(&txn, user, id).await?;
        let comment = ticket_comment::Model {
            id: Uuid::now_v7(),
            ticket_id: id,
            author_id: user.user_id,
            body: req.body.trim().to_string(),
            is_internal: req.internal,
            created_at: now,
            updated_at: now,
        };
        repo::insert_comment(&txn, comment.clone()).await?;
        let first = is_first_response(&ticket, user.user_id, req.internal).then_some(now);
        repo::touch(&txn, id, now, first).await?;
        let field = if req.internal { INTERNAL_NOTE_FIELD } else { "comment" };
        let change = Change::new(field, None, Some(comment.id.to_string()));
        repo::record_history(&txn, id, user.user_id, &[change], now).await?;
        let entry = AuditEntry::by(user, "ticket:comment", "ticket", Some(id)).details(json!({
            "ticketNumber": ticket.ticket_number,
            "commentId": comment.id,
            "internal": comment.is_internal,
        }));
        audit::record(&txn, entry, client, now).await?;
        super::search::record(&txn, id, false, now).await?;
        txn.commit().await?;
        let event = if req.internal { "ticket.note_added" } else { "ticket.commented" };
        self.publish(TicketEvent::new(event, &ticket, user.user_id).with_comment(comment.id)).await;
        dto::comment(&self.state.db, comment).await
    }

    /// 422 on `assigneeId` unless the user exists, is active and can work tickets.
    async fn check_assignee(&self, assignee: Uuid) -> Result<(), ApiError> {
        let problem = match self.state.access.get(&self.state.db, assignee).await? {
            None => Some("no user has this id"),
            Some(a) if !a.is_active => Some("this account is deactivated"),
            Some(a) if !a.has(Permission::TicketViewTeam) && !a.has(Permission::TicketViewAll) => {
                Some("this user cannot work tickets (needs ticket:view_team or ticket:view_all)")
            }
            Some(_) => None,
        };
        match problem {
            Some(p) => Err(ApiError::invalid_field("assigneeId", p)),
            None => Ok(()),
        }
    }

    /// Assigns, reassigns or unassigns a ticket, optionally moving it to a
    /// team. Taking an unassigned ticket needs `ticket:assign`; taking one
    /// from someone else needs `ticket:reassign`. A new ticket that gets an
    /// assignee opens.
    pub async fn assign(
        &self,
        user: &Access,
        id: Uuid,
        req: AssignTicketRequest,
        client: &ClientInfo,
    ) -> Result<TicketDto, ApiError> {
        if !user.has(Permission::TicketAssign) && !user.has(Permission::TicketReassign) {
            return Err(ApiError::forbidden("This needs the ticket:assign permission"));
        }
        if let Some(assignee) = req.assignee_id {
            self.check_assignee(assignee).await?;
        }
        if let Some(team) = req.team_id
            && !team_repo::exists(&self.state.db, team).await?
        {
            return Err(ApiError::invalid_field("teamId", "no team has this id"));
        }
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let (old, from) = self.load_open(&txn, user, id).await?;
        let takes_from_someone_else =
            old.assigned_to.is_some_and(|current| current != user.user_id && req.assignee_id != Some(current));
        user.require(if takes_from_someone_else { Permission::TicketReassign } else { Permission::TicketAssign })?;

        let mut new = old.clone();
        let mut changes = Vec::new();
        if req.assignee_id != old.assigned_to {
            new.assigned_to = req.assignee_id;
            changes.push(Change::new("assignee", id_text(old.assigned_to), id_text(req.assignee_id)));
        }
        if let Some(team) = req.team_id.filter(|t| Some(*t) != old.team_id) {
            new.team_id = Some(team);
            changes.push(Change::new("team", id_text(old.team_id), Some(team.to_string())));
        }
        if from == TicketStatus::New && new.assigned_to.is_some() && !changes.is_empty() {
            lifecycle::move_to(&mut new, from, TicketStatus::Open, now);
            changes.push(Change::new("status", Some(from.as_str().into()), Some(TicketStatus::Open.as_str().into())));
        }
        if changes.is_empty() {
            drop(txn);
            return dto::ticket(&self.state.db, old).await;
        }
        new.version = old.version + 1;
        new.updated_at = now;
        if !repo::update_versioned(&txn, &old, &new).await? {
            return Err(version_mismatch());
        }
        self.finish(txn, user, &new, Action::Assign, &changes, client).await?;
        dto::ticket(&self.state.db, new).await
    }

    /// Closes a ticket, recording an optional resolution as a public reply.
    pub async fn close(
        &self,
        user: &Access,
        id: Uuid,
        req: CloseTicketRequest,
        client: &ClientInfo,
    ) -> Result<TicketDto, ApiError> {
        user.require(Permission::TicketClose)?;
        let resolution = req.resolution.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if resolution.is_some_and(|r| r.chars().count() > TEXT_MAX) {
            return Err(ApiError::invalid_field("resolution", format!("must be at most {TEXT_MAX} characters")));
        }
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let (old, from) = self.load_open(&txn, user, id).await?;
        let mut new = old.clone();
        lifecycle::move_to(&mut new, from, TicketStatus::Closed, now);
        new.version = old.version + 1;
        new.updated_at = now;
        let mut changes =
            vec![Change::new("status", Some(from.as_str().into()), Some(TicketStatus::Closed.as_str().into()))];
        if let Some(text) = resolution {
            let comment = ticket_comment::Model {
                id: Uuid::now_v7(),
                ticket_id: id,
                author_id: user.user_id,
                body: text.to_string(),
                is_internal: false,
                created_at: now,
                updated_at: now,
            };
            if is_first_response(&old, user.user_id, false) {
                new.first_response_at = Some(now);
            }
            changes.push(Change::new("comment", None, Some(comment.id.to_string())));
            repo::insert_comment(&txn, comment).await?;
        }
        if !repo::update_versioned(&txn, &old, &new).await? {
            return Err(version_mismatch());
        }
        self.finish(txn, user, &new, Action::Close, &changes, client).await?;
        dto::ticket(&self.state.db, new).await
    }
}
