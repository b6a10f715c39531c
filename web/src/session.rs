//! Who is signed in, and what they may do.
//!
//! The access token lives only in memory ([`crate::api::set_token`]). On start the app renews
//! it through the refresh cookie; offline, it falls back to the service worker's copy of
//! `/auth/me` so recently opened tickets stay readable.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::Permission;
use shared_types::auth::{LoginRequest, MeResponse};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::query;

/// Where the session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Renewing the session on start.
    Checking,
    /// Signed in, online.
    SignedIn,
    /// Reading the offline copy; changes are not possible.
    Offline,
    /// Nobody is signed in.
    SignedOut,
}

/// The signed-in user, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    /// The user, roles, permissions and teams, once known.
    pub me: RwSignal<Option<MeResponse>>,
    /// Where the session stands.
    pub state: RwSignal<SessionState>,
}

impl Session {
    /// Whether the user holds `permission` (reactive).
    pub fn can(&self, permission: Permission) -> bool {
        self.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.contains(&permission)))
    }

    /// The user's id, once known (reactive).
    pub fn user_id(&self) -> Option<Uuid> {
        self.me.with(|me| me.as_ref().map(|m| m.user.id))
    }

    /// Signs in with a password and loads the user's permissions.
    pub async fn sign_in(self, req: LoginRequest) -> Result<(), ApiError> {
        let tokens = api::auth::login(&req).await?;
        api::set_token(Some(tokens.access_token));
        self.load().await
    }

    /// Reloads `/auth/me` (after an admin changed roles, say).
    pub async fn load(self) -> Result<(), ApiError> {
        let me = api::auth::me().await?;
        let offline = api::served_from_cache().get_untracked();
        self.me.set(Some(me));
        self.state.set(if offline { SessionState::Offline } else { SessionState::SignedIn });
        Ok(())
    }

    /// Signs out here and on the server, and forgets all cached data.
    pub fn sign_out(self) {
        spawn_local(async move {
            // The server revokes the refresh token and clears its cookie; if it cannot be
            // reached the token still expires, and this tab forgets everything either way.
            let _ = api::auth::logout().await;
        });
        self.forget();
    }

    /// Forgets the user and every cached answer (session expired or signed out).
    pub fn forget(self) {
        api::set_token(None);
        query::clear();
        self.me.set(None);
        self.state.set(SessionState::SignedOut);
    }
}

/// Creates the session, provides it as context, and starts renewing it from the cookie.
pub fn provide_session() -> Session {
    let session = Session { me: RwSignal::new(None), state: RwSignal::new(SessionState::Checking) };
    provide_context(session);
    spawn_local(async move {
        let loaded = match api::auth::refresh().await {
            Ok(tokens) => {
                api::set_token(Some(tokens.access_token));
                session.load().await
            }
            // No network at all: the service worker may still hold the last `/auth/me`.
            Err(ApiError::Network) => session.load().await,
            Err(e) => Err(e),
        };
        if loaded.is_err() {
            session.forget();
        }
    });
    session
}

/// The session from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
