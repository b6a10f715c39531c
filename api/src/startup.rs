//! Building the application: state, routes, middleware, server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::bootstrap::{self, FirstAdmin};
use crate::error::error_path;
use crate::extract::BodyLimit;
use crate::infra::bus::Bus;
use crate::infra::clock::SystemClock;
use crate::infra::db;
use crate::infra::throttle::Throttle;
use crate::metrics::{self, Metrics};
use crate::modules::auth::access::AccessCache;
use crate::modules::auth::password;
use crate::modules::auth::sso::Sso;
use crate::modules::auth::tokens::TokenKeys;
use crate::modules::jobs::{self, JobMetrics, JobRegistry, Jobs, WorkerConfig, WorkerDeps, WorkerPool};
use crate::modules::realtime::{self, Hub};
use crate::modules::{admin, health, kb, notifications, spikes, tickets};
use crate::openapi::ApiDoc;
use crate::settings::Settings;
use crate::spa;
use crate::state::AppState;

/// Every documented route. Used by the server and by `helpdesk openapi`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(health::metrics).service(
        utoipa_actix_web::scope("/api/v1")
            .configure(crate::modules::auth::configure)
            .configure(tickets::configure)
            .configure(crate::modules::ai::configure)
            .configure(admin::configure)
            .configure(kb::configure)
            .configure(notifications::configure)
            .configure(spikes::configure)
            .configure(realtime::configure),
    );
}

/// Connects to everything and prepares the shared state: migrations run,
/// roles are seeded and the first admin exists afterwards. `job_kinds` are the
/// background jobs this instance can enqueue and run.
pub async fn build_state(settings: Settings, job_kinds: JobRegistry) -> anyhow::Result<(AppState, FirstAdmin)> {
    let db = db::connect(&settings).await?;
    db::migrate(&db).await?;
    bootstrap::seed_roles(&db).await?;
    let first_admin = bootstrap::first_admin(&db, &settings).await?;
    if settings.demo_data
        && let Some(report) = kb::demo::load_if_empty(&db).await?
    {
        tracing::info!(%report, "loaded the demo knowledge base");
    }
    let secret = bootstrap::jwt_secret(&db, &settings).await?;
    let (redis, bus, throttle) = match &settings.redis_url {
        Some(url) => {
            let pool =
                deadpool_redis::Config::from_url(url.expose()).create_pool(Some(deadpool_redis::Runtime::Tokio1))?;
            let bus = Bus::redis(url.expose(), pool.clone(), &settings.redis_prefix)?;
            let throttle =
                Throttle::Redis { pool: pool.clone(), prefix: format!("{}:throttle:", settings.redis_prefix) };
            (Some(pool), bus, throttle)
        }
        None => (None, Bus::local(), Throttle::memory()),
    };
    let access = Arc::new(AccessCache::new(Duration::from_secs(settings.permission_cache_ttl_secs), bus.clone()));
    tokio::spawn(access.clone().follow());
    let writer = db::Writer::new(&settings, &db).await?;
    let sso = Sso::from_settings(&settings)?.map(Arc::new);
    let hub = Hub::start(bus.clone(), access.clone(), db.clone());
    let kb_search = crate::modules::kb::search_sync::new_index(&settings)?;
    tokio::spawn(kb_search.clone().run(db.clone()));
    let ticket_search = crate::modules::tickets::search::new_index(&settings)?;
    tokio::spawn(ticket_search.clone().run(db.clone()));
    let similar_tickets = tickets::similar::new_index(&settings);
    tokio::spawn(similar_tickets.clone().run(db.clone()));
    let metrics = Metrics::new()?;
    let clock: Arc<dyn crate::infra::clock::Clock> = Arc::new(SystemClock);
    let mut job_kinds = job_kinds;
    crate::modules::ai::register(&mut job_kinds, &settings)?;
    tickets::similar::register(&mut job_kinds, &similar_tickets);
    let jobs = Jobs::new(job_kinds, bus.clone(), clock.clone(), JobMetrics::register(metrics.registry())?);
    let state = AppState {
        db,
        writer,
        tokens: TokenKeys::new(secret.as_bytes(), settings.access_token_ttl_secs),
        settings: Arc::new(settings),
        redis,
        bus,
        access,
        throttle,
        clock,
        metrics,
        decoy_hash: password::hash(password::generate()).await?,
        sso,
        hub,
        kb_search,
        ticket_search,
        similar_tickets,
        jobs,
    };
    Ok((state, first_admin))
}

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    /// What the first start did about the admin account.
    pub first_admin: FirstAdmin,
    state: web::Data<AppState>,
    job_workers: Option<WorkerPool>,
}

impl Application {
    /// Builds everything and binds (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_jobs(settings, jobs::builtin()).await
    }

    /// Like [`Application::build`], running the job kinds of `job_kinds` (tests register
    /// kinds of their own this way).
    pub async fn build_with_jobs(settings: Settings, mut job_kinds: JobRegistry) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        if settings.spikes_enabled {
            job_kinds.register(spikes::job::SpikeScanJob::from_settings(&settings));
        }
        let (state, first_admin) = build_state(settings, job_kinds).await?;
        let state = web::Data::new(state);
        if state.settings.spikes_enabled {
            // Every start makes sure the detection chain has its next run queued.
            let interval = Duration::from_secs(state.settings.spikes_interval_minutes * 60);
            let txn = state.writer.begin().await?;
            spikes::job::schedule_next(&txn, &state.jobs, interval).await?;
            txn.commit().await?;
        }
        // Tickets without an embedding (raised before similar tickets existed, or embedded by
        // another model) are found in the background, so a large table never delays the start.
        let backfill = state.clone();
        tokio::spawn(async move {
            let (jobs, db, index) = (&backfill.jobs, &backfill.db, &backfill.similar_tickets);
            if let Err(e) = tickets::similar::schedule_backfill(jobs, db, index).await {
                tracing::warn!(error = ?e, "similar tickets: could not queue the embedding backfill");
            }
        });
        let job_workers = state.settings.jobs_enabled.then(|| {
            let deps = WorkerDeps { db: state.db.clone(), writer: state.writer.clone(), jobs: state.jobs.clone() };
            WorkerPool::start(deps, WorkerConfig::from_settings(&state.settings))
        });
        let doc = crate::openapi::document();
        let data = state.clone();
        let mut server = HttpServer::new(move || {
            let limit = BodyLimit(data.settings.max_body_bytes);
            let (app, _doc) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .app_data(data.clone())
                .app_data(limit)
                // Malformed path ids answer in the common error format (400 `invalid_path`).
                .app_data(web::PathConfig::default().error_handler(crate::extract::path_error))
                .configure(routes)
                .split_for_parts();
            app.service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", doc.clone()))
                // The docs live at /api/docs/; the bare path is what people type.
                .route(
                    "/api/docs",
                    web::get().to(|| async {
                        actix_web::HttpResponse::PermanentRedirect()
                            .insert_header((actix_web::http::header::LOCATION, "/api/docs/"))
                            .finish()
                    }),
                )
                .default_service(web::to(spa::fallback))
                .wrap(from_fn(error_path))
                .wrap(from_fn(metrics::track))
                .wrap(Compress::default())
                .wrap(from_fn(crate::telemetry::request_id_header))
                .wrap(TracingLogger::default())
        })
        // Answers are written as several small writes; without TCP_NODELAY, Nagle's
        // algorithm holds the last one until the client's delayed ACK (40 ms).
        .on_connect(|conn, _| {
            if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
            }
        })
        .listen(listener)?
        .shutdown_timeout(10);
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Self { port, server: server.run(), first_admin, state, job_workers })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use it to reach the database directly).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until a shutdown signal, then stops the job workers: they claim nothing more,
    /// running jobs get `jobs_shutdown_grace_secs` to finish, and the rest go back to the queue.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(workers) = self.job_workers {
            workers.shutdown().await;
        }
        served
    }
}
