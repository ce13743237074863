//! Typed configuration: defaults, then an optional TOML file, then `STRIDE_*` environment
//! variables (nested keys joined with `__`, e.g. `STRIDE_GRAPHQL__INTROSPECTION=false`), then
//! command-line flags.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub use stride_sandbox::config::{PluginSettings, PluginsConfig, Secret};

/// Everything the host can be configured with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://path/to/file.db` (the default, created on first start) or `postgres://…`.
    pub database_url: DatabaseUrl,
    /// Largest number of pooled database connections.
    pub database_max_connections: u32,
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// The URL users reach this host at (for links and OAuth redirects).
    pub public_url: String,
    /// `pretty` for a terminal, `json` for log collectors.
    pub log_format: LogFormat,
    /// Default tracing filter; `RUST_LOG` overrides it.
    pub log_filter: String,
    /// GraphQL limits and developer conveniences.
    pub graphql: GraphqlConfig,
    /// The HTTP edge: who the client is, and how many requests it may make.
    pub http: HttpConfig,
    /// Accounts, sessions and invites.
    pub auth: AuthConfig,
    /// Where Stride keeps files of its own (the compiled-plugin cache).
    pub data_dir: PathBuf,
    /// The plugin runtime: where plugins live and the limits every call runs under.
    pub plugins: PluginsConfig,
    /// Per-plugin deployment settings, keyed by plugin id (`[plugin.strava]`).
    pub plugin: BTreeMap<String, PluginSettings>,
    /// Training-science conventions and thresholds.
    pub training: TrainingConfig,
    /// Encryption and signing keys.
    pub secrets: SecretsConfig,
    /// Background jobs.
    pub jobs: JobsConfig,
    /// The limits every rule script runs under.
    pub rules: crate::rules::RuleLimits,
    /// Data exports (an athlete's archive of everything Stride holds about them).
    pub exports: crate::privacy::ExportSettings,
    /// The Prometheus endpoint `GET /metrics`.
    pub metrics: MetricsConfig,
    /// Outgoing email (the weekly digest): the SMTP server and the sender.
    pub mail: crate::digest::mail::MailConfig,
    /// When weekly digests are scheduled.
    pub digest: crate::digest::DigestConfig,
    /// How file imports that run as jobs (`startFileImport`) are carried out.
    pub imports: crate::ingest::imports::ImportSettings,
}

/// Training-science settings. Other tools use other conventions; these are named in the API's
/// answers so coaches can compare.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingConfig {
    /// A delivered session without an effort rating becomes a "rate this session" to-do only
    /// when it started within this many hours (older ones, e.g. a history import, can be rated
    /// from the activity list).
    pub ask_effort_within_hours: u32,
    /// Which source wins when several deliver the same day's value or the same workout:
    /// earlier first. Sources not listed come after, alphabetically. `manual` is what the
    /// athlete or coach entered in Stride.
    pub source_priority: Vec<String>,
    /// When two activities are copies of one workout (see `stride_domain::duplicates`).
    pub duplicates: stride_domain::duplicates::DuplicateSettings,
    /// Rolling stats: EWMA convention, windows, SD convention, alert thresholds, load metric.
    pub stats: stride_domain::stats::StatsSettings,
    /// Readiness thresholds.
    pub readiness: stride_domain::readiness::ReadinessSettings,
    /// Plan progression.
    pub plan: stride_domain::plan::PlanSettings,
    /// Efficiency factor and decoupling.
    pub efficiency: stride_domain::efficiency::EfficiencySettings,
    /// "What works for me": which correlations are reported, and when they are recomputed.
    pub insights: crate::insights::InsightsConfig,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            ask_effort_within_hours: 48,
            source_priority: ["manual", "garmin", "files", "apple-health", "strava"]
                .map(str::to_owned)
                .to_vec(),
            duplicates: Default::default(),
            stats: Default::default(),
            readiness: Default::default(),
            plan: Default::default(),
            efficiency: Default::default(),
            insights: Default::default(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: DatabaseUrl("sqlite://stride.db".to_owned()),
            database_max_connections: 16,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".to_owned(),
            log_format: LogFormat::Pretty,
            log_filter: "info,sqlx=warn,wasmtime=warn,cranelift=warn".to_owned(),
            graphql: GraphqlConfig::default(),
            http: HttpConfig::default(),
            auth: AuthConfig::default(),
            data_dir: PathBuf::from("stride-data"),
            plugins: PluginsConfig::default(),
            plugin: BTreeMap::new(),
            training: TrainingConfig::default(),
            secrets: SecretsConfig::default(),
            jobs: JobsConfig::default(),
            rules: crate::rules::RuleLimits::default(),
            metrics: MetricsConfig::default(),
            exports: crate::privacy::ExportSettings::default(),
            mail: Default::default(),
            digest: Default::default(),
            imports: Default::default(),
        }
    }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for production.
    Json,
}

/// GraphQL settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphqlConfig {
    /// Whether `__schema` introspection is answered (switch off in production if wanted).
    pub introspection: bool,
    /// Whether GET `/graphql` serves the GraphiQL IDE.
    pub graphiql: bool,
    /// Deepest selection nesting accepted.
    pub max_depth: usize,
    /// Largest query complexity accepted (each field costs 1, lists multiply by `first`).
    pub max_complexity: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest multipart request (a file upload: an export zip of several years), in bytes.
    pub max_upload_bytes: usize,
    /// Largest relay delivery (`POST /relay/{plugin}`), in bytes.
    pub max_relay_bytes: usize,
    /// Whether anonymous requests may introspect the schema too (otherwise only logged-in
    /// users can).
    pub public_introspection: bool,
    /// Live subscriptions one WebSocket connection may hold.
    pub max_subscriptions_per_connection: usize,
    /// Live subscriptions one user may hold on a replica.
    pub max_subscriptions_per_user: usize,
}

impl Default for GraphqlConfig {
    fn default() -> Self {
        Self {
            introspection: true,
            graphiql: true,
            max_depth: 16,
            max_complexity: 5_000,
            max_body_bytes: 1 << 20,
            max_upload_bytes: 512 << 20,
            max_relay_bytes: 32 << 20,
            public_introspection: false,
            max_subscriptions_per_connection: 10,
            max_subscriptions_per_user: 20,
        }
    }
}

/// The HTTP edge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Behind a reverse proxy: the header that carries the client's address (e.g.
    /// `x-forwarded-for`; its first address is used). Leave unset when clients connect
    /// directly, or anyone could choose their address.
    pub client_address_header: Option<String>,
    /// API requests one client address may make per second (sustained), and in a burst.
    pub per_address_per_s: u32,
    /// See `per_address_per_s`.
    pub per_address_burst: u32,
    /// API requests one session may make per second (sustained), and in a burst.
    pub per_session_per_s: u32,
    /// See `per_session_per_s`.
    pub per_session_burst: u32,
    /// Unauthenticated webhook deliveries one address may make to one plugin per second,
    /// and in a burst (providers retry what is refused).
    pub webhooks_per_address_per_s: u32,
    /// See `webhooks_per_address_per_s`.
    pub webhooks_per_address_burst: u32,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            client_address_header: None,
            per_address_per_s: 100,
            per_address_burst: 300,
            per_session_per_s: 30,
            per_session_burst: 120,
            webhooks_per_address_per_s: 200,
            webhooks_per_address_burst: 1_000,
        }
    }
}

/// Account and session settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// How long a login lasts, in hours.
    pub session_ttl_hours: u32,
    /// How long an invite can be used, in hours (the default for new invites).
    pub invite_ttl_hours: u32,
    /// Shortest password accepted.
    pub min_password_length: usize,
    /// A session unused this long ends, in hours.
    pub session_idle_hours: u32,
    /// Failed logins (per account, and per client address) forgiven before a lock-out.
    pub login_free_failures: i32,
    /// The first lock-out, seconds; it doubles with each further failure.
    pub login_lock_base_s: u64,
    /// The longest lock-out, seconds.
    pub login_lock_max_s: u64,
    /// Failures older than this are forgotten, seconds.
    pub login_failure_window_s: u64,
    /// The longest an impersonation session may last, minutes.
    pub impersonation_max_minutes: u32,
    /// How long this replica may answer a session token from memory without reading the
    /// database, seconds (0: read it on every request). Ending a session, a role or profile
    /// change reach every replica's cache at once; this bounds what a lost notice leaves.
    pub session_cache_s: u64,
    /// Sessions remembered at most.
    pub session_cache_entries: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            session_ttl_hours: 24 * 30,
            invite_ttl_hours: 24 * 7,
            min_password_length: 10,
            session_idle_hours: 24 * 14,
            login_free_failures: 5,
            login_lock_base_s: 2,
            login_lock_max_s: 900,
            login_failure_window_s: 3_600,
            impersonation_max_minutes: 60,
            session_cache_s: 60,
            session_cache_entries: 100_000,
        }
    }
}

/// Keys for tokens at rest and for signing OAuth state. When none are configured, Stride
/// creates them in `<data_dir>/keys.json` (readable by its owner only) on first start.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecretsConfig {
    /// Token-encryption keys by id: 32 bytes, base64.
    pub token_keys: BTreeMap<String, Secret>,
    /// The key new tokens are encrypted with (default: the last id).
    pub active_token_key: Option<String>,
    /// Key for signing OAuth state: 32 bytes, base64.
    pub state_key: Option<Secret>,
    /// Key for signing the audit chain: 32 bytes, base64. Keep a copy outside the database's
    /// backups' reach: whoever holds it can re-sign a rewritten chain.
    pub audit_key: Option<Secret>,
}

/// Background work.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Workers per host process (0: this replica serves the API and runs no jobs).
    pub workers: u32,
    /// How often an idle worker looks for work, ms.
    pub poll_ms: u64,
    /// How long a claimed job is a worker's before another may take it over, seconds. A worker
    /// renews the lease every third of it while the job runs, so only a worker that stopped
    /// loses its jobs.
    pub lease_s: u64,
    /// Attempts before a job fails for good.
    pub max_attempts: i32,
    /// Attempts per job kind, overriding `max_attempts` (e.g. `"rules.evaluate" = 5`).
    pub attempts: BTreeMap<String, i32>,
    /// First retry delay, seconds (doubles each attempt, with jitter).
    pub backoff_base_s: u64,
    /// Longest retry delay, seconds.
    pub backoff_max_s: u64,
    /// How often each replica looks for athletes whose local day has begun (to queue their
    /// nightly check: misses, expiries, rules), seconds.
    pub nightly_check_s: u64,
    /// Most jobs a worker takes at once of a kind that runs as a batch: a provider's fetches
    /// (their requests overlap, and each athlete's records are stored, counted into stats and
    /// followed up once per batch), rules evaluations and nightly checks (their athletes' data
    /// read with one query per table). 1 runs them one by one.
    pub batch: u32,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            poll_ms: 500,
            lease_s: 120,
            max_attempts: 8,
            attempts: BTreeMap::from([
                ("rules.evaluate".to_owned(), 5),
                ("athlete.nightly".to_owned(), 5),
            ]),
            backoff_base_s: 5,
            backoff_max_s: 3_600,
            nightly_check_s: 60,
            batch: 64,
        }
    }
}

/// The Prometheus endpoint for operators (`GET /metrics`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Whether `/metrics` answers (when off, it answers 404).
    pub enabled: bool,
    /// When set, a scrape must send `Authorization: Bearer <token>` (otherwise 401).
    pub token: Option<Secret>,
}

/// A database URL whose password never appears in `Debug` or logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl DatabaseUrl {
    /// The URL itself, for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced, safe to print.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("redacted"));
                url.to_string()
            }
            _ => self.0.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Creates `dir` (and its parents) readable by its owner only, as Stride's data holds keys and
/// health data.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Configuration could not be read or did not make sense.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// The largest webhook body `plugin` receives.
    pub fn webhook_body_limit(&self, plugin: &str) -> usize {
        self.plugin
            .get(plugin)
            .and_then(|p| p.max_webhook_bytes)
            .unwrap_or(self.plugins.max_webhook_bytes)
    }

    /// Checks values that parse but make no sense (windows, thresholds).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let t = &self.training;
        t.stats
            .validate()
            .map_err(|e| ConfigError(format!("training.stats: {e}")))?;
        t.readiness
            .validate()
            .map_err(|e| ConfigError(format!("training.readiness: {e}")))?;
        t.plan
            .validate()
            .map_err(|e| ConfigError(format!("training.plan: {e}")))?;
        t.insights
            .method
            .validate()
            .map_err(|e| ConfigError(format!("training.insights.method: {e}")))?;
        if !(0..=23).contains(&self.digest.default_hour)
            || !(1..=7).contains(&self.digest.default_weekday)
        {
            return Err(ConfigError(format!(
                "digest: default_weekday must be 1 (Monday) to 7 (Sunday) and default_hour 0 to 23, got {} and {}",
                self.digest.default_weekday, self.digest.default_hour
            )));
        }
        if self
            .metrics
            .token
            .as_ref()
            .is_some_and(|token| token.expose().trim().is_empty())
        {
            return Err(ConfigError(
                "metrics.token: is empty, which would let anyone scrape; set a long random token or remove the setting".to_owned(),
            ));
        }
        Ok(())
    }

    /// Loads defaults, then `file` (if given, it must exist), then `STRIDE_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        figment
            // `STRIDE_TEST_*` belongs to the test harness, and `STRIDE_CONSOLE_DIR` to console
            // development (read where the console is served), not to the configuration.
            .merge(
                Env::prefixed("STRIDE_")
                    .filter(|key| {
                        let key = key.as_str().to_ascii_lowercase();
                        !key.starts_with("test_") && key != "console_dir"
                    })
                    .split("__"),
            )
            .extract::<Config>()
            .map_err(|e| ConfigError(e.to_string()))
            .and_then(|config| config.validate().map(|()| config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_never_reach_debug_output() {
        let url = DatabaseUrl("postgres://stride:hunter2@db:5432/stride".to_owned());
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(format!("{:?}", Secret::new("s3cret")), "[redacted]");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail closures return figment's own error"
    )]
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "stride.toml",
                "listen = \"0.0.0.0:9000\"\n[graphql]\nmax_depth = 7\n",
            )?;
            jail.set_env("STRIDE_GRAPHQL__MAX_DEPTH", "9");
            let config = Config::load(Some(Path::new("stride.toml")))
                .map_err(|e| figment::Error::from(e.to_string()))?;
            assert_eq!(config.listen.port(), 9000);
            assert_eq!(config.graphql.max_depth, 9);
            assert!(config.graphql.introspection);
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail closures return figment's own error"
    )]
    fn metrics_switch_on_from_the_environment_and_an_empty_token_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("STRIDE_METRICS__ENABLED", "true");
            jail.set_env("STRIDE_METRICS__TOKEN", "scrape-secret");
            let config = Config::load(None).map_err(|e| figment::Error::from(e.to_string()))?;
            assert!(config.metrics.enabled);
            assert_eq!(
                config.metrics.token.as_ref().map(Secret::expose),
                Some("scrape-secret")
            );
            jail.clear_env();
            jail.create_file("stride.toml", "[metrics]\nenabled = true\ntoken = \"\"\n")?;
            let err = Config::load(Some(Path::new("stride.toml"))).expect_err("empty token");
            assert!(err.to_string().contains("metrics.token"), "{err}");
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail closures return figment's own error"
    )]
    fn unknown_keys_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("stride.toml", "lisen = \"0.0.0.0:9000\"\n")?;
            let err = Config::load(Some(Path::new("stride.toml"))).expect_err("typo");
            assert!(err.to_string().contains("lisen"), "{err}");
            Ok(())
        });
    }
}
