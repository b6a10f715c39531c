//! Replaying judged arrivals through the detector, as the scheduled job would see them,
//! and scoring the alerts against the ground truth.
//!
//! Matching: an alert matches an incident when its category is the incident's category or
//! the category of one of its listed subcategories, and it was raised between the
//! incident's start and end (inclusive). An incident is detected by its first matching
//! alert; the delay is that alert's time minus the start. An alert matching no incident but
//! raised during an expected busy event of its category counts as an expected-event alert;
//! any other alert is a false alarm. False alarms a week are over the replayed time after
//! the detector's warm-up.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::alerts::{AlertTracker, SpikeAlert};
use super::detector::{DetectorConfig, SpikeDetector};
use super::history::{ArrivalHistory, DAY};

/// One arrival of the events file.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    pub at: i64,
    pub category: String,
    pub subcategory: String,
}

/// A judged period: an incident or an expected busy event.
#[derive(Debug, Clone, Deserialize)]
pub struct Period {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub category: String,
    #[serde(default)]
    pub subcategories: Vec<String>,
}

impl Period {
    fn name(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.kind)
    }

    fn covers(&self, alert: &SpikeAlert) -> bool {
        let in_time = (self.start.timestamp()..=self.end.timestamp()).contains(&alert.raised_at);
        let category = alert.category == self.category
            || self.subcategories.iter().any(|s| s.split('/').next() == Some(alert.category.as_str()));
        in_time && category
    }
}

/// The ground truth file.
#[derive(Debug, Clone, Deserialize)]
pub struct GroundTruth {
    pub incidents: Vec<Period>,
    #[serde(default)]
    pub expected_events: Vec<Period>,
}

/// The figures printed as the command's last line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub detected: usize,
    pub incidents: usize,
    pub median_delay_minutes: Option<f64>,
    pub false_alarms_per_week: f64,
    pub expected_event_alerts: usize,
    pub alerts: usize,
    pub false_alarms: usize,
}

/// Reads `timestamp,category,subcategory` lines (with a header), in any order.
pub fn read_events(path: &Path) -> anyhow::Result<Vec<Arrival>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut arrivals = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1).filter(|(_, l)| !l.trim().is_empty()) {
        let mut fields = line.split(',').map(str::trim);
        let (Some(at), Some(category), Some(subcategory)) = (fields.next(), fields.next(), fields.next()) else {
            anyhow::bail!("{}:{}: expected timestamp,category,subcategory", path.display(), n + 1);
        };
        let at = DateTime::parse_from_rfc3339(at).with_context(|| format!("{}:{}", path.display(), n + 1))?;
        arrivals.push(Arrival { at: at.timestamp(), category: category.into(), subcategory: subcategory.into() });
    }
    arrivals.sort_by_key(|a| a.at);
    Ok(arrivals)
}

pub fn read_ground_truth(path: &Path) -> anyhow::Result<GroundTruth> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Replays `arrivals` in time order, evaluating every `step` seconds with only the
/// arrivals up to that moment; returns every alert raised and the first evaluated moment.
pub fn replay(arrivals: &[Arrival], config: DetectorConfig, step: i64, quiet_gap: i64) -> (Vec<SpikeAlert>, i64) {
    let Some(first) = arrivals.first() else { return (Vec::new(), 0) };
    let last = arrivals.last().map_or(first.at, |a| a.at);
    let warm_until = first.at.div_euclid(3600) * 3600 + config.min_history_days * DAY;
    let mut detector = SpikeDetector::new(config);
    let mut tracker = AlertTracker::new(quiet_gap);
    let mut history = ArrivalHistory::new();
    let mut next = 0;
    let mut now = (first.at.div_euclid(step) + 1) * step;
    while now <= last + step {
        while next < arrivals.len() && arrivals[next].at <= now {
            let a = &arrivals[next];
            history.push(a.at, &a.category, Some(&a.subcategory));
            next += 1;
        }
        let signals = detector.evaluate(&history, now);
        tracker.observe(now, &signals);
        now += step;
    }
    (tracker.all(), warm_until.min(last))
}

/// Scores `alerts` against `truth`; `from..to` is the replayed time after warm-up.
pub fn score(alerts: &[SpikeAlert], truth: &GroundTruth, from: i64, to: i64) -> (Report, Vec<String>) {
    let mut lines = Vec::new();
    let mut delays = Vec::new();
    for incident in &truth.incidents {
        let first = alerts.iter().filter(|a| incident.covers(a)).map(|a| a.raised_at).min();
        match first {
            Some(at) => {
                let delay = (at - incident.start.timestamp()) as f64 / 60.0;
                lines.push(format!("{} {}: detected after {delay:.0} min", incident.name(), incident.category));
                delays.push(delay);
            }
            None => lines.push(format!("{} {}: missed", incident.name(), incident.category)),
        }
    }
    let mut expected_event_alerts = 0;
    let mut false_alarms = 0;
    for alert in alerts {
        let at = DateTime::from_timestamp(alert.raised_at, 0).unwrap_or_default().format("%Y-%m-%dT%H:%MZ");
        let what =
            format!("{} {at} {}/{:.1} (-log10 p {:.1})", alert.key, alert.observed, alert.expected, alert.surprise);
        if let Some(incident) = truth.incidents.iter().find(|i| i.covers(alert)) {
            lines.push(format!("alert {what}: {}", incident.name()));
        } else if let Some(event) = truth.expected_events.iter().find(|e| e.covers(alert)) {
            expected_event_alerts += 1;
            lines.push(format!("alert {what}: EXPECTED EVENT {}", event.name()));
        } else {
            false_alarms += 1;
            lines.push(format!("alert {what}: false alarm"));
        }
    }
    let weeks = ((to - from) as f64 / (7.0 * DAY as f64)).max(1.0 / 7.0);
    let report = Report {
        detected: delays.len(),
        incidents: truth.incidents.len(),
        median_delay_minutes: median(&mut delays),
        false_alarms_per_week: (false_alarms as f64 / weeks * 100.0).round() / 100.0,
        expected_event_alerts,
        alerts: alerts.len(),
        false_alarms,
    };
    (report, lines)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some((values[(n - 1) / 2] + values[n / 2]) / 2.0)
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
