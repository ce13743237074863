//! What the host lends a plugin call: the network, key–value state, time, settings, secrets
//! and the proposal gate, as traits the server implements over its database and services.
//! The fixture harness ([`crate::harness`]) implements them with recorded responses and
//! in-memory state.

use std::future::Future;
use std::pin::Pin;

use stride_domain::ids::AthleteId;

use crate::config::Secret;
use crate::contract::{HttpError, PlanProposal};
use crate::net::{InboundResponse, NetError, OutboundRequest};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The athlete a call concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAthlete {
    /// Stride id.
    pub id: AthleteId,
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
        athlete: AthleteId,
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
        on_behalf_of: Option<AthleteId>,
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

/// Where plugin health lives beyond this process: admins' switches and failures that every
/// replica's admins see.
pub trait PluginLedger: Send + Sync {
    /// Plugins an admin disabled, with the reason.
    fn disabled_plugins(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>>;
    /// Records a failed call.
    fn record_failure(&self, failure: RecordedFailure) -> BoxFuture<'_, anyhow::Result<()>>;
}

/// A failed call, as recorded for admins.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedFailure {
    /// Plugin id.
    pub plugin_id: String,
    /// The failure.
    pub failure: crate::health::Failure,
}
