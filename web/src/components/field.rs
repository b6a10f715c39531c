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

/// A labelled, required one-line input bound to `value`, with its error underneath: the
/// common case of [`Field`].
#[component]
pub fn TextField(
    /// The input's id.
    #[prop(into)]
    id: String,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The text, read and written as the user types.
    value: RwSignal<String>,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    /// The input's `autocomplete` hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
) -> impl IntoView {
    let described_by = format!("{id}-error");
    view! {
        <Field id=id.clone() label error>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                required
                aria-describedby=described_by
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </Field>
    }
}

/// A labelled search box bound to `value`; the surrounding form decides when to search.
#[component]
pub fn SearchInput(
    /// The input's id.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// Shown while empty.
    placeholder: &'static str,
    /// The typed words.
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="search"
                placeholder=placeholder
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// One labelled select of the filter bar. An address value that is not among the options
/// (a hand-made list, say) is kept as an extra "Other" choice so the control never lies.
#[component]
pub fn FilterSelect(
    /// The control's id (the label's `for`).
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// The value in the address ("" for none).
    #[prop(into)]
    value: Signal<String>,
    /// (value, label) pairs; the first is usually the "any" choice with value "".
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// Called with the chosen value.
    on_pick: Callback<String>,
) -> impl IntoView {
    let all = move || {
        let mut list = options.get();
        let current = value.get();
        if !list.iter().any(|(v, _)| *v == current) {
            list.push((current, "Other".to_owned()));
        }
        list
    };
    view! {
        <div class="filter">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| on_pick.run(event_target_value(&ev))>
                {move || {
                    all()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v == value.get_untracked();
                            view! {
                                <option value=v prop:selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// (value, label) pairs for a [`FilterSelect`], led by the "any" choice `any` with value "".
pub fn pairs(items: impl IntoIterator<Item = (String, String)>, any: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), any.to_owned())).chain(items).collect()
}
