//! Compares search settings on the whole dev query set (never per query): fusion method and
//! weights, and the BM25F field boosts. Articles are embedded once and reused by every setting.
//!
//! cargo run --release -p helpdesk-api --example search_tune -- KB_DIR QUERIES MODEL_DIR

use std::path::PathBuf;

use anyhow::Context;
use helpdesk_api::modules::kb::files;
use helpdesk_api::modules::search::lexical::Bm25Params;
use helpdesk_api::modules::search::{
    DocumentText, EmbeddingOptions, Fusion, SearchConfig, SearchDocument, SearchIndex, SearchMode, embedding, eval,
};

fn main() -> anyhow::Result<()> {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let [kb, queries, model_dir] = args.as_slice() else {
        anyhow::bail!("usage: search_tune KB_DIR QUERIES MODEL_DIR");
    };
    let (embedder, status) = embedding::load(&EmbeddingOptions { model_dir: model_dir.clone(), enabled: true });
    let embedder = embedder.context("the model is needed")?;
    let docs: Vec<SearchDocument> = files::read_dir(kb)?
        .iter()
        .enumerate()
        .map(|(n, f)| SearchDocument::from_file(n as i64 + 1, f, true))
        .collect();
    let queries = eval::read_queries(queries)?;
    let show = |label: &str, m: eval::Metrics| {
        println!("{label:<56} nDCG@10 {:.4}  recall@5 {:.4}", m.ndcg_at_10, m.recall_at_5)
    };
    for document_text in [DocumentText::Full, DocumentText::Heading, DocumentText::Blend] {
        let base_config = SearchConfig { document_text, ..SearchConfig::default() };
        let base = SearchIndex::new(Some(embedder.clone()), status.clone(), base_config.clone());
        let prepared = base.prepare(docs.clone())?;
        let measure = |config: SearchConfig, mode: SearchMode| -> anyhow::Result<eval::Metrics> {
            let index = SearchIndex::new(Some(embedder.clone()), status.clone(), config);
            index.commit(prepared.clone());
            eval::measure(&index, &queries, mode)
        };
        show(&format!("{document_text:?} semantic"), measure(base_config.clone(), SearchMode::Semantic)?);
        if document_text == DocumentText::Full {
            let boosts = [[3.0, 1.5, 2.0, 1.0], [2.0, 1.0, 1.0, 1.0], [4.0, 2.0, 2.0, 1.0], [3.0, 2.0, 3.0, 0.7]];
            for boost in boosts {
                for k1 in [1.2, 1.6] {
                    let bm25 = Bm25Params { boost, k1, ..Bm25Params::default() };
                    let config = SearchConfig { bm25, ..base_config.clone() };
                    show(&format!("lexical boost {boost:?} k1 {k1}"), measure(config.clone(), SearchMode::Lexical)?);
                    let config = SearchConfig { fusion: Fusion::Weighted { lexical_weight: 0.3 }, ..config };
                    show("  hybrid weighted 0.3 with it", measure(config, SearchMode::Hybrid)?);
                }
            }
        }
        for k in [10.0, 30.0, 60.0] {
            for semantic_weight in [1.0, 1.5] {
                let fusion = Fusion::Rrf { k, lexical_weight: 1.0, semantic_weight };
                let config = SearchConfig { fusion, ..base_config.clone() };
                show(
                    &format!("{document_text:?} hybrid rrf k {k} semantic {semantic_weight}"),
                    measure(config, SearchMode::Hybrid)?,
                );
            }
        }
        for lexical_weight in [0.2, 0.3, 0.4, 0.5] {
            let config = SearchConfig { fusion: Fusion::Weighted { lexical_weight }, ..base_config.clone() };
            show(
                &format!("{document_text:?} hybrid weighted lexical {lexical_weight}"),
                measure(config, SearchMode::Hybrid)?,
            );
        }
    }
    Ok(())
}
