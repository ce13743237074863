//! Load generator: the nightly pass over a whole population. Every default rule is evaluated
//! for `STRIDE_BENCH_ATHLETES` athletes (default 10,000), snapshot loading included, on SQLite
//! and on PostgreSQL (`STRIDE_BENCH_POSTGRES_URL`, default the local server; `none` skips it).
//!
//! Each athlete has six weeks of training, two weeks of mornings and a plan; every third one
//! had a poor morning today, so the traffic light files a proposal for them. The first pass
//! files those proposals (through the gate, audited); the second finds nothing new.
//!
//! The athletes are evaluated `STRIDE_BENCH_BATCH` an evaluation (default 16, the job queue's
//! `jobs.batch` when BENCHMARKS.md's figures were measured), as the nightly jobs run: their
//! snapshots are read together. The snapshot phase is each athlete's share of its batch's
//! reads.
//!
//! `cargo bench -p stride-e2e --bench rules`

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Weekday};
use futures::StreamExt;
use stride::rules::service::EvaluationReport;
use stride::training::PlanInput;
use stride_domain::clock::ManualClock;
use stride_domain::plan::Availability;
use stride_e2e::{TestApp, TestDatabase, seed, test_epoch};
use uuid::Uuid;

const CONCURRENCY: usize = 4;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

async fn populate(app: &TestApp, athletes: usize) -> Vec<Uuid> {
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
    let ids: Vec<Uuid> = futures::stream::iter(0..athletes)
        .map(|n| async move {
            let user = seed::athlete(app, &format!("athlete{n}@example.test")).await;
            seed::activities(app, user.id, &seed::history(today, 42, n as u64 + 1)).await;
            let last = if n % 3 == 0 {
                seed::poor_morning()
            } else {
                seed::good_morning()
            };
            seed::mornings(
                app,
                user.id,
                today - chrono::Days::new(14),
                today,
                seed::good_morning(),
                last,
            )
            .await;
            let viewer = seed::viewer(&user);
            app.state
                .training
                .create_plan(
                    &viewer,
                    None,
                    PlanInput {
                        name: None,
                        goal_race_name: Some("Spring Half".to_owned()),
                        goal_race_date: NaiveDate::from_ymd_opt(2026, 5, 10).expect("date"),
                        goal_distance_m: 21_097.5,
                        start_date: None,
                        availability: Availability {
                            days_per_week: 5,
                            long_run_day: Weekday::Sun,
                            unavailable_dates: Vec::new(),
                            unavailable_weekdays: vec![Weekday::Fri],
                        },
                    },
                )
                .await
                .expect("plan");
            app.state
                .records
                .recompute_all_stats(user.id)
                .await
                .expect("stats");
            user.id
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    ids
}

/// One pass over the population.
struct Pass {
    wall: Duration,
    /// Each athlete's evaluation latency (that of the batch it was in), sorted.
    latencies: Vec<Duration>,
    /// Each athlete's snapshot (share), script, handoff and gate times, each sorted.
    phases: [Vec<Duration>; 4],
    proposals: usize,
    failures: usize,
}

/// Evaluates every athlete's rules, `batch` athletes an evaluation (as the nightly jobs run,
/// `jobs.batch` at a time), `CONCURRENCY` evaluations at a time (the job workers).
async fn pass(app: &TestApp, ids: &[Uuid], batch: usize) -> Pass {
    let started = Instant::now();
    let results: Vec<(Duration, EvaluationReport)> = futures::stream::iter(ids.chunks(batch))
        .map(|chunk| async move {
            let t = Instant::now();
            let athletes: Vec<(Uuid, &str)> = chunk.iter().map(|id| (*id, "benchmark")).collect();
            let reports = app.state.rules.evaluate_many(&athletes).await;
            let took = t.elapsed();
            reports
                .into_iter()
                .map(|report| {
                    let report = report.expect("evaluated");
                    assert_eq!(report.rules, 3, "every default rule ran");
                    (took, report)
                })
                .collect::<Vec<_>>()
        })
        .buffer_unordered(CONCURRENCY)
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    let wall = started.elapsed();
    let sorted = |f: &dyn Fn(&(Duration, EvaluationReport)) -> Duration| {
        let mut v: Vec<Duration> = results.iter().map(f).collect();
        v.sort();
        v
    };
    Pass {
        wall,
        latencies: sorted(&|r| r.0),
        phases: [
            sorted(&|r| r.1.timings.snapshot),
            sorted(&|r| r.1.timings.scripts),
            sorted(&|r| r.1.timings.scripts_handoff),
            sorted(&|r| r.1.timings.gate),
        ],
        proposals: results.iter().map(|r| r.1.proposals.len()).sum(),
        failures: results.iter().map(|r| r.1.failures.len()).sum(),
    }
}

/// "rule: count" for every rule that filed proposals.
async fn proposals_by_rule(app: &TestApp) -> String {
    let sql = "SELECT source_ref, COUNT(*) FROM proposals GROUP BY source_ref ORDER BY source_ref";
    let url = &app.database_url;
    let rows: Vec<(String, i64)> = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.expect("database");
        sqlx::query_as(sql).fetch_all(&pool).await.expect("counts")
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.expect("database");
        sqlx::query_as(sql).fetch_all(&pool).await.expect("counts")
    };
    rows.iter()
        .map(|(rule, n)| format!("{rule}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn run(backend: &str, postgres: Option<&str>, athletes: usize, batch: usize) {
    let database = TestDatabase::create_on(postgres).await;
    let app = TestApp::spawn_on(database, ManualClock::new(test_epoch()), |config| {
        config.jobs.workers = 0;
        config.database_max_connections = 8;
    })
    .await;
    let started = Instant::now();
    let ids = populate(&app, athletes).await;
    println!(
        "rules/{backend}: {athletes} athletes set up in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (name, expect_proposals) in [("first pass", true), ("second pass", false)] {
        let Pass {
            wall,
            latencies,
            phases,
            proposals,
            failures,
        } = pass(&app, &ids, batch).await;
        println!(
            "  {name}: {:.1} s for {athletes} athletes ({:.0} athletes/s, {batch} an evaluation, \
             {CONCURRENCY} evaluations at a time); per evaluation p50 {:.2} ms, p99 {:.2} ms; \
             {proposals} proposals filed, {failures} rule failures",
            wall.as_secs_f64(),
            athletes as f64 / wall.as_secs_f64(),
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.99)),
        );
        for (phase, times) in ["snapshot", "scripts", "handoff", "gate"]
            .iter()
            .zip(&phases)
        {
            println!(
                "    {phase:<8} p50 {:.3} ms, p99 {:.3} ms",
                ms(percentile(times, 0.50)),
                ms(percentile(times, 0.99)),
            );
        }
        assert_eq!(failures, 0);
        if expect_proposals {
            println!("    by rule: {}", proposals_by_rule(&app).await);
        }
        if expect_proposals {
            assert!(proposals >= athletes / 3, "the poor mornings were acted on");
        } else {
            assert_eq!(proposals, 0, "nothing is proposed twice");
        }
    }
    app.stop().await;
}

fn main() {
    // `cargo bench` passes `--bench`; a smoke run (`cargo test --benches`, as CI does) passes
    // nothing and, unless `STRIDE_BENCH_ATHLETES` says otherwise, runs a handful on SQLite.
    let requested: Option<usize> = std::env::var("STRIDE_BENCH_ATHLETES")
        .ok()
        .and_then(|v| v.parse().ok());
    let smoke = requested.is_none() && !std::env::args().any(|a| a == "--bench");
    let athletes = requested.unwrap_or(if smoke { 8 } else { 10_000 });
    // Athletes an evaluation: 16, as measured in BENCHMARKS.md.
    let batch: usize = std::env::var("STRIDE_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let postgres = std::env::var("STRIDE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        run("SQLite", None, athletes, batch).await;
        if postgres != "none" && !smoke {
            run("PostgreSQL", Some(&postgres), athletes, batch).await;
        }
    });
}
