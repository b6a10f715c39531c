//! People, roles, permissions, sessions, teams, the audit log and settings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::util::{created_at, drop_tables, fk, run_sql, updated_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("email", 255))
                    .col(string_len("name", 200))
                    .col(string_len_null("password_hash", 255))
                    .col(string_len("auth_provider", 50).default("local"))
                    .col(boolean("is_active").default(true))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .col(created_at())
                    .col(updated_at())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("roles")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("name", 50))
                    .col(string_len("description", 500).default(""))
                    .col(boolean("is_system").default(false))
                    .col(created_at())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("permissions")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("name", 100))
                    .col(string_len("description", 500).default(""))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("role_permissions")
                    .col(uuid("role_id"))
                    .col(uuid("permission_id"))
                    .primary_key(Index::create().col("role_id").col("permission_id"))
                    .foreign_key(&mut fk("role_permissions", "role_id", "roles", CASCADE))
                    .foreign_key(&mut fk("role_permissions", "permission_id", "permissions", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("user_roles")
                    .col(uuid("user_id"))
                    .col(uuid("role_id"))
                    .col(created_at())
                    .primary_key(Index::create().col("user_id").col("role_id"))
                    .foreign_key(&mut fk("user_roles", "user_id", "users", CASCADE))
                    .foreign_key(&mut fk("user_roles", "role_id", "roles", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(uuid("family_id"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(uuid_null("replaced_by"))
                    .col(string_len_null("ip_address", 45))
                    .col(text_null("user_agent"))
                    .col(created_at())
                    .foreign_key(&mut fk("refresh_tokens", "user_id", "users", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("teams")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("name", 100))
                    .col(text_null("description"))
                    .col(created_at())
                    .col(updated_at())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("team_members")
                    .col(uuid("team_id"))
                    .col(uuid("user_id"))
                    .col(string_len("role", 20).default("member"))
                    .col(created_at())
                    .primary_key(Index::create().col("team_id").col("user_id"))
                    .foreign_key(&mut fk("team_members", "team_id", "teams", CASCADE))
                    .foreign_key(&mut fk("team_members", "user_id", "users", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_logs")
                    .col(pk_uuid("id"))
                    .col(timestamp_with_time_zone("timestamp").default(Expr::current_timestamp()))
                    .col(uuid_null("user_id"))
                    .col(string_len_null("user_email", 255))
                    .col(string_len("action", 100))
                    .col(string_len("resource_type", 50))
                    .col(uuid_null("resource_id"))
                    .col(json_binary_null("details"))
                    .col(string_len_null("ip_address", 45))
                    .col(text_null("user_agent"))
                    .col(string_len("result", 20).default("success"))
                    .foreign_key(&mut fk("audit_logs", "user_id", "users", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("system_config")
                    .col(string_len("key", 100).primary_key())
                    .col(json_binary("value"))
                    .col(uuid_null("updated_by"))
                    .col(updated_at())
                    .take(),
            )
            .await?;
        run_sql(
            manager,
            &[
                "CREATE INDEX idx_refresh_tokens_family ON refresh_tokens(family_id)",
                "CREATE INDEX idx_refresh_tokens_user ON refresh_tokens(user_id)",
                "CREATE INDEX idx_user_roles_role ON user_roles(role_id)",
                "CREATE INDEX idx_team_members_user ON team_members(user_id)",
                "CREATE INDEX idx_audit_logs_user ON audit_logs(user_id, timestamp DESC)",
                "CREATE INDEX idx_audit_logs_resource ON audit_logs(resource_type, resource_id)",
                "CREATE INDEX idx_audit_logs_action ON audit_logs(action)",
                "CREATE INDEX idx_audit_logs_timestamp ON audit_logs(timestamp DESC)",
            ],
        )
        .await?;
        // The audit log is append-only, whatever the application does.
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                run_sql(
                    manager,
                    &[
                        "CREATE FUNCTION audit_logs_append_only() RETURNS trigger AS $$ \
                         BEGIN RAISE EXCEPTION 'audit_logs is append-only'; END; $$ LANGUAGE plpgsql",
                        "CREATE TRIGGER audit_logs_no_update BEFORE UPDATE OR DELETE ON audit_logs \
                         FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()",
                        "CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs \
                         FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()",
                    ],
                )
                .await?
            }
            _ => {
                run_sql(
                    manager,
                    &[
                        "CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs \
                         BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END",
                        "CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs \
                         BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END",
                    ],
                )
                .await?
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "system_config",
                "audit_logs",
                "team_members",
                "teams",
                "refresh_tokens",
                "user_roles",
                "role_permissions",
                "permissions",
                "roles",
                "users",
            ],
        )
        .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            run_sql(manager, &["DROP FUNCTION IF EXISTS audit_logs_append_only()"]).await?;
        }
        Ok(())
    }
}
