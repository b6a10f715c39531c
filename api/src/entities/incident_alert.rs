//! The `incident_alerts` table: ticket spikes raised by the detection job.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub category: String,
    pub subcategory: Option<String>,
    /// `open`, `linked` or `dismissed`.
    pub status: String,
    pub window_start: DateTimeUtc,
    pub window_end: DateTimeUtc,
    pub observed: i32,
    pub expected: f64,
    pub surprise: f64,
    pub raised_at: DateTimeUtc,
    pub last_signal_at: DateTimeUtc,
    pub parent_ticket_id: Option<Uuid>,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
