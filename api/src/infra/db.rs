//! Database connection: a SQLite file by default, PostgreSQL by URL.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};

use crate::settings::Settings;

/// Opens the configured database. SQLite gets WAL, a busy timeout and
/// foreign keys; its parent directory is created when missing.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") {
        if settings.database_url.is_none() {
            std::fs::create_dir_all(&settings.data_dir)
                .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
        }
        let options = sqlite_options(&url)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.database_max_connections)
            .min_connections(1)
            .connect_with(options)
            .await
            .with_context(|| format!("opening SQLite database {url}"))?;
        Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
    } else {
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(settings.database_max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        Database::connect(options).await.context("connecting to PostgreSQL")
    }
}

fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)
        .context("parsing HELPDESK_DATABASE_URL")?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-32000"))
}

/// Applies every pending migration. On PostgreSQL an advisory lock makes
/// instances that start together take turns, so each migration runs once.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        Migrator::up(db, None).await.context("running migrations")?;
        // Refresh the planner's statistics where they are missing or stale; without
        // them SQLite picks poor plans for the ticket list at 100,000 rows.
        db.execute_unprepared("PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002").await?;
        return Ok(());
    }
    // Session locks belong to one connection: hold it in a transaction's connection.
    let lock = db.begin().await?;
    lock.execute_unprepared("SELECT pg_advisory_xact_lock(7264150001)").await?;
    let result = Migrator::up(db, None).await.context("running migrations");
    lock.commit().await?;
    result
}

/// Rolls back the newest `steps` migrations (all when `None`).
pub async fn rollback(db: &DatabaseConnection, steps: Option<u32>) -> anyhow::Result<()> {
    Migrator::down(db, steps).await.context("rolling back migrations")
}

/// Lists migrations and whether each is applied.
pub async fn status(db: &DatabaseConnection) -> anyhow::Result<Vec<(String, bool)>> {
    let applied: Vec<String> =
        Migrator::get_applied_migrations(db).await?.iter().map(|m| m.name().to_string()).collect();
    Ok(Migrator::migrations().iter().map(|m| (m.name().to_string(), applied.contains(&m.name().to_string()))).collect())
}

/// Where write transactions begin.
///
/// SQLite allows one writer at a time. Left to itself, a second writer waits
/// in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and
/// gives terrible tail latency under load. So on SQLite, write transactions go
/// through a pool of exactly one connection: writers queue, in order, on the
/// pool instead. PostgreSQL writers run concurrently on the main pool.
#[derive(Clone)]
pub struct Writer {
    conn: DatabaseConnection,
}

impl Writer {
    /// A writer for `settings`' database; `main` is the shared pool.
    pub async fn new(settings: &Settings, main: &DatabaseConnection) -> anyhow::Result<Self> {
        if main.get_database_backend() != DbBackend::Sqlite {
            return Ok(Self { conn: main.clone() });
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(sqlite_options(&settings.database_url())?)
            .await
            .context("opening the SQLite write connection")?;
        Ok(Self { conn: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool) })
    }

    /// Begins a write transaction (queued behind other writers on SQLite).
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        begin_write(&self.conn).await
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at
/// `BEGIN` (IMMEDIATE), so concurrent writers wait on the busy timeout
/// instead of failing when a read lock cannot be upgraded.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
