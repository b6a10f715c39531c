//! AI triage in the product: the `ai.triage` job applies confident predictions and suggests the
//! rest, stores only labels of the taxonomy, retries a failing provider and parks it as dead
//! without touching the ticket; agents accept and correct predictions; the AI page's figures.
//!
//! The provider here is [`Scripted`], a stand-in whose answers the test writes, so each test
//! knows what the model said; the local model itself is measured by `helpdesk eval triage`.

mod feedback;
mod openai;
mod triage;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use helpdesk_api::modules::ai::provider::{ProviderAnswer, TicketText};
use helpdesk_api::modules::ai::{FieldPrediction, ProviderError, Taxonomy, Triage, TriageJob, TriageProvider};
use helpdesk_api::modules::jobs::JobRegistry;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Session, TestApp};
use crate::jobs::{brisk, eventually, fast_retries};

/// A provider that answers what it was told, or fails.
pub struct Scripted {
    /// (value, confidence) per field; `None` makes every call fail.
    pub answer: Option<[(&'static str, f64); 3]>,
    pub calls: AtomicUsize,
}

impl Scripted {
    pub fn says(category: (&'static str, f64), sub: (&'static str, f64), priority: (&'static str, f64)) -> Arc<Self> {
        Arc::new(Self { answer: Some([category, sub, priority]), calls: AtomicUsize::new(0) })
    }
    pub fn failing() -> Arc<Self> {
        Arc::new(Self { answer: None, calls: AtomicUsize::new(0) })
    }
}

#[async_trait::async_trait]
impl TriageProvider for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }
    async fn predict(&self, _: &Taxonomy, _: &TicketText) -> Result<ProviderAnswer, ProviderError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let [c, s, p] = self.answer.ok_or_else(|| ProviderError::Failed("the model server is down".into()))?;
        let triage = Triage {
            category: FieldPrediction::new(c.0, c.1, 0.0),
            subcategory: Some(FieldPrediction::new(s.0, s.1, 0.0)),
            priority: FieldPrediction::new(p.0, p.1, 0.0),
        };
        Ok(ProviderAnswer { triage, model: "scripted".into(), version: "v1".into() })
    }
}

/// An instance on `base`'s database that triages new tickets with `provider`.
pub async fn with_provider(base: &TestApp, provider: Arc<Scripted>) -> TestApp {
    let mut jobs = JobRegistry::new();
    jobs.register(TriageJob::new(provider, 0.85, fast_retries(2)));
    base.another_instance(jobs, |s| {
        brisk(s);
        s.ai_triage = true;
    })
    .await
}

/// Categories `network` (`vpn`, `wifi`) and `access` (`password-reset`); their ids by path.
pub async fn taxonomy(app: &TestApp, admin: &Session) -> std::collections::HashMap<&'static str, Uuid> {
    let mut ids = std::collections::HashMap::new();
    for (parent, children) in [("network", ["vpn", "wifi"]), ("access", ["password-reset", "mfa"])] {
        let body = json!({"name": parent, "description": "test"});
        let p = app.post("/api/v1/admin/categories", &admin.access_token, body).await.expect(201);
        let pid: Uuid = p.body["id"].as_str().unwrap().parse().unwrap();
        ids.insert(parent, pid);
        for child in children {
            let body = json!({"name": child, "parentId": pid});
            let c = app.post("/api/v1/admin/categories", &admin.access_token, body).await.expect(201);
            ids.insert(child, c.body["id"].as_str().unwrap().parse().unwrap());
        }
    }
    ids
}

/// The stored predictions of a ticket: (field, value, outcome), by field name.
pub async fn predictions(app: &TestApp, ticket: Uuid) -> Vec<(String, Option<String>, String)> {
    use helpdesk_api::entities::ai_prediction;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let rows = ai_prediction::Entity::find()
        .filter(ai_prediction::Column::TicketId.eq(ticket))
        .order_by_asc(ai_prediction::Column::Field)
        .all(&app.state.db)
        .await
        .unwrap();
    rows.into_iter().map(|r| (r.field, r.predicted_value, r.outcome)).collect()
}

/// Raises a ticket and waits until its triage stored predictions.
pub async fn triaged_ticket(app: &TestApp, who: &Session) -> Value {
    let ticket = app.ticket(who, "VPN will not connect").await;
    let id: Uuid = ticket["id"].as_str().unwrap().parse().unwrap();
    eventually("the triage job stored its predictions", || async { !predictions(app, id).await.is_empty() }).await;
    ticket
}
