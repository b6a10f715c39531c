//! The only code that touches `incident_alerts` and `incident_alert_tickets`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{incident_alert, incident_alert_ticket};

pub async fn insert(conn: &impl ConnectionTrait, alert: incident_alert::Model) -> Result<(), DbErr> {
    incident_alert::Entity::insert(alert.into_active_model()).exec_without_returning(conn).await?;
    Ok(())
}

/// Saves every field of `alert`.
pub async fn save(conn: &impl ConnectionTrait, alert: incident_alert::Model) -> Result<(), DbErr> {
    alert.into_active_model().reset_all().update(conn).await?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<incident_alert::Model>, DbErr> {
    incident_alert::Entity::find_by_id(id).one(conn).await
}

/// The alert of `category` that signalled at or after `since`, whatever its status: a spike
/// still going on, which new signals join.
pub async fn ongoing(
    conn: &impl ConnectionTrait,
    category: &str,
    since: DateTime<Utc>,
) -> Result<Option<incident_alert::Model>, DbErr> {
    incident_alert::Entity::find()
        .filter(incident_alert::Column::Category.eq(category))
        .filter(incident_alert::Column::LastSignalAt.gte(since))
        .order_by_desc(incident_alert::Column::LastSignalAt)
        .one(conn)
        .await
}

/// Lists `tickets` with the alert; tickets already listed are skipped.
pub async fn add_tickets(conn: &impl ConnectionTrait, alert_id: Uuid, tickets: &[Uuid]) -> Result<(), DbErr> {
    let listed: HashSet<Uuid> = ticket_ids(conn, alert_id).await?.into_iter().collect();
    let new: Vec<incident_alert_ticket::ActiveModel> = tickets
        .iter()
        .filter(|t| !listed.contains(t))
        .collect::<HashSet<_>>()
        .into_iter()
        .map(|t| incident_alert_ticket::ActiveModel { alert_id: Set(alert_id), ticket_id: Set(*t) })
        .collect();
    if !new.is_empty() {
        incident_alert_ticket::Entity::insert_many(new).exec_without_returning(conn).await?;
    }
    Ok(())
}

pub async fn ticket_ids(conn: &impl ConnectionTrait, alert_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    incident_alert_ticket::Entity::find()
        .select_only()
        .column(incident_alert_ticket::Column::TicketId)
        .filter(incident_alert_ticket::Column::AlertId.eq(alert_id))
        .into_tuple()
        .all(conn)
        .await
}

/// How many tickets each of `alerts` lists.
pub async fn ticket_counts(conn: &impl ConnectionTrait, alerts: &[Uuid]) -> Result<HashMap<Uuid, u64>, DbErr> {
    let rows: Vec<(Uuid, i64)> = incident_alert_ticket::Entity::find()
        .select_only()
        .column(incident_alert_ticket::Column::AlertId)
        .column_as(incident_alert_ticket::Column::TicketId.count(), "n")
        .filter(incident_alert_ticket::Column::AlertId.is_in(alerts.to_vec()))
        .group_by(incident_alert_ticket::Column::AlertId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
}

/// A page of alerts, newest first, optionally of one status, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    status: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<incident_alert::Model>, u64), DbErr> {
    let mut query = incident_alert::Entity::find();
    if let Some(status) = status {
        query = query.filter(incident_alert::Column::Status.eq(status));
    }
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(incident_alert::Column::RaisedAt)
        .order_by_desc(incident_alert::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}
