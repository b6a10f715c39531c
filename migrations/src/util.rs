//! Small helpers shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// A foreign key from `table.col` to `target.id`.
pub fn fk(
    table: &'static str,
    col: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(format!("fk_{table}_{col}")).from(table, col).to(target, "id").on_delete(on_delete).take()
}

/// `created_at` with the current time as default.
pub fn created_at() -> ColumnDef {
    timestamp_with_time_zone("created_at").default(Expr::current_timestamp()).take()
}

/// `updated_at` with the current time as default.
pub fn updated_at() -> ColumnDef {
    timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()).take()
}

/// Runs plain SQL statements, in order.
pub async fn run_sql(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// Drops tables, in order.
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables {
        manager.drop_table(Table::drop().table(*table).if_exists().take()).await?;
    }
    Ok(())
}
