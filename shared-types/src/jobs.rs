//! Background jobs as the admin API shows them: queue statistics, jobs with their last
//! error, and the query of the job list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its `runAt` and a free worker (also after a failed attempt, until the retry).
    Queued,
    /// Claimed by a worker, which holds a lease on it.
    Running,
    /// Done.
    Succeeded,
    /// Out of attempts (or failed permanently); kept with its last error until retried or
    /// discarded.
    Dead,
}

impl JobState {
    /// Every state, in life order.
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Dead];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Dead => "dead",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A background job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobDto {
    /// The job's id.
    pub id: Uuid,
    /// What it does, e.g. `ticket.categorise`.
    pub kind: String,
    /// Its input, as its handler reads it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    /// Where it is in its life.
    pub state: JobState,
    /// Runs started so far.
    pub attempts: i32,
    /// Runs allowed before it is parked as dead.
    pub max_attempts: i32,
    /// Not run before this instant (the next retry, for a queued job that failed).
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub run_at: DateTime<Utc>,
    /// The worker holding it, while running.
    pub lease_owner: Option<String>,
    /// When that worker's lease runs out unless renewed.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The error of the latest failed attempt.
    pub last_error: Option<String>,
    /// Key that keeps a second live job of the same meaning from being enqueued.
    pub dedupe_key: Option<String>,
    /// When it was enqueued.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// When it succeeded or died.
    #[serde(default, deserialize_with = "crate::time::rfc3339_opt")]
    pub finished_at: Option<DateTime<Utc>>,
}

/// How many jobs of one kind are in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobCountDto {
    /// The kind.
    pub kind: String,
    /// The state.
    pub state: JobState,
    /// How many.
    pub count: u64,
}

/// Answer of `GET /api/v1/admin/jobs/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobStatsDto {
    /// Counts per kind and state; combinations with no job are left out.
    pub counts: Vec<JobCountDto>,
    /// Jobs waiting to run, over all kinds (due or not).
    pub queued: u64,
    /// Jobs running now.
    pub running: u64,
    /// Jobs parked as dead.
    pub dead: u64,
    /// Seconds the oldest due queued job has been waiting to run; absent when none is due.
    pub oldest_queued_age_secs: Option<u64>,
    /// The queue length over which admins are notified.
    pub backlog_threshold: u64,
    /// The job kinds this instance can run.
    pub registered_kinds: Vec<String>,
}

/// Query of `GET /api/v1/admin/jobs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct JobListQuery {
    /// Only jobs in this state.
    pub state: Option<JobState>,
    /// Only jobs of this kind.
    pub kind: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Items per page, 1 to 100.
    pub limit: Option<u64>,
}
