//! One hub task per instance owns this instance's sockets: who is connected, what each
//! subscribed to, and the bounded queue of messages waiting for each. Ticket events arrive on
//! the bus (in-process, or Redis pub/sub shared by every instance), so an event committed on
//! any instance reaches the sockets of every instance, each delivered by its own hub.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use shared_types::realtime::{CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED, PresenceState, ServerMessage, Topic};
use shared_types::tickets::UserRef;
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

use super::visibility::{may_hear, message_for};
use crate::infra::bus::{Bus, BusMessage};
use crate::modules::auth::access::AccessCache;
use crate::modules::notifications::{NOTIFICATION_TOPIC, NotificationEvent};
use crate::modules::tickets::events::{EVENT_TOPIC, TicketEvent};

/// The bus topic presence travels on.
pub const PRESENCE_TOPIC: &str = "presence";
/// Messages queued for one socket before it counts as too slow and is dropped.
pub const QUEUE_LEN: usize = 256;

/// A socket's side of the hub: its queue, and the close code the hub sets when it gives up
/// on the socket (0 while it has not).
pub struct Outbox {
    /// Messages to send, already encoded.
    pub rx: mpsc::Receiver<Arc<str>>,
    /// Why the hub dropped this socket: [`CLOSE_TOO_SLOW`] or [`CLOSE_UNAUTHORIZED`].
    pub dropped: Arc<AtomicU16>,
}

enum Command {
    Join { id: u64, user: UserRef, tx: mpsc::Sender<Arc<str>>, dropped: Arc<AtomicU16> },
    Leave { id: u64 },
    Subscribe { id: u64, topic: Topic },
    Unsubscribe { id: u64, topic: Topic },
    Presence { id: u64, ticket_id: Uuid, state: PresenceState },
}

/// Presence as it travels between instances.
///
/// `hello` marks a user arriving on a ticket: every instance then repeats the presence of its
/// own sockets on that ticket, so the newcomer learns who was already there. Nothing is kept
/// centrally, so an instance that dies takes its stale presence with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PresenceEvent {
    ticket_id: Uuid,
    user: UserRef,
    state: PresenceState,
    #[serde(default)]
    hello: bool,
}

/// The handle sockets talk to the hub through; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    tx: mpsc::UnboundedSender<Command>,
}

struct Member {
    user: UserRef,
    tx: mpsc::Sender<Arc<str>>,
    dropped: Arc<AtomicU16>,
    topics: HashSet<Topic>,
    present_on: HashMap<Uuid, PresenceState>,
}

impl Hub {
    /// Starts the hub task. It ends when the last handle is dropped (the server stopped).
    pub fn start(bus: Bus, access: Arc<AccessCache>, db: DatabaseConnection) -> Hub {
        let (tx, rx) = mpsc::unbounded_channel();
        let events = bus.subscribe();
        tokio::spawn(run(Deps { bus, access, db }, rx, events));
        Hub { tx }
    }

    /// Registers a socket of `user`; the returned outbox receives its messages.
    pub fn join(&self, id: u64, user: UserRef) -> Outbox {
        let (tx, rx) = mpsc::channel(QUEUE_LEN);
        let dropped = Arc::new(AtomicU16::new(0));
        let _ = self.tx.send(Command::Join { id, user, tx, dropped: dropped.clone() });
        Outbox { rx, dropped }
    }

    /// Forgets a socket; its presence is cleared everywhere.
    pub fn leave(&self, id: u64) {
        let _ = self.tx.send(Command::Leave { id });
    }

    /// Adds a topic (the caller checked the user may see it).
    pub fn subscribe(&self, id: u64, topic: Topic) {
        let _ = self.tx.send(Command::Subscribe { id, topic });
    }

    /// Removes a topic.
    pub fn unsubscribe(&self, id: u64, topic: Topic) {
        let _ = self.tx.send(Command::Unsubscribe { id, topic });
    }

    /// Announces what the socket's user is doing on a ticket it subscribed to.
    pub fn presence(&self, id: u64, ticket_id: Uuid, state: PresenceState) {
        let _ = self.tx.send(Command::Presence { id, ticket_id, state });
    }
}

/// What the hub task needs; deliberately not the whole application state, which holds the
/// hub's handle and would keep the task alive forever.
struct Deps {
    bus: Bus,
    access: Arc<AccessCache>,
    db: DatabaseConnection,
}

fn encode(message: &ServerMessage) -> Option<Arc<str>> {
    serde_json::to_string(message).ok().map(Arc::from)
}

async fn run(state: Deps, mut commands: mpsc::UnboundedReceiver<Command>, mut bus: broadcast::Receiver<BusMessage>) {
    let mut members: HashMap<u64, Member> = HashMap::new();
    loop {
        tokio::select! {
            // Commands first: a subscription sent before an event was committed is in place
            // before that event is delivered.
            biased;
            command = commands.recv() => match command {
                Some(command) => handle(&state, &mut members, command).await,
                // Every handle is gone: the server is stopping. Dropping the members closes
                // their queues, and each socket closes with "going away".
                None => break,
            },
            message = bus.recv() => match message {
                Ok(BusMessage::Message { topic, payload }) if topic == EVENT_TOPIC => {
                    match serde_json::from_str::<TicketEvent>(&payload) {
                        Ok(event) => deliver_event(&state, &mut members, &event).await,
                        Err(e) => tracing::warn!(error = %e, "unreadable ticket event"),
                    }
                }
                Ok(BusMessage::Message { topic, payload }) if topic == PRESENCE_TOPIC => {
                    if let Ok(p) = serde_json::from_str::<PresenceEvent>(&payload) {
                        let message = ServerMessage::PresenceChanged { ticket_id: p.ticket_id, user: p.user.clone(), state: p.state };
                        let wanted = |m: &Member| m.topics.contains(&Topic::Ticket(p.ticket_id)) && m.user.id != p.user.id;
                        let gone = send_where(&mut members, encode(&message), wanted);
                        clear_presence(&state, gone).await;
                        if p.hello {
                            greet(&state, &members, &p).await;
                        }
                    }
                }
                Ok(BusMessage::Message { topic, payload }) if topic == NOTIFICATION_TOPIC => {
                    match serde_json::from_str::<NotificationEvent>(&payload) {
                        Ok(event) => deliver_notification(&state, &mut members, &event).await,
                        Err(e) => tracing::warn!(error = %e, "unreadable notification event"),
                    }
                }
                Ok(BusMessage::Message { .. }) => {}
                // Redis came back (or this receiver fell behind): events may be lost.
                Ok(BusMessage::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    let gone = send_where(&mut members, encode(&ServerMessage::Resync), |_| true);
                    clear_presence(&state, gone).await;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}

async fn handle(state: &Deps, members: &mut HashMap<u64, Member>, command: Command) {
    match command {
        Command::Join { id, user, tx, dropped } => {
            let member = Member { user, tx, dropped, topics: HashSet::new(), present_on: HashMap::new() };
            members.insert(id, member);
        }
        Command::Leave { id } => clear_presence(state, members.remove(&id).into_iter().collect()).await,
        Command::Subscribe { id, topic } => {
            if let Some(m) = members.get_mut(&id) {
                m.topics.insert(topic);
            }
        }
        Command::Unsubscribe { id, topic } => {
            if let Some(m) = members.get_mut(&id) {
                m.topics.remove(&topic);
                if let Topic::Ticket(ticket_id) = topic
                    && m.present_on.remove(&ticket_id).is_some()
                {
                    let user = m.user.clone();
                    announce(state, ticket_id, user, PresenceState::Left, false).await;
                }
            }
        }
        Command::Presence { id, ticket_id, state: presence } => {
            let Some(m) = members.get_mut(&id) else { return };
            if !m.topics.contains(&Topic::Ticket(ticket_id)) {
                return;
            }
            let arriving = match presence {
                PresenceState::Left => {
                    m.present_on.remove(&ticket_id);
                    false
                }
                _ => m.present_on.insert(ticket_id, presence).is_none(),
            };
            let user = m.user.clone();
            announce(state, ticket_id, user, presence, arriving).await;
        }
    }
}

/// Publishes presence to every instance (this one included, through the bus).
async fn announce(state: &Deps, ticket_id: Uuid, user: UserRef, presence: PresenceState, hello: bool) {
    let event = PresenceEvent { ticket_id, user, state: presence, hello };
    if let Ok(payload) = serde_json::to_string(&event)
        && let Err(e) = state.bus.publish(PRESENCE_TOPIC, &payload).await
    {
        tracing::warn!(error = %e, "could not publish presence");
    }
}

/// Sends a ticket event to every socket subscribed to it whose user may see the ticket now.
async fn deliver_event(state: &Deps, members: &mut HashMap<u64, Member>, event: &TicketEvent) {
    let Some(message) = message_for(event).and_then(|m| encode(&m)) else { return };
    let assigned_note = if event.kind == "ticket.assigned" {
        encode(&ServerMessage::Notification {
            ticket_id: event.ticket_id,
            message: format!("{} was assigned to you: {}", event.ticket_number, event.title),
        })
    } else {
        None
    };
    let mut drop = Vec::new();
    for (id, m) in members.iter() {
        let listening = m.topics.contains(&Topic::Queue) || m.topics.contains(&Topic::Ticket(event.ticket_id));
        let for_me = assigned_note.is_some() && event.assigned_to == Some(m.user.id) && event.actor_id != m.user.id;
        if !(listening || for_me) {
            continue;
        }
        // The user's access now (cached; changes of role or team reach it at once).
        let access = match state.access.get(&state.db, m.user.id).await {
            Ok(Some(a)) if a.is_active => a,
            _ => {
                drop.push((*id, CLOSE_UNAUTHORIZED));
                continue;
            }
        };
        if !may_hear(&access, event) {
            continue;
        }
        if listening && !push(m, &message) {
            drop.push((*id, CLOSE_TOO_SLOW));
            continue;
        }
        if for_me
            && let Some(note) = &assigned_note
            && !push(m, note)
        {
            drop.push((*id, CLOSE_TOO_SLOW));
        }
    }
    let gone = drop.into_iter().filter_map(|(id, code)| drop_member(members, id, code)).collect();
    clear_presence(state, gone).await;
}

/// Sends a stored notification to every socket of its recipients.
async fn deliver_notification(state: &Deps, members: &mut HashMap<u64, Member>, event: &NotificationEvent) {
    let message = ServerMessage::NotificationCreated {
        notification_id: event.id,
        kind: event.kind.clone(),
        message: event.message.clone(),
    };
    let Some(message) = encode(&message) else { return };
    let mut drop = Vec::new();
    for (id, m) in members.iter() {
        let for_me = match (&event.user_id, &event.permission) {
            (Some(user_id), _) => *user_id == m.user.id,
            (None, Some(permission)) => match state.access.get(&state.db, m.user.id).await {
                Ok(Some(a)) => a.is_active && a.permissions.iter().any(|p| p.as_str() == permission),
                _ => false,
            },
            (None, None) => false,
        };
        if for_me && !push(m, &message) {
            drop.push(*id);
        }
    }
    let gone = drop.into_iter().filter_map(|id| drop_member(members, id, CLOSE_TOO_SLOW)).collect();
    clear_presence(state, gone).await;
}

fn push(m: &Member, message: &Arc<str>) -> bool {
    m.tx.try_send(message.clone()).is_ok()
}

/// Sends `message` to the members `wanted` picks; answers the ones dropped for being too slow.
fn send_where(
    members: &mut HashMap<u64, Member>,
    message: Option<Arc<str>>,
    wanted: impl Fn(&Member) -> bool,
) -> Vec<Member> {
    let Some(message) = message else { return Vec::new() };
    let slow: Vec<u64> = members.iter().filter(|(_, m)| wanted(m) && !push(m, &message)).map(|(id, _)| *id).collect();
    slow.into_iter().filter_map(|id| drop_member(members, id, CLOSE_TOO_SLOW)).collect()
}

/// Gives up on a socket that cannot keep up, or whose user lost access: its queue closes and
/// the socket closes itself with `code`.
fn drop_member(members: &mut HashMap<u64, Member>, id: u64, code: u16) -> Option<Member> {
    let m = members.remove(&id)?;
    m.dropped.store(code, Ordering::SeqCst);
    Some(m)
}

/// Tells everyone that the sockets `gone` are no longer on the tickets they were on.
async fn clear_presence(state: &Deps, gone: Vec<Member>) {
    for m in gone {
        for ticket_id in m.present_on.into_keys() {
            announce(state, ticket_id, m.user.clone(), PresenceState::Left, false).await;
        }
    }
}

/// Answers a newcomer's `hello`: repeats what this instance's sockets are doing on that ticket.
async fn greet(state: &Deps, members: &HashMap<u64, Member>, hello: &PresenceEvent) {
    let mut here: Vec<(UserRef, PresenceState)> = members
        .values()
        .filter(|m| m.user.id != hello.user.id)
        .filter_map(|m| m.present_on.get(&hello.ticket_id).map(|s| (m.user.clone(), *s)))
        .collect();
    here.sort_by_key(|(user, _)| user.id);
    here.dedup_by_key(|(user, _)| user.id);
    for (user, presence) in here {
        announce(state, hello.ticket_id, user, presence, false).await;
    }
}
