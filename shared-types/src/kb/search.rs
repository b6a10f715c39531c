//! `GET /api/v1/kb/search`: hybrid knowledge-base search.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use super::KbArticleSummaryDto;

/// Query of `GET /api/v1/kb/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct KbSearchQuery {
    /// What to look for, in the user's words (1 to 500 characters).
    pub q: String,
    /// Only articles of this category (its slug, e.g. `network`).
    pub category: Option<String>,
    /// Only articles with every one of these tags, separated by commas.
    pub tags: Option<String>,
    /// `hybrid` (default: words and meaning, fused), `lexical` (words, typo-tolerant) or
    /// `semantic` (meaning only; 503 when the embedding model is not loaded).
    pub mode: Option<String>,
    /// Hits to return, 1 to 50 (default 10).
    pub limit: Option<u64>,
}

/// One found article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbSearchHitDto {
    /// The article, without its body.
    pub article: KbArticleSummaryDto,
    /// Relevance within this answer (higher is better; not comparable across searches).
    pub score: f32,
    /// The title, HTML-escaped, with matched words in `<mark>`.
    pub title_highlight: String,
    /// A passage of the summary and body, HTML-escaped, with matched words in `<mark>`.
    pub highlight: String,
}

/// The answer of `GET /api/v1/kb/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbSearchResponse {
    /// Best first.
    pub data: Vec<KbSearchHitDto>,
    /// The retrievers that ran: `hybrid`, `lexical` (also when hybrid was asked for and the
    /// embedding model is not loaded) or `semantic`.
    pub mode: String,
}

/// An article suggested for a ticket (`suggestedArticles` in `GET /api/v1/tickets/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbSuggestionDto {
    /// The article's id.
    pub id: uuid::Uuid,
    /// Its stable key, e.g. `kb-001`.
    pub slug: String,
    /// The title.
    pub title: String,
    /// What it answers.
    pub summary: Option<String>,
    /// Relevance to the ticket (higher is better; comparable within one ticket only).
    pub score: f32,
}
