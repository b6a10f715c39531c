//! Ticket numbers, `TKT-YYYYMMDD-NNNNN`, counted per UTC day.
//!
//! One row a day in `ticket_number_sequences` is bumped by a single
//! `INSERT .. ON CONFLICT (day) DO UPDATE .. RETURNING`, inside the
//! transaction that creates the ticket. The row lock (PostgreSQL) or the
//! write lock (SQLite) makes concurrent creators queue, so each gets its own
//! number, and a rolled-back create gives its number back.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

use crate::entities::ticket_number_sequence::{Column, Entity};
use crate::error::ApiError;

/// The sequence key for `now`: its UTC date as `YYYYMMDD`.
fn day_of(now: DateTime<Utc>) -> String {
    now.format("%Y%m%d").to_string()
}

/// Formats the `n`th number of `day`.
pub fn format_number(day: &str, n: i32) -> String {
    format!("TKT-{day}-{n:05}")
}

/// Hands out the next number of `now`'s day. Call inside the creating transaction.
pub async fn next(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<String, ApiError> {
    let day = day_of(now);
    let mut stmt = Query::insert();
    stmt.into_table(Entity)
        .columns([Column::Day, Column::LastValue])
        .values([day.clone().into(), 1.into()])
        .map_err(|e| ApiError::internal(anyhow::anyhow!("building the numbering statement: {e}")))?
        .on_conflict(
            OnConflict::column(Column::Day)
                .value(Column::LastValue, Expr::col((Entity, Column::LastValue)).add(1))
                .to_owned(),
        )
        .returning_col(Column::LastValue);
    let row = conn
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("ticket_number_sequences returned no row".into()))?;
    let n: i32 = row.try_get("", "last_value")?;
    Ok(format_number(&day, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_have_the_documented_shape() {
        let now = Utc.with_ymd_and_hms(2025, 1, 19, 23, 59, 0).single().unwrap_or_default();
        assert_eq!(format_number(&day_of(now), 42), "TKT-20250119-00042");
        assert_eq!(format_number("20250119", 123_456), "TKT-20250119-123456");
    }
}
