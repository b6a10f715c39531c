//! Ticket-spike alerts.
//!
//! `incident_alerts` holds one row per spike the detection job raised: the category (and
//! subcategory) that spiked, the strongest window with its observed and expected counts,
//! the alert's state (`open`, then `linked` to a parent incident ticket or `dismissed`) and
//! who settled it. `incident_alert_tickets` lists the tickets the alert is about.
//!
//! The `incident:manage` permission needs no row here: the start-up role seeding adds new
//! permissions and grants them to the built-in roles whose defaults have them, on new and
//! upgraded installs alike.

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
                    .table("incident_alerts")
                    .col(pk_uuid("id"))
                    .col(string_len("category", 100))
                    .col(string_len_null("subcategory", 100))
                    .col(string_len("status", 20).check(Expr::cust("status IN ('open', 'linked', 'dismissed')")))
                    .col(timestamp_with_time_zone("window_start"))
                    .col(timestamp_with_time_zone("window_end"))
                    .col(integer("observed"))
                    .col(double("expected"))
                    // -log10 of the window's Poisson tail probability.
                    .col(double("surprise"))
                    .col(timestamp_with_time_zone("raised_at"))
                    // The spike is ongoing while signals keep coming; later signals of the same
                    // category join this alert instead of raising another.
                    .col(timestamp_with_time_zone("last_signal_at"))
                    .col(uuid_null("parent_ticket_id"))
                    .col(uuid_null("resolved_by"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut fk("incident_alerts", "parent_ticket_id", "tickets", ForeignKeyAction::SetNull))
                    .foreign_key(&mut fk("incident_alerts", "resolved_by", "users", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("incident_alert_tickets")
                    .col(uuid("alert_id"))
                    .col(uuid("ticket_id"))
                    .primary_key(Index::create().col("alert_id").col("ticket_id"))
                    .foreign_key(&mut fk(
                        "incident_alert_tickets",
                        "alert_id",
                        "incident_alerts",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk("incident_alert_tickets", "ticket_id", "tickets", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await?;
        run_sql(
            manager,
            &[
                // The lead's list (newest first, by status) and the job's look for an ongoing alert.
                "CREATE INDEX idx_incident_alerts_status ON incident_alerts(status, raised_at)",
                "CREATE INDEX idx_incident_alerts_category ON incident_alerts(category, last_signal_at)",
                "CREATE INDEX idx_incident_alert_tickets_ticket ON incident_alert_tickets(ticket_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["incident_alert_tickets", "incident_alerts"]).await
    }
}
