//! Filters and the page number live in the address, so a filtered list can be shared and the
//! back button steps through earlier filters.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

/// Goes to an address inside the app.
type Navigate = Box<dyn Fn(&str)>;

/// The current page's query parameters, read reactively and changed by navigating.
#[derive(Clone, Copy)]
pub struct UrlQuery {
    map: Memo<ParamsMap>,
    path: Memo<String>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

/// The address's query parameters for this page.
pub fn use_url_query() -> UrlQuery {
    let navigate = use_navigate();
    let location = use_location();
    UrlQuery {
        map: use_query_map(),
        path: location.pathname,
        navigate: StoredValue::new_local(Box::new(move |to: &str| navigate(to, NavigateOptions::default()))),
    }
}

impl UrlQuery {
    /// A parameter's value, when present and not blank (reactive).
    pub fn get(&self, key: &str) -> Option<String> {
        self.map.with(|m| m.get_str(key).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned))
    }

    /// The page number, from 1 (reactive).
    pub fn page(&self) -> u64 {
        self.get("page").and_then(|p| p.parse().ok()).filter(|p| *p > 0).unwrap_or(1)
    }

    /// Sets (`Some`) or removes (`None`) parameters. Any other change than the page itself
    /// starts again from page 1, since the old page number means nothing under new filters.
    pub fn set(&self, changes: &[(&str, Option<String>)]) {
        let mut map = self.map.get_untracked();
        if !changes.iter().any(|(k, _)| *k == "page") {
            map.remove("page");
        }
        for (key, value) in changes {
            map.remove(key);
            if let Some(v) = value.as_ref().map(|v| v.trim()).filter(|v| !v.is_empty()) {
                map.replace(key.to_string(), v.to_owned());
            }
        }
        let to = format!("{}{}", self.path.get_untracked(), map.to_query_string());
        self.navigate.with_value(|go| go(&to));
    }

    /// The address of another page of the same list.
    pub fn page_href(&self, page: u64) -> String {
        let mut map = self.map.get_untracked();
        map.remove("page");
        if page > 1 {
            map.replace("page".to_string(), page.to_string());
        }
        format!("{}{}", self.path.get_untracked(), map.to_query_string())
    }
}
