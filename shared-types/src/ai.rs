//! AI triage as the API shows it: agents' feedback on predictions, the per-field thresholds
//! admins set, and the figures of the AI page.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A field AI triage predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AiField {
    Category,
    Subcategory,
    Priority,
}

impl AiField {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            AiField::Category => "category",
            AiField::Subcategory => "subcategory",
            AiField::Priority => "priority",
        }
    }
}

/// Accepting or rejecting the latest prediction of one field of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiFeedbackRequest {
    /// The field.
    pub field: AiField,
    /// On reject, the right value: a category id (UUID) for `category` and `subcategory`
    /// (a subcategory's id for `subcategory`), a priority name for `priority`.
    #[serde(default)]
    pub value: Option<String>,
}

/// The feedback recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiFeedbackDto {
    /// The field.
    pub field: AiField,
    /// `accepted` or `corrected`.
    pub verdict: String,
    /// What the model predicted.
    pub predicted_value: Option<String>,
    /// What the ticket now has.
    pub agent_value: String,
}

/// The confidence at or above which a prediction is applied, per field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiThresholdsDto {
    /// Between 0 and 1.
    pub category: f64,
    /// Between 0 and 1.
    pub subcategory: f64,
    /// Between 0 and 1.
    pub priority: f64,
}

/// How one predicted category fared with agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiCategoryMetricsDto {
    /// The category name.
    pub category: String,
    /// Predictions of this category agents gave feedback on.
    pub predicted: u64,
    /// Tickets agents said belong here.
    pub actual: u64,
    /// Of the predictions of this category, the share agents kept (null without feedback).
    pub precision: Option<f64>,
    /// Of the tickets agents said belong here, the share the model predicted (null without any).
    pub recall: Option<f64>,
    /// Of the predictions of this category, the share agents corrected (null without feedback).
    pub override_rate: Option<f64>,
}

/// The AI page: the model in use, what happened to its predictions, and per-category figures
/// from agents' feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiMetricsDto {
    /// The model of the latest prediction.
    pub model: Option<String>,
    /// Its version.
    pub model_version: Option<String>,
    /// Category predictions applied automatically.
    pub applied: u64,
    /// Category predictions left as suggestions.
    pub suggested: u64,
    /// Category predictions abstained on.
    pub abstained: u64,
    /// Feedback rows on category predictions.
    pub feedback: u64,
    /// Per category, by name.
    pub categories: Vec<AiCategoryMetricsDto>,
    /// The thresholds in force.
    pub thresholds: AiThresholdsDto,
}
