//! Embeddings kept in memory between builds of the local model.
//!
//! The model is built again whenever agents' feedback changes the training set, and a build
//! embeds every category description, every knowledge-base article and every labelled ticket.
//! Between two builds all but a few of those texts are the same, so a build embeds only the
//! texts the previous builds did not (the ticket just confirmed or corrected): at the training
//! set's cap of 1,500 tickets, one embedding instead of about 1,700. By arithmetic from measured
//! costs (the 90 articles, twice each, take 20 s in release; a short text 10-15 ms), that saves
//! about 40 s of CPU per retrain.
//!
//! The memory holds what the last build that learnt from tickets used, so texts no longer in
//! the training set (edited or relabelled tickets) are forgotten; a zero-shot build (a changed
//! taxonomy) only adds to it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::modules::search::embedding::{EmbedError, Embedder, fill_missing};

/// Vectors by text, for one embedding model.
#[derive(Debug, Default)]
pub struct RememberedEmbeddings {
    vectors: Mutex<HashMap<String, Vec<f32>>>,
}

impl RememberedEmbeddings {
    /// An embedder for one build: remembered texts are answered from memory, the others by
    /// `inner`. [`Remembering::keep`] stores what the build used.
    pub fn around<'a>(&'a self, inner: &'a dyn Embedder) -> Remembering<'a> {
        Remembering { inner, memory: self, used: Mutex::new(HashMap::new()) }
    }

    /// Texts remembered.
    pub fn len(&self) -> usize {
        self.vectors.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The embedder of one build (see [`RememberedEmbeddings::around`]).
pub struct Remembering<'a> {
    inner: &'a dyn Embedder,
    memory: &'a RememberedEmbeddings,
    used: Mutex<HashMap<String, Vec<f32>>>,
}

impl Remembering<'_> {
    /// Stores the vectors this build used: in place of the memory when `replace` (a build that
    /// learnt from tickets), else in addition to it.
    pub fn keep(self, replace: bool) {
        let used = self.used.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut memory = self.memory.vectors.lock().unwrap_or_else(PoisonError::into_inner);
        if replace {
            *memory = used;
        } else {
            memory.extend(used);
        }
    }
}

impl Embedder for Remembering<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn dimension(&self) -> usize {
        self.inner.dimension()
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let known: Vec<Option<Vec<f32>>> = {
            let memory = self.memory.vectors.lock().unwrap_or_else(PoisonError::into_inner);
            let used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
            texts.iter().map(|t| used.get(*t).or_else(|| memory.get(*t)).cloned()).collect()
        };
        let vectors = fill_missing(self.inner, texts, known)?;
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        for (text, vector) in texts.iter().zip(&vectors) {
            used.entry((*text).to_owned()).or_insert_with(|| vector.clone());
        }
        Ok(vectors)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Counts the texts it embeds; a text's vector is its length.
    struct Counting(AtomicUsize);

    impl Embedder for Counting {
        fn name(&self) -> &str {
            "counting"
        }
        fn dimension(&self) -> usize {
            2
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
            self.0.fetch_add(texts.len(), Ordering::SeqCst);
            Ok(texts.iter().map(|t| vec![t.len() as f32, 1.0]).collect())
        }
    }

    fn build(memory: &RememberedEmbeddings, inner: &Counting, texts: &[&str], replace: bool) -> Vec<Vec<f32>> {
        let remembering = memory.around(inner);
        let vectors = remembering.embed(texts).unwrap();
        remembering.keep(replace);
        vectors
    }

    #[test]
    fn a_build_embeds_only_what_no_earlier_build_did() {
        let memory = RememberedEmbeddings::default();
        let inner = Counting(AtomicUsize::new(0));
        assert_eq!(build(&memory, &inner, &["ab", "abc"], true), [vec![2.0, 1.0], vec![3.0, 1.0]]);
        assert_eq!(inner.0.load(Ordering::SeqCst), 2);
        // One new text among the remembered ones; the answers keep their order.
        assert_eq!(build(&memory, &inner, &["abcd", "ab", "abc"], true), [[4.0, 1.0], [2.0, 1.0], [3.0, 1.0]]);
        assert_eq!(inner.0.load(Ordering::SeqCst), 3);
        assert_eq!(memory.len(), 3);
    }

    #[test]
    fn a_learning_build_forgets_unused_texts_and_a_zero_shot_build_only_adds() {
        let memory = RememberedEmbeddings::default();
        let inner = Counting(AtomicUsize::new(0));
        build(&memory, &inner, &["old ticket", "article"], true);
        build(&memory, &inner, &["category"], false);
        assert_eq!(memory.len(), 3, "zero-shot added the description, kept the tickets");
        build(&memory, &inner, &["article", "new ticket"], true);
        assert_eq!(memory.len(), 2, "the old ticket and the description are forgotten");
        let before = inner.0.load(Ordering::SeqCst);
        build(&memory, &inner, &["old ticket"], true);
        assert_eq!(inner.0.load(Ordering::SeqCst), before + 1, "embedded again");
    }

    #[test]
    fn repeated_texts_within_a_build_are_embedded_once() {
        let memory = RememberedEmbeddings::default();
        let inner = Counting(AtomicUsize::new(0));
        let remembering = memory.around(&inner);
        remembering.embed(&["same"]).unwrap();
        remembering.embed(&["same", "other"]).unwrap();
        assert_eq!(inner.0.load(Ordering::SeqCst), 2);
        assert!(memory.is_empty(), "nothing is kept until the build keeps it");
        remembering.keep(true);
        assert_eq!(memory.len(), 2);
    }
}
