//! The ticket list for `ticket:view_team` callers (agents, team leads).
//!
//! Such a caller sees `created_by = me OR assigned_to = me OR team_id IN
//! (my teams)`. Neither database answers that OR well at 100,000 tickets:
//! SQLite will not split it across indexes and scans the table (40 ms a
//! page); PostgreSQL combines bitmaps but then visits the heap for every
//! candidate, twice (count, then page: 16 ms). Here each access path is its
//! own branch of a UNION, with the list's filters, answered from the covering
//! indexes `(column, status, priority, created_at)` (which also carry the row
//! key: SQLite's implicit rowid, PostgreSQL's `INCLUDE (id)`). One pass over
//! the union gives a page's 20 keys, ordered by creation time, and the total
//! (a window count); then only those 20 rows are read (about 2.5 ms in all).

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Value};
use uuid::Uuid;

use super::filter::{Sort, SortKey};
use super::repo::ordered;
use crate::entities::ticket;
use crate::error::ApiError;
use crate::paging::Paging;

/// The row key the indexes carry: `rowid` on SQLite, `id` on PostgreSQL.
fn key(backend: DbBackend) -> Expr {
    match backend {
        DbBackend::Sqlite => Expr::col((ticket::Entity, Alias::new("rowid"))),
        _ => Expr::col((ticket::Entity, ticket::Column::Id)),
    }
}

/// `SELECT <key> AS rid, created_at FROM tickets WHERE <path> AND <filters>`, once per path.
fn visible_rows(backend: DbBackend, user_id: Uuid, team_ids: &[Uuid], filters: &Condition) -> SelectStatement {
    let branch = |access: Condition| {
        Query::select()
            .expr_as(key(backend), Alias::new("rid"))
            .column((ticket::Entity, ticket::Column::CreatedAt))
            .from(ticket::Entity)
            .cond_where(Condition::all().add(ticket::Column::DeletedAt.is_null()).add(access).add(filters.clone()))
            .to_owned()
    };
    let mut union = branch(Condition::all().add(ticket::Column::CreatedBy.eq(user_id)));
    union.union(UnionType::Distinct, branch(Condition::all().add(ticket::Column::AssignedTo.eq(user_id))));
    if !team_ids.is_empty() {
        union.union(
            UnionType::Distinct,
            branch(Condition::all().add(ticket::Column::TeamId.is_in(team_ids.iter().copied()))),
        );
    }
    union
}

/// A page of the tickets visible through the caller's teams, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    team_ids: &[Uuid],
    filters: Condition,
    sort: Sort,
    paging: Paging,
) -> Result<(Vec<ticket::Model>, u64), ApiError> {
    let backend = conn.get_database_backend();
    let rows = visible_rows(backend, user_id, team_ids, &filters);
    if sort.key != SortKey::CreatedAt {
        return other_order(conn, rows, filters, sort, paging).await;
    }
    // The same order as `repo::ordered`: by creation time, then the row key
    // (SQLite's rowid the other way round, as its indexes store it).
    let (order, tie) = match (sort.descending, backend) {
        (true, DbBackend::Sqlite) => (Order::Desc, Order::Asc),
        (false, DbBackend::Sqlite) => (Order::Asc, Order::Desc),
        (true, _) => (Order::Desc, Order::Desc),
        (false, _) => (Order::Asc, Order::Asc),
    };
    let visible = Alias::new("visible");
    let page_keys = Query::select()
        .column((visible.clone(), Alias::new("rid")))
        .expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new("total"))
        .from_subquery(rows.clone(), visible.clone())
        .order_by((visible.clone(), ticket::Column::CreatedAt), order)
        .order_by((visible, Alias::new("rid")), tie)
        .limit(paging.limit)
        .offset(paging.offset())
        .to_owned();
    let found = conn.query_all(&page_keys).await?;
    let Some(first) = found.first() else {
        // Past the last page: the window saw no row, so count separately.
        return Ok((Vec::new(), count(conn, rows).await?));
    };
    let total: i64 = first.try_get("", "total")?;
    let keys: Vec<Value> = match backend {
        DbBackend::Sqlite => {
            found.iter().map(|r| r.try_get::<i64>("", "rid").map(Value::from)).collect::<Result<_, _>>()?
        }
        _ => found.iter().map(|r| r.try_get::<Uuid>("", "rid").map(Value::from)).collect::<Result<_, _>>()?,
    };
    let query = ticket::Entity::find().filter(Condition::all().add(key(backend).is_in(keys)));
    let page = ordered(query, sort, backend).all(conn).await?;
    Ok((page, u64::try_from(total).unwrap_or(0)))
}

async fn count(conn: &impl ConnectionTrait, rows: SelectStatement) -> Result<u64, ApiError> {
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(rows, Alias::new("visible")).to_owned();
    let total: i64 = match conn.query_one(&count).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(total).unwrap_or(0))
}

/// Sorts other than by creation time read the visible rows and sort them.
async fn other_order(
    conn: &impl ConnectionTrait,
    rows: SelectStatement,
    filters: Condition,
    sort: Sort,
    paging: Paging,
) -> Result<(Vec<ticket::Model>, u64), ApiError> {
    let backend = conn.get_database_backend();
    let total = count(conn, rows.clone()).await?;
    if total <= paging.offset() {
        return Ok((Vec::new(), total));
    }
    let visible = Alias::new("visible");
    let keys = Query::select().column((visible.clone(), Alias::new("rid"))).from_subquery(rows, visible).to_owned();
    let query = ticket::Entity::find().filter(Condition::all().add(key(backend).in_subquery(keys)).add(filters));
    let page = ordered(query, sort, backend).offset(paging.offset()).limit(paging.limit).all(conn).await?;
    Ok((page, total))
}
