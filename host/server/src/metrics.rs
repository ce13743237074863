//! Prometheus metrics for operators at `GET /metrics` (text exposition format 0.0.4), off
//! unless `metrics.enabled` is set, and behind a bearer token when `metrics.token` is.
//!
//! Two kinds of numbers. What the hot path counts is kept here, in atomics behind read-mostly
//! locks: requests by GraphQL operation or route, their latency, and rule evaluations. What
//! the database or the plugin host already knows is read when Prometheus scrapes, never
//! counted twice: the job queue, proposals, plugin health and the providers' rate budgets.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{Display, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use async_graphql::parser::types::DocumentOperations;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::api::ApiState;
use crate::app::AppState;
use crate::connections::rate::window_at;
use stride_sandbox::health::BreakerState;
use stride_store::{JobQueueGroup, RateWindowRow};

/// Upper bounds of the request latency buckets, in seconds (requests time out at 60).
const LATENCY_BUCKETS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Distinct GraphQL operation names counted under their own label; later ones count as
/// `other`, so clients cannot grow the series without bound.
pub const MAX_OPERATION_NAMES: usize = 100;

/// Longer operation names count as `other`.
pub const MAX_OPERATION_NAME_CHARS: usize = 64;

/// The label of requests without an operation name.
const ANONYMOUS: &str = "anonymous";

/// The label that names fold into when they are unknown, too long or too many.
const OTHER: &str = "other";

/// The label of requests no route matched (the console's pages).
const UNMATCHED: &str = "unmatched";

/// Every state a proposal can be in, so each has a series even at zero.
const PROPOSAL_STATES: [&str; 7] = [
    "pending",
    "confirmed",
    "applied",
    "rejected",
    "expired",
    "superseded",
    "stale",
];

/// Who files proposals.
const PROPOSAL_SOURCES: [&str; 3] = ["rule", "plugin", "coach"];

/// What a running host counts for its metrics. One per application, shared by the HTTP layer
/// and the services that count.
#[derive(Debug)]
pub struct Metrics {
    enabled: bool,
    started: Instant,
    operations: OperationStats,
    routes: RwLock<HashMap<String, RequestStats>>,
    rules: Mutex<BTreeMap<String, RuleStats>>,
}

/// Requests by GraphQL operation name, capped at [`MAX_OPERATION_NAMES`] names.
#[derive(Debug, Default)]
struct OperationStats {
    named: RwLock<HashMap<String, RequestStats>>,
    anonymous: RequestStats,
    other: RequestStats,
}

/// Requests under one label: how they ended and how long they took.
#[derive(Debug, Default)]
struct RequestStats {
    /// By status class: 1xx, 2xx, 3xx, 4xx, 5xx.
    by_class: [AtomicU64; 5],
    /// GraphQL answers that carried errors.
    errors: AtomicU64,
    latency: Latency,
}

/// A fixed-bucket latency histogram.
#[derive(Debug, Default)]
struct Latency {
    /// Per bucket (not cumulative), with one more for what exceeds the last bound.
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// Rule evaluations for one trigger.
#[derive(Debug, Default, Clone, Copy)]
struct RuleStats {
    evaluations: u64,
    rules: u64,
    failures: u64,
}

/// The GraphQL operation a request names, as the metrics label it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// A named operation of the document.
    Named(String),
    /// The document's one operation has no name.
    Anonymous,
    /// The document does not parse, or names no operation the request asked for.
    Unknown,
}

/// How a GraphQL request went, attached to its HTTP response for the metrics layer.
#[derive(Debug, Clone)]
struct GraphqlOutcome {
    operation: Operation,
    errors: bool,
}

impl RequestStats {
    fn record(&self, status: StatusCode, errors: bool, elapsed: Duration) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        if errors {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        self.latency.observe(elapsed);
    }
}

impl Latency {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl Metrics {
    /// A fresh registry; with `enabled` false nothing is counted per request.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            started: Instant::now(),
            operations: OperationStats::default(),
            routes: RwLock::new(HashMap::new()),
            rules: Mutex::new(BTreeMap::new()),
        }
    }

    /// Which operation `request` runs (parsing its document once, for the executor too).
    /// Nothing is parsed when metrics are off.
    pub fn operation(&self, request: &mut async_graphql::Request) -> Operation {
        if !self.enabled {
            return Operation::Unknown;
        }
        let requested = request.operation_name.clone();
        let Ok(document) = request.parsed_query() else {
            return Operation::Unknown;
        };
        // The executor's own choice of operation, so the label names what actually ran.
        match (&document.operations, requested) {
            (DocumentOperations::Single(_), None) => Operation::Anonymous,
            (DocumentOperations::Multiple(operations), Some(name))
                if operations.contains_key(name.as_str()) =>
            {
                Operation::Named(name)
            }
            (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
                operations.keys().next().map_or(Operation::Unknown, |name| {
                    Operation::Named(name.as_str().to_owned())
                })
            }
            _ => Operation::Unknown,
        }
    }

    /// The HTTP response for a GraphQL answer to `operation`, marked for the metrics layer.
    pub fn graphql_response(operation: Operation, answer: async_graphql::Response) -> Response {
        let outcome = GraphqlOutcome {
            operation,
            errors: answer.is_err(),
        };
        let mut response = async_graphql_axum::GraphQLResponse::from(answer).into_response();
        response.extensions_mut().insert(outcome);
        response
    }

    /// The HTTP response for a GraphQL answer already serialized (an answer without errors,
    /// headers or cache hints of its own), marked for the metrics layer.
    pub fn graphql_bytes(operation: Operation, answer: axum::body::Bytes) -> Response {
        let mut response = Response::new(axum::body::Body::from(answer));
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/graphql-response+json"),
        );
        response.extensions_mut().insert(GraphqlOutcome {
            operation,
            errors: false,
        });
        response
    }

    /// How a document's one operation, named `name` or anonymous, is counted (`Unknown`
    /// when metrics are off), as [`Self::operation`] counts it.
    pub fn operation_named(&self, name: Option<String>) -> Operation {
        match name {
            _ if !self.enabled => Operation::Unknown,
            Some(name) => Operation::Named(name),
            None => Operation::Anonymous,
        }
    }

    /// Counts one evaluation of an athlete's rules: how many ran and how many failed.
    pub fn rules_evaluated(&self, trigger: &str, rules: usize, failures: usize) {
        let mut all = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = all.entry(trigger.to_owned()).or_default();
        stats.evaluations += 1;
        stats.rules += rules as u64;
        stats.failures += failures as u64;
    }

    fn record_graphql(&self, outcome: &GraphqlOutcome, status: StatusCode, elapsed: Duration) {
        let stats = &self.operations;
        let name = match &outcome.operation {
            Operation::Anonymous => {
                return stats.anonymous.record(status, outcome.errors, elapsed);
            }
            Operation::Named(name)
                if name.chars().count() <= MAX_OPERATION_NAME_CHARS
                    && name != ANONYMOUS
                    && name != OTHER =>
            {
                name
            }
            Operation::Named(_) | Operation::Unknown => {
                return stats.other.record(status, outcome.errors, elapsed);
            }
        };
        {
            let named = read(&stats.named);
            if let Some(known) = named.get(name.as_str()) {
                return known.record(status, outcome.errors, elapsed);
            }
            if named.len() >= MAX_OPERATION_NAMES {
                return stats.other.record(status, outcome.errors, elapsed);
            }
        }
        let mut named = write(&stats.named);
        if !named.contains_key(name.as_str()) && named.len() >= MAX_OPERATION_NAMES {
            return stats.other.record(status, outcome.errors, elapsed);
        }
        named
            .entry(name.clone())
            .or_default()
            .record(status, outcome.errors, elapsed);
    }

    fn record_route(&self, route: &str, status: StatusCode, elapsed: Duration) {
        if let Some(known) = read(&self.routes).get(route) {
            return known.record(status, false, elapsed);
        }
        // Route templates come from the router, so this map stays as small as the router.
        write(&self.routes)
            .entry(route.to_owned())
            .or_default()
            .record(status, false, elapsed);
    }
}

/// The HTTP layer: times every request and counts it by GraphQL operation (when the GraphQL
/// handler ran it) or by route template.
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !metrics.enabled {
        return next.run(request).await;
    }
    let route = request.extensions().get::<MatchedPath>().cloned();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    match response.extensions().get::<GraphqlOutcome>() {
        Some(outcome) => metrics.record_graphql(outcome, response.status(), elapsed),
        None => metrics.record_route(
            route.as_ref().map_or(UNMATCHED, MatchedPath::as_str),
            response.status(),
            elapsed,
        ),
    }
    response
}

/// `GET /metrics`: 404 unless switched on, 401 without the configured token, otherwise the
/// metrics in Prometheus' text format.
pub async fn scrape(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    let config = &state.app.config.metrics;
    if !config.enabled {
        return (
            StatusCode::NOT_FOUND,
            "metrics are switched off; an operator can switch them on with metrics.enabled = true \
             (STRIDE_METRICS__ENABLED=true)\n",
        )
            .into_response();
    }
    if let Some(token) = &config.token {
        let offered = crate::api::bearer(&headers).unwrap_or_default();
        if !same_secret(offered, token.expose()) {
            let mut refused = (
                StatusCode::UNAUTHORIZED,
                "metrics need `Authorization: Bearer <token>` with the token configured as \
                 metrics.token\n",
            )
                .into_response();
            refused
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return refused;
        }
    }
    let body = render(&state.app).await;
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// Compares digests in constant time, so neither timing nor length reveals the token.
fn same_secret(offered: &str, expected: &str) -> bool {
    let (a, b) = (
        Sha256::digest(offered.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Text in the exposition format: each family's HELP and TYPE, then its samples.
#[derive(Default)]
struct Exposition {
    text: String,
}

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.text, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                let value = value
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n");
                let _ = write!(self.text, "{label}=\"{value}\"");
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {value}");
    }

    fn histogram(&mut self, name: &str, labels: &[(&str, &str)], latency: &Latency) {
        let mut cumulative = 0;
        let bucket = format!("{name}_bucket");
        let bounds = LATENCY_BUCKETS
            .iter()
            .map(|bound| bound.to_string())
            .chain(std::iter::once("+Inf".to_owned()));
        for (count, bound) in latency.buckets.iter().zip(bounds) {
            cumulative += count.load(Ordering::Relaxed);
            let mut with_bound = labels.to_vec();
            with_bound.push(("le", &bound));
            self.sample(&bucket, &with_bound, cumulative);
        }
        let sum = latency.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        self.sample(&format!("{name}_sum"), labels, sum);
        self.sample(&format!("{name}_count"), labels, cumulative);
    }
}

/// A family drawn from rows: its name, its help, and how to read a row's value.
type Family<Row, Value> = (&'static str, &'static str, fn(&Row) -> Value);

const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Everything the scrape answers with.
async fn render(app: &AppState) -> String {
    let metrics = &app.metrics;
    let mut out = Exposition::default();

    out.family(
        "stride_build_info",
        "gauge",
        "The running build: always 1, with its version and database backend as labels.",
    );
    let backend = format!("{:?}", app.store.backend()).to_lowercase();
    out.sample(
        "stride_build_info",
        &[
            ("version", env!("CARGO_PKG_VERSION")),
            ("backend", &backend),
        ],
        1,
    );
    out.family(
        "stride_uptime_seconds",
        "gauge",
        "Seconds since this process started serving.",
    );
    out.sample(
        "stride_uptime_seconds",
        &[],
        metrics.started.elapsed().as_secs_f64(),
    );

    render_requests(metrics, &mut out);
    render_home_cache(&app.training.home_cache(), &mut out);
    render_rules(metrics, &mut out);
    render_plugins(app, &mut out);

    let now = app.clock.now();
    let stored = tokio::try_join!(
        app.store.job_queue(now),
        app.store.proposal_counts(),
        rate_windows(app, now),
    );
    out.family(
        "stride_database_up",
        "gauge",
        "Whether the scrape could read the database (1) or not (0); without it the job, proposal and rate budget metrics are missing.",
    );
    match stored {
        Ok((jobs, proposals, windows)) => {
            out.sample("stride_database_up", &[], 1);
            render_jobs(&jobs, now, &mut out);
            render_proposals(&proposals, &mut out);
            render_rate_budgets(app, &windows, now, &mut out);
        }
        Err(error) => {
            tracing::warn!(%error, "metrics could not read the database");
            out.sample("stride_database_up", &[], 0);
        }
    }
    out.text
}

fn render_home_cache(cache: &crate::training::HomeCache, out: &mut Exposition) {
    let counts = cache.counts();
    out.family(
        "stride_home_cache_total",
        "counter",
        "Look-ups of a home screen this replica answered from its cache (`hit`; a request may make more than one) or built from the database (`built`); change notices it followed, each dropping an athlete's screen (`dropped`); and times it dropped every screen because notices were missed (`dropped_all`).",
    );
    for (outcome, count) in [
        ("hit", &counts.hits),
        ("built", &counts.built),
        ("dropped", &counts.dropped),
        ("dropped_all", &counts.dropped_all),
    ] {
        out.sample(
            "stride_home_cache_total",
            &[("outcome", outcome)],
            count.load(Ordering::Relaxed),
        );
    }
    out.family(
        "stride_home_cache_entries",
        "gauge",
        "Home screens cached on this replica.",
    );
    out.sample("stride_home_cache_entries", &[], cache.entries());
}

fn render_requests(metrics: &Metrics, out: &mut Exposition) {
    let stats = &metrics.operations;
    let named = read(&stats.named);
    let mut operations: Vec<(&str, &RequestStats)> =
        named.iter().map(|(name, s)| (name.as_str(), s)).collect();
    operations.sort_by_key(|(name, _)| *name);
    operations.push((ANONYMOUS, &stats.anonymous));
    operations.push((OTHER, &stats.other));

    out.family(
        "stride_graphql_requests_total",
        "counter",
        "GraphQL requests executed, by operation name (`anonymous` without one; `other` for unknown names and beyond the first 100) and HTTP status class.",
    );
    for (operation, stats) in &operations {
        for (class, count) in STATUS_CLASSES.iter().zip(&stats.by_class) {
            let count = count.load(Ordering::Relaxed);
            if count > 0 {
                out.sample(
                    "stride_graphql_requests_total",
                    &[("operation", operation), ("status", class)],
                    count,
                );
            }
        }
    }
    out.family(
        "stride_graphql_errors_total",
        "counter",
        "GraphQL answers that carried at least one error, by operation name.",
    );
    for (operation, stats) in &operations {
        out.sample(
            "stride_graphql_errors_total",
            &[("operation", operation)],
            stats.errors.load(Ordering::Relaxed),
        );
    }
    out.family(
        "stride_graphql_request_duration_seconds",
        "histogram",
        "Time to answer a GraphQL request, by operation name.",
    );
    for (operation, stats) in &operations {
        out.histogram(
            "stride_graphql_request_duration_seconds",
            &[("operation", operation)],
            &stats.latency,
        );
    }
    drop(named);

    let route_stats = read(&metrics.routes);
    let mut routes: Vec<(&String, &RequestStats)> = route_stats.iter().collect();
    routes.sort_by_key(|(route, _)| *route);
    out.family(
        "stride_http_requests_total",
        "counter",
        "HTTP requests other than executed GraphQL operations, by route template and status class (GraphQL requests refused before they ran count here under /graphql).",
    );
    for (route, stats) in &routes {
        for (class, count) in STATUS_CLASSES.iter().zip(&stats.by_class) {
            let count = count.load(Ordering::Relaxed);
            if count > 0 {
                out.sample(
                    "stride_http_requests_total",
                    &[("route", route), ("status", class)],
                    count,
                );
            }
        }
    }
    out.family(
        "stride_http_request_duration_seconds",
        "histogram",
        "Time to answer an HTTP request other than an executed GraphQL operation, by route template.",
    );
    for (route, stats) in &routes {
        out.histogram(
            "stride_http_request_duration_seconds",
            &[("route", route)],
            &stats.latency,
        );
    }
}

fn render_rules(metrics: &Metrics, out: &mut Exposition) {
    let rules: Vec<(String, RuleStats)> = metrics
        .rules
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|(trigger, stats)| (trigger.clone(), *stats))
        .collect();
    let families: [Family<RuleStats, u64>; 3] = [
        (
            "stride_rule_evaluations_total",
            "Evaluations of an athlete's rules in force, by trigger.",
            |s| s.evaluations,
        ),
        (
            "stride_rules_evaluated_total",
            "Rule scripts run, by trigger.",
            |s| s.rules,
        ),
        (
            "stride_rule_failures_total",
            "Rule scripts that failed or proposed an impossible change, by trigger.",
            |s| s.failures,
        ),
    ];
    for (name, help, value) in families {
        out.family(name, "counter", help);
        for (trigger, stats) in &rules {
            out.sample(name, &[("trigger", trigger)], value(stats));
        }
    }
}

fn render_plugins(app: &AppState, out: &mut Exposition) {
    let statuses = app.plugins.statuses();
    out.family(
        "stride_plugin_info",
        "gauge",
        "A loaded plugin: always 1, with its version and API version as labels.",
    );
    for status in &statuses {
        let manifest = &status.plugin.manifest;
        out.sample(
            "stride_plugin_info",
            &[
                ("plugin", &manifest.id),
                ("version", &manifest.version),
                ("api_version", &status.plugin.api_version.to_string()),
            ],
            1,
        );
    }
    out.family(
        "stride_plugin_calls_total",
        "counter",
        "Calls into a plugin on this host since it started.",
    );
    for status in &statuses {
        out.sample(
            "stride_plugin_calls_total",
            &[("plugin", &status.plugin.manifest.id)],
            status.calls,
        );
    }
    out.family(
        "stride_plugin_failures_total",
        "counter",
        "Calls into a plugin on this host that failed (trap, limit, error).",
    );
    for status in &statuses {
        out.sample(
            "stride_plugin_failures_total",
            &[("plugin", &status.plugin.manifest.id)],
            status.failures,
        );
    }
    out.family(
        "stride_plugin_breaker_state",
        "gauge",
        "A plugin's circuit breaker: 1 for the state it is in, 0 for the others.",
    );
    for status in &statuses {
        for state in BreakerState::ALL {
            out.sample(
                "stride_plugin_breaker_state",
                &[
                    ("plugin", &status.plugin.manifest.id),
                    ("state", state.as_str()),
                ],
                u8::from(status.breaker == *state),
            );
        }
    }
    out.family(
        "stride_plugin_enabled",
        "gauge",
        "Whether a plugin is switched on (1) or an admin switched it off (0).",
    );
    for status in &statuses {
        out.sample(
            "stride_plugin_enabled",
            &[("plugin", &status.plugin.manifest.id)],
            u8::from(status.enabled),
        );
    }
    out.family(
        "stride_plugin_load_errors",
        "gauge",
        "Plugin files that failed to load in the last scan.",
    );
    out.sample(
        "stride_plugin_load_errors",
        &[],
        app.plugins.load_errors().len(),
    );
}

fn render_jobs(groups: &[JobQueueGroup], now: DateTime<Utc>, out: &mut Exposition) {
    out.family(
        "stride_jobs",
        "gauge",
        "Jobs in the queue by kind and state: ready (may run now), scheduled (waiting for their time: retries, deferrals), held (by the ingestion brake), running, failed (for good).",
    );
    for group in groups {
        out.sample(
            "stride_jobs",
            &[("kind", &group.kind), ("state", &group.state)],
            group.jobs,
        );
    }
    out.family(
        "stride_jobs_oldest_ready_age_seconds",
        "gauge",
        "How long the oldest job that may run has waited for a worker, by kind.",
    );
    for group in groups.iter().filter(|g| g.state == "ready") {
        let age = (now - group.earliest_run_at).num_milliseconds().max(0) as f64 / 1e3;
        out.sample(
            "stride_jobs_oldest_ready_age_seconds",
            &[("kind", &group.kind)],
            age,
        );
    }
}

fn render_proposals(counts: &[(String, String, i64)], out: &mut Exposition) {
    out.family(
        "stride_proposals",
        "gauge",
        "Plan-change proposals by who filed them (rule, plugin, coach) and state.",
    );
    for source in PROPOSAL_SOURCES {
        for state in PROPOSAL_STATES {
            let n = counts
                .iter()
                .find(|(s, st, _)| s == source && st == state)
                .map_or(0, |(_, _, n)| *n);
            out.sample(
                "stride_proposals",
                &[("source", source), ("state", state)],
                n,
            );
        }
    }
}

/// The stored rate windows of every plugin that declares budgets, since the start of the
/// longest window now current (a day).
async fn rate_windows(
    app: &AppState,
    now: DateTime<Utc>,
) -> stride_store::StoreResult<Vec<RateWindowRow>> {
    let mut rows = Vec::new();
    for id in app.plugins.ids() {
        let declares_budgets = app
            .plugins
            .get(&id)
            .is_some_and(|p| !p.manifest.rate_budgets.is_empty());
        if declares_budgets {
            let since = now - chrono::TimeDelta::days(1);
            rows.extend(app.store.rate_windows(&id, since).await?);
        }
    }
    Ok(rows)
}

/// Each budget's current windows: the limit in force (the deployment's, the manifest's, or
/// a lower one the provider reported), what is left of it, and when it resets.
fn render_rate_budgets(
    app: &AppState,
    rows: &[RateWindowRow],
    now: DateTime<Utc>,
    out: &mut Exposition,
) {
    struct Current {
        provider: String,
        budget: String,
        window: String,
        limit: i64,
        remaining: i64,
        reset_s: f64,
    }
    let mut current = Vec::new();
    for id in app.plugins.ids() {
        let Some(plugin) = app.plugins.get(&id) else {
            continue;
        };
        let settings = app.config.plugin.get(&id);
        for budget in &plugin.manifest.rate_budgets {
            for (i, window) in budget.windows.iter().enumerate() {
                let override_s = settings
                    .and_then(|s| s.rate_window_seconds.get(&budget.name))
                    .and_then(|w| w.get(i).copied());
                let at = window_at(window, override_s, now);
                let configured = settings
                    .and_then(|s| s.rate_limits.get(&budget.name))
                    .and_then(|l| l.get(i).copied())
                    .or_else(|| budget.default_limits.get(i).copied())
                    .map_or(i64::MAX, i64::from);
                let stored = rows.iter().find(|row| {
                    row.provider == id
                        && row.budget == budget.name
                        && row.window_kind == at.kind
                        && row.window_start == at.start
                });
                // Reservations hold to the lower of the two, as the budget itself does.
                let limit = stored.map_or(configured, |row| configured.min(row.usage_limit.into()));
                if limit == i64::MAX {
                    continue;
                }
                let used = stored.map_or(0, |row| i64::from(row.usage));
                current.push(Current {
                    provider: id.clone(),
                    budget: budget.name.clone(),
                    window: at.kind,
                    limit,
                    remaining: (limit - used).max(0),
                    reset_s: (at.end - now).num_milliseconds().max(0) as f64 / 1e3,
                });
            }
        }
    }
    let families: [Family<Current, f64>; 3] = [
        (
            "stride_rate_budget_limit",
            "Requests a provider allows in a budget's current window (shared by every replica).",
            |c| c.limit as f64,
        ),
        (
            "stride_rate_budget_remaining",
            "Requests left in a budget's current window.",
            |c| c.remaining as f64,
        ),
        (
            "stride_rate_budget_reset_seconds",
            "Seconds until a budget's current window resets.",
            |c| c.reset_s,
        ),
    ];
    for (name, help, value) in families {
        out.family(name, "gauge", help);
        for c in &current {
            let labels = [
                ("provider", c.provider.as_str()),
                ("budget", c.budget.as_str()),
                ("window", c.window.as_str()),
            ];
            out.sample(name, &labels, value(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_end_in_their_count() {
        let latency = Latency::default();
        for ms in [1, 7, 7, 300, 120_000] {
            latency.observe(Duration::from_millis(ms));
        }
        let mut out = Exposition::default();
        out.histogram("t", &[("route", "/x")], &latency);
        let line = |le: &str| {
            out.text
                .lines()
                .find(|l| l.starts_with(&format!("t_bucket{{route=\"/x\",le=\"{le}\"}}")))
                .and_then(|l| l.rsplit(' ').next())
                .map(str::to_owned)
        };
        assert_eq!(line("0.005").as_deref(), Some("1"));
        assert_eq!(line("0.01").as_deref(), Some("3"));
        assert_eq!(line("0.5").as_deref(), Some("4"));
        assert_eq!(line("60").as_deref(), Some("4"));
        assert_eq!(line("+Inf").as_deref(), Some("5"));
        assert!(
            out.text.contains("t_count{route=\"/x\"} 5\n"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("t_sum{route=\"/x\"} 120.315\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn label_values_are_escaped() {
        let mut out = Exposition::default();
        out.sample("m", &[("a", "quote \" back \\ line \n")], 1);
        assert_eq!(out.text, "m{a=\"quote \\\" back \\\\ line \\n\"} 1\n");
    }

    #[test]
    fn operation_names_beyond_the_cap_fold_into_other() {
        let metrics = Metrics::new(true);
        let ok = StatusCode::OK;
        for i in 0..MAX_OPERATION_NAMES + 5 {
            let outcome = GraphqlOutcome {
                operation: Operation::Named(format!("Op{i}")),
                errors: false,
            };
            metrics.record_graphql(&outcome, ok, Duration::from_millis(1));
        }
        let long = GraphqlOutcome {
            operation: Operation::Named("x".repeat(MAX_OPERATION_NAME_CHARS + 1)),
            errors: true,
        };
        metrics.record_graphql(&long, ok, Duration::from_millis(1));
        assert_eq!(read(&metrics.operations.named).len(), MAX_OPERATION_NAMES);
        assert_eq!(
            metrics.operations.other.by_class[1].load(Ordering::Relaxed),
            6
        );
        assert_eq!(metrics.operations.other.errors.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn the_operation_is_the_one_the_executor_runs() {
        let metrics = Metrics::new(true);
        let mut named = async_graphql::Request::new("query Home { a } ");
        assert_eq!(
            metrics.operation(&mut named),
            Operation::Named("Home".into())
        );
        let mut anonymous = async_graphql::Request::new("{ a }");
        assert_eq!(metrics.operation(&mut anonymous), Operation::Anonymous);
        let mut chosen =
            async_graphql::Request::new("query A { a } query B { b }").operation_name("B");
        assert_eq!(metrics.operation(&mut chosen), Operation::Named("B".into()));
        let mut missing =
            async_graphql::Request::new("query A { a } query B { b }").operation_name("C");
        assert_eq!(metrics.operation(&mut missing), Operation::Unknown);
        let mut broken = async_graphql::Request::new("query {");
        assert_eq!(metrics.operation(&mut broken), Operation::Unknown);
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cre", "s3cret"));
    }
}
