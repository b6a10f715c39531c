//! The `kb_article_versions` table: a full snapshot per edit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_article_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub article_id: Uuid,
    pub number: i32,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    /// A JSON array of tag strings.
    pub tags: Json,
    pub category_id: Uuid,
    pub subcategory_id: Option<Uuid>,
    pub editor_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
