//! The plugin runtime's settings and what a deployment gives each plugin. Part of the
//! server's configuration (`[plugins]` and `[plugin.<id>]`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The plugin runtime's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginsConfig {
    /// Directory of `*.wasm` plugins (default: the plugins built with this host).
    pub dir: Option<PathBuf>,
    /// Compiled-plugin cache (default: `<data_dir>/plugin-cache`).
    pub cache_dir: Option<PathBuf>,
    /// Rescan the plugin directory this often, seconds (0: only on an admin's reload).
    pub reload_poll_s: u64,
    /// Plugin calls running at once (the instance pool's size).
    pub max_concurrent_calls: u32,
    /// Linear memory one call may use, MiB.
    pub memory_limit_mb: u32,
    /// Memory of each pooled instance slot kept mapped between calls, MiB (0: give it all
    /// back to the kernel after every call). Only the pages a call wrote are reset, so the
    /// next call in the slot starts without page faults; more memory stays resident. (That
    /// needs Linux 6.7 or later; on older kernels all of it is reset after every call, so
    /// keep it small there.)
    pub keep_resident_mb: u32,
    /// Deadline of a webhook call, ms (Strava wants an answer within 2 s).
    pub webhook_deadline_ms: u64,
    /// Deadline of a job call, ms.
    pub job_deadline_ms: u64,
    /// CPU time a webhook call may spend running guest code, ms (time waiting on the host,
    /// such as HTTP, does not count).
    pub webhook_cpu_ms: u64,
    /// CPU time a job call may spend running guest code, ms. A plugin that spins stops here,
    /// long before the job's wall-clock deadline.
    pub job_cpu_ms: u64,
    /// Default and largest timeout of one outbound request, ms.
    pub http_timeout_ms: u64,
    /// Outbound requests one call may make.
    pub max_http_requests_per_call: u32,
    /// Largest outbound request body, bytes.
    pub max_request_bytes: usize,
    /// Largest response body a plugin may receive, bytes.
    pub max_response_bytes: usize,
    /// Log lines one call may write (the rest are dropped and counted).
    pub max_log_lines_per_call: u32,
    /// Largest webhook body a plugin receives, bytes (a plugin may be given more:
    /// `plugin.<id>.max_webhook_bytes`).
    pub max_webhook_bytes: usize,
    /// Let plugins reach loopback and private addresses (development and tests only).
    pub allow_private_networks: bool,
    /// Let plugins use plain `http://` (development and tests only).
    pub allow_plain_http: bool,
    /// Consecutive failures that open a plugin's circuit breaker.
    pub breaker_failures: u32,
    /// How long an open breaker refuses calls, seconds.
    pub breaker_cooldown_s: u64,
}

impl Default for PluginsConfig {
    fn default() -> Self {
        Self {
            dir: None,
            cache_dir: None,
            reload_poll_s: 0,
            max_concurrent_calls: 32,
            memory_limit_mb: 64,
            keep_resident_mb: 4,
            webhook_deadline_ms: 1_500,
            job_deadline_ms: 60_000,
            webhook_cpu_ms: 1_000,
            job_cpu_ms: 2_000,
            http_timeout_ms: 15_000,
            max_http_requests_per_call: 100,
            max_request_bytes: 1 << 20,
            max_response_bytes: 16 << 20,
            max_log_lines_per_call: 200,
            max_webhook_bytes: 1 << 20,
            allow_private_networks: false,
            allow_plain_http: false,
            breaker_failures: 5,
            breaker_cooldown_s: 60,
        }
    }
}

/// What a deployment gives one plugin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginSettings {
    /// Non-secret settings the plugin can read (e.g. `api_base`).
    pub settings: BTreeMap<String, String>,
    /// Secrets the plugin may compare values against (never read).
    pub secrets: BTreeMap<String, Secret>,
    /// Hosts the plugin may reach beyond its manifest's (e.g. a proxy or a test server).
    pub extra_allowed_hosts: Vec<String>,
    /// Hosts that receive athletes' tokens beyond the manifest's API hosts and the token URL's
    /// host (e.g. a test server standing in for the provider's API).
    pub extra_token_hosts: Vec<String>,
    /// Largest webhook body this plugin receives, bytes (default `plugins.max_webhook_bytes`;
    /// Garmin's activity details need tens of MB).
    pub max_webhook_bytes: Option<usize>,
    /// The OAuth client id registered with the provider.
    pub oauth_client_id: Option<String>,
    /// The OAuth client secret (used by the host only; never given to the plugin).
    pub oauth_client_secret: Option<Secret>,
    /// Overrides the manifest's authorize URL (e.g. a local fake of the provider).
    pub oauth_authorize_url: Option<String>,
    /// Overrides the manifest's token URL.
    pub oauth_token_url: Option<String>,
    /// Overrides the manifest's deauthorize URL.
    pub oauth_deauthorize_url: Option<String>,
    /// Overrides the manifest's athlete-id URL (read after the exchange when the token
    /// response does not name the athlete).
    pub oauth_athlete_id_url: Option<String>,
    /// Per rate budget, the limit of each window (overrides the manifest's defaults; the
    /// provider's tier decides them).
    pub rate_limits: BTreeMap<String, Vec<u32>>,
    /// Per rate budget, each window's length in seconds (overrides the manifest's windows;
    /// for staging and tests against a fake provider with short windows).
    pub rate_window_seconds: BTreeMap<String, Vec<u64>>,
}

/// A secret value: readable by code that needs it, `[redacted]` everywhere else.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call only where it is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
