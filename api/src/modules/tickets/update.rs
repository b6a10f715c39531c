//! `PATCH /tickets/{id}`: which fields the caller may change, the status
//! machine, and the one versioned write.

use chrono::{DateTime, Utc};
use shared_types::Permission;
use shared_types::tickets::{TicketDto, TicketStatus, UpdateTicketRequest};
use shared_types::validation::validate_update_ticket;
use uuid::Uuid;

use super::repo::{self, Change};
use super::service::{Action, IfMatch, TicketService, normalise_tags, version_mismatch};
use super::{dto, lifecycle};
use crate::entities::ticket;
use crate::error::ApiError;
use crate::modules::admin::team_repo;
use crate::modules::audit::ClientInfo;
use crate::modules::auth::Access;

/// What a PATCH would do: the ticket after it, its history, and new tags.
#[derive(Debug)]
pub(super) struct Plan {
    /// The ticket after the change (version and `updated_at` included).
    pub ticket: ticket::Model,
    /// One entry per changed field.
    pub changes: Vec<Change>,
    /// The new tags, when they change.
    pub tags: Option<Vec<String>>,
}

fn id_text(id: Option<Uuid>) -> Option<String> {
    id.map(|id| id.to_string())
}

fn forbidden_field(field: &str) -> ApiError {
    ApiError::forbidden(format!("Changing {field} needs the ticket:update permission"))
}

/// Works out the effect of `req` on `old` for `user`, checking permissions
/// and the status machine. Pure: references are checked by the caller.
pub(super) fn plan(
    old: &ticket::Model,
    old_tags: &[String],
    req: &UpdateTicketRequest,
    user: &Access,
    now: DateTime<Utc>,
) -> Result<Plan, ApiError> {
    let can_update = user.has(Permission::TicketUpdate);
    let is_requester = old.created_by == user.user_id;
    let from = dto::status_of(old)?;
    let mut new = old.clone();
    let mut changes = Vec::new();

    let title = req.title.as_deref().map(str::trim).filter(|t| *t != old.title);
    let description = req.description.as_deref().map(str::trim).filter(|d| *d != old.description);
    if (title.is_some() || description.is_some()) && !can_update && !(is_requester && from == TicketStatus::New) {
        return Err(ApiError::forbidden(
            "Only agents, or the requester while the ticket is new, may edit the title and description",
        ));
    }
    if let Some(title) = title {
        changes.push(Change::new("title", Some(old.title.clone()), Some(title.to_string())));
        new.title = title.to_string();
    }
    if let Some(description) = description {
        changes.push(Change::new("description", Some(old.description.clone()), Some(description.to_string())));
        new.description = description.to_string();
    }

    if let Some(to) = req.status.filter(|to| *to != from) {
        if !from.can_move_to(to) {
            return Err(lifecycle::invalid_transition(from, to));
        }
        let reopen = is_requester && from == TicketStatus::Resolved && to == TicketStatus::Open;
        if to == TicketStatus::Closed {
            user.require(Permission::TicketClose)?;
        } else if !reopen && !can_update {
            return Err(forbidden_field("the status"));
        }
        lifecycle::move_to(&mut new, from, to, now);
        changes.push(Change::new("status", Some(from.as_str().into()), Some(to.as_str().into())));
    }

    if let Some(priority) = req.priority.filter(|p| p.as_str() != old.priority) {
        if !can_update {
            return Err(forbidden_field("the priority"));
        }
        lifecycle::set_priority(&mut new, priority);
        changes.push(Change::new("priority", Some(old.priority.clone()), Some(priority.as_str().into())));
    }
    if let Some(category) = req.category_id.filter(|c| *c != old.category_id) {
        if !can_update {
            return Err(forbidden_field("the category"));
        }
        new.category_id = category;
        changes.push(Change::new("category", id_text(old.category_id), id_text(category)));
    }
    if let Some(team) = req.team_id.filter(|t| *t != old.team_id) {
        if !can_update {
            return Err(forbidden_field("the team"));
        }
        new.team_id = team;
        changes.push(Change::new("team", id_text(old.team_id), id_text(team)));
    }
    let mut tags = None;
    if let Some(wanted) = req.tags.as_deref().map(normalise_tags) {
        let (mut a, mut b) = (wanted.clone(), old_tags.to_vec());
        a.sort();
        b.sort();
        if a != b {
            if !can_update {
                return Err(forbidden_field("the tags"));
            }
            changes.push(Change::new("tags", Some(b.join(",")), Some(a.join(","))));
            tags = Some(a);
        }
    }

    if !changes.is_empty() {
        new.version = old.version + 1;
        new.updated_at = now;
    }
    Ok(Plan { ticket: new, changes, tags })
}

impl TicketService<'_> {
    /// Applies a PATCH. With `if_match`, a stale version answers 412; an
    /// empty or no-op request answers the unchanged ticket and writes nothing.
    pub async fn update(
        &self,
        user: &Access,
        id: Uuid,
        if_match: Option<&IfMatch>,
        req: UpdateTicketRequest,
        client: &ClientInfo,
    ) -> Result<TicketDto, ApiError> {
        ApiError::check(validate_update_ticket(&req))?;
        let now = self.now();
        let txn = self.state.writer.begin().await?;
        let old = self.load(&txn, user, id).await?;
        if if_match.is_some_and(|m| !m.matches(old.version)) {
            return Err(version_mismatch());
        }
        let old_tags = repo::tags_of(&txn, &[id]).await?.remove(&id).unwrap_or_default();
        let mut plan = plan(&old, &old_tags, &req, user, now)?;
        if plan.changes.is_empty() {
            drop(txn);
            return dto::ticket(&self.state.db, old).await;
        }
        if let Some(Some(category)) = req.category_id.filter(|c| *c != old.category_id) {
            let routed_to = self.check_category(&txn, category).await?;
            // A ticket no team owns yet follows its new category to that category's team.
            if let Some(team) = routed_to.filter(|_| old.team_id.is_none() && req.team_id.is_none()) {
                plan.ticket.team_id = Some(team);
                plan.changes.push(Change::new("team", None, id_text(Some(team))));
            }
        }
        if let Some(Some(team)) = req.team_id.filter(|t| *t != old.team_id)
            && !team_repo::exists(&txn, team).await?
        {
            return Err(ApiError::invalid_field("teamId", "no team has this id"));
        }
        if !repo::update_versioned(&txn, &old, &plan.ticket).await? {
            return Err(version_mismatch());
        }
        // An agent changing a field the AI predicted corrects (or confirms) the prediction.
        crate::modules::ai::feedback::record_edit(&txn, &old, &plan.ticket, user.user_id, now).await?;
        if let Some(tags) = &plan.tags {
            repo::set_tags(&txn, id, tags).await?;
        }
        // Similar tickets compare the public text: a new title or description is embedded again.
        let text_changed = plan.changes.iter().any(|c| c.field == "title" || c.field == "description");
        let embed = text_changed && super::similar::enqueue_embedding(&self.state.jobs, &txn, id).await?;
        self.finish(txn, user, &plan.ticket, Action::Update, &plan.changes, client).await?;
        if embed {
            self.state.jobs.wake().await;
        }
        dto::ticket(&self.state.db, plan.ticket).await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use shared_types::RoleName;

    fn access(role: RoleName, user_id: Uuid) -> Access {
        Access {
            user_id,
            email: "x@example.com".into(),
            name: "X".into(),
            is_active: true,
            roles: vec![role.as_str().into()],
            permissions: role.default_permissions().into_iter().collect::<BTreeSet<_>>(),
            team_ids: vec![],
        }
    }

    fn ticket(status: &str, created_by: Uuid) -> ticket::Model {
        let mut t = super::super::lifecycle::raised(
            "TKT-20250101-00001".into(),
            "Printer jam",
            "d",
            shared_types::tickets::TicketPriority::Medium,
            created_by,
            Utc::now(),
        );
        t.status = status.into();
        t
    }

    fn req(json: &str) -> UpdateTicketRequest {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn requester_edits_new_tickets_and_reopens_resolved_ones() {
        let me = Uuid::now_v7();
        let employee = access(RoleName::Employee, me);
        let p = plan(&ticket("new", me), &[], &req(r#"{"title":"Printer on fire"}"#), &employee, Utc::now()).unwrap();
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.ticket.version, 2);
        let open = plan(&ticket("open", me), &[], &req(r#"{"title":"Printer on fire"}"#), &employee, Utc::now());
        assert_eq!(open.unwrap_err().code(), "forbidden");
        let reopen = plan(&ticket("resolved", me), &[], &req(r#"{"status":"open"}"#), &employee, Utc::now()).unwrap();
        assert_eq!(reopen.ticket.status, "open");
        let other = plan(&ticket("resolved", Uuid::now_v7()), &[], &req(r#"{"status":"open"}"#), &employee, Utc::now());
        assert!(other.is_err());
        let priority = plan(&ticket("new", me), &[], &req(r#"{"priority":"high"}"#), &employee, Utc::now());
        assert_eq!(priority.unwrap_err().code(), "forbidden");
    }

    #[test]
    fn agents_follow_the_status_machine_and_no_ops_change_nothing() {
        let agent = access(RoleName::Agent, Uuid::now_v7());
        let t = ticket("closed", Uuid::now_v7());
        let err = plan(&t, &[], &req(r#"{"status":"open"}"#), &agent, Utc::now()).unwrap_err();
        assert_eq!(err.code(), "invalid_transition");
        let t = ticket("open", Uuid::now_v7());
        let same = r#"{"status":"open","priority":"medium","title":"Printer jam","tags":[]}"#;
        let p = plan(&t, &[], &req(same), &agent, Utc::now()).unwrap();
        assert!(p.changes.is_empty());
        assert_eq!(p.ticket, t);
        let p = plan(&t, &["b".into(), "a".into()], &req(r#"{"tags":["A","b","a"]}"#), &agent, Utc::now()).unwrap();
        assert!(p.changes.is_empty(), "same set of tags");
        let p = plan(&t, &[], &req(r#"{"status":"pending_user","priority":"critical"}"#), &agent, Utc::now()).unwrap();
        assert!(p.ticket.sla_paused);
        assert_eq!(p.changes.iter().map(|c| c.field).collect::<Vec<_>>(), vec!["status", "priority"]);
    }
}
