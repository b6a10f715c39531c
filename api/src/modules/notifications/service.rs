//! The rules of in-app notifications, and the only code that touches their tables.
//!
//! A notification goes to one user or to everyone holding a permission; each reader marks
//! it read for themselves. One with a dedupe key is written only while no other holds that
//! key, which lets a condition that stays true (a job backlog) be announced once; clearing
//! the key when the condition ends lets the next occurrence be announced again.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult,
};
use shared_types::Permission;
use shared_types::notifications::NotificationDto;
use uuid::Uuid;

use crate::entities::{notification, notification_read};
use crate::error::ApiError;
use crate::modules::auth::Access;
use crate::paging::Paging;

/// A notification to write.
#[derive(Debug, Clone)]
pub struct NewNotification {
    /// To this user...
    pub user_id: Option<Uuid>,
    /// ...or to everyone holding this permission.
    pub permission: Option<Permission>,
    /// What it is about, e.g. `jobs.backlog`.
    pub kind: &'static str,
    /// A sentence for people.
    pub message: String,
    /// Facts for the client.
    pub data: Option<serde_json::Value>,
    /// See the module documentation.
    pub dedupe_key: Option<String>,
}

/// Writes `n` on `conn`; `None` when its dedupe key is already held.
pub async fn create(
    conn: &impl ConnectionTrait,
    n: NewNotification,
    now: DateTime<Utc>,
) -> Result<Option<notification::Model>, DbErr> {
    let model = notification::Model {
        id: Uuid::now_v7(),
        recipient_user_id: n.user_id,
        recipient_permission: n.permission.map(|p| p.as_str().to_string()),
        kind: n.kind.to_string(),
        message: n.message,
        data: n.data,
        dedupe_key: n.dedupe_key,
        created_at: now,
    };
    let active: notification::ActiveModel = model.clone().into();
    // No conflict target: the dedupe key's unique index must count, not only the primary key
    // (sea-orm's `on_conflict_do_nothing` names the primary key).
    let any_conflict = sea_orm::sea_query::OnConflict::new().do_nothing().to_owned();
    match notification::Entity::insert(active)
        .on_conflict(any_conflict)
        .try_insert()
        .exec_without_returning(conn)
        .await?
    {
        TryInsertResult::Inserted(n) if n > 0 => Ok(Some(model)),
        TryInsertResult::Inserted(_) | TryInsertResult::Empty | TryInsertResult::Conflicted => Ok(None),
    }
}

/// Frees `key`, so the next notification with it is written.
pub async fn clear_dedupe_key(conn: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    notification::Entity::update_many()
        .col_expr(notification::Column::DedupeKey, Expr::value(Option::<String>::None))
        .filter(notification::Column::DedupeKey.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether `reader` is among `n`'s recipients.
pub fn is_for(n: &notification::Model, reader: &Access) -> bool {
    n.recipient_user_id == Some(reader.user_id)
        || n.recipient_permission.as_deref().and_then(Permission::parse).is_some_and(|p| reader.has(p))
}

fn addressed_to(reader: &Access) -> Condition {
    let permissions: Vec<&str> = reader.permissions.iter().map(|p| p.as_str()).collect();
    Condition::any()
        .add(notification::Column::RecipientUserId.eq(reader.user_id))
        .add(notification::Column::RecipientPermission.is_in(permissions))
}

/// A page of `reader`'s notifications, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    reader: &Access,
    unread_only: bool,
    paging: Paging,
) -> Result<(Vec<NotificationDto>, u64), ApiError> {
    let mut cond = Condition::all().add(addressed_to(reader));
    if unread_only {
        let read = Query::select()
            .column(notification_read::Column::NotificationId)
            .from(notification_read::Entity)
            .and_where(notification_read::Column::UserId.eq(reader.user_id))
            .to_owned();
        cond = cond.add(notification::Column::Id.not_in_subquery(read));
    }
    let query = notification::Entity::find().filter(cond);
    let total = crate::paging::count(query.clone(), conn).await?;
    let rows = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset(paging.offset())
        .limit(paging.limit)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|n| n.id).collect();
    let reads: std::collections::HashMap<Uuid, DateTime<Utc>> = notification_read::Entity::find()
        .filter(notification_read::Column::UserId.eq(reader.user_id))
        .filter(notification_read::Column::NotificationId.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.notification_id, r.read_at))
        .collect();
    let data = rows
        .into_iter()
        .map(|n| NotificationDto {
            read_at: reads.get(&n.id).copied(),
            id: n.id,
            kind: n.kind,
            message: n.message,
            data: n.data,
            created_at: n.created_at,
        })
        .collect();
    Ok((data, total))
}

/// Marks `id` read for `reader` (again is fine); 404 when it is not theirs.
pub async fn mark_read(
    conn: &impl ConnectionTrait,
    reader: &Access,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let found = notification::Entity::find_by_id(id).one(conn).await?;
    if !found.as_ref().is_some_and(|n| is_for(n, reader)) {
        return Err(ApiError::not_found("notification_not_found", "No such notification"));
    }
    let read =
        notification_read::ActiveModel { notification_id: Set(id), user_id: Set(reader.user_id), read_at: Set(now) };
    notification_read::Entity::insert(read).on_conflict_do_nothing().exec_without_returning(conn).await?;
    Ok(())
}
