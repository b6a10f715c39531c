//! What admins may do with the queues: read statistics and jobs, retry a dead job, discard a
//! dead or queued one. Retry and discard are audited in the transaction of the change.

use serde_json::json;
use shared_types::Permission;
use shared_types::jobs::{JobCountDto, JobDto, JobListQuery, JobState, JobStatsDto};
use uuid::Uuid;

use super::store;
use crate::entities::job;
use crate::error::ApiError;
use crate::modules::audit::{self, AuditEntry, ClientInfo};
use crate::modules::auth::Access;
use crate::paging::Paging;
use crate::state::AppState;

fn not_found() -> ApiError {
    ApiError::not_found("job_not_found", "No such job")
}

/// The API's view of a job.
pub fn dto(m: job::Model) -> JobDto {
    JobDto {
        id: m.id,
        payload: serde_json::from_str(&m.payload).unwrap_or(serde_json::Value::String(m.payload)),
        state: JobState::parse(&m.state).unwrap_or(JobState::Dead),
        kind: m.kind,
        attempts: m.attempts,
        max_attempts: m.max_attempts,
        run_at: m.run_at,
        lease_owner: m.lease_owner,
        lease_expires_at: m.lease_expires_at,
        last_error: m.last_error,
        dedupe_key: m.dedupe_key,
        created_at: m.created_at,
        updated_at: m.updated_at,
        finished_at: m.finished_at,
    }
}

/// The job admin rules over the application state.
pub struct JobAdmin<'a> {
    state: &'a AppState,
}

impl<'a> JobAdmin<'a> {
    /// The rules, for `actor` once they hold `admin:jobs`.
    pub fn new(state: &'a AppState, actor: &Access) -> Result<Self, ApiError> {
        actor.require(Permission::AdminJobs)?;
        Ok(Self { state })
    }

    /// Counts per kind and state, and the age of the oldest due job.
    pub async fn stats(&self) -> Result<JobStatsDto, ApiError> {
        let counts = store::counts(&self.state.db).await?;
        let total = |state: JobState| counts.iter().filter(|(_, s, _)| *s == state).map(|(_, _, n)| n).sum();
        let now = self.state.clock.now();
        let oldest = store::oldest_due(&self.state.db, now).await?;
        Ok(JobStatsDto {
            queued: total(JobState::Queued),
            running: total(JobState::Running),
            dead: total(JobState::Dead),
            oldest_queued_age_secs: oldest.map(|t| (now - t).num_seconds().max(0) as u64),
            backlog_threshold: self.state.settings.jobs_backlog_threshold,
            registered_kinds: self.state.jobs.registry().kinds().map(str::to_string).collect(),
            counts: counts.into_iter().map(|(kind, state, count)| JobCountDto { kind, state, count }).collect(),
        })
    }

    /// A page of jobs, newest first.
    pub async fn list(&self, q: &JobListQuery, paging: Paging) -> Result<(Vec<JobDto>, u64), ApiError> {
        let (rows, total) =
            store::list(&self.state.db, q.state, q.kind.as_deref(), paging.offset(), paging.limit).await?;
        Ok((rows.into_iter().map(dto).collect(), total.max(0) as u64))
    }

    /// Queues a dead job again with fresh attempts.
    pub async fn retry(&self, actor: &Access, client: &ClientInfo, id: Uuid) -> Result<JobDto, ApiError> {
        let now = self.state.clock.now();
        let txn = self.state.writer.begin().await?;
        let job = store::get(&txn, id).await?.ok_or_else(not_found)?;
        if !store::retry_dead(&txn, id, now).await? {
            return Err(ApiError::conflict(
                "job_not_dead",
                format!("Only dead jobs can be retried; this one is {}", job.state),
            ));
        }
        let entry = AuditEntry::by(actor, "job:retry", "job", Some(id))
            .details(json!({"kind": job.kind, "attempts": job.attempts, "lastError": job.last_error}));
        audit::record(&txn, entry, client, now).await?;
        let job = store::get(&txn, id).await?.ok_or_else(not_found)?;
        txn.commit().await?;
        self.state.jobs.wake().await;
        Ok(dto(job))
    }

    /// Deletes a dead or queued job.
    pub async fn discard(&self, actor: &Access, client: &ClientInfo, id: Uuid) -> Result<(), ApiError> {
        let now = self.state.clock.now();
        let txn = self.state.writer.begin().await?;
        let job = store::get(&txn, id).await?.ok_or_else(not_found)?;
        if !store::discard(&txn, id).await? {
            return Err(ApiError::conflict(
                "job_not_discardable",
                format!("Only dead or queued jobs can be discarded; this one is {}", job.state),
            ));
        }
        let entry = AuditEntry::by(actor, "job:discard", "job", Some(id)).details(
            json!({"kind": job.kind, "state": job.state, "attempts": job.attempts, "lastError": job.last_error}),
        );
        audit::record(&txn, entry, client, now).await?;
        txn.commit().await?;
        Ok(())
    }
}
