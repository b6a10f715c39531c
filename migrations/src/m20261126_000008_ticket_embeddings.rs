//! Ticket embeddings, for similar tickets.
//!
//! `ticket_embeddings` holds one sentence embedding per ticket, of its public text (title and
//! description), written by the `ticket.embed` job. `model` and `dims` say which model made
//! it, so a change of model is noticed and the ticket embedded again; `text_fingerprint` is a
//! hash of the text embedded, so a run that finds the text unchanged does nothing. `vector`
//! is the unit-length vector as little-endian `f32`s. Every instance loads these rows into
//! memory at start instead of embedding every ticket again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{drop_tables, fk, updated_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("ticket_embeddings")
                    .col(pk_uuid("ticket_id"))
                    .col(string_len("model", 100))
                    .col(integer("dims"))
                    .col(blob("vector"))
                    .col(string_len("text_fingerprint", 64))
                    .col(updated_at())
                    .foreign_key(&mut fk("ticket_embeddings", "ticket_id", "tickets", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["ticket_embeddings"]).await
    }
}
