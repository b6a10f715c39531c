//! Measuring search on judged queries: nDCG@10 (graded: 2 answers it, 1 is related) and
//! recall@5 (share of the related-or-better articles in the first five), per mode.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{SearchDocument, SearchIndex, SearchMode, SearchQuery};

/// One judged query, as a line of `queries.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    pub id: String,
    pub query: String,
    /// Article key to grade (2 answers it, 1 is related).
    pub relevant: HashMap<String, u8>,
}

/// Mean metrics of one mode over all queries.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    #[serde(rename = "ndcg@10")]
    pub ndcg_at_10: f64,
    #[serde(rename = "recall@5")]
    pub recall_at_5: f64,
}

/// The metrics per mode; `None` for modes that could not run (no embedding model).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub lexical: Option<Metrics>,
    pub semantic: Option<Metrics>,
    pub hybrid: Option<Metrics>,
}

/// Reads a JSON-lines file of judged queries.
pub fn read_queries(path: &Path) -> anyhow::Result<Vec<JudgedQuery>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), n + 1)))
        .collect()
}

/// nDCG at `k` of `ranked` keys with linear gains.
pub fn ndcg(ranked: &[&str], relevant: &HashMap<String, u8>, k: usize) -> f64 {
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(rank, key)| f64::from(relevant.get(*key).copied().unwrap_or(0)) * discount(rank))
        .sum();
    let mut ideal: Vec<u8> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best: f64 = ideal.iter().take(k).enumerate().map(|(rank, gain)| f64::from(*gain) * discount(rank)).sum();
    if best == 0.0 { 0.0 } else { dcg / best }
}

/// Share of the articles graded 1 or more that appear in the first `k`.
pub fn recall(ranked: &[&str], relevant: &HashMap<String, u8>, k: usize) -> f64 {
    let wanted = relevant.values().filter(|grade| **grade >= 1).count();
    if wanted == 0 {
        return 0.0;
    }
    let found = ranked.iter().take(k).filter(|key| relevant.get(**key).is_some_and(|g| *g >= 1)).count();
    found as f64 / wanted as f64
}

/// Indexes the articles of `kb_dir` (all published) into `index`.
pub fn index_articles(index: &SearchIndex, kb_dir: &Path) -> anyhow::Result<usize> {
    let files = crate::modules::kb::files::read_dir(kb_dir)?;
    let docs: Vec<SearchDocument> =
        files.iter().enumerate().map(|(n, file)| SearchDocument::from_file(n as i64 + 1, file, true)).collect();
    let count = docs.len();
    index.upsert_blocking(docs)?;
    Ok(count)
}

/// Runs every query in `mode` and averages the metrics.
pub fn measure(index: &SearchIndex, queries: &[JudgedQuery], mode: SearchMode) -> anyhow::Result<Metrics> {
    let (mut ndcg_sum, mut recall_sum) = (0.0, 0.0);
    for judged in queries {
        let query = SearchQuery { mode, ..SearchQuery::new(judged.query.clone()) };
        let results = index.search_blocking(&query).with_context(|| format!("query {}", judged.id))?;
        let ranked: Vec<&str> = results.hits.iter().map(|hit| hit.key.as_str()).collect();
        ndcg_sum += ndcg(&ranked, &judged.relevant, 10);
        recall_sum += recall(&ranked, &judged.relevant, 5);
    }
    let count = queries.len().max(1) as f64;
    Ok(Metrics { ndcg_at_10: ndcg_sum / count, recall_at_5: recall_sum / count })
}

/// All three modes (semantic and hybrid only when `index` has an embedder).
pub fn report(index: &SearchIndex, queries: &[JudgedQuery]) -> anyhow::Result<Report> {
    let semantic = index.embedding_status().is_ok();
    let run = |mode| measure(index, queries, mode);
    Ok(Report {
        lexical: Some(run(SearchMode::Lexical)?),
        semantic: if semantic { Some(run(SearchMode::Semantic)?) } else { None },
        hybrid: if semantic { Some(run(SearchMode::Hybrid)?) } else { None },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u8)]) -> HashMap<String, u8> {
        pairs.iter().map(|(k, g)| (k.to_string(), *g)).collect()
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let relevant = judged(&[("a", 2), ("b", 1)]);
        assert!((ndcg(&["a", "b", "c"], &relevant, 10) - 1.0).abs() < 1e-9);
        let swapped = ndcg(&["b", "a"], &relevant, 10);
        let expected = (1.0 + 2.0 / 3f64.log2()) / (2.0 + 1.0 / 3f64.log2());
        assert!((swapped - expected).abs() < 1e-9);
        assert_eq!(ndcg(&["c"], &relevant, 10), 0.0);
        assert_eq!(ndcg(&["x", "x", "a"], &relevant, 2), 0.0);
    }

    #[test]
    fn recall_counts_related_articles_in_the_first_five() {
        let relevant = judged(&[("a", 2), ("b", 1)]);
        assert_eq!(recall(&["a", "x", "x", "x", "x", "b"], &relevant, 5), 0.5);
        assert_eq!(recall(&["b", "a"], &relevant, 5), 1.0);
    }

    #[test]
    fn reads_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.jsonl");
        std::fs::write(&path, "{\"id\":\"q-1\",\"query\":\"vpn\",\"relevant\":{\"kb-001\":2}}\n\n").unwrap();
        let queries = read_queries(&path).unwrap();
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0].relevant["kb-001"], 2);
    }
}
