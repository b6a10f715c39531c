//! The local model end to end on a small word-hashing embedder (the real one needs the model
//! files; `helpdesk eval triage` measures that).

use super::features::ticket_text;
use super::local::{Encoder, Example, Floors, LocalModel, LocalParams, priority_index};
use super::taxonomy::Taxonomy;
use super::zeroshot::{KbExample, ZeroShot};
use crate::modules::search::analysis::Analyzer;
use crate::modules::search::embedding::{EmbedError, Embedder};

/// Bag of stemmed words hashed into 256 dimensions, unit length: similar wording, similar vector.
struct WordHash(Analyzer);

impl Embedder for WordHash {
    fn name(&self) -> &str {
        "word-hash"
    }
    fn dimension(&self) -> usize {
        256
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0f32; 256];
                for stem in self.0.stems(t) {
                    let h = stem.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
                    v[(h % 256) as usize] += 1.0;
                }
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter().map(|x| x / norm).collect()
            })
            .collect())
    }
}

fn kb() -> Vec<KbExample> {
    let article = |title: &str, category: &str, sub: &str| KbExample {
        title: title.into(),
        summary: String::new(),
        tags: vec![],
        category: category.into(),
        subcategory: Some(sub.into()),
        body: String::new(),
    };
    vec![
        article("Clearing a paper jam on the floor printer", "hardware", "printer"),
        article("FortiClient VPN does not connect", "network", "vpn"),
        article("Resetting a forgotten password", "access", "password-reset"),
    ]
}

fn model(params: LocalParams) -> (LocalModel, WordHash) {
    let embedder = WordHash(Analyzer::default());
    let taxonomy = Taxonomy::demo();
    let zs = ZeroShot::build(&taxonomy, &kb(), &embedder, &Analyzer::default(), params.zero_shot).unwrap();
    (LocalModel::zero_shot(taxonomy, zs, params), embedder)
}

fn encode(embedder: &WordHash, text: &str) -> super::features::Encoded {
    let analyzer = Analyzer::default();
    Encoder { embedder, analyzer: &analyzer }.encode(&[text.to_string()]).unwrap().remove(0)
}

#[test]
fn zero_shot_follows_descriptions_and_articles() {
    let (model, embedder) = model(LocalParams::default());
    assert!(!model.is_trained());
    let triage = model.predict(&encode(&embedder, &ticket_text("printer paper jam", "the floor printer jams")));
    assert_eq!(triage.category.value.as_deref(), Some("hardware"));
    assert_eq!(triage.subcategory.unwrap().value.as_deref(), Some("printer"));
    let triage = model.predict(&encode(&embedder, "FortiClient VPN will not connect from home"));
    assert_eq!(triage.category.value.as_deref(), Some("network"));
    let triage = model.predict(&encode(&embedder, "everyone on the whole floor is down"));
    assert_eq!(triage.priority.value.as_deref(), Some("critical"));
}

#[test]
fn training_teaches_words_no_description_has() {
    let (mut model, embedder) = model(LocalParams::default());
    let probe = encode(&embedder, "zorblax keeps failing again");
    let before = model.predict(&probe);
    let leaf = |c, s| model.leaf_index(c, Some(s)).unwrap();
    let mut examples = Vec::new();
    for (i, text) in
        ["zorblax failing", "zorblax broken today", "the zorblax is failing", "zorblax error"].iter().enumerate()
    {
        let priority = priority_index(if i % 2 == 0 { "low" } else { "medium" }).unwrap();
        examples.push(Example { ticket: encode(&embedder, text), leaf: leaf("software", "business-apps"), priority });
    }
    for text in ["printer jam", "printer toner empty", "printer offline on floor 3", "paper jam printer"] {
        let priority = priority_index("medium").unwrap();
        examples.push(Example { ticket: encode(&embedder, text), leaf: leaf("hardware", "printer"), priority });
    }
    for text in ["vpn not connecting", "forticlient vpn error", "vpn drops", "cannot connect vpn"] {
        let priority = priority_index("high").unwrap();
        examples.push(Example { ticket: encode(&embedder, text), leaf: leaf("network", "vpn"), priority });
    }
    model.train(&examples);
    assert!(model.is_trained());
    let after = model.predict(&probe);
    assert_eq!(after.subcategory.as_ref().and_then(|s| s.value.as_deref()), Some("business-apps"), "{after:?}");
    assert_ne!(before.subcategory.and_then(|s| s.value), Some("business-apps".into()));
    assert!(after.category.confidence > 0.5 && after.category.confidence <= 1.0);
}

#[test]
fn every_answer_is_a_label_of_the_taxonomy_and_low_confidence_abstains() {
    let strict =
        LocalParams { floors: Floors { category: 1.01, subcategory: 1.01, priority: 1.01 }, ..LocalParams::default() };
    let (model, embedder) = model(strict);
    let t = Taxonomy::demo();
    let triage = model.predict(&encode(&embedder, "something odd happened"));
    assert!(triage.category.abstained() && triage.priority.abstained());
    assert!(triage.subcategory.as_ref().is_none_or(|s| s.abstained()));
    let (model, _) = self::model(LocalParams::default());
    for text in ["printer", "wifi nahi chal raha", "help!!", "new laptop for joiner"] {
        let triage = model.predict(&encode(&embedder, text));
        let category = triage.category.value.clone().unwrap_or_else(|| "hardware".into());
        let sub = triage.subcategory.and_then(|s| s.value);
        assert!(t.category_index(&category).is_some());
        if let Some(sub) = sub {
            assert!(t.find_leaf(&category, Some(&sub)).is_some(), "{category}/{sub}");
        }
    }
}
