//! Knowledge-base search latency at 1,000 and 100,000 articles (run by scripts/bench-search.sh).
//!
//! The 90 shared articles are indexed with their real embeddings; the rest are synthetic: each
//! mixes the sentences of two real articles, a few invented words (so the vocabulary and the
//! postings grow as they would with real content), and gets the normalised blend of the two
//! articles' vectors plus noise (embedding 100,000 texts here would take about half an hour).
//! Queries are the dev queries, each embedded for real on every search.
//!
//! cargo run --release -p helpdesk-api --example search_bench -- --kb DIR --queries FILE \
//!     [--model-dir DIR] [--sizes 1000,100000] [--rounds 3]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use helpdesk_api::modules::kb::files;
use helpdesk_api::modules::search::{
    Embedder, EmbeddingOptions, SearchConfig, SearchDocument, SearchIndex, SearchMode, SearchQuery, embedding, eval,
    vector,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Args {
    kb: PathBuf,
    queries: PathBuf,
    model_dir: PathBuf,
    sizes: Vec<usize>,
    rounds: usize,
}

fn args() -> anyhow::Result<Args> {
    let mut args = Args {
        kb: PathBuf::from("../shared/data/kb"),
        queries: PathBuf::from("../shared/data/dev/queries.jsonl"),
        model_dir: PathBuf::from("data/models").join(embedding::MINILM_DIR_NAME),
        sizes: vec![1_000, 100_000],
        rounds: 3,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(flag) = iter.next() {
        let value = iter.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--kb" => args.kb = value.into(),
            "--queries" => args.queries = value.into(),
            "--model-dir" => args.model_dir = value.into(),
            "--sizes" => args.sizes = value.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--rounds" => args.rounds = value.parse()?,
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    Ok(args)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn synthetic(base: &[SearchDocument], vectors: &[Vec<f32>], n: usize, rng: &mut StdRng) -> (SearchDocument, Vec<f32>) {
    let (a, b) = (rng.random_range(0..base.len()), rng.random_range(0..base.len()));
    let invented = |rng: &mut StdRng| {
        let syllables = ["ka", "ro", "mi", "tel", "zan", "pu", "vex", "or", "lin", "dra", "qu", "sho"];
        (0..rng.random_range(2..4)).map(|_| syllables[rng.random_range(0..syllables.len())]).collect::<String>()
            + &rng.random_range(0..500).to_string()
    };
    let mut sentences: Vec<&str> = base[a].body.split(". ").chain(base[b].body.split(". ")).collect();
    let keep = sentences.len() * 2 / 3;
    for i in 0..keep {
        let j = rng.random_range(i..sentences.len());
        sentences.swap(i, j);
    }
    let mut body = sentences[..keep].join(". ");
    for _ in 0..rng.random_range(3..12) {
        body.push(' ');
        body.push_str(&invented(rng));
    }
    let title = format!("{} ({}, {})", base[a].title, invented(rng), base[b].tags.first().cloned().unwrap_or_default());
    let mut tags = base[a].tags.clone();
    tags.push(invented(rng));
    let doc = SearchDocument {
        id: n as i64 + 1,
        key: format!("syn-{n:06}"),
        title,
        summary: base[b].summary.clone(),
        tags,
        category: base[a].category.clone(),
        body,
        published: rng.random_bool(0.9),
    };
    let mut v: Vec<f32> =
        vectors[a].iter().zip(&vectors[b]).map(|(x, y)| 0.7 * x + 0.3 * y + rng.random_range(-0.04..0.04)).collect();
    vector::normalize(&mut v);
    (doc, v)
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    let (embedder, status) = embedding::load(&EmbeddingOptions { model_dir: args.model_dir.clone(), enabled: true });
    let embedder =
        embedder.with_context(|| format!("the model is needed: {}", status.detail.clone().unwrap_or_default()))?;
    let files = files::read_dir(&args.kb)?;
    let base: Vec<SearchDocument> =
        files.iter().enumerate().map(|(n, f)| SearchDocument::from_file(n as i64 + 1, f, true)).collect();
    let queries = eval::read_queries(&args.queries)?;
    let reference = SearchIndex::new(Some(embedder.clone()), status.clone(), SearchConfig::default());
    let started = Instant::now();
    let prepared = reference.prepare(base.clone())?;
    println!("embedded {} articles in {:.1}s", base.len(), started.elapsed().as_secs_f64());
    let vectors: Vec<Vec<f32>> =
        prepared.iter().map(|p| p.vector().map(<[f32]>::to_vec).context("no vector")).collect::<Result<_, _>>()?;

    println!("| articles | mode | p50 ms | p95 ms | CPU ms per search (all threads) | searches |");
    println!("|---:|---|---:|---:|---:|---:|");
    for &size in &args.sizes {
        let baseline_rss = resident_mib();
        let index = SearchIndex::new(Some(embedder.clone()), status.clone(), SearchConfig::default());
        index.commit(prepared.clone());
        let mut rng = StdRng::seed_from_u64(size as u64);
        let started = Instant::now();
        let mut batch = Vec::with_capacity(10_000);
        for n in base.len()..size {
            let (doc, v) = synthetic(&base, &vectors, n, &mut rng);
            batch.push(index.prepare_with_vector(doc, Some(v)));
            if batch.len() == 10_000 {
                index.commit(std::mem::take(&mut batch));
            }
        }
        index.commit(batch);
        eprintln!(
            "built {size} articles in {:.1}s; resident memory {:.0} MiB (before the index: {:.0} MiB)",
            started.elapsed().as_secs_f64(),
            resident_mib(),
            baseline_rss
        );
        for mode in [SearchMode::Lexical, SearchMode::Semantic, SearchMode::Hybrid] {
            let run = |q: &eval::JudgedQuery| -> anyhow::Result<Duration> {
                let query = SearchQuery { mode, ..SearchQuery::new(q.query.clone()) };
                let started = Instant::now();
                index.search_blocking(&query)?;
                Ok(started.elapsed())
            };
            for q in queries.iter().take(10) {
                run(q)?; // warm up caches and the allocator
            }
            let mut times = Vec::new();
            let cpu_before = cpu_seconds();
            for _ in 0..args.rounds {
                for q in &queries {
                    times.push(run(q)?);
                }
            }
            let cpu_ms = (cpu_seconds() - cpu_before) * 1000.0 / times.len() as f64;
            times.sort();
            let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
            println!("| {size} | {mode:?} | {p50:.1} | {p95:.1} | {cpu_ms:.1} | {} |", times.len());
        }
    }
    let mut times = Vec::new();
    for q in &queries {
        let started = Instant::now();
        embedder.embed(&[q.query.as_str()])?;
        times.push(started.elapsed());
    }
    times.sort();
    let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    println!("query embedding alone: p50 {p50:.1} ms, p95 {p95:.1} ms");
    if let Some(&size) = args.sizes.last() {
        quantisation_agreement(&base, &vectors, &queries, embedder.as_ref(), size)?;
    }
    Ok(())
}

/// How often the quantised scan (with its f32 re-score) returns exactly the top 10 and top 100
/// of an exact f32 scan, over the dev queries on the synthetic vectors of `size` articles.
fn quantisation_agreement(
    base: &[SearchDocument],
    vectors: &[Vec<f32>],
    queries: &[eval::JudgedQuery],
    embedder: &dyn Embedder,
    size: usize,
) -> anyhow::Result<()> {
    let mut index = vector::VectorIndex::new(embedder.dimension());
    let mut rng = StdRng::seed_from_u64(size as u64);
    for (slot, v) in vectors.iter().enumerate() {
        index.insert(slot as u32, v);
    }
    for n in base.len()..size {
        let (_, v) = synthetic(base, vectors, n, &mut rng);
        index.insert(n as u32, &v);
    }
    let (mut same_10, mut overlap_100) = (0, 0);
    for q in queries {
        let query = embedder.embed(&[q.query.as_str()])?.pop().context("no query vector")?;
        let fast = index.search(&query, |_| true, 100);
        let exact = index.search_exact(&query, |_| true, 100);
        same_10 += usize::from(fast.iter().take(10).eq(exact.iter().take(10)));
        overlap_100 += fast.iter().filter(|hit| exact.iter().any(|e| e.0 == hit.0)).count();
    }
    println!(
        "quantised vs exact scan at {size}: identical top 10 for {same_10} of {} queries; on average {:.1} of the exact top 100 found",
        queries.len(),
        overlap_100 as f64 / queries.len() as f64
    );
    Ok(())
}

/// CPU time this process has used, all threads (Linux, in clock ticks of 10 ms: only good as
/// a mean over many searches; 0 elsewhere). Unlike wall-clock time it does not grow when
/// other programs share the cores.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// This process's resident memory (Linux; 0 elsewhere).
fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}
