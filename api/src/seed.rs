//! Synthetic data for demos and benchmarks: `helpdesk seed --tickets N`.
//!
//! Inserts in large batches straight through the entities, so 100,000
//! tickets take seconds rather than the minutes the API would need. The data
//! is deterministic (fixed RNG seed) so benchmark runs are comparable.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

use crate::entities::{
    team, team_member, ticket, ticket_category, ticket_number_sequence, ticket_tag, user, user_role,
};
use crate::infra::db::begin_write;
use crate::modules::auth::{password, users};

/// How much to create.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Tickets.
    pub tickets: u64,
    /// Employees raising them.
    pub employees: u64,
    /// Teams of agents.
    pub teams: u64,
    /// Agents per team.
    pub agents_per_team: u64,
    /// Password of every seeded account.
    pub password: String,
}

/// The accounts created, for the caller to sign in with.
#[derive(Debug)]
pub struct SeedReport {
    /// An employee who raised tickets.
    pub employee_email: String,
    /// An agent in the first team.
    pub agent_email: String,
    /// A manager, who sees every ticket.
    pub manager_email: String,
    /// Tickets inserted.
    pub tickets: u64,
}

const BATCH: usize = 500;
const STATUSES: [(&str, u32); 6] =
    [("new", 10), ("open", 20), ("in_progress", 15), ("pending_user", 5), ("resolved", 25), ("closed", 25)];
const PRIORITIES: [(&str, u32); 4] = [("low", 25), ("medium", 45), ("high", 22), ("critical", 8)];
const TOPICS: [&str; 12] = [
    "VPN drops every hour",
    "Laptop will not boot",
    "Outlook keeps asking for password",
    "Printer on floor 3 jams",
    "Need access to the finance share",
    "Wi-Fi slow in meeting room",
    "Teams camera not detected",
    "Password reset for SAP",
    "New starter needs a laptop",
    "Monitor flickers",
    "Cannot install Python package",
    "MFA prompt never arrives",
];

fn pick<'a>(rng: &mut StdRng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in weighted {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    weighted[0].0
}

fn sla_hours(priority: &str) -> (i64, i64) {
    match priority {
        "critical" => (1, 4),
        "high" => (4, 24),
        "low" => (24, 120),
        _ => (8, 72),
    }
}

fn new_user(email: String, name: String, hash: &str, now: DateTime<Utc>) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        name: Set(name),
        password_hash: Set(Some(hash.to_string())),
        auth_provider: Set("local".into()),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

async fn insert_users(
    db: &DatabaseConnection,
    rows: Vec<user::ActiveModel>,
    role: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Uuid>> {
    let role_id = users::role_id(db, role, "role").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.id.try_as_ref().copied()).collect();
    for chunk in rows.chunks(BATCH) {
        let txn = begin_write(db).await?;
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        let links = chunk.iter().filter_map(|r| r.id.try_as_ref().copied()).map(|id| user_role::ActiveModel {
            user_id: Set(id),
            role_id: Set(role_id),
            created_at: Set(now),
        });
        user_role::Entity::insert_many(links).exec_without_returning(&txn).await?;
        txn.commit().await?;
    }
    Ok(ids)
}

/// Creates users, teams, categories and tickets.
pub async fn seed(db: &DatabaseConnection, opts: &SeedOptions) -> anyhow::Result<SeedReport> {
    let mut rng = StdRng::seed_from_u64(42);
    let now = Utc::now();
    let hash = password::hash(opts.password.clone()).await?;
    let run = &Uuid::new_v4().simple().to_string()[..6];
    let employees = insert_users(
        db,
        (0..opts.employees.max(1))
            .map(|i| new_user(format!("employee{i}-{run}@seed.example"), format!("Employee {i}"), &hash, now))
            .collect(),
        "employee",
        now,
    )
    .await?;
    let manager_email = format!("manager-{run}@seed.example");
    insert_users(db, vec![new_user(manager_email.clone(), "Manager".into(), &hash, now)], "manager", now).await?;
    let mut teams: Vec<(Uuid, Vec<Uuid>)> = Vec::new();
    let mut agent_email = String::new();
    for t in 0..opts.teams.max(1) {
        let team_id = Uuid::now_v7();
        team::Entity::insert(team::ActiveModel {
            id: Set(team_id),
            name: Set(format!("Team {t} {run}")),
            description: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
        let agents: Vec<user::ActiveModel> = (0..opts.agents_per_team.max(1))
            .map(|a| new_user(format!("agent{t}-{a}-{run}@seed.example"), format!("Agent {t}.{a}"), &hash, now))
            .collect();
        if t == 0 {
            agent_email = format!("agent0-0-{run}@seed.example");
        }
        let agent_ids = insert_users(db, agents, "agent", now).await?;
        let members = agent_ids.iter().map(|&user_id| team_member::ActiveModel {
            team_id: Set(team_id),
            user_id: Set(user_id),
            role: Set("member".into()),
            created_at: Set(now),
        });
        team_member::Entity::insert_many(members).exec_without_returning(db).await?;
        teams.push((team_id, agent_ids));
    }
    let categories: Vec<Uuid> = (0..6).map(|_| Uuid::now_v7()).collect();
    let names = ["Hardware", "Software", "Network", "Access", "Email", "Accounts"];
    ticket_category::Entity::insert_many(categories.iter().zip(names).enumerate().map(|(i, (&id, name))| {
        ticket_category::ActiveModel {
            id: Set(id),
            name: Set(format!("{name} {run}")),
            parent_id: Set(None),
            description: Set(None),
            is_active: Set(true),
            // Each category routes new tickets to a team, round robin.
            team_id: Set((!teams.is_empty()).then(|| teams[i % teams.len()].0)),
            created_at: Set(now),
        }
    }))
    .exec_without_returning(db)
    .await?;

    let mut counters: BTreeMap<String, i32> = BTreeMap::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut tags = Vec::new();
    for i in 0..opts.tickets {
        let created = now - Duration::seconds(rng.random_range(0..90 * 24 * 3600));
        let day = created.format("%Y%m%d").to_string();
        let n = counters.entry(day.clone()).or_insert(0);
        *n += 1;
        let status = pick(&mut rng, &STATUSES);
        let priority = pick(&mut rng, &PRIORITIES);
        let (team_id, agents) = &teams[rng.random_range(0..teams.len())];
        let assigned = (status != "new").then(|| agents[rng.random_range(0..agents.len())]);
        let (resp, resol) = sla_hours(priority);
        let topic = TOPICS[rng.random_range(0..TOPICS.len())];
        let id = Uuid::now_v7();
        if rng.random_bool(0.3) {
            tags.push(ticket_tag::ActiveModel {
                ticket_id: Set(id),
                tag: Set(["vpn", "laptop", "email", "access"][i as usize % 4].into()),
            });
        }
        batch.push(ticket::ActiveModel {
            id: Set(id),
            ticket_number: Set(format!("TKT-{day}-{:05}", *n + 50_000)),
            title: Set(format!("{topic} (#{i})")),
            description: Set(format!("{topic}. Seeded ticket {i} for load tests; details follow in the thread.")),
            status: Set(status.into()),
            priority: Set(priority.into()),
            category_id: Set(Some(categories[rng.random_range(0..categories.len())])),
            created_by: Set(employees[rng.random_range(0..employees.len())]),
            assigned_to: Set(assigned),
            team_id: Set(Some(*team_id)),
            sla_response_deadline: Set(Some(created + Duration::hours(resp))),
            sla_resolution_deadline: Set(Some(created + Duration::hours(resol))),
            first_response_at: Set(assigned.map(|_| created + Duration::minutes(30))),
            resolved_at: Set(matches!(status, "resolved" | "closed").then(|| created + Duration::hours(6))),
            closed_at: Set((status == "closed").then(|| created + Duration::hours(30))),
            sla_paused: Set(status == "pending_user"),
            sla_pause_reason: Set((status == "pending_user").then(|| "pending_user".to_string())),
            ai_suggested_category: Set(None),
            ai_suggested_priority: Set(None),
            ai_confidence: Set(None),
            ai_model_version: Set(None),
            version: Set(1),
            created_at: Set(created),
            updated_at: Set(created),
            deleted_at: Set(None),
        });
        if batch.len() == BATCH || i + 1 == opts.tickets {
            let txn = begin_write(db).await?;
            ticket::Entity::insert_many(std::mem::take(&mut batch)).exec_without_returning(&txn).await?;
            if !tags.is_empty() {
                ticket_tag::Entity::insert_many(std::mem::take(&mut tags)).exec_without_returning(&txn).await?;
            }
            txn.commit().await?;
        }
    }
    // Keep the per-day sequences ahead of the seeded numbers (offset by 50,000
    // so seeded and real numbers never meet).
    for (day, n) in counters {
        ticket_number_sequence::Entity::insert(ticket_number_sequence::ActiveModel {
            day: Set(day),
            last_value: Set(n + 50_000),
        })
        .on_conflict(
            OnConflict::column(ticket_number_sequence::Column::Day)
                .update_column(ticket_number_sequence::Column::LastValue)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    // Bulk inserts leave the planner's statistics stale, and on PostgreSQL the
    // visibility map empty (index-only scans fall back to the heap until
    // autovacuum comes round): do now what autovacuum would do later.
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db.execute_unprepared("VACUUM ANALYZE").await?,
        _ => db.execute_unprepared("ANALYZE").await?,
    };
    Ok(SeedReport {
        employee_email: format!("employee0-{run}@seed.example"),
        agent_email,
        manager_email,
        tickets: opts.tickets,
    })
}
