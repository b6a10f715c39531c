//! The PostgreSQL databases and Redis that tests run against: their addresses (overridable
//! with `HELPDESK_TEST_DATABASE_URL` and `HELPDESK_TEST_REDIS_URL`), a fresh database per
//! test, and the sweep of databases a killed run left behind.

use uuid::Uuid;

pub fn pg_admin_url() -> String {
    std::env::var("HELPDESK_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn redis_url() -> String {
    std::env::var("HELPDESK_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Replaces the database name of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base.rfind('/').unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

async fn pg_exec(url: &str, sql: &str) {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(url).await.expect("connect to PostgreSQL");
    db.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    db.close().await.ok();
}

/// Creates a fresh PostgreSQL database and returns its URL and name.
///
/// Names carry their creation time, so databases a killed run could not drop
/// are dropped by a later run once they are an hour old.
pub async fn fresh_pg_database() -> (String, String) {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT.get_or_init(drop_stale_pg_databases).await;
    let now = chrono::Utc::now().timestamp();
    let name = format!("helpdesk_test_{now}_{}", Uuid::new_v4().simple());
    pg_exec(&pg_admin_url(), &format!("CREATE DATABASE {name}")).await;
    (with_database(&pg_admin_url(), &name), name)
}

async fn drop_stale_pg_databases() {
    use sea_orm::{ConnectionTrait, Statement};
    let Ok(db) = sea_orm::Database::connect(pg_admin_url()).await else { return };
    let sql = "SELECT datname FROM pg_database WHERE datname LIKE 'helpdesk\\_test\\_%'";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap_or_default();
    let hour_ago = chrono::Utc::now().timestamp() - 3600;
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        // helpdesk_test_<unix seconds>_<uuid>; older names without a time are stale too.
        let born = name.split('_').nth(2).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
        if born < hour_ago {
            let _ = db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
    let _ = db.close().await;
}
