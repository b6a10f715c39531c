//! The default provider: the local model on the shared embedding model, zero-shot until agents
//! have confirmed or corrected tickets, then retrained on them. Every instance trains its own
//! copy from the database (the training set is identified by a key the caller computes), so
//! nothing one instance learnt is needed by another.

use std::sync::{Arc, Mutex, PoisonError};

use super::features::{Encoded, ticket_text};
use super::local::{Encoder, Example, LocalModel, LocalParams, priority_index};
use super::provider::{LabelledText, ProviderAnswer, ProviderError, TicketText, Triage, TriageProvider};
use super::remembered::RememberedEmbeddings;
use super::taxonomy::Taxonomy;
use super::zeroshot::{KbExample, ZeroShot};
use crate::modules::search::EmbeddingOptions;
use crate::modules::search::analysis::Analyzer;
use crate::modules::search::embedding::Embedder;

/// The model in use and what it was built from.
struct Current {
    taxonomy: Taxonomy,
    training_key: Option<String>,
    model: Arc<LocalModel>,
    version: String,
}

/// The local triage provider.
pub struct LocalProvider {
    embedding: EmbeddingOptions,
    kb: Vec<KbExample>,
    params: LocalParams,
    current: Mutex<Option<Arc<Current>>>,
    /// What earlier builds embedded, so a retrain embeds only new texts.
    remembered: RememberedEmbeddings,
}

/// The model name stored with predictions.
pub const LOCAL_MODEL: &str = "local-minilm";

fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|p| p.bytes().chain(std::iter::once(0))) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl LocalProvider {
    /// A provider on the embedding model of `embedding`, loaded (once per process) when first
    /// needed, with `kb` articles as zero-shot evidence. Without a usable model every
    /// prediction fails with the reason, and the job retries.
    pub fn new(embedding: EmbeddingOptions, kb: Vec<KbExample>, params: LocalParams) -> Self {
        Self { embedding, kb, params, current: Mutex::new(None), remembered: RememberedEmbeddings::default() }
    }

    fn embedder(&self) -> Result<Arc<dyn Embedder>, ProviderError> {
        let (embedder, status) = crate::modules::search::live::shared_embedder(&self.embedding);
        embedder.ok_or_else(|| ProviderError::Unavailable(status.detail.unwrap_or_else(|| "no embedding model".into())))
    }

    fn current(&self) -> Option<Arc<Current>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The key of the training set the model in use learnt from, for `taxonomy`.
    pub fn training_key(&self, taxonomy: &Taxonomy) -> Option<String> {
        self.current().filter(|c| &c.taxonomy == taxonomy).and_then(|c| c.training_key.clone())
    }

    /// The zero-shot model for `taxonomy`, built when the taxonomy changed.
    fn model_for(&self, taxonomy: &Taxonomy) -> Result<Arc<Current>, ProviderError> {
        if let Some(current) = self.current().filter(|c| &c.taxonomy == taxonomy) {
            return Ok(current);
        }
        let built = Arc::new(self.build(taxonomy, None, &[])?);
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(built.clone());
        Ok(built)
    }

    fn build(
        &self,
        taxonomy: &Taxonomy,
        key: Option<&str>,
        examples: &[LabelledText],
    ) -> Result<Current, ProviderError> {
        let shared = self.embedder()?;
        let embedder = self.remembered.around(shared.as_ref());
        let analyzer = Analyzer::default();
        let failed = |e: crate::modules::search::embedding::EmbedError| ProviderError::Failed(e.to_string());
        let zero_shot =
            ZeroShot::build(taxonomy, &self.kb, &embedder, &analyzer, self.params.zero_shot).map_err(failed)?;
        let mut model = LocalModel::zero_shot(taxonomy.clone(), zero_shot, self.params.clone());
        let texts: Vec<String> = examples.iter().map(|e| ticket_text(&e.ticket.title, &e.ticket.description)).collect();
        let encoded: Vec<Encoded> =
            Encoder { embedder: &embedder, analyzer: &analyzer }.encode(&texts).map_err(failed)?;
        embedder.keep(!examples.is_empty());
        let usable: Vec<Example> = examples
            .iter()
            .zip(encoded)
            .filter_map(|(e, ticket)| {
                let leaf = model.leaf_index(&e.category, e.subcategory.as_deref())?;
                Some(Example { ticket, leaf, priority: priority_index(&e.priority)? })
            })
            .collect();
        model.train(&usable);
        let taxonomy_json = serde_json::to_string(taxonomy).unwrap_or_default();
        let version = match (model.is_trained(), key) {
            (true, Some(key)) => format!("trained-{}-{}", usable.len(), &fingerprint(&[&taxonomy_json, key])[..10]),
            _ => format!("zero-shot-{}", &fingerprint(&[&taxonomy_json])[..10]),
        };
        Ok(Current {
            taxonomy: taxonomy.clone(),
            training_key: key.map(str::to_string),
            model: Arc::new(model),
            version,
        })
    }

    /// Retrains on `examples` (identified by `key`) unless the model in use already learnt
    /// from that key; answers the version in use. Blocking: call from a blocking thread.
    pub fn learn_blocking(
        &self,
        taxonomy: &Taxonomy,
        key: &str,
        examples: &[LabelledText],
    ) -> Result<String, ProviderError> {
        if let Some(current) =
            self.current().filter(|c| &c.taxonomy == taxonomy && c.training_key.as_deref() == Some(key))
        {
            return Ok(current.version.clone());
        }
        let built = Arc::new(self.build(taxonomy, Some(key), examples)?);
        let version = built.version.clone();
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(built);
        Ok(version)
    }

    /// Triage of one ticket. Blocking.
    pub fn predict_blocking(
        &self,
        taxonomy: &Taxonomy,
        ticket: &TicketText,
    ) -> Result<(Triage, String), ProviderError> {
        let current = self.model_for(taxonomy)?;
        let embedder = self.embedder()?;
        let analyzer = Analyzer::default();
        let text = ticket_text(&ticket.title, &ticket.description);
        let encoded = Encoder { embedder: embedder.as_ref(), analyzer: &analyzer }
            .encode(&[text])
            .map_err(|e| ProviderError::Failed(e.to_string()))?;
        let encoded = encoded.first().ok_or_else(|| ProviderError::Failed("no embedding".into()))?;
        Ok((current.model.predict(encoded), current.version.clone()))
    }
}

/// The provider as the job runs it (shared, so blocking work can own a handle).
#[derive(Clone)]
pub struct SharedLocalProvider(pub Arc<LocalProvider>);

#[async_trait::async_trait]
impl TriageProvider for SharedLocalProvider {
    fn name(&self) -> &str {
        LOCAL_MODEL
    }

    async fn predict(&self, taxonomy: &Taxonomy, ticket: &TicketText) -> Result<ProviderAnswer, ProviderError> {
        let (this, taxonomy, ticket) = (self.0.clone(), taxonomy.clone(), ticket.clone());
        let (triage, version) = tokio::task::spawn_blocking(move || this.predict_blocking(&taxonomy, &ticket))
            .await
            .map_err(|e| ProviderError::Failed(e.to_string()))??;
        Ok(ProviderAnswer { triage, model: LOCAL_MODEL.to_string(), version })
    }

    fn learns(&self) -> bool {
        true
    }

    fn training_key(&self, taxonomy: &Taxonomy) -> Option<String> {
        self.0.training_key(taxonomy)
    }

    async fn learn(
        &self,
        taxonomy: &Taxonomy,
        key: &str,
        examples: Vec<LabelledText>,
    ) -> Result<Option<String>, ProviderError> {
        let (this, taxonomy, key) = (self.0.clone(), taxonomy.clone(), key.to_string());
        let version = tokio::task::spawn_blocking(move || this.learn_blocking(&taxonomy, &key, &examples))
            .await
            .map_err(|e| ProviderError::Failed(e.to_string()))??;
        Ok(Some(version))
    }
}
