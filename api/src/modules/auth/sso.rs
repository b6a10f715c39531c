//! Single sign-on with any OpenID Connect issuer (Google Workspace, Entra ID, Okta, Keycloak):
//! the authorization-code flow with PKCE, a nonce, and a signed ID token checked against the
//! issuer's published keys.
//!
//! Nothing is kept in memory between the start and the callback: the state, nonce and PKCE
//! verifier travel in a signed, short-lived cookie, so any instance can finish a sign-in
//! another one started.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use super::tokens::SsoFlow;
use crate::settings::Settings;

/// The extra field an OIDC token response carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct IdTokenField {
    id_token: String,
}
impl ExtraTokenFields for IdTokenField {}

type OidcTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

/// A client before its endpoints are set.
type UnsetClient = Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

/// A client with its sign-in and token endpoints set.
type OidcClient = Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The issuer's `.well-known/openid-configuration`, the parts we use.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    userinfo_endpoint: Option<String>,
}

/// The ID-token claims we read.
#[derive(Debug, Clone, Deserialize)]
struct IdClaims {
    sub: String,
    email: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
    nonce: Option<String>,
}

/// Who the issuer says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The verified e-mail address.
    pub email: String,
    /// Display name, when the issuer sent one.
    pub name: Option<String>,
}

/// Why a sign-in could not finish. The message is safe to show; the log gets the cause.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// The issuer could not be reached or answered nonsense.
    #[error("the sign-in service could not be reached")]
    Issuer(#[source] anyhow::Error),
    /// The ID token or the flow failed a check.
    #[error("the sign-in could not be verified")]
    Rejected(&'static str),
    /// The address is not allowed to sign in here.
    #[error("this e-mail domain may not sign in here")]
    DomainNotAllowed,
}

struct Keys {
    discovery: Discovery,
    jwks: JwkSet,
    fetched: Instant,
}

/// A configured OIDC issuer.
pub struct Sso {
    issuer: String,
    client_id: String,
    client_secret: String,
    /// Label of the sign-in button.
    pub display_name: String,
    /// Create unknown users as employees.
    pub create_users: bool,
    redirect_url: Option<String>,
    allowed_domains: Vec<String>,
    http: reqwest::Client,
    keys: RwLock<Option<Keys>>,
}

/// Keys are re-read at most this often when a token names an unknown key id.
const KEY_REFRESH: Duration = Duration::from_secs(60);

impl Sso {
    /// The issuer from the settings, if SSO is configured.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let (Some(issuer), Some(client_id), Some(secret)) =
            (&settings.oidc_issuer, &settings.oidc_client_id, &settings.oidc_client_secret)
        else {
            return Ok(None);
        };
        let http = reqwest::Client::builder()
            // The token endpoint must not redirect the code elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        let allowed_domains = settings
            .oidc_allowed_domains
            .split(',')
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        Ok(Some(Self {
            issuer: issuer.trim_end_matches('/').to_string(),
            client_id: client_id.clone(),
            client_secret: secret.expose().to_string(),
            display_name: settings.oidc_display_name.clone(),
            create_users: settings.oidc_create_users,
            redirect_url: settings.oidc_redirect_url.clone(),
            allowed_domains,
            http,
            keys: RwLock::new(None),
        }))
    }

    /// The callback URL: the configured one, else this server's as the browser reached it.
    pub fn redirect_url(&self, reached_at: &str) -> String {
        self.redirect_url.clone().unwrap_or_else(|| format!("{reached_at}/api/v1/auth/sso/callback"))
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, SsoError> {
        let response = self.http.get(url).send().await.map_err(|e| SsoError::Issuer(e.into()))?;
        let response = response.error_for_status().map_err(|e| SsoError::Issuer(e.into()))?;
        response.json().await.map_err(|e| SsoError::Issuer(e.into()))
    }

    /// The discovery document and keys, fetched on first use and again when `stale`.
    async fn keys(&self, refresh: bool) -> Result<(Discovery, JwkSet), SsoError> {
        if let Some(k) = self.keys.read().await.as_ref()
            && (!refresh || k.fetched.elapsed() < KEY_REFRESH)
        {
            return Ok((k.discovery.clone(), k.jwks.clone()));
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let discovery: Discovery = self.get_json(&url).await?;
        if discovery.issuer.trim_end_matches('/') != self.issuer {
            return Err(SsoError::Issuer(anyhow::anyhow!("discovery names issuer {}", discovery.issuer)));
        }
        let jwks: JwkSet = self.get_json(&discovery.jwks_uri).await?;
        *self.keys.write().await =
            Some(Keys { discovery: discovery.clone(), jwks: jwks.clone(), fetched: Instant::now() });
        Ok((discovery, jwks))
    }

    fn client(&self, discovery: &Discovery, redirect: &str) -> Result<OidcClient, SsoError> {
        let bad = |e: oauth2::url::ParseError| SsoError::Issuer(e.into());
        Ok(UnsetClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(discovery.authorization_endpoint.clone()).map_err(bad)?)
            .set_token_uri(TokenUrl::new(discovery.token_endpoint.clone()).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(redirect.to_string()).map_err(bad)?))
    }

    /// The issuer's sign-in URL, and the flow to keep in the signed cookie.
    pub async fn start(&self, redirect: String, next: String) -> Result<(String, SsoFlow), SsoError> {
        let (discovery, _) = self.keys(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random().secret().clone();
        let (url, state) = self
            .client(&discovery, &redirect)?
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("openid".into()))
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .add_extra_param("nonce", nonce.clone())
            .set_pkce_challenge(challenge)
            .url();
        let flow = SsoFlow {
            state: state.secret().clone(),
            nonce,
            verifier: verifier.secret().clone(),
            redirect,
            next,
            aud: String::new(),
            exp: 0,
        };
        Ok((url.to_string(), flow))
    }

    /// Exchanges the code and verifies the ID token it brings.
    pub async fn finish(&self, flow: &SsoFlow, code: String) -> Result<Identity, SsoError> {
        let (discovery, _) = self.keys(false).await?;
        let response = self
            .client(&discovery, &flow.redirect)?
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Issuer(anyhow::anyhow!("token request failed: {e}")))?;
        let mut claims = self.verify_id_token(&response.extra_fields().id_token).await?;
        if claims.email.is_none()
            && let Some(url) = &discovery.userinfo_endpoint
        {
            // Issuers that follow the OIDC rule of putting scope claims only at userinfo.
            claims = self.user_info(url, response.access_token().secret(), claims).await?;
        }
        identity(claims, &flow.nonce, &self.allowed_domains)
    }

    /// Fills the e-mail address and name from the userinfo endpoint, for the same subject.
    async fn user_info(&self, url: &str, access_token: &str, claims: IdClaims) -> Result<IdClaims, SsoError> {
        let response =
            self.http.get(url).bearer_auth(access_token).send().await.map_err(|e| SsoError::Issuer(e.into()))?;
        let response = response.error_for_status().map_err(|e| SsoError::Issuer(e.into()))?;
        let info: IdClaims = response.json().await.map_err(|e| SsoError::Issuer(e.into()))?;
        if info.sub != claims.sub {
            return Err(SsoError::Rejected("userinfo describes another subject"));
        }
        Ok(IdClaims { nonce: claims.nonce, ..info })
    }

    async fn verify_id_token(&self, token: &str) -> Result<IdClaims, SsoError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| SsoError::Rejected("malformed ID token"))?;
        let allowed = [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::ES256];
        if !allowed.contains(&header.alg) {
            return Err(SsoError::Rejected("ID token signed with an algorithm we do not accept"));
        }
        let kid = header.kid.ok_or(SsoError::Rejected("ID token names no key"))?;
        let (discovery, mut jwks) = self.keys(false).await?;
        if jwks.find(&kid).is_none() {
            // The issuer may have rotated its keys.
            jwks = self.keys(true).await?.1;
        }
        let jwk = jwks.find(&kid).ok_or(SsoError::Rejected("ID token signed with an unknown key"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| SsoError::Rejected("unusable issuer key"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[discovery.issuer.as_str()]);
        validation.set_audience(&[self.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 60;
        jsonwebtoken::decode::<IdClaims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|_| SsoError::Rejected("ID token signature, issuer, audience or expiry is wrong"))
    }
}

/// The identity in verified claims, after the nonce, e-mail and domain checks.
fn identity(claims: IdClaims, nonce: &str, allowed_domains: &[String]) -> Result<Identity, SsoError> {
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(SsoError::Rejected("ID token nonce does not match"));
    }
    if claims.email_verified == Some(false) {
        return Err(SsoError::Rejected("the issuer has not verified this e-mail address"));
    }
    let email = claims.email.ok_or(SsoError::Rejected("ID token has no e-mail address"))?;
    let domain = email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default();
    if !allowed_domains.is_empty() && !allowed_domains.contains(&domain) {
        return Err(SsoError::DomainNotAllowed);
    }
    Ok(Identity { email, name: claims.name.filter(|n| !n.trim().is_empty()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(email: &str, verified: Option<bool>, nonce: &str) -> IdClaims {
        IdClaims {
            sub: "s".into(),
            email: Some(email.into()),
            email_verified: verified,
            name: None,
            nonce: Some(nonce.into()),
        }
    }

    #[test]
    fn identity_checks_nonce_verification_and_domain() {
        let ok = identity(claims("Ann@Example.com", Some(true), "n1"), "n1", &[]);
        assert_eq!(ok.ok().map(|i| i.email), Some("Ann@Example.com".to_string()));
        assert!(matches!(identity(claims("a@example.com", None, "n1"), "n2", &[]), Err(SsoError::Rejected(_))));
        assert!(matches!(identity(claims("a@example.com", Some(false), "n"), "n", &[]), Err(SsoError::Rejected(_))));
        let domains = vec!["example.com".to_string()];
        assert!(identity(claims("a@EXAMPLE.com", None, "n"), "n", &domains).is_ok());
        assert!(matches!(identity(claims("a@other.org", None, "n"), "n", &domains), Err(SsoError::DomainNotAllowed)));
        let no_email = IdClaims { email: None, ..claims("x@example.com", None, "n") };
        assert!(identity(no_email, "n", &[]).is_err());
    }
}
