use std::collections::BTreeMap;

use leptos::prelude::*;

/// A labelled form control with its error underneath, tied together for screen readers.
#[component]
pub fn Field(
    /// The control's id (the label's `for`).
    #[prop(into)]
    id: String,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// An optional hint under the label.
    #[prop(optional, into)]
    hint: Option<String>,
    children: Children,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {children()}
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// The error for `name` out of a field-error map signal.
pub fn field_error(errors: RwSignal<BTreeMap<String, String>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(name).cloned()))
}
