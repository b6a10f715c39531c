//! Sign-in, token rotation and sign-out.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use shared_types::RoleName;
use shared_types::auth::LoginResponse;
use uuid::Uuid;

use super::sso::Identity;
use super::{password, tokens, users};
use crate::entities::{refresh_token, user};
use crate::error::ApiError;
use crate::modules::audit::{self, AuditEntry, ClientInfo};
use crate::state::AppState;

fn account_key(email: &str) -> String {
    format!("login:acct:{email}")
}

fn ip_key(ip: &str) -> String {
    format!("login:ip:{ip}")
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthenticated("invalid_credentials", "The e-mail address or password is wrong")
}

/// Whether either counter is over its limit; the longer wait wins.
async fn throttled(state: &AppState, email: &str, ip: Option<&str>) -> Result<Option<u64>, ApiError> {
    let s = &state.settings;
    let mut wait = state.throttle.blocked_for(&account_key(email), s.login_max_failures_per_account).await?;
    if let Some(ip) = ip
        && let Some(w) = state.throttle.blocked_for(&ip_key(ip), s.login_max_failures_per_ip).await?
    {
        wait = Some(wait.map_or(w, |a| a.max(w)));
    }
    Ok(wait)
}

async fn record_failure(state: &AppState, email: &str, ip: Option<&str>) -> Result<(), ApiError> {
    let window = std::time::Duration::from_secs(state.settings.login_window_secs);
    state.throttle.record_failure(&account_key(email), window).await?;
    if let Some(ip) = ip {
        state.throttle.record_failure(&ip_key(ip), window).await?;
    }
    Ok(())
}

/// Checks a password and opens a session (a new refresh-token family).
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<LoginResponse, ApiError> {
    let email = users::normalise_email(email);
    let ip = client.ip.as_deref();
    if let Some(wait) = throttled(state, &email, ip).await? {
        return Err(ApiError::too_many_requests(wait));
    }
    let user = users::find_by_email(&state.db, &email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone()).unwrap_or_else(|| state.decoy_hash.clone());
    let matches = password::verify(password.to_string(), hash).await?;
    let now = state.clock.now();
    let Some(user) = user.filter(|u| matches && u.password_hash.is_some()) else {
        record_failure(state, &email, ip).await?;
        let entry = AuditEntry {
            user_id: None,
            user_email: Some(email.clone()),
            action: "auth:login",
            resource_type: "session",
            resource_id: None,
            details: None,
            success: false,
        };
        audit::record(&state.db, entry, client, now).await?;
        return Err(invalid_credentials());
    };
    if !user.is_active {
        return Err(ApiError::unauthenticated("account_disabled", "This account is deactivated"));
    }
    state.throttle.reset(&account_key(&email)).await?;
    open_session(state, user, client, "auth:login").await
}

/// Signs in the account the SSO issuer vouched for, creating it as an employee when the
/// settings allow. A password account with the same address is the same person: the issuer
/// has verified the address.
pub async fn sso_sign_in(state: &AppState, who: Identity, client: &ClientInfo) -> Result<LoginResponse, ApiError> {
    let email = users::normalise_email(&who.email);
    let user = match users::find_by_email(&state.db, &email).await? {
        Some(user) => user,
        None if state.sso.as_ref().is_some_and(|s| s.create_users) => {
            let now = state.clock.now();
            let name = who.name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
            let txn = state.writer.begin().await?;
            let user = users::create(&txn, &email, &name, None, RoleName::Employee.as_str(), now).await?;
            users::set_provider(&txn, user.id, "oidc").await?;
            let entry = AuditEntry {
                user_id: Some(user.id),
                user_email: Some(email.clone()),
                action: "user:create_sso",
                resource_type: "user",
                resource_id: Some(user.id),
                details: None,
                success: true,
            };
            audit::record(&txn, entry, client, now).await?;
            txn.commit().await?;
            user
        }
        None => {
            return Err(ApiError::unauthenticated(
                "sso_unknown_account",
                "No account uses this e-mail address; ask an administrator to create one",
            ));
        }
    };
    if !user.is_active {
        return Err(ApiError::unauthenticated("account_disabled", "This account is deactivated"));
    }
    open_session(state, user, client, "auth:login_sso").await
}

/// Starts a new refresh-token family for `user` and answers the first pair of tokens.
async fn open_session(
    state: &AppState,
    user: user::Model,
    client: &ClientInfo,
    action: &'static str,
) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now();
    let refresh = tokens::new_refresh_token();
    let txn = state.writer.begin().await?;
    insert_refresh(&txn, state, user.id, Uuid::now_v7(), &refresh, client).await?;
    users::touch_login(&txn, user.id, now).await?;
    let entry = AuditEntry {
        user_id: Some(user.id),
        user_email: Some(user.email.clone()),
        action,
        resource_type: "session",
        resource_id: None,
        details: None,
        success: true,
    };
    audit::record(&txn, entry, client, now).await?;
    txn.commit().await?;
    let roles = users::roles_of(&state.db, &[user.id]).await?.remove(&user.id).unwrap_or_default();
    Ok(LoginResponse {
        access_token: state.tokens.issue(user.id, now)?,
        refresh_token: refresh,
        expires_in: state.tokens.ttl_secs,
        user: users::dto(user, &roles),
    })
}

async fn insert_refresh(
    db: &impl sea_orm::ConnectionTrait,
    state: &AppState,
    user_id: Uuid,
    family_id: Uuid,
    token: &str,
    client: &ClientInfo,
) -> Result<Uuid, ApiError> {
    let now = state.clock.now();
    let id = Uuid::now_v7();
    let model = refresh_token::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        token_hash: Set(tokens::hash_refresh_token(token)),
        family_id: Set(family_id),
        expires_at: Set(now + Duration::days(state.settings.refresh_token_ttl_days as i64)),
        used_at: Set(None),
        revoked_at: Set(None),
        replaced_by: Set(None),
        ip_address: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        created_at: Set(now),
    };
    refresh_token::Entity::insert(model).exec_without_returning(db).await?;
    Ok(id)
}

async fn revoke_family(
    db: &impl sea_orm::ConnectionTrait,
    family_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn invalid_refresh() -> ApiError {
    ApiError::unauthenticated("invalid_refresh_token", "The refresh token is invalid or expired; sign in again")
}

/// Exchanges a refresh token for a new pair. A token used twice means it
/// was stolen (or replayed): its whole family is revoked.
pub async fn refresh(state: &AppState, token: &str, client: &ClientInfo) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now();
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(tokens::hash_refresh_token(token)))
        .one(&state.db)
        .await?
        .ok_or_else(invalid_refresh)?;
    let reuse = || async {
        revoke_family(&state.db, row.family_id, now).await?;
        let entry = AuditEntry {
            user_id: Some(row.user_id),
            user_email: None,
            action: "auth:refresh_reuse",
            resource_type: "session",
            resource_id: Some(row.family_id),
            details: None,
            success: false,
        };
        audit::record(&state.db, entry, client, now).await?;
        tracing::warn!(user_id = %row.user_id, family = %row.family_id, "refresh token reused; family revoked");
        Err::<LoginResponse, ApiError>(ApiError::unauthenticated(
            "refresh_token_reused",
            "This refresh token was already used; every session of its family is revoked",
        ))
    };
    if row.revoked_at.is_some() && row.used_at.is_none() {
        return Err(invalid_refresh());
    }
    let grace = Duration::seconds(state.settings.refresh_reuse_grace_secs as i64);
    let just_rotated = |r: &refresh_token::Model| {
        r.revoked_at.is_none() && r.used_at.is_some_and(|used| now - used <= grace) && r.expires_at > now
    };
    if row.used_at.is_some() && !just_rotated(&row) {
        return reuse().await;
    }
    if row.expires_at <= now {
        return Err(invalid_refresh());
    }
    let user = users::find(&state.db, row.user_id).await?.ok_or_else(invalid_refresh)?;
    if !user.is_active {
        return Err(ApiError::unauthenticated("account_disabled", "This account is deactivated"));
    }
    let new_token = tokens::new_refresh_token();
    let txn = state.writer.begin().await?;
    let new_id = insert_refresh(&txn, state, user.id, row.family_id, &new_token, client).await?;
    if row.used_at.is_none() {
        // Only one of two concurrent refreshes with the same token can claim it.
        let claimed = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(now)))
            .col_expr(refresh_token::Column::ReplacedBy, Expr::value(Some(new_id)))
            .filter(refresh_token::Column::Id.eq(row.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            // The other request won the claim a moment ago; within the grace window this one
            // gets a sibling token of the same family instead of revoking it.
            let current = refresh_token::Entity::find_by_id(row.id).one(&txn).await?;
            if !current.as_ref().is_some_and(just_rotated) {
                txn.rollback().await?;
                return reuse().await;
            }
        }
    }
    txn.commit().await?;
    let roles = users::roles_of(&state.db, &[user.id]).await?.remove(&user.id).unwrap_or_default();
    Ok(LoginResponse {
        access_token: state.tokens.issue(user.id, now)?,
        refresh_token: new_token,
        expires_in: state.tokens.ttl_secs,
        user: users::dto(user, &roles),
    })
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored.
pub async fn logout(state: &AppState, token: &str, client: &ClientInfo) -> Result<(), ApiError> {
    let now = state.clock.now();
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(tokens::hash_refresh_token(token)))
        .one(&state.db)
        .await?;
    if let Some(row) = row {
        let txn = state.writer.begin().await?;
        revoke_family(&txn, row.family_id, now).await?;
        let entry = AuditEntry {
            user_id: Some(row.user_id),
            user_email: None,
            action: "auth:logout",
            resource_type: "session",
            resource_id: Some(row.family_id),
            details: None,
            success: true,
        };
        audit::record(&txn, entry, client, now).await?;
        txn.commit().await?;
    }
    Ok(())
}
