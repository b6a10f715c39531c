//! The `search_changes` table: the ordered log the search index applies.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What changed, e.g. `kb_article`.
    pub entity: String,
    pub entity_id: Uuid,
    /// `upsert` or `delete`.
    pub op: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
