//! The conversation on a ticket: replies and internal notes, oldest first, and the composer.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::tickets::{CommentDto, CreateCommentRequest, TicketDetailDto, TicketDto, TicketStatus};
use shared_types::validation::validate_comment;

use crate::api::tickets;
use crate::components::Time;
use crate::components::{Field, field_error};
use crate::query::{invalidate, set_query_data};
use crate::realtime;
use crate::session::use_session;

/// The comment thread and, while the ticket is not closed, the composer.
#[component]
pub fn Conversation(ticket: Memo<TicketDto>, comments: Memo<Vec<CommentDto>>) -> impl IntoView {
    let session = use_session();
    let may_write = move || session.can(Permission::TicketComment) || session.can(Permission::TicketCommentInternal);
    let open = move || ticket.with(|t| t.status != TicketStatus::Closed);
    view! {
        <section class="card" aria-labelledby="conversation-heading">
            <h2 id="conversation-heading">"Conversation"</h2>
            {move || {
                let list = comments.get();
                if list.is_empty() {
                    view! { <p class="muted">"No replies yet."</p> }.into_any()
                } else {
                    view! { <ol class="thread">{list.into_iter().map(|c| view! { <Comment comment=c /> }).collect_view()}</ol> }
                        .into_any()
                }
            }}
            <Show when=move || may_write() && open()>
                <Composer ticket />
            </Show>
            <Show when=move || !open()>
                <p class="muted">"This ticket is closed; replies are no longer possible."</p>
            </Show>
        </section>
    }
}

#[component]
fn Comment(comment: CommentDto) -> impl IntoView {
    let internal = comment.internal;
    view! {
        <li class="comment" class:internal=internal>
            <article>
                <header class="comment-head">
                    <strong>{comment.author.name}</strong>
                    {internal.then(|| view! { <span class="badge internal-badge">"Internal note"</span> })}
                    <span class="muted"><Time at=comment.created_at /></span>
                </header>
                <p class="plain-text">{comment.body}</p>
            </article>
        </li>
    }
}

/// Writes a public reply or, for those allowed, an internal note.
#[component]
fn Composer(ticket: Memo<TicketDto>) -> impl IntoView {
    let session = use_session();
    let (can_public, can_internal) =
        untrack(|| (session.can(Permission::TicketComment), session.can(Permission::TicketCommentInternal)));
    let body = RwSignal::new(String::new());
    // Someone who may only write notes always writes notes.
    let internal = RwSignal::new(!can_public);
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Others on the ticket see "… is replying" while there is an unsent message.
    let writing = Memo::new(move |_| body.with(|b| !b.trim().is_empty()));
    Effect::new(move |_| realtime::set_replying(ticket.with_untracked(|t| t.id), writing.get()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = CreateCommentRequest { body: body.get_untracked(), internal: internal.get_untracked() };
        let found = validate_comment(&req);
        errors.set(found.clone());
        failure.set(None);
        notice.set(None);
        if !found.is_empty() {
            return;
        }
        let id = ticket.with_untracked(|t| t.id);
        busy.set(true);
        spawn_local(async move {
            match tickets::comment(id, &req).await {
                Ok(comment) => {
                    let key = format!("ticket:{id}");
                    set_query_data::<TicketDetailDto>(&key, |old| {
                        old.map(|mut d| {
                            d.comments.push(comment);
                            d
                        })
                    });
                    body.set(String::new());
                    notice.set(Some(if req.internal { "Internal note added" } else { "Reply added" }.into()));
                    invalidate(&key);
                    invalidate(&format!("ticket-history:{id}"));
                    invalidate("tickets");
                }
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };

    let label = move || if internal.get() { "Internal note" } else { "Your reply" };
    view! {
        <form class="composer" class:internal=internal on:submit=submit novalidate>
            <Field id="comment-body" label="Message" error=field_error(errors, "body")>
                <textarea
                    id="comment-body"
                    rows="4"
                    aria-describedby="comment-body-error"
                    placeholder=label
                    prop:value=body
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
            </Field>
            {can_internal.then(|| view! {
                <div class="checkbox">
                    <input
                        id="comment-internal"
                        type="checkbox"
                        aria-describedby="comment-internal-hint"
                        prop:checked=internal
                        disabled=!can_public
                        on:change=move |ev| internal.set(event_target_checked(&ev))
                    />
                    <label for="comment-internal">"Internal note"</label>
                    <span class="hint" id="comment-internal-hint">"Only agents see internal notes."</span>
                </div>
            })}
            <p class="form-error" role="alert">{move || failure.get()}</p>
            <p class="control-notice" role="status" aria-live="polite">{move || notice.get()}</p>
            <button class="btn btn-primary" type="submit" disabled=busy>"Send"</button>
        </form>
    }
}
