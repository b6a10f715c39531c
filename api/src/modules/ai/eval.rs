//! Measuring triage on labelled tickets: accuracy and macro-F1 per field, the expected
//! calibration error of the answered fields, and the share of abstentions. An abstention counts
//! as a wrong answer in accuracy and F1.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::calibration::expected_calibration_error;
use super::features::{Encoded, ticket_text};
use super::local::{Encoder, Example, LocalModel, LocalParams, priority_index};
use super::provider::{FieldPrediction, Triage};
use super::taxonomy::Taxonomy;
use super::zeroshot::{KbExample, ZeroShot};
use crate::modules::search::analysis::Analyzer;
use crate::modules::search::embedding::Embedder;

/// One labelled ticket, as a line of `tickets.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledTicket {
    pub id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    #[serde(default)]
    pub subcategory: Option<String>,
    pub priority: String,
}

impl LabelledTicket {
    /// The text the models read.
    pub fn text(&self) -> String {
        ticket_text(&self.title, &self.description)
    }
}

/// Reads a JSON-lines file of labelled tickets.
pub fn read_tickets(path: &Path) -> anyhow::Result<Vec<LabelledTicket>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), n + 1)))
        .collect()
}

/// Accuracy and macro-F1 of one field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMetrics {
    pub accuracy: f64,
    #[serde(rename = "macroF1")]
    pub macro_f1: f64,
}

/// The figures `helpdesk eval triage` prints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Report {
    pub category: FieldMetrics,
    pub subcategory: FieldMetrics,
    pub priority: FieldMetrics,
    /// Over every answered field of every ticket.
    pub ece: f64,
    /// Share of fields abstained on.
    pub abstained: f64,
}

/// Accuracy and macro-F1 (over the classes that occur in truth or prediction) of `pairs` of
/// (truth, prediction); a `None` prediction is wrong.
pub fn field_metrics(pairs: &[(String, Option<String>)]) -> FieldMetrics {
    let mut counts: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new(); // tp, fp, fn
    let mut right = 0usize;
    for (truth, predicted) in pairs {
        if predicted.as_deref() == Some(truth.as_str()) {
            right += 1;
            counts.entry(truth).or_default().0 += 1.0;
            continue;
        }
        counts.entry(truth).or_default().2 += 1.0;
        if let Some(p) = predicted {
            counts.entry(p).or_default().1 += 1.0;
        }
    }
    let f1s: Vec<f64> =
        counts.values().map(|(tp, fp, fn_)| if *tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fn_) }).collect();
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    FieldMetrics { accuracy: right as f64 / pairs.len().max(1) as f64, macro_f1 }
}

/// Scores predictions against their tickets.
pub fn report(tickets: &[LabelledTicket], predictions: &[Triage]) -> Report {
    let (mut cat, mut sub, mut pri) = (Vec::new(), Vec::new(), Vec::new());
    let mut calibration = Vec::new();
    let (mut fields, mut abstained) = (0usize, 0usize);
    let mut note = |truth: &str, p: &FieldPrediction, out: &mut Vec<(String, Option<String>)>| {
        fields += 1;
        match &p.value {
            Some(v) => calibration.push((p.confidence, v.eq_ignore_ascii_case(truth))),
            None => abstained += 1,
        }
        out.push((truth.to_lowercase(), p.value.as_ref().map(|v| v.to_lowercase())));
    };
    for (t, p) in tickets.iter().zip(predictions) {
        note(&t.category, &p.category, &mut cat);
        let truth_sub = format!("{}/{}", t.category, t.subcategory.as_deref().unwrap_or(""));
        let predicted_sub = p.subcategory.clone().unwrap_or_else(FieldPrediction::abstain);
        let predicted_sub = FieldPrediction {
            value: predicted_sub.value.map(|s| format!("{}/{s}", p.category.value.as_deref().unwrap_or(""))),
            ..predicted_sub
        };
        note(&truth_sub, &predicted_sub, &mut sub);
        note(&t.priority, &p.priority, &mut pri);
    }
    Report {
        category: field_metrics(&cat),
        subcategory: field_metrics(&sub),
        priority: field_metrics(&pri),
        ece: expected_calibration_error(&calibration),
        abstained: abstained as f64 / fields.max(1) as f64,
    }
}

/// Labelled tickets as training examples; tickets whose labels are not in the model's
/// taxonomy are an error (the data and the taxonomy disagree).
pub fn examples(model: &LocalModel, tickets: &[LabelledTicket], encoded: &[Encoded]) -> anyhow::Result<Vec<Example>> {
    tickets
        .iter()
        .zip(encoded)
        .map(|(t, e)| {
            let leaf = model
                .leaf_index(&t.category, t.subcategory.as_deref())
                .with_context(|| format!("{}: {}/{:?} is not in the taxonomy", t.id, t.category, t.subcategory))?;
            let priority = priority_index(&t.priority).with_context(|| format!("{}: priority {}", t.id, t.priority))?;
            Ok(Example { ticket: e.clone(), leaf, priority })
        })
        .collect()
}

/// Encodes tickets with the model's encoder.
pub fn encode(encoder: &Encoder<'_>, tickets: &[LabelledTicket]) -> anyhow::Result<Vec<Encoded>> {
    let texts: Vec<String> = tickets.iter().map(LabelledTicket::text).collect();
    Ok(encoder.encode(&texts)?)
}

/// The fold of each of `n` items in a `k`-fold split, shuffled with a fixed seed.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed.max(1);
    for i in (1..n).rev() {
        // xorshift64*: deterministic on every platform.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        order.swap(i, (r % (i as u64 + 1)) as usize);
    }
    let mut fold = vec![0; n];
    for (rank, &item) in order.iter().enumerate() {
        fold[item] = rank % k.max(1);
    }
    fold
}

/// Cross-validated predictions: for each fold, train on the others and predict it.
pub fn cross_validate(model: &mut LocalModel, examples: &[Example], k: usize, seed: u64) -> Vec<Triage> {
    let fold = folds(examples.len(), k, seed);
    let mut out: Vec<Option<Triage>> = vec![None; examples.len()];
    for f in 0..k {
        let train: Vec<Example> =
            examples.iter().zip(&fold).filter(|(_, g)| **g != f).map(|(e, _)| e.clone()).collect();
        model.train(&train);
        for (i, e) in examples.iter().enumerate().filter(|(i, _)| fold[*i] == f) {
            out[i] = Some(model.predict(&e.ticket));
        }
    }
    out.into_iter().map(|p| p.unwrap_or_else(unreachable_triage)).collect()
}

/// What `helpdesk eval triage` was asked.
#[derive(Debug, Clone)]
pub struct TriageArgs {
    pub test: PathBuf,
    pub train: Option<PathBuf>,
    pub folds: usize,
    pub kb: Option<PathBuf>,
    pub model_dir: Option<PathBuf>,
    pub params: Option<String>,
}

/// Builds the model on the demo taxonomy, predicts the test tickets (zero-shot, trained on
/// `--train`, or cross-validated when train and test are one file), writes progress to `out`
/// and answers the figures.
pub fn run(args: &TriageArgs, embedder: &dyn Embedder, out: &mut impl Write) -> anyhow::Result<Report> {
    let params: LocalParams = match &args.params {
        Some(json) => serde_json::from_str(json).context("--params")?,
        None => LocalParams::default(),
    };
    let files = match &args.kb {
        Some(dir) => crate::modules::kb::files::read_dir(dir)?,
        None => crate::modules::kb::demo::files()?,
    };
    let kb: Vec<KbExample> = files.iter().filter_map(KbExample::from_file).collect();
    let started = Instant::now();
    let analyzer = Analyzer::default();
    let taxonomy = Taxonomy::demo();
    let zero_shot = ZeroShot::build(&taxonomy, &kb, embedder, &analyzer, params.zero_shot)?;
    let mut model = LocalModel::zero_shot(taxonomy, zero_shot, params);
    let encoder = Encoder { embedder, analyzer: &analyzer };
    let test = read_tickets(&args.test)?;
    let test_encoded = encode(&encoder, &test)?;
    let test_examples = examples(&model, &test, &test_encoded)?;
    writeln!(
        out,
        "{} test tickets, {} articles, encoded in {:.1}s",
        test.len(),
        kb.len(),
        started.elapsed().as_secs_f64()
    )?;
    let same_file = args.train.as_ref().is_some_and(|train| same_path(train, &args.test));
    let predictions = match &args.train {
        None => {
            writeln!(out, "zero-shot (no training tickets)")?;
            test_examples.iter().map(|e| model.predict(&e.ticket)).collect()
        }
        Some(_) if same_file => {
            anyhow::ensure!(args.folds >= 2, "--folds must be at least 2");
            writeln!(out, "{}-fold cross-validation on {}", args.folds, args.test.display())?;
            cross_validate(&mut model, &test_examples, args.folds, SEED)
        }
        Some(path) => {
            let train = read_tickets(path)?;
            let train_examples = examples(&model, &train, &encode(&encoder, &train)?)?;
            writeln!(out, "trained on {} tickets of {}", train.len(), path.display())?;
            model.train(&train_examples);
            test_examples.iter().map(|e| model.predict(&e.ticket)).collect::<Vec<_>>()
        }
    };
    let report = report(&test, &predictions);
    writeln!(out, "done in {:.1}s", started.elapsed().as_secs_f64())?;
    Ok(report)
}

/// The cross-validation's shuffle seed: fixed, so figures repeat exactly.
pub const SEED: u64 = 20_261_126;

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Every item belongs to exactly one fold, so this is never used; it keeps the code panic-free.
fn unreachable_triage() -> Triage {
    Triage { category: FieldPrediction::abstain(), subcategory: None, priority: FieldPrediction::abstain() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(t: &str, p: Option<&str>) -> (String, Option<String>) {
        (t.to_string(), p.map(str::to_string))
    }

    #[test]
    fn macro_f1_averages_per_class_and_counts_abstentions_as_misses() {
        let pairs = [pair("a", Some("a")), pair("a", Some("b")), pair("b", Some("b")), pair("b", None)];
        let m = field_metrics(&pairs);
        assert_eq!(m.accuracy, 0.5);
        // a: tp 1, fn 1 -> 2/3; b: tp 1, fp 1, fn 1 -> 0.5.
        assert!((m.macro_f1 - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn folds_are_balanced_deterministic_and_shuffled() {
        let a = folds(23, 5, 7);
        assert_eq!(a, folds(23, 5, 7));
        for f in 0..5 {
            let size = a.iter().filter(|g| **g == f).count();
            assert!((4..=5).contains(&size));
        }
        assert_ne!(a, (0..23).map(|i| i % 5).collect::<Vec<_>>());
    }
}
