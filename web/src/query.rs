//! A small server-state cache, the part TanStack Query plays in the spec.
//!
//! Each query has a string key. Components that ask for the same key share one cache entry and
//! one request in flight. Data younger than [`STALE_MS`] is served without asking the server;
//! older data is shown at once and refreshed in the background. Coming back to the window or
//! the network marks everything stale, so visible queries refetch. After a change, callers
//! [`invalidate`] the keys it affects, or patch the cached value with [`set_query_data`] for an
//! optimistic update.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api::ApiError;

/// How long fetched data counts as fresh, in milliseconds.
pub const STALE_MS: f64 = 30_000.0;

type Data = Arc<dyn Any + Send + Sync>;

#[derive(Clone, Default)]
struct Entry {
    data: Option<Data>,
    error: Option<ApiError>,
    fetched_at: f64,
    fetching: bool,
    stale: bool,
}

thread_local! {
    static CACHE: RefCell<HashMap<String, ArcRwSignal<Entry>>> = RefCell::new(HashMap::new());
}

fn entry(key: &str) -> ArcRwSignal<Entry> {
    CACHE.with(|c| c.borrow_mut().entry(key.to_owned()).or_insert_with(|| ArcRwSignal::new(Entry::default())).clone())
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// A query's reactive view: its data, error and whether a request is in flight.
pub struct Query<T: Send + Sync + 'static> {
    /// The latest data for the current key, if any arrived.
    pub data: Signal<Option<T>>,
    /// The last error for the current key, cleared by the next success.
    pub error: Signal<Option<ApiError>>,
    /// True while a request for the current key is in flight.
    pub fetching: Signal<bool>,
    key: Memo<String>,
}

impl<T: Send + Sync + 'static> Clone for Query<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Query<T> {}

impl<T: Clone + Send + Sync + 'static> Query<T> {
    /// Marks this query stale, so it refetches now.
    pub fn refetch(&self) {
        entry(&self.key.get_untracked()).update(|e| e.stale = true);
    }
}

/// Reads `key()` reactively and keeps its cache entry filled by `fetch(args)`.
///
/// `key` returns the cache key and the arguments `fetch` needs; the key must name everything
/// the answer depends on (`tickets?status=open&page=2`).
pub fn use_query<T, A, F, Fut>(key: impl Fn() -> (String, A) + Send + Sync + 'static, fetch: F) -> Query<T>
where
    T: Clone + Send + Sync + 'static,
    A: Clone + Send + Sync + PartialEq + 'static,
    F: Fn(A) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let spec = Memo::new(move |_| key());
    let key = Memo::new(move |_| spec.with(|(k, _)| k.clone()));
    Effect::new(move |prev: Option<String>| {
        let (k, args) = spec.get();
        let slot = entry(&k);
        let state = slot.get();
        let mounted = prev.as_deref() != Some(k.as_str());
        let empty = state.data.is_none() && state.error.is_none();
        let old = mounted && now() - state.fetched_at > STALE_MS;
        if !state.fetching && (empty || state.stale || old) {
            slot.update(|e| e.fetching = true);
            let fetch = fetch.clone();
            spawn_local(async move {
                let result = fetch(args).await;
                slot.update(|e| {
                    match result {
                        Ok(v) => {
                            e.data = Some(Arc::new(v));
                            e.error = None;
                        }
                        Err(err) => e.error = Some(err),
                    }
                    e.fetching = false;
                    e.stale = false;
                    e.fetched_at = now();
                });
            });
        }
        k
    });
    let data = Signal::derive(move || {
        entry(&key.get()).with(|e| e.data.as_ref().and_then(|d| d.downcast_ref::<T>()).cloned())
    });
    let error = Signal::derive(move || entry(&key.get()).with(|e| e.error.clone()));
    let fetching = Signal::derive(move || entry(&key.get()).with(|e| e.fetching));
    Query { data, error, fetching, key }
}

/// Marks every query whose key starts with `prefix` stale; the visible ones refetch at once.
pub fn invalidate(prefix: &str) {
    let hits: Vec<_> =
        CACHE.with(|c| c.borrow().iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, v)| v.clone()).collect());
    for slot in hits {
        slot.update(|e| e.stale = true);
    }
}

/// Replaces the cached value of `key` (an optimistic update, or the server's answer to a
/// change), without a refetch.
pub fn set_query_data<T: Clone + Send + Sync + 'static>(key: &str, change: impl FnOnce(Option<T>) -> Option<T>) {
    entry(key).update(|e| {
        let current = e.data.as_ref().and_then(|d| d.downcast_ref::<T>()).cloned();
        e.data = change(current).map(|v| Arc::new(v) as Data);
    });
}

/// Reads the cached value of `key`, if any.
pub fn query_data<T: Clone + Send + Sync + 'static>(key: &str) -> Option<T> {
    entry(key).with_untracked(|e| e.data.as_ref().and_then(|d| d.downcast_ref::<T>()).cloned())
}

/// Forgets everything (sign-out: the next user must not see the last one's data).
pub fn clear() {
    CACHE.with(|c| c.borrow_mut().clear());
}

/// Marks all data stale when the window regains focus or the network comes back, so what is
/// on screen refreshes.
pub fn refetch_on_focus() {
    let Some(window) = web_sys::window() else { return };
    let handler = Closure::<dyn Fn()>::new(|| {
        let slots: Vec<_> = CACHE.with(|c| c.borrow().values().cloned().collect());
        let limit = now() - STALE_MS;
        for slot in slots {
            if slot.with_untracked(|e| e.fetched_at < limit && !e.fetching) {
                slot.update(|e| e.stale = true);
            }
        }
    });
    for event in ["focus", "online"] {
        let _ = window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    handler.forget();
}
