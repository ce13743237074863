//! The state of one plugin call and the host functions the plugin imports.
//!
//! Every import is limited per call (HTTP requests, log lines, secret comparisons, key sizes)
//! so a plugin that floods the host only hurts its own call.

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::since_v1_0_0::stride::plugin as wit;
use super::bindings::{
    HttpError, HttpRequest, HttpResponse, KvScope, LogField, LogLevel, PlanProposal,
};
use super::net::OutboundRequest;
use super::services::{CallAthlete, PluginIdentity, PluginServices};

/// Per-call limits on what a plugin may ask of the host.
#[derive(Debug, Clone, Copy)]
pub struct CallQuotas {
    /// Linear memory, bytes.
    pub memory_bytes: usize,
    /// HTTP requests per call.
    pub http_requests: u32,
    /// Log lines per call (more are dropped and counted).
    pub log_lines: u32,
    /// Longest log message kept, bytes.
    pub log_message_bytes: usize,
    /// Secret comparisons per call.
    pub secret_checks: u32,
    /// Largest kv key, bytes.
    pub kv_key_bytes: usize,
    /// Largest kv value, bytes.
    pub kv_value_bytes: usize,
    /// Default HTTP timeout when the plugin names none.
    pub http_timeout: Duration,
}

/// The memory limit was hit.
#[derive(Debug, thiserror::Error)]
#[error("the plugin tried to grow its memory to {desired} bytes; the limit is {limit} bytes")]
pub struct MemoryLimitExceeded {
    /// Requested size.
    pub desired: usize,
    /// Limit.
    pub limit: usize,
}

/// The plugin broke a host rule badly enough that its call is stopped.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HostRuleViolated(pub String);

/// Tracks and caps memory growth, remembering the peak for reports.
#[derive(Debug)]
pub struct CallLimiter {
    limit: usize,
    /// Largest linear memory seen, bytes.
    pub peak_memory: usize,
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            return Err(wasmtime::Error::new(MemoryLimitExceeded {
                desired,
                limit: self.limit,
            }));
        }
        self.peak_memory = self.peak_memory.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// Everything one call owns. Dropped with the call's store.
pub struct CallState {
    table: ResourceTable,
    wasi: WasiCtx,
    /// The memory limiter.
    pub limiter: CallLimiter,
    plugin: PluginIdentity,
    allowed_hosts: Arc<Vec<String>>,
    declared_secrets: Arc<Vec<String>>,
    athlete: Option<CallAthlete>,
    services: Arc<dyn PluginServices>,
    quotas: CallQuotas,
    http_requests: u32,
    log_lines: u32,
    /// Log lines dropped over the quota.
    pub logs_dropped: u32,
    secret_checks: u32,
}

impl CallState {
    /// State for one call of `plugin`.
    pub fn new(
        plugin: PluginIdentity,
        allowed_hosts: Arc<Vec<String>>,
        declared_secrets: Arc<Vec<String>>,
        athlete: Option<CallAthlete>,
        services: Arc<dyn PluginServices>,
        quotas: CallQuotas,
    ) -> Self {
        // No preopens, no environment, no arguments, no stdio, no sockets.
        let wasi = WasiCtx::builder()
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        Self {
            table: ResourceTable::new(),
            wasi,
            limiter: CallLimiter {
                limit: quotas.memory_bytes,
                peak_memory: 0,
            },
            plugin,
            allowed_hosts,
            declared_secrets,
            athlete,
            services,
            quotas,
            http_requests: 0,
            log_lines: 0,
            logs_dropped: 0,
            secret_checks: 0,
        }
    }

    fn scope_key(&self, scope: &KvScope) -> wasmtime::Result<String> {
        match scope {
            KvScope::Plugin => Ok(String::new()),
            KvScope::Athlete(id) => match &self.athlete {
                Some(athlete) if athlete.id.to_string() == *id => Ok(format!("athlete:{id}")),
                _ => Err(wasmtime::Error::new(HostRuleViolated(format!(
                    "kv scope athlete {id} is not the athlete of this call"
                )))),
            },
        }
    }

    fn check_key(&self, key: &str) -> wasmtime::Result<()> {
        if key.is_empty() || key.len() > self.quotas.kv_key_bytes {
            return Err(wasmtime::Error::new(HostRuleViolated(format!(
                "kv keys must be 1–{} bytes",
                self.quotas.kv_key_bytes
            ))));
        }
        Ok(())
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl wit::types::Host for CallState {}

impl wit::http::Host for CallState {
    async fn send(
        &mut self,
        request: HttpRequest,
    ) -> wasmtime::Result<Result<HttpResponse, HttpError>> {
        self.http_requests += 1;
        if self.http_requests > self.quotas.http_requests {
            return Ok(Err(HttpError::Denied(format!(
                "this call already made {} requests, the most one call may make",
                self.quotas.http_requests
            ))));
        }
        let method =
            match reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes()) {
                Ok(m)
                    if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(&m.as_str()) =>
                {
                    m
                }
                _ => {
                    return Ok(Err(HttpError::Invalid(format!(
                        "`{}` is not a supported method",
                        request.method
                    ))));
                }
            };
        let url = match url::Url::parse(&request.url) {
            Ok(url) => url,
            Err(e) => {
                return Ok(Err(HttpError::Invalid(format!(
                    "`{}` is not a URL: {e}",
                    request.url
                ))));
            }
        };
        let on_behalf_of = match request
            .on_behalf_of
            .as_deref()
            .map(uuid::Uuid::parse_str)
            .transpose()
        {
            Ok(id) => id,
            Err(_) => {
                return Ok(Err(HttpError::NotConnected(
                    "on-behalf-of is not a Stride athlete id".to_owned(),
                )));
            }
        };
        if let Some(id) = on_behalf_of
            && self.athlete.as_ref().is_none_or(|a| a.id != id)
        {
            return Ok(Err(HttpError::Denied(
                "a call may act only for the athlete it concerns".to_owned(),
            )));
        }
        let timeout = request.timeout_ms.map_or(self.quotas.http_timeout, |ms| {
            Duration::from_millis(u64::from(ms))
        });
        let outbound = OutboundRequest {
            method,
            url,
            headers: request
                .headers
                .into_iter()
                .map(|h| (h.name, h.value))
                .collect(),
            body: request.body,
            timeout,
        };
        tracing::debug!(plugin = %self.plugin.id, method = %outbound.method, host = outbound.url.host_str().unwrap_or(""), "plugin http request");
        let hosts = self.allowed_hosts.clone();
        let response = self
            .services
            .send(&self.plugin, outbound, on_behalf_of, &hosts)
            .await;
        Ok(response.map(|r| HttpResponse {
            status: r.status,
            headers: r
                .headers
                .into_iter()
                .map(|(name, value)| wit::types::Header { name, value })
                .collect(),
            body: r.body,
        }))
    }
}

impl wit::kv::Host for CallState {
    async fn get(&mut self, scope: KvScope, key: String) -> wasmtime::Result<Option<Vec<u8>>> {
        self.check_key(&key)?;
        let scope = self.scope_key(&scope)?;
        self.services
            .kv_get(&self.plugin.id, &scope, &key)
            .await
            .map_err(wasmtime::Error::from_anyhow)
    }

    async fn set(
        &mut self,
        scope: KvScope,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), String>> {
        self.check_key(&key)?;
        let scope = self.scope_key(&scope)?;
        if value.len() > self.quotas.kv_value_bytes {
            return Ok(Err(format!(
                "values are limited to {} bytes",
                self.quotas.kv_value_bytes
            )));
        }
        self.services
            .kv_set(&self.plugin.id, &scope, &key, value)
            .await
            .map_err(wasmtime::Error::from_anyhow)?;
        Ok(Ok(()))
    }

    async fn delete(&mut self, scope: KvScope, key: String) -> wasmtime::Result<()> {
        self.check_key(&key)?;
        let scope = self.scope_key(&scope)?;
        self.services
            .kv_delete(&self.plugin.id, &scope, &key)
            .await
            .map_err(wasmtime::Error::from_anyhow)
    }
}

impl wit::log::Host for CallState {
    async fn log(
        &mut self,
        level: LogLevel,
        target: String,
        message: String,
        fields: Vec<LogField>,
    ) -> wasmtime::Result<()> {
        self.log_lines += 1;
        if self.log_lines > self.quotas.log_lines {
            self.logs_dropped += 1;
            return Ok(());
        }
        let mut message = message;
        if message.len() > self.quotas.log_message_bytes {
            let mut cut = self.quotas.log_message_bytes;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push_str(" …[truncated]");
        }
        let fields: String = fields
            .iter()
            .take(16)
            .map(|f| format!("{}={} ", f.key, f.value))
            .collect();
        let (plugin, version) = (&self.plugin.id, &self.plugin.version);
        match level {
            LogLevel::Trace => {
                tracing::trace!(target: "plugin", plugin, version, plugin_target = %target, fields = %fields.trim_end(), "{message}")
            }
            LogLevel::Debug => {
                tracing::debug!(target: "plugin", plugin, version, plugin_target = %target, fields = %fields.trim_end(), "{message}")
            }
            LogLevel::Info => {
                tracing::info!(target: "plugin", plugin, version, plugin_target = %target, fields = %fields.trim_end(), "{message}")
            }
            LogLevel::Warn => {
                tracing::warn!(target: "plugin", plugin, version, plugin_target = %target, fields = %fields.trim_end(), "{message}")
            }
            LogLevel::Error => {
                tracing::error!(target: "plugin", plugin, version, plugin_target = %target, fields = %fields.trim_end(), "{message}")
            }
        }
        Ok(())
    }
}

impl wit::clock::Host for CallState {
    async fn now_ms(&mut self) -> wasmtime::Result<i64> {
        Ok(self.services.now_ms())
    }
}

impl wit::config::Host for CallState {
    async fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.services.setting(&self.plugin.id, &key))
    }
}

impl wit::secrets::Host for CallState {
    async fn equals(&mut self, name: String, candidate: String) -> wasmtime::Result<bool> {
        self.secret_checks += 1;
        if self.secret_checks > self.quotas.secret_checks {
            tracing::warn!(plugin = %self.plugin.id, "plugin exceeded its secret comparisons for this call");
            return Ok(false);
        }
        if !self.declared_secrets.contains(&name) {
            tracing::warn!(plugin = %self.plugin.id, secret = %name, "plugin asked about a secret its manifest does not declare");
            return Ok(false);
        }
        let Some(secret) = self.services.secret(&self.plugin.id, &name) else {
            return Ok(false);
        };
        // Compare digests in constant time so neither timing nor length reveals the secret.
        let (a, b) = (
            Sha256::digest(secret.expose().as_bytes()),
            Sha256::digest(candidate.as_bytes()),
        );
        Ok(a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0)
    }
}

impl wit::plans::Host for CallState {
    async fn propose(
        &mut self,
        proposal: PlanProposal,
    ) -> wasmtime::Result<Result<String, String>> {
        // Only inside a job for an athlete, and only for that athlete: a webhook (no athlete)
        // queues a job for the athlete it concerns and proposes from there.
        match &self.athlete {
            Some(athlete) if athlete.id.to_string() == proposal.athlete_id => {}
            Some(_) => {
                return Ok(Err(
                    "a plugin may propose changes only for the athlete of the call".to_owned(),
                ));
            }
            None => {
                return Ok(Err(
                    "a plugin may propose changes only in a job for that athlete".to_owned(),
                ));
            }
        }
        Ok(self.services.propose(&self.plugin, proposal).await)
    }
}
