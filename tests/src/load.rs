//! A load generator for a whole Stride server, through its public HTTP API only: it seeds
//! athletes (invite, sign-up, logged activities) with an owner's token, then runs many
//! virtual users, each sending what the console sends, and reports throughput and latency per
//! kind of request. The `stride-load` binary is its command line; a scenario runs a short
//! smoke of it so it cannot rot. See BENCHMARKS.md ("The whole server under load").
//!
//! Closed loop by default: each virtual user sends its next request when the previous answer
//! arrives, so the server sets the pace. With a target rate (open loop) requests are sent on
//! a fixed schedule whatever the server does, at most `users` in flight, and each latency
//! counts from when its request was due (a late start is the server's delay too).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use chrono::{TimeDelta, Utc};
use http_body_util::{BodyExt, Full};
use hyper::header::{self, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One seeded athlete.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Athlete {
    /// Login email.
    pub email: String,
    /// A session token.
    pub token: String,
    /// User id.
    pub id: String,
}

/// What the seed created; saved so later runs reuse it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Population {
    /// The server it was created on.
    pub url: String,
    /// Activities logged per athlete.
    pub activities_per_athlete: u32,
    /// The server's time when seeded: activities are logged before it.
    pub anchor: chrono::DateTime<Utc>,
    /// The athletes.
    pub athletes: Vec<Athlete>,
}

/// The kinds of request a virtual user sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// `GET /healthz`: the server's floor.
    Healthz,
    /// The `home` query alone (the dashboard's main field).
    Home,
    /// The console's Today page query: home, pending proposals, the plan, today's stats.
    Dashboard,
    /// The console's activity list, 20 a page.
    Activities,
    /// `logActivity`: a manual activity (a write: stats, plan matching, rules queued).
    Log,
}

impl Op {
    /// Its name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Op::Healthz => "healthz",
            Op::Home => "home",
            Op::Dashboard => "dashboard",
            Op::Activities => "activities",
            Op::Log => "log",
        }
    }

    fn parse(name: &str) -> anyhow::Result<Op> {
        Ok(match name {
            "healthz" => Op::Healthz,
            "home" => Op::Home,
            "dashboard" => Op::Dashboard,
            "activities" => Op::Activities,
            "log" => Op::Log,
            other => {
                bail!("`{other}` is not a request kind (healthz, home, dashboard, activities, log)")
            }
        })
    }
}

/// Weighted kinds of request, e.g. `dashboard=60,activities=30,log=10`.
#[derive(Debug, Clone)]
pub struct Mix(Vec<(Op, u32)>);

impl std::str::FromStr for Mix {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> anyhow::Result<Mix> {
        let mut parts = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part.split_once('=').unwrap_or((part, "1"));
            let weight: u32 = weight
                .trim()
                .parse()
                .with_context(|| format!("the weight of `{name}` is not a whole number"))?;
            parts.push((Op::parse(name.trim())?, weight));
        }
        if parts.iter().map(|(_, w)| w).sum::<u32>() == 0 {
            bail!("the mix `{text}` has no request with a weight above zero");
        }
        Ok(Mix(parts))
    }
}

impl Mix {
    fn pick(&self, roll: u64) -> Op {
        let total: u64 = self.0.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut at = roll % total;
        for (op, weight) in &self.0 {
            if at < u64::from(*weight) {
                return *op;
            }
            at -= u64::from(*weight);
        }
        self.0[0].0
    }

    fn needs_athletes(&self) -> bool {
        self.0.iter().any(|(op, w)| *op != Op::Healthz && *w > 0)
    }
}

impl std::fmt::Display for Mix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(op, w)| format!("{}={w}", op.name()))
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// A small, fast generator (xorshift64*): each virtual user has its own.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Population {
    /// No athletes (enough for `healthz`).
    pub fn empty(url: &str) -> Population {
        Population {
            url: url.to_owned(),
            activities_per_athlete: 0,
            anchor: Utc::now(),
            athletes: Vec::new(),
        }
    }
}

/// An HTTP client for `users` connections to one server.
pub fn client(users: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(users)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

/// Sends one GraphQL request, with the token when there is one.
async fn post_graphql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> reqwest::Result<reqwest::Response> {
    let mut request = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await
}

async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let response = post_graphql(client, url, token, query, variables).await?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .with_context(|| format!("the answer ({status}) is not JSON"))?;
    if let Some(errors) = body.get("errors") {
        bail!("{status}: {errors}");
    }
    Ok(body["data"].clone())
}

/// How to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Athletes to create.
    pub athletes: usize,
    /// Activities to log for each, one a day back from yesterday.
    pub activities_per_athlete: u32,
    /// Requests in flight while seeding.
    pub concurrency: usize,
    /// The email domain of the seeded athletes (`load-<n>@<domain>`).
    pub domain: String,
    /// The server's time now (activities are logged before it).
    pub now: chrono::DateTime<Utc>,
}

/// Creates athletes through the API with an owner's (or admin's) token: an invite and a
/// sign-up each, then their activities. Calls `progress` with the athletes done so far.
pub async fn seed(
    client: &reqwest::Client,
    url: &str,
    owner_token: &str,
    options: &SeedOptions,
    progress: impl Fn(usize) + Send + Sync + 'static,
) -> anyhow::Result<Population> {
    use futures::StreamExt;
    let done = Arc::new(AtomicU64::new(0));
    let progress = Arc::new(progress);
    let today = options.now;
    let athletes: Vec<anyhow::Result<Athlete>> = futures::stream::iter(0..options.athletes)
        .map(|n| {
            let (client, done, progress) = (client.clone(), done.clone(), progress.clone());
            let email = format!("load-{n}@{}", options.domain);
            let activities = options.activities_per_athlete;
            async move {
                let invite = graphql(
                    &client,
                    url,
                    Some(owner_token),
                    "mutation($e: String) { createInvite(role: ATHLETE, email: $e) { token } }",
                    json!({ "e": email }),
                )
                .await
                .context("creating an invite")?;
                let signed = graphql(
                    &client,
                    url,
                    None,
                    "mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }",
                    json!({ "i": {
                        "inviteToken": invite["createInvite"]["token"],
                        "email": email,
                        "password": format!("load-test-password-{n}"),
                        "displayName": format!("Load {n}"),
                        "timeZone": "Europe/Oslo",
                    }}),
                )
                .await
                .with_context(|| format!("signing up {email}"))?;
                let athlete = Athlete {
                    token: signed["signUp"]["token"]
                        .as_str()
                        .context("no token")?
                        .to_owned(),
                    id: signed["signUp"]["user"]["id"]
                        .as_str()
                        .context("no id")?
                        .to_owned(),
                    email,
                };
                for day in 1..=activities {
                    let start = today - TimeDelta::days(i64::from(day)) - TimeDelta::hours(3);
                    log_activity(
                        &client,
                        url,
                        &athlete.token,
                        start,
                        u64::from(day) + n as u64,
                    )
                    .await?;
                }
                let count = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(count as usize);
                Ok(athlete)
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    Ok(Population {
        url: url.to_owned(),
        activities_per_athlete: options.activities_per_athlete,
        anchor: options.now,
        athletes: athletes.into_iter().collect::<anyhow::Result<_>>()?,
    })
}

const LOG: &str = "mutation($a: ActivityInput!) { logActivity(input: $a) { id } }";

/// `logActivity`'s variables for a run starting at `start`; `variety` varies the rest.
fn log_variables(start: chrono::DateTime<Utc>, variety: u64) -> Value {
    let minutes = 30 + (variety % 60) as i64;
    json!({ "a": {
        "sport": "RUN",
        "startTime": start.to_rfc3339(),
        "durationSeconds": minutes * 60,
        "distanceMeters": (minutes as f64) * 180.0,
        "averageHeartRate": 130 + (variety % 30) as i64,
        "rpe": 3 + (variety % 6) as i64,
    }})
}

async fn log_activity(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    start: chrono::DateTime<Utc>,
    variety: u64,
) -> anyhow::Result<()> {
    graphql(client, url, Some(token), LOG, log_variables(start, variety))
        .await
        .context("logging an activity")?;
    Ok(())
}

const HOME: &str = "query { home { date workouts { id kind state } readiness { light confidence \
    signals { signal light reason } } load { load acute chronic acwr tsb monotony weeklyLoad } \
    alerts { kind date value threshold } } }";

const DASHBOARD: &str = "query($today: NaiveDate!) { home { date workouts { id date kind \
    description state targetDurationSeconds targetDistanceMeters intensityZone activityId } \
    readiness { date light confidence signals { signal light reason values { name value } } \
    missing { signal reason } } load { date load acute chronic acwr tsb monotony monotonyCapped \
    weeklyLoad strain warmingUp historyDays } alerts { kind date value threshold receipts { \
    explanation } } } proposals(state: PENDING) { id } trainingPlan { id name goalRaceDate } \
    trainingStats(from: $today, to: $today) { convention { acwrAlert monotonyAlert } } }";

const ACTIVITIES: &str = "query { activities(first: 20) { pageInfo { hasNextPage endCursor } \
    nodes { id name sport localDate durationSeconds distanceMeters averageHeartRate rpe rpeLoad \
    trimp source hasSamples private } } }";

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Virtual users (connections, requests in flight at most).
    pub users: usize,
    /// How long to measure.
    pub duration: Duration,
    /// How long to run first without measuring (connections open, caches fill).
    pub warmup: Duration,
    /// What they send.
    pub mix: Mix,
    /// Requests per second in total (open loop); `None`: as fast as answers come.
    pub rate: Option<f64>,
    /// The generator's threads. Each runs its own single-threaded runtime with its share of the
    /// users (and of the rate), as wrk's threads each run their own event loop.
    pub threads: usize,
}

/// What one kind of request measured.
#[derive(Debug, Clone, Serialize)]
pub struct OpReport {
    /// The kind.
    pub op: &'static str,
    /// Answers measured.
    pub count: u64,
    /// Of them, failures (not a 200, or GraphQL errors, or no answer).
    pub errors: u64,
    /// Per second over the measured time.
    pub per_s: f64,
    /// Latency percentiles, milliseconds.
    pub p50_ms: f64,
    /// 95th.
    pub p95_ms: f64,
    /// 99th.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// The first failure seen, for the report.
    pub first_error: Option<String>,
}

/// What a run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Virtual users.
    pub users: usize,
    /// The mix.
    pub mix: String,
    /// The target rate, if open loop.
    pub rate: Option<f64>,
    /// Measured seconds.
    pub seconds: f64,
    /// All requests per second.
    pub per_s: f64,
    /// Failures of all kinds.
    pub errors: u64,
    /// Per kind.
    pub ops: Vec<OpReport>,
}

#[derive(Default)]
struct Samples {
    by_op: std::collections::BTreeMap<Op, (Vec<u32>, u64, Option<String>)>,
}

impl Samples {
    fn record(&mut self, op: Op, micros: u32, error: Option<String>) {
        let entry = self.by_op.entry(op).or_default();
        entry.0.push(micros);
        if let Some(error) = error {
            entry.1 += 1;
            entry.2.get_or_insert(error);
        }
    }

    fn merge(&mut self, other: Samples) {
        for (op, (mut micros, errors, first)) in other.by_op {
            let entry = self.by_op.entry(op).or_default();
            entry.0.append(&mut micros);
            entry.1 += errors;
            if entry.2.is_none() {
                entry.2 = first;
            }
        }
    }
}

fn percentile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1000.0
}

/// The measuring side's HTTP: each virtual user has its own HTTP/1.1 connection (hyper's,
/// without a pool, a per-request timer or URL parsing), and every request body and header
/// that does not change is made once. The generator shares the machine with the server, and
/// every cycle it spends is one the server does not get: with reqwest it used more CPU than
/// the server itself (BENCHMARKS.md, 6 December).
struct Wire {
    addr: std::net::SocketAddr,
    host: HeaderValue,
    healthz: hyper::Uri,
    graphql: hyper::Uri,
    home: Bytes,
    dashboard: Bytes,
    activities: Bytes,
    /// `Bearer <token>`, per athlete.
    bearers: Vec<HeaderValue>,
    anchor: chrono::DateTime<Utc>,
}

/// An open connection: its request handle and the connection itself, which the user's own task
/// drives while it waits for an answer (not a task of its own: every answer would then wake
/// two tasks, often on two threads, and the generator shares the server's cores).
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    driver: std::pin::Pin<
        Box<
            hyper::client::conn::http1::Connection<
                hyper_util::rt::TokioIo<tokio::net::TcpStream>,
                Full<Bytes>,
            >,
        >,
    >,
}

/// What the load loop reads of an answer: that it carries data and no errors. The data is
/// skipped over, not built into a tree.
#[derive(serde::Deserialize)]
struct Checked {
    data: Option<serde::de::IgnoredAny>,
    errors: Option<Value>,
}

fn body_of(query: &str, variables: Value) -> Bytes {
    Bytes::from(
        serde_json::to_vec(&json!({ "query": query, "variables": variables }))
            .expect("JSON of a query"),
    )
}

impl Wire {
    async fn new(url: &str, population: &Population) -> anyhow::Result<Wire> {
        let parsed = url::Url::parse(url).with_context(|| format!("`{url}` is not a URL"))?;
        if parsed.scheme() != "http" {
            bail!("the generator speaks plain HTTP (run it beside the server), not {url}");
        }
        let host = parsed.host_str().context("the URL has no host")?;
        let port = parsed.port_or_known_default().unwrap_or(80);
        let addr = tokio::net::lookup_host((host, port))
            .await
            .with_context(|| format!("resolving {host}"))?
            .next()
            .with_context(|| format!("{host} has no address"))?;
        let base = parsed.path().trim_end_matches('/');
        let today = population.anchor.date_naive().to_string();
        Ok(Wire {
            addr,
            host: HeaderValue::from_str(&format!("{host}:{port}"))?,
            healthz: format!("{base}/healthz").parse()?,
            graphql: format!("{base}/graphql").parse()?,
            home: body_of(HOME, json!({})),
            dashboard: body_of(DASHBOARD, json!({ "today": today })),
            activities: body_of(ACTIVITIES, json!({})),
            bearers: population
                .athletes
                .iter()
                .map(|a| HeaderValue::from_str(&format!("Bearer {}", a.token)))
                .collect::<Result<_, _>>()
                .context("a seeded token is not a header value")?,
            anchor: population.anchor,
        })
    }

    async fn connect(&self) -> Result<Conn, String> {
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("connecting to {}: {e}", self.addr))?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("HTTP handshake: {e}"))?;
        Ok(Conn {
            sender,
            driver: Box::pin(connection),
        })
    }

    /// The request for `op`, the athlete chosen by `roll`.
    fn request(&self, op: Op, roll: u64) -> hyper::Request<Full<Bytes>> {
        let builder = hyper::Request::builder().header(header::HOST, self.host.clone());
        if op == Op::Healthz {
            return builder
                .method(hyper::Method::GET)
                .uri(self.healthz.clone())
                .body(Full::new(Bytes::new()))
                .expect("a request");
        }
        let body = match op {
            Op::Home => self.home.clone(),
            Op::Dashboard => self.dashboard.clone(),
            Op::Activities => self.activities.clone(),
            Op::Log => {
                let minutes_ago = 60 + (roll % 100_000) as i64;
                body_of(
                    LOG,
                    log_variables(self.anchor - TimeDelta::minutes(minutes_ago), roll),
                )
            }
            Op::Healthz => unreachable!("answered above"),
        };
        let mut builder = builder
            .method(hyper::Method::POST)
            .uri(self.graphql.clone())
            .header(header::CONTENT_TYPE, "application/json");
        if !self.bearers.is_empty() {
            let athlete = (roll >> 8) as usize % self.bearers.len();
            builder = builder.header(header::AUTHORIZATION, self.bearers[athlete].clone());
        }
        builder.body(Full::new(body)).expect("a request")
    }

    /// Sends `op` on `conn` (connecting first when it has none, or its last one failed) and
    /// checks the answer: a success, and for the API data without errors.
    async fn send(&self, conn: &mut Option<Conn>, op: Op, roll: u64) -> Result<(), String> {
        let result = self.exchange(conn, op, roll).await;
        if result.is_err() {
            // The next request starts on a fresh connection.
            *conn = None;
        }
        let (status, body) = result?;
        if op == Op::Healthz {
            return if status.is_success() {
                Ok(())
            } else {
                Err(format!("healthz answered {status}"))
            };
        }
        let checked: Checked = serde_json::from_slice(&body)
            .map_err(|e| format!("the answer ({status}) is not GraphQL's JSON: {e}"))?;
        if let Some(errors) = checked.errors {
            return Err(format!("{status}: {errors}"));
        }
        if !status.is_success() || checked.data.is_none() {
            return Err(format!("{status}: the answer has no data"));
        }
        Ok(())
    }

    async fn exchange(
        &self,
        conn: &mut Option<Conn>,
        op: Op,
        roll: u64,
    ) -> Result<(hyper::StatusCode, Bytes), String> {
        if conn.as_ref().is_none_or(|c| c.sender.is_closed()) {
            *conn = Some(self.connect().await?);
        }
        let Conn { sender, driver } = conn.as_mut().expect("connected above");
        let request = self.request(op, roll);
        let exchange = async {
            sender
                .ready()
                .await
                .map_err(|e| format!("the connection closed: {e}"))?;
            let response = sender
                .send_request(request)
                .await
                .map_err(|e| format!("no answer: {e}"))?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("reading the answer: {e}"))?
                .to_bytes();
            Ok((status, body))
        };
        tokio::pin!(exchange);
        tokio::select! {
            biased;
            answered = &mut exchange => answered,
            // The connection ended: with the answer delivered first (the server closed it
            // after answering), or with the exchange failed, which it now reports.
            ended = driver.as_mut() => match ended {
                Ok(()) => exchange.await,
                Err(e) => exchange
                    .await
                    .map_err(|answer| format!("the connection failed: {e} ({answer})")),
            },
        }
    }
}

/// Runs `options` against `url` with `population`'s athletes.
pub async fn run(
    url: &str,
    population: &Population,
    options: &RunOptions,
) -> anyhow::Result<Report> {
    if options.mix.needs_athletes() && population.athletes.is_empty() {
        bail!("the mix `{}` needs seeded athletes", options.mix);
    }
    let wire = Arc::new(Wire::new(url, population).await?);
    let start = Instant::now();
    let measure_from = start + options.warmup;
    let end = measure_from + options.duration;
    // Each thread serves its users in the order their answers arrive. On one work-stealing
    // runtime, answers that overflow a worker's queue waited behind later ones, and that wait
    // was counted as the server's latency (BENCHMARKS.md, 7 December).
    let threads = options.threads.clamp(1, options.users.max(1));
    let mut parts = Vec::with_capacity(threads);
    for part in 0..threads {
        let (wire, options) = (wire.clone(), options.clone());
        let (done, samples) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name(format!("stride-load-{part}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ =
                            done.send(Err(format!("a runtime for generator thread {part}: {e}")));
                        return;
                    }
                };
                let share = Share { part, of: threads };
                let samples = runtime.block_on(async {
                    match options.rate {
                        None => closed_loop(&wire, &options, share, measure_from, end).await,
                        Some(rate) => {
                            open_loop(&wire, &options, share, rate, measure_from, end).await
                        }
                    }
                });
                let _ = done.send(Ok(samples));
            })
            .context("starting a generator thread")?;
        parts.push(samples);
    }
    let mut samples = Samples::default();
    for (part, part_samples) in parts.into_iter().enumerate() {
        match part_samples.await {
            Ok(Ok(part_samples)) => samples.merge(part_samples),
            Ok(Err(e)) => bail!(e),
            Err(_) => bail!("generator thread {part} failed"),
        }
    }
    let seconds = options.duration.as_secs_f64();
    let mut ops = Vec::new();
    let (mut total, mut errors) = (0u64, 0u64);
    for (op, (mut micros, op_errors, first_error)) in samples.by_op {
        micros.sort_unstable();
        let count = micros.len() as u64;
        total += count;
        errors += op_errors;
        ops.push(OpReport {
            op: op.name(),
            count,
            errors: op_errors,
            per_s: count as f64 / seconds,
            p50_ms: percentile(&micros, 0.50),
            p95_ms: percentile(&micros, 0.95),
            p99_ms: percentile(&micros, 0.99),
            max_ms: percentile(&micros, 1.0),
            first_error,
        });
    }
    Ok(Report {
        users: options.users,
        mix: options.mix.to_string(),
        rate: options.rate,
        seconds,
        per_s: total as f64 / seconds,
        errors,
        ops,
    })
}

/// How long after the end a request may still be answered before it counts as failed (and the
/// run stops waiting for it).
const GRACE: Duration = Duration::from_secs(30);
/// The latency counted for a request that had no answer within [`GRACE`] (at least that).
const GRACE_MICROS: u32 = GRACE.as_micros() as u32;

impl Samples {
    /// A request of `mix` that had no answer within [`GRACE`] of the end.
    fn record_unanswered(&mut self, mix: &Mix) {
        let error = format!(
            "a request had no answer {} s after the end",
            GRACE.as_secs()
        );
        self.record(mix.pick(0), GRACE_MICROS, Some(error));
    }
}

/// One generator thread's part of a run: users `part`, `part + of`, … and `1 / of` of the rate.
#[derive(Clone, Copy)]
struct Share {
    part: usize,
    of: usize,
}

async fn closed_loop(
    wire: &Arc<Wire>,
    options: &RunOptions,
    share: Share,
    measure_from: Instant,
    end: Instant,
) -> Samples {
    // A task per user, on this thread's runtime.
    let users: Vec<_> = (share.part..options.users)
        .step_by(share.of)
        .map(|user| {
            let (wire, mix) = (wire.clone(), options.mix.clone());
            tokio::spawn(async move {
                let mut rng = Rng::new(user as u64 + 1);
                let mut samples = Samples::default();
                let mut conn = None;
                loop {
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    let roll = rng.next();
                    let op = mix.pick(roll);
                    let result = wire.send(&mut conn, op, roll).await;
                    let done = Instant::now();
                    if sent >= measure_from && done <= end {
                        let micros = (done - sent).as_micros().min(u128::from(u32::MAX)) as u32;
                        samples.record(op, micros, result.err());
                    }
                }
                samples
            })
        })
        .collect();
    let mut all = Samples::default();
    for user in users {
        let abort = user.abort_handle();
        match tokio::time::timeout_at((end + GRACE).into(), user).await {
            Ok(Ok(samples)) => all.merge(samples),
            Ok(Err(e)) => all.record(
                options.mix.pick(0),
                GRACE_MICROS,
                Some(format!("a user failed: {e}")),
            ),
            Err(_) => {
                abort.abort();
                all.record_unanswered(&options.mix);
            }
        }
    }
    all
}

async fn open_loop(
    wire: &Arc<Wire>,
    options: &RunOptions,
    share: Share,
    rate: f64,
    measure_from: Instant,
    end: Instant,
) -> Samples {
    use futures::StreamExt;
    // This thread's requests are due every `of / rate` seconds, offset by `part / rate` from
    // the other threads', so together they are due every `1 / rate`.
    let rate = rate.max(0.001);
    let interval = Duration::from_secs_f64(share.of as f64 / rate);
    let users = (share.part..options.users.max(1)).step_by(share.of).count();
    let permits = Arc::new(tokio::sync::Semaphore::new(users.max(1)));
    // Idle connections; at most `users` exist, one per permit.
    let idle: Arc<std::sync::Mutex<Vec<Conn>>> = Arc::default();
    // Each thread its own sequence: with one seed, both would pick the same athletes in turn.
    let mut rng = Rng::new(7 + share.part as u64);
    let mut in_flight = futures::stream::FuturesUnordered::new();
    let mut all = Samples::default();
    let mut due = Instant::now() + Duration::from_secs_f64(share.part as f64 / rate);
    while due < end {
        // Collect finished requests while waiting for the next one's time.
        let sleep = tokio::time::sleep_until(due.into());
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                Some(finished) = in_flight.next(), if !in_flight.is_empty() => {
                    if let Some((op, micros, error, counted)) = finished && counted {
                        all.record(op, micros, error);
                    }
                }
            }
        }
        let roll = rng.next();
        let op = options.mix.pick(roll);
        let scheduled = due;
        let (permits, idle, wire) = (permits.clone(), idle.clone(), wire.clone());
        in_flight.push(async move {
            // Waiting for a free connection is part of the latency: the request was due.
            let _permit = permits.acquire_owned().await.ok()?;
            let mut conn = idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let result = wire.send(&mut conn, op, roll).await;
            if let Some(conn) = conn {
                idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
            }
            let done = Instant::now();
            let micros = (done - scheduled).as_micros().min(u128::from(u32::MAX)) as u32;
            Some((
                op,
                micros,
                result.err(),
                scheduled >= measure_from && done <= end,
            ))
        });
        due += interval;
    }
    let rest = async {
        while let Some(finished) = in_flight.next().await {
            if let Some((op, micros, error, counted)) = finished
                && counted
            {
                all.record(op, micros, error);
            }
        }
    };
    if tokio::time::timeout_at((end + GRACE).into(), rest)
        .await
        .is_err()
    {
        all.record_unanswered(&options.mix);
    }
    all
}

impl Report {
    /// A Markdown table of the run.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{} users, mix {}{}, {:.0} s measured: {:.0} requests/s, {} failed\n\n\
             | request | per s | p50 ms | p95 ms | p99 ms | max ms | failed |\n|---|---|---|---|---|---|---|\n",
            self.users,
            self.mix,
            self.rate
                .map(|r| format!(", open loop at {r:.0}/s"))
                .unwrap_or_default(),
            self.seconds,
            self.per_s,
            self.errors
        );
        for op in &self.ops {
            out.push_str(&format!(
                "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} |\n",
                op.op, op.per_s, op.p50_ms, op.p95_ms, op.p99_ms, op.max_ms, op.errors
            ));
        }
        for op in &self.ops {
            if let Some(error) = &op.first_error {
                out.push_str(&format!("\nfirst {} failure: {error}\n", op.op));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixes_parse_and_pick_by_weight() {
        let mix: Mix = "dashboard=3, log=1".parse().expect("a mix");
        let picks: Vec<Op> = (0..4).map(|roll| mix.pick(roll)).collect();
        assert_eq!(
            picks,
            [Op::Dashboard, Op::Dashboard, Op::Dashboard, Op::Log]
        );
        assert!("home=0".parse::<Mix>().is_err());
        assert!("homes=1".parse::<Mix>().is_err());
        assert_eq!(mix.to_string(), "dashboard=3,log=1");
    }

    #[test]
    fn percentiles_are_ranks() {
        let sorted: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        assert_eq!(percentile(&sorted, 0.5), 50.0);
        assert_eq!(percentile(&sorted, 0.99), 99.0);
        assert_eq!(percentile(&sorted, 1.0), 100.0);
    }
}
