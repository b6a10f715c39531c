//! One detection run over the tickets table: count recent arrivals per category and
//! subcategory against the seasonal baseline learned from their history, join signals to
//! the spikes already raised, and raise the new ones with an in-app notification to
//! `incident:manage` holders (team leads, managers, admins).

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;
use shared_types::Permission;
use shared_types::incidents::{IncidentAlertStatus, KIND_INCIDENT_ALERT};
use uuid::Uuid;

use super::detector::{DetectorConfig, Signal, SpikeDetector};
use super::history::{ArrivalHistory, DAY};
use super::repo;
use crate::entities::{incident_alert, notification};
use crate::infra::bus::Bus;
use crate::infra::db::Writer;
use crate::modules::notifications::{self, service::NewNotification};
use crate::modules::tickets::incidents::{TicketArrival, arrivals_since, link_to_parent};

/// What a run needs besides the database.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub detector: DetectorConfig,
    /// Seconds without a signal after which a category's spike is over.
    pub quiet_gap: i64,
}

impl ScanConfig {
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        Self { detector: DetectorConfig::from_settings(settings), quiet_gap: settings.spikes_quiet_gap_minutes * 60 }
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanReport {
    /// Alerts raised by this run.
    pub raised: Vec<Uuid>,
    /// Ongoing alerts that this run's signals joined.
    pub continued: Vec<Uuid>,
}

/// Runs detection at `now` and records its outcome.
pub async fn run(
    db: &impl ConnectionTrait,
    writer: &Writer,
    bus: &Bus,
    config: &ScanConfig,
    now: DateTime<Utc>,
) -> anyhow::Result<ScanReport> {
    let weeks = config.detector.baseline.weeks + 1;
    let since = now - TimeDelta::seconds(weeks * 7 * DAY);
    let arrivals = arrivals_since(db, since).await?;
    let history = ArrivalHistory::from_arrivals(
        arrivals.iter().map(|a| (a.created_at.timestamp(), a.category.clone(), a.subcategory.clone())).collect(),
    );
    let mut signals = SpikeDetector::new(config.detector.clone()).evaluate(&history, now.timestamp());
    signals.sort_by(|a, b| b.surprise.total_cmp(&a.surprise));
    let mut report = ScanReport::default();
    if signals.is_empty() {
        return Ok(report);
    }
    let txn = writer.begin().await?;
    let mut notes = Vec::new();
    for signal in &signals {
        let tickets = tickets_in(&arrivals, signal);
        let ongoing_since = now - TimeDelta::seconds(config.quiet_gap);
        match repo::ongoing(&txn, &signal.key.category, ongoing_since).await? {
            Some(alert) => {
                let id = alert.id;
                // Tickets of a spike already linked to its incident join the incident too.
                if let Some(parent) = alert.parent_ticket_id {
                    link_to_parent(&txn, parent, &tickets, alert.resolved_by, now).await?;
                }
                repo::save(&txn, continued(alert, signal, now)).await?;
                repo::add_tickets(&txn, id, &tickets).await?;
                if !report.continued.contains(&id) && !report.raised.contains(&id) {
                    report.continued.push(id);
                }
            }
            None => {
                let alert = raised(signal, now);
                repo::insert(&txn, alert.clone()).await?;
                repo::add_tickets(&txn, alert.id, &tickets).await?;
                notes.extend(notify(&txn, &alert, &tickets, now).await?);
                report.raised.push(alert.id);
            }
        }
    }
    txn.commit().await?;
    for note in &notes {
        notifications::announce(bus, note).await;
    }
    if !report.raised.is_empty() {
        tracing::warn!(raised = report.raised.len(), "ticket spike raised; incident leads notified");
    }
    Ok(report)
}

fn tickets_in(arrivals: &[TicketArrival], signal: &Signal) -> Vec<Uuid> {
    arrivals
        .iter()
        .filter(|a| a.category == signal.key.category)
        .filter(|a| signal.key.subcategory.is_none() || a.subcategory == signal.key.subcategory)
        .filter(|a| (signal.window_start + 1..=signal.window_end).contains(&a.created_at.timestamp()))
        .map(|a| a.id)
        .collect()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

fn raised(signal: &Signal, now: DateTime<Utc>) -> incident_alert::Model {
    incident_alert::Model {
        id: Uuid::now_v7(),
        category: signal.key.category.clone(),
        subcategory: signal.key.subcategory.clone(),
        status: IncidentAlertStatus::Open.as_str().to_string(),
        window_start: at(signal.window_start),
        window_end: at(signal.window_end),
        observed: i32::try_from(signal.observed).unwrap_or(i32::MAX),
        expected: signal.expected,
        surprise: signal.surprise,
        raised_at: now,
        last_signal_at: now,
        parent_ticket_id: None,
        resolved_by: None,
        resolved_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// `alert` after another signal of its spike: still going on, its strongest window kept (a
/// subcategory names the spike better than its category, so it wins over one).
fn continued(mut alert: incident_alert::Model, signal: &Signal, now: DateTime<Utc>) -> incident_alert::Model {
    alert.last_signal_at = now;
    alert.updated_at = now;
    let sharper = signal.key.subcategory.is_some() && alert.subcategory.is_none();
    let same_key = signal.key.subcategory == alert.subcategory;
    if sharper || (same_key && signal.surprise > alert.surprise) {
        alert.subcategory = signal.key.subcategory.clone();
        alert.window_start = at(signal.window_start);
        alert.window_end = at(signal.window_end);
        alert.observed = i32::try_from(signal.observed).unwrap_or(i32::MAX);
        alert.expected = signal.expected;
        alert.surprise = signal.surprise;
    }
    alert
}

async fn notify(
    conn: &impl ConnectionTrait,
    alert: &incident_alert::Model,
    tickets: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Option<notification::Model>, DbErr> {
    let what = match &alert.subcategory {
        Some(sub) => format!("{} / {sub}", alert.category),
        None => alert.category.clone(),
    };
    let minutes = (alert.window_end - alert.window_start).num_minutes();
    let note = NewNotification {
        user_id: None,
        permission: Some(Permission::IncidentManage),
        kind: KIND_INCIDENT_ALERT,
        message: format!(
            "Possible incident: {} {what} tickets in {minutes} minutes (about {:.1} expected)",
            alert.observed, alert.expected
        ),
        data: Some(json!({
            "alertId": alert.id,
            "category": alert.category,
            "subcategory": alert.subcategory,
            "observed": alert.observed,
            "expected": alert.expected,
            "ticketIds": tickets,
        })),
        dedupe_key: None,
    };
    notifications::service::create(conn, note, now).await
}
