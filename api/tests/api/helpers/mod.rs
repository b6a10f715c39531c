//! `TestApp`: the real server on port 0 against a fresh database, with typed
//! helpers so tests read like the scenarios they check.
//!
//! SQLite runs in a temporary directory; PostgreSQL gets a new database per
//! test (dropped afterwards) on `HELPDESK_TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, with Redis from
//! `HELPDESK_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`, under a key
//! prefix of its own.

#![allow(dead_code)] // not every scenario uses every helper

use helpdesk_api::settings::{Secret, Settings};
use helpdesk_api::startup::Application;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

mod databases;

pub use databases::{fresh_pg_database, pg_admin_url, redis_url};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// Which database and event backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file, in-process bus.
    Sqlite,
    /// PostgreSQL database plus Redis.
    Postgres,
}

/// A running server and a client for it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub backend: Backend,
    pub database_url: String,
    pub redis_prefix: String,
    pub state: actix_web::web::Data<helpdesk_api::state::AppState>,
    _dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: Uuid,
    pub email: String,
    pub password: String,
    pub access_token: String,
    pub refresh_token: String,
}

/// An HTTP answer: status, headers and JSON body (Null when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The body as `T`, panicking with the body when it does not fit.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone()).unwrap_or_else(|e| panic!("unexpected body ({e}): {}", self.body))
    }
    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self
    }
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

impl TestApp {
    /// Settings for a test: port 0, one worker, a known admin.
    pub fn settings(dir: &std::path::Path) -> Settings {
        Settings {
            bind: "127.0.0.1:0".into(),
            data_dir: dir.to_path_buf(),
            workers: Some(1),
            admin_email: Some(ADMIN_EMAIL.into()),
            admin_password: Some(Secret::new(ADMIN_PASSWORD)),
            database_max_connections: 5,
            web_dir: dir.join("web"),
            // Tests of reuse detection present a used token at once; the grace window for
            // tabs refreshing together has its own test.
            refresh_reuse_grace_secs: 0,
            // Most tests never search; the ones that do turn embeddings on (`with_embeddings`).
            search_embeddings: false,
            // Triage needs the embedding model; the AI tests turn it on.
            ai_triage: false,
            // A queued detection job would disturb the job-queue tests; the incident tests
            // turn it on.
            spikes_enabled: false,
            ..Settings::default()
        }
    }

    /// Turns semantic search on with the model `scripts/setup.sh --model` fetched (test.sh runs
    /// it); without it the server says lexical only, and tests check what they can.
    pub fn with_embeddings(settings: &mut Settings) {
        settings.search_embeddings = true;
        let fetched = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/models/all-MiniLM-L6-v2");
        let dir = std::env::var_os("HELPDESK_EMBEDDING_MODEL_DIR").map(std::path::PathBuf::from).unwrap_or(fetched);
        settings.embedding_model_dir = Some(dir);
    }

    pub async fn sqlite() -> TestApp {
        Self::spawn(Backend::Sqlite, |_| {}).await
    }

    pub async fn postgres() -> TestApp {
        Self::spawn(Backend::Postgres, |_| {}).await
    }

    /// Starts a server on `backend`, letting `tweak` adjust the settings.
    pub async fn spawn(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_with_jobs(backend, tweak, helpdesk_api::modules::jobs::builtin()).await
    }

    /// Like [`TestApp::spawn`], running the job kinds of `jobs`.
    pub async fn spawn_with_jobs(
        backend: Backend,
        tweak: impl FnOnce(&mut Settings),
        jobs: helpdesk_api::modules::jobs::JobRegistry,
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Self::settings(dir.path());
        let redis_prefix = format!("hdtest{}", Uuid::new_v4().simple());
        let mut pg_drop = None;
        match backend {
            Backend::Sqlite => {
                settings.database_url =
                    Some(Secret::new(format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display())));
            }
            Backend::Postgres => {
                let (url, name) = fresh_pg_database().await;
                settings.database_url = Some(Secret::new(url));
                settings.redis_url = Some(Secret::new(redis_url()));
                settings.redis_prefix = redis_prefix.clone();
                pg_drop = Some((pg_admin_url(), name));
            }
        }
        tweak(&mut settings);
        let database_url = settings.database_url();
        let app = Application::build_with_jobs(settings, jobs).await.expect("build application");
        let port = app.port();
        let state = app.state();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            client,
            backend,
            database_url,
            redis_prefix,
            state,
            _dir: dir,
            pg_drop,
        }
    }

    /// A second instance sharing this one's PostgreSQL database and, on `redis_url`, its
    /// Redis prefix (the `database_url` setting is what makes it PostgreSQL, whatever the
    /// backend label says).
    pub async fn sibling(&self, redis_url: String) -> TestApp {
        let (db, prefix) = (self.database_url.clone(), self.redis_prefix.clone());
        TestApp::spawn(Backend::Sqlite, move |s| {
            s.database_url = Some(Secret::new(db));
            s.redis_url = Some(Secret::new(redis_url));
            s.redis_prefix = prefix;
        })
        .await
    }

    /// Another instance on this one's database (and Redis prefix, on PostgreSQL), running the
    /// job kinds of `jobs`, as a restarted or an additional server process would.
    pub async fn another_instance(
        &self,
        jobs: helpdesk_api::modules::jobs::JobRegistry,
        tweak: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let (db, prefix, backend) = (self.database_url.clone(), self.redis_prefix.clone(), self.backend);
        // Labelled SQLite so that it neither creates nor drops a database of its own.
        TestApp::spawn_with_jobs(
            Backend::Sqlite,
            move |s| {
                s.database_url = Some(Secret::new(db));
                if backend == Backend::Postgres {
                    s.redis_url = Some(Secret::new(redis_url()));
                    s.redis_prefix = prefix;
                }
                tweak(s);
            },
            jobs,
        )
        .await
    }

    /// Sends a request; `token` adds a bearer header, `body` a JSON body.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::answer(req.send().await.expect("request")).await
    }

    /// Reads a response into an [`Answer`].
    pub async fn answer(res: reqwest::Response) -> Answer {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, headers, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }
    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// `POST /api/v1/auth/login`.
    pub async fn post_login(&self, email: &str, password: &str) -> Answer {
        self.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": password}))).await
    }

    /// Signs in, asserting success.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let a = self.post_login(email, password).await.expect(200);
        Session {
            user_id: a.body["user"]["id"].as_str().and_then(|s| s.parse().ok()).expect("user id"),
            email: email.into(),
            password: password.into(),
            access_token: a.body["accessToken"].as_str().expect("accessToken").into(),
            refresh_token: a.body["refreshToken"].as_str().expect("refreshToken").into(),
        }
    }

    /// The seeded admin, signed in.
    pub async fn admin(&self) -> Session {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Creates a user with `role` through the admin API and signs them in.
    pub async fn user(&self, role: &str) -> Session {
        let admin = self.admin().await;
        self.user_by(&admin, role).await
    }

    /// Creates a user with `role` as `admin` and signs them in.
    pub async fn user_by(&self, admin: &Session, role: &str) -> Session {
        let email = format!("{role}-{}@example.com", &Uuid::new_v4().simple().to_string()[..8]);
        let password = "user-password-1";
        self.post(
            "/api/v1/admin/users",
            &admin.access_token,
            json!({"email": email, "name": format!("Test {role}"), "password": password, "role": role}),
        )
        .await
        .expect(201);
        self.login(&email, password).await
    }

    /// Creates a team as `admin` with `members` and returns its id.
    pub async fn team(&self, admin: &Session, name: &str, members: &[&Session]) -> Uuid {
        let t = self.post("/api/v1/admin/teams", &admin.access_token, json!({"name": name})).await.expect(201);
        let id: Uuid = t.body["id"].as_str().and_then(|s| s.parse().ok()).expect("team id");
        for m in members {
            self.post(&format!("/api/v1/admin/teams/{id}/members"), &admin.access_token, json!({"userId": m.user_id}))
                .await
                .expect(201);
        }
        id
    }

    /// Raises a ticket as `who`, returning the ticket body.
    pub async fn ticket(&self, who: &Session, title: &str) -> Value {
        self.post(
            "/api/v1/tickets",
            &who.access_token,
            json!({"title": title, "description": format!("{title}: details")}),
        )
        .await
        .expect(201)
        .body
    }

    /// Counts rows of `table` straight from the database.
    pub async fn count_rows(&self, table: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let db = &self.state.db;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("count")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            // Best effort: the server's pool may still hold connections.
            std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(async {
                        use sea_orm::ConnectionTrait;
                        if let Ok(db) = sea_orm::Database::connect(&admin_url).await {
                            let _ =
                                db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                            let _ = db.close().await;
                        }
                    });
                }
            });
        }
    }
}

/// Runs a scenario `async fn name(app: TestApp)` on SQLite and on PostgreSQL with Redis.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::TestApp::sqlite().await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::TestApp::postgres().await).await
                }
            }
        )+
    };
}
