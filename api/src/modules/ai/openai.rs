//! Triage by any OpenAI-compatible chat API (OpenAI, Azure, Ollama, vLLM) through
//! async-openai. The answer is constrained by a JSON schema whose enums list the taxonomy's
//! labels; whatever comes back is still checked against the taxonomy (a server that ignores
//! the schema cannot store an invented label). Errors and timeouts fail the job's run, which
//! the queue retries; they never touch the ticket.

use std::time::{Duration, Instant};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{CreateChatCompletionRequest, CreateChatCompletionResponse};
use serde::Deserialize;
use serde_json::{Value, json};

use super::local::Floors;
use super::provider::{FieldPrediction, ProviderAnswer, ProviderError, TicketText, Triage, TriageProvider};
use super::taxonomy::{PRIORITIES, PRIORITY_DESCRIPTIONS, Taxonomy};

/// Where and how to reach the API.
#[derive(Debug, Clone)]
pub struct OpenAiOptions {
    /// e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub base_url: String,
    pub model: String,
    pub api_key: String,
    pub timeout: Duration,
    pub floors: Floors,
}

/// The OpenAI-compatible provider.
pub struct OpenAiProvider {
    client: Client<OpenAIConfig>,
    options: OpenAiOptions,
}

/// The answer the schema asks for.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    category: Option<String>,
    subcategory: Option<String>,
    priority: Option<String>,
    category_confidence: f64,
    subcategory_confidence: f64,
    priority_confidence: f64,
}

impl OpenAiProvider {
    /// A client with its own timeout; async-openai's own retries are off, the job queue retries.
    pub fn new(options: OpenAiOptions) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .build()
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let config =
            OpenAIConfig::new().with_api_base(options.base_url.trim_end_matches('/')).with_api_key(&options.api_key);
        let no_retries = backoff::ExponentialBackoffBuilder::new().with_max_elapsed_time(Some(Duration::ZERO)).build();
        let client = Client::with_config(config).with_http_client(http).with_backoff(no_retries);
        Ok(Self { client, options })
    }

    /// The request: instructions with the labels and their descriptions, the ticket, and the
    /// schema that allows only those labels.
    pub fn request(
        &self,
        taxonomy: &Taxonomy,
        ticket: &TicketText,
    ) -> Result<CreateChatCompletionRequest, ProviderError> {
        let mut labels = String::new();
        for c in &taxonomy.categories {
            labels.push_str(&format!("- {}: {}\n", c.label.name, c.label.description));
            for s in &c.subcategories {
                labels.push_str(&format!("  - {}/{}: {}\n", c.label.name, s.name, s.description));
            }
        }
        let priorities: Vec<String> =
            PRIORITIES.iter().zip(PRIORITY_DESCRIPTIONS).map(|(p, d)| format!("- {p}: {d}")).collect();
        let system = format!(
            "You triage IT helpdesk tickets. Choose the category and subcategory of the main problem from \
             this list only:\n{labels}\nand the priority from:\n{}\nGive each a confidence between 0 and 1 \
             (the probability that it is right). Use null when no label fits.",
            priorities.join("\n")
        );
        let user = format!("Title: {}\n\n{}", ticket.title, ticket.description);
        let body = json!({
            "model": self.options.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "response_format": {"type": "json_schema", "json_schema": {
                "name": "ticket_triage", "strict": true, "schema": schema(taxonomy),
            }},
        });
        serde_json::from_value(body).map_err(|e| ProviderError::Failed(format!("building the request: {e}")))
    }

    fn answer(&self, response: &CreateChatCompletionResponse) -> Result<Triage, ProviderError> {
        let content = response
            .choices
            .first()
            .and_then(|c| c.message.content.as_deref())
            .ok_or_else(|| ProviderError::BadAnswer("no message content".into()))?;
        let a: Answer =
            serde_json::from_str(content).map_err(|e| ProviderError::BadAnswer(format!("{e}: {content}")))?;
        let floors = self.options.floors;
        let field = |value: Option<String>, confidence: f64, floor: f64| match value {
            Some(v) => FieldPrediction::new(&v, confidence, floor),
            None => FieldPrediction::abstain(),
        };
        Ok(Triage {
            category: field(a.category, a.category_confidence, floors.category),
            subcategory: Some(field(a.subcategory, a.subcategory_confidence, floors.subcategory)),
            priority: field(a.priority, a.priority_confidence, floors.priority),
        })
    }
}

/// The JSON schema of the answer: every label field is one of the taxonomy's names or null.
pub fn schema(taxonomy: &Taxonomy) -> Value {
    let mut categories: Vec<Value> = taxonomy.categories.iter().map(|c| json!(c.label.name)).collect();
    let mut subcategories: Vec<Value> =
        taxonomy.categories.iter().flat_map(|c| c.subcategories.iter().map(|s| json!(s.name))).collect();
    subcategories.dedup();
    let mut priorities: Vec<Value> = PRIORITIES.iter().map(|p| json!(p)).collect();
    for list in [&mut categories, &mut subcategories, &mut priorities] {
        list.push(Value::Null);
    }
    let confidence = json!({"type": "number", "minimum": 0, "maximum": 1});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["category", "subcategory", "priority", "categoryConfidence", "subcategoryConfidence", "priorityConfidence"],
        "properties": {
            "category": {"type": ["string", "null"], "enum": categories},
            "subcategory": {"type": ["string", "null"], "enum": subcategories},
            "priority": {"type": ["string", "null"], "enum": priorities},
            "categoryConfidence": confidence,
            "subcategoryConfidence": confidence,
            "priorityConfidence": confidence,
        },
    })
}

#[async_trait::async_trait]
impl TriageProvider for OpenAiProvider {
    fn name(&self) -> &str {
        "openai"
    }

    async fn predict(&self, taxonomy: &Taxonomy, ticket: &TicketText) -> Result<ProviderAnswer, ProviderError> {
        let request = self.request(taxonomy, ticket)?;
        let started = Instant::now();
        let response = self.client.chat().create(request).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let response = response.map_err(|e| {
            tracing::warn!(model = %self.options.model, elapsed_ms, error = %e, "triage: the chat API failed");
            ProviderError::Failed(e.to_string())
        })?;
        let (prompt, completion) = response.usage.as_ref().map_or((0, 0), |u| (u.prompt_tokens, u.completion_tokens));
        tracing::info!(
            model = %response.model, elapsed_ms, prompt_tokens = prompt, completion_tokens = completion,
            "triage: chat API answered"
        );
        let triage = self.answer(&response)?;
        Ok(ProviderAnswer { triage, model: format!("openai:{}", self.options.model), version: response.model.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_lists_exactly_the_taxonomy_labels() {
        let s = schema(&Taxonomy::demo());
        let categories = s["properties"]["category"]["enum"].as_array().unwrap();
        assert_eq!(categories.len(), 6, "five categories and null");
        assert!(categories.contains(&json!("network")) && categories.contains(&Value::Null));
        assert_eq!(s["properties"]["subcategory"]["enum"].as_array().unwrap().len(), 26);
        assert_eq!(s["properties"]["priority"]["enum"], json!(["low", "medium", "high", "critical", null]));
    }
}
