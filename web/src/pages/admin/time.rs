//! Instants shown in the reader's own time zone and language.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// `t` as the browser writes a date and time for this reader, e.g. "3 Mar 2025, 14:05".
pub fn local_time(t: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let language = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_else(|| "en".into());
    String::from(date.to_locale_string(&language, &options))
}

/// A `<time>` element with the machine-readable instant and the local reading.
#[component]
pub fn Time(
    /// The instant.
    at: DateTime<Utc>,
) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{local_time(at)}</time> }
}
