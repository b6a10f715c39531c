//! The `tickets` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub ticket_number: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub priority: String,
    pub category_id: Option<Uuid>,
    pub created_by: Uuid,
    pub assigned_to: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub sla_response_deadline: Option<DateTimeUtc>,
    pub sla_resolution_deadline: Option<DateTimeUtc>,
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub sla_paused: bool,
    pub sla_pause_reason: Option<String>,
    pub ai_suggested_category: Option<Uuid>,
    pub ai_suggested_priority: Option<String>,
    pub ai_confidence: Option<f64>,
    pub ai_model_version: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
