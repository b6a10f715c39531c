//! The signed-in user as an extractor.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::access::Access;
use crate::error::ApiError;
use crate::state::AppState;

/// A request made with a valid access token by an active user.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Arc<Access>);

impl Deref for AuthUser {
    type Target = Access;
    fn deref(&self) -> &Access {
        &self.0
    }
}

/// The bearer token of a request, if any.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

impl AuthUser {
    /// Checks `token` and loads the user's access.
    pub async fn from_token(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
        let claims = state
            .tokens
            .verify(token)
            .ok_or_else(|| ApiError::unauthenticated("invalid_token", "The access token is invalid or expired"))?;
        let access = state
            .access
            .get(&state.db, claims.sub)
            .await?
            .ok_or_else(|| ApiError::unauthenticated("invalid_token", "The access token names no user"))?;
        if !access.is_active {
            return Err(ApiError::unauthenticated("account_disabled", "This account is deactivated"));
        }
        Ok(AuthUser(access))
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req).map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            let token = token.ok_or_else(|| {
                ApiError::unauthenticated("missing_token", "Sign in and send Authorization: Bearer <token>")
            })?;
            AuthUser::from_token(&state, &token).await
        })
    }
}
