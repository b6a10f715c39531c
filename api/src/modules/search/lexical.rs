//! The lexical retriever: an in-memory BM25F inverted index over an article's fields, with
//! typo-tolerant query terms.
//!
//! BM25F first mixes a term's frequency across fields (each normalised by that field's length
//! and weighted by its boost) and saturates the sum once, so a word in the title and the body
//! counts more than in the body alone but not twice as much.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::analysis::Analyzer;
use super::topk::TopK;
use super::typo::Vocabulary;

/// The indexed fields, in the order of every per-field array below.
pub const FIELDS: usize = 4;
/// Field names, for messages and tests.
pub const FIELD_NAMES: [&str; FIELDS] = ["title", "summary", "tags", "body"];

/// BM25F parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Bm25Params {
    /// Term-frequency saturation.
    pub k1: f32,
    /// Length normalisation per field (0 = none, 1 = full).
    pub b: [f32; FIELDS],
    /// Weight of a match per field.
    pub boost: [f32; FIELDS],
    /// Weight of a typo-corrected term relative to the word as typed (divided by the distance).
    pub typo_weight: f32,
}

impl Default for Bm25Params {
    fn default() -> Self {
        Self { k1: 1.2, b: [0.3, 0.5, 0.3, 0.75], boost: [3.0, 1.5, 2.0, 1.0], typo_weight: 0.6 }
    }
}

/// One document's analysed fields, computed before the index is locked.
#[derive(Debug, Clone, Default)]
pub struct AnalyzedFields {
    /// Per field, the (stem, surface word) pairs in order.
    pub fields: [Vec<(String, String)>; FIELDS],
}

impl AnalyzedFields {
    /// Analyses the four field texts (tags already joined).
    pub fn new(analyzer: &Analyzer, texts: [&str; FIELDS]) -> Self {
        let fields = texts.map(|text| analyzer.terms(text).into_iter().map(|term| (term.stem, term.surface)).collect());
        Self { fields }
    }
}

/// A query term after analysis and typo expansion.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedTerm {
    pub stem: String,
    pub weight: f32,
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    slot: u32,
    tf: [u16; FIELDS],
}

/// The inverted index. Documents are addressed by slot (a dense number the caller assigns).
#[derive(Debug, Default)]
pub struct LexicalIndex {
    params: Bm25Params,
    term_ids: HashMap<String, u32>,
    stems: Vec<String>,
    postings: Vec<Vec<Posting>>,
    vocabulary: Vocabulary,
    lengths: Vec<[u32; FIELDS]>,
    doc_terms: Vec<Vec<u32>>,
    total_lengths: [u64; FIELDS],
    documents: u32,
    /// Score accumulators of finished searches, one per search that ran at the same time.
    scratch: Mutex<Vec<Vec<f32>>>,
}

impl LexicalIndex {
    /// An empty index.
    pub fn new(params: Bm25Params) -> Self {
        Self { params, ..Self::default() }
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.documents as usize
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.documents == 0
    }

    /// Indexes `doc` at `slot`, replacing what was there.
    pub fn insert(&mut self, slot: u32, doc: &AnalyzedFields) {
        self.remove(slot);
        let at = slot as usize;
        if self.lengths.len() <= at {
            self.lengths.resize(at + 1, [0; FIELDS]);
            self.doc_terms.resize_with(at + 1, Vec::new);
        }
        let mut frequencies: HashMap<u32, [u16; FIELDS]> = HashMap::new();
        for (field, terms) in doc.fields.iter().enumerate() {
            for (stem, surface) in terms {
                let id = self.term_id(stem);
                self.vocabulary.insert(surface, id);
                let tf = frequencies.entry(id).or_insert([0; FIELDS]);
                tf[field] = tf[field].saturating_add(1);
            }
            self.lengths[at][field] = terms.len() as u32;
            self.total_lengths[field] += terms.len() as u64;
        }
        let mut terms = Vec::with_capacity(frequencies.len());
        for (id, tf) in frequencies {
            self.postings[id as usize].push(Posting { slot, tf });
            terms.push(id);
        }
        self.doc_terms[at] = terms;
        self.documents += 1;
    }

    /// Removes the document at `slot`, if any.
    pub fn remove(&mut self, slot: u32) {
        let at = slot as usize;
        let Some(terms) = self.doc_terms.get_mut(at).map(std::mem::take) else { return };
        if terms.is_empty() {
            return;
        }
        for id in terms {
            let list = &mut self.postings[id as usize];
            if let Some(position) = list.iter().position(|p| p.slot == slot) {
                list.swap_remove(position);
            }
        }
        for field in 0..FIELDS {
            self.total_lengths[field] -= u64::from(self.lengths[at][field]);
        }
        self.lengths[at] = [0; FIELDS];
        self.documents -= 1;
    }

    fn term_id(&mut self, stem: &str) -> u32 {
        if let Some(id) = self.term_ids.get(stem) {
            return *id;
        }
        let id = self.postings.len() as u32;
        self.term_ids.insert(stem.to_string(), id);
        self.stems.push(stem.to_string());
        self.postings.push(Vec::new());
        id
    }

    fn document_frequency(&self, stem: &str) -> usize {
        self.term_ids.get(stem).map_or(0, |id| self.postings[*id as usize].len())
    }

    /// The query's terms: each word as typed, and for words the index lacks or rarely has,
    /// the indexed words within the allowed edit distance at a reduced weight.
    pub fn expand(&self, analyzer: &Analyzer, query: &str) -> Vec<WeightedTerm> {
        let mut weights: Vec<(String, f32)> = Vec::new();
        let mut add = |stem: String, weight: f32| match weights.iter_mut().find(|(s, _)| *s == stem) {
            Some(entry) => entry.1 = entry.1.max(weight),
            None => weights.push((stem, weight)),
        };
        // Rare: in fewer than 1 in 2,000 documents (and at most one document of a small index).
        let rare = (self.len() / 2000).max(2);
        for term in analyzer.terms(query) {
            let frequency = self.document_frequency(&term.stem);
            if frequency < rare {
                for (id, distance) in self.vocabulary.near(&term.surface) {
                    let found = self.postings[id as usize].len();
                    if found > frequency {
                        add(self.stem_of(id), self.params.typo_weight / distance as f32);
                    }
                }
            }
            add(term.stem, 1.0);
        }
        weights.into_iter().map(|(stem, weight)| WeightedTerm { stem, weight }).collect()
    }

    fn stem_of(&self, id: u32) -> String {
        self.stems[id as usize].clone()
    }

    /// Scores every document matching `terms` that `accept` lets through, best first, at
    /// most `limit` of them.
    pub fn search(&self, terms: &[WeightedTerm], accept: impl Fn(u32) -> bool, limit: usize) -> Vec<(u32, f32)> {
        if self.is_empty() || limit == 0 {
            return Vec::new();
        }
        let count = self.documents as f32;
        let average: [f32; FIELDS] = std::array::from_fn(|f| (self.total_lengths[f] as f32 / count).max(1.0));
        // One accumulator per document; reused, because allocating 400 KB per query (at
        // 100,000 articles) showed up in profiles as allocator time.
        let mut scores = self.scratch.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default();
        scores.clear();
        scores.resize(self.lengths.len(), 0.0);
        let Bm25Params { k1, b, boost, .. } = &self.params;
        // A field's length norm is `1 - b + b * length / average`: both parts fixed per query.
        let fixed: [f32; FIELDS] = std::array::from_fn(|f| 1.0 - b[f]);
        let per_word: [f32; FIELDS] = std::array::from_fn(|f| b[f] / average[f]);
        for term in terms {
            let Some(id) = self.term_ids.get(&term.stem) else { continue };
            let list = &self.postings[*id as usize];
            let frequency = list.len() as f32;
            let idf = (1.0 + (count - frequency + 0.5) / (frequency + 0.5)).ln() * term.weight * (k1 + 1.0);
            for posting in list {
                let lengths = &self.lengths[posting.slot as usize];
                let mut tf = 0.0;
                for f in 0..FIELDS {
                    if posting.tf[f] > 0 {
                        tf += boost[f] * f32::from(posting.tf[f]) / (fixed[f] + per_word[f] * lengths[f] as f32);
                    }
                }
                scores[posting.slot as usize] += idf * tf / (k1 + tf);
            }
        }
        // The filter (a look at the stored document) runs only for hits good enough to keep.
        let mut top = TopK::new(limit);
        for (slot, &score) in (0u32..).zip(&scores) {
            if score > 0.0 && top.admits(slot, score) && accept(slot) {
                top.push(slot, score);
            }
        }
        self.scratch.lock().unwrap_or_else(PoisonError::into_inner).push(scores);
        top.into_sorted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(docs: &[[&str; FIELDS]]) -> (Analyzer, LexicalIndex) {
        let analyzer = Analyzer::default();
        let mut index = LexicalIndex::new(Bm25Params::default());
        for (slot, texts) in docs.iter().enumerate() {
            index.insert(slot as u32, &AnalyzedFields::new(&analyzer, *texts));
        }
        (analyzer, index)
    }

    fn ranked(analyzer: &Analyzer, index: &LexicalIndex, query: &str) -> Vec<u32> {
        let terms = index.expand(analyzer, query);
        index.search(&terms, |_| true, 10).into_iter().map(|(slot, _)| slot).collect()
    }

    const DOCS: [[&str; FIELDS]; 4] = [
        ["Printer offline", "The floor printer shows offline.", "printer, hp", "Restart the printer queue."],
        ["Google Docs offline", "Edit documents without internet.", "docs, offline", "Turn on offline mode in Drive."],
        ["Reset your password", "Forgot your password?", "password", "Use the PeopleDesk portal to reset it."],
        ["Zoom audio", "No sound in meetings.", "zoom, audio", "Pick the right speaker; the printer is unrelated."],
    ];

    #[test]
    fn ranks_title_matches_above_body_mentions() {
        let (analyzer, index) = index(&DOCS);
        assert_eq!(ranked(&analyzer, &index, "printer"), [0, 3]);
        assert_eq!(ranked(&analyzer, &index, "docs offline")[0], 1);
        assert!(ranked(&analyzer, &index, "nothing matches this").is_empty());
    }

    #[test]
    fn corrects_typos_at_a_lower_weight() {
        let (analyzer, index) = index(&DOCS);
        assert_eq!(ranked(&analyzer, &index, "pasword"), [2]);
        assert_eq!(ranked(&analyzer, &index, "pritner"), [0, 3]);
        let terms = index.expand(&analyzer, "pasword");
        let corrected = terms.iter().find(|t| t.stem == "password").map(|t| t.weight);
        assert!(corrected.is_some_and(|w| w < 1.0));
    }

    #[test]
    fn removing_and_replacing_documents_updates_postings() {
        let (analyzer, mut index) = index(&DOCS);
        index.remove(0);
        assert_eq!(ranked(&analyzer, &index, "printer"), [3]);
        index.insert(3, &AnalyzedFields::new(&analyzer, ["Webcam", "", "", "camera"]));
        assert!(ranked(&analyzer, &index, "printer").is_empty());
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn filters_apply_before_the_limit() {
        let (analyzer, index) = index(&DOCS);
        let terms = index.expand(&analyzer, "printer");
        assert_eq!(index.search(&terms, |slot| slot != 0, 1).first().map(|h| h.0), Some(3));
    }
}
