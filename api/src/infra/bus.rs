//! A small broadcast bus between instances: in-process by default, Redis
//! pub/sub when configured. Carries permission-cache invalidations, ticket
//! events and presence (the realtime hub's input).
//!
//! Every message a process publishes also reaches its own subscribers, so
//! code reacts the same way whether the message came from this instance or
//! another. When the Redis subscription drops and comes back, subscribers get
//! a [`BusMessage::Resync`]: messages may have been missed, so caches clear.

use std::time::Duration;

use deadpool_redis::redis::{self, AsyncCommands};
use futures_util::StreamExt;
use tokio::sync::broadcast;

/// What subscribers receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusMessage {
    /// A message on a topic.
    Message {
        /// The topic, without the installation prefix.
        topic: String,
        /// The payload.
        payload: String,
    },
    /// Messages may have been lost; rebuild anything derived from them.
    Resync,
}

/// The bus handle; cheap to clone.
#[derive(Clone)]
pub struct Bus {
    local: broadcast::Sender<BusMessage>,
    redis: Option<RedisSide>,
}

#[derive(Clone)]
struct RedisSide {
    pool: deadpool_redis::Pool,
    channel_prefix: String,
    _listener: std::sync::Arc<AbortOnDrop>,
}

impl Bus {
    /// An in-process bus.
    pub fn local() -> Self {
        let (local, _) = broadcast::channel(1024);
        Self { local, redis: None }
    }

    /// A bus over Redis pub/sub: channels are `{prefix}:bus:{topic}`.
    pub fn redis(url: &str, pool: deadpool_redis::Pool, prefix: &str) -> anyhow::Result<Self> {
        let (local, _) = broadcast::channel(1024);
        let client = redis::Client::open(url)?;
        let channel_prefix = format!("{prefix}:bus:");
        let task = tokio::spawn(listen(client, channel_prefix.clone(), local.clone()));
        Ok(Self {
            local,
            redis: Some(RedisSide {
                pool,
                channel_prefix,
                _listener: std::sync::Arc::new(AbortOnDrop(task.abort_handle())),
            }),
        })
    }

    /// Receives every message from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<BusMessage> {
        self.local.subscribe()
    }

    /// Sends `payload` on `topic` to every instance. With Redis down the
    /// message still reaches this instance, and the error is returned.
    pub async fn publish(&self, topic: &str, payload: &str) -> anyhow::Result<()> {
        match &self.redis {
            None => {
                // No receivers is fine.
                let _ = self.local.send(BusMessage::Message { topic: topic.to_string(), payload: payload.to_string() });
                Ok(())
            }
            Some(side) => {
                let result = async {
                    let mut conn = side.pool.get().await?;
                    let channel = format!("{}{topic}", side.channel_prefix);
                    let _: i64 = conn.publish(channel, payload).await?;
                    anyhow::Ok(())
                }
                .await;
                if result.is_err() {
                    let _ =
                        self.local.send(BusMessage::Message { topic: topic.to_string(), payload: payload.to_string() });
                }
                result
            }
        }
    }
}

async fn listen(client: redis::Client, channel_prefix: String, local: broadcast::Sender<BusMessage>) {
    let mut backoff = Duration::from_millis(100);
    let mut first = true;
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if let Err(e) = pubsub.psubscribe(format!("{channel_prefix}*")).await {
                    tracing::warn!(error = %e, "redis bus: subscribe failed");
                } else {
                    if !first {
                        tracing::info!("redis bus: subscription restored");
                        let _ = local.send(BusMessage::Resync);
                    }
                    first = false;
                    backoff = Duration::from_millis(100);
                    let mut stream = pubsub.into_on_message();
                    while let Some(msg) = stream.next().await {
                        let channel = msg.get_channel_name();
                        let Some(topic) = channel.strip_prefix(&channel_prefix) else { continue };
                        let payload: String = msg.get_payload().unwrap_or_default();
                        let _ = local.send(BusMessage::Message { topic: topic.to_string(), payload });
                    }
                    tracing::warn!("redis bus: subscription lost");
                    let _ = local.send(BusMessage::Resync);
                }
            }
            Err(e) => tracing::warn!(error = %e, "redis bus: cannot connect"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Aborts the listener task when the last bus handle goes.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
