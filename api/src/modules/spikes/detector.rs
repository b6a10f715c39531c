//! Spike signals: at a moment `now`, which keys have significantly more arrivals in a
//! recent window than the seasonal baseline expects.
//!
//! The raw baseline (see [`super::history`]) is adjusted for two kinds of expected load,
//! learned from the arrivals alone:
//! - ramps: a key already busy since the start of the local day (a deadline, a batch of
//!   new joiners working through their setup) raises its own expectation for the rest of
//!   the day, by `(arrivals + k) / (expected + k)` before the window. A sudden burst in a
//!   quiet day keeps its full surprise.
//! - monthly recurrence: a key that had a significantly busy day 25 to 35 days ago (the
//!   first working day, the update deadline, month-end payroll) expects that day's ratio
//!   again.
//!
//! A window alerts when its count is improbable under Poisson(expected) (`threshold` in
//! `-log10 p`) and the excess is large enough to matter to a team lead.

use std::collections::HashMap;

use super::history::{ArrivalHistory, BaselineConfig, DAY, HOUR, SpikeKey};
use super::stats::poisson_surprise;

/// Detection settings; `Default` holds the values chosen on the development arrivals.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorConfig {
    pub baseline: BaselineConfig,
    /// Sliding windows compared with the baseline, in minutes.
    pub windows_minutes: Vec<i64>,
    /// A long window (hours) for slow degradations: compared without the ramp adjustment,
    /// with each hour's arrivals capped so bursts do not count.
    pub slow_window_hours: i64,
    /// Minimum `-log10` tail probability of a short window's count to alert.
    pub threshold: f64,
    /// The same for the long window, whose capped counts are less noisy.
    pub slow_threshold: f64,
    /// Minimum arrivals in the window.
    pub min_count: u64,
    /// Minimum arrivals above the expectation.
    pub min_excess: f64,
    /// No alert until this much history exists (a full week of hours to learn from).
    pub min_history_days: i64,
    /// Offset of the local working day from UTC, in minutes (PKT is +300).
    pub utc_offset_minutes: i64,
    /// Prior strength, in tickets, of the day and month adjustments.
    pub adjustment_prior: f64,
    /// Minimum `-log10` tail probability of a past day to count as a recurring busy day.
    pub recurrence_threshold: f64,
}

impl DetectorConfig {
    /// The defaults with the `spikes_*` settings applied.
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        Self {
            threshold: settings.spikes_threshold,
            min_excess: settings.spikes_min_excess,
            utc_offset_minutes: settings.spikes_utc_offset_minutes,
            ..Self::default()
        }
    }
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self {
            baseline: BaselineConfig::default(),
            windows_minutes: vec![30, 60, 120, 240],
            slow_window_hours: 48,
            threshold: 5.5,
            slow_threshold: 4.5,
            min_count: 6,
            min_excess: 6.0,
            min_history_days: 7,
            utc_offset_minutes: 300,
            adjustment_prior: 3.0,
            recurrence_threshold: 3.0,
        }
    }
}

/// One key's significant window at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub key: SpikeKey,
    pub window_start: i64,
    pub window_end: i64,
    pub observed: u64,
    pub expected: f64,
    /// `-log10` of the tail probability.
    pub surprise: f64,
}

/// Evaluates windows; keeps per-day shares and monthly factors between calls.
#[derive(Debug, Clone, Default)]
pub struct SpikeDetector {
    pub config: DetectorConfig,
    day_cache: HashMap<(usize, i64), DayBaseline>,
}

#[derive(Debug, Clone, Copy)]
struct DayBaseline {
    share: f64,
    recurring: f64,
}

impl SpikeDetector {
    pub fn new(config: DetectorConfig) -> Self {
        Self { config, day_cache: HashMap::new() }
    }

    fn local_day(&self, at: i64) -> i64 {
        (at + self.config.utc_offset_minutes * 60).div_euclid(DAY)
    }

    fn day_start(&self, day: i64) -> i64 {
        day * DAY - self.config.utc_offset_minutes * 60
    }

    /// The strongest significant window per key at `now` (only arrivals up to `now` count).
    pub fn evaluate(&mut self, history: &ArrivalHistory, now: i64) -> Vec<Signal> {
        let Some(start) = history.start() else { return Vec::new() };
        if now - start < self.config.min_history_days * DAY {
            return Vec::new();
        }
        let today = self.local_day(now);
        let keys: Vec<(usize, SpikeKey)> = history.keys().map(|(k, key)| (k, key.clone())).collect();
        let mut signals = Vec::new();
        for (k, key) in keys {
            if let Some(signal) = self.evaluate_key(history, k, &key, today, now) {
                signals.push(signal);
            }
        }
        signals
    }

    fn evaluate_key(
        &mut self,
        history: &ArrivalHistory,
        k: usize,
        key: &SpikeKey,
        today: i64,
        now: i64,
    ) -> Option<Signal> {
        let day = self.day_baseline(history, k, today, now);
        let config = &self.config;
        let base = &config.baseline;
        let day_start = self.day_start(today);
        let mut best: Option<Signal> = None;
        let windows = config.windows_minutes.iter().map(|m| (m * 60, true));
        for (length, short) in windows.chain(std::iter::once((config.slow_window_hours * 3600, false))) {
            let from = now - length;
            let (observed, mut expected) = if short {
                (history.count(k, from, now), history.expected(day.share, from, now, now, base)? * day.recurring)
            } else {
                self.slow_window(history, k, day, from, now)?
            };
            if observed < config.min_count {
                continue;
            }
            if short && from > day_start {
                let before = history.count(k, day_start, from) as f64;
                let before_expected = history.expected(day.share, day_start, from, now, base)? * day.recurring;
                let prior = config.adjustment_prior;
                expected *= ((before + prior) / (before_expected + prior)).max(1.0);
            }
            let surprise = poisson_surprise(observed, expected);
            let threshold = if short { config.threshold } else { config.slow_threshold };
            let significant = surprise >= threshold && observed as f64 - expected >= config.min_excess;
            if significant && best.as_ref().is_none_or(|b| surprise > b.surprise) {
                best = Some(Signal {
                    key: key.clone(),
                    window_start: from,
                    window_end: now,
                    observed,
                    expected,
                    surprise,
                });
            }
        }
        best
    }

    /// The long window's arrivals with each hour capped at `2 × expected + 2`: a slow
    /// degradation raises many hours a little, while a burst (already judged by the short
    /// windows) raises a few hours a lot and must not echo here for days after.
    fn slow_window(
        &self,
        history: &ArrivalHistory,
        k: usize,
        day: DayBaseline,
        from: i64,
        now: i64,
    ) -> Option<(u64, f64)> {
        let base = &self.config.baseline;
        let (mut observed, mut expected) = (0u64, 0.0);
        let mut at = from;
        while at < now {
            let next = (at.div_euclid(HOUR) + 1) * HOUR;
            let next = next.min(now);
            let mu = history.expected(day.share, at, next, now, base)? * day.recurring;
            let cap = (2.0 * mu + 2.0).floor() as u64;
            observed += history.count(k, at, next).min(cap);
            expected += mu;
            at = next;
        }
        Some((observed, expected))
    }

    fn day_baseline(&mut self, history: &ArrivalHistory, k: usize, today: i64, now: i64) -> DayBaseline {
        if let Some(day) = self.day_cache.get(&(k, today)) {
            return *day;
        }
        let share = history.share(k, self.day_start(today), &self.config.baseline);
        let mut recurring: f64 = 1.0;
        for back in 25..=35 {
            let from = self.day_start(today - back);
            let to = from + DAY;
            let observed = history.count(k, from, to);
            let Some(expected) = history.expected(share, from, to, now, &self.config.baseline) else { continue };
            if poisson_surprise(observed, expected) >= self.config.recurrence_threshold {
                let prior = self.config.adjustment_prior;
                recurring = recurring.max((observed as f64 + prior) / (expected + prior));
            }
        }
        let day = DayBaseline { share, recurring };
        self.day_cache.insert((k, today), day);
        day
    }
}

#[cfg(test)]
#[path = "detector_tests.rs"]
mod tests;
