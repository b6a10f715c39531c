//! Instants shown in the reader's own time zone and language.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

fn millis(at: DateTime<Utc>) -> f64 {
    // Milliseconds since 1970 fit an f64 exactly for any date a ticket can carry.
    at.timestamp_millis() as f64
}

/// "12 Mar 2025, 14:05" in the browser's language and time zone.
pub fn local(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(millis(at)));
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    let language = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_else(|| "en".into());
    String::from(date.to_locale_string(&language, &options))
}

/// Whether `at` has passed.
pub fn is_past(at: DateTime<Utc>) -> bool {
    millis(at) < js_sys::Date::now()
}

/// A `<time>` element: machine-readable instant, local text.
#[component]
pub fn Time(
    /// The instant.
    at: DateTime<Utc>,
) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{local(at)}</time> }
}
