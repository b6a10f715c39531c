//! A category can name the team that works its tickets: a ticket filed under it (by the
//! requester, an agent, or later the AI) lands in that team's queue.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::run_sql;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000003_category_team"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds a column with a REFERENCES clause (NULL default) but no constraint on
        // its own, so both backends get the column and its foreign key in one statement.
        let sql = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "ALTER TABLE ticket_categories ADD COLUMN team_id uuid NULL \
                 REFERENCES teams(id) ON DELETE SET NULL"
            }
            _ => {
                "ALTER TABLE ticket_categories ADD COLUMN team_id uuid_text NULL \
                 REFERENCES teams(id) ON DELETE SET NULL"
            }
        };
        run_sql(manager, &[sql]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_sql(manager, &["ALTER TABLE ticket_categories DROP COLUMN team_id"]).await
    }
}
