//! AI triage: every prediction a model made for a ticket, what agents said about it, and the
//! model versions that made them.
//!
//! `ai_predictions` has one row per ticket, field and triage run, kept whether the value was
//! applied, offered to agents as a suggestion, or abstained on; `ai_feedback` has one row per
//! acceptance or correction by an agent (the training signal, and the AI page's figures);
//! `ai_model_versions` records each version a provider trained or announced.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{created_at, drop_tables, fk, run_sql};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("ai_predictions")
                    .col(pk_uuid("id"))
                    .col(uuid("ticket_id"))
                    .col(string_len("field", 20).check(Expr::cust("field IN ('category', 'subcategory', 'priority')")))
                    // NULL when the model abstained.
                    .col(string_len_null("predicted_value", 100))
                    // The ticket category the value names (category and subcategory fields).
                    .col(uuid_null("predicted_category_id"))
                    .col(double("confidence"))
                    .col(
                        string_len("outcome", 20).check(Expr::cust("outcome IN ('applied', 'suggested', 'abstained')")),
                    )
                    .col(string_len("model", 100))
                    .col(string_len("model_version", 100))
                    // The triage job that made it: a second run of the same job writes nothing.
                    .col(uuid_null("job_id"))
                    .col(created_at())
                    .foreign_key(&mut fk("ai_predictions", "ticket_id", "tickets", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ai_feedback")
                    .col(pk_uuid("id"))
                    .col(uuid("prediction_id"))
                    .col(uuid("ticket_id"))
                    .col(string_len("field", 20).check(Expr::cust("field IN ('category', 'subcategory', 'priority')")))
                    .col(string_len("verdict", 20).check(Expr::cust("verdict IN ('accepted', 'corrected')")))
                    .col(string_len_null("predicted_value", 100))
                    .col(string_len("agent_value", 100))
                    .col(uuid_null("agent_category_id"))
                    .col(uuid_null("user_id"))
                    .col(created_at())
                    .foreign_key(&mut fk("ai_feedback", "prediction_id", "ai_predictions", ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("ai_feedback", "ticket_id", "tickets", ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk("ai_feedback", "user_id", "users", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ai_model_versions")
                    .col(pk_uuid("id"))
                    .col(string_len("model", 100))
                    .col(string_len("version", 100))
                    .col(integer("trained_examples").default(0))
                    .col(created_at())
                    .take(),
            )
            .await?;
        run_sql(
            manager,
            &[
                "CREATE INDEX idx_ai_predictions_ticket ON ai_predictions(ticket_id, field, created_at)",
                "CREATE UNIQUE INDEX idx_ai_predictions_job ON ai_predictions(job_id, field) WHERE job_id IS NOT NULL",
                "CREATE INDEX idx_ai_feedback_ticket ON ai_feedback(ticket_id, field)",
                "CREATE INDEX idx_ai_feedback_created ON ai_feedback(created_at)",
                "CREATE UNIQUE INDEX idx_ai_model_versions ON ai_model_versions(model, version)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["ai_feedback", "ai_predictions", "ai_model_versions"]).await
    }
}
