//! The `helpdesk` command line.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::bootstrap::{self, FirstAdmin};
use crate::infra::db;
use crate::modules::auth::{password, users};
use crate::settings::Settings;
use crate::startup::Application;
use crate::telemetry;

mod embed_cache;
mod eval;
mod tickets;
use eval::{eval_search, eval_spikes, eval_triage};

/// The AI-powered IT helpdesk server.
#[derive(Debug, Parser)]
#[command(name = "helpdesk", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply, roll back or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Insert synthetic users, teams and tickets (for demos and benchmarks).
    Seed {
        /// Tickets to create.
        #[arg(long, default_value_t = 1000)]
        tickets: u64,
        /// Employees raising them.
        #[arg(long, default_value_t = 200)]
        employees: u64,
        /// Teams of agents.
        #[arg(long, default_value_t = 5)]
        teams: u64,
        /// Agents per team.
        #[arg(long, default_value_t = 4)]
        agents_per_team: u64,
        /// Password of every seeded account.
        #[arg(long, default_value = "seed-password-1")]
        password: String,
    },
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Knowledge-base tasks.
    Kb {
        #[command(subcommand)]
        action: KbAction,
    },
    /// Search index maintenance: compare the index change log with the tables, or re-index.
    Search {
        #[command(subcommand)]
        action: SearchAction,
    },
    /// Ticket tasks.
    Tickets {
        #[command(subcommand)]
        action: TicketsAction,
    },
    /// Measure the AI features on judged data.
    Eval {
        #[command(subcommand)]
        target: EvalTarget,
    },
}

#[derive(Debug, Subcommand)]
enum EvalTarget {
    /// Knowledge-base search: nDCG@10 and recall@5 per mode; the last line is one JSON object.
    Search {
        /// Directory of article files (`kb-001.md`, ...).
        #[arg(long)]
        kb: PathBuf,
        /// Judged queries, one JSON object a line.
        #[arg(long)]
        queries: PathBuf,
        /// The embedding model directory; the `embedding_model_dir` setting when absent.
        #[arg(long)]
        model_dir: Option<PathBuf>,
    },
    /// Ticket triage: category, subcategory and priority accuracy and macro-F1, calibration
    /// error and abstentions; the last line is one JSON object. Zero-shot without `--train`;
    /// k-fold cross-validation when `--train` is the `--test` file.
    Triage {
        /// Labelled tickets to predict, one JSON object a line.
        #[arg(long)]
        test: PathBuf,
        /// Labelled tickets to train on (the same file as `--test` means cross-validation).
        #[arg(long)]
        train: Option<PathBuf>,
        /// Folds of the cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Article files whose front matter labels them; the compiled demo articles when absent.
        #[arg(long)]
        kb: Option<PathBuf>,
        /// The embedding model directory; the `embedding_model_dir` setting when absent.
        #[arg(long)]
        model_dir: Option<PathBuf>,
        /// Model parameters as JSON (camelCase fields of `LocalParams`), for choosing them by
        /// cross-validation; the defaults when absent.
        #[arg(long)]
        params: Option<String>,
        /// Keep embeddings in this directory between runs (one file per text).
        #[arg(long)]
        embedding_cache: Option<PathBuf>,
    },
    /// Ticket-spike detection: replays arrivals every 5 minutes, scores the alerts; the last
    /// line is one JSON object.
    Spikes {
        /// Arrivals, `timestamp,category,subcategory` (CSV with a header).
        #[arg(long)]
        events: PathBuf,
        /// Ground truth: incidents and expected busy events (used only for scoring).
        #[arg(long)]
        incidents: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum KbAction {
    /// Import the Markdown articles (with front matter) of a directory as published
    /// articles; an article whose `id` exists is updated only when it changed.
    Import {
        /// The directory holding `*.md` files.
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum TicketsAction {
    /// Embed every ticket that has no embedding yet (for similar tickets); the last line is
    /// one JSON object.
    Embed,
}

#[derive(Debug, Subcommand)]
enum SearchAction {
    /// Report articles and tickets whose index entries are missing or out of date (exit
    /// status 1 when there are any); the last line is one JSON object.
    Check,
    /// Queue every article and ticket for re-indexing: every running instance re-reads them
    /// all from the tables within seconds, and drops what no longer belongs.
    Reindex,
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply pending migrations (the default).
    Up,
    /// Roll back migrations.
    Down {
        /// How many; all when absent.
        #[arg(long)]
        steps: Option<u32>,
    },
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Subcommand)]
enum AdminAction {
    /// Create a user; the password is read from standard input (one line).
    CreateUser {
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role: employee, agent, team_lead, manager or admin.
        #[arg(long)]
        role: String,
    },
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", crate::openapi::document_json()?);
            Ok(())
        }
        Command::Serve => serve().await,
        Command::Migrate { action } => migrate(action.unwrap_or(MigrateAction::Up)).await,
        Command::Admin { action: AdminAction::CreateUser { email, name, role } } => {
            create_user(&email, &name, &role).await
        }
        Command::Kb { action: KbAction::Import { dir } } => kb_import(&dir).await,
        Command::Search { action } => search_maintenance(action).await,
        Command::Tickets { action: TicketsAction::Embed } => tickets::embed().await,
        Command::Eval { target: EvalTarget::Search { kb, queries, model_dir } } => {
            tokio::task::spawn_blocking(move || eval_search(&kb, &queries, model_dir)).await?
        }
        Command::Eval { target: EvalTarget::Triage { test, train, folds, kb, model_dir, params, embedding_cache } } => {
            let args = crate::modules::ai::eval::TriageArgs { test, train, folds, kb, model_dir, params };
            tokio::task::spawn_blocking(move || eval_triage(args, embedding_cache)).await?
        }
        Command::Eval { target: EvalTarget::Spikes { events, incidents } } => {
            tokio::task::spawn_blocking(move || eval_spikes(&events, &incidents)).await?
        }
        Command::Seed { tickets, employees, teams, agents_per_team, password } => {
            let opts = crate::seed::SeedOptions { tickets, employees, teams, agents_per_team, password };
            seed(opts).await
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let host = settings.bind.rsplit_once(':').map(|(h, _)| h.to_string()).unwrap_or_default();
    let backend = if settings.database_url().starts_with("sqlite:") { "SQLite" } else { "PostgreSQL" };
    let redis = if settings.redis_url.is_some() { "Redis" } else { "in-process" };
    let app = Application::build(settings).await?;
    let host = if host == "0.0.0.0" || host == "[::]" { "127.0.0.1".to_string() } else { host };
    let url = format!("http://{host}:{}", app.port());
    // A closed stdout must not take the server down, so write errors are ignored.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Helpdesk is listening on {url} (database: {backend}, events and caches: {redis})");
    let _ = writeln!(out, "  API docs: {url}/api/docs/");
    let _ = match &app.first_admin {
        FirstAdmin::Exists => writeln!(out, "  Sign in with an existing account."),
        FirstAdmin::Created { email } => {
            writeln!(out, "  First start: created admin {email} with HELPDESK_ADMIN_PASSWORD.")
        }
        FirstAdmin::Generated { email, password } => writeln!(
            out,
            "  First start: created admin {email}\n  Generated password (shown once, change it): {password}"
        ),
    };
    let _ = writeln!(out, "  Sign in: POST {url}/api/v1/auth/login with {{\"email\",\"password\"}}");
    let _ = out.flush();
    drop(out);
    app.run_until_stopped().await?;
    Ok(())
}

async fn migrate(action: MigrateAction) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let conn = db::connect(&settings).await?;
    match action {
        MigrateAction::Up => {
            db::migrate(&conn).await?;
            println!("migrations applied");
        }
        MigrateAction::Down { steps } => {
            db::rollback(&conn, steps).await?;
            println!("migrations rolled back");
        }
        MigrateAction::Status => {
            for (name, applied) in db::status(&conn).await? {
                println!("{} {name}", if applied { "applied" } else { "pending" });
            }
        }
    }
    Ok(())
}

async fn create_user(email: &str, name: &str, role: &str) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings);
    if std::io::stdin().is_terminal() {
        eprint!("Password for {email}: ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
    let pass = line.trim_end_matches(['\r', '\n']).to_string();
    let request = shared_types::admin::CreateUserRequest {
        email: email.into(),
        name: name.into(),
        password: Some(pass.clone()),
        role: role.into(),
    };
    let problems = shared_types::validation::validate_create_user(&request);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|(k, v)| format!("{k} {v}")).collect();
        anyhow::bail!("invalid user: {}", list.join("; "));
    }
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    bootstrap::seed_roles(&conn).await?;
    let hash = password::hash(pass).await?;
    let txn = db::begin_write(&conn).await?;
    let user = users::create(&txn, email, name, Some(hash), role, chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    txn.commit().await?;
    println!("created {} ({}) as {role}", user.email, user.id);
    Ok(())
}

async fn seed(opts: crate::seed::SeedOptions) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    bootstrap::seed_roles(&conn).await?;
    let started = std::time::Instant::now();
    let report = crate::seed::seed(&conn, &opts).await?;
    println!("seeded {} tickets in {:.1}s", report.tickets, started.elapsed().as_secs_f64());
    println!("employee={}", report.employee_email);
    println!("agent={}", report.agent_email);
    println!("manager={}", report.manager_email);
    println!("password={}", opts.password);
    Ok(())
}

async fn kb_import(dir: &Path) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let files = crate::modules::kb::files::read_dir(dir)?;
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    bootstrap::seed_roles(&conn).await?;
    let report = crate::modules::kb::import::import(&conn, &files).await?;
    println!("imported {} articles from {}: {report}", files.len(), dir.display());
    Ok(())
}

async fn search_maintenance(action: SearchAction) -> anyhow::Result<()> {
    use crate::modules::search::maintenance;
    let settings = Settings::load()?;
    telemetry::init(&settings);
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    match action {
        SearchAction::Check => {
            let reports = maintenance::check(&conn).await?;
            for r in &reports {
                println!(
                    "{}: {} rows to index, {} not indexed, {} not removed",
                    r.entity,
                    r.rows,
                    r.not_indexed.len(),
                    r.not_removed.len()
                );
            }
            let clean = reports.iter().all(|r| r.is_clean());
            println!("{}", serde_json::json!({ "clean": clean, "indexes": reports }));
            if !clean {
                anyhow::bail!("the search change log differs from the tables: run `helpdesk search reindex`");
            }
        }
        SearchAction::Reindex => {
            for (entity, n) in maintenance::reindex(&conn, chrono::Utc::now()).await? {
                println!("{entity}: {n} entries queued; running instances re-index them from the tables");
            }
        }
    }
    Ok(())
}
