//! Ticket queries. Row-level visibility is a `Condition` built from the
//! caller's [`TicketScope`] and added to every read, so a ticket the caller
//! may not see is simply not found.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, Iterable, ModelTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};
use shared_types::tickets::{TicketPriority, TicketStatus};
use uuid::Uuid;

use super::filter::{AssigneeFilter, ListFilter, Sort, SortKey};
use crate::entities::{ticket, ticket_category, ticket_comment, ticket_history, ticket_tag};
use crate::error::ApiError;
use crate::modules::auth::TicketScope;
use crate::paging::Paging;

/// History field of internal notes, hidden from people who may not read them.
pub const INTERNAL_NOTE_FIELD: &str = "internal_note";

/// Tickets `scope` may see: never deleted ones; with `ticket:view_team` the
/// teams' tickets plus those raised by or assigned to the caller; otherwise
/// only the caller's own.
pub fn visible(scope: &TicketScope) -> Condition {
    let live = Condition::all().add(ticket::Column::DeletedAt.is_null());
    match scope {
        TicketScope::All => live,
        TicketScope::Teams { user_id, team_ids } => {
            let mut any = Condition::any()
                .add(ticket::Column::CreatedBy.eq(*user_id))
                .add(ticket::Column::AssignedTo.eq(*user_id));
            if !team_ids.is_empty() {
                any = any.add(ticket::Column::TeamId.is_in(team_ids.iter().copied()));
            }
            live.add(any)
        }
        TicketScope::Own { user_id } => live.add(ticket::Column::CreatedBy.eq(*user_id)),
    }
}

fn lower(col: ticket::Column) -> Expr {
    Expr::expr(Func::lower(Expr::col((ticket::Entity, col))))
}

fn filter_condition(f: &ListFilter) -> Condition {
    let mut cond = Condition::all();
    if !f.statuses.is_empty() {
        cond = cond.add(ticket::Column::Status.is_in(f.statuses.iter().map(|s| s.as_str())));
    }
    if !f.priorities.is_empty() {
        cond = cond.add(ticket::Column::Priority.is_in(f.priorities.iter().map(|p| p.as_str())));
    }
    if let Some(id) = f.category_id {
        cond = cond.add(ticket::Column::CategoryId.eq(id));
    }
    match f.assignee {
        Some(AssigneeFilter::User(id)) => cond = cond.add(ticket::Column::AssignedTo.eq(id)),
        Some(AssigneeFilter::Nobody) => cond = cond.add(ticket::Column::AssignedTo.is_null()),
        None => {}
    }
    if let Some(id) = f.team_id {
        cond = cond.add(ticket::Column::TeamId.eq(id));
    }
    if let Some(id) = f.created_by {
        cond = cond.add(ticket::Column::CreatedBy.eq(id));
    }
    if let Some(tag) = &f.tag {
        let tagged = Query::select()
            .column(ticket_tag::Column::TicketId)
            .from(ticket_tag::Entity)
            .and_where(ticket_tag::Column::Tag.eq(tag.as_str()))
            .to_owned();
        cond = cond.add(ticket::Column::Id.in_subquery(tagged));
    }
    if let Some(from) = f.created_from {
        cond = cond.add(ticket::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.created_to {
        cond = cond.add(ticket::Column::CreatedAt.lt(to));
    }
    if let Some(ids) = &f.ids {
        cond = cond.add(ticket::Column::Id.is_in(ids.iter().copied()));
    }
    if let Some(pattern) = &f.like {
        let like = || LikeExpr::new(pattern.as_str()).escape('\\');
        cond = cond.add(
            Condition::any()
                .add(lower(ticket::Column::Title).like(like()))
                .add(lower(ticket::Column::Description).like(like())),
        );
    }
    cond
}

/// Ranks a text column by the position of its value in `values`.
fn rank(col: ticket::Column, values: &[&'static str]) -> Expr {
    let Some((first, rest)) = values.split_first() else { return Expr::value(0) };
    let mut case = Expr::case(col.eq(*first), 0);
    for (i, v) in rest.iter().enumerate() {
        case = case.case(col.eq(*v), i as i32 + 1);
    }
    case.finally(values.len() as i32).into()
}

/// Orders a page, with a tie-breaker so pages never overlap or skip.
///
/// PostgreSQL breaks ties on `id` (time-ordered v7) and serves
/// `created_at, id` from the `created_at` index with an incremental sort.
/// SQLite's planner, without statistics, sorts the whole table for that
/// (~150 ms at 100,000 tickets); its indexes end in the implicit `rowid`
/// (insertion order), so `created_at DESC, rowid ASC` reads straight off
/// `idx_tickets_created_at` and `idx_tickets_status` and stops at the limit.
pub(super) fn ordered(select: Select<ticket::Entity>, sort: Sort, backend: DbBackend) -> Select<ticket::Entity> {
    let (order, reverse) = if sort.descending { (Order::Desc, Order::Asc) } else { (Order::Asc, Order::Desc) };
    let select = match sort.key {
        SortKey::CreatedAt => select.order_by(ticket::Column::CreatedAt, order.clone()),
        SortKey::UpdatedAt => select.order_by(ticket::Column::UpdatedAt, order.clone()),
        SortKey::TicketNumber => select.order_by(ticket::Column::TicketNumber, order.clone()),
        SortKey::Priority => {
            let names: Vec<&'static str> = TicketPriority::ALL.iter().map(|p| p.as_str()).collect();
            select.order_by(rank(ticket::Column::Priority, &names), order.clone())
        }
        SortKey::Status => {
            let names: Vec<&'static str> = TicketStatus::ALL.iter().map(|s| s.as_str()).collect();
            select.order_by(rank(ticket::Column::Status, &names), order.clone())
        }
    };
    match backend {
        DbBackend::Sqlite => {
            let rowid = Expr::col((ticket::Entity, Alias::new("rowid")));
            select.order_by(rowid, if sort.key == SortKey::CreatedAt { reverse } else { order })
        }
        _ => select.order_by(ticket::Column::Id, order),
    }
}

/// A page of the tickets `scope` may see that match `filter`, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    scope: &TicketScope,
    filter: &ListFilter,
    paging: Paging,
) -> Result<(Vec<ticket::Model>, u64), ApiError> {
    let filters = filter_condition(filter);
    if let TicketScope::Teams { user_id, team_ids } = scope {
        return super::team_scope::list(conn, *user_id, team_ids, filters, filter.sort, paging).await;
    }
    let query = ticket::Entity::find().filter(visible(scope)).filter(filters);
    let total = crate::paging::count(query.clone(), conn).await?;
    let rows = if total <= paging.offset() {
        Vec::new()
    } else {
        ordered(query, filter.sort, conn.get_database_backend())
            .offset(paging.offset())
            .limit(paging.limit)
            .all(conn)
            .await?
    };
    Ok((rows, total))
}

/// A page of the tickets `scope` may see that match `filter`, in the order of `ranked` (search
/// matches, best first; `filter.ids` holds the same ids), and the total.
pub async fn list_ranked(
    conn: &impl ConnectionTrait,
    scope: &TicketScope,
    filter: &ListFilter,
    ranked: &[Uuid],
    paging: Paging,
) -> Result<(Vec<ticket::Model>, u64), ApiError> {
    let keep: std::collections::HashSet<Uuid> = ticket::Entity::find()
        .select_only()
        .column(ticket::Column::Id)
        .filter(visible(scope))
        .filter(filter_condition(filter))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let matching: Vec<Uuid> = ranked.iter().filter(|id| keep.contains(id)).copied().collect();
    let page: Vec<Uuid> = matching.iter().skip(paging.offset() as usize).take(paging.limit as usize).copied().collect();
    let mut rows = ticket::Entity::find().filter(ticket::Column::Id.is_in(page.iter().copied())).all(conn).await?;
    rows.sort_by_key(|r| page.iter().position(|id| *id == r.id));
    Ok((rows, matching.len() as u64))
}

/// The ticket `id` if `scope` may see it and it is not deleted.
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    scope: &TicketScope,
    id: Uuid,
) -> Result<Option<ticket::Model>, ApiError> {
    Ok(ticket::Entity::find_by_id(id).filter(visible(scope)).one(conn).await?)
}

/// Whether an active category has this id. Categories are rows of the
/// tickets schema; the admin module edits them, tickets only read them.
pub async fn active_category(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<ticket_category::Model>, ApiError> {
    Ok(ticket_category::Entity::find_by_id(id).filter(ticket_category::Column::IsActive.eq(true)).one(conn).await?)
}

/// Inserts a new ticket.
pub async fn insert(conn: &impl ConnectionTrait, model: ticket::Model) -> Result<(), ApiError> {
    ticket::Entity::insert(ticket::ActiveModel::from(model)).exec_without_returning(conn).await?;
    Ok(())
}

/// Writes the columns where `new` differs from `old`, plus `version` and
/// `updated_at`, only if the row is still at `old.version`. `false` when
/// another writer got there first.
pub async fn update_versioned(
    conn: &impl ConnectionTrait,
    old: &ticket::Model,
    new: &ticket::Model,
) -> Result<bool, ApiError> {
    let mut update = ticket::Entity::update_many()
        .filter(ticket::Column::Id.eq(old.id))
        .filter(ticket::Column::Version.eq(old.version))
        .col_expr(ticket::Column::Version, Expr::value(old.version + 1))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(new.updated_at));
    for col in ticket::Column::iter() {
        if matches!(col, ticket::Column::Version | ticket::Column::UpdatedAt | ticket::Column::Id) {
            continue;
        }
        let value = new.get(col);
        if value != old.get(col) {
            update = update.col_expr(col, Expr::value(value));
        }
    }
    Ok(update.exec(conn).await?.rows_affected == 1)
}

/// Records activity that does not change the ticket's fields (a comment):
/// `updated_at`, and `first_response_at` when given. The version stays.
pub async fn touch(
    conn: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
) -> Result<(), ApiError> {
    let mut update = ticket::Entity::update_many()
        .filter(ticket::Column::Id.eq(id))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now));
    if let Some(at) = first_response_at {
        update = update.col_expr(ticket::Column::FirstResponseAt, Expr::value(Some(at)));
    }
    update.exec(conn).await?;
    Ok(())
}

/// Tags per ticket for `ids`, alphabetical, in one query.
pub async fn tags_of(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<String>>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = ticket_tag::Entity::find()
        .select_only()
        .columns([ticket_tag::Column::TicketId, ticket_tag::Column::Tag])
        .filter(ticket_tag::Column::TicketId.is_in(ids.iter().copied()))
        .order_by_asc(ticket_tag::Column::Tag)
        .into_tuple()
        .all(conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (id, tag) in rows {
        map.entry(id).or_default().push(tag);
    }
    Ok(map)
}

/// Replaces the tags of `ticket_id` with `tags` (already normalised and unique).
pub async fn set_tags(conn: &impl ConnectionTrait, ticket_id: Uuid, tags: &[String]) -> Result<(), ApiError> {
    ticket_tag::Entity::delete_many().filter(ticket_tag::Column::TicketId.eq(ticket_id)).exec(conn).await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags.iter().map(|tag| ticket_tag::ActiveModel { ticket_id: Set(ticket_id), tag: Set(tag.clone()) });
    ticket_tag::Entity::insert_many(rows).exec_without_returning(conn).await?;
    Ok(())
}

/// Inserts a comment.
pub async fn insert_comment(conn: &impl ConnectionTrait, comment: ticket_comment::Model) -> Result<(), ApiError> {
    ticket_comment::Entity::insert(ticket_comment::ActiveModel::from(comment)).exec_without_returning(conn).await?;
    Ok(())
}

/// The comments of a ticket, oldest first; internal notes only when asked.
pub async fn comments_of(
    conn: &impl ConnectionTrait,
    ticket_id: Uuid,
    include_internal: bool,
) -> Result<Vec<ticket_comment::Model>, ApiError> {
    let mut query = ticket_comment::Entity::find().filter(ticket_comment::Column::TicketId.eq(ticket_id));
    if !include_internal {
        query = query.filter(ticket_comment::Column::IsInternal.eq(false));
    }
    Ok(query.order_by_asc(ticket_comment::Column::CreatedAt).order_by_asc(ticket_comment::Column::Id).all(conn).await?)
}

/// One changed field, as written to `ticket_history`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The field, e.g. `status`.
    pub field: &'static str,
    /// The value before.
    pub old: Option<String>,
    /// The value after.
    pub new: Option<String>,
}

impl Change {
    /// A change of `field` from `old` to `new`.
    pub fn new(field: &'static str, old: Option<String>, new: Option<String>) -> Self {
        Self { field, old, new }
    }
}

/// Writes one history row per change.
pub async fn record_history(
    conn: &impl ConnectionTrait,
    ticket_id: Uuid,
    actor: Uuid,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if changes.is_empty() {
        return Ok(());
    }
    let rows = changes.iter().map(|c| ticket_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        ticket_id: Set(ticket_id),
        actor_id: Set(Some(actor)),
        field: Set(c.field.to_string()),
        old_value: Set(c.old.clone()),
        new_value: Set(c.new.clone()),
        created_at: Set(now),
    });
    ticket_history::Entity::insert_many(rows).exec_without_returning(conn).await?;
    Ok(())
}

/// A ticket's history, oldest first; entries about internal notes only when asked.
pub async fn history_of(
    conn: &impl ConnectionTrait,
    ticket_id: Uuid,
    include_internal: bool,
) -> Result<Vec<ticket_history::Model>, ApiError> {
    let mut query = ticket_history::Entity::find().filter(ticket_history::Column::TicketId.eq(ticket_id));
    if !include_internal {
        query = query.filter(ticket_history::Column::Field.ne(INTERNAL_NOTE_FIELD));
    }
    Ok(query.order_by_asc(ticket_history::Column::CreatedAt).order_by_asc(ticket_history::Column::Id).all(conn).await?)
}
