//! Knowledge-base DTOs: articles, their versions, ratings, categories and deflections.

mod requests;
mod search;
pub mod validation;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

pub use requests::*;
pub use search::*;

use crate::tickets::UserRef;

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KbStatus {
    /// Being written; only writers see it.
    Draft,
    /// Waiting for someone with `kb:publish`.
    InReview,
    /// Visible to everyone signed in.
    Published,
    /// Withdrawn; kept for its history.
    Archived,
}

impl KbStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [KbStatus; 4] = [KbStatus::Draft, KbStatus::InReview, KbStatus::Published, KbStatus::Archived];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            KbStatus::Draft => "draft",
            KbStatus::InReview => "in_review",
            KbStatus::Published => "published",
            KbStatus::Archived => "archived",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<KbStatus> {
        KbStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether an article may move from `self` to `to`: anything not archived may be
    /// archived or published; drafts go to review; a reviewed, published or archived
    /// article goes back to draft.
    pub fn can_move_to(self, to: KbStatus) -> bool {
        use KbStatus::*;
        match (self, to) {
            (a, b) if a == b => false,
            (Draft, InReview) => true,
            (Draft | InReview, Published) => true,
            (InReview | Published | Archived, Draft) => true,
            (Draft | InReview | Published, Archived) => true,
            _ => false,
        }
    }
}

/// A category as an article names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbCategoryRef {
    /// Its id.
    pub id: Uuid,
    /// Its stable short name, e.g. `network`.
    pub slug: String,
    /// Its display name.
    pub name: String,
}

/// An article as lists show it: everything but the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbArticleSummaryDto {
    /// Its id.
    pub id: Uuid,
    /// Its stable, unique key, e.g. `kb-001` for an imported article.
    pub slug: String,
    /// The title.
    pub title: String,
    /// One or two sentences saying what the article answers.
    pub summary: Option<String>,
    /// Where it is in its life.
    pub status: KbStatus,
    /// Its category.
    pub category: KbCategoryRef,
    /// Its subcategory, a child of `category`.
    pub subcategory: Option<KbCategoryRef>,
    /// Labels, alphabetical.
    pub tags: Vec<String>,
    /// Shown first to people looking for help.
    pub featured: bool,
    /// Times a published version was opened.
    pub view_count: i64,
    /// "Helpful" votes.
    pub helpful_count: i64,
    /// "Not helpful" votes.
    pub unhelpful_count: i64,
    /// Who wrote it (absent for imported articles).
    pub author: Option<UserRef>,
    /// The number of its newest version.
    pub current_version: i32,
    /// The row version, for `If-Match` (also the `ETag`).
    pub version: i32,
    /// When it was first published.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub published_at: Option<DateTime<Utc>>,
    /// When it was created.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

/// One article with its body, as Markdown and as sanitised HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbArticleDto {
    /// Everything a list shows.
    #[serde(flatten)]
    pub article: KbArticleSummaryDto,
    /// The body as written (Markdown).
    pub body_markdown: String,
    /// The body rendered to HTML with scripts, event handlers and unsafe URLs removed.
    pub body_html: String,
    /// The caller's own rating, if they gave one (filled in by GET; null in answers to changes).
    pub my_rating: Option<KbRatingDto>,
}

/// One saved version of an article, without its body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbVersionSummaryDto {
    /// 1 for the first version, then counting up.
    pub number: i32,
    /// The title in this version.
    pub title: String,
    /// Who saved it (absent for imports).
    pub editor: Option<UserRef>,
    /// Why, e.g. `created`, `restored version 2`.
    pub note: Option<String>,
    /// When it was saved.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// A full snapshot of an article at one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbVersionDto {
    /// Number, title, editor, note and time.
    #[serde(flatten)]
    pub version: KbVersionSummaryDto,
    /// The summary then.
    pub summary: Option<String>,
    /// The Markdown body then.
    pub body_markdown: String,
    /// The tags then.
    pub tags: Vec<String>,
    /// The category then.
    pub category_id: Uuid,
    /// The subcategory then.
    pub subcategory_id: Option<Uuid>,
}

/// A line-based unified diff between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbDiffDto {
    /// The older side.
    pub from: i32,
    /// The newer side.
    pub to: i32,
    /// Which of `title`, `summary`, `body`, `tags`, `category`, `subcategory` differ.
    pub changed_fields: Vec<String>,
    /// A unified diff of the two versions written out as text (front matter, then body).
    pub unified: String,
}

/// One person's "was this helpful?" answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbRatingDto {
    /// Yes or no.
    pub helpful: bool,
    /// What they added, if anything.
    pub comment: Option<String>,
    /// Who (shown to writers only).
    pub user: Option<UserRef>,
    /// When they last answered.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

/// The answer to a rating: the caller's rating and the article's new counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbRatingSummaryDto {
    /// The caller's rating as stored.
    pub rating: KbRatingDto,
    /// "Helpful" votes now.
    pub helpful_count: i64,
    /// "Not helpful" votes now.
    pub unhelpful_count: i64,
}

/// The answer of `POST /api/v1/kb/preview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbPreviewDto {
    /// The Markdown rendered to HTML and sanitised exactly as a saved article's `bodyHtml`.
    pub body_html: String,
}

/// A knowledge-base category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbCategoryDto {
    /// Its id.
    pub id: Uuid,
    /// Stable short name, unique, e.g. `network` or `vpn`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// What belongs here.
    pub description: Option<String>,
    /// The parent, for a subcategory.
    pub parent_id: Option<Uuid>,
    /// When it was created.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// A recorded deflection: an article solved a problem before a ticket was raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KbDeflectionDto {
    /// Its id.
    pub id: Uuid,
    /// The article that helped.
    pub article_id: Uuid,
    /// What the person had typed.
    pub query: String,
    /// When.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves() {
        use KbStatus::*;
        assert!(Draft.can_move_to(InReview) && Draft.can_move_to(Published));
        assert!(Published.can_move_to(Draft) && Published.can_move_to(Archived));
        assert!(!Archived.can_move_to(Published) && !Published.can_move_to(InReview));
        assert!(!Draft.can_move_to(Draft));
        for s in KbStatus::ALL {
            assert_eq!(KbStatus::parse(s.as_str()), Some(s));
        }
    }
}
