//! Triage with no labelled tickets: a ticket is compared with what each label says about
//! itself (its description, phrase by phrase), with the knowledge-base articles filed under it,
//! and word by word with both; priority comes from impact cues and the priority definitions.

use serde::{Deserialize, Serialize};

use super::features::{self, Encoded, Sparse, Vectorizer, dense_dot, sparse_dot};
use super::taxonomy::{Leaf, PRIORITY_DESCRIPTIONS, Taxonomy};
use crate::modules::search::analysis::Analyzer;
use crate::modules::search::embedding::{EmbedError, Embedder};

/// A knowledge-base article as labelled evidence for its category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbExample {
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub category: String,
    pub subcategory: Option<String>,
    /// The article's steps (Markdown); read word by word, not embedded.
    pub body: String,
}

impl KbExample {
    /// From an article file (its front matter carries the labels).
    pub fn from_file(file: &crate::modules::kb::files::KbFile) -> Option<Self> {
        Some(Self {
            title: file.title.clone(),
            summary: file.summary.clone().unwrap_or_default(),
            tags: file.tags.clone(),
            category: file.category.clone()?,
            subcategory: file.subcategory.clone(),
            body: file.body.clone(),
        })
    }

    /// What is embedded: title, summary and tags.
    pub fn text(&self) -> String {
        format!("{}. {} {}", self.title, self.summary, self.tags.join(", "))
    }

    /// Everything the article says, for word overlap.
    fn full_text(&self) -> String {
        format!("{} {}", self.text(), self.body)
    }
}

/// The zero-shot model's weights. Chosen once on the whole dev set by cross-validation (see
/// the README); none is fitted to individual tickets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ZeroShotParams {
    /// Weight of the best cosine between the ticket and one of the label's description phrases.
    pub description: f64,
    /// Weight of the best cosine between the ticket and one of the label's articles.
    pub articles: f64,
    /// Weight of the tf-idf cosine between the ticket and the label's words.
    pub lexical: f64,
    /// Weight of the best tf-idf cosine between the ticket and the full text (steps included)
    /// of one of the label's articles: the steps name the symptoms users write about.
    pub bodies: f64,
    /// Softmax temperature of the label scores.
    pub temperature: f64,
    /// Weight of one priority cue phrase.
    pub cue: f64,
    /// Weight of the cosine with a priority's definition.
    pub priority_description: f64,
    /// Softmax temperature of the priority scores.
    pub priority_temperature: f64,
}

impl Default for ZeroShotParams {
    fn default() -> Self {
        Self {
            description: 1.0,
            articles: 1.0,
            lexical: 0.5,
            bodies: 5.0,
            temperature: 0.05,
            cue: 0.3,
            priority_description: 1.0,
            priority_temperature: 0.3,
        }
    }
}

/// The label and priority prototypes of one taxonomy.
pub struct ZeroShot {
    pub leaves: Vec<Leaf>,
    phrases: Vec<Vec<Vec<f32>>>,
    articles: Vec<Vec<Vec<f32>>>,
    docs: Vec<Sparse>,
    vectorizer: Vectorizer,
    /// Per leaf, the tf-idf vectors of its articles' full texts.
    bodies: Vec<Vec<Sparse>>,
    body_vectorizer: Vectorizer,
    /// The articles as labelled examples (leaf index, encoded title, summary and tags), for
    /// the trained model.
    pub articles_encoded: Vec<(usize, Encoded)>,
    priority_phrases: Vec<Vec<Vec<f32>>>,
    pub params: ZeroShotParams,
}

fn phrases_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> =
        text.split([',', ';']).map(str::trim).filter(|p| p.len() > 2).map(str::to_string).collect();
    out.push(text.to_string());
    out
}

impl ZeroShot {
    /// Embeds the label descriptions, the articles and the priority definitions.
    pub fn build(
        taxonomy: &Taxonomy,
        kb: &[KbExample],
        embedder: &dyn Embedder,
        analyzer: &Analyzer,
        params: ZeroShotParams,
    ) -> Result<Self, EmbedError> {
        let leaves = taxonomy.leaves();
        let embed = |texts: &[String]| -> Result<Vec<Vec<f32>>, EmbedError> {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            refs.chunks(16).try_fold(Vec::new(), |mut acc, chunk| {
                acc.extend(embedder.embed(chunk)?);
                Ok(acc)
            })
        };
        let mut phrases = Vec::with_capacity(leaves.len());
        let mut articles = Vec::with_capacity(leaves.len());
        let mut doc_terms = Vec::with_capacity(leaves.len());
        let mut body_terms: Vec<Vec<Vec<u32>>> = Vec::with_capacity(leaves.len());
        let mut articles_encoded = Vec::new();
        for (index, &leaf) in leaves.iter().enumerate() {
            let name = match taxonomy.subcategory_name(leaf) {
                Some(sub) => format!("{} {}", taxonomy.category_name(leaf), sub.replace('-', " ")),
                None => taxonomy.category_name(leaf).to_string(),
            };
            let description = taxonomy.leaf_description(leaf);
            let mut texts = phrases_of(&description);
            texts.push(name.clone());
            phrases.push(embed(&texts)?);
            let own: Vec<&KbExample> =
                kb.iter().filter(|a| taxonomy.find_leaf(&a.category, a.subcategory.as_deref()) == Some(leaf)).collect();
            let article_texts: Vec<String> = own.iter().map(|a| a.text()).collect();
            let vectors = embed(&article_texts)?;
            for (text, embedding) in article_texts.iter().zip(&vectors) {
                let encoded = Encoded::read(analyzer, text, embedding.clone());
                articles_encoded.push((index, encoded));
            }
            articles.push(vectors);
            body_terms.push(own.iter().map(|a| features::terms(analyzer, &a.full_text())).collect());
            let words = format!("{name} {description} {}", article_texts.join(" "));
            doc_terms.push(features::terms(analyzer, &words));
        }
        let vectorizer = Vectorizer::fit(doc_terms.iter().map(Vec::as_slice));
        let docs = doc_terms.iter().map(|t| vectorizer.transform(t)).collect();
        let body_vectorizer = Vectorizer::fit(body_terms.iter().flatten().map(Vec::as_slice));
        let bodies =
            body_terms.iter().map(|terms| terms.iter().map(|t| body_vectorizer.transform(t)).collect()).collect();
        let priority_phrases =
            PRIORITY_DESCRIPTIONS.iter().map(|d| embed(&phrases_of(d))).collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            leaves,
            phrases,
            articles,
            docs,
            vectorizer,
            bodies,
            body_vectorizer,
            articles_encoded,
            priority_phrases,
            params,
        })
    }

    /// One score per leaf (higher is likelier), before the temperature.
    pub fn leaf_scores(&self, ticket: &Encoded) -> Vec<f64> {
        let p = &self.params;
        let lexical = self.vectorizer.transform(&ticket.terms);
        let words = self.body_vectorizer.transform(&ticket.terms);
        let best =
            |vectors: &[Vec<f32>]| vectors.iter().map(|v| dense_dot(&ticket.embedding, v)).fold(f64::NAN, f64::max);
        (0..self.leaves.len())
            .map(|l| {
                let description = best(&self.phrases[l]);
                let articles = best(&self.articles[l]);
                // A label without articles is judged on its description alone.
                let articles = if articles.is_nan() { description } else { articles };
                let bodies = self.bodies[l].iter().map(|b| sparse_dot(&words, b)).fold(0.0, f64::max);
                p.description * description
                    + p.articles * articles
                    + p.lexical * sparse_dot(&lexical, &self.docs[l])
                    + p.bodies * bodies
            })
            .collect()
    }

    /// One score per priority (low to critical), before the temperature.
    pub fn priority_scores(&self, ticket: &Encoded) -> Vec<f64> {
        let p = &self.params;
        self.priority_phrases
            .iter()
            .zip(ticket.cues)
            .map(|(phrases, cues)| {
                let similarity = phrases.iter().map(|v| dense_dot(&ticket.embedding, v)).fold(f64::MIN, f64::max);
                p.priority_description * similarity + p.cue * cues
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_split_into_phrases_and_keep_the_whole() {
        let p = phrases_of("printer offline, paper jam; toner");
        assert_eq!(p, vec!["printer offline", "paper jam", "toner", "printer offline, paper jam; toner"]);
    }
}
