//! One WebSocket: authenticate with the first message, then a loop over the client's frames,
//! the hub's messages and a heartbeat. The hub queue is bounded; a client that cannot keep up
//! is closed rather than allowed to grow memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, web};
use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use futures_util::StreamExt;
use shared_types::ErrorBody;
use shared_types::realtime::{CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED, ClientMessage, ServerMessage, Topic};
use shared_types::tickets::UserRef;

use super::hub::Hub;
use crate::modules::auth::AuthUser;
use crate::modules::tickets::TicketService;
use crate::state::AppState;

/// How long a new socket may take to authenticate.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server pings.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Silence after which a socket counts as dead.
const IDLE_TIMEOUT: Duration = Duration::from_secs(45);
/// Largest frame a client may send.
const MAX_FRAME: usize = 16 * 1024;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Upgrade to the realtime WebSocket. The first message must be
/// `{"type":"auth","token":"<access token>"}`; see the README for the protocol.
#[utoipa::path(
    tag = "realtime",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade request", body = ErrorBody),
    )
)]
#[get("/ws")]
pub async fn ws(req: HttpRequest, body: web::Payload, state: web::Data<AppState>) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream.max_frame_size(MAX_FRAME);
    actix_web::rt::spawn(run(state.into_inner(), session, stream));
    // An idle socket's task holds the `run` future; its database calls (token check,
    // subscribe check) are boxed inside it, so their large states are allocated only while
    // they run rather than reserved in every idle socket's task.
    Ok(response)
}

fn close(code: u16, why: &str) -> Option<CloseReason> {
    Some(CloseReason { code: CloseCode::Other(code), description: Some(why.to_string()) })
}

async fn send(session: &mut Session, message: &ServerMessage) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => session.text(text).await.is_ok(),
        Err(_) => false,
    }
}

/// The first text frame, if one arrives in time.
async fn first_text(stream: &mut MessageStream) -> Option<String> {
    let wait = async {
        while let Some(Ok(frame)) = stream.next().await {
            match frame {
                Message::Text(text) => return Some(text.to_string()),
                Message::Ping(_) | Message::Pong(_) => continue,
                _ => return None,
            }
        }
        None
    };
    tokio::time::timeout(AUTH_TIMEOUT, wait).await.ok().flatten()
}

async fn run(state: Arc<AppState>, mut session: Session, mut stream: MessageStream) {
    let hub = state.hub.clone();
    // Authentication comes first; the token never travels in the URL.
    let token = match first_text(&mut stream).await.map(|t| serde_json::from_str::<ClientMessage>(&t)) {
        Some(Ok(ClientMessage::Auth { token })) => token,
        _ => {
            return drop(
                session.close(close(CLOSE_UNAUTHORIZED, "send {\"type\":\"auth\",\"token\":...} first")).await,
            );
        }
    };
    let user = match Box::pin(AuthUser::from_token(&state, &token)).await {
        Ok(user) => user,
        Err(_) => return drop(session.close(close(CLOSE_UNAUTHORIZED, "invalid or expired token")).await),
    };
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let me = UserRef { id: user.user_id, name: user.name.clone(), email: user.email.clone() };
    let mut outbox = hub.join(id, me);
    if !send(&mut session, &ServerMessage::Ready { user_id: user.user_id }).await {
        return hub.leave(id);
    }
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut last_heard = Instant::now();
    let reason = loop {
        tokio::select! {
            frame = stream.next() => {
                last_heard = Instant::now();
                match frame {
                    Some(Ok(Message::Text(text))) => {
                        if let Some(reply) = Box::pin(on_message(&state, &hub, id, &user.user_id, &text)).await
                            && !send(&mut session, &reply).await
                        {
                            break None;
                        }
                    }
                    Some(Ok(Message::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(Message::Close(reason))) => break reason,
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break None,
                }
            }
            out = outbox.rx.recv() => match out {
                Some(text) => {
                    if session.text(text.to_string()).await.is_err() {
                        break None;
                    }
                }
                None => break match outbox.dropped.load(Ordering::SeqCst) {
                    CLOSE_TOO_SLOW => close(CLOSE_TOO_SLOW, "too many unread messages"),
                    CLOSE_UNAUTHORIZED => close(CLOSE_UNAUTHORIZED, "access revoked"),
                    // The hub stopped: the server is shutting down.
                    _ => Some(CloseReason { code: CloseCode::Away, description: Some("server shutting down".into()) }),
                },
            },
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > IDLE_TIMEOUT {
                    break Some(CloseReason { code: CloseCode::Normal, description: Some("idle".into()) });
                }
                if session.ping(b"").await.is_err() {
                    break None;
                }
            }
        }
    };
    hub.leave(id);
    let _ = session.close(reason).await;
}

/// Handles one client message; answers what to send back, if anything.
async fn on_message(state: &AppState, hub: &Hub, id: u64, user_id: &uuid::Uuid, text: &str) -> Option<ServerMessage> {
    let error = |code: &str, message: &str| Some(ServerMessage::Error { code: code.into(), message: message.into() });
    let message = match serde_json::from_str::<ClientMessage>(text) {
        Ok(m) => m,
        Err(e) => return error("bad_message", &format!("unreadable message: {e}")),
    };
    match message {
        ClientMessage::Auth { .. } => error("already_authenticated", "this socket is already signed in"),
        ClientMessage::Ping => Some(ServerMessage::Pong),
        ClientMessage::Subscribe { topic } => {
            let Some(parsed) = Topic::parse(&topic) else {
                return error("bad_topic", "topics are `queue` and `ticket:<id>`");
            };
            if let Topic::Ticket(ticket_id) = parsed {
                // Checked now with the user's current access; events are checked again one by one.
                let access = state.access.get(&state.db, *user_id).await.ok().flatten()?;
                if !TicketService::new(state).is_visible(&access, ticket_id).await.unwrap_or(false) {
                    return error("ticket_not_found", "no such ticket, or not visible to you");
                }
            }
            hub.subscribe(id, parsed);
            None
        }
        ClientMessage::Unsubscribe { topic } => {
            match Topic::parse(&topic) {
                Some(parsed) => hub.unsubscribe(id, parsed),
                None => return error("bad_topic", "topics are `queue` and `ticket:<id>`"),
            }
            None
        }
        ClientMessage::Presence { ticket_id, state: presence } => {
            hub.presence(id, ticket_id, presence);
            None
        }
    }
}
