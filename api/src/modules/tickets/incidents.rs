//! What incident (spike) detection needs from tickets: arrivals with their category names,
//! short summaries of listed tickets, and parent/child links in `ticket_related`.
//!
//! A link is written both ways: the child row names its `parent`, the parent row each
//! `child`, so either ticket finds the other with one indexed read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{ticket, ticket_category, ticket_related};

/// Relation type of a child's row pointing at its parent incident.
pub const RELATION_PARENT: &str = "parent";
/// Relation type of the parent's row pointing at one of its children.
pub const RELATION_CHILD: &str = "child";

/// One ticket's arrival, as spike detection counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketArrival {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// The top-level category's name.
    pub category: String,
    /// The subcategory's name, when the ticket is filed under one.
    pub subcategory: Option<String>,
}

/// Tickets raised since `since` (deleted ones too: they still arrived) that have a category,
/// oldest first.
pub async fn arrivals_since(conn: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<Vec<TicketArrival>, DbErr> {
    let categories: HashMap<Uuid, ticket_category::Model> =
        ticket_category::Entity::find().all(conn).await?.into_iter().map(|c| (c.id, c)).collect();
    let rows: Vec<(Uuid, DateTime<Utc>, Option<Uuid>)> = ticket::Entity::find()
        .select_only()
        .column(ticket::Column::Id)
        .column(ticket::Column::CreatedAt)
        .column(ticket::Column::CategoryId)
        .filter(ticket::Column::CreatedAt.gte(since))
        .filter(ticket::Column::CategoryId.is_not_null())
        .order_by_asc(ticket::Column::CreatedAt)
        .into_tuple()
        .all(conn)
        .await?;
    let arrivals = rows.into_iter().filter_map(|(id, created_at, category_id)| {
        let category = categories.get(&category_id?)?;
        let (category, subcategory) = match category.parent_id.and_then(|p| categories.get(&p)) {
            Some(parent) => (parent.name.clone(), Some(category.name.clone())),
            None => (category.name.clone(), None),
        };
        Some(TicketArrival { id, created_at, category, subcategory })
    });
    Ok(arrivals.collect())
}

/// The tickets `ids` (deleted ones left out), oldest first.
pub async fn summaries(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<ticket::Model>, DbErr> {
    ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(ids.to_vec()))
        .filter(ticket::Column::DeletedAt.is_null())
        .order_by_asc(ticket::Column::CreatedAt)
        .all(conn)
        .await
}

/// Links `children` to `parent` both ways; links that exist are kept as they are.
/// Answers how many child links were new.
pub async fn link_to_parent(
    conn: &impl ConnectionTrait,
    parent: Uuid,
    children: &[Uuid],
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut added = 0;
    for child in children.iter().filter(|c| **c != parent) {
        for (from, to, relation) in [(*child, parent, RELATION_PARENT), (parent, *child, RELATION_CHILD)] {
            let present = ticket_related::Entity::find_by_id((from, to)).one(conn).await?;
            if present.is_some() {
                continue;
            }
            let row = ticket_related::ActiveModel {
                ticket_id: Set(from),
                related_ticket_id: Set(to),
                relation_type: Set(relation.to_string()),
                created_by: Set(by),
                created_at: Set(now),
            };
            ticket_related::Entity::insert(row).exec_without_returning(conn).await?;
            if relation == RELATION_PARENT {
                added += 1;
            }
        }
    }
    Ok(added)
}

/// The tickets linked to `parent` as its children.
pub async fn children_of(conn: &impl ConnectionTrait, parent: Uuid) -> Result<Vec<Uuid>, DbErr> {
    let rows = ticket_related::Entity::find()
        .filter(ticket_related::Column::TicketId.eq(parent))
        .filter(ticket_related::Column::RelationType.eq(RELATION_CHILD))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.related_ticket_id).collect())
}
