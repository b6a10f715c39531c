//! `helpdesk eval ...`: the AI features measured on judged data. Each prints, as its last
//! line, one JSON object.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::settings::Settings;
use crate::telemetry;

pub(super) fn eval_search(kb: &Path, queries: &Path, model_dir: Option<PathBuf>) -> anyhow::Result<()> {
    use crate::modules::search::{self, EmbeddingOptions, SearchConfig, SearchIndex, eval};
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let mut options = EmbeddingOptions::from_settings(&settings);
    if let Some(dir) = model_dir {
        options = EmbeddingOptions { model_dir: dir, enabled: true };
    }
    let (embedder, status) = search::embedding::load(&options);
    let queries = eval::read_queries(queries)?;
    let index = SearchIndex::new(embedder, status, SearchConfig::default());
    let started = std::time::Instant::now();
    let articles = eval::index_articles(&index, kb)?;
    println!("indexed {articles} articles in {:.1}s; {} queries", started.elapsed().as_secs_f64(), queries.len());
    if !index.embedding_status().is_ok() {
        println!("semantic and hybrid skipped: {}", index.embedding_status().detail.unwrap_or_default());
    }
    let report = eval::report(&index, &queries)?;
    for (mode, metrics) in [("lexical", report.lexical), ("semantic", report.semantic), ("hybrid", report.hybrid)] {
        if let Some(m) = metrics {
            println!("{mode:<8}  nDCG@10 {:.4}  recall@5 {:.4}", m.ndcg_at_10, m.recall_at_5);
        }
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

pub(super) fn eval_triage(args: crate::modules::ai::eval::TriageArgs, cache: Option<PathBuf>) -> anyhow::Result<()> {
    use crate::modules::search::{self, EmbeddingOptions};
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let mut options = EmbeddingOptions::from_settings(&settings);
    if let Some(dir) = args.model_dir.clone() {
        options = EmbeddingOptions { model_dir: dir, enabled: true };
    }
    options.enabled = true;
    let (embedder, status) = search::embedding::load(&options);
    let embedder =
        embedder.with_context(|| format!("triage needs the embedding model: {}", status.detail.unwrap_or_default()))?;
    let report = match cache {
        Some(dir) => {
            let cached = super::embed_cache::CachedEmbedder::new(embedder.as_ref(), &dir)
                .with_context(|| format!("embedding cache {}", dir.display()))?;
            crate::modules::ai::eval::run(&args, &cached, &mut std::io::stdout())?
        }
        None => crate::modules::ai::eval::run(&args, embedder.as_ref(), &mut std::io::stdout())?,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

pub(super) fn eval_spikes(events: &Path, incidents: &Path) -> anyhow::Result<()> {
    use crate::modules::spikes::eval;
    let settings = Settings::load()?;
    let config = crate::modules::spikes::DetectorConfig::from_settings(&settings);
    let arrivals = eval::read_events(events)?;
    let truth = eval::read_ground_truth(incidents)?;
    let last = arrivals.last().map_or(0, |a| a.at);
    let (alerts, warm_until) = eval::replay(&arrivals, config, 300, settings.spikes_quiet_gap_minutes * 60);
    let (report, lines) = eval::score(&alerts, &truth, warm_until, last);
    for line in lines {
        println!("{line}");
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
