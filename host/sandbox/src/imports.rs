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

use crate::contract::{HttpError, PlanProposal};
use crate::net::{InboundResponse, OutboundRequest};
use crate::services::{CallAthlete, PluginIdentity, PluginServices};

/// The body of an upload a call is handling, read in pieces by the plugin.
pub trait UploadBody: Send + Sync {
    /// Size in bytes.
    fn size(&self) -> u64;
    /// Up to `len` bytes from `offset`.
    fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, String>;
}

impl UploadBody for Vec<u8> {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let end = start.saturating_add(len).min(self.len());
        Ok(self[start..end].to_vec())
    }
}

/// Largest piece of an upload one read returns.
pub const MAX_UPLOAD_READ: usize = 4 << 20;

/// An HTTP request as a plugin asked for it (any API version).
#[derive(Debug, Clone)]
pub struct PluginHttpRequest {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Vec<u8>>,
    /// A Stride athlete id to act for.
    pub on_behalf_of: Option<String>,
    /// Timeout the plugin asked for.
    pub timeout_ms: Option<u32>,
}

/// A log level (any API version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Trace.
    Trace,
    /// Debug.
    Debug,
    /// Info.
    Info,
    /// Warn.
    Warn,
    /// Error.
    Error,
}

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
    token_hosts: Arc<Vec<String>>,
    declared_secrets: Arc<Vec<String>>,
    athlete: Option<CallAthlete>,
    services: Arc<dyn PluginServices>,
    quotas: CallQuotas,
    upload: Option<Arc<dyn UploadBody>>,
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
        token_hosts: Arc<Vec<String>>,
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
            token_hosts,
            declared_secrets,
            athlete,
            services,
            quotas,
            upload: None,
            http_requests: 0,
            log_lines: 0,
            logs_dropped: 0,
            secret_checks: 0,
        }
    }

    /// Gives the call an upload to read (for `receive-upload`).
    pub fn with_upload(mut self, body: Arc<dyn UploadBody>) -> Self {
        self.upload = Some(body);
        self
    }

    fn scope_key(&self, scope: Option<&str>) -> wasmtime::Result<String> {
        match scope {
            None => Ok(String::new()),
            Some(id) => match &self.athlete {
                Some(athlete) if athlete.id.to_string() == id => Ok(format!("athlete:{id}")),
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

impl CallState {
    /// `http.send`: checks the quota, the method, the URL and the athlete, then lets the
    /// host's services send it.
    pub(crate) async fn http_send(
        &mut self,
        request: PluginHttpRequest,
    ) -> Result<InboundResponse, HttpError> {
        self.http_requests += 1;
        if self.http_requests > self.quotas.http_requests {
            return Err(HttpError::Denied(format!(
                "this call already made {} requests, the most one call may make",
                self.quotas.http_requests
            )));
        }
        let method =
            match reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes()) {
                Ok(m)
                    if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(&m.as_str()) =>
                {
                    m
                }
                _ => {
                    return Err(HttpError::Invalid(format!(
                        "`{}` is not a supported method",
                        request.method
                    )));
                }
            };
        let url = match url::Url::parse(&request.url) {
            Ok(url) => url,
            Err(e) => {
                return Err(HttpError::Invalid(format!(
                    "`{}` is not a URL: {e}",
                    request.url
                )));
            }
        };
        let on_behalf_of = match request
            .on_behalf_of
            .as_deref()
            .map(|id| uuid::Uuid::parse_str(id).map(stride_domain::ids::AthleteId))
            .transpose()
        {
            Ok(id) => id,
            Err(_) => {
                return Err(HttpError::NotConnected(
                    "on-behalf-of is not a Stride athlete id".to_owned(),
                ));
            }
        };
        if let Some(id) = on_behalf_of
            && self.athlete.as_ref().is_none_or(|a| a.id != id)
        {
            return Err(HttpError::Denied(
                "a call may act only for the athlete it concerns".to_owned(),
            ));
        }
        if on_behalf_of.is_some() && !crate::net::host_listed(&url, &self.token_hosts) {
            return Err(HttpError::Denied(format!(
                "the athlete's token goes only to the provider's API hosts, not to {}",
                url.host_str().unwrap_or_default()
            )));
        }
        let timeout = request.timeout_ms.map_or(self.quotas.http_timeout, |ms| {
            Duration::from_millis(u64::from(ms))
        });
        let outbound = OutboundRequest {
            method,
            url,
            headers: request.headers,
            body: request.body,
            timeout,
        };
        tracing::debug!(plugin = %self.plugin.id, method = %outbound.method, host = outbound.url.host_str().unwrap_or(""), "plugin http request");
        let hosts = self.allowed_hosts.clone();
        self.services
            .send(&self.plugin, outbound, on_behalf_of, &hosts)
            .await
    }

    /// `kv.get`, scoped to the plugin (`None`) or the call's athlete.
    pub(crate) async fn kv_get(
        &mut self,
        scope: Option<String>,
        key: String,
    ) -> wasmtime::Result<Option<Vec<u8>>> {
        self.check_key(&key)?;
        let scope = self.scope_key(scope.as_deref())?;
        self.services
            .kv_get(&self.plugin.id, &scope, &key)
            .await
            .map_err(wasmtime::Error::from_anyhow)
    }

    /// `kv.set`.
    pub(crate) async fn kv_set(
        &mut self,
        scope: Option<String>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), String>> {
        self.check_key(&key)?;
        let scope = self.scope_key(scope.as_deref())?;
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

    /// `kv.delete`.
    pub(crate) async fn kv_delete(
        &mut self,
        scope: Option<String>,
        key: String,
    ) -> wasmtime::Result<()> {
        self.check_key(&key)?;
        let scope = self.scope_key(scope.as_deref())?;
        self.services
            .kv_delete(&self.plugin.id, &scope, &key)
            .await
            .map_err(wasmtime::Error::from_anyhow)
    }

    /// `log.log`: into the host's tracing with plugin and version fields, within the quota.
    pub(crate) fn log(
        &mut self,
        level: LogLevel,
        target: String,
        message: String,
        fields: Vec<(String, String)>,
    ) {
        self.log_lines += 1;
        if self.log_lines > self.quotas.log_lines {
            self.logs_dropped += 1;
            return;
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
            .map(|(key, value)| format!("{key}={value} "))
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
    }

    /// `clock.now-ms`.
    pub(crate) fn clock_now_ms(&self) -> i64 {
        self.services.now_ms()
    }

    /// `config.get`.
    pub(crate) fn setting(&self, key: &str) -> Option<String> {
        self.services.setting(&self.plugin.id, key)
    }

    /// `secrets.equals`: constant-time, only for secrets the manifest declares, within the
    /// quota.
    pub(crate) fn secret_equals(&mut self, name: &str, candidate: &str) -> bool {
        self.secret_checks += 1;
        if self.secret_checks > self.quotas.secret_checks {
            tracing::warn!(plugin = %self.plugin.id, "plugin exceeded its secret comparisons for this call");
            return false;
        }
        if !self.declared_secrets.iter().any(|s| s == name) {
            tracing::warn!(plugin = %self.plugin.id, secret = %name, "plugin asked about a secret its manifest does not declare");
            return false;
        }
        let Some(secret) = self.services.secret(&self.plugin.id, name) else {
            return false;
        };
        // Compare digests in constant time so neither timing nor length reveals the secret.
        let (a, b) = (
            Sha256::digest(secret.expose().as_bytes()),
            Sha256::digest(candidate.as_bytes()),
        );
        a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }

    /// `plans.propose`: only in a job, only for the call's athlete; the gate decides the rest.
    pub(crate) async fn propose(&mut self, proposal: PlanProposal) -> Result<String, String> {
        // Only inside a job for an athlete, and only for that athlete: a webhook (no athlete)
        // queues a job for the athlete it concerns and proposes from there.
        match &self.athlete {
            Some(athlete) if athlete.id.to_string() == proposal.athlete_id => {}
            Some(_) => {
                return Err(
                    "a plugin may propose changes only for the athlete of the call".to_owned(),
                );
            }
            None => {
                return Err(
                    "a plugin may propose changes only in a job for that athlete".to_owned(),
                );
            }
        }
        self.services.propose(&self.plugin, proposal).await
    }

    /// `upload.size`.
    pub(crate) fn upload_size(&self) -> u64 {
        self.upload.as_ref().map_or(0, |body| body.size())
    }

    /// `upload.read`.
    pub(crate) fn upload_read(&self, offset: u64, len: u32) -> Result<Vec<u8>, String> {
        let Some(body) = &self.upload else {
            return Err("this call has no upload to read".to_owned());
        };
        let len = usize::try_from(len)
            .unwrap_or(MAX_UPLOAD_READ)
            .min(MAX_UPLOAD_READ);
        body.read(offset, len)
    }
}
