//! The `ai_feedback` table: an agent's acceptance or correction of one prediction.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ai_feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub prediction_id: Uuid,
    pub ticket_id: Uuid,
    pub field: String,
    /// `accepted` or `corrected`.
    pub verdict: String,
    pub predicted_value: Option<String>,
    pub agent_value: String,
    pub agent_category_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::ai_prediction::Entity",
        from = "Column::PredictionId",
        to = "super::ai_prediction::Column::Id"
    )]
    Prediction,
}

impl Related<super::ai_prediction::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Prediction.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
