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
use std::marker::PhantomData;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
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

/// The latest data for a query's current key. Reading it tracks the key and the cache entry,
/// like a signal; it is not one, so that each data type costs a downcast in the WASM rather
/// than a whole signal implementation.
pub struct QueryData<T> {
    key: Memo<String>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for QueryData<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for QueryData<T> {}

impl<T: Clone + 'static> QueryData<T> {
    /// A copy of the data, if any arrived (reactive).
    pub fn get(&self) -> Option<T> {
        self.with(|d| d.cloned())
    }

    /// A copy of the data, without tracking.
    pub fn get_untracked(&self) -> Option<T> {
        untrack(|| self.get())
    }

    /// Reads the data in place (reactive).
    pub fn with<R>(&self, read: impl FnOnce(Option<&T>) -> R) -> R {
        entry(&self.key.get()).with(|e| read(e.data.as_ref().and_then(|d| d.downcast_ref::<T>())))
    }
}

/// A query's reactive view: its data, error and whether a request is in flight.
pub struct Query<T: Send + Sync + 'static> {
    /// The latest data for the current key, if any arrived.
    pub data: QueryData<T>,
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

/// A request for one key's data, type-erased.
type Fetch = Box<dyn FnOnce() -> LocalBoxFuture<'static, Result<Data, ApiError>>>;

/// Reads `key()` reactively and keeps its cache entry filled by `fetch(args)`.
///
/// `key` returns the cache key and the arguments `fetch` needs; the key must name everything
/// the answer depends on (`tickets?status=open&page=2`).
pub fn use_query<T, A, F, Fut>(key: impl Fn() -> (String, A) + Send + Sync + 'static, fetch: F) -> Query<T>
where
    T: Clone + Send + Sync + 'static,
    A: 'static,
    F: Fn(A) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let key = Arc::new(key);
    let key_of = key.clone();
    let request = move || -> Fetch {
        let (_, args) = key();
        let fetch = fetch.clone();
        Box::new(move || async move { fetch(args).await.map(|v| Arc::new(v) as Data) }.boxed_local())
    };
    let (key, error, fetching) = keep_filled(Arc::new(move || key_of().0), Box::new(request));
    Query { data: QueryData { key, ty: PhantomData }, error, fetching, key }
}

/// The untyped part of [`use_query`]: watches the key and fetches when its entry is empty,
/// stale, or older than [`STALE_MS`] when first shown.
#[allow(clippy::type_complexity)]
fn keep_filled(
    key: Arc<dyn Fn() -> String + Send + Sync>,
    request: Box<dyn Fn() -> Fetch>,
) -> (Memo<String>, Signal<Option<ApiError>>, Signal<bool>) {
    let key = Memo::new(move |_| key());
    Effect::new(move |prev: Option<String>| {
        let k = key.get();
        let slot = entry(&k);
        let state = slot.get();
        let mounted = prev.as_deref() != Some(k.as_str());
        let empty = state.data.is_none() && state.error.is_none();
        let old = mounted && now() - state.fetched_at > STALE_MS;
        if !state.fetching && (empty || state.stale || old) {
            // Cleared now, not on arrival: an invalidation while the request is in flight
            // (a live event) then fetches again once it lands.
            slot.update(|e| {
                e.fetching = true;
                e.stale = false;
            });
            let run = untrack(&request);
            spawn_local(async move {
                let result = run().await;
                slot.update(|e| {
                    match result {
                        Ok(v) => {
                            e.data = Some(v);
                            e.error = None;
                        }
                        Err(err) => e.error = Some(err),
                    }
                    e.fetching = false;
                    e.fetched_at = now();
                });
            });
        }
        k
    });
    let error = Signal::derive(move || entry(&key.get()).with(|e| e.error.clone()));
    let fetching = Signal::derive(move || entry(&key.get()).with(|e| e.fetching));
    (key, error, fetching)
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
