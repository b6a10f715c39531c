//! What every handler can reach: the database and the backing services.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::infra::bus::Bus;
use crate::infra::clock::Clock;
use crate::infra::db::Writer;
use crate::infra::throttle::Throttle;
use crate::metrics::Metrics;
use crate::modules::auth::access::AccessCache;
use crate::modules::auth::sso::Sso;
use crate::modules::auth::tokens::TokenKeys;
use crate::modules::jobs::Jobs;
use crate::modules::kb::search_sync::KbSearch;
use crate::modules::realtime::Hub;
use crate::settings::Settings;

/// Shared application state, registered once as `web::Data<AppState>`.
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Where write transactions begin.
    pub writer: Writer,
    /// The validated settings.
    pub settings: Arc<Settings>,
    /// Redis, when configured.
    pub redis: Option<deadpool_redis::Pool>,
    /// Messages between instances.
    pub bus: Bus,
    /// Cached permissions.
    pub access: Arc<AccessCache>,
    /// Failed sign-in counters.
    pub throttle: Throttle,
    /// Access-token keys.
    pub tokens: TokenKeys,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// A password hash nobody knows, verified when an account does not
    /// exist so that the answer takes as long as for a wrong password.
    pub decoy_hash: String,
    /// The single sign-on issuer, when configured.
    pub sso: Option<Arc<Sso>>,
    /// This instance's realtime hub.
    pub hub: Hub,
    /// The knowledge-base search index, kept in step with the articles.
    pub kb_search: Arc<KbSearch>,
    /// The ticket text index (the list's `q`), kept in step with the tickets.
    pub ticket_search: Arc<crate::modules::tickets::search::TicketSearch>,
    /// The embeddings of the tickets that may be listed as similar.
    pub similar_tickets: Arc<crate::modules::tickets::similar::SimilarIndex>,
    /// Background jobs: enqueue, wake, and the registered kinds.
    pub jobs: Jobs,
}
