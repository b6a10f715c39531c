//! Access tokens (HS256 JWTs, algorithm pinned) and opaque refresh tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const ISSUER: &str = "helpdesk";
const AUDIENCE: &str = "helpdesk-api";
/// Audience of the signed cookie that carries an SSO sign-in between its start and callback.
const SSO_AUDIENCE: &str = "helpdesk-sso-flow";

/// What the browser carries from `/auth/sso/start` to `/auth/sso/callback`, signed so it
/// cannot be forged: the CSRF state, the OIDC nonce, the PKCE verifier and where to go after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoFlow {
    /// The `state` parameter sent to the issuer.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// The callback URL sent to the issuer (the token request must repeat it).
    pub redirect: String,
    /// The SPA path to return to.
    pub next: String,
    /// Audience, always [`SSO_AUDIENCE`].
    pub aud: String,
    /// Expires at (seconds).
    pub exp: i64,
}

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// Token id.
    pub jti: Uuid,
}

/// Signs and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    flow_validation: Validation,
    /// Access-token lifetime in seconds.
    pub ttl_secs: u64,
}

impl TokenKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        let mut flow_validation = Validation::new(Algorithm::HS256);
        flow_validation.algorithms = vec![Algorithm::HS256];
        flow_validation.set_audience(&[SSO_AUDIENCE]);
        flow_validation.set_required_spec_claims(&["exp", "aud"]);
        flow_validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            flow_validation,
            ttl_secs,
        }
    }

    /// A token for `user_id`, valid from `now` for the configured lifetime.
    pub fn issue(&self, user_id: Uuid, now: DateTime<Utc>) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs as i64,
            jti: Uuid::new_v4(),
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The claims of a valid, unexpired token signed with our key and algorithm.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|data| data.claims)
    }

    /// Signs an SSO flow for its cookie, valid for ten minutes from `now`.
    pub fn sign_sso_flow(&self, mut flow: SsoFlow, now: DateTime<Utc>) -> anyhow::Result<String> {
        flow.aud = SSO_AUDIENCE.into();
        flow.exp = now.timestamp() + 600;
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &flow, &self.encoding)?)
    }

    /// The flow in a cookie we signed, if it has not expired.
    pub fn verify_sso_flow(&self, token: &str) -> Option<SsoFlow> {
        jsonwebtoken::decode::<SsoFlow>(token, &self.decoding, &self.flow_validation).ok().map(|data| data.claims)
    }
}

/// A new refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a refresh token is stored: its SHA-256, hex. The token itself is never stored.
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A random secret for signing, when none is configured.
pub fn new_signing_secret() -> String {
    let bytes: [u8; 48] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_expire() -> anyhow::Result<()> {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 1800);
        let user = Uuid::new_v4();
        let token = keys.issue(user, Utc::now())?;
        assert_eq!(keys.verify(&token).map(|c| c.sub), Some(user));
        let old = keys.issue(user, Utc::now() - chrono::Duration::hours(1))?;
        assert!(keys.verify(&old).is_none(), "expired");
        let other = TokenKeys::new(b"another secret of thirty-two bytes!!", 1800);
        assert!(other.verify(&token).is_none(), "wrong key");
        Ok(())
    }

    #[test]
    fn other_algorithms_are_refused() -> anyhow::Result<()> {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 1800);
        let claims = Claims {
            sub: Uuid::new_v4(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: Utc::now().timestamp(),
            exp: Utc::now().timestamp() + 60,
            jti: Uuid::new_v4(),
        };
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )?;
        assert!(keys.verify(&hs512).is_none());
        // An unsigned token ("alg":"none") is refused too.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims)?);
        assert!(keys.verify(&format!("{header}.{body}.")).is_none());
        Ok(())
    }

    #[test]
    fn sso_flows_round_trip_and_are_not_access_tokens() -> anyhow::Result<()> {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 1800);
        let flow = SsoFlow {
            state: "s".into(),
            nonce: "n".into(),
            verifier: "v".into(),
            redirect: "http://localhost/cb".into(),
            next: "/tickets".into(),
            aud: String::new(),
            exp: 0,
        };
        let signed = keys.sign_sso_flow(flow.clone(), Utc::now())?;
        assert_eq!(keys.verify_sso_flow(&signed).map(|f| f.nonce), Some("n".into()));
        assert!(keys.verify(&signed).is_none(), "a flow cookie is no access token");
        let access = keys.issue(Uuid::new_v4(), Utc::now())?;
        assert!(keys.verify_sso_flow(&access).is_none(), "an access token is no flow cookie");
        let old = keys.sign_sso_flow(flow, Utc::now() - chrono::Duration::minutes(11))?;
        assert!(keys.verify_sso_flow(&old).is_none(), "expired");
        Ok(())
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
    }
}
