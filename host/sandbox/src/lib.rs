//! Stride's plugin host: the wasmtime sandbox that runs integration plugins.
//!
//! Each plugin is compiled once (cached on disk), pre-instantiated, and instantiated afresh
//! for every call from the pooling allocator, so one call's failure cannot leak into the next.
//! A trap or limit hit fails that call only; repeated failures open the plugin's circuit
//! breaker. Reloading swaps the plugin atomically: calls already running finish on the old
//! version.
//!
//! The types generated from the WIT stay in this crate: callers speak [`contract`] types,
//! and the bindings of each supported plugin API version convert at the wall.

mod bindings;
pub mod config;
pub mod contract;
mod handler;
pub mod harness;
pub mod health;
pub mod imports;
pub mod net;
pub mod runtime;
pub mod services;
pub mod version;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use stride_domain::clock::SharedClock;

use self::bindings::{since_v1_0_0, since_v1_1_0};
use self::config::{PluginSettings, PluginsConfig};
use self::contract::{
    HistoryOutcome, HistoryRequest, JobOutcome, JobRequest, Manifest, PluginError, UploadOutcome,
    UploadRequest, WebhookOutcome, WebhookRequest,
};
use self::health::{BreakerSettings, BreakerState, Failure, FailureKind, Health};
use self::imports::{CallQuotas, CallState, UploadBody};
use self::runtime::{CallLimits, EngineLimits, Runtime, classify};
use self::services::{
    BoxFuture, CallAthlete, PluginIdentity, PluginLedger, PluginServices, RecordedFailure,
};
use self::version::ApiVersion;

/// A plugin pre-instantiated against the bindings of the API version it was built for.
enum Pre {
    V1_0(since_v1_0_0::PluginPre<CallState>),
    V1_1(handler::Handler),
}

/// A plugin ready to be called.
pub struct LoadedPlugin {
    /// Its manifest, as it declared it.
    pub manifest: Manifest,
    /// The API version it was built for.
    pub api_version: ApiVersion,
    /// Where it was loaded from.
    pub path: PathBuf,
    /// SHA-256 of the component, hex.
    pub content_hash: String,
    /// When this version was loaded.
    pub loaded_at: DateTime<Utc>,
    /// Hosts it may reach: the manifest's plus any the deployment added.
    pub allowed_hosts: Arc<Vec<String>>,
    /// Hosts that receive the athlete's token: the manifest's API hosts, the token URL's
    /// host, and any the deployment added. Every other host gets none.
    pub token_hosts: Arc<Vec<String>>,
    secrets: Arc<Vec<String>>,
    pre: Pre,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("id", &self.manifest.id)
            .field("version", &self.manifest.version)
            .field("api_version", &self.api_version)
            .field("path", &self.path)
            .finish()
    }
}

impl LoadedPlugin {
    /// Who it is.
    pub fn identity(&self) -> PluginIdentity {
        PluginIdentity {
            id: self.manifest.id.clone(),
            version: self.manifest.version.clone(),
        }
    }
}

/// Why a call did not produce the plugin's answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// No plugin with that id is loaded.
    #[error("no plugin `{0}` is loaded")]
    NotFound(String),
    /// An admin disabled it.
    #[error("the plugin `{0}` is disabled")]
    Disabled(String),
    /// Its breaker is open after repeated failures.
    #[error("the plugin `{id}` is paused after repeated failures until {until}")]
    BreakerOpen {
        /// Plugin id.
        id: String,
        /// When it will be tried again.
        until: DateTime<Utc>,
    },
    /// The call trapped, hit a limit, or the host failed serving it.
    #[error("{}", .0.message)]
    Failed(runtime::CallFailure),
    /// The plugin returned an error.
    #[error("{0:?}")]
    Plugin(PluginError),
}

/// The outcome of a call, with what it cost.
#[derive(Debug, Clone)]
pub struct CallReport<T> {
    /// The result.
    pub result: Result<T, CallError>,
    /// Wall time.
    pub elapsed: Duration,
    /// Largest linear memory, bytes.
    pub peak_memory: usize,
    /// Log lines dropped over the quota.
    pub logs_dropped: u32,
}

/// A plugin that could not be loaded, for admins.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub message: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A snapshot of one plugin for admins.
#[derive(Debug, Clone)]
pub struct PluginStatus {
    /// The plugin.
    pub plugin: Arc<LoadedPlugin>,
    /// Whether an admin disabled it.
    pub enabled: bool,
    /// Breaker state now.
    pub breaker: BreakerState,
    /// Consecutive failures.
    pub consecutive_failures: u32,
    /// When an open breaker allows a trial.
    pub open_until: Option<DateTime<Utc>>,
    /// Calls made on this host.
    pub calls: u64,
    /// Failed calls on this host.
    pub failures: u64,
    /// Most recent failures, newest first.
    pub recent_failures: Vec<Failure>,
}

/// All plugins of this host.
pub struct PluginHost {
    runtime: Runtime,
    config: PluginsConfig,
    settings: BTreeMap<String, PluginSettings>,
    services: Arc<dyn PluginServices>,
    clock: SharedClock,
    plugins: RwLock<BTreeMap<String, Arc<LoadedPlugin>>>,
    disabled: RwLock<BTreeMap<String, String>>,
    health: Mutex<BTreeMap<String, Health>>,
    load_errors: Mutex<Vec<LoadError>>,
    permits: Semaphore,
    ledger: Option<Arc<dyn PluginLedger>>,
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHost")
            .field("dir", &self.config.dir)
            .field("plugins", &self.ids())
            .finish()
    }
}

fn read_lock<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write_lock<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Checks a plugin id: lower-case letters, digits and dashes, 1–40 characters.
pub fn valid_plugin_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl PluginHost {
    /// A host with no plugins loaded yet.
    pub fn new(
        config: PluginsConfig,
        settings: BTreeMap<String, PluginSettings>,
        services: Arc<dyn PluginServices>,
        clock: SharedClock,
    ) -> anyhow::Result<Self> {
        let runtime = Runtime::new(
            EngineLimits {
                max_concurrent_calls: config.max_concurrent_calls,
                memory_bytes: config.memory_limit_mb as usize * 1024 * 1024,
                keep_resident_bytes: config.keep_resident_mb as usize * 1024 * 1024,
            },
            config.cache_dir.clone(),
        )?;
        let permits = Semaphore::new(config.max_concurrent_calls.max(1) as usize);
        Ok(Self {
            runtime,
            config,
            settings,
            services,
            clock,
            plugins: RwLock::new(BTreeMap::new()),
            disabled: RwLock::new(BTreeMap::new()),
            health: Mutex::new(BTreeMap::new()),
            load_errors: Mutex::new(Vec::new()),
            permits,
            ledger: None,
        })
    }

    /// Also records failures in (and takes admins' switches from) a ledger every replica
    /// shares.
    pub fn with_ledger(mut self, ledger: Arc<dyn PluginLedger>) -> Self {
        self.ledger = Some(ledger);
        self
    }

    /// Applies admins' switches from the ledger (at start and on each rescan, so every replica
    /// follows them).
    pub async fn sync_switches(&self) {
        let Some(ledger) = &self.ledger else {
            return;
        };
        match ledger.disabled_plugins().await {
            Ok(disabled) => *write_lock(&self.disabled) = disabled.into_iter().collect(),
            Err(error) => tracing::warn!(%error, "could not read plugin switches"),
        }
    }

    /// The loaded plugins' ids.
    pub fn ids(&self) -> Vec<String> {
        read_lock(&self.plugins).keys().cloned().collect()
    }

    /// The loaded plugin `id`.
    pub fn get(&self, id: &str) -> Option<Arc<LoadedPlugin>> {
        read_lock(&self.plugins).get(id).cloned()
    }

    /// Files that failed to load in the last scan.
    pub fn load_errors(&self) -> Vec<LoadError> {
        lock(&self.load_errors).clone()
    }

    fn quotas(&self) -> CallQuotas {
        CallQuotas {
            memory_bytes: self.config.memory_limit_mb as usize * 1024 * 1024,
            http_requests: self.config.max_http_requests_per_call,
            log_lines: self.config.max_log_lines_per_call,
            log_message_bytes: 4 * 1024,
            secret_checks: 8,
            kv_key_bytes: 256,
            kv_value_bytes: 256 * 1024,
            http_timeout: Duration::from_millis(self.config.http_timeout_ms),
        }
    }

    /// Compiles and checks one component file without registering it.
    pub async fn prepare_file(&self, path: &Path) -> anyhow::Result<LoadedPlugin> {
        let wasm = tokio::fs::read(path)
            .await
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
        let api_version = version::check(&wasm)
            .map_err(|e| anyhow::anyhow!("{} cannot be loaded: {e}", path.display()))?;
        let content_hash = hex::encode(Sha256::digest(&wasm));
        let compiler = self.runtime.compiler();
        let bytes = wasm.clone();
        let component = tokio::task::spawn_blocking(move || compiler.compile(&bytes)).await??;
        let instance_pre = self.runtime.prepare(&component)?;
        let probe = PluginIdentity {
            id: format!("(loading {})", path.display()),
            version: String::new(),
        };
        let state = CallState::new(
            probe,
            Arc::new(Vec::new()),
            Arc::new(Vec::new()),
            Arc::new(Vec::new()),
            None,
            self.services.clone(),
            self.quotas(),
        );
        let mut store = self.runtime.store(state, self.webhook_limits());
        let (pre, manifest): (Pre, Manifest) = match api_version.minor {
            0 => {
                let pre = since_v1_0_0::PluginPre::new(instance_pre).map_err(|e| {
                    anyhow::anyhow!("the plugin does not export the Stride 1.0 handler: {e}")
                })?;
                let instance = pre
                    .instantiate_async(&mut store)
                    .await
                    .map_err(|e| anyhow::anyhow!("instantiating: {}", classify(&e).message))?;
                let manifest = instance
                    .stride_plugin_handler()
                    .call_describe(&mut store)
                    .await
                    .map_err(|e| anyhow::anyhow!("reading its manifest: {}", classify(&e).message))?
                    .into();
                (Pre::V1_0(pre), manifest)
            }
            _ => {
                let pre = since_v1_1_0::PluginPre::new(instance_pre).map_err(|e| {
                    anyhow::anyhow!("the plugin does not export the Stride 1.1 handler: {e}")
                })?;
                let (handler, manifest) =
                    handler::Handler::load(pre, &mut store).await.map_err(|e| {
                        anyhow::anyhow!(
                            "instantiating and reading its manifest: {}",
                            classify(&e).message
                        )
                    })?;
                (Pre::V1_1(handler), manifest.into())
            }
        };
        if !valid_plugin_id(&manifest.id) {
            anyhow::bail!(
                "its id `{}` is not 1–40 lower-case letters, digits and dashes",
                manifest.id
            );
        }
        let mut allowed_hosts = manifest.allowed_hosts.clone();
        let settings = self.settings.get(&manifest.id);
        if let Some(settings) = settings {
            allowed_hosts.extend(settings.extra_allowed_hosts.iter().cloned());
        }
        let mut token_hosts: Vec<String> = Vec::new();
        if let Some(oauth) = &manifest.oauth {
            token_hosts.extend(oauth.api_hosts.iter().cloned());
            let token_url = settings
                .and_then(|s| s.oauth_token_url.clone())
                .unwrap_or_else(|| oauth.token_url.clone());
            if let Some(host) = url::Url::parse(&token_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
            {
                token_hosts.push(host);
            }
        }
        if let Some(settings) = settings {
            token_hosts.extend(settings.extra_token_hosts.iter().cloned());
        }
        Ok(LoadedPlugin {
            secrets: Arc::new(manifest.secrets.clone()),
            allowed_hosts: Arc::new(allowed_hosts),
            token_hosts: Arc::new(token_hosts),
            manifest,
            api_version,
            path: path.to_owned(),
            content_hash,
            loaded_at: self.clock.now(),
            pre,
        })
    }

    /// Loads (or reloads) every `*.wasm` in the plugin directory: new and changed files are
    /// compiled and swapped in, removed files unloaded. A file that fails to load is reported
    /// and skipped; others still load. Returns the ids now loaded.
    pub async fn reload_all(&self) -> Vec<String> {
        let Some(dir) = self.config.dir.clone() else {
            return self.ids();
        };
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|ext| ext == "wasm"))
                .collect(),
            Err(error) => {
                tracing::warn!(dir = %dir.display(), %error, "cannot read the plugin directory");
                Vec::new()
            }
        };
        files.sort();
        let mut errors = Vec::new();
        let mut seen = Vec::new();
        for path in files {
            let current = read_lock(&self.plugins)
                .values()
                .find(|p| p.path == path)
                .cloned();
            if let Some(current) = &current
                && let Ok(bytes) = std::fs::read(&path)
                && hex::encode(Sha256::digest(&bytes)) == current.content_hash
            {
                seen.push(current.manifest.id.clone());
                continue;
            }
            match self.prepare_file(&path).await {
                Ok(plugin) => {
                    let id = plugin.manifest.id.clone();
                    if seen.contains(&id) {
                        errors.push(LoadError {
                            path,
                            message: format!("another file already provides plugin `{id}`"),
                            at: self.clock.now(),
                        });
                        continue;
                    }
                    tracing::info!(plugin = %id, version = %plugin.manifest.version, api = %plugin.api_version, "plugin loaded");
                    write_lock(&self.plugins).insert(id.clone(), Arc::new(plugin));
                    seen.push(id);
                }
                Err(error) => {
                    tracing::warn!(path = %path.display(), error = %format!("{error:#}"), "plugin not loaded");
                    if let Some(current) = current {
                        seen.push(current.manifest.id.clone());
                    }
                    errors.push(LoadError {
                        path,
                        message: format!("{error:#}"),
                        at: self.clock.now(),
                    });
                }
            }
        }
        write_lock(&self.plugins).retain(|id, _| seen.contains(id));
        *lock(&self.load_errors) = errors;
        self.ids()
    }

    /// Registers an already prepared plugin (used by tests and the harness).
    pub fn install(&self, plugin: LoadedPlugin) {
        write_lock(&self.plugins).insert(plugin.manifest.id.clone(), Arc::new(plugin));
    }

    /// Marks a plugin enabled or disabled on this host.
    pub fn set_enabled(&self, id: &str, enabled: bool, reason: &str) {
        let mut disabled = write_lock(&self.disabled);
        if enabled {
            disabled.remove(id);
        } else {
            disabled.insert(id.to_owned(), reason.to_owned());
        }
    }

    /// Whether a plugin is enabled on this host.
    pub fn is_enabled(&self, id: &str) -> bool {
        !read_lock(&self.disabled).contains_key(id)
    }

    /// Closes a plugin's breaker.
    pub fn reset_breaker(&self, id: &str) {
        lock(&self.health).entry(id.to_owned()).or_default().reset();
    }

    /// Every loaded plugin with its health.
    pub fn statuses(&self) -> Vec<PluginStatus> {
        let now = self.clock.now();
        let plugins: Vec<Arc<LoadedPlugin>> = read_lock(&self.plugins).values().cloned().collect();
        let health = lock(&self.health);
        plugins
            .into_iter()
            .map(|plugin| {
                let h = health.get(&plugin.manifest.id).cloned().unwrap_or_default();
                PluginStatus {
                    enabled: self.is_enabled(&plugin.manifest.id),
                    breaker: h.state(now),
                    consecutive_failures: h.consecutive_failures(),
                    open_until: h.open_until(),
                    calls: h.calls,
                    failures: h.failures,
                    recent_failures: h.recent.iter().rev().cloned().collect(),
                    plugin,
                }
            })
            .collect()
    }

    /// The time limits of a webhook call.
    pub fn webhook_limits(&self) -> CallLimits {
        CallLimits {
            deadline: Duration::from_millis(self.config.webhook_deadline_ms),
            cpu: Duration::from_millis(self.config.webhook_cpu_ms),
        }
    }

    /// The time limits of a job call (jobs, history pages, uploads).
    pub fn job_limits(&self) -> CallLimits {
        CallLimits {
            deadline: Duration::from_millis(self.config.job_deadline_ms),
            cpu: Duration::from_millis(self.config.job_cpu_ms),
        }
    }

    fn breaker_settings(&self) -> BreakerSettings {
        BreakerSettings {
            failures_to_open: self.config.breaker_failures.max(1),
            cool_down: TimeDelta::seconds(
                i64::try_from(self.config.breaker_cooldown_s).unwrap_or(60),
            ),
            keep_failures: 20,
        }
    }

    async fn call<T>(
        &self,
        id: &str,
        call: String,
        athlete: Option<CallAthlete>,
        upload: Option<Arc<dyn UploadBody>>,
        limits: CallLimits,
        invoke: impl for<'a> FnOnce(
            &'a Pre,
            &'a mut wasmtime::Store<CallState>,
        ) -> BoxFuture<'a, wasmtime::Result<Result<T, PluginError>>>,
    ) -> CallReport<T>
    where
        T: Send + 'static,
    {
        let started = std::time::Instant::now();
        let report = |result, peak_memory, logs_dropped| CallReport {
            result,
            elapsed: started.elapsed(),
            peak_memory,
            logs_dropped,
        };
        let Some(plugin) = self.get(id) else {
            return report(Err(CallError::NotFound(id.to_owned())), 0, 0);
        };
        if !self.is_enabled(id) {
            return report(Err(CallError::Disabled(id.to_owned())), 0, 0);
        }
        let admitted = {
            let now = self.clock.now();
            let mut health = lock(&self.health);
            match health.get_mut(id) {
                Some(entry) => entry.admit(now),
                None => health.entry(id.to_owned()).or_default().admit(now),
            }
        };
        if let Err(until) = admitted {
            return report(
                Err(CallError::BreakerOpen {
                    id: id.to_owned(),
                    until,
                }),
                0,
                0,
            );
        }
        let Ok(_permit) = self.permits.acquire().await else {
            return report(Err(CallError::NotFound(id.to_owned())), 0, 0);
        };
        let mut state = CallState::new(
            plugin.identity(),
            plugin.allowed_hosts.clone(),
            plugin.token_hosts.clone(),
            plugin.secrets.clone(),
            athlete,
            self.services.clone(),
            self.quotas(),
        );
        if let Some(upload) = upload {
            state = state.with_upload(upload);
        }
        let deadline = limits.deadline;
        let mut store = self.runtime.store(state, limits);
        // Host calls have their own timeouts; this outer bound catches anything else.
        let outcome = tokio::time::timeout(
            deadline + Duration::from_secs(2),
            invoke(&plugin.pre, &mut store),
        )
        .await;
        let (peak, dropped) = (store.data().limiter.peak_memory, store.data().logs_dropped);
        if dropped > 0 {
            tracing::warn!(plugin = %id, dropped, "plugin log flood: lines over the per-call quota were dropped");
        }
        let result = match outcome {
            Err(_) => Err(CallError::Failed(runtime::CallFailure {
                kind: FailureKind::Deadline,
                message: format!("the plugin did not finish within {deadline:?}"),
                backtrace: None,
            })),
            Ok(Err(error)) => Err(CallError::Failed(classify(&error))),
            Ok(Ok(Err(plugin_error))) => Err(CallError::Plugin(plugin_error)),
            Ok(Ok(Ok(value))) => Ok(value),
        };
        self.record(&plugin, &call, &result);
        report(result, peak, dropped)
    }

    fn record<T>(&self, plugin: &LoadedPlugin, call: &str, result: &Result<T, CallError>) {
        let mut health = lock(&self.health);
        let id = &plugin.manifest.id;
        if !health.contains_key(id) {
            health.insert(id.clone(), Health::default());
        }
        let Some(entry) = health.get_mut(id) else {
            return;
        };
        let failure = match result {
            // Bad input and an athlete's refused credentials say nothing about the plugin's
            // health: one athlete who withdrew access at the provider must not open the
            // breaker for everyone (their connection is marked revoked instead).
            Ok(_)
            | Err(CallError::Plugin(PluginError::BadInput(_) | PluginError::Unauthorized(_))) => {
                None
            }
            Err(CallError::Failed(failure)) => Some((
                failure.kind,
                failure.message.clone(),
                failure.backtrace.clone(),
            )),
            Err(CallError::Plugin(error)) => {
                Some((FailureKind::PluginError, format!("{error:?}"), None))
            }
            Err(_) => return,
        };
        match failure {
            None => entry.succeeded(),
            Some((kind, message, backtrace)) => {
                tracing::warn!(plugin = %plugin.manifest.id, version = %plugin.manifest.version, call, kind = %kind, %message, "plugin call failed");
                let failure = Failure {
                    at: self.clock.now(),
                    version: plugin.manifest.version.clone(),
                    call: call.to_owned(),
                    kind,
                    message,
                    backtrace,
                };
                if let Some(ledger) = self.ledger.clone() {
                    let recorded = RecordedFailure {
                        plugin_id: plugin.manifest.id.clone(),
                        failure: failure.clone(),
                    };
                    tokio::spawn(async move {
                        if let Err(error) = ledger.record_failure(recorded).await {
                            tracing::warn!(%error, "could not record a plugin failure");
                        }
                    });
                }
                entry.failed(failure, &self.breaker_settings());
            }
        }
    }

    /// Lets plugin `id` handle a webhook, within the webhook deadline.
    pub async fn handle_webhook(
        &self,
        id: &str,
        request: WebhookRequest,
    ) -> CallReport<WebhookOutcome> {
        self.call(
            id,
            "handle-webhook".to_owned(),
            None,
            None,
            self.webhook_limits(),
            move |pre, store| {
                Box::pin(async move {
                    Ok(match pre {
                        Pre::V1_0(pre) => pre
                            .instantiate_async(&mut *store)
                            .await?
                            .stride_plugin_handler()
                            .call_handle_webhook(&mut *store, &request.into())
                            .await?
                            .map(Into::into)
                            .map_err(Into::into),
                        Pre::V1_1(handler) => handler
                            .handle_webhook(store, &request.into())
                            .await?
                            .map(Into::into)
                            .map_err(Into::into),
                    })
                })
            },
        )
        .await
    }

    /// Runs one of plugin `id`'s own jobs, within the job deadline.
    pub async fn run_job(
        &self,
        id: &str,
        job: JobRequest,
        athlete: Option<CallAthlete>,
    ) -> CallReport<JobOutcome> {
        let call = format!("run-job:{}", job.kind);
        self.call(
            id,
            call,
            athlete,
            None,
            self.job_limits(),
            move |pre, store| {
                Box::pin(async move {
                    Ok(match pre {
                        Pre::V1_0(pre) => pre
                            .instantiate_async(&mut *store)
                            .await?
                            .stride_plugin_handler()
                            .call_run_job(&mut *store, &job.into())
                            .await?
                            .map(Into::into)
                            .map_err(Into::into),
                        Pre::V1_1(handler) => handler
                            .run_job(store, &job.into())
                            .await?
                            .map(Into::into)
                            .map_err(Into::into),
                    })
                })
            },
        )
        .await
    }

    /// Imports one page of an athlete's history from plugin `id`, within the job deadline.
    /// (A 1.0 plugin does this as its `backfill` job; the bindings translate.)
    pub async fn import_history(
        &self,
        id: &str,
        request: HistoryRequest,
        athlete: CallAthlete,
    ) -> CallReport<HistoryOutcome> {
        self.call(
            id,
            "import-history".to_owned(),
            Some(athlete),
            None,
            self.job_limits(),
            move |pre, store| {
                Box::pin(async move {
                    Ok(match pre {
                        Pre::V1_0(pre) => pre
                            .instantiate_async(&mut *store)
                            .await?
                            .stride_plugin_handler()
                            .call_run_job(&mut *store, &bindings::v1_0_history_job(request))
                            .await?
                            .map(bindings::v1_0_history_outcome)
                            .map_err(Into::into),
                        Pre::V1_1(handler) => handler
                            .import_history(store, &request.into())
                            .await?
                            .map(Into::into)
                            .map_err(Into::into),
                    })
                })
            },
        )
        .await
    }

    /// Lets plugin `id` read an upload (a file or a relay delivery) for `athlete`, within the
    /// job deadline. `body` is read by the plugin in pieces.
    pub async fn receive_upload(
        &self,
        id: &str,
        request: UploadRequest,
        body: Arc<dyn UploadBody>,
        athlete: CallAthlete,
    ) -> CallReport<UploadOutcome> {
        self.call(
            id,
            "receive-upload".to_owned(),
            Some(athlete),
            Some(body),
            self.job_limits(),
            move |pre, store| {
                Box::pin(async move {
                    Ok(match pre {
                        Pre::V1_0(_) => Err(PluginError::Permanent(
                            "this plugin was built for plugin API 1.0, which has no uploads"
                                .to_owned(),
                        )),
                        Pre::V1_1(handler) => handler
                            .bindings()
                            .instantiate_async(&mut *store)
                            .await?
                            .stride_plugin_handler()
                            .call_receive_upload(&mut *store, &request.into())
                            .await?
                            .map(Into::into)
                            .map_err(Into::into),
                    })
                })
            },
        )
        .await
    }
}
