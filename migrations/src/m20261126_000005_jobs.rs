//! Durable background jobs and in-app notifications.
//!
//! `jobs` is the queue itself: a job is a row written in the transaction of
//! the change that needs it, claimed by workers with a lease, retried with
//! backoff and finally parked as `dead` with its last error. `notifications`
//! holds in-app messages for one user or for everyone holding a permission;
//! `notification_reads` records who has read which (one row per reader, so a
//! message to all admins is read by each of them separately).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{created_at, drop_tables, fk, run_sql, updated_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jobs")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 100))
                    // JSON as text: the handler owns its shape, the database never looks inside.
                    .col(text("payload"))
                    .col(
                        string_len("state", 20)
                            .check(Expr::cust("state IN ('queued', 'running', 'succeeded', 'dead')")),
                    )
                    .col(integer("attempts").default(0))
                    .col(integer("max_attempts"))
                    .col(timestamp_with_time_zone("run_at"))
                    .col(string_len_null("lease_owner", 64))
                    .col(timestamp_with_time_zone_null("lease_expires_at"))
                    .col(text_null("last_error"))
                    .col(string_len_null("dedupe_key", 200))
                    .col(created_at())
                    .col(updated_at())
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(pk_uuid("id"))
                    .col(uuid_null("recipient_user_id"))
                    .col(string_len_null("recipient_permission", 50))
                    .col(string_len("kind", 50))
                    .col(text("message"))
                    .col(json_binary_null("data"))
                    // While set, no second notification with the same key can be written (an
                    // alert that stays raised is announced once); cleared when it is over.
                    .col(string_len_null("dedupe_key", 200))
                    .col(created_at())
                    .check(Expr::cust("recipient_user_id IS NOT NULL OR recipient_permission IS NOT NULL"))
                    .foreign_key(&mut fk("notifications", "recipient_user_id", "users", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("notification_reads")
                    .col(uuid("notification_id"))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("read_at"))
                    .primary_key(Index::create().col("notification_id").col("user_id"))
                    .foreign_key(&mut fk(
                        "notification_reads",
                        "notification_id",
                        "notifications",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk("notification_reads", "user_id", "users", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await?;
        run_sql(
            manager,
            &[
                // Claiming: the due queued jobs of a kind, oldest first.
                "CREATE INDEX idx_jobs_claim ON jobs(kind, state, run_at)",
                // Reclaiming expired leases, and counting per state.
                "CREATE INDEX idx_jobs_state_lease ON jobs(state, lease_expires_at)",
                // Purging finished jobs.
                "CREATE INDEX idx_jobs_finished ON jobs(state, finished_at)",
                // A dedupe key is unique among live jobs only: once a job has finished, the same
                // key may be enqueued again.
                "CREATE UNIQUE INDEX idx_jobs_dedupe ON jobs(dedupe_key) \
                 WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running')",
                "CREATE INDEX idx_notifications_user ON notifications(recipient_user_id, created_at)",
                "CREATE INDEX idx_notifications_permission ON notifications(recipient_permission, created_at)",
                "CREATE UNIQUE INDEX idx_notifications_dedupe ON notifications(dedupe_key) WHERE dedupe_key IS NOT NULL",
                "CREATE INDEX idx_notification_reads_user ON notification_reads(user_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["notification_reads", "notifications", "jobs"]).await
    }
}
