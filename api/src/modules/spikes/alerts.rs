//! Merging signals into alerts: one alert per ongoing spike, not one per window.
//!
//! Signals of one category (the category itself or any of its subcategories) join the open
//! alert of that category while they keep coming; an alert closes after `quiet_gap`
//! seconds without a signal, and only then can the category raise a new one.

use std::collections::BTreeSet;

use super::detector::Signal;
use super::history::SpikeKey;

/// One raised spike alert.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeAlert {
    pub category: String,
    /// The most significant key so far.
    pub key: SpikeKey,
    /// Every key that signalled during the alert.
    pub keys: BTreeSet<SpikeKey>,
    pub raised_at: i64,
    pub last_signal_at: i64,
    /// The strongest window so far.
    pub window_start: i64,
    pub window_end: i64,
    pub observed: u64,
    pub expected: f64,
    pub surprise: f64,
}

impl SpikeAlert {
    fn from_signal(signal: &Signal) -> Self {
        Self {
            category: signal.key.category.clone(),
            key: signal.key.clone(),
            keys: BTreeSet::from([signal.key.clone()]),
            raised_at: signal.window_end,
            last_signal_at: signal.window_end,
            window_start: signal.window_start,
            window_end: signal.window_end,
            observed: signal.observed,
            expected: signal.expected,
            surprise: signal.surprise,
        }
    }

    fn absorb(&mut self, signal: &Signal) {
        self.keys.insert(signal.key.clone());
        self.last_signal_at = self.last_signal_at.max(signal.window_end);
        // A subcategory names the spike better than its category when both fire.
        let better_key = signal.key.subcategory.is_some() && self.key.subcategory.is_none();
        if signal.surprise > self.surprise || better_key {
            self.key = signal.key.clone();
            self.window_start = signal.window_start;
            self.window_end = signal.window_end;
            self.observed = signal.observed;
            self.expected = signal.expected;
            self.surprise = signal.surprise.max(self.surprise);
        }
    }
}

/// Open and closed alerts over a stream of evaluations.
#[derive(Debug, Clone)]
pub struct AlertTracker {
    quiet_gap: i64,
    open: Vec<SpikeAlert>,
    closed: Vec<SpikeAlert>,
}

impl AlertTracker {
    pub fn new(quiet_gap: i64) -> Self {
        Self { quiet_gap, open: Vec::new(), closed: Vec::new() }
    }

    /// Takes the signals of one evaluation at `now`; returns the alerts raised by it.
    pub fn observe(&mut self, now: i64, signals: &[Signal]) -> Vec<SpikeAlert> {
        let quiet_gap = self.quiet_gap;
        let (still_open, ended): (Vec<_>, Vec<_>) =
            self.open.drain(..).partition(|a| now - a.last_signal_at <= quiet_gap);
        self.open = still_open;
        self.closed.extend(ended);
        let mut raised = Vec::new();
        let mut ordered: Vec<&Signal> = signals.iter().collect();
        ordered.sort_by(|a, b| b.surprise.total_cmp(&a.surprise));
        for signal in ordered {
            match self.open.iter_mut().find(|a| a.category == signal.key.category) {
                Some(alert) => alert.absorb(signal),
                None => {
                    let alert = SpikeAlert::from_signal(signal);
                    raised.push(alert.clone());
                    self.open.push(alert);
                }
            }
        }
        raised
    }

    /// Every alert raised so far, open ones included, in the order raised.
    pub fn all(&self) -> Vec<SpikeAlert> {
        let mut all: Vec<SpikeAlert> = self.closed.iter().chain(&self.open).cloned().collect();
        all.sort_by_key(|a| a.raised_at);
        all
    }
}
