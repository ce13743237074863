//! Building and running the application: services wired to one store and one clock, served
//! on a listener the caller can choose (port 0 in tests).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::audit::{Audit, AuditLog};
use crate::auth::Accounts;
use crate::config::Config;
use crate::connections::Connections;
use crate::connections::keys::KeyRing;
use crate::connections::rate::SharedRateBudget;
use crate::events::Events;
use crate::gate::{Gate, PluginProposals};
use crate::ingest::Ingest;
use crate::ingest::jobs::{HistoryPage, PluginJob};
use crate::jobs::{Jobs, Registry};
use crate::plugins::BUNDLED_PLUGINS_DIR;
use crate::plugins::admin::PluginAdmin;
use crate::plugins::services::{LiveServices, StoreLedger};
use crate::records::Records;
use crate::rules::RuleEngine;
use crate::rules::jobs::{EvaluateRules, NightlyCheck};
use crate::rules::service::Rules;
use crate::training::Training;
use stride_domain::clock::{SharedClock, SystemClock};
use stride_sandbox::PluginHost;
use stride_sandbox::net::{NetPolicy, Outbound};
use stride_store::Store;

/// How long a webhook's event key is kept to recognise the provider redelivering it (they
/// redeliver within minutes or hours, not weeks).
const WEBHOOK_KEYS_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// The services every request can reach. Cheap to clone: one reference count, however many
/// services there are (axum clones the state for every request).
#[derive(Clone, Debug)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The services themselves; reached through [`AppState`].
#[derive(Debug)]
pub struct Services {
    /// Configuration in force.
    pub config: Arc<Config>,
    /// The database.
    pub store: Store,
    /// The source of "now".
    pub clock: SharedClock,
    /// Accounts and access.
    pub accounts: Accounts,
    /// Athlete data as people read and enter it.
    pub training: Training,
    /// The one write path for athlete records.
    pub records: Records,
    /// What happened, for live listeners here and on other replicas.
    pub events: Events,
    /// The plugin sandbox.
    pub plugins: Arc<PluginHost>,
    /// What plugins borrow from the host (network, kv, tokens, gate).
    pub plugin_services: Arc<LiveServices>,
    /// Plugin administration.
    pub plugin_admin: PluginAdmin,
    /// Durable background work.
    pub jobs: Jobs,
    /// Provider connections and their tokens.
    pub connections: Connections,
    /// Webhooks and plugin jobs into stored records.
    pub ingest: Ingest,
    /// The confirm-apply gate.
    pub gate: Gate,
    /// Adaptation rules.
    pub rules: Rules,
    /// Reading the audit log.
    pub audit: AuditLog,
    /// Erasing a person's account.
    pub erasure: crate::erasure::Erasure,
    /// Athletes' data exports.
    pub exports: crate::privacy::Exports,
    /// What works for each athlete: correlations in their own history.
    pub insights: crate::insights::InsightsService,
    /// The weekly digest, in the app and by email.
    pub digests: crate::digest::Digests,
    /// Request rate limits at the HTTP edge.
    pub limits: Arc<crate::api::limits::Limits>,
    /// Live subscriptions each user holds on this replica.
    pub subscriptions: crate::api::graphql::live::UserSubscriptions,
    /// What this host counts for `GET /metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    /// Wires the services over `store` and `clock` and loads the plugins.
    pub async fn build(config: Config, store: Store, clock: SharedClock) -> anyhow::Result<Self> {
        let metrics = Arc::new(crate::metrics::Metrics::new(config.metrics.enabled));
        let keys = Arc::new(KeyRing::load(&config).context("loading the encryption keys")?);
        let audit = Audit::new(store.clone(), keys.audit_keys());
        if audit
            .sign_unsigned_head()
            .await
            .context("signing the audit chain")?
        {
            tracing::info!("the audit chain's head is signed from now on");
        }
        let events = Events::new(store.clone());
        let accounts = Accounts::new(
            store.clone(),
            clock.clone(),
            config.auth.clone(),
            audit.clone(),
            events.clone(),
        );
        let home = crate::training::HomeCache::new(events.clone());
        let jobs = Jobs::new(
            store.clone(),
            clock.clone(),
            config.jobs.clone(),
            audit.clone(),
        );
        let training_settings = Arc::new(config.training.clone());
        let insights = crate::insights::InsightsService::new(
            store.clone(),
            clock.clone(),
            accounts.clone(),
            training_settings.clone(),
        );
        let records = Records::new(
            store.clone(),
            clock.clone(),
            training_settings.clone(),
            home.clone(),
            jobs.clone(),
            audit.clone(),
        );
        let training = Training::new(
            store.clone(),
            clock.clone(),
            accounts.clone(),
            training_settings,
            home,
            records.clone(),
            audit.clone(),
        );
        let p = &config.plugins;
        let outbound = Outbound::new(NetPolicy {
            allow_private: p.allow_private_networks,
            allow_plain_http: p.allow_plain_http,
            max_request_bytes: p.max_request_bytes,
            max_response_bytes: p.max_response_bytes,
            max_timeout: std::time::Duration::from_millis(p.http_timeout_ms),
        })
        .context("building the plugins' HTTP client")?;
        let plugin_services = Arc::new(LiveServices::new(
            store.clone(),
            clock.clone(),
            outbound.clone(),
            config.plugin.clone(),
        ));
        let mut runtime = config.plugins.clone();
        runtime.dir = runtime.dir.or_else(|| Some(BUNDLED_PLUGINS_DIR.into()));
        runtime.cache_dir = runtime
            .cache_dir
            .or_else(|| Some(config.data_dir.join("plugin-cache")));
        let plugins = Arc::new(
            PluginHost::new(
                runtime,
                config.plugin.clone(),
                plugin_services.clone(),
                clock.clone(),
            )
            .context("starting the plugin runtime")?
            .with_ledger(Arc::new(StoreLedger(store.clone()))),
        );
        plugins.sync_switches().await;
        plugins.reload_all().await;
        let plugin_admin =
            PluginAdmin::new(plugins.clone(), store.clone(), clock.clone(), audit.clone());
        let connections = Connections::new(
            store.clone(),
            clock.clone(),
            keys,
            plugins.clone(),
            outbound,
            config.plugin.clone(),
            config.public_url.clone(),
            jobs.clone(),
            audit.clone(),
        );
        plugin_services.set_token_source(Arc::new(connections.clone()));
        plugin_services.set_rate_governor(Arc::new(SharedRateBudget::new(
            store.clone(),
            clock.clone(),
            Arc::downgrade(&plugins),
            config.plugin.clone(),
        )));
        let ingest = Ingest::new(
            store.clone(),
            clock.clone(),
            plugins.clone(),
            records.clone(),
            connections.clone(),
            jobs.clone(),
            events.clone(),
        )
        .with_import_settings(config.imports);
        let engine = Arc::new(RuleEngine::new(config.rules));
        let gate = Gate::new(
            store.clone(),
            clock.clone(),
            accounts.clone(),
            training.clone(),
            audit.clone(),
            events.clone(),
        );
        let rules = Rules::new(
            store.clone(),
            clock.clone(),
            engine,
            training.clone(),
            gate.clone(),
            accounts.clone(),
            jobs.clone(),
            audit.clone(),
            metrics.clone(),
        );
        plugin_services.set_proposal_sink(PluginProposals::new(gate.clone(), store.clone()));
        let erasure = crate::erasure::Erasure::new(
            store.clone(),
            clock.clone(),
            audit.clone(),
            connections.clone(),
            events.clone(),
        );
        let exports = crate::privacy::Exports::new(
            store.clone(),
            clock.clone(),
            jobs.clone(),
            audit.clone(),
            events.clone(),
            config.exports.clone(),
        );
        let mailer = crate::digest::mail::Mailer::from_config(&config.mail)
            .context("setting up outgoing email (`mail`)")?;
        let digests = crate::digest::Digests::new(
            store.clone(),
            clock.clone(),
            accounts.clone(),
            training.clone(),
            insights.clone(),
            jobs.clone(),
            mailer,
            config.public_url.clone(),
            config.digest.clone(),
        );
        let audit_log = AuditLog::new(store.clone(), audit);
        let config_http = config.http.clone();
        Ok(Self(Arc::new(Services {
            config: Arc::new(config),
            store,
            clock,
            accounts,
            training,
            records,
            events,
            plugins,
            plugin_services,
            plugin_admin,
            jobs,
            connections,
            ingest,
            gate,
            rules,
            audit: audit_log,
            erasure,
            exports,
            insights,
            digests,
            limits: crate::api::limits::Limits::new(&config_http),
            subscriptions: Default::default(),
            metrics,
        })))
    }
}

impl AppState {
    /// Every kind of background job this application runs, with its handler.
    pub fn job_registry(&self) -> Registry {
        Registry::default()
            .register_batch::<PluginJob>(self.ingest.clone())
            .register::<HistoryPage>(self.ingest.clone())
            .register::<crate::ingest::imports::ImportFiles>(self.ingest.clone())
            .register_batch::<EvaluateRules>(self.rules.clone())
            .register_batch::<NightlyCheck>(self.rules.clone())
            .register::<crate::privacy::BuildExport>(self.exports.clone())
            .register::<crate::insights::ComputeInsights>(self.insights.clone())
            .register::<crate::digest::SendDigest>(self.digests.clone())
    }
}

/// A built application, bound to its listener and ready to serve.
pub struct Application {
    state: AppState,
    listener: TcpListener,
}

impl Application {
    /// Connects to the database, migrates it and binds `config.listen`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build`], with a chosen clock (tests move time with it).
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        Self::build_on(config, clock, listener).await
    }

    /// Like [`Application::build_with_clock`], serving on an already bound listener (so a
    /// caller can know the address, e.g. for `public_url`, before building).
    pub async fn build_on(
        config: Config,
        clock: SharedClock,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let store = Store::connect(
            config.database_url.expose(),
            config.database_max_connections,
        )
        .await
        .with_context(|| {
            format!(
                "connecting to the database at {}",
                config.database_url.redacted()
            )
        })?;
        store.migrate().await.context("migrating the database")?;
        let store = store
            .open_inbox()
            .await
            .context("opening the webhook inbox beside the database")?;
        let state = AppState::build(config, store, clock).await?;
        Ok(Self { state, listener })
    }

    /// The address actually bound (the real port when configured with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.config.listen)
    }

    /// The services, for bootstrapping and tests.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and returns.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let router = crate::api::router(self.state.clone());
        let background = self.spawn_background();
        let result = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        for task in &background {
            task.abort();
        }
        // Wait until each is gone: a worker still between two awaits would otherwise meet the
        // pool closing under it and report a failure that is only the shutdown.
        for task in background {
            let _ = task.await;
        }
        if let Err(error) = self.state.accounts.flush_session_uses().await {
            tracing::warn!(%error, "could not record when sessions were last used");
        }
        self.state.ingest.stop_inbox();
        self.state.store.close().await;
        result
    }

    /// Starts the host's background work: job workers, nightly checks, purging old jobs,
    /// following other replicas' cache invalidations, and plugin rescans.
    fn spawn_background(&self) -> Vec<tokio::task::JoinHandle<()>> {
        self.state.ingest.start_inbox();
        let mut tasks = vec![
            tokio::spawn(self.state.training.home_cache().follow()),
            tokio::spawn(
                self.state
                    .gate
                    .pending_cache()
                    .follow(self.state.events.clone()),
            ),
            tokio::spawn(self.state.events.clone().follow_replicas()),
            tokio::spawn(self.state.accounts.clone().record_session_uses()),
        ];
        tasks.extend(
            self.state
                .jobs
                .spawn_workers(Arc::new(self.state.job_registry())),
        );
        let rules = self.state.rules.clone();
        let nightly_every = self.state.config.jobs.nightly_check_s.max(1);
        tasks.push(tokio::spawn(async move {
            // Each athlete's nightly check starts within `nightly_check_s` of their local
            // midnight (and once at start, for the day already begun).
            let mut seen = std::collections::HashMap::new();
            let mut every = tokio::time::interval(std::time::Duration::from_secs(nightly_every));
            loop {
                every.tick().await;
                if let Err(error) = rules.schedule_nightly(&mut seen).await {
                    tracing::warn!(%error, "could not schedule nightly checks");
                }
            }
        }));
        let digests = self.state.digests.clone();
        tasks.push(tokio::spawn(async move {
            // Weekly digests fall due at each person's local weekday and hour.
            let mut every = tokio::time::interval(digests.check_every());
            loop {
                every.tick().await;
                if let Err(error) = digests.schedule().await {
                    tracing::warn!(%error, "could not schedule weekly digests");
                }
            }
        }));
        let limits = self.state.limits.clone();
        tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                limits.shrink();
            }
        }));
        let store = self.state.store.clone();
        let clock = self.state.clock.clone();
        tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3_600));
            loop {
                every.tick().await;
                if let Err(error) = store
                    .purge_finished_jobs(clock.now() - chrono::TimeDelta::days(7))
                    .await
                {
                    tracing::warn!(%error, "could not purge finished jobs");
                }
                if let Err(error) = store
                    .forget_webhook_events(clock.now() - WEBHOOK_KEYS_KEPT)
                    .await
                {
                    tracing::warn!(%error, "could not forget old webhook event keys");
                }
            }
        }));
        let poll = self.state.config.plugins.reload_poll_s;
        if poll > 0 {
            let plugins = self.state.plugins.clone();
            tasks.push(tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(poll));
                every.tick().await;
                loop {
                    every.tick().await;
                    plugins.sync_switches().await;
                    plugins.reload_all().await;
                }
            }));
        }
        tasks
    }
}
