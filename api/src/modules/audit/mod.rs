//! The audit log: an append-only record of who did what.
//!
//! Other modules write entries with [`record`] inside the transaction of the
//! change, so a change and its entry commit or fail together. Nothing in the
//! API updates or deletes entries, and the database refuses to (triggers).

pub mod routes;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::entities::audit_log;
use crate::error::ApiError;
use crate::modules::auth::access::Access;

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Client address.
    pub ip: Option<String>,
    /// Client software.
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// Reads the client's address (honouring `X-Forwarded-For` only when
    /// `trust_proxy`) and user agent.
    pub fn of(req: &HttpRequest, trust_proxy: bool) -> Self {
        let info = req.connection_info();
        let ip = if trust_proxy {
            info.realip_remote_addr().map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        };
        let user_agent =
            req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(500).collect());
        Self { ip, user_agent }
    }
}

impl FromRequest for ClientInfo {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .map(|s| s.settings.trust_proxy)
            .unwrap_or(false);
        ready(Ok(ClientInfo::of(req, trust)))
    }
}

/// One entry to write.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who did it.
    pub user_id: Option<Uuid>,
    /// Their e-mail address.
    pub user_email: Option<String>,
    /// What, e.g. `ticket:update`.
    pub action: &'static str,
    /// To what kind of thing, e.g. `ticket`.
    pub resource_type: &'static str,
    /// To which one.
    pub resource_id: Option<Uuid>,
    /// Facts particular to the action.
    pub details: Option<serde_json::Value>,
    /// `success` or `failure`.
    pub success: bool,
}

impl AuditEntry {
    /// A successful action by `actor`.
    pub fn by(actor: &Access, action: &'static str, resource_type: &'static str, resource_id: Option<Uuid>) -> Self {
        Self {
            user_id: Some(actor.user_id),
            user_email: Some(actor.email.clone()),
            action,
            resource_type,
            resource_id,
            details: None,
            success: true,
        }
    }

    /// Adds details.
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Marks the action as failed.
    pub fn failed(mut self) -> Self {
        self.success = false;
        self
    }
}

/// Writes `entry` on `conn` (normally the transaction of the change).
pub async fn record(
    conn: &impl ConnectionTrait,
    entry: AuditEntry,
    client: &ClientInfo,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let model = audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        timestamp: Set(now),
        user_id: Set(entry.user_id),
        user_email: Set(entry.user_email),
        action: Set(entry.action.to_string()),
        resource_type: Set(entry.resource_type.to_string()),
        resource_id: Set(entry.resource_id),
        details: Set(entry.details),
        ip_address: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        result: Set(if entry.success { "success" } else { "failure" }.to_string()),
    };
    audit_log::Entity::insert(model).exec_without_returning(conn).await?;
    Ok(())
}
