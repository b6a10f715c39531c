//! The only code that reads or writes the `jobs` table.
//!
//! Every state change of a running job is conditional on the lease owner, so a worker whose
//! lease expired (and whose job another worker reclaimed) can no longer record anything.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult,
};
use shared_types::jobs::JobState;
use uuid::Uuid;

use crate::entities::job::{self, Column};
use crate::infra::db::Writer;

const QUEUED: &str = "queued";
const RUNNING: &str = "running";
const SUCCEEDED: &str = "succeeded";
const DEAD: &str = "dead";

/// Inserts `model`; when its dedupe key belongs to a live job already, nothing is written
/// and that job's id is returned as `Err`.
pub async fn insert(conn: &impl ConnectionTrait, model: job::Model) -> Result<Result<Uuid, Uuid>, DbErr> {
    let (id, key) = (model.id, model.dedupe_key.clone());
    let model: job::ActiveModel = model.into();
    // No conflict target: the dedupe key's partial unique index must count, not only the
    // primary key (sea-orm's `on_conflict_do_nothing` names the primary key).
    let any_conflict = sea_orm::sea_query::OnConflict::new().do_nothing().to_owned();
    match job::Entity::insert(model).on_conflict(any_conflict).try_insert().exec_without_returning(conn).await? {
        TryInsertResult::Inserted(n) if n > 0 => Ok(Ok(id)),
        TryInsertResult::Inserted(_) | TryInsertResult::Empty | TryInsertResult::Conflicted => {
            let Some(key) = key else { return Err(DbErr::RecordNotInserted) };
            let existing = job::Entity::find()
                .filter(Column::DedupeKey.eq(key))
                .filter(Column::State.is_in([QUEUED, RUNNING]))
                .one(conn)
                .await?;
            existing.map(|j| Ok(Err(j.id))).unwrap_or_else(|| Err(DbErr::RecordNotInserted))
        }
    }
}

/// Whether any job of `kind` is due. A plain read, so that idle polling never takes
/// SQLite's write lock (or row locks on PostgreSQL).
pub async fn any_due(conn: &impl ConnectionTrait, kind: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let first: Option<Uuid> = job::Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Kind.eq(kind))
        .filter(Column::State.eq(QUEUED))
        .filter(Column::RunAt.lte(now))
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(first.is_some())
}

/// Claims up to `limit` due queued jobs of `kind` for `owner` until `lease_until`, counting
/// an attempt on each. PostgreSQL locks the chosen rows with `FOR UPDATE SKIP LOCKED`, so
/// workers claiming at once each get different jobs; SQLite's write transaction already
/// admits one writer at a time.
pub async fn claim(
    writer: &Writer,
    kind: &str,
    limit: u64,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Vec<job::Model>, DbErr> {
    let txn = writer.begin().await?;
    let mut due = job::Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Kind.eq(kind))
        .filter(Column::State.eq(QUEUED))
        .filter(Column::RunAt.lte(now))
        .order_by_asc(Column::RunAt)
        .order_by_asc(Column::Id)
        .limit(limit);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<Uuid> = due.into_tuple().all(&txn).await?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    let claimed = job::Entity::update_many()
        .col_expr(Column::State, Expr::value(RUNNING))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LeaseOwner, Expr::value(owner))
        .col_expr(Column::LeaseExpiresAt, Expr::value(lease_until))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.is_in(ids))
        .filter(Column::State.eq(QUEUED))
        .exec_with_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(claimed)
}

fn held_by(id: Uuid, owner: &str) -> Condition {
    Condition::all().add(Column::Id.eq(id)).add(Column::State.eq(RUNNING)).add(Column::LeaseOwner.eq(owner))
}

async fn update_held(writer: &Writer, id: Uuid, owner: &str, model: job::ActiveModel) -> Result<bool, DbErr> {
    let txn = writer.begin().await?;
    let n = job::Entity::update_many().set(model).filter(held_by(id, owner)).exec(&txn).await?.rows_affected;
    txn.commit().await?;
    Ok(n == 1)
}

/// Extends `owner`'s lease; `false` when the lease was lost.
pub async fn renew(writer: &Writer, id: Uuid, owner: &str, until: DateTime<Utc>) -> Result<bool, DbErr> {
    let model = job::ActiveModel { lease_expires_at: Set(Some(until)), ..Default::default() };
    update_held(writer, id, owner, model).await
}

/// Marks a run as done.
pub async fn succeed(writer: &Writer, id: Uuid, owner: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let model = job::ActiveModel {
        state: Set(SUCCEEDED.into()),
        lease_owner: Set(None),
        lease_expires_at: Set(None),
        updated_at: Set(now),
        finished_at: Set(Some(now)),
        ..Default::default()
    };
    update_held(writer, id, owner, model).await
}

/// Records a failed run: queued again for `retry_at`, or dead when that is `None`.
pub async fn fail(
    writer: &Writer,
    id: Uuid,
    owner: &str,
    now: DateTime<Utc>,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let mut model = job::ActiveModel {
        lease_owner: Set(None),
        lease_expires_at: Set(None),
        last_error: Set(Some(error.chars().take(4000).collect())),
        updated_at: Set(now),
        ..Default::default()
    };
    match retry_at {
        Some(at) => {
            model.state = Set(QUEUED.into());
            model.run_at = Set(at);
        }
        None => {
            model.state = Set(DEAD.into());
            model.finished_at = Set(Some(now));
        }
    }
    update_held(writer, id, owner, model).await
}

/// Returns every job `owner` still holds to the queue, due now, without counting the
/// interrupted run as an attempt (a shutdown is not the job's fault).
pub async fn release_all(writer: &Writer, owner: &str, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let txn = writer.begin().await?;
    let n = job::Entity::update_many()
        .col_expr(Column::State, Expr::value(QUEUED))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .col_expr(Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::RunAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::State.eq(RUNNING))
        .filter(Column::LeaseOwner.eq(owner))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(n)
}

/// Jobs whose worker vanished (lease expired): queued again while attempts remain, else dead.
/// Answers (requeued, dead).
pub async fn reclaim_expired(writer: &Writer, now: DateTime<Utc>) -> Result<(u64, u64), DbErr> {
    let txn = writer.begin().await?;
    let expired = || {
        job::Entity::update_many()
            .col_expr(Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(Column::LastError, Expr::value("lease expired: the worker running it stopped responding"))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::State.eq(RUNNING))
            .filter(Column::LeaseExpiresAt.lt(now))
    };
    let dead = expired()
        .col_expr(Column::State, Expr::value(DEAD))
        .col_expr(Column::FinishedAt, Expr::value(now))
        .filter(Expr::col(Column::Attempts).gte(Expr::col(Column::MaxAttempts)))
        .exec(&txn)
        .await?
        .rows_affected;
    let requeued = expired()
        .col_expr(Column::State, Expr::value(QUEUED))
        .col_expr(Column::RunAt, Expr::value(now))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok((requeued, dead))
}

/// Deletes succeeded jobs finished before `before`.
pub async fn purge_succeeded(writer: &Writer, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let txn = writer.begin().await?;
    let n = job::Entity::delete_many()
        .filter(Column::State.eq(SUCCEEDED))
        .filter(Column::FinishedAt.lt(before))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(n)
}

/// How many jobs there are per kind and state.
pub async fn counts(conn: &impl ConnectionTrait) -> Result<Vec<(String, JobState, u64)>, DbErr> {
    let rows: Vec<(String, String, i64)> = job::Entity::find()
        .select_only()
        .column(Column::Kind)
        .column(Column::State)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(Column::Kind)
        .group_by(Column::State)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, state, n)| JobState::parse(&state).map(|s| (kind, s, u64::try_from(n).unwrap_or(0))))
        .collect())
}

/// When the longest-waiting due queued job became due.
pub async fn oldest_due(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, DbErr> {
    let first = job::Entity::find()
        .filter(Column::State.eq(QUEUED))
        .filter(Column::RunAt.lte(now))
        .order_by_asc(Column::RunAt)
        .one(conn)
        .await?;
    Ok(first.map(|j| j.run_at))
}

/// One job.
pub async fn get(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<job::Model>, DbErr> {
    job::Entity::find_by_id(id).one(conn).await
}

/// A page of jobs, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    state: Option<JobState>,
    kind: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<job::Model>, i64), DbErr> {
    let mut cond = Condition::all();
    if let Some(s) = state {
        cond = cond.add(Column::State.eq(s.as_str()));
    }
    if let Some(k) = kind {
        cond = cond.add(Column::Kind.eq(k));
    }
    let query = job::Entity::find().filter(cond);
    let total: Option<i64> =
        query.clone().select_only().column_as(Expr::cust("COUNT(*)"), "n").into_tuple().one(conn).await?;
    let rows =
        query.order_by_desc(Column::CreatedAt).order_by_desc(Column::Id).offset(offset).limit(limit).all(conn).await?;
    Ok((rows, total.unwrap_or(0)))
}

/// Queues a dead job again with fresh attempts; `false` when it is not dead (any more).
pub async fn retry_dead(conn: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let n = job::Entity::update_many()
        .col_expr(Column::State, Expr::value(QUEUED))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::RunAt, Expr::value(now))
        .col_expr(Column::FinishedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::State.eq(DEAD))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(n == 1)
}

/// Deletes a dead or queued job; `false` when it is in neither state (running or done).
pub async fn discard(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let n = job::Entity::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::State.is_in([DEAD, QUEUED]))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(n == 1)
}
