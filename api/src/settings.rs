//! Settings: embedded defaults, then an optional TOML file (`HELPDESK_CONFIG`,
//! or `helpdesk.toml` in the working directory when present), then `HELPDESK_*`
//! environment variables. Validated once at start; errors name the bad key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A value that never prints: logs and `Debug` show `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object a line.
    Json,
}

/// Everything the server can be told. Field names are the keys of the TOML
/// file and, upper-cased behind `HELPDESK_`, the environment variables.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// Where the SQLite file and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; a SQLite file in `data_dir` when unset.
    pub database_url: Option<Secret>,
    /// Largest database pool.
    pub database_max_connections: u32,
    /// `redis://...`; events, caches and rate limits stay in-process when unset.
    pub redis_url: Option<Secret>,
    /// Prefix for every Redis key and channel, so installations can share a server.
    pub redis_prefix: String,
    /// The address people reach the server at; decides whether cookies are `Secure`.
    pub public_url: String,
    /// HMAC key for access tokens; generated once and kept in the database when unset.
    pub jwt_secret: Option<Secret>,
    /// Access-token lifetime in seconds.
    pub access_token_ttl_secs: u64,
    /// Refresh-token lifetime in days.
    pub refresh_token_ttl_days: u64,
    /// Seconds during which a just-rotated refresh token may be presented again without
    /// counting as reuse: tabs of one browser that start together all refresh with the same
    /// cookie. 0 makes every second use a reuse.
    pub refresh_reuse_grace_secs: u64,
    /// First admin's e-mail address, used when the database has no user yet.
    pub admin_email: Option<String>,
    /// First admin's password; generated and printed once when unset.
    pub admin_password: Option<Secret>,
    /// `pretty` or `json`.
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `helpdesk_api=debug,info`.
    pub log_level: String,
    /// HTTP worker threads; one per core when unset.
    pub workers: Option<usize>,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Failed sign-ins allowed per account within the window.
    pub login_max_failures_per_account: u32,
    /// Failed sign-ins allowed per client address within the window.
    pub login_max_failures_per_ip: u32,
    /// The failed sign-in window in seconds.
    pub login_window_secs: u64,
    /// Seconds a cached set of permissions may be reused.
    pub permission_cache_ttl_secs: u64,
    /// The built SPA (Trunk's output); served with a fallback to `index.html`.
    pub web_dir: PathBuf,
    /// OpenID Connect issuer for single sign-on (e.g. `https://accounts.google.com`); SSO is
    /// off while unset.
    pub oidc_issuer: Option<String>,
    /// The client id registered at the issuer.
    pub oidc_client_id: Option<String>,
    /// The client secret registered at the issuer.
    pub oidc_client_secret: Option<Secret>,
    /// Label of the sign-in button, e.g. `Google`.
    pub oidc_display_name: String,
    /// The callback registered at the issuer; defaults to this server's
    /// `/api/v1/auth/sso/callback` as the browser reached it.
    pub oidc_redirect_url: Option<String>,
    /// Create an employee account on the first SSO sign-in of an unknown address.
    pub oidc_create_users: bool,
    /// Comma-separated e-mail domains allowed to sign in by SSO; empty allows any.
    pub oidc_allowed_domains: String,
    /// Load the demo knowledge base (90 articles, compiled in) when the knowledge base is empty.
    pub demo_data: bool,
    /// Semantic (embedding) knowledge-base search; false leaves search lexical only.
    pub search_embeddings: bool,
    /// The sentence-embedding model directory (`config.json`, `tokenizer.json`,
    /// `model.safetensors`); `<data_dir>/models/all-MiniLM-L6-v2` when unset.
    pub embedding_model_dir: Option<PathBuf>,
    /// OpenSearch base URL (`http://search:9200`): indexes live there instead of in each
    /// instance's memory. Unset: the embedded engine.
    pub opensearch_url: Option<String>,
    /// Prefix of the OpenSearch index names (`<prefix>-kb`, `<prefix>-tickets`).
    pub opensearch_index_prefix: String,
    /// Run background jobs in this instance. Off, the instance still enqueues jobs (in the
    /// transactions of the changes that need them) and other instances run them.
    pub jobs_enabled: bool,
    /// Milliseconds between looks for due jobs when nothing woke the workers sooner.
    pub jobs_poll_interval_ms: u64,
    /// Seconds a claimed job's lease lasts; renewed while the job runs, so only a worker that
    /// died loses it, and its jobs run again once it expires.
    pub jobs_lease_secs: u64,
    /// Seconds a stopping instance waits for running jobs before returning them to the queue.
    pub jobs_shutdown_grace_secs: u64,
    /// Seconds between housekeeping rounds: expired leases, queue gauges, the backlog alert,
    /// purging old finished jobs.
    pub jobs_maintenance_interval_secs: u64,
    /// Days succeeded jobs are kept before they are deleted (dead jobs stay until discarded).
    pub jobs_retention_days: u64,
    /// Queued jobs over which admins get a notification (once, until the queue drains).
    pub jobs_backlog_threshold: u64,
    /// Triage new tickets with AI (an `ai.triage` job per ticket).
    pub ai_triage: bool,
    /// The triage provider: `local` (the embedded model, offline) or `openai` (an
    /// OpenAI-compatible chat API).
    pub ai_provider: String,
    /// Confidence at or above which a prediction is applied (per field, until admins set
    /// their own thresholds).
    pub ai_threshold: f64,
    /// The OpenAI-compatible API's base URL (with `ai_provider = "openai"`).
    pub ai_openai_base_url: String,
    /// The chat model asked.
    pub ai_openai_model: String,
    /// The API key (none for servers that need none, e.g. a local Ollama).
    pub ai_openai_api_key: Option<Secret>,
    /// Seconds before a call to the API is given up (the job retries it).
    pub ai_openai_timeout_secs: u64,
    /// Run the ticket-spike detection job (in whichever instance claims it).
    pub spikes_enabled: bool,
    /// Minutes between spike-detection runs.
    pub spikes_interval_minutes: u64,
    /// Minimum `-log10` tail probability of a window's arrivals for an alert (5.5: about 1 in 300,000).
    pub spikes_threshold: f64,
    /// Minimum arrivals above the expected count for an alert.
    pub spikes_min_excess: f64,
    /// Minutes the local working day is ahead of UTC (PKT is 300); used for day boundaries.
    pub spikes_utc_offset_minutes: i64,
    /// Minutes without a significant window after which an alert's spike is over.
    pub spikes_quiet_gap_minutes: i64,
    /// Days a resolved or closed ticket is still listed among similar tickets.
    pub similar_resolved_days: u64,
    /// Cosine similarity below which a ticket is not listed as similar (0 to 1).
    pub similar_min_score: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 16,
            redis_url: None,
            redis_prefix: "helpdesk".into(),
            public_url: "http://127.0.0.1:8080".into(),
            jwt_secret: None,
            access_token_ttl_secs: 30 * 60,
            refresh_token_ttl_days: 14,
            refresh_reuse_grace_secs: 30,
            admin_email: None,
            admin_password: None,
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            workers: None,
            max_body_bytes: 1024 * 1024,
            trust_proxy: false,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 50,
            login_window_secs: 15 * 60,
            permission_cache_ttl_secs: 60,
            web_dir: PathBuf::from("dist"),
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_display_name: "Single sign-on".into(),
            oidc_redirect_url: None,
            oidc_create_users: true,
            oidc_allowed_domains: String::new(),
            demo_data: false,
            search_embeddings: true,
            embedding_model_dir: None,
            opensearch_url: None,
            opensearch_index_prefix: "helpdesk".into(),
            jobs_enabled: true,
            jobs_poll_interval_ms: 1000,
            jobs_lease_secs: 60,
            jobs_shutdown_grace_secs: 10,
            jobs_maintenance_interval_secs: 30,
            jobs_retention_days: 7,
            jobs_backlog_threshold: 100,
            ai_triage: true,
            ai_provider: "local".into(),
            ai_threshold: 0.85,
            ai_openai_base_url: "https://api.openai.com/v1".into(),
            ai_openai_model: "gpt-4o-mini".into(),
            ai_openai_api_key: None,
            ai_openai_timeout_secs: 30,
            spikes_enabled: true,
            spikes_interval_minutes: 5,
            spikes_threshold: 5.5,
            spikes_min_excess: 6.0,
            spikes_utc_offset_minutes: 300,
            spikes_quiet_gap_minutes: 120,
            similar_resolved_days: 30,
            similar_min_score: 0.5,
        }
    }
}

/// A setting that could not be used, naming its key.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The sources could not be read or a value had the wrong type.
    #[error("invalid settings: {0}")]
    Load(#[from] Box<figment::Error>),
    /// A value had the right type but cannot be used.
    #[error("invalid setting {key}: {message}")]
    Invalid {
        /// The environment variable (or TOML key) at fault.
        key: String,
        /// What is wrong with it.
        message: String,
    },
}

fn invalid(key: &str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid { key: format!("HELPDESK_{}", key.to_uppercase()), message: message.into() }
}

impl Settings {
    /// Reads defaults, the TOML file and the environment, then validates.
    pub fn load() -> Result<Self, SettingsError> {
        let file = std::env::var("HELPDESK_CONFIG").map(PathBuf::from).ok();
        Self::from_figment(Self::figment(file.as_deref()))
    }

    /// The layered sources, without validation.
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file("helpdesk.toml")),
        }
        // `HELPDESK_CONFIG` names the file; `HELPDESK_TEST_*` belong to the test suite.
        figment.merge(
            Env::prefixed("HELPDESK_")
                .filter(|key| key != "config" && !key.as_str().to_ascii_lowercase().starts_with("test_")),
        )
    }

    /// Extracts and validates settings from `figment`. Unknown keys are an
    /// error: a misspelt variable silently ignored is worse than a refusal.
    pub fn from_figment(figment: Figment) -> Result<Self, SettingsError> {
        let settings: Settings = figment.extract().map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that have the right type but may still be unusable.
    pub fn validate(&self) -> Result<(), SettingsError> {
        self.bind
            .parse::<SocketAddr>()
            .map_err(|_| invalid("bind", format!("'{}' is not an address such as 127.0.0.1:8080", self.bind)))?;
        if let Some(url) = &self.database_url {
            let url = url.expose();
            if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(invalid("database_url", "must start with sqlite:, postgres:// or postgresql://"));
            }
        }
        if let Some(url) = &self.redis_url {
            let url = url.expose();
            if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
                return Err(invalid("redis_url", "must start with redis:// or rediss://"));
            }
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(invalid("public_url", "must start with http:// or https://"));
        }
        if let Some(secret) = &self.jwt_secret
            && secret.expose().len() < 32
        {
            return Err(invalid("jwt_secret", "must be at least 32 characters"));
        }
        if self.redis_prefix.is_empty() || self.redis_prefix.contains(char::is_whitespace) {
            return Err(invalid("redis_prefix", "must be a non-empty word"));
        }
        if self.access_token_ttl_secs == 0 || self.refresh_token_ttl_days == 0 {
            return Err(invalid("access_token_ttl_secs", "token lifetimes must be positive"));
        }
        if self.database_max_connections < 2 {
            // Start-up holds one connection for the migration lock while migrating on another.
            return Err(invalid("database_max_connections", "must be at least 2"));
        }
        if self.workers == Some(0) {
            return Err(invalid("workers", "must be at least 1"));
        }
        if self.max_body_bytes < 1024 {
            return Err(invalid("max_body_bytes", "must be at least 1024"));
        }
        if let Some(email) = &self.admin_email
            && !shared_types::validation::is_valid_email(email)
        {
            return Err(invalid("admin_email", "must be an e-mail address"));
        }
        self.validate_jobs()?;
        self.validate_spikes()?;
        self.validate_oidc()
    }

    /// The database URL, defaulting to a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_string(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("helpdesk.db").display()),
        }
    }

    /// Where the sentence-embedding model is read from.
    pub fn embedding_model_dir(&self) -> PathBuf {
        match &self.embedding_model_dir {
            Some(dir) => dir.clone(),
            None => self.data_dir.join("models").join(crate::modules::search::embedding::MINILM_DIR_NAME),
        }
    }

    /// Whether cookies must carry the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

mod checks;
#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's Jail closures return its large error type
mod tests;
