//! The article list's query parameters, checked and turned into a typed filter.

use shared_types::FieldErrors;
use shared_types::kb::{KbArticleListQuery, KbStatus};
use shared_types::validation::normalise_tag;
use uuid::Uuid;

use crate::error::ApiError;
use crate::modules::tickets::filter::like_pattern;
use crate::paging::Paging;

/// What a list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// When last changed (the default, newest first).
    UpdatedAt,
    /// When created.
    CreatedAt,
    /// When last published.
    PublishedAt,
    /// Alphabetical.
    Title,
    /// Most read.
    ViewCount,
}

/// A sort key and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The key.
    pub key: SortKey,
    /// Largest first.
    pub descending: bool,
}

const SORT_KEYS: [(&str, SortKey); 5] = [
    ("updatedAt", SortKey::UpdatedAt),
    ("createdAt", SortKey::CreatedAt),
    ("publishedAt", SortKey::PublishedAt),
    ("title", SortKey::Title),
    ("viewCount", SortKey::ViewCount),
];

/// A checked list query. `category` is still a slug or id to resolve.
#[derive(Debug, Clone)]
pub struct ArticleFilter {
    /// Any of these (empty: any status).
    pub statuses: Vec<KbStatus>,
    /// In this category or subcategory (resolved by the service).
    pub category_id: Option<Uuid>,
    /// With this tag.
    pub tag: Option<String>,
    /// Featured or not.
    pub featured: Option<bool>,
    /// A `LIKE` pattern for the lower-cased title.
    pub like: Option<String>,
    /// The order.
    pub sort: Sort,
}

impl ArticleFilter {
    /// Checks `q`, naming every parameter at fault (400 `invalid_query`). Callers who
    /// cannot write articles only ever get published ones, whatever they ask for.
    pub fn parse(q: &KbArticleListQuery, writer: bool) -> Result<(Self, Paging), ApiError> {
        let mut errors = FieldErrors::new();
        let mut statuses = Vec::new();
        for name in q.status.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match KbStatus::parse(name) {
                Some(s) => statuses.push(s),
                None => {
                    errors.insert("status".into(), "must be draft, in_review, published or archived".into());
                }
            }
        }
        if !writer {
            statuses = vec![KbStatus::Published];
        }
        let sort = match q.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Sort { key: SortKey::UpdatedAt, descending: true },
            Some(s) => {
                let (descending, name) = match s.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, s),
                };
                match SORT_KEYS.iter().find(|(n, _)| *n == name) {
                    Some((_, key)) => Sort { key: *key, descending },
                    None => {
                        let names: Vec<&str> = SORT_KEYS.iter().map(|(n, _)| *n).collect();
                        errors.insert(
                            "sort".into(),
                            format!("must be one of {}, optionally prefixed with '-'", names.join(", ")),
                        );
                        Sort { key: SortKey::UpdatedAt, descending: true }
                    }
                }
            }
        };
        let filter = ArticleFilter {
            statuses,
            category_id: None,
            tag: q.tag.as_deref().map(normalise_tag).filter(|t| !t.is_empty()),
            featured: q.featured,
            like: q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()).map(like_pattern),
            sort,
        };
        let paging = Paging::new(q.page, q.limit);
        if let Err(e) = &paging
            && let Some(details) = e.body("").details
        {
            errors.extend(details);
        }
        if !errors.is_empty() {
            return Err(ApiError::bad_request("invalid_query", "Invalid query parameters").with_details(errors));
        }
        Ok((filter, paging?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_only_get_published_articles() {
        let q = KbArticleListQuery { status: Some("draft".into()), ..Default::default() };
        let (f, _) = ArticleFilter::parse(&q, false).unwrap();
        assert_eq!(f.statuses, vec![KbStatus::Published]);
        let (f, _) = ArticleFilter::parse(&q, true).unwrap();
        assert_eq!(f.statuses, vec![KbStatus::Draft]);
    }

    #[test]
    fn bad_parameters_are_named() {
        let q = KbArticleListQuery { status: Some("gone".into()), sort: Some("-size".into()), ..Default::default() };
        let err = ArticleFilter::parse(&q, true).unwrap_err();
        let details = err.body("").details.unwrap();
        assert!(details.contains_key("status") && details.contains_key("sort"));
    }
}
