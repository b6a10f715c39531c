//! Ticket-spike detection in the product: the scan over the tickets table raises one alert
//! for a burst (and notifies incident leads), none for an ordinary rate; leads link an
//! alert's tickets to a parent incident ticket or dismiss it; the job keeps itself queued.
//!
//! History is written straight into the tickets table with past `created_at` values (the API
//! only raises tickets now); the burst goes through the API like real tickets.

mod alerts;
mod scheduling;

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_api::entities::ticket;
use helpdesk_api::modules::spikes::scan::{self, ScanConfig, ScanReport};
use helpdesk_api::modules::tickets::lifecycle;
use sea_orm::EntityTrait;
use serde_json::json;
use shared_types::tickets::TicketPriority;
use uuid::Uuid;

use crate::helpers::{Session, TestApp};

/// The people and categories of a scenario.
pub struct Desk {
    pub admin: Session,
    pub lead: Session,
    pub agent: Session,
    pub employee: Session,
    pub wifi: Uuid,
    pub password_reset: Uuid,
}

async fn category(app: &TestApp, admin: &Session, name: &str, parent: Option<Uuid>) -> Uuid {
    let body = json!({"name": name, "parentId": parent});
    let created = app.post("/api/v1/admin/categories", &admin.access_token, body).await.expect(201).body;
    created["id"].as_str().and_then(|s| s.parse().ok()).expect("category id")
}

/// Users of every role and the categories `network/wifi` and `access/password-reset`.
pub async fn desk(app: &TestApp) -> Desk {
    let admin = app.admin().await;
    let network = category(app, &admin, "network", None).await;
    let access = category(app, &admin, "access", None).await;
    let wifi = category(app, &admin, "wifi", Some(network)).await;
    let password_reset = category(app, &admin, "password-reset", Some(access)).await;
    let lead = app.user_by(&admin, "team_lead").await;
    let agent = app.user_by(&admin, "agent").await;
    let employee = app.user_by(&admin, "employee").await;
    Desk { admin, lead, agent, employee, wifi, password_reset }
}

/// Fifteen days of ordinary arrivals up to `until`: two wifi tickets and four password
/// resets an hour, every hour.
pub async fn ordinary_history(app: &TestApp, desk: &Desk, until: DateTime<Utc>) {
    let start = until - TimeDelta::days(15);
    let mut batch = Vec::new();
    let mut n = 0;
    let mut hour = start;
    while hour < until {
        for (minute, category) in [(5, desk.password_reset), (10, desk.wifi), (20, desk.password_reset)]
            .into_iter()
            .chain([(35, desk.password_reset), (40, desk.wifi), (50, desk.password_reset)])
        {
            let at = hour + TimeDelta::minutes(minute);
            if at >= until {
                continue;
            }
            n += 1;
            let number = format!("TKT-HIST-{n:06}");
            let mut model = lifecycle::raised(
                number,
                "Ordinary",
                "An ordinary ticket",
                TicketPriority::Low,
                desk.employee.user_id,
                at,
            );
            model.category_id = Some(category);
            batch.push(<ticket::ActiveModel as From<ticket::Model>>::from(model));
            if batch.len() == 200 {
                ticket::Entity::insert_many(std::mem::take(&mut batch))
                    .exec_without_returning(&app.state.db)
                    .await
                    .unwrap();
            }
        }
        hour += TimeDelta::hours(1);
    }
    if !batch.is_empty() {
        ticket::Entity::insert_many(batch).exec_without_returning(&app.state.db).await.unwrap();
    }
}

/// `count` wifi tickets raised through the API by the employee, now.
pub async fn wifi_burst(app: &TestApp, desk: &Desk, count: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..count {
        let body = json!({"title": format!("Wifi down {i}"), "description": "Staff-5G gone", "categoryId": desk.wifi});
        let t = app.post("/api/v1/tickets", &desk.employee.access_token, body).await.expect(201).body;
        ids.push(t["id"].as_str().and_then(|s| s.parse().ok()).expect("ticket id"));
    }
    ids
}

/// One detection run at the present moment, with the settings' detector.
pub async fn scan_now(app: &TestApp) -> ScanReport {
    let state = &app.state;
    let config = ScanConfig::from_settings(&state.settings);
    scan::run(&state.db, &state.writer, &state.bus, &config, Utc::now()).await.expect("scan")
}
