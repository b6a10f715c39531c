//! The ticket list's query parameters, checked and turned into typed filters.

use chrono::{DateTime, Utc};
use shared_types::FieldErrors;
use shared_types::tickets::{TICKET_SORT_KEYS, TicketListQuery, TicketPriority, TicketStatus};
use shared_types::validation::normalise_tag;
use uuid::Uuid;

use crate::error::ApiError;
use crate::paging::Paging;

/// What a list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// When raised.
    CreatedAt,
    /// When last changed.
    UpdatedAt,
    /// Urgency, low to critical.
    Priority,
    /// Lifecycle order, new to closed.
    Status,
    /// The human-friendly number.
    TicketNumber,
}

/// A sort key and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The key.
    pub key: SortKey,
    /// Largest first.
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self { key: SortKey::CreatedAt, descending: true }
    }
}

/// Whose tickets, by assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Assigned to this user.
    User(Uuid),
    /// Assigned to nobody.
    Nobody,
}

/// A checked ticket-list request. Visibility is added by the repository.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    /// Any of these statuses (all when empty).
    pub statuses: Vec<TicketStatus>,
    /// Any of these priorities (all when empty).
    pub priorities: Vec<TicketPriority>,
    /// This category.
    pub category_id: Option<Uuid>,
    /// This assignee, or unassigned.
    pub assignee: Option<AssigneeFilter>,
    /// This team.
    pub team_id: Option<Uuid>,
    /// Raised by this user.
    pub created_by: Option<Uuid>,
    /// Carrying this tag (normalised).
    pub tag: Option<String>,
    /// Raised at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Raised before.
    pub created_to: Option<DateTime<Utc>>,
    /// The `q` words, trimmed: matched by the ticket search index.
    pub text: Option<String>,
    /// Only these tickets (the search index's matches for `text`).
    pub ids: Option<Vec<Uuid>>,
    /// A `LIKE` pattern for title or description, lower-case, `\` escaping: how `text` is
    /// matched while the search index is still being built at start-up.
    pub like: Option<String>,
    /// Order.
    pub sort: Sort,
    /// Best match first (`q` given without `sort`), when the search index answered.
    pub relevance: bool,
}

fn parse_list<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    names: &[&str],
) -> Vec<T> {
    let Some(raw) = raw else { return Vec::new() };
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match parse(part) {
            Some(v) => out.push(v),
            None => {
                errors.insert(field.into(), format!("unknown value '{part}'; expected one of {}", names.join(", ")));
                return Vec::new();
            }
        }
    }
    out
}

/// `me` or a user id.
fn parse_user(errors: &mut FieldErrors, field: &str, raw: &str, me: Uuid) -> Option<Uuid> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("me") {
        return Some(me);
    }
    match raw.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            let also = if field == "assigneeId" { ", 'none'" } else { "" };
            errors.insert(field.into(), format!("must be a user id, 'me'{also}"));
            None
        }
    }
}

fn parse_sort(errors: &mut FieldErrors, raw: Option<&str>) -> Sort {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else { return Sort::default() };
    let (descending, name) = match raw.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, raw),
    };
    let key = match name {
        "createdAt" => SortKey::CreatedAt,
        "updatedAt" => SortKey::UpdatedAt,
        "priority" => SortKey::Priority,
        "status" => SortKey::Status,
        "ticketNumber" => SortKey::TicketNumber,
        _ => {
            errors.insert(
                "sort".into(),
                format!("must be one of {}, optionally prefixed with '-'", TICKET_SORT_KEYS.join(", ")),
            );
            return Sort::default();
        }
    };
    Sort { key, descending }
}

/// Escapes `LIKE` wildcards so the words match literally.
pub fn like_pattern(words: &str) -> String {
    let mut out = String::with_capacity(words.len() + 2);
    out.push('%');
    for c in words.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl ListFilter {
    /// Checks `q` for the user `me`, naming every parameter at fault (400 `invalid_query`).
    pub fn parse(q: &TicketListQuery, me: Uuid) -> Result<(Self, Paging), ApiError> {
        let mut errors = FieldErrors::new();
        let status_names: Vec<&str> = TicketStatus::ALL.iter().map(|s| s.as_str()).collect();
        let priority_names: Vec<&str> = TicketPriority::ALL.iter().map(|p| p.as_str()).collect();
        let statuses = parse_list(&mut errors, "status", q.status.as_deref(), TicketStatus::parse, &status_names);
        let priorities =
            parse_list(&mut errors, "priority", q.priority.as_deref(), TicketPriority::parse, &priority_names);
        let assignee = match q.assignee_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) if v.eq_ignore_ascii_case("none") => Some(AssigneeFilter::Nobody),
            Some(v) => parse_user(&mut errors, "assigneeId", v, me).map(AssigneeFilter::User),
        };
        let created_by = match q.created_by.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => parse_user(&mut errors, "createdBy", v, me),
        };
        let sort = parse_sort(&mut errors, q.sort.as_deref());
        let text = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()).map(str::to_string);
        if text.as_ref().is_some_and(|t| t.chars().count() > 500) {
            errors.insert("q".into(), "must be at most 500 characters".into());
        }
        let filter = ListFilter {
            statuses,
            priorities,
            category_id: q.category_id,
            assignee,
            team_id: q.team_id,
            created_by,
            tag: q.tag.as_deref().map(normalise_tag).filter(|t| !t.is_empty()),
            created_from: q.created_from,
            created_to: q.created_to,
            text: text.clone(),
            ids: None,
            like: None,
            relevance: text.is_some() && q.sort.as_deref().is_none_or(|s| s.trim().is_empty()),
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

    fn query(f: impl FnOnce(&mut TicketListQuery)) -> TicketListQuery {
        let mut q = TicketListQuery::default();
        f(&mut q);
        q
    }

    fn fields(err: ApiError) -> Vec<String> {
        err.body("").details.unwrap_or_default().into_keys().collect()
    }

    #[test]
    fn lists_me_and_none_are_understood() {
        let me = Uuid::now_v7();
        let q = query(|q| {
            q.status = Some("open, in_progress".into());
            q.priority = Some("high".into());
            q.assignee_id = Some("none".into());
            q.created_by = Some("me".into());
            q.sort = Some("-priority".into());
            q.q = Some("50%_off".into());
        });
        let (f, paging) = ListFilter::parse(&q, me).unwrap();
        assert_eq!(f.statuses, vec![TicketStatus::Open, TicketStatus::InProgress]);
        assert_eq!(f.priorities, vec![TicketPriority::High]);
        assert_eq!(f.assignee, Some(AssigneeFilter::Nobody));
        assert_eq!(f.created_by, Some(me));
        assert_eq!(f.sort, Sort { key: SortKey::Priority, descending: true });
        assert_eq!((f.text.as_deref(), f.relevance), (Some("50%_off"), false));
        assert_eq!(like_pattern("50%_off"), r"%50\%\_off%");
        assert_eq!((paging.page, paging.limit), (1, 20));
    }

    #[test]
    fn words_without_sort_rank_by_relevance() {
        let (f, _) = ListFilter::parse(&query(|q| q.q = Some("  vpn drops ".into())), Uuid::now_v7()).unwrap();
        assert_eq!((f.text.as_deref(), f.relevance), (Some("vpn drops"), true));
        let (f, _) = ListFilter::parse(&query(|q| q.q = Some("   ".into())), Uuid::now_v7()).unwrap();
        assert_eq!((f.text, f.relevance), (None, false));
        assert!(ListFilter::parse(&query(|q| q.q = Some("x".repeat(501))), Uuid::now_v7()).is_err());
    }

    #[test]
    fn bad_parameters_are_named_together() {
        let q = query(|q| {
            q.status = Some("open,sleeping".into());
            q.assignee_id = Some("bob".into());
            q.sort = Some("title".into());
            q.limit = Some(1000);
        });
        let err = ListFilter::parse(&q, Uuid::nil()).err().map(fields).unwrap_or_default();
        assert_eq!(err, vec!["assigneeId", "limit", "sort", "status"]);
    }
}
