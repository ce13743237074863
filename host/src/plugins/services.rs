//! What the host lends a plugin call: the network, key–value state, time, settings, secrets
//! and the proposal gate. Live deployments use [`LiveServices`]; the fixture harness swaps in
//! recorded responses and in-memory state.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use uuid::Uuid;

use super::bindings::{HttpError, PlanProposal};
use super::net::{InboundResponse, NetError, Outbound, OutboundRequest};
use crate::clock::SharedClock;
use crate::config::{PluginSettings, Secret};
use crate::store::Store;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The athlete a call concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAthlete {
    /// Stride id.
    pub id: Uuid,
    /// The provider's id.
    pub external_id: String,
    /// IANA time zone.
    pub time_zone: String,
}

/// Which plugin is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginIdentity {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
}

/// Attaches an athlete's provider token to a request, refreshing it when needed. Provided by
/// the connection machinery; plugins never see tokens.
pub trait TokenSource: Send + Sync {
    /// The `Authorization` header value for `athlete` at `provider`, or why there is none.
    fn authorization<'a>(
        &'a self,
        provider: &'a str,
        athlete: Uuid,
    ) -> BoxFuture<'a, Result<String, HttpError>>;
}

/// The provider's application-wide rate budget, shared by all replicas.
pub trait RateGovernor: Send + Sync {
    /// Reserves room for one request, or says when there will be room.
    fn admit<'a>(&'a self, provider: &'a str, method: &'a str) -> BoxFuture<'a, Result<(), i64>>;
    /// Learns usage from a response (headers, or a 429).
    fn observe<'a>(
        &'a self,
        provider: &'a str,
        method: &'a str,
        response: &'a InboundResponse,
    ) -> BoxFuture<'a, ()>;
}

/// Where plugin proposals go (the confirm-apply gate).
pub trait ProposalSink: Send + Sync {
    /// Files a proposal from `plugin`; returns its id.
    fn propose<'a>(
        &'a self,
        plugin: &'a PluginIdentity,
        proposal: PlanProposal,
    ) -> BoxFuture<'a, Result<String, String>>;
}

/// Everything a plugin call may use from the host.
pub trait PluginServices: Send + Sync {
    /// Sends an already allowlist-checked request, as `on_behalf_of` when given.
    fn send<'a>(
        &'a self,
        plugin: &'a PluginIdentity,
        request: OutboundRequest,
        on_behalf_of: Option<Uuid>,
        allowed_hosts: &'a [String],
    ) -> BoxFuture<'a, Result<InboundResponse, HttpError>>;
    /// Reads a key.
    fn kv_get<'a>(
        &'a self,
        plugin: &'a str,
        scope: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>>;
    /// Writes a key.
    fn kv_set<'a>(
        &'a self,
        plugin: &'a str,
        scope: &'a str,
        key: &'a str,
        value: Vec<u8>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
    /// Deletes a key.
    fn kv_delete<'a>(
        &'a self,
        plugin: &'a str,
        scope: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
    /// Now, in milliseconds since the epoch.
    fn now_ms(&self) -> i64;
    /// A deployment setting.
    fn setting(&self, plugin: &str, key: &str) -> Option<String>;
    /// A secret, for the host to compare (never handed to the plugin).
    fn secret(&self, plugin: &str, name: &str) -> Option<Secret>;
    /// Files a plan proposal.
    fn propose<'a>(
        &'a self,
        plugin: &'a PluginIdentity,
        proposal: PlanProposal,
    ) -> BoxFuture<'a, Result<String, String>>;
}

/// Maps the network's refusal onto what the plugin sees.
pub fn http_error(error: NetError) -> HttpError {
    match error {
        NetError::Denied(m) => HttpError::Denied(m),
        NetError::TooLarge(m) => HttpError::TooLarge(m),
        NetError::Timeout => HttpError::Timeout,
        NetError::Connection(m) => HttpError::Connection(m),
        NetError::Invalid(m) => HttpError::Invalid(m),
    }
}

/// The services of a running host: the real network, the database and the gate.
pub struct LiveServices {
    store: Store,
    clock: SharedClock,
    outbound: Outbound,
    settings: BTreeMap<String, PluginSettings>,
    tokens: OnceLock<Arc<dyn TokenSource>>,
    governor: OnceLock<Arc<dyn RateGovernor>>,
    gate: OnceLock<Arc<dyn ProposalSink>>,
}

impl std::fmt::Debug for LiveServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveServices")
            .field(
                "plugins_configured",
                &self.settings.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl LiveServices {
    /// Services over the store, clock and network policy.
    pub fn new(
        store: Store,
        clock: SharedClock,
        outbound: Outbound,
        settings: BTreeMap<String, PluginSettings>,
    ) -> Self {
        Self {
            store,
            clock,
            outbound,
            settings,
            tokens: OnceLock::new(),
            governor: OnceLock::new(),
            gate: OnceLock::new(),
        }
    }

    /// Connects the token source (once).
    pub fn set_token_source(&self, tokens: Arc<dyn TokenSource>) {
        let _ = self.tokens.set(tokens);
    }

    /// Connects the rate governor (once).
    pub fn set_rate_governor(&self, governor: Arc<dyn RateGovernor>) {
        let _ = self.governor.set(governor);
    }

    /// Connects the proposal gate (once).
    pub fn set_proposal_sink(&self, gate: Arc<dyn ProposalSink>) {
        let _ = self.gate.set(gate);
    }
}

impl PluginServices for LiveServices {
    fn send<'a>(
        &'a self,
        plugin: &'a PluginIdentity,
        mut request: OutboundRequest,
        on_behalf_of: Option<Uuid>,
        allowed_hosts: &'a [String],
    ) -> BoxFuture<'a, Result<InboundResponse, HttpError>> {
        Box::pin(async move {
            if let Some(athlete) = on_behalf_of {
                let Some(tokens) = self.tokens.get() else {
                    return Err(HttpError::NotConnected(
                        "this host has no provider connections".to_owned(),
                    ));
                };
                let authorization = tokens.authorization(&plugin.id, athlete).await?;
                request
                    .headers
                    .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
                request
                    .headers
                    .push(("Authorization".to_owned(), authorization));
            }
            let method = request.method.as_str().to_owned();
            if let Some(governor) = self.governor.get()
                && let Err(retry_at) = governor.admit(&plugin.id, &method).await
            {
                return Err(HttpError::RateLimited(retry_at));
            }
            let response = self
                .outbound
                .send(request, allowed_hosts)
                .await
                .map_err(http_error)?;
            if let Some(governor) = self.governor.get() {
                governor.observe(&plugin.id, &method, &response).await;
            }
            Ok(response)
        })
    }

    fn kv_get<'a>(
        &'a self,
        plugin: &'a str,
        scope: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        Box::pin(async move { Ok(self.store.plugin_kv_get(plugin, scope, key).await?) })
    }

    fn kv_set<'a>(
        &'a self,
        plugin: &'a str,
        scope: &'a str,
        key: &'a str,
        value: Vec<u8>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            Ok(self
                .store
                .plugin_kv_set(plugin, scope, key, &value, self.clock.now())
                .await?)
        })
    }

    fn kv_delete<'a>(
        &'a self,
        plugin: &'a str,
        scope: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move { Ok(self.store.plugin_kv_delete(plugin, scope, key).await?) })
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    fn setting(&self, plugin: &str, key: &str) -> Option<String> {
        self.settings.get(plugin)?.settings.get(key).cloned()
    }

    fn secret(&self, plugin: &str, name: &str) -> Option<Secret> {
        self.settings.get(plugin)?.secrets.get(name).cloned()
    }

    fn propose<'a>(
        &'a self,
        plugin: &'a PluginIdentity,
        proposal: PlanProposal,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            match self.gate.get() {
                Some(gate) => gate.propose(plugin, proposal).await,
                None => Err("plan proposals are not accepted by this host".to_owned()),
            }
        })
    }
}
