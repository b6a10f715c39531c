use std::collections::BTreeSet;

use super::*;
use crate::modules::spikes::history::SpikeKey;

fn period(id: &str, category: &str, subs: &[&str], start: &str, end: &str) -> Period {
    Period {
        id: Some(id.into()),
        kind: "test".into(),
        start: start.parse().unwrap_or_default(),
        end: end.parse().unwrap_or_default(),
        category: category.into(),
        subcategories: subs.iter().map(|s| s.to_string()).collect(),
    }
}

fn alert(key: SpikeKey, at: &str) -> SpikeAlert {
    let at = at.parse::<DateTime<Utc>>().unwrap_or_default().timestamp();
    SpikeAlert {
        category: key.category.clone(),
        keys: BTreeSet::from([key.clone()]),
        key,
        raised_at: at,
        last_signal_at: at,
        window_start: at - 1800,
        window_end: at,
        observed: 10,
        expected: 1.0,
        surprise: 9.0,
    }
}

#[test]
fn alerts_are_matched_by_category_and_time_and_the_rest_are_false_alarms() {
    let truth = GroundTruth {
        incidents: vec![
            period(
                "vpn",
                "network",
                &["network/vpn", "internet/outage"],
                "2024-10-17T07:00:00Z",
                "2024-10-17T08:00:00Z",
            ),
            period("sso", "access", &["access/sso"], "2024-10-18T07:00:00Z", "2024-10-18T08:00:00Z"),
        ],
        expected_events: vec![period("payroll", "software", &[], "2024-10-30T06:00:00Z", "2024-10-30T10:00:00Z")],
    };
    let alerts = vec![
        // Through a listed subcategory's category, 12 minutes in.
        alert(SpikeKey::subcategory("internet", "outage"), "2024-10-17T07:12:00Z"),
        alert(SpikeKey::subcategory("network", "vpn"), "2024-10-17T07:30:00Z"),
        // Right category, after the end: a false alarm.
        alert(SpikeKey::category("access"), "2024-10-18T09:00:00Z"),
        alert(SpikeKey::subcategory("software", "business-apps"), "2024-10-30T07:00:00Z"),
    ];
    let from = "2024-10-14T00:00:00Z".parse::<DateTime<Utc>>().unwrap_or_default().timestamp();
    let (report, lines) = score(&alerts, &truth, from, from + 14 * DAY);
    assert_eq!((report.detected, report.incidents), (1, 2));
    assert_eq!(report.median_delay_minutes, Some(12.0));
    assert_eq!((report.false_alarms, report.expected_event_alerts, report.alerts), (1, 1, 4));
    assert_eq!(report.false_alarms_per_week, 0.5);
    assert!(lines.iter().any(|l| l.contains("sso access: missed")), "{lines:?}");
}

#[test]
fn events_are_read_in_time_order_and_bad_lines_are_refused() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("spikes-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("events.csv");
    std::fs::write(
        &path,
        "timestamp,category,subcategory\n2024-09-02T05:00:00Z,network,wifi\n2024-09-02T04:00:00Z,access,sso\n",
    )?;
    let events = read_events(&path)?;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].subcategory, "sso");
    std::fs::write(&path, "timestamp,category,subcategory\n2024-09-02T05:00:00Z,network\n")?;
    assert!(read_events(&path).is_err());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
