//! The frame every admin page shares: its one heading and the "not allowed" state.

use leptos::prelude::*;
use shared_types::Permission;

use crate::session::use_session;

/// An admin page's heading and body, or a clear refusal for users without `permission`.
///
/// The sidebar already hides the link, but an address can still be typed or shared; the
/// server would answer 403, so the page says so before asking.
#[component]
pub fn AdminPage(
    /// The page's `h1`.
    title: &'static str,
    /// What the page needs.
    permission: Permission,
    /// Actions beside the heading, if any.
    #[prop(optional, into)]
    actions: Option<ViewFn>,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let actions = StoredValue::new(actions);
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <Show when=move || session.can(permission)>
                {actions.with_value(|a| a.as_ref().map(ViewFn::run))}
            </Show>
        </div>
        <Show when=move || session.can(permission) fallback=move || view! { <NotAllowed permission /> }>
            {children()}
        </Show>
    }
}

/// What a user sees on a page their role does not open.
#[component]
pub fn NotAllowed(
    /// The permission the page needs.
    permission: Permission,
) -> impl IntoView {
    view! {
        <div class="state state-error" role="alert">
            <strong>"Not allowed"</strong>
            <p>
                {format!(
                    "This page needs the “{}” permission ({}), which your role does not grant. Ask an administrator if you need it.",
                    permission.as_str(),
                    permission.description(),
                )}
            </p>
        </div>
    }
}

/// The outcome of the last change on a page: a confirmation or a problem, never both.
#[derive(Clone, Copy)]
pub struct Feedback {
    done: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
}

impl Feedback {
    /// An empty outcome.
    pub fn new() -> Self {
        Feedback { done: RwSignal::new(None), problem: RwSignal::new(None) }
    }

    /// Says that a change worked.
    pub fn done(&self, message: impl Into<String>) {
        self.problem.set(None);
        self.done.set(Some(message.into()));
    }

    /// Says that a change failed.
    pub fn failed(&self, message: impl Into<String>) {
        self.done.set(None);
        self.problem.set(Some(message.into()));
    }

    /// Forgets the last outcome (a new attempt starts).
    pub fn clear(&self) {
        self.done.set(None);
        self.problem.set(None);
    }
}

/// Announces a [`Feedback`]: politely for a success, at once for a problem.
#[component]
pub fn FeedbackLine(
    /// The outcome to show.
    feedback: Feedback,
) -> impl IntoView {
    view! {
        <p class="notice notice-done" role="status">{move || feedback.done.get()}</p>
        <p class="notice notice-problem" role="alert">{move || feedback.problem.get()}</p>
    }
}

/// A primary button that shows and hides the panel with id `controls` (a "New …" form).
#[component]
pub fn DisclosureButton(
    /// Whether the panel is shown.
    open: RwSignal<bool>,
    /// The panel's id.
    controls: &'static str,
    /// The button's text.
    label: &'static str,
) -> impl IntoView {
    view! {
        <button
            class="btn btn-primary"
            type="button"
            aria-expanded=move || open.get().to_string()
            aria-controls=controls
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {label}
        </button>
    }
}
