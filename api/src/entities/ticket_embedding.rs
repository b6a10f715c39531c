//! The `ticket_embeddings` table: one sentence embedding of each ticket's public text.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_embeddings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: Uuid,
    /// The model that made it, e.g. `all-MiniLM-L6-v2`.
    pub model: String,
    /// The vector length.
    pub dims: i32,
    /// The unit-length vector, little-endian `f32`s.
    pub vector: Vec<u8>,
    /// Hex sha256 of the text embedded.
    pub text_fingerprint: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
