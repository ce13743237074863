//! Operators' metrics at `GET /metrics`: off unless switched on, behind a token when one is
//! configured, in a well-formed Prometheus text exposition, and counting what happened:
//! GraphQL operations by name, routes by template, the home-screen cache, the job queue,
//! proposals, rule evaluations, plugin health and the providers' rate budgets.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

/// One sample of a scrape.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A parsed scrape: each family's declared type, and every sample.
#[derive(Debug, Default)]
struct Scrape {
    types: HashMap<String, String>,
    samples: Vec<Sample>,
}

impl Scrape {
    /// Parses the text exposition format, failing the test on anything malformed: a sample
    /// whose family no preceding TYPE line declared, a family declared twice, a series
    /// repeated, a label or value that does not parse.
    fn parse(text: &str) -> Self {
        let mut scrape = Scrape::default();
        let mut seen = std::collections::HashSet::new();
        for line in text.lines() {
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                    "unknown type in {line:?}"
                );
                assert!(
                    scrape
                        .types
                        .insert(name.to_owned(), kind.to_owned())
                        .is_none(),
                    "{name} is declared twice"
                );
                continue;
            }
            if let Some(rest) = line.strip_prefix("# HELP ") {
                let (_name, help) = rest.split_once(' ').expect("HELP name text");
                assert!(!help.trim().is_empty(), "empty help in {line:?}");
                continue;
            }
            assert!(!line.starts_with('#'), "unexpected comment {line:?}");
            let sample = parse_sample(line);
            let family = family_of(&scrape.types, &sample.name)
                .unwrap_or_else(|| panic!("{line:?} has no preceding TYPE line"));
            let kind = &scrape.types[&family];
            if kind == "counter" {
                assert!(
                    sample.name.ends_with("_total"),
                    "counter {} should end in _total",
                    sample.name
                );
            }
            if sample.name.ends_with("_bucket") && kind == "histogram" {
                assert!(sample.labels.contains_key("le"), "{line:?} without le");
            }
            assert!(
                seen.insert((
                    sample.name.clone(),
                    sample.labels.clone().into_iter().collect::<Vec<_>>()
                )),
                "{line:?} repeats a series"
            );
            scrape.samples.push(sample);
        }
        scrape
    }

    /// The value of the series `name` with exactly `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels == wanted)
            .map(|s| s.value)
    }

    /// Like [`Scrape::value`], zero when the series is absent (a counter not yet counted).
    fn count(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels).unwrap_or(0.0)
    }

    /// Every series of `name`.
    fn series(&self, name: &str) -> Vec<&Sample> {
        self.samples.iter().filter(|s| s.name == name).collect()
    }
}

/// The family a sample belongs to: its own name, or a histogram's base name.
fn family_of(types: &HashMap<String, String>, name: &str) -> Option<String> {
    if types.contains_key(name) {
        return Some(name.to_owned());
    }
    ["_bucket", "_sum", "_count"].iter().find_map(|suffix| {
        let base = name.strip_suffix(suffix)?;
        (types.get(base).map(String::as_str) == Some("histogram")).then(|| base.to_owned())
    })
}

fn parse_sample(line: &str) -> Sample {
    let name_end = line
        .find(['{', ' '])
        .unwrap_or_else(|| panic!("no value in {line:?}"));
    let name = &line[..name_end];
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !name.starts_with(|c: char| c.is_ascii_digit()),
        "bad metric name in {line:?}"
    );
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices().peekable();
        let end = loop {
            let start = chars.peek().map(|(i, _)| *i).expect("a label");
            let mut key_end = start;
            for (i, c) in chars.by_ref() {
                if c == '=' {
                    key_end = i;
                    break;
                }
                assert!(
                    c.is_ascii_alphanumeric() || c == '_',
                    "bad label name in {line:?}"
                );
            }
            let key = &inner[start..key_end];
            assert!(!key.is_empty(), "a label without a name in {line:?}");
            assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "{line:?}");
            let mut value = String::new();
            loop {
                match chars.next().map(|(_, c)| c) {
                    Some('\\') => match chars.next().map(|(_, c)| c) {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        other => panic!("bad escape {other:?} in {line:?}"),
                    },
                    Some('"') => break,
                    Some(c) => value.push(c),
                    None => panic!("unterminated label value in {line:?}"),
                }
            }
            assert!(
                labels.insert(key.to_owned(), value).is_none(),
                "label {key} twice in {line:?}"
            );
            match chars.next() {
                Some((_, ',')) => continue,
                Some((i, '}')) => break i,
                other => panic!("unexpected {other:?} in {line:?}"),
            }
        };
        rest = &inner[end + 1..];
    }
    let value = rest
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("one space before the value in {line:?}"));
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("bad value in {line:?}")),
    };
    Sample {
        name: name.to_owned(),
        labels,
        value,
    }
}

/// Scrapes `/metrics` with an optional bearer token: (status, content type, body).
async fn get_metrics(app: &TestApp, token: Option<&str>) -> (u16, String, String) {
    let mut request = app.http().get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.expect("a body"))
}

async fn scrape(app: &TestApp) -> Scrape {
    let (status, content_type, body) = get_metrics(app, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    Scrape::parse(&body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_off_unless_an_operator_switches_them_on() {
    let app = TestApp::spawn().await;
    let (status, _, body) = get_metrics(&app, None).await;
    assert_eq!(status, 404);
    assert!(
        body.contains("metrics.enabled"),
        "names the setting: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_token_is_required_to_scrape() {
    let app = TestApp::spawn_with(|c| {
        c.metrics.enabled = true;
        c.metrics.token = Some(stride::config::Secret::new("scrape-secret"));
    })
    .await;
    let (status, _, body) = get_metrics(&app, None).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("metrics.token"), "names the setting: {body}");
    let (status, _, _) = get_metrics(&app, Some("scrape-secreT")).await;
    assert_eq!(status, 401, "a wrong token is refused");
    let (status, content_type, body) = get_metrics(&app, Some("scrape-secret")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let scrape = Scrape::parse(&body);
    assert_eq!(
        scrape.value(
            "stride_build_info",
            &[
                ("version", env!("CARGO_PKG_VERSION")),
                ("backend", backend(&app))
            ]
        ),
        Some(1.0),
        "{body}"
    );
    assert!(
        scrape
            .value("stride_uptime_seconds", &[])
            .is_some_and(|s| s >= 0.0)
    );
    assert_eq!(scrape.value("stride_database_up", &[]), Some(1.0));
}

fn backend(app: &TestApp) -> &'static str {
    if app.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A GraphQL request with an explicit `operationName`.
async fn gql_named(app: &TestApp, token: &str, query: &str, operation: &str) -> Value {
    app.http()
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "operationName": operation }))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_counted_by_operation_name_and_route_template() {
    let app = TestApp::spawn_with(|c| c.metrics.enabled = true).await;
    let owner = app.owner().await;
    let before = scrape(&app).await;

    for _ in 0..3 {
        app.gql(Some(&owner.token), "query Whoami { me { id } }", json!({}))
            .await
            .ok();
    }
    // Chosen from several by `operationName`.
    let chosen = gql_named(
        &app,
        &owner.token,
        "query First { me { id } } query Second { me { email } }",
        "Second",
    )
    .await;
    assert!(chosen["errors"].is_null(), "{chosen}");
    // A name the document does not have: counted as `other`, with its error.
    let unknown = gql_named(&app, &owner.token, "query First { me { id } }", "Nope").await;
    assert!(unknown["errors"].is_array(), "{unknown}");
    // A named operation that fails validation: its own label, and an error.
    app.gql(
        Some(&owner.token),
        "query Broken { noSuchField }",
        json!({}),
    )
    .await;
    for _ in 0..2 {
        app.gql(Some(&owner.token), "{ me { id } }", json!({}))
            .await
            .ok();
    }
    for _ in 0..2 {
        let health = app
            .http()
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("answers");
        assert_eq!(health.status(), 200);
    }
    let webhook = app
        .http()
        .post(app.url("/webhooks/no-such-plugin/some/path"))
        .body("{}")
        .send()
        .await
        .expect("answers");
    assert_eq!(webhook.status(), 404);

    let after = scrape(&app).await;
    let requests = "stride_graphql_requests_total";
    let delta = |name: &str, labels: &[(&str, &str)]| {
        after.count(name, labels) - before.count(name, labels)
    };
    assert_eq!(
        after.value(requests, &[("operation", "Whoami"), ("status", "2xx")]),
        Some(3.0)
    );
    assert_eq!(
        after.value(requests, &[("operation", "Second"), ("status", "2xx")]),
        Some(1.0)
    );
    assert_eq!(
        after.value(requests, &[("operation", "First"), ("status", "2xx")]),
        None,
        "the operation that ran is counted, not the first in the document"
    );
    assert_eq!(
        after.value(requests, &[("operation", "Broken"), ("status", "2xx")]),
        Some(1.0)
    );
    assert_eq!(
        after.value("stride_graphql_errors_total", &[("operation", "Broken")]),
        Some(1.0)
    );
    assert_eq!(
        after.value("stride_graphql_errors_total", &[("operation", "Whoami")]),
        Some(0.0)
    );
    assert_eq!(
        delta(requests, &[("operation", "other"), ("status", "2xx")]),
        1.0
    );
    assert_eq!(
        delta("stride_graphql_errors_total", &[("operation", "other")]),
        1.0
    );
    assert_eq!(
        delta(requests, &[("operation", "anonymous"), ("status", "2xx")]),
        2.0
    );

    // The latency histogram: cumulative buckets ending in +Inf, which equals the count.
    let duration = "stride_graphql_request_duration_seconds";
    let whoami = [("operation", "Whoami")];
    assert_eq!(
        after.value(&format!("{duration}_count"), &whoami),
        Some(3.0)
    );
    let mut buckets: Vec<(f64, f64)> = after
        .series(&format!("{duration}_bucket"))
        .into_iter()
        .filter(|s| s.labels.get("operation").map(String::as_str) == Some("Whoami"))
        .map(|s| {
            let le = &s.labels["le"];
            let bound = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().expect("le")
            };
            (bound, s.value)
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(buckets.len() > 5, "{buckets:?}");
    assert!(
        buckets.windows(2).all(|w| w[0].1 <= w[1].1),
        "cumulative: {buckets:?}"
    );
    assert_eq!(buckets.last(), Some(&(f64::INFINITY, 3.0)));
    let sum = after
        .value(&format!("{duration}_sum"), &whoami)
        .expect("a sum");
    assert!(sum > 0.0 && sum < 60.0, "{sum}");

    // Other routes by template, never the raw path.
    let http = "stride_http_requests_total";
    assert_eq!(
        delta(http, &[("route", "/healthz"), ("status", "2xx")]),
        2.0
    );
    assert_eq!(
        after.value(
            http,
            &[("route", "/webhooks/{plugin}/{*path}"), ("status", "4xx")]
        ),
        Some(1.0)
    );
    assert!(
        after.samples.iter().all(|s| s
            .labels
            .get("route")
            .is_none_or(|r| !r.contains("no-such-plugin"))),
        "no raw paths in labels"
    );
    assert_eq!(
        after.value(
            "stride_http_request_duration_seconds_count",
            &[("route", "/healthz")]
        ),
        Some(after.count(http, &[("route", "/healthz"), ("status", "2xx")]))
    );
}

const METRICS: &str = "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }";
const TODAY: &str = "2026-03-02";

/// An athlete with two good weeks behind her, a plan from today, and a poor morning today
/// (HRV far below baseline, a short night): her rules see a red day.
async fn athlete_on_a_red_day(app: &TestApp, owner: &Session) -> Session {
    let ann = app.invite_user(owner, "ATHLETE", "ann@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation { updateBaselines(input: { restingHeartRate: 48, maxHeartRate: 190, hrvMs: 70, hrvKind: RMSSD }) { maxHeartRate } }",
        json!({}),
    )
    .await
    .ok();
    let start = NaiveDate::from_ymd_opt(2026, 2, 16).expect("date");
    for n in 0..14 {
        let date = start + Duration::days(n);
        app.gql(
            Some(&ann.token),
            METRICS,
            json!({ "i": { "date": date.to_string(), "restingHeartRate": 48, "hrvMs": 68.0 + (n % 5) as f64, "hrvKind": "RMSSD", "sleepDurationMinutes": 470, "sleepQuality": 4 } }),
        )
        .await
        .ok();
    }
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 7, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    app.gql(
        Some(&ann.token),
        METRICS,
        json!({ "i": { "date": TODAY, "restingHeartRate": 50, "hrvMs": 40.0, "hrvKind": "RMSSD", "sleepDurationMinutes": 280, "sleepQuality": 2 } }),
    )
    .await
    .ok();
    ann
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_proposals_and_rule_evaluations_are_read_from_what_happened() {
    // No workers: what is queued stays queued, so the scrape sees it.
    let app = TestApp::spawn_with(|c| {
        c.metrics.enabled = true;
        c.jobs.workers = 0;
    })
    .await;
    let owner = app.owner().await;
    let ann = athlete_on_a_red_day(&app, &owner).await;

    // A rule of her own that fails on red days (its fixture is a green day, so it goes live).
    let green = json!([{ "name": "green day", "snapshot": { "today": TODAY, "readiness": { "light": "green" } }, "expected": [] }]);
    let saved = app
        .gql(
            Some(&ann.token),
            "mutation($i: RuleInput!) { saveRule(input: $i) { accepted problems } }",
            json!({ "i": { "name": "fails-on-red", "scope": "ATHLETE", "athleteId": ann.id, "source": "if readiness.light == \"red\" { throw \"deliberately\"; } []", "fixtures": green.to_string() } }),
        )
        .await;
    assert_eq!(saved.ok()["saveRule"]["accepted"], true, "{:?}", saved.body);

    let evaluated = app
        .gql(
            Some(&ann.token),
            "mutation { evaluateRules { rules proposals failures } }",
            json!({}),
        )
        .await;
    let evaluated = evaluated.ok()["evaluateRules"].clone();
    let rules_run = evaluated["rules"].as_f64().expect("rules");
    let filed = evaluated["proposals"].as_array().expect("proposals").len() as f64;
    let failed = evaluated["failures"].as_array().expect("failures").len() as f64;
    assert!(rules_run >= 4.0, "the defaults and hers: {evaluated}");
    assert_eq!(failed, 1.0, "{evaluated}");
    assert!(filed >= 1.0, "a red day is proposed around: {evaluated}");

    // Jobs of a kind no worker here runs, in every queue state.
    let now = app.clock_now();
    let store = &app.state.store;
    let mut tx = store.begin().await.expect("transaction");
    for (run_at, held) in [
        (now - Duration::seconds(90), false),
        (now - Duration::seconds(30), false),
        (now + Duration::hours(1), false),
        (now - Duration::seconds(500), true),
    ] {
        store
            .enqueue_job(
                &mut tx,
                &stride_store::NewJob {
                    kind: "metrics.probe".to_owned(),
                    plugin_id: None,
                    user_id: None,
                    payload: "{}".to_owned(),
                    priority: 0,
                    run_at,
                    dedupe_key: None,
                    max_attempts: 3,
                    held,
                },
                now,
            )
            .await
            .expect("enqueued");
    }
    tx.commit().await.expect("commit");

    let scrape = scrape(&app).await;
    assert_eq!(scrape.value("stride_database_up", &[]), Some(1.0));
    let jobs =
        |kind: &str, state: &str| scrape.value("stride_jobs", &[("kind", kind), ("state", state)]);
    assert_eq!(jobs("metrics.probe", "ready"), Some(2.0));
    assert_eq!(jobs("metrics.probe", "scheduled"), Some(1.0));
    assert_eq!(jobs("metrics.probe", "held"), Some(1.0));
    assert_eq!(jobs("metrics.probe", "running"), None);
    assert_eq!(
        scrape.value(
            "stride_jobs_oldest_ready_age_seconds",
            &[("kind", "metrics.probe")]
        ),
        Some(90.0),
        "the held job is older but may not run"
    );
    // Her writes queued one evaluation (later ones joined it), waiting since now.
    assert_eq!(jobs("rules.evaluate", "ready"), Some(1.0));
    assert_eq!(
        scrape.value(
            "stride_jobs_oldest_ready_age_seconds",
            &[("kind", "rules.evaluate")]
        ),
        Some(0.0)
    );

    // The evaluation she asked for, and nothing else counted under `manual`.
    let manual = [("trigger", "manual")];
    assert_eq!(
        scrape.value("stride_rule_evaluations_total", &manual),
        Some(1.0)
    );
    assert_eq!(
        scrape.value("stride_rules_evaluated_total", &manual),
        Some(rules_run)
    );
    assert_eq!(
        scrape.value("stride_rule_failures_total", &manual),
        Some(failed)
    );

    // Proposals by who filed them and state, every state present.
    assert_eq!(
        scrape.value(
            "stride_proposals",
            &[("source", "rule"), ("state", "pending")]
        ),
        Some(filed)
    );
    assert_eq!(
        scrape.value(
            "stride_proposals",
            &[("source", "coach"), ("state", "pending")]
        ),
        Some(0.0)
    );
    assert_eq!(scrape.series("stride_proposals").len(), 21);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugin_health_and_rate_budgets_are_read_at_scrape_time() {
    let app = TestApp::spawn_with(|c| {
        c.metrics.enabled = true;
        c.plugins.breaker_failures = 2;
    })
    .await;
    app.install_plugin("test-hostile").await;
    app.install_plugin("strava").await;
    let host = app.state.plugins.clone();
    let panic = stride_sandbox::contract::JobRequest {
        kind: "panic".to_owned(),
        payload: "{}".to_owned(),
        athlete: None,
        attempt: 1,
    };
    for _ in 0..2 {
        let report = host.run_job("test-hostile", panic.clone(), None).await;
        assert!(report.result.is_err());
    }

    // One request reserved in Strava's overall budget, this quarter hour (12:00–12:15 UTC).
    let now = app.clock_now();
    let quarter = stride::connections::rate::window_at(
        &stride_sandbox::contract::RateWindow::AlignedMinutes(15),
        None,
        now,
    );
    let reserved = app
        .state
        .store
        .reserve_rate(
            "strava",
            &[stride_store::RateSlot {
                budget: "overall".to_owned(),
                window_kind: quarter.kind.clone(),
                window_start: quarter.start,
                limit: 200,
            }],
            now,
        )
        .await
        .expect("reserved");
    assert_eq!(reserved, Ok(vec![(1, 200)]));

    let scrape = scrape(&app).await;
    let hostile = [("plugin", "test-hostile")];
    assert_eq!(
        scrape.value("stride_plugin_calls_total", &hostile),
        Some(2.0)
    );
    assert_eq!(
        scrape.value("stride_plugin_failures_total", &hostile),
        Some(2.0)
    );
    let breaker = |plugin: &str, state: &str| {
        scrape.value(
            "stride_plugin_breaker_state",
            &[("plugin", plugin), ("state", state)],
        )
    };
    assert_eq!(breaker("test-hostile", "open"), Some(1.0));
    assert_eq!(breaker("test-hostile", "closed"), Some(0.0));
    assert_eq!(breaker("strava", "closed"), Some(1.0));
    assert_eq!(scrape.value("stride_plugin_enabled", &hostile), Some(1.0));
    assert_eq!(scrape.value("stride_plugin_load_errors", &[]), Some(0.0));

    let budget = |name: &str, budget: &str, window: &str| {
        scrape.value(
            name,
            &[
                ("provider", "strava"),
                ("budget", budget),
                ("window", window),
            ],
        )
    };
    assert_eq!(
        budget("stride_rate_budget_limit", "overall", "m15"),
        Some(200.0)
    );
    assert_eq!(
        budget("stride_rate_budget_remaining", "overall", "m15"),
        Some(199.0)
    );
    assert_eq!(
        budget("stride_rate_budget_remaining", "overall", "day"),
        Some(2_000.0)
    );
    assert_eq!(
        budget("stride_rate_budget_remaining", "read", "m15"),
        Some(100.0)
    );
    assert_eq!(
        budget("stride_rate_budget_reset_seconds", "overall", "m15"),
        Some(900.0)
    );
    assert_eq!(
        budget("stride_rate_budget_reset_seconds", "read", "day"),
        Some(43_200.0)
    );
    assert!(
        scrape
            .series("stride_rate_budget_limit")
            .iter()
            .all(|s| s.labels["provider"] == "strava"),
        "only plugins that declare budgets"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_screen_cache_counts_hits_builds_and_changes() {
    // No workers: nothing in the background changes the athlete between the visits.
    let app = TestApp::spawn_with(|c| {
        c.metrics.enabled = true;
        c.jobs.workers = 0;
    })
    .await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let home = "query { home { date load { acwr } } }";
    let count = |scrape: &Scrape, outcome: &str| {
        scrape
            .value("stride_home_cache_total", &[("outcome", outcome)])
            .unwrap_or_else(|| panic!("no stride_home_cache_total for {outcome}"))
    };
    let before = scrape(&app).await;

    // The first visit builds the screen, the next two are answered from the cache (a request
    // may look it up more than once: hits count look-ups).
    for _ in 0..3 {
        app.gql(Some(&ann.token), home, json!({})).await.ok();
    }
    let visited = scrape(&app).await;
    assert_eq!(count(&visited, "built") - count(&before, "built"), 1.0);
    assert!(count(&visited, "hit") - count(&before, "hit") >= 2.0);
    assert!(
        visited
            .value("stride_home_cache_entries", &[])
            .is_some_and(|entries| entries >= 1.0)
    );

    // A logged activity changes the athlete: the notice drops the screen, the next visit
    // builds it again.
    app.gql(
        Some(&ann.token),
        "mutation($a: ActivityInput!) { logActivity(input: $a) { id } }",
        json!({ "a": { "sport": "RUN", "startTime": "2026-03-01T07:00:00Z",
                       "durationSeconds": 1800, "distanceMeters": 5000.0, "rpe": 4 } }),
    )
    .await
    .ok();
    let mut changed = scrape(&app).await;
    for _ in 0..50 {
        if count(&changed, "dropped") > count(&visited, "dropped") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        changed = scrape(&app).await;
    }
    assert!(count(&changed, "dropped") > count(&visited, "dropped"));
    app.gql(Some(&ann.token), home, json!({})).await.ok();
    let after = scrape(&app).await;
    assert_eq!(count(&after, "built") - count(&changed, "built"), 1.0);
    assert_eq!(count(&after, "dropped_all"), count(&before, "dropped_all"));
}
