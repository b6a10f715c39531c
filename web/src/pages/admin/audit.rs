//! The audit log: who did what to which resource, and whether it worked. Filters and page
//! live in the address; details are shown as indented JSON text, never as markup.

use chrono::{DateTime, Days, NaiveDate, Utc};
use leptos::prelude::*;
use shared_types::Permission;
use shared_types::admin::{AuditLogDto, AuditLogQuery};
use uuid::Uuid;

use super::frame::AdminPage;
use super::url::{UrlQuery, use_url_query};
use crate::api::{admin, query_string};
use crate::components::Pager;
use crate::components::Time;
use crate::components::{Empty, QueryView};
use crate::query::use_query;

/// Actions the server records, offered as suggestions (any text may still be typed).
const ACTIONS: [&str; 21] = [
    "auth:login",
    "auth:logout",
    "auth:refresh_reuse",
    "user:create",
    "user:role_change",
    "user:activate",
    "user:deactivate",
    "role:permissions_update",
    "team:create",
    "team:update",
    "team:delete",
    "team:member_add",
    "team:member_remove",
    "category:create",
    "category:update",
    "ticket:create",
    "ticket:update",
    "ticket:assign",
    "ticket:comment",
    "ticket:close",
    "ticket:delete",
];

/// Kinds of resource entries are about.
const RESOURCE_TYPES: [&str; 6] = ["user", "role", "team", "ticket", "category", "session"];

/// The audit-log page.
#[component]
pub fn AuditLog() -> impl IntoView {
    view! {
        <AdminPage title="Audit log" permission=Permission::AuditView>
            <AuditBody />
        </AdminPage>
    }
}

/// Midnight UTC starting `date` (`YYYY-MM-DD`), `days` later.
fn day_start(date: &str, days: u64) -> Option<DateTime<Utc>> {
    // `<input type="date">` always gives `YYYY-MM-DD`; read it by hand rather than with
    // chrono's format parser, which would add its whole strftime machinery to the WASM.
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let day = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?.checked_add_days(Days::new(days))?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// The server's query for the address. Dates are whole UTC days, both ends included.
fn filters(url: UrlQuery) -> AuditLogQuery {
    AuditLogQuery {
        user_id: url.get("userId").and_then(|u| Uuid::parse_str(&u).ok()),
        action: url.get("action"),
        resource_type: url.get("resourceType"),
        resource_id: url.get("resourceId").and_then(|u| Uuid::parse_str(&u).ok()),
        result: url.get("result"),
        from: url.get("from").and_then(|d| day_start(&d, 0)),
        to: url.get("to").and_then(|d| day_start(&d, 1)),
        page: Some(url.page()).filter(|p| *p > 1),
        limit: url.get("limit").and_then(|l| l.parse().ok()),
    }
}

#[component]
fn AuditBody() -> impl IntoView {
    let url = use_url_query();
    let query = Memo::new(move |_| filters(url));
    let entries = use_query(
        move || {
            let q = query.get();
            (format!("admin:audit{}", query_string(&q)), q)
        },
        |q: AuditLogQuery| async move { admin::audit_logs(&q).await },
    );
    view! {
        <AuditFilters url />
        <QueryView
            query=entries
            what="audit entries"
            view=move |list| {
                if list.data.is_empty() {
                    return view! { <Empty message="No audit entry matches these filters." /> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table class="admin-table audit-table">
                            <caption class="visually-hidden">"Audit entries, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"Action"</th>
                                    <th scope="col">"Resource"</th>
                                    <th scope="col">"Result"</th>
                                    <th scope="col">"Details"</th>
                                </tr>
                            </thead>
                            <tbody>{list.data.into_iter().map(|e| view! { <AuditRow entry=e /> }).collect_view()}</tbody>
                        </table>
                    </div>
                    <Pager meta=list.meta href=Callback::new(move |page| url.page_href(page)) one="entry" many="entries" />
                }
                    .into_any()
            }
        />
    }
}

/// One text or choice filter, kept in a signal until the form is applied.
#[derive(Clone, Copy)]
struct Draft {
    key: &'static str,
    value: RwSignal<String>,
}

#[component]
fn AuditFilters(url: UrlQuery) -> impl IntoView {
    let keys = ["action", "resourceType", "result", "userId", "from", "to"];
    let drafts = keys.map(|key| Draft { key, value: RwSignal::new(String::new()) });
    // The form follows the address, so the back button restores it too.
    Effect::new(move |_| {
        for d in drafts {
            d.value.set(url.get(d.key).unwrap_or_default());
        }
    });
    let [action, resource_type, result, user_id, from, to] = drafts.map(|d| d.value);
    let user_problem = RwSignal::new(None::<&'static str>);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = user_id.get_untracked();
        if !user.trim().is_empty() && Uuid::parse_str(user.trim()).is_err() {
            user_problem.set(Some("a user id looks like 0b9e6c1a-…; copy it from the Details of an entry"));
            return;
        }
        user_problem.set(None);
        let changes: Vec<(&str, Option<String>)> =
            drafts.iter().map(|d| (d.key, Some(d.value.get_untracked()))).collect();
        url.set(&changes);
    };
    let clear = move |_| url.set(&keys.map(|k| (k, None)));
    let text = |id: &'static str, label: &'static str, value: RwSignal<String>, list: Option<&'static str>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    list=list
                    prop:value=value
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };
    let choice = |id: &'static str,
                  label: &'static str,
                  value: RwSignal<String>,
                  any: &'static str,
                  options: &[&'static str]| {
        let options = options.iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view();
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="">{any}</option>
                    {options}
                </select>
            </div>
        }
    };
    let date = |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="date" prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <form class="toolbar audit-filters" on:submit=apply aria-label="Audit filters">
            {text("audit-action", "Action", action, Some("audit-actions"))}
            <datalist id="audit-actions">{ACTIONS.map(|a| view! { <option value=a></option> })}</datalist>
            {choice("audit-resource", "Resource type", resource_type, "Any resource", &RESOURCE_TYPES)}
            {choice("audit-result", "Result", result, "Any result", &["success", "failure"])}
            <div class="field" class:has-error=move || user_problem.get().is_some()>
                <label for="audit-user">"User id"</label>
                <input
                    id="audit-user"
                    type="text"
                    spellcheck="false"
                    aria-describedby="audit-user-error"
                    prop:value=user_id
                    on:input=move |ev| user_id.set(event_target_value(&ev))
                />
                <p class="field-error" id="audit-user-error" role="alert">{move || user_problem.get()}</p>
            </div>
            {date("audit-from", "From (UTC day)", from)}
            {date("audit-to", "To (UTC day)", to)}
            <div class="form-actions">
                <button class="btn btn-primary" type="submit">"Apply filters"</button>
                <button class="btn" type="button" on:click=clear>"Clear filters"</button>
            </div>
        </form>
    }
}

/// The entry's details and client facts, as indented JSON. Text nodes escape everything,
/// so nothing a user typed can become markup here.
fn details_text(entry: &AuditLogDto) -> String {
    let mut shown = serde_json::Map::new();
    if let Some(d) = &entry.details {
        shown.insert("details".into(), d.clone());
    }
    if let Some(id) = entry.resource_id {
        shown.insert("resourceId".into(), id.to_string().into());
    }
    if let Some(id) = entry.user_id {
        shown.insert("userId".into(), id.to_string().into());
    }
    if let Some(ip) = &entry.ip_address {
        shown.insert("ipAddress".into(), ip.clone().into());
    }
    if let Some(ua) = &entry.user_agent {
        shown.insert("userAgent".into(), ua.clone().into());
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(shown)).unwrap_or_default()
}

#[component]
fn AuditRow(entry: AuditLogDto) -> impl IntoView {
    let text = details_text(&entry);
    let who = entry.user_email.clone().unwrap_or_else(|| "system".into());
    // Ids are time-ordered, so their beginnings repeat; the random end tells them apart.
    // The whole id is in the details.
    let resource = match entry.resource_id {
        Some(id) => {
            let id = id.simple().to_string();
            format!("{} …{}", entry.resource_type, &id[id.len() - 8..])
        }
        None => entry.resource_type.clone(),
    };
    let ok = entry.result == "success";
    view! {
        <tr>
            <td data-label="When"><Time at=entry.timestamp /></td>
            <td class="break" data-label="Who">{who}</td>
            <td data-label="Action"><code>{entry.action}</code></td>
            <td data-label="Resource">{resource}</td>
            <td data-label="Result">
                <span class="badge" class:result-success=ok class:result-failure=!ok>{entry.result}</span>
            </td>
            <td data-label="Details">
                <details>
                    <summary>"Show" <span class="visually-hidden">" details"</span></summary>
                    <pre class="json">{text}</pre>
                </details>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::day_start;

    #[test]
    fn dates_are_whole_utc_days() {
        let at = |date: &str, days| day_start(date, days).map(|d| d.to_rfc3339());
        assert_eq!(at("2025-03-01", 0).as_deref(), Some("2025-03-01T00:00:00+00:00"));
        // "To" includes its whole day: the bound is the next midnight, across a month end too.
        assert_eq!(at("2025-02-28", 1).as_deref(), Some("2025-03-01T00:00:00+00:00"));
        assert_eq!(at("01/03/2025", 0), None);
    }
}
