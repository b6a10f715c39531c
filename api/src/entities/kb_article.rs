//! The `kb_articles` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    /// Sanitised HTML rendered from `body_markdown` on every write.
    pub body_html: String,
    pub status: String,
    pub category_id: Uuid,
    pub subcategory_id: Option<Uuid>,
    pub featured: bool,
    pub view_count: i64,
    pub helpful_count: i64,
    pub unhelpful_count: i64,
    pub author_id: Option<Uuid>,
    /// Number of the newest row in `kb_article_versions`.
    pub current_version: i32,
    /// Row version for optimistic concurrency (`If-Match`).
    pub version: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
