use leptos::prelude::*;

use crate::api::ApiError;
use crate::query::Query;

/// A polite "loading" placeholder.
#[component]
pub fn Loading(
    /// What is loading, e.g. "tickets".
    #[prop(into, default = "".into())]
    what: String,
) -> impl IntoView {
    let label = if what.is_empty() { "Loading…".to_owned() } else { format!("Loading {what}…") };
    view! {
        <div class="state state-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </div>
    }
}

/// An error with an optional retry button.
#[component]
pub fn ErrorNotice(
    /// The failure.
    error: ApiError,
    /// Called by the "Try again" button, if given.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let title = match error.status() {
        Some(404) => "Not found",
        Some(403) => "Not allowed",
        None if error == ApiError::Network => "Offline",
        _ => "Something went wrong",
    };
    view! {
        <div class="state state-error" role="alert">
            <strong>{title}</strong>
            <p>{error.message()}</p>
            {retry.map(|r| view! { <button class="btn" on:click=move |_| r.run(())>"Try again"</button> })}
        </div>
    }
}

/// Shown when a list or page has nothing to show.
#[component]
pub fn Empty(
    /// The sentence to show.
    #[prop(into)]
    message: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="state state-empty">
            <p>{message}</p>
            {children.map(|c| c())}
        </div>
    }
}

/// Loading, error or content for a query: the one place these three states are decided.
#[component]
pub fn QueryView<T, V>(
    /// The query to show.
    query: Query<T>,
    /// What is loading, for the placeholder.
    #[prop(into)]
    what: String,
    /// Renders the data.
    view: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let what = StoredValue::new(what);
    move || match (query.data.get(), query.error.get()) {
        (Some(data), _) => view(data).into_any(),
        (None, Some(error)) => {
            view! { <ErrorNotice error=error retry=Callback::new(move |_| query.refetch()) /> }.into_any()
        }
        (None, None) => view! { <Loading what=what.get_value() /> }.into_any(),
    }
}
