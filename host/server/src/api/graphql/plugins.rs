//! Plugin administration over GraphQL. Needs `MANAGE_PLUGINS`; every change is audited.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::{state, viewer};
use stride_sandbox::PluginStatus;
use stride_sandbox::health;

/// The state of a plugin's circuit breaker.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stride_sandbox::health::BreakerState")]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls are refused until the cool-down ends.
    Open,
    /// The cool-down ended; the next call is a trial.
    HalfOpen,
}

/// What kind of failure a call ended in.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "stride_sandbox::health::FailureKind")]
pub enum FailureKind {
    /// The plugin trapped (panic, unreachable, bad memory access).
    Trap,
    /// It ran past its deadline.
    Deadline,
    /// It spent its CPU budget running guest code (a busy loop).
    CpuLimit,
    /// It exceeded its memory limit.
    MemoryLimit,
    /// Its stack overflowed (e.g. runaway recursion).
    StackOverflow,
    /// It returned an error.
    PluginError,
    /// The host failed while serving it.
    Host,
}

/// A loaded plugin and its health on this host.
pub struct Plugin(pub PluginStatus);

/// What a plugin declares it does and may reach.
#[derive(SimpleObject)]
pub struct PluginCapabilities {
    /// Whether it connects athletes' accounts with OAuth.
    pub oauth: bool,
    /// OAuth scopes it asks for.
    pub oauth_scopes: Vec<String>,
    /// Hosts it may reach (manifest plus deployment additions).
    pub allowed_hosts: Vec<String>,
    /// Webhook kinds it handles.
    pub webhook_kinds: Vec<String>,
    /// Job kinds it runs.
    pub job_kinds: Vec<String>,
    /// Names of the secrets it may compare against.
    pub secrets: Vec<String>,
}

/// One failed call.
#[derive(SimpleObject)]
pub struct PluginFailure {
    /// When.
    pub at: DateTime<Utc>,
    /// Plugin version that failed.
    pub version: String,
    /// Which export (`run-job:backfill`, `handle-webhook`).
    pub call: String,
    /// Failure class.
    pub kind: FailureKind,
    /// What happened.
    pub message: String,
    /// The wasm backtrace, when there is one.
    pub backtrace: Option<String>,
}

/// The time limits every call of a plugin runs under on this host.
#[derive(SimpleObject)]
pub struct PluginLimits {
    /// Wall-clock deadline of a webhook call, ms.
    pub webhook_deadline_ms: u64,
    /// Guest CPU time a webhook call may use, ms.
    pub webhook_cpu_ms: u64,
    /// Wall-clock deadline of a job call (waiting on HTTP included), ms.
    pub job_deadline_ms: u64,
    /// Guest CPU time a job call may use, ms: a busy loop stops here.
    pub job_cpu_ms: u64,
    /// Linear memory a call may use, MiB.
    pub memory_limit_mb: u32,
}

/// A plugin file that could not be loaded.
#[derive(SimpleObject)]
pub struct PluginLoadError {
    /// The file.
    pub path: String,
    /// Why.
    pub message: String,
    /// When.
    pub at: DateTime<Utc>,
}

#[Object]
impl Plugin {
    /// Plugin id (also the source name of its data).
    async fn id(&self) -> &str {
        &self.0.plugin.manifest.id
    }

    /// The plugin's own version.
    async fn version(&self) -> &str {
        &self.0.plugin.manifest.version
    }

    /// The Stride plugin API version it was built for.
    async fn api_version(&self) -> String {
        self.0.plugin.api_version.to_string()
    }

    /// Name shown to people.
    async fn display_name(&self) -> &str {
        &self.0.plugin.manifest.display_name
    }

    /// SHA-256 of the loaded component.
    async fn content_hash(&self) -> &str {
        &self.0.plugin.content_hash
    }

    /// When this version was loaded.
    async fn loaded_at(&self) -> DateTime<Utc> {
        self.0.plugin.loaded_at
    }

    /// Whether calls are allowed (admins can switch a plugin off).
    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// The circuit breaker: CLOSED (calls flow), OPEN (refused after failures), HALF_OPEN.
    async fn breaker(&self) -> BreakerState {
        self.0.breaker.into()
    }

    /// Consecutive failed calls.
    async fn consecutive_failures(&self) -> u32 {
        self.0.consecutive_failures
    }

    /// When an open breaker lets a trial call through.
    async fn open_until(&self) -> Option<DateTime<Utc>> {
        self.0.open_until
    }

    /// Calls made on this host since it started.
    async fn calls(&self) -> u64 {
        self.0.calls
    }

    /// Failed calls on this host since it started.
    async fn failures(&self) -> u64 {
        self.0.failures
    }

    /// The limits its calls run under.
    async fn limits(&self, ctx: &Context<'_>) -> PluginLimits {
        let p = &state(ctx).config.plugins;
        PluginLimits {
            webhook_deadline_ms: p.webhook_deadline_ms,
            webhook_cpu_ms: p.webhook_cpu_ms,
            job_deadline_ms: p.job_deadline_ms,
            job_cpu_ms: p.job_cpu_ms,
            memory_limit_mb: p.memory_limit_mb,
        }
    }

    /// What it declares.
    async fn capabilities(&self) -> PluginCapabilities {
        let m = &self.0.plugin.manifest;
        PluginCapabilities {
            oauth: m.oauth.is_some(),
            oauth_scopes: m
                .oauth
                .as_ref()
                .map(|o| o.scopes.clone())
                .unwrap_or_default(),
            allowed_hosts: self.0.plugin.allowed_hosts.as_ref().clone(),
            webhook_kinds: m.webhook_kinds.clone(),
            job_kinds: m.job_kinds.clone(),
            secrets: m.secrets.clone(),
        }
    }

    /// Recent failed calls across every replica, newest first.
    async fn recent_failures(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] limit: u32,
    ) -> async_graphql::Result<Vec<PluginFailure>> {
        let rows = state(ctx)
            .plugin_admin
            .failures(viewer(ctx)?, &self.0.plugin.manifest.id, limit)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| PluginFailure {
                at: row.at,
                version: row.version,
                call: row.call,
                kind: row
                    .kind
                    .parse::<health::FailureKind>()
                    .unwrap_or(health::FailureKind::Host)
                    .into(),
                message: row.message,
                backtrace: row.backtrace,
            })
            .collect())
    }
}

/// Plugin queries.
#[derive(Default)]
pub struct PluginQuery;

#[Object]
impl PluginQuery {
    /// Every loaded plugin with its health. Needs `MANAGE_PLUGINS`.
    async fn plugins(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Plugin>> {
        Ok(state(ctx)
            .plugin_admin
            .list(viewer(ctx)?)?
            .into_iter()
            .map(Plugin)
            .collect())
    }

    /// Plugin files that failed to load, and why. Needs `MANAGE_PLUGINS`.
    async fn plugin_load_errors(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PluginLoadError>> {
        let errors = state(ctx).plugin_admin.load_errors(viewer(ctx)?)?;
        Ok(errors
            .into_iter()
            .map(|e| PluginLoadError {
                path: e.path.display().to_string(),
                message: e.message,
                at: e.at,
            })
            .collect())
    }
}

/// Plugin mutations.
#[derive(Default)]
pub struct PluginMutation;

#[Object]
impl PluginMutation {
    /// Switches a plugin off (its calls are refused) or back on. Audited.
    async fn set_plugin_enabled(
        &self,
        ctx: &Context<'_>,
        id: String,
        enabled: bool,
        reason: String,
    ) -> async_graphql::Result<Plugin> {
        Ok(Plugin(
            state(ctx)
                .plugin_admin
                .set_enabled(viewer(ctx)?, &id, enabled, &reason)
                .await?,
        ))
    }

    /// Rescans the plugin directory and swaps in new versions without a restart. Audited.
    async fn reload_plugins(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Plugin>> {
        Ok(state(ctx)
            .plugin_admin
            .reload(viewer(ctx)?)
            .await?
            .into_iter()
            .map(Plugin)
            .collect())
    }

    /// Closes a plugin's circuit breaker so calls flow again. Audited.
    async fn reset_plugin_breaker(
        &self,
        ctx: &Context<'_>,
        id: String,
    ) -> async_graphql::Result<Plugin> {
        Ok(Plugin(
            state(ctx)
                .plugin_admin
                .reset_breaker(viewer(ctx)?, &id)
                .await?,
        ))
    }
}
