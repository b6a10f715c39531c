//! `/api/v1/auth/providers` and the browser side of single sign-on: `/auth/sso/start` sends the
//! browser to the issuer, `/auth/sso/callback` brings it back signed in.
//!
//! Both SSO endpoints are browser navigations, not API calls: every outcome is a redirect, and
//! a failure lands on the sign-in page with `?ssoError=<code>` for it to explain.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared_types::auth::{AuthProviders, SsoProvider};
use utoipa::IntoParams;

use super::routes::session_cookie;
use super::service;
use super::sso::SsoError;
use super::tokens::SsoFlow;
use crate::modules::audit::ClientInfo;
use crate::state::AppState;

const FLOW_COOKIE: &str = "helpdesk_sso";
const FLOW_PATH: &str = "/api/v1/auth/sso";
const START_PATH: &str = "/api/v1/auth/sso/start";

/// The ways to sign in: password, and the single sign-on issuer when one is configured.
#[utoipa::path(tag = "auth", responses((status = 200, description = "Sign-in options", body = AuthProviders)))]
#[get("/providers")]
pub async fn providers(state: web::Data<AppState>) -> web::Json<AuthProviders> {
    let sso = state.sso.as_ref().map(|s| SsoProvider { name: s.display_name.clone(), start_url: START_PATH.into() });
    web::Json(AuthProviders { password: true, sso })
}

/// Where to go after signing in.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// An SPA path such as `/tickets/123`; anything else means `/tickets`.
    next: Option<String>,
}

/// The issuer's answer.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code.
    code: Option<String>,
    /// Must equal the state the start step sent.
    state: Option<String>,
    /// Set by the issuer when the user refused or the request was bad.
    error: Option<String>,
}

fn redirect(to: &str) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::Found();
    res.insert_header((header::LOCATION, to.to_string())).insert_header((header::CACHE_CONTROL, "no-store"));
    res
}

fn failed(code: &str) -> HttpResponse {
    let mut cleared = Cookie::build(FLOW_COOKIE, "").path(FLOW_PATH).finish();
    cleared.make_removal();
    redirect(&format!("/login?ssoError={code}")).cookie(cleared).finish()
}

/// Only same-site SPA paths; never another origin, never back to sign-in.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login") && !n.starts_with("/api"))
        .unwrap_or_else(|| "/tickets".into())
}

/// Starts single sign-on: redirects the browser to the issuer.
#[utoipa::path(
    tag = "auth",
    params(StartQuery),
    responses((status = 302, description = "To the issuer's sign-in page, or back to /login?ssoError=… when SSO is off or the issuer is unreachable"))
)]
#[get("/sso/start")]
#[tracing::instrument(skip_all)]
pub async fn sso_start(req: HttpRequest, state: web::Data<AppState>, query: web::Query<StartQuery>) -> HttpResponse {
    let Some(sso) = state.sso.as_ref() else { return failed("sso_not_configured") };
    let reached_at = {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    let next = safe_next(query.into_inner().next);
    let (url, flow) = match sso.start(sso.redirect_url(&reached_at), next).await {
        Ok(started) => started,
        Err(e) => {
            tracing::warn!(error = ?e, "single sign-on could not start");
            return failed("issuer_unreachable");
        }
    };
    let signed = match state.tokens.sign_sso_flow(flow, state.clock.now()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = ?e, "could not sign the SSO flow");
            return failed("internal");
        }
    };
    // Lax, not Strict: the callback arrives as a navigation from the issuer's site.
    let cookie = Cookie::build(FLOW_COOKIE, signed)
        .path(FLOW_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .max_age(CookieDuration::minutes(10))
        .finish();
    redirect(&url).cookie(cookie).finish()
}

/// Finishes single sign-on: checks the flow and the ID token, opens a session (refresh
/// cookie) and redirects to the page the user started from.
#[utoipa::path(
    tag = "auth",
    params(CallbackQuery),
    responses((status = 302, description = "Signed in: to the page the sign-in started from; else to /login?ssoError=<code> (sso_cancelled, sso_expired, sso_rejected, domain_not_allowed, issuer_unreachable, sso_unknown_account, account_disabled)"))
)]
#[get("/sso/callback")]
#[tracing::instrument(skip_all)]
pub async fn sso_callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    client: ClientInfo,
    query: web::Query<CallbackQuery>,
) -> HttpResponse {
    let Some(sso) = state.sso.as_ref() else { return failed("sso_not_configured") };
    let query = query.into_inner();
    if query.error.is_some() {
        return failed("sso_cancelled");
    }
    let flow: Option<SsoFlow> = req.cookie(FLOW_COOKIE).and_then(|c| state.tokens.verify_sso_flow(c.value()));
    let Some(flow) = flow else { return failed("sso_expired") };
    let (Some(code), Some(returned_state)) = (query.code, query.state) else { return failed("sso_rejected") };
    if returned_state != flow.state {
        return failed("sso_rejected");
    }
    let identity = match sso.finish(&flow, code).await {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = ?e, "single sign-on refused");
            return failed(match e {
                SsoError::Issuer(_) => "issuer_unreachable",
                SsoError::Rejected(_) => "sso_rejected",
                SsoError::DomainNotAllowed => "domain_not_allowed",
            });
        }
    };
    match service::sso_sign_in(&state, identity, &client).await {
        Ok(session) => {
            let mut cleared = Cookie::build(FLOW_COOKIE, "").path(FLOW_PATH).finish();
            cleared.make_removal();
            redirect(&flow.next).cookie(session_cookie(&state, &session.refresh_token)).cookie(cleared).finish()
        }
        Err(e) => failed(e.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_app() {
        assert_eq!(safe_next(Some("/tickets/1".into())), "/tickets/1");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/tickets");
        assert_eq!(safe_next(Some("//evil.example".into())), "/tickets");
        assert_eq!(safe_next(Some("/api/v1/auth/sso/start".into())), "/tickets");
        assert_eq!(safe_next(None), "/tickets");
    }
}
