//! AI triage: category, subcategory and priority for new tickets, each with a calibrated
//! confidence, restricted to the labels of the taxonomy.
//!
//! [`TriageProvider`] is the interface; [`local::LocalModel`] is the default provider's model
//! (zero-shot from descriptions and knowledge-base articles, then a classifier trained on
//! labelled tickets), and [`eval`] measures it (`helpdesk eval triage`).

pub mod calibration;
pub mod eval;
pub mod features;
pub mod feedback;
pub mod impact;
pub mod job;
pub mod local;
pub mod local_provider;
pub mod metrics;
pub mod openai;
pub mod provider;
pub mod remembered;
pub mod ridge;
pub mod routes;
pub mod store;
pub mod taxonomy;
pub mod zeroshot;

use std::sync::Arc;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

pub use job::{TRIAGE_KIND, TriageJob, TriagePayload};
pub use provider::{FieldPrediction, ProviderError, TicketText, Triage, TriageProvider};
pub use taxonomy::Taxonomy;

use crate::modules::jobs::{EnqueueOptions, JobError, JobRegistry, Jobs, RetryPolicy};
use crate::modules::search::EmbeddingOptions;
use crate::settings::Settings;

/// Registers `/ai` routes (the ticket-level ones are in the tickets scope).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/ai").service(routes::get_metrics).service(routes::put_thresholds));
}

/// The provider the settings choose.
pub fn provider(settings: &Settings) -> anyhow::Result<Arc<dyn TriageProvider>> {
    if settings.ai_provider == "openai" {
        let options = openai::OpenAiOptions {
            base_url: settings.ai_openai_base_url.clone(),
            model: settings.ai_openai_model.clone(),
            api_key: settings.ai_openai_api_key.as_ref().map(|k| k.expose().to_string()).unwrap_or_default(),
            timeout: std::time::Duration::from_secs(settings.ai_openai_timeout_secs),
            floors: local::Floors::default(),
        };
        return Ok(Arc::new(openai::OpenAiProvider::new(options)?));
    }
    let options = EmbeddingOptions { model_dir: settings.embedding_model_dir(), enabled: true };
    let kb = crate::modules::kb::demo::files()?.iter().filter_map(zeroshot::KbExample::from_file).collect();
    let local = local_provider::LocalProvider::new(options, kb, local::LocalParams::default());
    Ok(Arc::new(local_provider::SharedLocalProvider(Arc::new(local))))
}

/// Adds the `ai.triage` kind to `registry` unless it has one (tests register their own), when
/// triage is on.
pub fn register(registry: &mut JobRegistry, settings: &Settings) -> anyhow::Result<()> {
    if settings.ai_triage && registry.get(TRIAGE_KIND).is_none() {
        registry.register(TriageJob::new(provider(settings)?, settings.ai_threshold, RetryPolicy::default()));
    }
    Ok(())
}

/// Enqueues triage of a new ticket on `conn` (the transaction creating it), when triage is on.
pub async fn enqueue_triage(
    jobs: &Jobs,
    settings: &Settings,
    conn: &impl ConnectionTrait,
    ticket_id: Uuid,
) -> Result<bool, JobError> {
    if !settings.ai_triage || jobs.registry().get(TRIAGE_KIND).is_none() {
        return Ok(false);
    }
    jobs.enqueue(conn, TRIAGE_KIND, &TriagePayload { ticket_id }, EnqueueOptions::default()).await?;
    Ok(true)
}

#[cfg(test)]
mod tests;
