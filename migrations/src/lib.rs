//! Schema migrations. The same migrations run on SQLite and PostgreSQL; where
//! the two differ (triggers, full-text columns) a migration asks the backend.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_identity;
mod m20261126_000002_tickets;
mod m20261126_000003_category_team;
mod m20261126_000004_knowledge_base;
mod m20261126_000005_jobs;
mod m20261126_000006_ai;
mod m20261126_000007_incidents;
mod m20261126_000008_ticket_embeddings;
mod util;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_identity::Migration),
            Box::new(m20261126_000002_tickets::Migration),
            Box::new(m20261126_000003_category_team::Migration),
            Box::new(m20261126_000004_knowledge_base::Migration),
            Box::new(m20261126_000005_jobs::Migration),
            Box::new(m20261126_000006_ai::Migration),
            Box::new(m20261126_000007_incidents::Migration),
            Box::new(m20261126_000008_ticket_embeddings::Migration),
        ]
    }
}
