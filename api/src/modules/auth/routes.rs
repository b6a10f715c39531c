//! `/api/v1/auth`: sign-in, token refresh, sign-out and the caller's profile.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use shared_types::ErrorBody;
use shared_types::auth::{LoginRequest, LoginResponse, MeResponse, RefreshRequest};

use super::extractor::AuthUser;
use super::{service, users};
use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson};
use crate::modules::admin::team_repo;
use crate::modules::audit::ClientInfo;
use crate::state::AppState;

/// The refresh cookie's name.
pub const REFRESH_COOKIE: &str = "helpdesk_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

/// The httpOnly, SameSite=Strict cookie that carries a session's refresh token.
pub fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.to_string())
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies())
        .max_age(CookieDuration::days(state.settings.refresh_token_ttl_days as i64))
        .finish()
}

fn cleared_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, "");
    cookie.make_removal();
    cookie
}

fn session_response(state: &AppState, body: LoginResponse) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(session_cookie(state, &body.refresh_token))
        .insert_header(("Cache-Control", "no-store"))
        .json(body)
}

/// The refresh token from the body, else from the cookie.
fn refresh_token_of(req: &HttpRequest, body: RefreshRequest) -> Option<String> {
    body.refresh_token.or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string())).filter(|t| !t.is_empty())
}

/// Sign in with e-mail address and password.
///
/// Answers an access token (JWT, 30 minutes) and a refresh token, which
/// browsers also receive as an httpOnly, SameSite=Strict cookie. Failed
/// attempts are limited per account and per client address.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong e-mail address or password, or account deactivated", body = ErrorBody),
        (status = 422, description = "Malformed body", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody),
    )
)]
#[post("/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientInfo,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let session = service::login(&state, &body.email, &body.password, &client).await?;
    Ok(session_response(&state, session))
}

/// Exchange a refresh token for a new pair.
///
/// The token comes from the body or the refresh cookie. Each refresh token
/// works once; presenting a used one revokes every token of its family.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional when the cookie is sent"),
    responses(
        (status = 200, description = "New tokens", body = LoginResponse),
        (status = 401, description = "Invalid, expired or reused refresh token", body = ErrorBody),
    )
)]
#[post("/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: ClientInfo,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = refresh_token_of(&req, body).ok_or_else(|| {
        ApiError::unauthenticated("missing_refresh_token", "Send the refresh token in the body or cookie")
    })?;
    match service::refresh(&state, &token, &client).await {
        Ok(session) => Ok(session_response(&state, session)),
        Err(e) => Err(e),
    }
}

/// Sign out: revokes the session of the refresh token and clears the cookie.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional when the cookie is sent"),
    responses((status = 204, description = "Signed out"))
)]
#[post("/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: ClientInfo,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = refresh_token_of(&req, body) {
        service::logout(&state, &token, &client).await?;
    }
    Ok(HttpResponse::NoContent().cookie(cleared_cookie(&state)).finish())
}

/// The caller: account, roles, permissions and teams.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
#[get("/me")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<MeResponse>, ApiError> {
    let model = users::find(&state.db, user.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("invalid_token", "The access token names no user"))?;
    let teams = team_repo::memberships(&state.db, user.user_id).await?;
    Ok(web::Json(MeResponse {
        user: users::dto(model, &user.roles),
        roles: user.roles.clone(),
        permissions: user.permissions.iter().copied().collect(),
        teams,
    }))
}
