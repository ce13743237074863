//! Request rate limits at the HTTP edge: per client address and per session for the API, per
//! (plugin, address) for unauthenticated webhook intake. Refused requests get `429 Too Many
//! Requests` with `Retry-After`. Limits are kept per replica (a load balancer spreads a
//! client's requests, so the deployment's limit is at most replicas × these).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Client;
use crate::config::HttpConfig;

/// The limiters of this replica.
pub struct Limits {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Keyed by a hash of the token that only this process can compute (SipHash with random
    /// keys): no one can choose a token that shares another session's limit, and the map
    /// holds no token. Cheaper than the SHA-256 that authenticating computes again.
    per_session: DefaultKeyedRateLimiter<u64>,
    session_keys: std::hash::RandomState,
    per_webhook_source: DefaultKeyedRateLimiter<(String, IpAddr)>,
    client_address_header: Option<String>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limits")
    }
}

fn quota(per_s: u32, burst: u32) -> Quota {
    let per_s = NonZeroU32::new(per_s.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(per_s).allow_burst(burst)
}

impl Limits {
    /// Limiters sized by `config`.
    pub fn new(config: &HttpConfig) -> Arc<Self> {
        Arc::new(Self {
            per_address: RateLimiter::keyed(quota(
                config.per_address_per_s,
                config.per_address_burst,
            )),
            per_session: RateLimiter::keyed(quota(
                config.per_session_per_s,
                config.per_session_burst,
            )),
            session_keys: std::hash::RandomState::new(),
            per_webhook_source: RateLimiter::keyed(quota(
                config.webhooks_per_address_per_s,
                config.webhooks_per_address_burst,
            )),
            client_address_header: config
                .client_address_header
                .as_ref()
                .map(|h| h.to_ascii_lowercase()),
        })
    }

    /// The client of a request: its address (the peer's, or the configured header's) and
    /// user agent.
    pub fn client(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Client {
        let forwarded = self.client_address_header.as_ref().and_then(|name| {
            headers
                .get(name.as_str())?
                .to_str()
                .ok()?
                .split(',')
                .next()?
                .trim()
                .parse::<IpAddr>()
                .ok()
        });
        Client {
            address: forwarded.or(peer.map(|p| p.ip())),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(200).collect()),
        }
    }

    /// Forgets idle keys (called now and then, so memory follows the active clients).
    pub fn shrink(&self) {
        self.per_address.retain_recent();
        self.per_session.retain_recent();
        self.per_webhook_source.retain_recent();
    }
}

fn too_many(wait: std::time::Duration, what: &str) -> Response {
    let seconds = wait.as_secs().max(1);
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many requests from this {what}; retry in {seconds} s"),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The API's limits: per client address, then per session (bearer token).
pub async fn api(State(limits): State<Arc<Limits>>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = limits.client(peer, request.headers());
    // The limiter's own clock: making a new one reads the CPU's features (a `cpuid`, which
    // traps to the hypervisor on a virtual machine) and cost more than the whole check.
    if let Some(address) = client.address
        && let Err(not_until) = limits.per_address.check_key(&address)
    {
        return too_many(
            not_until.wait_time_from(limits.per_address.clock().now()),
            "address",
        );
    }
    if let Some(token) = super::bearer(request.headers()) {
        use std::hash::BuildHasher;
        let key = limits.session_keys.hash_one(token);
        if let Err(not_until) = limits.per_session.check_key(&key) {
            return too_many(
                not_until.wait_time_from(limits.per_session.clock().now()),
                "session",
            );
        }
    }
    let mut request = request;
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// Webhook intake: per (plugin, client address). Webhooks are unauthenticated: a flood from
/// one source is refused before it costs a plugin call or a row.
pub async fn webhooks(State(limits): State<Arc<Limits>>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = limits.client(peer, request.headers());
    // Keyed by the route and plugin (`webhooks/strava`, `relay/apple-health`).
    let plugin = request
        .uri()
        .path()
        .trim_start_matches('/')
        .splitn(3, '/')
        .take(2)
        .collect::<Vec<_>>()
        .join("/");
    if let Some(address) = client.address
        && let Err(not_until) = limits.per_webhook_source.check_key(&(plugin, address))
    {
        let now = limits.per_webhook_source.clock().now();
        return too_many(not_until.wait_time_from(now), "address");
    }
    next.run(request).await
}
