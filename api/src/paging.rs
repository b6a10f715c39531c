//! Turning `page`/`limit` into offsets and list envelopes.

use actix_web::HttpRequest;
use shared_types::common::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use shared_types::{FieldErrors, ListResponse, PageLinks, PageMeta};

use crate::error::ApiError;

/// A validated page request.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// From 1.
    pub page: u64,
    /// 1 to [`MAX_PAGE_LIMIT`].
    pub limit: u64,
}

impl Paging {
    /// Validates `page` and `limit`, naming the one at fault.
    pub fn new(page: Option<u64>, limit: Option<u64>) -> Result<Self, ApiError> {
        let page = page.unwrap_or(1);
        let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT);
        let mut errors = FieldErrors::new();
        if page == 0 || page > 1_000_000 {
            errors.insert("page".into(), "must be between 1 and 1000000".into());
        }
        if limit == 0 || limit > MAX_PAGE_LIMIT {
            errors.insert("limit".into(), format!("must be between 1 and {MAX_PAGE_LIMIT}"));
        }
        if errors.is_empty() {
            Ok(Self { page, limit })
        } else {
            Err(ApiError::bad_request("invalid_query", "Invalid paging parameters").with_details(errors))
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.limit
    }
}

/// The request's query string without `page` and `limit`, for page links.
fn other_params(req: &HttpRequest) -> String {
    form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k != "page" && k != "limit")
        .fold(form_urlencoded::Serializer::new(String::new()), |mut s, (k, v)| {
            s.append_pair(&k, &v);
            s
        })
        .finish()
}

/// Wraps a page of `data` in the list envelope, with links that keep the filters.
pub fn list_response<T>(req: &HttpRequest, paging: Paging, total: u64, data: Vec<T>) -> ListResponse<T> {
    let meta = PageMeta::new(paging.page, paging.limit, total);
    let links = PageLinks::new(req.path(), &other_params(req), &meta);
    ListResponse { data, meta, links }
}

/// Counts the rows `select` would return with a plain `SELECT COUNT(*) ... WHERE`.
///
/// sea-orm's `count()` wraps the query in a subquery that selects every
/// column; SQLite then plans it far worse (180 ms against 35 ms for the
/// ticket list at 100,000 rows).
pub async fn count<E: sea_orm::EntityTrait>(
    select: sea_orm::Select<E>,
    conn: &impl sea_orm::ConnectionTrait,
) -> Result<u64, ApiError> {
    use sea_orm::{QuerySelect, sea_query::Expr};
    let n: Option<i64> = select.select_only().column_as(Expr::cust("COUNT(*)"), "n").into_tuple().one(conn).await?;
    Ok(n.unwrap_or(0).max(0) as u64)
}
