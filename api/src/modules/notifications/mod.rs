//! In-app notifications: messages for one user or for everyone holding a permission, each
//! marked read by each reader. Other modules write them with [`service::create`] inside their
//! own transactions; [`announce`] pushes a committed one to the recipients' open sockets.

pub mod routes;
pub mod service;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::notification;
use crate::infra::bus::Bus;

/// The bus topic committed notifications travel on, to every instance's realtime hub.
pub const NOTIFICATION_TOPIC: &str = "notification";

/// A committed notification as it travels to the realtime hubs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationEvent {
    /// The notification.
    pub id: Uuid,
    /// Its recipient user, if one.
    pub user_id: Option<Uuid>,
    /// Its recipients' permission, if that.
    pub permission: Option<String>,
    /// Its kind.
    pub kind: String,
    /// Its sentence.
    pub message: String,
}

/// Publishes a committed notification to the realtime hubs of every instance.
pub async fn announce(bus: &Bus, n: &notification::Model) {
    let event = NotificationEvent {
        id: n.id,
        user_id: n.recipient_user_id,
        permission: n.recipient_permission.clone(),
        kind: n.kind.clone(),
        message: n.message.clone(),
    };
    if let Ok(payload) = serde_json::to_string(&event)
        && let Err(e) = bus.publish(NOTIFICATION_TOPIC, &payload).await
    {
        tracing::warn!(error = %e, "could not announce a notification");
    }
}

/// Registers `/notifications` routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/notifications").service(routes::list).service(routes::mark_read));
}
