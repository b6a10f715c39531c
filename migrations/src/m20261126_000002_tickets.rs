//! Ticket categories, tickets and everything that hangs off a ticket.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::{created_at, drop_tables, fk, run_sql, updated_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("ticket_categories")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 100))
                    .col(uuid_null("parent_id"))
                    .col(text_null("description"))
                    .col(boolean("is_active").default(true))
                    .col(created_at())
                    .foreign_key(&mut fk("ticket_categories", "parent_id", "ticket_categories", CASCADE))
                    .take(),
            )
            .await?;
        let is_pg = manager.get_database_backend() == DbBackend::Postgres;
        // PostgreSQL keeps a maintained tsvector; SQLite has the column for
        // schema parity but searches with LIKE until the search module owns it.
        let search_vector =
            if is_pg { custom("search_vector", "tsvector").null().take() } else { text_null("search_vector") };
        manager
            .create_table(
                Table::create()
                    .table("tickets")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("ticket_number", 20))
                    .col(string_len("title", 500))
                    .col(text("description"))
                    .col(string_len("status", 50))
                    .col(string_len("priority", 20))
                    .col(uuid_null("category_id"))
                    .col(uuid("created_by"))
                    .col(uuid_null("assigned_to"))
                    .col(uuid_null("team_id"))
                    .col(timestamp_with_time_zone_null("sla_response_deadline"))
                    .col(timestamp_with_time_zone_null("sla_resolution_deadline"))
                    .col(timestamp_with_time_zone_null("first_response_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(boolean("sla_paused").default(false))
                    .col(string_len_null("sla_pause_reason", 100))
                    .col(uuid_null("ai_suggested_category"))
                    .col(string_len_null("ai_suggested_priority", 20))
                    .col(double_null("ai_confidence").check(Expr::cust("ai_confidence BETWEEN 0 AND 1")))
                    .col(string_len_null("ai_model_version", 50))
                    .col(integer("version").default(1))
                    .col(created_at())
                    .col(updated_at())
                    .col(search_vector)
                    .col(timestamp_with_time_zone_null("deleted_at"))
                    .foreign_key(&mut fk("tickets", "category_id", "ticket_categories", SET_NULL))
                    .foreign_key(&mut fk("tickets", "created_by", "users", RESTRICT))
                    .foreign_key(&mut fk("tickets", "assigned_to", "users", SET_NULL))
                    .foreign_key(&mut fk("tickets", "team_id", "teams", SET_NULL))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tickets_ai_suggested_category")
                            .from("tickets", "ai_suggested_category")
                            .to("ticket_categories", "id")
                            .on_delete(SET_NULL),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ticket_comments")
                    .col(pk_uuid("id"))
                    .col(uuid("ticket_id"))
                    .col(uuid("author_id"))
                    .col(text("body"))
                    .col(boolean("is_internal").default(false))
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut fk("ticket_comments", "ticket_id", "tickets", CASCADE))
                    .foreign_key(&mut fk("ticket_comments", "author_id", "users", RESTRICT))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ticket_history")
                    .col(pk_uuid("id"))
                    .col(uuid("ticket_id"))
                    .col(uuid_null("actor_id"))
                    .col(string_len("field", 50))
                    .col(text_null("old_value"))
                    .col(text_null("new_value"))
                    .col(created_at())
                    .foreign_key(&mut fk("ticket_history", "ticket_id", "tickets", CASCADE))
                    .foreign_key(&mut fk("ticket_history", "actor_id", "users", SET_NULL))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ticket_tags")
                    .col(uuid("ticket_id"))
                    .col(string_len("tag", 50))
                    .primary_key(Index::create().col("ticket_id").col("tag"))
                    .foreign_key(&mut fk("ticket_tags", "ticket_id", "tickets", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ticket_related")
                    .col(uuid("ticket_id"))
                    .col(uuid("related_ticket_id"))
                    .col(string_len("relation_type", 20).default("related"))
                    .col(uuid_null("created_by"))
                    .col(created_at())
                    .primary_key(Index::create().col("ticket_id").col("related_ticket_id"))
                    .foreign_key(&mut fk("ticket_related", "ticket_id", "tickets", CASCADE))
                    .foreign_key(&mut fk("ticket_related", "related_ticket_id", "tickets", CASCADE))
                    .foreign_key(&mut fk("ticket_related", "created_by", "users", SET_NULL))
                    .take(),
            )
            .await?;
        // One row a day hands out ticket numbers inside the creating transaction.
        manager
            .create_table(
                Table::create()
                    .table("ticket_number_sequences")
                    .col(string_len("day", 8).primary_key())
                    .col(integer("last_value"))
                    .take(),
            )
            .await?;
        run_sql(manager, &["CREATE INDEX idx_ticket_categories_parent ON ticket_categories(parent_id)"]).await?;
        // The list's access paths: by status (everyone), by assignee and by requester
        // (own tickets), by team (agents). Status and priority ride along so the usual
        // filters and COUNT(*) are answered from the index; partial, because every read
        // excludes deleted tickets. They carry the row key so a page's keys come from
        // the index alone: SQLite stores the rowid anyway, PostgreSQL needs INCLUDE.
        let include = if is_pg { " INCLUDE (id)" } else { "" };
        for (name, lead) in [
            ("idx_tickets_status", ""),
            ("idx_tickets_assigned", "assigned_to, "),
            ("idx_tickets_created_by", "created_by, "),
            ("idx_tickets_team", "team_id, "),
        ] {
            let sql = format!(
                "CREATE INDEX {name} ON tickets({lead}status, priority, created_at DESC){include} \
                 WHERE deleted_at IS NULL"
            );
            run_sql(manager, &[&sql]).await?;
        }
        run_sql(
            manager,
            &[
                "CREATE INDEX idx_tickets_category ON tickets(category_id)",
                "CREATE INDEX idx_tickets_created_at ON tickets(created_at DESC)",
                "CREATE INDEX idx_tickets_sla_response ON tickets(sla_response_deadline) WHERE first_response_at IS NULL",
                "CREATE INDEX idx_ticket_comments_ticket ON ticket_comments(ticket_id, created_at)",
                "CREATE INDEX idx_ticket_history_ticket ON ticket_history(ticket_id, created_at)",
                "CREATE INDEX idx_ticket_tags_tag ON ticket_tags(tag)",
                "CREATE INDEX idx_ticket_related_related ON ticket_related(related_ticket_id)",
            ],
        )
        .await?;
        if is_pg {
            run_sql(
                manager,
                &[
                    "CREATE INDEX idx_tickets_search ON tickets USING GIN(search_vector)",
                    "CREATE TRIGGER tickets_search_update BEFORE INSERT OR UPDATE OF title, description ON tickets \
                     FOR EACH ROW EXECUTE FUNCTION \
                     tsvector_update_trigger(search_vector, 'pg_catalog.english', title, description)",
                ],
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "ticket_number_sequences",
                "ticket_related",
                "ticket_tags",
                "ticket_history",
                "ticket_comments",
                "tickets",
                "ticket_categories",
            ],
        )
        .await
    }
}
