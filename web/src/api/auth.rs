//! Sign-in, renewal and sign-out. The refresh token travels only in its httpOnly cookie.

use shared_types::auth::{AuthProviders, LoginRequest, LoginResponse, MeResponse, RefreshRequest};

use super::{ApiError, Call, NoContent, POST, call, get};

/// `POST /api/v1/auth/login`.
pub async fn login(req: &LoginRequest) -> Result<LoginResponse, ApiError> {
    let opts = Call { no_refresh: true, ..Call::default() };
    call(POST, "/api/v1/auth/login", Some(req), opts).await
}

/// `POST /api/v1/auth/refresh` with an empty body: the cookie carries the refresh token.
pub async fn refresh() -> Result<LoginResponse, ApiError> {
    let opts = Call { no_refresh: true, ..Call::default() };
    call(POST, "/api/v1/auth/refresh", Some(&RefreshRequest::default()), opts).await
}

/// `POST /api/v1/auth/logout`: revokes the refresh token and clears the cookie.
pub async fn logout() -> Result<NoContent, ApiError> {
    let opts = Call { no_refresh: true, ..Call::default() };
    call(POST, "/api/v1/auth/logout", Some(&RefreshRequest::default()), opts).await
}

/// `GET /api/v1/auth/me`: roles, permissions and teams.
pub async fn me() -> Result<MeResponse, ApiError> {
    get("/api/v1/auth/me").await
}

/// `GET /api/v1/auth/providers`: password, and the SSO issuer if configured.
pub async fn providers() -> Result<AuthProviders, ApiError> {
    get("/api/v1/auth/providers").await
}
