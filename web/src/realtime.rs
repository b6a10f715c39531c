//! Live updates over one WebSocket per tab (`/api/v1/ws`, the protocol in
//! `shared_types::realtime`).
//!
//! [`start`] opens it once the user is signed in. The socket authenticates with the in-memory
//! access token, subscribes to the queue and to the tickets on screen, and turns every event
//! into a cache invalidation, so the ticket list and the open ticket refetch what changed. A
//! lost connection is retried with exponential backoff (1 s doubling up to 30 s, with jitter);
//! after a reconnect or a `resync` everything on screen is refetched (events may have been
//! missed). Presence and toasts are signals read through [`use_realtime`] and [`watch_ticket`].

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use shared_types::realtime::{CLOSE_UNAUTHORIZED, ClientMessage, PresenceState};
use shared_types::tickets::UserRef;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::api;
use crate::query::invalidate;

/// Where the live connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not started (signed out) or stopped.
    Off,
    /// Connecting or waiting to reconnect.
    Connecting,
    /// Authenticated: events arrive.
    Live,
}

/// A short message about something that concerns this user (a ticket assigned to them).
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    /// Identifies the toast for dismissal.
    pub id: u32,
    /// The ticket it is about.
    pub ticket_id: Uuid,
    /// A sentence for people.
    pub message: String,
}

/// Who else is on a ticket, and doing what.
pub type Presence = Vec<(UserRef, PresenceState)>;

/// The reactive side of the live connection.
#[derive(Clone)]
struct Signals {
    state: ArcRwSignal<LinkState>,
    toasts: ArcRwSignal<Vec<Toast>>,
    /// Others' presence: ticket, user, state.
    presence: ArcRwSignal<Vec<(Uuid, UserRef, PresenceState)>>,
}

/// The socket and what to restore on it after a reconnect.
#[derive(Default)]
struct Link {
    socket: Option<WebSocket>,
    /// The socket's event handlers, kept alive while it may call them.
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    running: bool,
    ready: bool,
    /// A connection was ready before: the next `ready` refetches what was missed.
    was_ready: bool,
    attempt: u32,
    /// Bumped by every connect and stop, so callbacks of an older socket do nothing.
    generation: u32,
    /// Subscribed topics with the number of components that want each. (Short lists: a
    /// map type would cost more WASM than the linear searches cost time.)
    topics: Vec<(String, u32)>,
    /// This tab's presence per ticket.
    present: Vec<(Uuid, PresenceState)>,
    next_toast: u32,
}

thread_local! {
    static LINK: RefCell<Link> = RefCell::new(Link::default());
    static SIGNALS: Signals = Signals {
        state: ArcRwSignal::new(LinkState::Off),
        toasts: ArcRwSignal::new(Vec::new()),
        presence: ArcRwSignal::new(Vec::new()),
    };
}

fn signals() -> Signals {
    SIGNALS.with(Clone::clone)
}

/// The live connection's state and toasts, for the frame around the pages.
#[derive(Clone, Copy)]
pub struct Realtime {
    /// Where the connection stands.
    pub state: Signal<LinkState>,
    /// Toasts not yet dismissed, oldest first.
    pub toasts: Signal<Vec<Toast>>,
}

/// The live connection's signals.
pub fn use_realtime() -> Realtime {
    let s = signals();
    let (state, toasts) = (s.state.clone(), s.toasts.clone());
    Realtime { state: Signal::derive(move || state.get()), toasts: Signal::derive(move || toasts.get()) }
}

/// Removes a toast.
pub fn dismiss(id: u32) {
    signals().toasts.update(|t| t.retain(|t| t.id != id));
}

/// Opens the live connection (once signed in). Calling it again does nothing.
pub fn start() {
    let started = LINK.with(|l| {
        let mut l = l.borrow_mut();
        let was = l.running;
        l.running = true;
        !was
    });
    if started {
        subscribe("queue");
        signals().state.set(LinkState::Connecting);
        spawn_local(connect());
    }
}

/// Closes the live connection (sign-out) and forgets presence.
pub fn stop() {
    let socket = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.running = false;
        l.ready = false;
        l.was_ready = false;
        l.generation += 1;
        l.socket.take()
    });
    unsubscribe("queue");
    if let Some(socket) = socket {
        let _ = socket.close_with_code(1000);
    }
    let s = signals();
    s.state.set(LinkState::Off);
    s.presence.set(Vec::new());
    s.toasts.set(Vec::new());
}

/// Follows one ticket while the calling component lives: subscribes to its events and tells
/// the others this user is viewing it. Answers who else is there.
pub fn watch_ticket(id: Uuid) -> Signal<Presence> {
    let topic = format!("ticket:{id}");
    subscribe(&topic);
    set_presence(id, PresenceState::Viewing);
    on_cleanup(move || {
        set_presence(id, PresenceState::Left);
        unsubscribe(&topic);
        signals().presence.update(|p| p.retain(|(t, ..)| *t != id));
    });
    let presence = signals().presence;
    Signal::derive(move || {
        presence.with(|p| p.iter().filter(|(t, ..)| *t == id).map(|(_, u, s)| (u.clone(), *s)).collect())
    })
}

/// Tells the others on a ticket whether this user is writing a reply or just viewing.
pub fn set_replying(id: Uuid, replying: bool) {
    if LINK.with(|l| l.borrow().present.iter().any(|(t, _)| *t == id)) {
        set_presence(id, if replying { PresenceState::Replying } else { PresenceState::Viewing });
    }
}

fn subscribe(topic: &str) {
    let first = LINK.with(|l| {
        let mut l = l.borrow_mut();
        match l.topics.iter_mut().find(|(t, _)| t == topic) {
            Some((_, count)) => {
                *count += 1;
                false
            }
            None => {
                l.topics.push((topic.to_owned(), 1));
                true
            }
        }
    });
    if first {
        send(&ClientMessage::Subscribe { topic: topic.to_owned() });
    }
}

fn unsubscribe(topic: &str) {
    let last = LINK.with(|l| {
        let mut l = l.borrow_mut();
        let Some(at) = l.topics.iter().position(|(t, _)| t == topic) else { return false };
        l.topics[at].1 -= 1;
        let last = l.topics[at].1 == 0;
        if last {
            l.topics.swap_remove(at);
        }
        last
    });
    if last {
        send(&ClientMessage::Unsubscribe { topic: topic.to_owned() });
    }
}

fn set_presence(ticket_id: Uuid, state: PresenceState) {
    let changed = LINK.with(|l| {
        let mut l = l.borrow_mut();
        let at = l.present.iter().position(|(t, _)| *t == ticket_id);
        match (at, state) {
            (None, PresenceState::Left) => false,
            (Some(at), PresenceState::Left) => {
                l.present.swap_remove(at);
                true
            }
            (Some(at), _) => std::mem::replace(&mut l.present[at].1, state) != state,
            (None, _) => {
                l.present.push((ticket_id, state));
                true
            }
        }
    });
    if changed {
        send(&ClientMessage::Presence { ticket_id, state });
    }
}

/// Sends a message if the socket is authenticated; otherwise it is restored on `ready`.
fn send(message: &ClientMessage) {
    let socket = LINK.with(|l| {
        let l = l.borrow();
        l.ready.then(|| l.socket.clone()).flatten()
    });
    if let (Some(socket), Ok(text)) = (socket, serde_json::to_string(message)) {
        let _ = socket.send_with_str(&text);
    }
}

fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}/api/v1/ws", location.host().ok()?))
}

async fn connect() {
    let Some(generation) = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.generation += 1;
        l.running.then_some(l.generation)
    }) else {
        return;
    };
    // The socket authenticates with the access token; renew it first if there is none.
    if api::current_token().is_none() && !api::renew().await {
        return retry(generation, false);
    }
    let Some(socket) = socket_url().and_then(|url| WebSocket::new(&url).ok()) else {
        return retry(generation, false);
    };
    let current = move || LINK.with(|l| l.borrow().generation == generation);
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        if current() {
            let token = api::current_token().unwrap_or_default();
            if let Ok(text) = serde_json::to_string(&ClientMessage::Auth { token }) {
                let socket = LINK.with(|l| l.borrow().socket.clone());
                let _ = socket.map(|s| s.send_with_str(&text));
            }
        }
    });
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if let Some(text) = event.unchecked_into::<MessageEvent>().data().as_string().filter(|_| current()) {
            receive(&text);
        }
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if current() {
            let code = event.unchecked_into::<CloseEvent>().code();
            retry(generation, code == CLOSE_UNAUTHORIZED);
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.socket = Some(socket);
        // The previous socket's handlers are dropped here, outside their own calls.
        l.handlers = vec![on_open, on_message, on_close];
    });
}

/// After a close or a failed attempt: waits, then connects again. An expired token is
/// renewed first.
fn retry(generation: u32, unauthorized: bool) {
    let attempt = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.ready = false;
        l.socket = None;
        l.attempt += 1;
        (l.running && l.generation == generation).then_some(l.attempt)
    });
    let s = signals();
    // Presence seen before is no longer known to be true.
    s.presence.set(Vec::new());
    let Some(attempt) = attempt else { return };
    s.state.set(LinkState::Connecting);
    let ceiling = 1000.0 * f64::from(2u32.saturating_pow(attempt.min(6) - 1)).min(30.0);
    let delay = ceiling * (0.5 + js_sys::Math::random() / 2.0);
    set_timeout(
        move || {
            if LINK.with(|l| l.borrow().generation == generation) {
                spawn_local(async move {
                    // A refused token has expired meanwhile; a failed renewal ends the
                    // session through the REST side, which stops this link.
                    if !unauthorized || api::renew().await {
                        connect().await;
                    }
                });
            }
        },
        Duration::from_millis(delay as u64),
    );
}

/// The fields of `shared_types::realtime::ServerMessage` this client acts on. Read as one flat
/// struct rather than the tagged enum: the enum's generated decoder cost the WASM several
/// times more, and unknown message types and fields are ignored either way.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Incoming {
    #[serde(rename = "type")]
    kind: String,
    ticket_id: Option<Uuid>,
    message: Option<String>,
    user: Option<UserRef>,
    state: Option<PresenceState>,
}

fn receive(text: &str) {
    let Ok(m) = serde_json::from_str::<Incoming>(text) else { return };
    match (m.kind.as_str(), m.ticket_id) {
        ("ready", _) => on_ready(),
        ("ticket.created", _) => invalidate("tickets"),
        ("ticket.updated" | "ticket.assigned" | "ticket.commented", Some(id)) => {
            invalidate("tickets");
            invalidate(&format!("ticket:{id}"));
            invalidate(&format!("ticket-history:{id}"));
        }
        ("notification", Some(id)) => toast(id, m.message.unwrap_or_default()),
        ("presence.changed", Some(id)) => {
            let (Some(user), Some(state)) = (m.user, m.state) else { return };
            signals().presence.update(|p| {
                p.retain(|(t, u, _)| *t != id || u.id != user.id);
                if state != PresenceState::Left {
                    p.push((id, user, state));
                }
            });
        }
        // Stored notifications (job alerts for admins) are read from their list.
        ("notification.created", _) => invalidate("notifications"),
        ("resync", _) => invalidate(""),
        _ => {}
    }
}

/// Authenticated: restores the subscriptions and presence, and after a reconnect refetches
/// what is on screen.
fn on_ready() {
    let (topics, present, refetch) = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.ready = true;
        l.attempt = 0;
        let refetch = std::mem::replace(&mut l.was_ready, true);
        (l.topics.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(), l.present.clone(), refetch)
    });
    for topic in topics {
        send(&ClientMessage::Subscribe { topic });
    }
    for (ticket_id, state) in present {
        send(&ClientMessage::Presence { ticket_id, state });
    }
    signals().state.set(LinkState::Live);
    if refetch {
        invalidate("");
    }
}

fn toast(ticket_id: Uuid, message: String) {
    let id = LINK.with(|l| {
        let mut l = l.borrow_mut();
        l.next_toast += 1;
        l.next_toast
    });
    signals().toasts.update(|t| t.push(Toast { id, ticket_id, message }));
    set_timeout(move || dismiss(id), Duration::from_secs(12));
}
