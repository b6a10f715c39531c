//! An embedding cache for the eval commands: a directory of one file per text (named by the
//! sha256 of the model name and the text, holding little-endian `f32`s), so repeated
//! evaluations while choosing parameters embed each ticket once. Only the CLI uses it; the
//! server embeds directly.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::modules::search::embedding::{EmbedError, Embedder, fill_missing};

pub(super) struct CachedEmbedder<'a> {
    inner: &'a dyn Embedder,
    dir: PathBuf,
}

impl<'a> CachedEmbedder<'a> {
    /// Wraps `inner`, keeping vectors in `dir` (created when missing).
    pub(super) fn new(inner: &'a dyn Embedder, dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self { inner, dir: dir.to_path_buf() })
    }

    fn path(&self, text: &str) -> PathBuf {
        let mut hasher = Sha256::new();
        hasher.update(self.inner.name().as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        self.dir.join(hex::encode(hasher.finalize()))
    }

    fn read(&self, text: &str) -> Option<Vec<f32>> {
        let bytes = std::fs::read(self.path(text)).ok()?;
        if bytes.len() != self.inner.dimension() * 4 {
            return None;
        }
        Some(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn write(&self, text: &str, vector: &[f32]) {
        let bytes: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
        // A failed write only costs a recomputation next time.
        let _ = std::fs::write(self.path(text), bytes);
    }
}

impl Embedder for CachedEmbedder<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn dimension(&self) -> usize {
        self.inner.dimension()
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let known: Vec<Option<Vec<f32>>> = texts.iter().map(|t| self.read(t)).collect();
        let was_known: Vec<bool> = known.iter().map(Option::is_some).collect();
        let vectors = fill_missing(self.inner, texts, known)?;
        for ((text, vector), _) in texts.iter().zip(&vectors).zip(&was_known).filter(|(_, known)| !**known) {
            self.write(text, vector);
        }
        Ok(vectors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting(std::sync::atomic::AtomicUsize);

    impl Embedder for Counting {
        fn name(&self) -> &str {
            "counting"
        }
        fn dimension(&self) -> usize {
            2
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
            self.0.fetch_add(texts.len(), std::sync::atomic::Ordering::SeqCst);
            Ok(texts.iter().map(|t| vec![t.len() as f32, 1.0]).collect())
        }
    }

    #[test]
    fn cached_texts_are_embedded_once_and_answers_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let inner = Counting(0.into());
        let cached = CachedEmbedder::new(&inner, dir.path()).unwrap();
        assert_eq!(cached.embed(&["ab"]).unwrap(), vec![vec![2.0, 1.0]]);
        let again = cached.embed(&["abc", "ab", "a"]).unwrap();
        assert_eq!(again, vec![vec![3.0, 1.0], vec![2.0, 1.0], vec![1.0, 1.0]]);
        assert_eq!(inner.0.load(std::sync::atomic::Ordering::SeqCst), 3, "\"ab\" came from the cache");
    }
}
