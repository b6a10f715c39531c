//! `helpdesk search check` and `helpdesk search reindex`: the change log against the tables.
//!
//! Every index (on every instance, and an external engine's) follows the `search_changes`
//! log, so the log is what must not drift from the tables. A row is in step when its newest
//! log entry says `upsert` and is no older than the row's `updated_at`; a row that left the
//! index (deleted ticket, archived article) is in step when its newest entry says `delete`.
//! Changes made around the application (SQL run by hand, a restore from backup) break that,
//! and `check` finds them. `reindex` appends an entry for every row, so every running
//! instance re-reads every row from the tables and drops what no longer belongs, without a
//! restart.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde::Serialize;
use shared_types::kb::KbStatus;
use uuid::Uuid;

use super::changelog::{self, ChangeOp};
use crate::entities::{kb_article, search_change, ticket};
use crate::error::ApiError;
use crate::modules::kb::search_feed::ENTITY_KB_ARTICLE;
use crate::modules::tickets::search::ENTITY_TICKET;

/// Entries appended per transaction by `reindex`.
const CHUNK: usize = 1_000;

/// How the log and one entity kind's rows compare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogCheck {
    pub entity: String,
    /// Rows that belong in the index.
    pub rows: usize,
    /// Rows that belong in the index but whose newest entry is missing, older than the row,
    /// or says `delete`.
    pub not_indexed: Vec<Uuid>,
    /// Rows that left the index (or are gone) but whose newest entry says `upsert`.
    pub not_removed: Vec<Uuid>,
}

impl LogCheck {
    /// Whether the log is in step with the rows.
    pub fn is_clean(&self) -> bool {
        self.not_indexed.is_empty() && self.not_removed.is_empty()
    }
}

/// The rows of each kind: which belong in the index and when they last changed.
async fn rows(conn: &impl ConnectionTrait, entity: &str) -> Result<HashMap<Uuid, (bool, DateTime<Utc>)>, ApiError> {
    Ok(match entity {
        ENTITY_TICKET => ticket::Entity::find()
            .select_only()
            .columns([ticket::Column::Id, ticket::Column::DeletedAt, ticket::Column::UpdatedAt])
            .into_tuple::<(Uuid, Option<DateTime<Utc>>, DateTime<Utc>)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(id, deleted, updated)| (id, (deleted.is_none(), updated)))
            .collect(),
        _ => kb_article::Entity::find()
            .select_only()
            .columns([kb_article::Column::Id, kb_article::Column::Status, kb_article::Column::UpdatedAt])
            .into_tuple::<(Uuid, String, DateTime<Utc>)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(id, status, updated)| (id, (status != KbStatus::Archived.as_str(), updated)))
            .collect(),
    })
}

/// The newest log entry of every entity of a kind: op and time.
async fn newest_entries(
    conn: &impl ConnectionTrait,
    entity: &str,
) -> Result<HashMap<Uuid, (ChangeOp, DateTime<Utc>)>, ApiError> {
    let newest = Query::select()
        .expr(Func::max(Expr::col(search_change::Column::Id)))
        .from(search_change::Entity)
        .and_where(search_change::Column::Entity.eq(entity))
        .group_by_col(search_change::Column::EntityId)
        .to_owned();
    let rows = search_change::Entity::find()
        .filter(search_change::Column::Id.in_subquery(newest))
        .select_only()
        .columns([search_change::Column::EntityId, search_change::Column::Op, search_change::Column::CreatedAt])
        .into_tuple::<(Uuid, String, DateTime<Utc>)>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, op, at)| (id, (if op == "delete" { ChangeOp::Delete } else { ChangeOp::Upsert }, at)))
        .collect())
}

/// Compares the log with the rows of articles and tickets.
pub async fn check(conn: &impl ConnectionTrait) -> Result<Vec<LogCheck>, ApiError> {
    let mut out = Vec::new();
    for entity in [ENTITY_KB_ARTICLE, ENTITY_TICKET] {
        let rows = rows(conn, entity).await?;
        let log = newest_entries(conn, entity).await?;
        let mut report = LogCheck { entity: entity.into(), ..LogCheck::default() };
        for (id, (belongs, updated)) in &rows {
            let entry = log.get(id);
            if *belongs {
                report.rows += 1;
                if !matches!(entry, Some((ChangeOp::Upsert, at)) if at >= updated) {
                    report.not_indexed.push(*id);
                }
            } else if matches!(entry, Some((ChangeOp::Upsert, _))) {
                report.not_removed.push(*id);
            }
        }
        let gone = log.iter().filter(|(id, (op, _))| *op == ChangeOp::Upsert && !rows.contains_key(id));
        report.not_removed.extend(gone.map(|(id, _)| *id));
        report.not_indexed.sort_unstable();
        report.not_removed.sort_unstable();
        out.push(report);
    }
    Ok(out)
}

/// Appends an entry for every row of both kinds (and a `delete` for logged ids whose row is
/// gone); answers the entries appended per kind.
pub async fn reindex(conn: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<(String, usize)>, ApiError> {
    let mut out = Vec::new();
    for entity in [ENTITY_KB_ARTICLE, ENTITY_TICKET] {
        let rows = rows(conn, entity).await?;
        let log = newest_entries(conn, entity).await?;
        let mut entries: Vec<(Uuid, ChangeOp)> = rows
            .iter()
            .map(|(id, (belongs, _))| (*id, if *belongs { ChangeOp::Upsert } else { ChangeOp::Delete }))
            .collect();
        entries.extend(log.keys().filter(|id| !rows.contains_key(id)).map(|id| (*id, ChangeOp::Delete)));
        entries.sort_unstable_by_key(|(id, _)| *id);
        for chunk in entries.chunks(CHUNK) {
            let txn = conn.begin().await?;
            for (id, op) in chunk {
                changelog::append(&txn, entity, *id, *op, now).await?;
            }
            txn.commit().await?;
        }
        out.push((entity.to_string(), entries.len()));
    }
    Ok(out)
}
