//! The `ai.triage` job: predicts a new ticket's category, subcategory and priority, stores
//! every prediction, applies the confident ones and leaves the rest as a suggestion, then
//! announces `ai.categorised`. Idempotent: a run finds its own predictions and stops.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use shared_types::tickets::TicketPriority;
use uuid::Uuid;

use super::provider::{FieldPrediction, ProviderError, TicketText, TriageProvider};
use super::store::{self, CategoryIndex, Thresholds};
use crate::entities::ai_prediction;
use crate::modules::jobs::{JobContext, JobFailure, JobHandler, RetryPolicy};
use crate::modules::tickets::ai_triage::{self, AiActor, AiSuggestion, AiTicketChange};

/// The job kind.
pub const TRIAGE_KIND: &str = "ai.triage";

/// The realtime and bus event announced when a prediction lands.
pub const CATEGORISED_EVENT: &str = "ai.categorised";

/// What an `ai.triage` job is about.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriagePayload {
    pub ticket_id: Uuid,
}

/// Runs triage with one provider.
pub struct TriageJob {
    provider: Arc<dyn TriageProvider>,
    default_threshold: f64,
    retry: RetryPolicy,
}

impl TriageJob {
    /// A handler asking `provider`, applying at `default_threshold` unless admins set others.
    pub fn new(provider: Arc<dyn TriageProvider>, default_threshold: f64, retry: RetryPolicy) -> Self {
        Self { provider, default_threshold, retry }
    }
}

fn retry(e: ProviderError) -> JobFailure {
    JobFailure::retry(e.to_string())
}

fn api(e: crate::error::ApiError) -> JobFailure {
    JobFailure::retry(format!("{e:?}"))
}

/// Per field: the value to apply (if confident), and how the prediction is recorded.
struct Decision {
    category_id: Option<Uuid>,
    priority: Option<TicketPriority>,
    suggestion: AiSuggestion,
    rows: Vec<(&'static str, FieldPrediction, Option<Uuid>, &'static str)>,
}

fn outcome(p: &FieldPrediction, threshold: f64, can_apply: bool) -> &'static str {
    match &p.value {
        None => "abstained",
        Some(_) if can_apply && p.confidence >= threshold => "applied",
        Some(_) => "suggested",
    }
}

fn decide(
    triage: &super::Triage,
    index: &CategoryIndex,
    thresholds: Thresholds,
    has_category: bool,
    version: &str,
) -> Decision {
    let category = triage.category.value.as_deref();
    let category_id = category.and_then(|c| index.id(c, None));
    let sub = triage.subcategory.clone().unwrap_or_else(FieldPrediction::abstain);
    let sub_id = category.zip(sub.value.as_deref()).and_then(|(c, s)| index.id(c, Some(s)));
    // A category the requester chose is never overwritten: the prediction is only a suggestion.
    let category_outcome = outcome(&triage.category, thresholds.category, !has_category && category_id.is_some());
    let sub_outcome = outcome(&sub, thresholds.subcategory, category_outcome == "applied" && sub_id.is_some());
    let priority = triage.priority.value.as_deref().and_then(TicketPriority::parse);
    let priority_outcome = outcome(&triage.priority, thresholds.priority, priority.is_some());
    let applied_category = match (category_outcome, sub_outcome) {
        ("applied", "applied") => sub_id,
        ("applied", _) => category_id,
        _ => None,
    };
    let leaf = sub_id.or(category_id);
    let suggestion = AiSuggestion {
        category_id: if category_outcome == "suggested" || sub_outcome == "suggested" { leaf } else { None },
        priority: (priority_outcome == "suggested").then(|| triage.priority.value.clone()).flatten(),
        confidence: Some(if triage.subcategory.is_some() { sub.confidence } else { triage.category.confidence }),
        model_version: Some(version.to_string()),
    };
    let mut rows = vec![("category", triage.category.clone(), category_id, category_outcome)];
    if triage.subcategory.is_some() {
        rows.push(("subcategory", sub, sub_id, sub_outcome));
    }
    rows.push(("priority", triage.priority.clone(), None, priority_outcome));
    Decision {
        category_id: applied_category,
        priority: if priority_outcome == "applied" { priority } else { None },
        suggestion,
        rows,
    }
}

#[async_trait::async_trait]
impl JobHandler for TriageJob {
    fn kind(&self) -> &str {
        TRIAGE_KIND
    }

    fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    fn concurrency(&self) -> usize {
        2
    }

    async fn run(&self, ctx: JobContext) -> Result<(), JobFailure> {
        let payload: TriagePayload = ctx.payload()?;
        if store::job_done(&ctx.db, ctx.id).await.map_err(api)? {
            return Ok(());
        }
        let Some(ticket) = ai_triage::find(&ctx.db, payload.ticket_id).await.map_err(api)? else {
            return Ok(()); // deleted since: nothing to triage
        };
        let (taxonomy, index) = store::taxonomy(&ctx.db).await.map_err(api)?;
        if self.provider.learns() {
            let key = store::training_key(&ctx.db, &taxonomy).await.map_err(api)?;
            if self.provider.training_key(&taxonomy).as_deref() != Some(key.as_str()) {
                let examples = store::training_set(&ctx.db, &index).await.map_err(api)?;
                let count = examples.len();
                if let Some(version) = self.provider.learn(&taxonomy, &key, examples).await.map_err(retry)? {
                    let now = chrono::Utc::now();
                    store::record_version(&ctx.db, self.provider.name(), &version, count, now).await.map_err(api)?;
                }
            }
        }
        let text = TicketText { title: ticket.title.clone(), description: ticket.description.clone() };
        let started = std::time::Instant::now();
        let answer = self.provider.predict(&taxonomy, &text).await.map_err(retry)?;
        let (triage, dropped) = answer.triage.clone().restrict_to(&taxonomy);
        if !dropped.is_empty() {
            tracing::warn!(ticket_id = %ticket.id, model = %answer.model, "triage: dropped labels outside the taxonomy: {}", dropped.join(", "));
        }
        let thresholds = store::thresholds(&ctx.db, self.default_threshold).await.map_err(api)?;
        let decision = decide(&triage, &index, thresholds, ticket.category_id.is_some(), &answer.version);
        let now = chrono::Utc::now();
        let txn = ctx.writer.begin().await?;
        if store::job_done(&txn, ctx.id).await.map_err(api)? {
            return Ok(());
        }
        let rows = decision
            .rows
            .iter()
            .map(|(field, p, category_id, outcome)| ai_prediction::Model {
                id: Uuid::now_v7(),
                ticket_id: ticket.id,
                field: (*field).to_string(),
                predicted_value: p.value.clone(),
                predicted_category_id: *category_id,
                confidence: p.confidence,
                outcome: (*outcome).to_string(),
                model: answer.model.clone(),
                model_version: answer.version.clone(),
                job_id: Some(ctx.id),
                created_at: now,
            })
            .collect();
        store::insert_predictions(&txn, rows).await.map_err(api)?;
        let change = AiTicketChange {
            category_id: decision.category_id,
            priority: decision.priority,
            suggestion: Some(decision.suggestion),
        };
        let actor = AiActor { user_id: None, email: None, action: "ticket:ai_triage" };
        let Some((updated, changes)) = ai_triage::apply(&txn, &ticket, &change, &actor, now).await.map_err(api)? else {
            return Err(JobFailure::retry("the ticket changed during triage; trying again"));
        };
        txn.commit().await?;
        tracing::info!(
            ticket_id = %ticket.id, model = %answer.model, version = %answer.version,
            elapsed_ms = started.elapsed().as_millis() as u64, applied = changes.len(),
            "triage: prediction stored"
        );
        ai_triage::announce(&ctx.bus, &updated, &changes, None, Some(CATEGORISED_EVENT)).await;
        Ok(())
    }
}
