//! In-app notifications: messages for one user, or for everyone holding a permission (such as
//! the job-queue alerts for `admin:jobs`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// Kind of the alert raised when the job queue grows past its threshold.
pub const KIND_JOBS_BACKLOG: &str = "jobs.backlog";

/// A notification as its reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationDto {
    /// The notification's id.
    pub id: Uuid,
    /// What it is about, e.g. `jobs.backlog`.
    pub kind: String,
    /// A sentence for people.
    pub message: String,
    /// Facts particular to the kind (for `jobs.backlog`: `queued` and `threshold`).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
    /// When the caller read it; absent while unread.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub read_at: Option<DateTime<Utc>>,
    /// When it was written.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// Query of `GET /api/v1/notifications`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct NotificationListQuery {
    /// Only unread notifications (`true`).
    pub unread: Option<bool>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 100.
    pub limit: Option<u64>,
}
