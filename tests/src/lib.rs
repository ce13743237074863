//! The end-to-end harness: a real Stride server on port 0 over a fresh database (SQLite file,
//! or a new PostgreSQL database when `STRIDE_TEST_DATABASE_URL` names a server), a GraphQL
//! client, and the fake vendor servers scenarios run against.

pub mod fake_garmin;
pub mod fake_strava;
pub mod load;
pub mod seed;
pub mod smtp_sink;
pub mod strava_world;

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use stride::config::{Config, DatabaseUrl};
use stride::{AppState, Application};
use stride_domain::clock::ManualClock;
use tokio::sync::oneshot;

/// The instant every test starts at, so dates in tests are fixed: Monday 2 March 2026, noon UTC.
pub fn test_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0)
        .single()
        .expect("valid instant")
}

/// Where compiled plugins are cached across tests (inside the build's target directory).
pub fn plugin_cache_dir() -> std::path::PathBuf {
    std::path::Path::new(stride::plugins::EXAMPLE_PLUGINS_DIR).join("../test-cache")
}

/// The path of a built plugin: a test plugin (`example`, `test-hostile`) or a bundled one
/// (`strava`).
pub fn example_plugin(name: &str) -> std::path::PathBuf {
    let example =
        std::path::Path::new(stride::plugins::EXAMPLE_PLUGINS_DIR).join(format!("{name}.wasm"));
    if example.exists() {
        example
    } else {
        std::path::Path::new(stride::plugins::BUNDLED_PLUGINS_DIR).join(format!("{name}.wasm"))
    }
}

/// Polls `check` every 20 ms until it returns `Some`, failing the test after `seconds`.
pub async fn wait_for<T, F, Fut>(what: &str, seconds: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The database a test owns; removed when dropped.
pub enum TestDatabase {
    /// A SQLite file in its own temporary directory.
    Sqlite(tempfile::TempDir),
    /// A database created for this test on a PostgreSQL server.
    Postgres {
        /// The server's maintenance URL (used to drop the database).
        admin_url: String,
        /// The database's name.
        name: String,
    },
    /// Another server's database, used by a second replica ([`TestApp::spawn_replica`]):
    /// the server that created it removes it.
    Shared,
}

impl TestDatabase {
    /// Creates a fresh database: PostgreSQL when `STRIDE_TEST_DATABASE_URL` is a
    /// `postgres://` URL, SQLite otherwise. An unreachable PostgreSQL fails the test; it is
    /// never skipped.
    pub async fn create() -> (Self, String) {
        let url = std::env::var("STRIDE_TEST_DATABASE_URL").ok();
        Self::create_on(url.as_deref().filter(|u| u.starts_with("postgres"))).await
    }

    /// Creates a fresh database on the PostgreSQL server at `postgres_url` (a new database
    /// there), or a SQLite file when `None`.
    pub async fn create_on(postgres_url: Option<&str>) -> (Self, String) {
        match postgres_url {
            Some(url) => {
                use sqlx::Connection;
                let name = format!(
                    "stride_test_{}_{}",
                    Utc::now().format("%Y%m%d%H%M%S"),
                    uuid::Uuid::new_v4().simple()
                );
                let mut admin = sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| {
                    panic!("STRIDE_TEST_DATABASE_URL points at PostgreSQL ({url}) but it is unreachable: {e}")
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("creating the test database");
                let _ = admin.close().await;
                let mut parsed = url::Url::parse(url).expect("the PostgreSQL URL is a URL");
                parsed.set_path(&name);
                (
                    TestDatabase::Postgres {
                        admin_url: url.to_owned(),
                        name,
                    },
                    parsed.to_string(),
                )
            }
            None => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("stride.db").display());
                (TestDatabase::Sqlite(dir), url)
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self {
            let (url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async; a short-lived runtime on its own thread removes the database.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut admin)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A running Stride server.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its services, for setting up state directly.
    pub state: AppState,
    /// The clock the server reads; tests move it.
    pub clock: Arc<ManualClock>,
    /// The URL of its database, for tests that inspect or tamper with rows.
    pub database_url: String,
    /// The directory the server loads plugins from.
    pub plugin_dir: std::path::PathBuf,
    _files: tempfile::TempDir,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    // Declared last so the server stops before its database is dropped.
    _database: TestDatabase,
}

/// A logged-in user, from the test's point of view.
#[derive(Debug, Clone)]
pub struct Session {
    /// Bearer token.
    pub token: String,
    /// User id.
    pub id: String,
    /// Login email.
    pub email: String,
}

/// A GraphQL answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The whole JSON body.
    pub body: Value,
}

impl Answer {
    /// The `data`, failing the test with the errors if there were any.
    pub fn ok(&self) -> &Value {
        assert!(
            self.body
                .get("errors")
                .is_none_or(|e| e.as_array().is_none_or(Vec::is_empty)),
            "unexpected GraphQL errors: {}",
            serde_json::to_string_pretty(&self.body).unwrap_or_default()
        );
        &self.body["data"]
    }

    /// The first error's `extensions.code`.
    pub fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The first error's message.
    pub fn message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or("")
    }

    /// Fails the test unless the first error has `code`; returns its message.
    pub fn expect_code(&self, code: &str) -> &str {
        assert_eq!(
            self.code(),
            Some(code),
            "expected a {code} error, got: {}",
            serde_json::to_string_pretty(&self.body).unwrap_or_default()
        );
        self.message()
    }

    /// The fields named by a BAD_INPUT error.
    pub fn bad_fields(&self) -> Vec<String> {
        self.body["errors"][0]["extensions"]["fields"]
            .as_array()
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(|f| f["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    /// Starts a server on a fresh database with the clock at [`test_epoch`].
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server after `configure` adjusts the configuration. Plugins load from
    /// [`TestApp::plugin_dir`], empty at first; compiled plugins are cached under the target
    /// directory across tests.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_full(ManualClock::new(test_epoch()), configure).await
    }

    /// Starts a server reading time from `clock` (share it with fake vendors so their windows
    /// move together). `public_url` is already the server's own address when `configure` runs.
    pub async fn spawn_full(clock: Arc<ManualClock>, configure: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create().await;
        Self::spawn_on(database, clock, configure).await
    }

    /// Starts a server on `database` (from [`TestDatabase::create`] or
    /// [`TestDatabase::create_on`]), which it owns from then on.
    pub async fn spawn_on(
        (database, url): (TestDatabase, String),
        clock: Arc<ManualClock>,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        // Logs are printed only when asked for: TEST_LOG=debug cargo test …
        if let Ok(filter) = std::env::var("TEST_LOG") {
            stride::telemetry::init(stride::config::LogFormat::Pretty, &filter);
        }
        let files = tempfile::tempdir().expect("temporary directory");
        let plugin_dir = files.path().join("plugins");
        std::fs::create_dir_all(&plugin_dir).expect("plugin directory");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the server");
        let addr = listener.local_addr().expect("bound address");
        let mut config = Config {
            database_url: DatabaseUrl(url.clone()),
            database_max_connections: 8,
            listen: addr,
            public_url: format!("http://{addr}"),
            data_dir: files.path().join("data"),
            ..Config::default()
        };
        config.jobs.poll_ms = 20;
        // Every test client is 127.0.0.1: the API's per-address limits would meter the whole
        // suite as one client. Tests of the limits set their own.
        config.http.per_address_per_s = 1_000_000;
        config.http.per_address_burst = 1_000_000;
        config.http.per_session_per_s = 1_000_000;
        config.http.per_session_burst = 1_000_000;
        config.http.webhooks_per_address_per_s = 1_000_000;
        config.http.webhooks_per_address_burst = 1_000_000;
        config.plugins.dir = Some(plugin_dir.clone());
        config.plugins.cache_dir = Some(plugin_cache_dir());
        configure(&mut config);
        let app = Application::build_on(config, clock.clone(), listener)
            .await
            .expect("the application builds");
        let addr = app.local_addr();
        let state = app.state().clone();
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        TestApp {
            addr,
            state,
            clock,
            database_url: url,
            plugin_dir,
            _files: files,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            server: Some(server),
            _database: database,
        }
    }

    /// What the server's clock says now.
    pub fn clock_now(&self) -> DateTime<Utc> {
        use stride_domain::clock::Clock;
        self.clock.now()
    }

    /// The server's base URL.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs an oversized body (`prefix`, then `x` up to `body_bytes`) over a raw connection
    /// and returns the status the server answers with while the body is still being sent.
    /// With `declared`, the request says its length up front; without, the body is sent
    /// chunked, so the server must count.
    ///
    /// (An ordinary client reports the server's early answer as a broken pipe: it is still
    /// writing when the server, rightly, stops reading.)
    pub async fn post_oversized(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        prefix: &str,
        body_bytes: usize,
        declared: bool,
    ) -> u16 {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        let (read, mut write) = stream.into_split();
        let mut head = format!("POST {path} HTTP/1.1\r\nhost: {}\r\n", self.addr);
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if declared {
            head.push_str(&format!("content-length: {body_bytes}\r\n\r\n"));
        } else {
            head.push_str("transfer-encoding: chunked\r\n\r\n");
        }
        let mut body = prefix.as_bytes().to_vec();
        body.resize(body_bytes.max(prefix.len()), b'x');
        let writer = tokio::spawn(async move {
            write.write_all(head.as_bytes()).await?;
            for chunk in body.chunks(64 << 10) {
                if declared {
                    write.write_all(chunk).await?;
                } else {
                    write
                        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                        .await?;
                    write.write_all(chunk).await?;
                    write.write_all(b"\r\n").await?;
                }
            }
            if !declared {
                write.write_all(b"0\r\n\r\n").await?;
            }
            std::io::Result::Ok(())
        });
        let mut status_line = String::new();
        BufReader::new(read)
            .read_line(&mut status_line)
            .await
            .expect("a status line");
        writer.abort();
        status_line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP status line: {status_line:?}"))
    }

    /// The HTTP client tests share.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a GraphQL request, with a bearer token when given.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let body = response
            .json::<Value>()
            .await
            .expect("GraphQL answers JSON");
        Answer { status, body }
    }

    /// Opens a GraphQL subscription over `/graphql/ws` (graphql-transport-ws) as `token` and
    /// returns each pushed `data` object; the channel closes when the server completes or
    /// fails the subscription, and an error frame arrives as `{"errors": ...}`.
    pub async fn subscribe(
        &self,
        token: &str,
        query: &str,
    ) -> tokio::sync::mpsc::UnboundedReceiver<Value> {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;

        let mut request = format!("ws://{}/graphql/ws", self.addr)
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket");
        let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
        socket
            .send(Message::text(init.to_string()))
            .await
            .expect("init");
        let ack = socket.next().await.expect("ack").expect("frame");
        assert!(
            ack.to_text().expect("text").contains("connection_ack"),
            "{ack:?}"
        );
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
        socket
            .send(Message::text(subscribe.to_string()))
            .await
            .expect("subscribe");
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                let Ok(text) = frame.to_text() else { continue };
                let message: Value = serde_json::from_str(text).unwrap_or_default();
                match message["type"].as_str() {
                    // A resolver's refusal arrives as a `next` frame carrying errors.
                    Some("next") if message["payload"]["errors"].is_array() => {
                        let _ = tx.send(json!({ "errors": message["payload"]["errors"] }));
                    }
                    Some("next") => {
                        let _ = tx.send(message["payload"]["data"].clone());
                    }
                    Some("error") => {
                        let _ = tx.send(json!({ "errors": message["payload"] }));
                        break;
                    }
                    Some("complete") => break,
                    _ => {}
                }
            }
        });
        rx
    }

    /// Creates an owner account directly and logs it in.
    pub async fn owner(&self) -> Session {
        let email = "owner@example.test";
        let password = "owner-password-1";
        self.state
            .accounts
            .create_owner(email, password, "Olive Owner")
            .await
            .expect("owner is created");
        self.login(email, password).await
    }

    /// Logs in over GraphQL.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let answer = self
            .gql(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id email } } }",
                json!({ "e": email, "p": password }),
            )
            .await;
        let data = answer.ok();
        Session {
            token: data["login"]["token"].as_str().expect("token").to_owned(),
            id: data["login"]["user"]["id"].as_str().expect("id").to_owned(),
            email: email.to_owned(),
        }
    }

    /// Has `inviter` invite `email` with `role` (GraphQL enum name) and signs them up with
    /// password `password-<email>`.
    pub async fn invite_user(&self, inviter: &Session, role: &str, email: &str) -> Session {
        let token = self.create_invite(inviter, role, None).await;
        self.sign_up(&token, email).await
    }

    /// Issues an invite over GraphQL and returns its token.
    pub async fn create_invite(
        &self,
        inviter: &Session,
        role: &str,
        email: Option<&str>,
    ) -> String {
        let answer = self
            .gql(
                Some(&inviter.token),
                &format!("mutation($e: String) {{ createInvite(role: {role}, email: $e) {{ token invite {{ id }} }} }}"),
                json!({ "e": email }),
            )
            .await;
        answer.ok()["createInvite"]["token"]
            .as_str()
            .expect("invite token")
            .to_owned()
    }

    /// Signs up with an invite token; the password is `password-<email>`.
    pub async fn sign_up(&self, invite_token: &str, email: &str) -> Session {
        let answer = self.try_sign_up(invite_token, email).await;
        let data = answer.ok();
        Session {
            token: data["signUp"]["token"].as_str().expect("token").to_owned(),
            id: data["signUp"]["user"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
            email: email.to_owned(),
        }
    }

    /// Attempts a sign-up and returns the raw answer.
    pub async fn try_sign_up(&self, invite_token: &str, email: &str) -> Answer {
        self.gql(
            None,
            "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id email role } } }",
            json!({ "i": {
                "inviteToken": invite_token,
                "email": email,
                "password": format!("password-{email}"),
                "displayName": email.split('@').next().unwrap_or("athlete"),
                "timeZone": "Europe/Oslo",
            }}),
        )
        .await
    }

    /// Copies a test plugin into the server's plugin directory and reloads.
    pub async fn install_plugin(&self, name: &str) {
        std::fs::copy(
            example_plugin(name),
            self.plugin_dir.join(format!("{name}.wasm")),
        )
        .expect("copying the plugin");
        self.state.plugins.reload_all().await;
        assert!(
            self.state.plugins.load_errors().is_empty(),
            "plugin failed to load: {:?}",
            self.state.plugins.load_errors()
        );
    }

    /// Connects `athlete` to `plugin` as `external_id` at the provider, without OAuth (for
    /// test plugins that hold no tokens).
    pub async fn connect_plugin(&self, athlete: &Session, plugin: &str, external_id: &str) {
        let store = &self.state.store;
        let mut tx = store.begin().await.expect("transaction");
        store
            .upsert_connection(
                &mut tx,
                &stride_store::NewConnection {
                    user_id: athlete.id.parse().expect("uuid"),
                    provider: plugin,
                    external_athlete_id: external_id,
                    scopes: "",
                    tokens: &stride_store::SealedTokens {
                        access: Vec::new(),
                        refresh: None,
                        key_id: "none".to_owned(),
                        expires_at: None,
                    },
                },
                self.clock_now(),
            )
            .await
            .expect("connection");
        tx.commit().await.expect("commit");
    }

    /// Runs a plugin's own job for `athlete` the way the workers do: queued as a typed job,
    /// claimed and handled (the server's own workers may get to it first; either way it runs
    /// once). Returns when the queue holds no more work.
    pub async fn run_plugin_job(
        &self,
        athlete: &Session,
        plugin: &str,
        kind: &str,
        payload: Value,
    ) {
        let job = stride::ingest::jobs::PluginJob {
            plugin: plugin.to_owned(),
            kind: kind.to_owned(),
            payload,
            dedupe: None,
            not_before: None,
        };
        let store = &self.state.store;
        let mut tx = store.begin().await.expect("transaction");
        self.state
            .jobs
            .enqueue(
                &mut tx,
                Some(athlete.id.parse().expect("uuid")),
                &job,
                self.clock_now(),
            )
            .await
            .expect("enqueued");
        tx.commit().await.expect("commit");
        self.drain_jobs().await;
    }

    /// Imports files for `who` with `importFiles` as a GraphQL multipart request (the spec's
    /// `operations`, `map` and one part per file), through `plugin`; returns the per-file
    /// results (`fileName filesRead activities duplicates refused problems error`).
    pub async fn import_files(
        &self,
        who: &Session,
        plugin: &str,
        files: &[(&str, Vec<u8>)],
    ) -> Vec<Value> {
        let answer = self
            .gql_upload(
                &who.token,
                "mutation($files: [Upload!]!, $plugin: String!) { importFiles(files: $files, plugin: $plugin) { fileName filesRead activities duplicates refused problems { item message } error } }",
                json!({ "plugin": plugin }),
                files,
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.ok()["importFiles"]
            .as_array()
            .expect("results")
            .clone()
    }

    /// Sends `query` as a GraphQL multipart request (the spec's `operations`, `map` and one
    /// part per file) as `token`, with `files` as the variable `$files` beside `variables`.
    pub async fn gql_upload(
        &self,
        token: &str,
        query: &str,
        mut variables: Value,
        files: &[(&str, Vec<u8>)],
    ) -> Answer {
        variables["files"] = Value::Array(vec![Value::Null; files.len()]);
        let operations = json!({ "query": query, "variables": variables });
        let map: serde_json::Map<String, Value> = (0..files.len())
            .map(|i| (i.to_string(), json!([format!("variables.files.{i}")])))
            .collect();
        let mut form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", Value::Object(map).to_string());
        for (i, (name, bytes)) in files.iter().enumerate() {
            form = form.part(
                i.to_string(),
                reqwest::multipart::Part::bytes(bytes.clone()).file_name((*name).to_owned()),
            );
        }
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("answers");
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.expect("json");
        Answer { status, body }
    }

    /// Runs queued jobs in this process until none is left and none is running (waiting at
    /// most a minute for jobs the server's own workers hold).
    pub async fn drain_jobs(&self) {
        let registry = self.state.job_registry();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut idle = 0;
        while idle < 3 {
            let ran = self
                .state
                .jobs
                .run_one("test-drain", &registry)
                .await
                .expect("a job ran");
            // A job the server's own workers hold may still queue a follow-up: the queue
            // is drained only when nothing is running either.
            let running = self
                .state
                .store
                .has_running_jobs()
                .await
                .expect("job states");
            if ran || (running && std::time::Instant::now() < deadline) {
                idle = 0;
            } else {
                idle += 1;
            }
            if !ran {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }

    /// Whether this server runs on PostgreSQL (where replicas exist).
    pub fn on_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// Starts a second replica on this server's database and clock, as a production
    /// deployment runs several (PostgreSQL only: SQLite belongs to one process). Drop it
    /// before this one.
    pub async fn spawn_replica(&self) -> TestApp {
        assert!(self.on_postgres(), "replicas share a PostgreSQL database");
        // Replicas of one deployment share its keys (tokens one stores, the other decrypts;
        // audit entries one signs, the other verifies): the replica starts with a copy of
        // this server's generated keys file.
        let keys = self.state.config.data_dir.join("keys.json");
        Self::spawn_on(
            (TestDatabase::Shared, self.database_url.clone()),
            self.clock.clone(),
            move |config| {
                stride::config::create_private_dir(&config.data_dir).expect("replica data dir");
                std::fs::copy(&keys, config.data_dir.join("keys.json"))
                    .expect("the primary's keys file");
            },
        )
        .await
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
