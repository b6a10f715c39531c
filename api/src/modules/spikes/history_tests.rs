use super::*;

/// A Monday 00:00 UTC.
const MONDAY: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z

fn steady_weeks(weeks: i64, per_hour: usize) -> ArrivalHistory {
    let mut history = ArrivalHistory::new();
    for hour in 0..weeks * WEEK_HOURS {
        for n in 0..per_hour {
            let at = MONDAY + hour * HOUR + (n as i64) * 60;
            let (category, sub) = if n == 0 { ("network", "wifi") } else { ("access", "password-reset") };
            history.push(at, category, Some(sub));
        }
    }
    history
}

#[test]
fn hourly_volume_is_the_median_of_other_weeks_so_one_busy_week_does_not_move_it() {
    let mut history = steady_weeks(4, 4);
    // An incident: 40 extra tickets in one hour of the second week.
    let busy_hour = WEEK_HOURS + 10;
    for n in 0..40 {
        history.push(MONDAY + busy_hour * HOUR + n, "network", Some("wifi"));
    }
    let first = MONDAY / HOUR;
    let now = MONDAY + 4 * WEEK_HOURS * HOUR;
    let next_week_same_hour = first + 4 * WEEK_HOURS + 10;
    assert_eq!(history.hourly_volume(next_week_same_hour, now / HOUR, &BaselineConfig::default()), Some(4.0));
    // With no other week known there is no baseline.
    let fresh = steady_weeks(1, 4);
    assert_eq!(fresh.hourly_volume(first + 3, first + 5, &BaselineConfig::default()), None);
}

#[test]
fn share_drops_the_busiest_week_and_expected_scales_with_it() {
    let mut history = steady_weeks(4, 4);
    for n in 0..200 {
        history.push(MONDAY + 2 * WEEK_HOURS * HOUR + n * 10, "network", Some("wifi"));
    }
    let now = MONDAY + 4 * WEEK_HOURS * HOUR;
    let wifi = history.keys().find(|(_, k)| k.to_string() == "network/wifi").map(|(i, _)| i);
    let Some(wifi) = wifi else { panic!("wifi key missing") };
    let share = history.share(wifi, now, &BaselineConfig::default());
    assert!((share - 0.25).abs() < 1e-9, "{share}");
    let expected = history.expected(share, now, now + 2 * HOUR, now, &BaselineConfig::default());
    assert_eq!(expected, Some(2.0));
    assert_eq!(history.count(wifi, now - HOUR - 1, now), 1);
}

#[test]
fn an_arrival_older_than_the_first_shifts_the_counts() {
    let mut history = ArrivalHistory::new();
    history.push(MONDAY + 5 * HOUR, "hardware", Some("printer"));
    history.push(MONDAY, "hardware", Some("printer"));
    assert_eq!(history.start(), Some(MONDAY));
    let printer = history.keys().find(|(_, k)| k.subcategory.is_some()).map(|(i, _)| i);
    let Some(printer) = printer else { panic!("printer key missing") };
    assert_eq!(history.count(printer, MONDAY - 1, MONDAY + 6 * HOUR), 2);
    assert_eq!(history.total_at(MONDAY / HOUR), Some(1));
    assert_eq!(history.total_at(MONDAY / HOUR + 5), Some(1));
}
