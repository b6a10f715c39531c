//! The ticket list's address: filters, sort and page read from and written to the URL query, so
//! a view can be shared, bookmarked and reached with the back button.

use shared_types::tickets::{TICKET_SORT_KEYS, TicketListQuery, TicketPriority, TicketStatus};
use uuid::Uuid;

use crate::components::ACTIVE;

/// Sort choices offered in the list, as (`sort` value, label). The empty value is the server's
/// default, newest first, so the default view keeps a short address.
pub const SORTS: [(&str, &str); 6] = [
    ("", "Newest first"),
    ("createdAt", "Oldest first"),
    ("-updatedAt", "Recently updated"),
    ("-priority", "Priority, most urgent first"),
    ("status", "Status"),
    ("ticketNumber", "Number"),
];

/// Reads the list query from URL parameters, dropping values the server would refuse so a
/// hand-edited address still shows a list.
pub fn parse(get: impl Fn(&str) -> Option<String>) -> TicketListQuery {
    let text = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let id = |name: &str| text(name).and_then(|v| Uuid::parse_str(&v).ok());
    let number =
        |name: &str, max: u64| text(name).and_then(|v| v.parse::<u64>().ok()).filter(|n| (1..=max).contains(n));
    let person =
        |name: &str, words: &[&str]| text(name).filter(|v| words.contains(&v.as_str()) || Uuid::parse_str(v).is_ok());
    TicketListQuery {
        status: text("status").and_then(|v| known_list(&v, |s| TicketStatus::parse(s).is_some())),
        priority: text("priority").and_then(|v| known_list(&v, |p| TicketPriority::parse(p).is_some())),
        category_id: id("categoryId"),
        assignee_id: person("assigneeId", &["me", "none"]),
        team_id: id("teamId"),
        created_by: person("createdBy", &["me"]),
        tag: text("tag"),
        q: text("q"),
        sort: text("sort").filter(|s| TICKET_SORT_KEYS.contains(&s.trim_start_matches('-'))),
        page: number("page", u64::MAX),
        limit: number("limit", shared_types::common::MAX_PAGE_LIMIT),
        ..TicketListQuery::default()
    }
}

/// The known names of a comma list, or `None` when none is known.
fn known_list(raw: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    let names: Vec<&str> = raw.split(',').map(str::trim).filter(|n| known(n)).collect();
    (!names.is_empty()).then(|| names.join(","))
}

/// The page's address for `query`. The order of the parameters matches the navigation's quick
/// views, so the sidebar still marks the current one; commas stay readable.
pub fn href(query: &TicketListQuery) -> String {
    let page = query.page.filter(|p| *p > 1).map(|p| p.to_string());
    let limit = query.limit.map(|l| l.to_string());
    let category = query.category_id.map(|c| c.to_string());
    let team = query.team_id.map(|t| t.to_string());
    let pairs: Vec<String> = [
        ("assigneeId", query.assignee_id.as_ref()),
        ("createdBy", query.created_by.as_ref()),
        ("teamId", team.as_ref()),
        ("status", query.status.as_ref()),
        ("priority", query.priority.as_ref()),
        ("categoryId", category.as_ref()),
        ("tag", query.tag.as_ref()),
        ("q", query.q.as_ref()),
        ("sort", query.sort.as_ref()),
        ("page", page.as_ref()),
        ("limit", limit.as_ref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(v))))
    .collect();
    if pairs.is_empty() { "/tickets".into() } else { format!("/tickets?{}", pairs.join("&")) }
}

/// Percent-encodes a query value, leaving commas readable (they separate list values).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b',') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The navigation's quick views, by the heading they give the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickView {
    /// Tickets the user raised that are still active.
    MyOpen,
    /// Active tickets nobody is assigned to.
    Unassigned,
    /// Active tickets of one of the user's teams.
    MyTeam,
    /// Active tickets assigned to the user.
    AssignedToMe,
}

impl QuickView {
    /// The page heading for the view.
    pub fn heading(self) -> &'static str {
        match self {
            QuickView::MyOpen => "My open tickets",
            QuickView::Unassigned => "Unassigned",
            QuickView::MyTeam => "My team",
            QuickView::AssignedToMe => "Assigned to me",
        }
    }
}

/// Which quick view `query` is, if any. Sort, page and page size do not change the view.
pub fn quick_view(query: &TicketListQuery, my_teams: &[Uuid]) -> Option<QuickView> {
    let filters = TicketListQuery { sort: None, page: None, limit: None, ..query.clone() };
    if filters.status.as_deref() != Some(ACTIVE) {
        return None;
    }
    let only = TicketListQuery { status: Some(ACTIVE.into()), ..TicketListQuery::default() };
    let with = |q: TicketListQuery| q == filters;
    if with(TicketListQuery { created_by: Some("me".into()), ..only.clone() }) {
        Some(QuickView::MyOpen)
    } else if with(TicketListQuery { assignee_id: Some("none".into()), ..only.clone() }) {
        Some(QuickView::Unassigned)
    } else if with(TicketListQuery { assignee_id: Some("me".into()), ..only.clone() }) {
        Some(QuickView::AssignedToMe)
    } else if filters.team_id.is_some_and(|t| my_teams.contains(&t))
        && with(TicketListQuery { team_id: filters.team_id, ..only })
    {
        Some(QuickView::MyTeam)
    } else {
        None
    }
}

/// Whether any filter (not sort or paging) is set.
pub fn is_filtered(query: &TicketListQuery) -> bool {
    *query
        != TicketListQuery {
            sort: query.sort.clone(),
            page: query.page,
            limit: query.limit,
            ..TicketListQuery::default()
        }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parsed(pairs: &[(&str, &str)]) -> TicketListQuery {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        parse(|k| map.get(k).cloned())
    }

    #[test]
    fn unknown_values_are_dropped() {
        let q = parsed(&[
            ("status", "open,bogus"),
            ("priority", "nope"),
            ("sort", "title"),
            ("page", "0"),
            ("teamId", "x"),
        ]);
        assert_eq!(q.status.as_deref(), Some("open"));
        assert_eq!(q, TicketListQuery { status: Some("open".into()), ..TicketListQuery::default() });
        let q = parsed(&[("assigneeId", "me"), ("createdBy", "none"), ("sort", "-priority"), ("limit", "500")]);
        assert_eq!(q.assignee_id.as_deref(), Some("me"));
        assert_eq!(q.created_by, None);
        assert_eq!(q.sort.as_deref(), Some("-priority"));
        assert_eq!(q.limit, None);
    }

    #[test]
    fn address_round_trips_and_matches_the_navigation() {
        let q = parsed(&[("createdBy", "me"), ("status", ACTIVE)]);
        assert_eq!(href(&q), format!("/tickets?createdBy=me&status={ACTIVE}"));
        let q = parsed(&[("q", "wi-fi & vpn"), ("page", "2"), ("sort", "-updatedAt")]);
        assert_eq!(href(&q), "/tickets?q=wi-fi%20%26%20vpn&sort=-updatedAt&page=2");
        assert_eq!(href(&TicketListQuery { page: Some(1), ..TicketListQuery::default() }), "/tickets");
    }

    #[test]
    fn quick_views_are_recognised() {
        let team = Uuid::from_u128(7);
        let view = |pairs: &[(&str, &str)]| quick_view(&parsed(pairs), &[team]);
        assert_eq!(view(&[("createdBy", "me"), ("status", ACTIVE)]), Some(QuickView::MyOpen));
        assert_eq!(view(&[("assigneeId", "none"), ("status", ACTIVE), ("page", "3")]), Some(QuickView::Unassigned));
        assert_eq!(view(&[("assigneeId", "me"), ("status", ACTIVE)]), Some(QuickView::AssignedToMe));
        assert_eq!(view(&[("teamId", &team.to_string()), ("status", ACTIVE)]), Some(QuickView::MyTeam));
        assert_eq!(view(&[("teamId", &Uuid::from_u128(8).to_string()), ("status", ACTIVE)]), None);
        assert_eq!(view(&[("createdBy", "me"), ("status", ACTIVE), ("priority", "high")]), None);
        assert_eq!(view(&[("createdBy", "me")]), None);
    }
}
