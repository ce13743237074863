//! The services a running host lends its plugins: the real network, the database and the
//! gate ([`LiveServices`]), and the ledger of plugin switches and failures.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use stride_domain::ids::AthleteId;
use uuid::Uuid;

use stride_domain::clock::SharedClock;
use stride_sandbox::config::{PluginSettings, Secret};
use stride_sandbox::contract::{HttpError, PlanProposal};
use stride_sandbox::net::{InboundResponse, Outbound, OutboundRequest};
use stride_sandbox::services::{
    BoxFuture, PluginIdentity, PluginLedger, PluginServices, ProposalSink, RateGovernor,
    RecordedFailure, TokenSource, http_error,
};
use stride_store::Store;

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
        on_behalf_of: Option<AthleteId>,
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

/// Plugin switches and failures kept in the database, so every replica's admins see them.
#[derive(Debug, Clone)]
pub struct StoreLedger(pub Store);

impl PluginLedger for StoreLedger {
    fn disabled_plugins(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>> {
        Box::pin(async move { Ok(self.0.disabled_plugins().await?) })
    }

    fn record_failure(&self, recorded: RecordedFailure) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let failure = recorded.failure;
            let row = stride_store::PluginFailureRow {
                id: Uuid::now_v7(),
                plugin_id: recorded.plugin_id,
                version: failure.version,
                call: failure.call,
                kind: failure.kind.as_str().to_owned(),
                message: failure.message,
                backtrace: failure.backtrace,
                at: failure.at,
            };
            Ok(self.0.record_plugin_failure(&row).await?)
        })
    }
}
