//! Arrival history: every ticket arrival per category and per category/subcategory, and
//! the seasonal baseline learned from it.
//!
//! The baseline is multiplicative: the expected arrivals of a key in an hour are the
//! hour-of-week volume of all tickets (the median of the same hour in past weeks, so an
//! incident or a holiday in one week does not move it) times the key's share of all
//! tickets (a trimmed mean of weekly shares, so one incident week does not inflate it).
//! Volume profiles have thirty-odd tickets an hour to learn from; per-key hour-of-week
//! medians would mostly be zeros.

use std::collections::HashMap;

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 24 * HOUR;
const WEEK_HOURS: i64 = 168;

/// What arrivals are counted under: a category, or a category and subcategory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpikeKey {
    pub category: String,
    pub subcategory: Option<String>,
}

impl SpikeKey {
    pub fn category(category: &str) -> Self {
        Self { category: category.to_string(), subcategory: None }
    }

    pub fn subcategory(category: &str, subcategory: &str) -> Self {
        Self { category: category.to_string(), subcategory: Some(subcategory.to_string()) }
    }
}

impl std::fmt::Display for SpikeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.subcategory {
            Some(sub) => write!(f, "{}/{sub}", self.category),
            None => f.write_str(&self.category),
        }
    }
}

/// How the baseline is learned.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineConfig {
    /// Past weeks whose same hour gives the hour-of-week volume (median).
    pub weeks: i64,
    /// Past weeks whose shares give a key's share of all tickets (trimmed mean).
    pub share_weeks: i64,
    /// Floor of the expected arrivals of a key per hour, so a key never seen in an hour
    /// does not make one ticket look like a spike.
    pub min_expected_per_hour: f64,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        Self { weeks: 8, share_weeks: 4, min_expected_per_hour: 0.05 }
    }
}

/// Arrivals in time order, counted per hour and per key.
#[derive(Debug, Default, Clone)]
pub struct ArrivalHistory {
    first_hour: Option<i64>,
    hourly_total: Vec<u32>,
    keys: Vec<SpikeKey>,
    index: HashMap<SpikeKey, usize>,
    times: Vec<Vec<i64>>,
    hourly: Vec<Vec<u32>>,
}

impl ArrivalHistory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a history from arrivals in any order (`(unix seconds, category, subcategory)`).
    pub fn from_arrivals(mut arrivals: Vec<(i64, String, Option<String>)>) -> Self {
        arrivals.sort_by_key(|a| a.0);
        let mut history = Self::new();
        for (at, category, subcategory) in arrivals {
            history.push(at, &category, subcategory.as_deref());
        }
        history
    }

    /// Records one arrival; arrivals come in time order (a late one is placed in order).
    pub fn push(&mut self, at: i64, category: &str, subcategory: Option<&str>) {
        let hour = at.div_euclid(HOUR);
        let mut first = *self.first_hour.get_or_insert(hour);
        if hour < first {
            // Earlier than anything seen: shift the hourly counts to start at this hour.
            let shift = (first - hour) as usize;
            for counts in std::iter::once(&mut self.hourly_total).chain(self.hourly.iter_mut()) {
                counts.splice(0..0, std::iter::repeat_n(0, shift));
            }
            self.first_hour = Some(hour);
            first = hour;
        }
        let slot = (hour - first) as usize;
        if self.hourly_total.len() <= slot {
            self.hourly_total.resize(slot + 1, 0);
        }
        self.hourly_total[slot] += 1;
        let mut keys = vec![SpikeKey::category(category)];
        if let Some(sub) = subcategory {
            keys.push(SpikeKey::subcategory(category, sub));
        }
        for key in keys {
            let k = self.key_index(key);
            let times = &mut self.times[k];
            let pos = times.partition_point(|t| *t <= at);
            times.insert(pos, at);
            let hourly = &mut self.hourly[k];
            if hourly.len() <= slot {
                hourly.resize(slot + 1, 0);
            }
            hourly[slot] += 1;
        }
    }

    fn key_index(&mut self, key: SpikeKey) -> usize {
        if let Some(k) = self.index.get(&key) {
            return *k;
        }
        self.keys.push(key.clone());
        self.times.push(Vec::new());
        self.hourly.push(Vec::new());
        self.index.insert(key, self.keys.len() - 1);
        self.keys.len() - 1
    }

    /// The keys seen so far, with their index for the other queries.
    pub fn keys(&self) -> impl Iterator<Item = (usize, &SpikeKey)> {
        self.keys.iter().enumerate()
    }

    /// Unix second of the first arrival's hour, if any.
    pub fn start(&self) -> Option<i64> {
        self.first_hour.map(|h| h * HOUR)
    }

    /// Arrivals of key `k` in `(from, to]`.
    pub fn count(&self, k: usize, from: i64, to: i64) -> u64 {
        let times = &self.times[k];
        (times.partition_point(|t| *t <= to) - times.partition_point(|t| *t <= from)) as u64
    }

    /// Arrival times of key `k` in `(from, to]`.
    pub fn times(&self, k: usize, from: i64, to: i64) -> &[i64] {
        let times = &self.times[k];
        &times[times.partition_point(|t| *t <= from)..times.partition_point(|t| *t <= to)]
    }

    fn total_at(&self, hour: i64) -> Option<u32> {
        let first = self.first_hour?;
        if hour < first {
            return None;
        }
        Some(self.hourly_total.get((hour - first) as usize).copied().unwrap_or(0))
    }

    /// The expected volume of all tickets in `hour` (an absolute hour number): the median of
    /// the same hour of the week in up to `weeks` weeks before it and, for an hour already
    /// past, after it too, counting only hours before `known_until` (the hour in progress);
    /// `None` when no such week is known.
    pub fn hourly_volume(&self, hour: i64, known_until: i64, config: &BaselineConfig) -> Option<f64> {
        let mut weeks: Vec<u32> = (1..=config.weeks)
            .flat_map(|w| [hour - w * WEEK_HOURS, hour + w * WEEK_HOURS])
            .filter(|h| *h < known_until)
            .filter_map(|h| self.total_at(h))
            .collect();
        if weeks.is_empty() {
            return None;
        }
        weeks.sort_unstable();
        let n = weeks.len();
        Some(f64::from(weeks[(n - 1) / 2] + weeks[n / 2]) / 2.0)
    }

    /// Key `k`'s share of all tickets in the `share_weeks` weeks before `until`: the mean of
    /// the weekly shares without the largest when three or more weeks are known.
    pub fn share(&self, k: usize, until: i64, config: &BaselineConfig) -> f64 {
        let Some(first) = self.first_hour else { return 0.0 };
        let end_hour = until.div_euclid(HOUR);
        let mut shares = Vec::new();
        for w in 0..config.share_weeks {
            let hi = end_hour - w * WEEK_HOURS;
            let lo = (hi - WEEK_HOURS).max(first);
            if hi <= first {
                break;
            }
            let range = (lo - first) as usize..(hi - first) as usize;
            let sum = |v: &[u32]| -> u64 {
                v.get(range.start.min(v.len())..range.end.min(v.len()))
                    .unwrap_or(&[])
                    .iter()
                    .map(|c| u64::from(*c))
                    .sum()
            };
            let total = sum(&self.hourly_total);
            if total > 0 {
                shares.push(sum(&self.hourly[k]) as f64 / total as f64);
            }
        }
        if shares.len() >= 3 {
            shares.sort_by(f64::total_cmp);
            shares.pop();
        }
        if shares.is_empty() { 0.0 } else { shares.iter().sum::<f64>() / shares.len() as f64 }
    }

    /// Expected arrivals in `(from, to]` for a key with `share`, pro rata within hours, from
    /// what is known at `now`; `None` when some hour has no other week to learn from.
    pub fn expected(&self, share: f64, from: i64, to: i64, now: i64, config: &BaselineConfig) -> Option<f64> {
        let known_until = now.div_euclid(HOUR);
        let mut mu = 0.0;
        let mut at = from;
        while at < to {
            let hour = at.div_euclid(HOUR);
            let next = ((hour + 1) * HOUR).min(to);
            let volume = self.hourly_volume(hour, known_until, config)?;
            let per_hour = (share * volume).max(config.min_expected_per_hour);
            mu += per_hour * (next - at) as f64 / HOUR as f64;
            at = next;
        }
        Some(mu)
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
