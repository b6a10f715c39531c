//! Following the `search_changes` log: what every in-memory copy of the tables (the search
//! indexes, the similar-tickets vectors) does to stay equal to them.
//!
//! A follower is built from the tables and remembers the last log entry it reflects; one task
//! per instance then applies the log in order, in batches. Every change appends an entry in the
//! same transaction as the change, so a follower that has applied entry N reflects the rows as
//! of N, whichever instance made the changes. The task wakes at once when this instance
//! commits a change ([`LogCursor::nudge`]) and polls every second for the others'. Nothing is
//! lost if the process dies: the next start builds again from the database.

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use super::changelog::{self, SearchChange};
use crate::error::ApiError;

/// How often the log is read when nothing nudged.
const POLL: Duration = Duration::from_secs(1);
/// Log entries applied per round.
pub const BATCH: u64 = 500;

/// How far a follower has read the log: one catch-up at a time, and the task's wake-up call.
#[derive(Debug)]
pub struct LogCursor {
    /// The last applied `search_changes` id; -1 until the first build finished.
    applied: AtomicI64,
    /// One build or catch-up at a time (the task's, or a reader's in [`sync`]).
    catching: tokio::sync::Mutex<()>,
    wake: Notify,
}

impl Default for LogCursor {
    fn default() -> Self {
        Self { applied: AtomicI64::new(-1), catching: tokio::sync::Mutex::new(()), wake: Notify::new() }
    }
}

impl LogCursor {
    /// The last entry applied (-1 before the first build).
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    /// Whether the first build finished.
    pub fn is_ready(&self) -> bool {
        self.applied() >= 0
    }

    /// Tells the task this instance committed a change.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }
}

/// Something kept equal to tables by the log.
pub trait Follower: Send + Sync {
    /// Its cursor.
    fn cursor(&self) -> &LogCursor;

    /// Makes it equal to the tables as they are now (under the cursor's lock).
    fn rebuild(&self, db: &DatabaseConnection) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// Applies a batch of log entries, oldest first, of every entity kind (under the lock).
    fn apply(
        &self,
        db: &DatabaseConnection,
        changes: &[SearchChange],
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// Says in the log that the first build finished (what it holds).
    fn built(&self);

    /// What it is, for the log.
    fn name(&self) -> &'static str;
}

/// Builds `follower`, then applies the log until the process ends. A failed build is tried
/// again every five seconds; a failed catch-up at the next round.
pub async fn run<F: Follower>(follower: &F, db: &DatabaseConnection) {
    loop {
        match build(follower, db).await {
            Ok(()) => break,
            Err(e) => tracing::warn!(what = follower.name(), error = %e, "building from the tables failed; retrying"),
        }
        tokio::time::sleep(POLL * 5).await;
    }
    follower.built();
    loop {
        match catch_up(follower, db).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(what = follower.name(), error = %e, "reading the search change log failed"),
        }
        let _ = tokio::time::timeout(POLL, follower.cursor().wake.notified()).await;
    }
}

/// Builds `follower` from the tables (the start, and a re-index).
pub async fn build<F: Follower>(follower: &F, db: &DatabaseConnection) -> Result<(), ApiError> {
    let cursor = follower.cursor();
    let _one = cursor.catching.lock().await;
    // The log position first: changes after it are applied again on top, which is harmless.
    let last = changelog::last_change_id(db).await?;
    follower.rebuild(db).await?;
    cursor.applied.store(last, Ordering::SeqCst);
    Ok(())
}

/// Applies every change committed before the call, so whoever just changed something finds it
/// (read-your-writes): one indexed query when nothing is pending. Does nothing before the first
/// build, and leaves a large backlog (a re-index) to the task rather than make a reader wait.
pub async fn sync<F: Follower>(follower: &F, db: &DatabaseConnection) -> Result<(), ApiError> {
    let cursor = follower.cursor();
    if !cursor.is_ready() {
        return Ok(());
    }
    let last = changelog::last_change_id(db).await?;
    if last - cursor.applied() > BATCH as i64 {
        return Ok(());
    }
    while cursor.applied() < last {
        if !catch_up(follower, db).await? {
            break;
        }
    }
    Ok(())
}

/// Applies the next batch of log entries; answers whether there may be more.
pub async fn catch_up<F: Follower>(follower: &F, db: &DatabaseConnection) -> Result<bool, ApiError> {
    let cursor = follower.cursor();
    let _one = cursor.catching.lock().await;
    let changes = changelog::changes_after(db, None, cursor.applied(), BATCH).await?;
    let Some(last) = changes.last().map(|c| c.id) else { return Ok(false) };
    follower.apply(db, &changes).await?;
    cursor.applied.store(last, Ordering::SeqCst);
    Ok(changes.len() as u64 == BATCH)
}
