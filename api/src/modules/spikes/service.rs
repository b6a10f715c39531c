//! What incident leads (`incident:manage`) do with spike alerts: list and read them, link
//! their tickets to a parent incident ticket, dismiss them. Link and dismiss are audited
//! in the transaction of the change.

use serde_json::json;
use shared_types::Permission;
use shared_types::incidents::{
    AlertTicketDto, IncidentAlertDetailDto, IncidentAlertDto, IncidentAlertListQuery, IncidentAlertStatus,
    LinkAlertRequest,
};
use uuid::Uuid;

use super::repo;
use crate::entities::incident_alert;
use crate::error::ApiError;
use crate::modules::audit::{self, AuditEntry, ClientInfo};
use crate::modules::auth::Access;
use crate::modules::tickets::{TicketService, incidents as ticket_links};
use crate::paging::Paging;
use crate::state::AppState;

fn not_found() -> ApiError {
    ApiError::not_found("incident_alert_not_found", "No such incident alert")
}

fn dto(m: incident_alert::Model, ticket_count: u64) -> IncidentAlertDto {
    IncidentAlertDto {
        id: m.id,
        status: IncidentAlertStatus::parse(&m.status).unwrap_or(IncidentAlertStatus::Open),
        category: m.category,
        subcategory: m.subcategory,
        window_start: m.window_start,
        window_end: m.window_end,
        observed: m.observed,
        expected: m.expected,
        surprise: m.surprise,
        raised_at: m.raised_at,
        last_signal_at: m.last_signal_at,
        ticket_count,
        parent_ticket_id: m.parent_ticket_id,
        resolved_by: m.resolved_by,
        resolved_at: m.resolved_at,
    }
}

/// The alert rules over the application state, for a holder of `incident:manage`.
pub struct IncidentAlerts<'a> {
    state: &'a AppState,
    actor: &'a Access,
}

impl<'a> IncidentAlerts<'a> {
    /// The rules, for `actor` once they hold `incident:manage`.
    pub fn new(state: &'a AppState, actor: &'a Access) -> Result<Self, ApiError> {
        actor.require(Permission::IncidentManage)?;
        Ok(Self { state, actor })
    }

    /// A page of alerts, newest first.
    pub async fn list(
        &self,
        q: &IncidentAlertListQuery,
        paging: Paging,
    ) -> Result<(Vec<IncidentAlertDto>, u64), ApiError> {
        let db = &self.state.db;
        let status = q.status.map(IncidentAlertStatus::as_str);
        let (rows, total) = repo::list(db, status, paging.offset(), paging.limit).await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let counts = repo::ticket_counts(db, &ids).await?;
        let data = rows.into_iter().map(|r| {
            let n = counts.get(&r.id).copied().unwrap_or(0);
            dto(r, n)
        });
        Ok((data.collect(), total))
    }

    /// One alert with its tickets.
    pub async fn get(&self, id: Uuid) -> Result<IncidentAlertDetailDto, ApiError> {
        let db = &self.state.db;
        let alert = repo::find(db, id).await?.ok_or_else(not_found)?;
        let ids = repo::ticket_ids(db, id).await?;
        let tickets: Vec<AlertTicketDto> = ticket_links::summaries(db, &ids)
            .await?
            .into_iter()
            .map(|t| AlertTicketDto {
                id: t.id,
                ticket_number: t.ticket_number,
                title: t.title,
                status: t.status,
                created_at: t.created_at,
            })
            .collect();
        Ok(IncidentAlertDetailDto { alert: dto(alert, ids.len() as u64), tickets })
    }

    /// Links the alert's tickets to a parent incident ticket (an existing one the actor can
    /// see, or a new one raised by the actor) and marks the alert linked.
    pub async fn link(
        &self,
        id: Uuid,
        req: LinkAlertRequest,
        client: &ClientInfo,
    ) -> Result<IncidentAlertDetailDto, ApiError> {
        let alert = repo::find(&self.state.db, id).await?.ok_or_else(not_found)?;
        if alert.status == IncidentAlertStatus::Dismissed.as_str() {
            return Err(ApiError::conflict("incident_alert_dismissed", "A dismissed alert cannot be linked"));
        }
        let tickets = TicketService::new(self.state);
        let parent = match (req.parent_ticket_id, req.create_parent) {
            (Some(parent), None) => {
                if !tickets.is_visible(self.actor, parent).await? {
                    return Err(ApiError::invalid_field("parentTicketId", "no ticket you can see has this id"));
                }
                parent
            }
            (None, Some(new)) => tickets.create(self.actor, new, client).await?.id,
            _ => {
                let problem = "give either parentTicketId or createParent";
                return Err(ApiError::invalid_field("parentTicketId", problem));
            }
        };
        let now = self.state.clock.now();
        let txn = self.state.writer.begin().await?;
        let children = repo::ticket_ids(&txn, id).await?;
        let added = ticket_links::link_to_parent(&txn, parent, &children, Some(self.actor.user_id), now).await?;
        let mut linked = alert.clone();
        linked.status = IncidentAlertStatus::Linked.as_str().to_string();
        linked.parent_ticket_id = Some(parent);
        linked.resolved_by = Some(self.actor.user_id);
        linked.resolved_at = Some(now);
        linked.updated_at = now;
        repo::save(&txn, linked).await?;
        let entry = AuditEntry::by(self.actor, "incident:link", "incident_alert", Some(id))
            .details(json!({"parentTicketId": parent, "tickets": children.len(), "newLinks": added}));
        audit::record(&txn, entry, client, now).await?;
        txn.commit().await?;
        self.get(id).await
    }

    /// Marks the alert as not an incident.
    pub async fn dismiss(&self, id: Uuid, client: &ClientInfo) -> Result<IncidentAlertDto, ApiError> {
        let now = self.state.clock.now();
        let txn = self.state.writer.begin().await?;
        let alert = repo::find(&txn, id).await?.ok_or_else(not_found)?;
        if alert.status == IncidentAlertStatus::Linked.as_str() {
            return Err(ApiError::conflict("incident_alert_linked", "A linked alert cannot be dismissed"));
        }
        let mut dismissed = alert;
        dismissed.status = IncidentAlertStatus::Dismissed.as_str().to_string();
        dismissed.resolved_by = Some(self.actor.user_id);
        dismissed.resolved_at = Some(now);
        dismissed.updated_at = now;
        repo::save(&txn, dismissed.clone()).await?;
        let entry = AuditEntry::by(self.actor, "incident:dismiss", "incident_alert", Some(id));
        audit::record(&txn, entry, client, now).await?;
        txn.commit().await?;
        let count = repo::ticket_ids(&self.state.db, id).await?.len() as u64;
        Ok(dto(dismissed, count))
    }
}
