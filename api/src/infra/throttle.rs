//! Counting failed attempts in a fixed window: in-process by default, Redis
//! keys when configured so every instance shares the count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use deadpool_redis::redis::{self, AsyncCommands};

/// Counts failures per key.
pub enum Throttle {
    /// One process's counts.
    Memory(Mutex<HashMap<String, (u32, Instant)>>),
    /// Shared counts in Redis.
    Redis {
        /// The connection pool.
        pool: deadpool_redis::Pool,
        /// Key prefix, e.g. `helpdesk:throttle:`.
        prefix: String,
    },
}

impl Throttle {
    /// An in-process throttle.
    pub fn memory() -> Self {
        Throttle::Memory(Mutex::new(HashMap::new()))
    }

    /// Seconds to wait when `key` has `max` or more failures in its window.
    pub async fn blocked_for(&self, key: &str, max: u32) -> anyhow::Result<Option<u64>> {
        match self {
            Throttle::Memory(map) => {
                let map = map.lock().map_err(|_| anyhow::anyhow!("throttle lock poisoned"))?;
                Ok(map.get(key).and_then(|(count, until)| {
                    let now = Instant::now();
                    (*count >= max && *until > now).then(|| until.duration_since(now).as_secs().max(1))
                }))
            }
            Throttle::Redis { pool, prefix } => {
                let mut conn = pool.get().await?;
                let full = format!("{prefix}{key}");
                let count: Option<u32> = conn.get(&full).await?;
                if count.unwrap_or(0) < max {
                    return Ok(None);
                }
                let ttl: i64 = conn.ttl(&full).await?;
                Ok(Some(ttl.max(1) as u64))
            }
        }
    }

    /// Records one failure for `key`; the window starts at the first.
    pub async fn record_failure(&self, key: &str, window: Duration) -> anyhow::Result<()> {
        match self {
            Throttle::Memory(map) => {
                let mut map = map.lock().map_err(|_| anyhow::anyhow!("throttle lock poisoned"))?;
                let now = Instant::now();
                if map.len() > 100_000 {
                    map.retain(|_, (_, until)| *until > now);
                }
                let entry = map.entry(key.to_string()).or_insert((0, now + window));
                if entry.1 <= now {
                    *entry = (0, now + window);
                }
                entry.0 += 1;
                Ok(())
            }
            Throttle::Redis { pool, prefix } => {
                let mut conn = pool.get().await?;
                let full = format!("{prefix}{key}");
                let (_count, _set): (u32, bool) = redis::pipe()
                    .atomic()
                    .incr(&full, 1)
                    .cmd("EXPIRE")
                    .arg(&full)
                    .arg(window.as_secs().max(1))
                    .arg("NX")
                    .query_async(&mut conn)
                    .await?;
                Ok(())
            }
        }
    }

    /// Forgets the failures of `key`.
    pub async fn reset(&self, key: &str) -> anyhow::Result<()> {
        match self {
            Throttle::Memory(map) => {
                map.lock().map_err(|_| anyhow::anyhow!("throttle lock poisoned"))?.remove(key);
                Ok(())
            }
            Throttle::Redis { pool, prefix } => {
                let mut conn = pool.get().await?;
                let _: i64 = conn.del(format!("{prefix}{key}")).await?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_blocks_after_max_and_resets() -> anyhow::Result<()> {
        let t = Throttle::memory();
        let w = Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(t.blocked_for("a", 3).await?, None);
            t.record_failure("a", w).await?;
        }
        assert!(t.blocked_for("a", 3).await?.is_some_and(|s| s <= 60));
        assert_eq!(t.blocked_for("b", 3).await?, None);
        t.reset("a").await?;
        assert_eq!(t.blocked_for("a", 3).await?, None);
        Ok(())
    }
}
