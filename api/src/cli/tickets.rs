//! `helpdesk tickets embed`: embeds, in this process, every ticket that has no embedding by
//! the configured model, for similar tickets. Running servers pick the new embeddings up
//! through the change log within seconds. A server does the same in the background by itself
//! (the `ticket.embed_backfill` job it queues at start); this is for doing it at a chosen
//! time, with progress, e.g. right after an upgrade.

use crate::infra::db;
use crate::modules::search::EmbeddingOptions;
use crate::modules::search::embedding;
use crate::modules::tickets::similar::job;
use crate::settings::Settings;
use crate::telemetry;

pub(super) async fn embed() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let options = EmbeddingOptions::from_settings(&settings);
    let (embedder, status) = tokio::task::spawn_blocking(move || embedding::load(&options)).await?;
    let Some(embedder) = embedder else {
        anyhow::bail!("no embedding model: {}", status.detail.unwrap_or(status.status));
    };
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    let writer = db::Writer::new(&settings, &conn).await?;
    let started = std::time::Instant::now();
    let mut reported = 0;
    let done = job::backfill(&conn, &writer, embedder, |n| {
        if n >= reported + 1_000 {
            reported = n;
            println!("{n} tickets embedded");
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!("{}", serde_json::json!({ "embedded": done, "seconds": started.elapsed().as_secs_f64() }));
    Ok(())
}
