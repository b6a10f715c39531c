//! The local triage model: zero-shot from the first ticket, and, once labelled tickets exist, a
//! kernel ridge classifier over sentence embeddings and tf-idf words that keeps the zero-shot
//! scores as a prior. Regularisation, the lexical weight, the prior's weight and the softmax
//! temperatures are chosen on exact leave-one-out predictions of the training tickets, so the
//! confidences are calibrated on tickets the model did not see.

use serde::{Deserialize, Serialize};

use super::calibration::{fit_temperature, nll, softmax};
use super::features::{Encoded, Sparse, Vectorizer, dense_dot, sparse_dot};
use super::provider::{FieldPrediction, Triage};
use super::ridge::{self, Gram, RidgeFit};
use super::taxonomy::{PRIORITIES, Taxonomy};
use super::zeroshot::{ZeroShot, ZeroShotParams};
use crate::modules::search::analysis::Analyzer;
use crate::modules::search::embedding::{EmbedError, Embedder};

/// Below these confidences a field is left to an agent (an abstention).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Floors {
    pub category: f64,
    pub subcategory: f64,
    pub priority: f64,
}

impl Default for Floors {
    fn default() -> Self {
        Self { category: 0.3, subcategory: 0.15, priority: 0.3 }
    }
}

/// Everything the local model can be told; the defaults were chosen by cross-validation on
/// the whole dev set (README, "AI triage").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalParams {
    pub zero_shot: ZeroShotParams,
    /// Candidate weights of the tf-idf kernel next to the embedding kernel.
    pub lexical_weights: Vec<f64>,
    /// Candidate ridge penalties.
    pub lambdas: Vec<f64>,
    /// Candidate weights of the zero-shot prior (0 ignores it).
    pub prior_weights: Vec<f64>,
    /// Weight of the impact kernel (`impact::impact_features`) in the priority classifier.
    pub impact_weight: f64,
    /// Weight of each knowledge-base article as a labelled example of its subcategory in the
    /// category classifiers (0 leaves them out), against 1 for a ticket.
    pub kb_weight: f64,
    pub floors: Floors,
    /// Labelled tickets kept for training (the most recent); the fit is cubic in this.
    pub max_examples: usize,
}

impl Default for LocalParams {
    fn default() -> Self {
        Self {
            zero_shot: ZeroShotParams::default(),
            lexical_weights: vec![0.5, 1.0, 2.0],
            lambdas: vec![0.1, 0.3, 1.0, 3.0],
            prior_weights: vec![0.0, 0.05, 0.1, 0.2, 0.4],
            impact_weight: 1.0,
            kb_weight: 1.0,
            floors: Floors::default(),
            max_examples: 1500,
        }
    }
}

/// Embeds and reads ticket texts.
pub struct Encoder<'a> {
    pub embedder: &'a dyn Embedder,
    pub analyzer: &'a Analyzer,
}

impl Encoder<'_> {
    /// Each text's features, in order.
    pub fn encode(&self, texts: &[String]) -> Result<Vec<Encoded>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(16) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let vectors = self.embedder.embed(&refs)?;
            for (text, embedding) in chunk.iter().zip(vectors) {
                out.push(Encoded::read(self.analyzer, text, embedding));
            }
        }
        Ok(out)
    }
}

/// A labelled ticket, encoded: its leaf (index into the taxonomy's leaves) and priority index.
#[derive(Debug, Clone)]
pub struct Example {
    pub ticket: Encoded,
    pub leaf: usize,
    pub priority: usize,
}

/// One classifier head with what was chosen for it.
#[derive(Debug, Clone)]
struct Head {
    fit: RidgeFit,
    lexical_weight: f64,
    prior_weight: f64,
    temperature: f64,
}

/// What training learnt.
struct Trained {
    /// The training tickets, then the articles learnt as examples.
    examples: Vec<Encoded>,
    lexical: Vec<Sparse>,
    vectorizer: Vectorizer,
    leaf: Head,
    /// Categories learnt on their own: each has several times the examples of a subcategory.
    category: Head,
    priority: Head,
}

/// The local model for one taxonomy.
pub struct LocalModel {
    pub taxonomy: Taxonomy,
    zero_shot: ZeroShot,
    trained: Option<Trained>,
    params: LocalParams,
    /// Category index of each leaf.
    leaf_category: Vec<usize>,
}

/// The kernel-space inputs of one head for all training examples, their weights, and how
/// many (the first) are tickets whose held-out predictions choose the settings.
struct Grams<'a> {
    embedding: &'a [f64],
    lexical: &'a [f64],
    impact: Option<&'a [f64]>,
    n: usize,
    weights: &'a [f64],
    scored: usize,
}

/// The leading `n` × `n` block of an `m` × `m` matrix.
fn leading(values: &[f64], m: usize, n: usize) -> Vec<f64> {
    (0..n).flat_map(|i| values[i * m..i * m + n].iter().copied()).collect()
}

impl LocalModel {
    /// The zero-shot model.
    pub fn zero_shot(taxonomy: Taxonomy, zero_shot: ZeroShot, params: LocalParams) -> Self {
        let leaf_category = zero_shot.leaves.iter().map(|l| l.category).collect();
        Self { taxonomy, zero_shot, trained: None, params, leaf_category }
    }

    /// Whether labelled tickets shaped the model.
    pub fn is_trained(&self) -> bool {
        self.trained.is_some()
    }

    /// Trains on `examples` (the last `max_examples` of them). With fewer than two distinct
    /// leaves or priorities there is nothing to learn and the model stays zero-shot.
    pub fn train(&mut self, examples: &[Example]) {
        let start = examples.len().saturating_sub(self.params.max_examples);
        let examples = &examples[start..];
        let distinct = |f: fn(&Example) -> usize| {
            let mut v: Vec<usize> = examples.iter().map(f).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        if distinct(|e| e.leaf) < 2 || distinct(|e| e.priority) < 2 {
            self.trained = None;
            return;
        }
        let n = examples.len();
        let articles: &[(usize, Encoded)] =
            if self.params.kb_weight > 0.0 { &self.zero_shot.articles_encoded } else { &[] };
        let all: Vec<&Encoded> = examples.iter().map(|e| &e.ticket).chain(articles.iter().map(|(_, e)| e)).collect();
        let m = all.len();
        let vectorizer = Vectorizer::fit(all.iter().map(|e| e.terms.as_slice()));
        let lexical: Vec<Sparse> = all.iter().map(|e| vectorizer.transform(&e.terms)).collect();
        let embedding = Gram::build(m, |i, j| dense_dot(&all[i].embedding, &all[j].embedding));
        let lexical_gram = Gram::build(m, |i, j| sparse_dot(&lexical[i], &lexical[j]));
        let impact_gram = Gram::build(n, |i, j| dense_dot_f32(&all[i].impact, &all[j].impact));
        let leaf_prior: Vec<Vec<f64>> = all.iter().map(|e| self.leaf_prior(e)).collect();
        let priority_prior: Vec<Vec<f64>> = examples.iter().map(|e| self.priority_prior(&e.ticket)).collect();
        let leaf_labels: Vec<usize> = examples.iter().map(|e| e.leaf).chain(articles.iter().map(|(l, _)| *l)).collect();
        let category_labels: Vec<usize> = leaf_labels.iter().map(|&l| self.leaf_category[l]).collect();
        let priority_labels: Vec<usize> = examples.iter().map(|e| e.priority).collect();
        let weights: Vec<f64> = (0..m).map(|i| if i < n { 1.0 } else { self.params.kb_weight }).collect();
        let grams = Grams {
            embedding: &embedding.values,
            lexical: &lexical_gram.values,
            impact: None,
            n: m,
            weights: &weights,
            scored: n,
        };
        let leaf = self.fit_head(&grams, &leaf_labels, self.leaf_category.len(), &leaf_prior);
        let category_prior: Vec<Vec<f64>> = leaf_prior.iter().map(|p| self.group_log_sum(p)).collect();
        let categories = self.taxonomy.categories.len();
        let category = self.fit_head(&grams, &category_labels, categories, &category_prior);
        let (ticket_embedding, ticket_lexical) =
            (leading(&embedding.values, m, n), leading(&lexical_gram.values, m, n));
        let grams = Grams {
            embedding: &ticket_embedding,
            lexical: &ticket_lexical,
            impact: Some(&impact_gram.values),
            n,
            weights: &[],
            scored: n,
        };
        let priority = self.fit_head(&grams, &priority_labels, PRIORITIES.len(), &priority_prior);
        self.trained = match (leaf, category, priority) {
            (Some(leaf), Some(category), Some(priority)) => Some(Trained {
                examples: all.into_iter().cloned().collect(),
                lexical,
                vectorizer,
                leaf,
                category,
                priority,
            }),
            _ => None,
        };
    }

    /// Per category, the log of the summed probabilities of its leaves (log-sum-exp).
    fn group_log_sum(&self, leaf_logits: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.taxonomy.categories.len()];
        let max = leaf_logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sums = vec![0.0; out.len()];
        for (l, &c) in self.leaf_category.iter().enumerate() {
            sums[c] += (leaf_logits[l] - max).exp();
        }
        for (o, s) in out.iter_mut().zip(sums) {
            // Every category has a leaf, so `s` is positive; the floor only guards the log.
            *o = s.max(1e-300).ln() + max;
        }
        out
    }

    /// Chooses lexical weight, penalty and prior weight by leave-one-out NLL, then the temperatures.
    fn fit_head(&self, grams: &Grams<'_>, labels: &[usize], classes: usize, prior: &[Vec<f64>]) -> Option<Head> {
        let n = grams.n;
        let mut best: Option<(f64, Head)> = None;
        for &lexical_weight in &self.params.lexical_weights {
            let values: Vec<f64> = (0..n * n)
                .map(|k| {
                    let impact = grams.impact.map_or(0.0, |c| self.params.impact_weight * c[k]);
                    grams.embedding[k] + lexical_weight * grams.lexical[k] + impact + 1.0
                })
                .collect();
            let gram = Gram { n, values };
            let scored = &labels[..grams.scored];
            for &lambda in &self.params.lambdas {
                let Some(fit) = ridge::fit_weighted(&gram, labels, classes, lambda, grams.weights) else { continue };
                for &prior_weight in &self.params.prior_weights {
                    let logits: Vec<Vec<f64>> = fit
                        .loo_scores
                        .iter()
                        .zip(prior)
                        .take(grams.scored)
                        .map(|(s, p)| s.iter().zip(p).map(|(s, p)| s + prior_weight * p).collect())
                        .collect();
                    let temperature = fit_temperature(&logits, scored, None);
                    let loss = nll(&logits, scored, None, temperature);
                    if best.as_ref().is_none_or(|(b, ..)| loss < *b) {
                        let head = Head { fit: fit.clone(), lexical_weight, prior_weight, temperature };
                        best = Some((loss, head));
                    }
                }
            }
        }
        best.map(|(_, head)| head)
    }

    /// Zero-shot leaf scores scaled to log-probabilities.
    fn leaf_prior(&self, ticket: &Encoded) -> Vec<f64> {
        let t = self.zero_shot.params.temperature.max(1e-6);
        self.zero_shot.leaf_scores(ticket).into_iter().map(|s| s / t).collect()
    }

    fn priority_prior(&self, ticket: &Encoded) -> Vec<f64> {
        let t = self.zero_shot.params.priority_temperature.max(1e-6);
        self.zero_shot.priority_scores(ticket).into_iter().map(|s| s / t).collect()
    }

    /// Leaf probabilities, category probabilities and priority probabilities of a ticket.
    pub fn probabilities(&self, ticket: &Encoded) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let leaf_prior = self.leaf_prior(ticket);
        let priority_prior = self.priority_prior(ticket);
        let Some(trained) = &self.trained else {
            let leaves = softmax(&leaf_prior, 1.0);
            let mut categories = vec![0.0; self.taxonomy.categories.len()];
            for (p, &c) in leaves.iter().zip(&self.leaf_category) {
                categories[c] += p;
            }
            return (leaves, categories, softmax(&priority_prior, 1.0));
        };
        let lexical = trained.vectorizer.transform(&ticket.terms);
        let row = |head: &Head, impact: f64| -> Vec<f64> {
            trained
                .examples
                .iter()
                .zip(&trained.lexical)
                // The priority head learnt from the tickets alone, which come first.
                .take(head.fit.alpha.len() / head.fit.classes.max(1))
                .map(|(e, lex)| {
                    dense_dot(&ticket.embedding, &e.embedding)
                        + head.lexical_weight * sparse_dot(&lexical, lex)
                        + impact * dense_dot_f32(&ticket.impact, &e.impact)
                        + 1.0
                })
                .collect()
        };
        let probabilities = |head: &Head, impact: f64, prior: &[f64]| -> Vec<f64> {
            let scores = head.fit.scores(&row(head, impact));
            let logits: Vec<f64> = scores.iter().zip(prior).map(|(s, p)| s + head.prior_weight * p).collect();
            softmax(&logits, head.temperature)
        };
        let category_prior = self.group_log_sum(&leaf_prior);
        (
            probabilities(&trained.leaf, 0.0, &leaf_prior),
            probabilities(&trained.category, 0.0, &category_prior),
            probabilities(&trained.priority, self.params.impact_weight, &priority_prior),
        )
    }

    /// The triage of an encoded ticket: the likeliest category, its likeliest subcategory, the
    /// likeliest priority, each abstaining under its floor.
    pub fn predict(&self, ticket: &Encoded) -> Triage {
        let (leaves, categories, priorities) = self.probabilities(ticket);
        let floors = self.params.floors;
        let category = argmax(&categories);
        let best_leaf = (0..leaves.len())
            .filter(|&l| self.leaf_category[l] == category)
            .max_by(|&a, &b| leaves[a].total_cmp(&leaves[b]));
        let subcategory = best_leaf.and_then(|l| {
            let name = self.taxonomy.subcategory_name(self.zero_shot.leaves[l])?;
            Some(FieldPrediction::new(name, leaves[l], floors.subcategory))
        });
        let category_prediction =
            FieldPrediction::new(&self.taxonomy.categories[category].label.name, categories[category], floors.category);
        let subcategory =
            if category_prediction.abstained() { subcategory.map(|_| FieldPrediction::abstain()) } else { subcategory };
        let priority = argmax(&priorities);
        Triage {
            category: category_prediction,
            subcategory,
            priority: FieldPrediction::new(PRIORITIES[priority], priorities[priority], floors.priority),
        }
    }

    /// The leaf index of a labelled category and subcategory, if the taxonomy has it.
    pub fn leaf_index(&self, category: &str, subcategory: Option<&str>) -> Option<usize> {
        let leaf = self.taxonomy.find_leaf(category, subcategory)?;
        self.zero_shot.leaves.iter().position(|l| *l == leaf)
    }
}

fn dense_dot_f32(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum()
}

fn argmax(values: &[f64]) -> usize {
    (0..values.len()).max_by(|&a, &b| values[a].total_cmp(&values[b])).unwrap_or(0)
}

/// The index of a priority name.
pub fn priority_index(name: &str) -> Option<usize> {
    PRIORITIES.iter().position(|p| p.eq_ignore_ascii_case(name.trim()))
}
