//! The interface every triage provider implements: given a ticket and the taxonomy, a category,
//! subcategory and priority, each with a calibrated confidence, or an abstention.

use serde::{Deserialize, Serialize};

use super::taxonomy::{PRIORITIES, Taxonomy};

/// The text a provider reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketText {
    pub title: String,
    pub description: String,
}

/// One field's answer. `value` is `None` when the provider abstains (its confidence is under
/// the floor, or it had no answer); the confidence is kept either way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldPrediction {
    pub value: Option<String>,
    /// Estimated probability that `value` is right, in [0, 1].
    pub confidence: f64,
}

impl FieldPrediction {
    /// An answer, or an abstention when `confidence` is under `floor`.
    pub fn new(value: &str, confidence: f64, floor: f64) -> Self {
        let confidence = confidence.clamp(0.0, 1.0);
        Self { value: (confidence >= floor).then(|| value.to_string()), confidence }
    }

    /// No answer at all.
    pub fn abstain() -> Self {
        Self { value: None, confidence: 0.0 }
    }

    /// Whether the provider declined to answer.
    pub fn abstained(&self) -> bool {
        self.value.is_none()
    }
}

/// A provider's triage of one ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    pub category: FieldPrediction,
    /// `None` when the predicted category has no subcategories.
    pub subcategory: Option<FieldPrediction>,
    pub priority: FieldPrediction,
}

impl Triage {
    /// Drops any answer that is not in `taxonomy` (a category that does not exist, a
    /// subcategory of another category, an unknown priority) as an abstention, and says which
    /// were dropped: no caller ever sees an invented label.
    pub fn restrict_to(mut self, taxonomy: &Taxonomy) -> (Self, Vec<String>) {
        let mut dropped = Vec::new();
        let category = self.category.value.clone();
        if let Some(name) = &category
            && taxonomy.category_index(name).is_none()
        {
            dropped.push(format!("category {name:?}"));
            self.category = FieldPrediction::abstain();
            self.subcategory = None;
        }
        if let Some(sub) = &self.subcategory
            && let Some(name) = &sub.value
        {
            let fits = self.category.value.as_deref().is_some_and(|c| taxonomy.find_leaf(c, Some(name)).is_some());
            if !fits {
                dropped.push(format!("subcategory {name:?}"));
                self.subcategory = Some(FieldPrediction::abstain());
            }
        }
        if let Some(p) = &self.priority.value
            && !PRIORITIES.contains(&p.as_str())
        {
            dropped.push(format!("priority {p:?}"));
            self.priority = FieldPrediction::abstain();
        }
        (self, dropped)
    }
}

/// Why a provider gave no triage at all. Every error is worth a retry of the job.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the model is not available: {0}")]
    Unavailable(String),
    #[error("the provider failed: {0}")]
    Failed(String),
    #[error("the provider's answer is unusable: {0}")]
    BadAnswer(String),
}

/// A ticket whose labels an agent confirmed: what providers that learn are trained on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledText {
    pub ticket: TicketText,
    pub category: String,
    pub subcategory: Option<String>,
    pub priority: String,
}

/// A provider's triage and the model that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderAnswer {
    pub triage: Triage,
    pub model: String,
    pub version: String,
}

/// A source of triage: the local model, or an OpenAI-compatible API.
#[async_trait::async_trait]
pub trait TriageProvider: Send + Sync {
    /// A short name for logs.
    fn name(&self) -> &str;
    /// Triage of `ticket`, restricted to `taxonomy` by the caller.
    async fn predict(&self, taxonomy: &Taxonomy, ticket: &TicketText) -> Result<ProviderAnswer, ProviderError>;
    /// Whether the provider learns from confirmed tickets.
    fn learns(&self) -> bool {
        false
    }
    /// The key of the training set the provider last learnt from for `taxonomy`.
    fn training_key(&self, _taxonomy: &Taxonomy) -> Option<String> {
        None
    }
    /// Learns from `examples`, identified by `key`; answers the version now in use.
    async fn learn(
        &self,
        _taxonomy: &Taxonomy,
        _key: &str,
        _examples: Vec<LabelledText>,
    ) -> Result<Option<String>, ProviderError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(category: &str, sub: &str, priority: &str) -> Triage {
        Triage {
            category: FieldPrediction::new(category, 0.9, 0.0),
            subcategory: Some(FieldPrediction::new(sub, 0.9, 0.0)),
            priority: FieldPrediction::new(priority, 0.9, 0.0),
        }
    }

    #[test]
    fn invented_labels_become_abstentions() {
        let t = Taxonomy::demo();
        let (ok, dropped) = answer("network", "vpn", "high").restrict_to(&t);
        assert!(dropped.is_empty());
        assert_eq!(ok.subcategory.unwrap().value.as_deref(), Some("vpn"));
        let (bad, dropped) = answer("gardening", "vpn", "urgent").restrict_to(&t);
        assert_eq!(dropped.len(), 2, "{dropped:?}");
        assert!(bad.category.abstained() && bad.priority.abstained() && bad.subcategory.is_none());
        let (mixed, dropped) = answer("network", "printer", "low").restrict_to(&t);
        assert_eq!(dropped, vec!["subcategory \"printer\"".to_string()]);
        assert_eq!(mixed.category.value.as_deref(), Some("network"));
        assert!(mixed.subcategory.unwrap().abstained());
    }

    #[test]
    fn a_confidence_under_the_floor_abstains() {
        assert!(FieldPrediction::new("network", 0.3, 0.4).abstained());
        assert_eq!(FieldPrediction::new("network", 0.5, 0.4).value.as_deref(), Some("network"));
    }
}
