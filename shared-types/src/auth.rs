//! Sign-in DTOs.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin::UserDto;
use crate::permissions::Permission;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail address.
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// A fresh pair of tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// JWT for `Authorization: Bearer`, valid for `expiresIn` seconds.
    pub access_token: String,
    /// Opaque, single-use token for `POST /api/v1/auth/refresh`.
    /// Browsers also receive it as an httpOnly cookie.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The signed-in user.
    pub user: UserDto,
}

/// Body of `POST /api/v1/auth/refresh` and `/logout`. Browsers may send an
/// empty body and rely on the refresh cookie instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token, when not sent as a cookie.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// A team the caller belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamMembership {
    /// The team's id.
    pub id: Uuid,
    /// The team's name.
    pub name: String,
    /// `member` or `lead`.
    pub role: String,
}

/// Answer of `GET /api/v1/auth/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    /// The caller.
    pub user: UserDto,
    /// Role names.
    pub roles: Vec<String>,
    /// Every permission the roles grant.
    pub permissions: Vec<Permission>,
    /// Teams the caller belongs to.
    pub teams: Vec<TeamMembership>,
}

/// A single sign-on issuer the sign-in page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SsoProvider {
    /// Label of the button, e.g. `Google`.
    pub name: String,
    /// Where the browser goes to start (add `?next=/path` to come back there).
    pub start_url: String,
}

/// Answer of `GET /api/v1/auth/providers`: the ways to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthProviders {
    /// E-mail address and password.
    pub password: bool,
    /// The configured single sign-on issuer, if any.
    pub sso: Option<SsoProvider>,
}
