//! Request bodies and list queries of the knowledge-base endpoints.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use crate::common::present;

/// Body of `POST /api/v1/kb/articles`: a new draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateKbArticleRequest {
    /// 3 to 300 characters.
    pub title: String,
    /// Markdown, up to 100,000 characters.
    pub body_markdown: String,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub summary: Option<String>,
    /// A knowledge-base category.
    pub category_id: Uuid,
    /// A child of `categoryId`.
    #[serde(default)]
    pub subcategory_id: Option<Uuid>,
    /// Up to 20 labels.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// A unique key of lower-case letters, digits and `-`; made from the title when absent.
    #[serde(default)]
    pub slug: Option<String>,
}

/// Body of `PATCH /api/v1/kb/articles/{id}`: absent fields stay, `null` clears a nullable one.
/// A change to the content saves a new version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateKbArticleRequest {
    /// New title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New Markdown body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// New summary, or `null` to clear.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub summary: Option<Option<String>>,
    /// New category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<Uuid>,
    /// New subcategory, or `null` to clear.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>, nullable))]
    pub subcategory_id: Option<Option<Uuid>>,
    /// Replaces the tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Feature or unfeature the article (needs `kb:publish`; saves no version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<bool>,
    /// Why, kept with the new version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Query of `GET /api/v1/kb/articles`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct KbArticleListQuery {
    /// One status or several separated by commas; people without `kb:write` only ever see `published`.
    pub status: Option<String>,
    /// A category's id or slug; matches articles in it or in its subcategories.
    pub category: Option<String>,
    /// Only articles with this tag.
    pub tag: Option<String>,
    /// Only featured (`true`) or only other (`false`) articles.
    pub featured: Option<bool>,
    /// Words to find in the title.
    pub q: Option<String>,
    /// Sort key, `-` for descending: `updatedAt` (default `-updatedAt`), `createdAt`, `publishedAt`, `title`, `viewCount`.
    pub sort: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<u64>,
}

/// Query of `GET /api/v1/kb/articles/{id}/diff`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct KbDiffQuery {
    /// The older version's number.
    pub from: i32,
    /// The newer version's number; the current one when absent.
    pub to: Option<i32>,
}

/// Body of `POST /api/v1/kb/articles/{id}/versions/{number}/restore`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestoreKbVersionRequest {
    /// Why, kept with the new version.
    #[serde(default)]
    pub note: Option<String>,
}

/// Body of `POST /api/v1/kb/articles/{id}/ratings`: one per person, a second one replaces the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateKbArticleRequest {
    /// Did the article help?
    pub helpful: bool,
    /// Up to 2,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Body of `POST /api/v1/kb/categories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateKbCategoryRequest {
    /// 1 to 100 characters.
    pub name: String,
    /// A unique key of lower-case letters, digits and `-`; made from the name when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// A top-level category, to make this a subcategory.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
}

/// Body of `PATCH /api/v1/kb/categories/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateKbCategoryRequest {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description, or `null` to clear.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub description: Option<Option<String>>,
}

/// Body of `POST /api/v1/kb/deflections`: "This solved it" while raising a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateKbDeflectionRequest {
    /// The published article that solved it.
    pub article_id: Uuid,
    /// What the person had typed, up to 1,000 characters.
    pub query: String,
}

/// Body of `POST /api/v1/kb/preview`: Markdown to render as an article would show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KbPreviewRequest {
    /// Markdown, up to 100,000 characters.
    pub body_markdown: String,
}
