//! The list envelope and the error body every endpoint uses.

use serde::{Deserialize, Deserializer, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Paging facts for a list response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    /// The page returned, counted from 1.
    pub page: u64,
    /// Items per page.
    pub limit: u64,
    /// Items matching the filters, over all pages.
    pub total: u64,
    /// Number of pages (0 when nothing matches).
    pub total_pages: u64,
}

/// Relative links to neighbouring pages, with the same filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PageLinks {
    /// The first page.
    pub first: String,
    /// The previous page, if any.
    pub prev: Option<String>,
    /// The next page, if any.
    pub next: Option<String>,
    /// The last page.
    pub last: String,
}

/// A page of items with its paging facts and links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ListResponse<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// Paging facts.
    pub meta: PageMeta,
    /// Links to other pages.
    pub links: PageLinks,
}

/// Largest page size any list endpoint accepts.
pub const MAX_PAGE_LIMIT: u64 = 100;
/// Page size used when the request names none.
pub const DEFAULT_PAGE_LIMIT: u64 = 20;

impl PageMeta {
    /// Paging facts for `total` items at `page`/`limit`.
    pub fn new(page: u64, limit: u64, total: u64) -> Self {
        let total_pages = if limit == 0 { 0 } else { total.div_ceil(limit) };
        Self { page, limit, total, total_pages }
    }
}

impl PageLinks {
    /// Links for `meta`, where `base` is the path and `query` the other
    /// query parameters already encoded (without `page` and `limit`).
    pub fn new(base: &str, query: &str, meta: &PageMeta) -> Self {
        let link = |page: u64| {
            if query.is_empty() {
                format!("{base}?page={page}&limit={}", meta.limit)
            } else {
                format!("{base}?{query}&page={page}&limit={}", meta.limit)
            }
        };
        let last_page = meta.total_pages.max(1);
        Self {
            first: link(1),
            prev: (meta.page > 1).then(|| link((meta.page - 1).min(last_page))),
            next: (meta.page < meta.total_pages).then(|| link(meta.page + 1)),
            last: link(last_page),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The HTTP status code.
    pub status_code: u16,
    /// The HTTP reason phrase, e.g. `Not Found`.
    pub error: String,
    /// A sentence for people.
    pub message: String,
    /// A stable snake_case identifier for programs, e.g. `ticket_not_found`.
    pub code: String,
    /// When the error happened (RFC 3339).
    pub timestamp: String,
    /// The request path.
    pub path: String,
    /// Per-field problems, for validation errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<std::collections::BTreeMap<String, String>>,
}

/// Tells "field absent" (outer `None`) from "field is null" (`Some(None)`).
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_meta_rounds_up() {
        assert_eq!(PageMeta::new(1, 20, 41).total_pages, 3);
        assert_eq!(PageMeta::new(1, 20, 40).total_pages, 2);
        assert_eq!(PageMeta::new(1, 20, 0).total_pages, 0);
    }

    #[test]
    fn links_keep_filters_and_stop_at_edges() {
        let meta = PageMeta::new(2, 20, 150);
        let links = PageLinks::new("/api/v1/tickets", "status=open", &meta);
        assert_eq!(links.first, "/api/v1/tickets?status=open&page=1&limit=20");
        assert_eq!(links.prev.as_deref(), Some("/api/v1/tickets?status=open&page=1&limit=20"));
        assert_eq!(links.next.as_deref(), Some("/api/v1/tickets?status=open&page=3&limit=20"));
        assert_eq!(links.last, "/api/v1/tickets?status=open&page=8&limit=20");
        let last = PageLinks::new("/x", "", &PageMeta::new(8, 20, 150));
        assert!(last.next.is_none());
        let empty = PageLinks::new("/x", "", &PageMeta::new(1, 20, 0));
        assert_eq!(empty.last, "/x?page=1&limit=20");
        assert!(empty.prev.is_none() && empty.next.is_none());
    }
}
