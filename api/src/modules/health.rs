//! Liveness, readiness and metrics for operators.

use actix_web::{HttpResponse, get, web};
use deadpool_redis::redis;
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// One dependency's state.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// `ok` or `error`.
    pub status: String,
    /// What failed, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Answer of `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `ready` or `unavailable`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database_backend: String,
    /// The database.
    pub database: CheckResult,
    /// Redis, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<CheckResult>,
    /// Knowledge-base search (informational: search degrades, the server stays ready).
    pub search: SearchReadiness,
}

/// The knowledge-base search index.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchReadiness {
    /// `ready`, or `building` until the first build from the database finished.
    pub status: String,
    /// `hybrid` with the embedding model, `lexical` without it.
    pub mode: String,
    /// Where the indexes live: `embedded` (this instance's memory) or `opensearch`.
    pub backend: String,
    /// Why semantic search is off, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Article documents in the index (drafts included).
    pub documents: usize,
    /// The last entry of the change log the article index reflects.
    pub applied_change: i64,
    /// The ticket text index (the ticket list's `q`): `ready` or `building`.
    pub tickets_status: String,
    /// Ticket documents in it (a ticket with internal notes counts twice).
    pub ticket_documents: usize,
    /// The last entry of the change log the ticket index reflects.
    pub tickets_applied_change: i64,
    /// Similar tickets: `ready`, `building` until the stored ticket embeddings are loaded, or
    /// `unavailable` without the embedding model (the list is then always empty).
    pub similar_tickets_status: String,
    /// Tickets that can be listed as similar (open, or settled within the window) held in
    /// this instance's memory.
    pub similar_tickets: usize,
}

fn check(result: anyhow::Result<()>) -> CheckResult {
    match result {
        Ok(()) => CheckResult { status: "ok".into(), error: None },
        Err(e) => CheckResult { status: "error".into(), error: Some(e.to_string()) },
    }
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The process can serve: the database answers, and Redis when configured.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "A dependency is down", body = Readiness),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.get_database_backend();
    let database = check(state.db.execute_unprepared("SELECT 1").await.map(|_| ()).map_err(Into::into));
    let redis = match &state.redis {
        None => None,
        Some(pool) => Some(check(
            async {
                let mut conn = pool.get().await?;
                let _: String = redis::cmd("PING").query_async(&mut conn).await?;
                anyhow::Ok(())
            }
            .await,
        )),
    };
    let ready = database.status == "ok" && redis.as_ref().is_none_or(|r| r.status == "ok");
    let kb = &state.kb_search;
    let similar = &state.similar_tickets;
    let embedding = kb.embedding_status();
    let search = SearchReadiness {
        status: if kb.is_ready() { "ready" } else { "building" }.into(),
        mode: if embedding.is_ok() { "hybrid" } else { "lexical" }.into(),
        backend: kb.backend().into(),
        detail: embedding.detail,
        documents: kb.len(),
        applied_change: kb.applied(),
        tickets_status: if state.ticket_search.is_ready() { "ready" } else { "building" }.into(),
        ticket_documents: state.ticket_search.len(),
        tickets_applied_change: state.ticket_search.applied(),
        similar_tickets_status: match (similar.embedder().is_some(), similar.is_ready()) {
            (false, _) => "unavailable",
            (true, true) => "ready",
            (true, false) => "building",
        }
        .into(),
        similar_tickets: similar.len(),
    };
    let body = Readiness {
        status: if ready { "ready" } else { "unavailable" }.into(),
        database_backend: format!("{backend:?}").to_lowercase(),
        database,
        redis,
        search,
    };
    if ready { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Metrics", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render())
}
