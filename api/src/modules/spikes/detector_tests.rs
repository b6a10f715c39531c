use super::*;
use crate::modules::spikes::history::HOUR;

/// 2024-01-01T00:00:00Z, a Monday.
const MONDAY: i64 = 1_704_067_200;

/// Weeks of ordinary arrivals: during working hours (04:00-13:00 UTC on weekdays) one
/// wifi ticket every 20 minutes and one password reset every 10.
fn ordinary(weeks: i64) -> ArrivalHistory {
    let mut history = ArrivalHistory::new();
    for day in 0..weeks * 7 {
        if day % 7 >= 5 {
            continue;
        }
        for minute in (0..9 * 60).step_by(10) {
            let at = MONDAY + day * DAY + 4 * HOUR + minute * 60;
            history.push(at, "access", Some("password-reset"));
            if minute % 20 == 0 {
                history.push(at + 30, "network", Some("wifi"));
            }
        }
    }
    history
}

#[test]
fn a_burst_in_one_subcategory_signals_that_key() {
    let mut history = ordinary(3);
    // Monday of week four, ordinary until 08:00, then 20 wifi tickets in 30 minutes.
    let day = MONDAY + 21 * DAY;
    for minute in (0..4 * 60).step_by(10) {
        history.push(day + 4 * HOUR + minute * 60, "access", Some("password-reset"));
    }
    for n in 0..20 {
        history.push(day + 8 * HOUR + n * 90, "network", Some("wifi"));
    }
    let now = day + 8 * HOUR + 30 * 60;
    let mut detector = SpikeDetector::new(DetectorConfig::default());
    let signals = detector.evaluate(&history, now);
    let keys: Vec<String> = signals.iter().map(|s| s.key.to_string()).collect();
    assert!(keys.contains(&"network/wifi".to_string()), "{keys:?}");
    assert!(!keys.iter().any(|k| k.starts_with("access")), "{keys:?}");
    let wifi = signals.iter().find(|s| s.key.subcategory.is_some()).map(|s| (s.observed, s.expected));
    let Some((observed, expected)) = wifi else { panic!("no wifi signal") };
    assert!(observed >= 19 && expected < 3.0, "{observed} vs {expected}");
}

#[test]
fn ordinary_arrivals_and_too_little_history_do_not_signal() {
    let history = ordinary(4);
    let mut detector = SpikeDetector::new(DetectorConfig::default());
    for hour in 0..24 {
        let now = MONDAY + 3 * 7 * DAY + hour * HOUR;
        assert!(detector.evaluate(&history, now).is_empty(), "hour {hour}");
    }
    let mut young = ordinary(1);
    for n in 0..30 {
        young.push(MONDAY + 2 * DAY + 6 * HOUR + n * 30, "network", Some("wifi"));
    }
    assert!(detector.evaluate(&young, MONDAY + 2 * DAY + 6 * HOUR + 20 * 60).is_empty());
}

#[test]
fn load_that_builds_since_the_morning_raises_its_own_expectation() {
    // The same window at 08:00-08:30, after a quiet morning or after a morning with twice
    // the usual wifi tickets.
    let expected_at_half_past_eight = |busy_morning: bool| {
        let mut history = ordinary(3);
        let day = MONDAY + 21 * DAY;
        let step = if busy_morning { 10 } else { 20 };
        for minute in (0..4 * 60).step_by(step) {
            history.push(day + 4 * HOUR + minute * 60, "network", Some("wifi"));
        }
        let config = DetectorConfig {
            windows_minutes: vec![30],
            slow_window_hours: 0,
            threshold: 0.0,
            min_count: 0,
            min_excess: f64::NEG_INFINITY,
            ..DetectorConfig::default()
        };
        let signals = SpikeDetector::new(config).evaluate(&history, day + 8 * HOUR + 30 * 60);
        signals.iter().find(|s| s.key.to_string() == "network/wifi").map(|s| s.expected).unwrap_or_default()
    };
    let quiet = expected_at_half_past_eight(false);
    let busy = expected_at_half_past_eight(true);
    assert!((quiet - 1.5).abs() < 0.01, "{quiet}");
    assert!(busy > 1.6 * quiet, "{busy} vs {quiet}");
}

#[test]
fn a_busy_day_a_month_ago_raises_the_expectation_of_the_same_key() {
    let config = DetectorConfig {
        windows_minutes: vec![60],
        slow_window_hours: 0,
        threshold: 0.0,
        min_count: 0,
        min_excess: f64::NEG_INFINITY,
        ..DetectorConfig::default()
    };
    let expected_now = |busy_last_month: bool| {
        let mut history = ordinary(6);
        if busy_last_month {
            // 40 extra onboarding-like wifi tickets on the Monday four weeks back.
            for n in 0..40 {
                history.push(MONDAY + 14 * DAY + 4 * HOUR + n * 600, "network", Some("wifi"));
            }
        }
        let now = MONDAY + 42 * DAY + 6 * HOUR;
        let signals = SpikeDetector::new(config.clone()).evaluate(&history, now);
        signals.iter().find(|s| s.key.to_string() == "network/wifi").map(|s| s.expected).unwrap_or_default()
    };
    let plain = expected_now(false);
    let recurring = expected_now(true);
    assert!(plain > 0.0 && recurring > 1.5 * plain, "{recurring} vs {plain}");
}
