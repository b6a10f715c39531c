//! What the triage models read from a ticket: its sentence embedding, its stemmed words and
//! word pairs (tf-idf weighted), and cue phrases about impact that set the priority.

use std::collections::HashMap;

use crate::modules::search::analysis::Analyzer;

/// A sparse vector: (feature, weight) sorted by feature.
pub type Sparse = Vec<(u32, f32)>;

/// Dot product of two sparse vectors.
pub fn sparse_dot(a: &Sparse, b: &Sparse) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f64::from(a[i].1) * f64::from(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Dot product of two dense vectors.
pub fn dense_dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum()
}

fn hash(text: &str) -> u32 {
    // FNV-1a: stable across runs and platforms, so results are deterministic.
    let mut h: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        h ^= u32::from(byte);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The hashed stems and adjacent stem pairs of `text`.
pub fn terms(analyzer: &Analyzer, text: &str) -> Vec<u32> {
    let stems = analyzer.stems(text);
    let mut out: Vec<u32> = stems.iter().map(|s| hash(s)).collect();
    out.extend(stems.windows(2).map(|w| hash(&format!("{} {}", w[0], w[1]))));
    out
}

/// Inverse document frequencies learnt from a set of documents.
#[derive(Debug, Clone, Default)]
pub struct Vectorizer {
    idf: HashMap<u32, f32>,
    unseen: f32,
}

impl Vectorizer {
    /// Smoothed idf, `ln((1 + N) / (1 + df)) + 1`, over `docs`.
    pub fn fit<'a>(docs: impl IntoIterator<Item = &'a [u32]>) -> Self {
        let mut df: HashMap<u32, u32> = HashMap::new();
        let mut n = 0u32;
        for doc in docs {
            n += 1;
            let mut seen: Vec<u32> = doc.to_vec();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                *df.entry(t).or_default() += 1;
            }
        }
        let idf = |d: u32| (((1 + n) as f32) / ((1 + d) as f32)).ln() + 1.0;
        Self { idf: df.into_iter().map(|(t, d)| (t, idf(d))).collect(), unseen: idf(0) }
    }

    /// The unit-length tf-idf vector of `terms` (sublinear term frequency).
    pub fn transform(&self, terms: &[u32]) -> Sparse {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for t in terms {
            *counts.entry(*t).or_default() += 1;
        }
        let mut v: Sparse = counts
            .into_iter()
            .map(|(t, c)| (t, (1.0 + (c as f32).ln()) * self.idf.get(&t).copied().unwrap_or(self.unseen)))
            .collect();
        v.sort_unstable_by_key(|(t, _)| *t);
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v
    }
}

/// Phrases that say how wide or how blocking a problem is, per priority (low to critical),
/// from the priority rules of the labelling guide. Matched on whole words.
const CUES: [&[&str]; 4] = [
    &[
        "request",
        "requesting",
        "please install",
        "please add",
        "how do i",
        "how to",
        "how can i",
        "would like",
        "when you get a chance",
        "no rush",
        "not urgent",
        "next week",
        "planned",
        "question",
        "wondering",
        "minor",
        "new joiner",
        "can you add",
        "need access",
        "kindly",
        "is it possible",
    ],
    &[
        "slow",
        "sometimes",
        "intermittent",
        "workaround",
        "for now",
        "meanwhile",
        "still able",
        "can still",
        "other printer",
        "in the browser",
        "randomly",
        "occasionally",
        "laggy",
        "buffering",
        "keeps dropping",
        "annoying",
        "takes long",
    ],
    &[
        "can't work",
        "cannot work",
        "can not work",
        "blocked",
        "locked out",
        "can't log in",
        "cannot log in",
        "can't login",
        "cannot login",
        "can't access",
        "cannot access",
        "not working at all",
        "won't turn on",
        "stolen",
        "phishing",
        "compromised",
        "swollen",
        "class starts",
        "in 10 minutes",
        "deadline",
        "today",
        "dead",
        "nothing works",
        "lost my",
    ],
    &[
        "everyone",
        "everybody",
        "whole floor",
        "entire floor",
        "all staff",
        "whole office",
        "entire office",
        "whole team",
        "all of us",
        "nobody",
        "no one",
        "all users",
        "many people",
        "several people",
        "whole row",
        "call centre",
        "call center",
        "all students",
        "exam",
        "exams",
        "payroll",
        "salary",
        "live class",
        "live classes",
        "outage",
        "down for all",
        "whole department",
        "entire team",
        "all instructors",
        "all teachers",
    ],
];

fn words_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' {
            out.extend(c.to_lowercase());
        } else {
            out.push(' ');
        }
    }
    out.push(' ');
    // Collapse runs of spaces so phrases match across punctuation.
    out.split_whitespace().fold(String::from(" "), |mut acc, w| {
        acc.push_str(w);
        acc.push(' ');
        acc
    })
}

/// How many cue phrases of each priority (low, medium, high, critical) `text` contains.
pub fn priority_cues(text: &str) -> [f64; 4] {
    let words = words_of(&text.replace('’', "'"));
    let mut out = [0.0; 4];
    for (p, cues) in CUES.iter().enumerate() {
        out[p] = cues.iter().filter(|cue| words.contains(&format!(" {cue} "))).count() as f64;
    }
    out
}

/// A ticket as the models read it.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// Unit-length sentence embedding of title and description.
    pub embedding: Vec<f32>,
    /// Hashed stems and stem pairs.
    pub terms: Vec<u32>,
    /// Priority cue counts, low to critical.
    pub cues: [f64; 4],
    /// Impact patterns and groups (`impact::impact_features`).
    pub impact: Vec<f32>,
}

impl Encoded {
    /// The features of `text`, given its embedding.
    pub fn read(analyzer: &Analyzer, text: &str, embedding: Vec<f32>) -> Self {
        Self {
            embedding,
            terms: terms(analyzer, text),
            cues: priority_cues(text),
            impact: super::impact::impact_features(text),
        }
    }
}

/// The text a ticket is embedded and read as.
pub fn ticket_text(title: &str, description: &str) -> String {
    format!("{}. {}", title.trim(), description.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_match_whole_words_only() {
        let cues = priority_cues("Everyone on the whole floor can't work; it's slow.");
        assert_eq!(cues, [0.0, 1.0, 1.0, 2.0]);
        assert_eq!(priority_cues("the examiner's slowness"), [0.0; 4], "exam and slow are not in these words");
    }

    #[test]
    fn tf_idf_vectors_are_unit_length_and_favour_rare_terms() {
        let analyzer = Analyzer::default();
        let docs: Vec<Vec<u32>> =
            ["printer jam", "printer toner", "vpn error"].iter().map(|d| terms(&analyzer, d)).collect();
        let v = Vectorizer::fit(docs.iter().map(Vec::as_slice));
        let a = v.transform(&terms(&analyzer, "printer jam"));
        assert!((sparse_dot(&a, &a) - 1.0).abs() < 1e-5);
        let jam = v.transform(&terms(&analyzer, "jam"));
        let printer = v.transform(&terms(&analyzer, "printer"));
        assert!(sparse_dot(&a, &jam) > sparse_dot(&a, &printer), "the rarer word weighs more");
        assert_eq!(sparse_dot(&a, &v.transform(&terms(&analyzer, "vpn"))), 0.0);
    }
}
