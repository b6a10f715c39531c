//! A button that asks once more before doing something hard to undo.

use leptos::html;
use leptos::prelude::*;

/// Shows `label`; pressed, it turns into the question with a confirm and a cancel button.
/// The confirm button takes the focus, and Escape or Cancel puts things back.
#[component]
pub fn ConfirmButton(
    /// The button's visible text, e.g. "Deactivate".
    label: &'static str,
    /// Whom or what it acts on, read by screen readers after the label ("Sara Ortiz").
    #[prop(into)]
    subject: String,
    /// The question, e.g. "Deactivate Sara? Their sessions end at once."
    #[prop(into)]
    question: String,
    /// The confirming button's text, e.g. "Yes, deactivate".
    confirm: &'static str,
    /// Runs when confirmed.
    on_confirm: Callback<()>,
    /// True while the action runs.
    #[prop(into)]
    busy: Signal<bool>,
    /// Styles the buttons as destructive.
    #[prop(optional)]
    danger: bool,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let yes = NodeRef::<html::Button>::new();
    let again = NodeRef::<html::Button>::new();
    Effect::new(move |was_asking: Option<bool>| {
        let now = asking.get();
        if now {
            if let Some(b) = yes.get() {
                let _ = b.focus();
            }
        } else if was_asking == Some(true)
            && let Some(b) = again.get()
        {
            let _ = b.focus();
        }
        now
    });
    let class = if danger { "btn btn-danger" } else { "btn" };
    let subject = StoredValue::new(subject);
    let question = StoredValue::new(question);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            asking.set(false);
        }
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button class=class type="button" node_ref=again disabled=busy on:click=move |_| asking.set(true)>
                        {label}
                        <span class="visually-hidden">" " {subject.get_value()}</span>
                    </button>
                }
            }
        >
            <span class="confirm" role="group" aria-label=label on:keydown=on_key>
                <span class="confirm-question">{question.get_value()}</span>
                <button
                    class=class
                    type="button"
                    node_ref=yes
                    disabled=busy
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm}
                </button>
                <button class="btn" type="button" on:click=move |_| asking.set(false)>
                    "Cancel"
                </button>
            </span>
        </Show>
    }
}
