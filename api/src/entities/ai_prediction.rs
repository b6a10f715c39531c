//! The `ai_predictions` table: one field of one triage run for one ticket.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_predictions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub ticket_id: Uuid,
    /// `category`, `subcategory` or `priority`.
    pub field: String,
    /// `None` when the model abstained.
    pub predicted_value: Option<String>,
    /// The ticket category the value names (category and subcategory).
    pub predicted_category_id: Option<Uuid>,
    pub confidence: f64,
    /// `applied`, `suggested` or `abstained`.
    pub outcome: String,
    pub model: String,
    pub model_version: String,
    pub job_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
