//! Load generator: Strava webhooks and a history import against the fake Strava, through the
//! real server, plugin, jobs and database (SQLite, or PostgreSQL when
//! `STRIDE_TEST_DATABASE_URL` names one).
//!
//! 1. Webhook acknowledgement: `STRIDE_BENCH_WEBHOOKS` (default 2,000) activity-create events
//!    for 20 connected athletes, delivered by the fake the way Strava does, 32 at a time.
//!    Reports p50/p99/max of the time to Stride's 200, and how long until every activity is
//!    fetched and stored (end-to-end activities per second). Twice, for 20 athletes each:
//!    first with each athlete's activities in the order they were recorded, as live webhooks
//!    bring them; then each older than every activity stored, the worst case for the stats,
//!    which are then recomputed over the athlete's whole history for every activity.
//! 2. Backfill: one athlete with `STRIDE_BENCH_HISTORY` (default 2,000) activities, 200 a
//!    page: activities per second from connecting to "done".
//! 3. Acknowledgement at fixed rates, open loop: `STRIDE_BENCH_WEBHOOK_RATE` (default
//!    1,000) events a second for `STRIDE_BENCH_WEBHOOK_SECONDS` (default 60), for 20 more
//!    athletes, each activity recorded after the one before; latency counts from when each
//!    event was due. Then 10-second steps find the highest sustained rate: 2,
//!    3, 4 and 6 times that rate while sustained, half of it while not.
//!
//! The server runs `STRIDE_BENCH_WORKERS` job workers and claims `STRIDE_BENCH_BATCH` plugin
//! jobs at a time (`jobs.batch`); both default to the server's defaults.
//!
//! `cargo bench -p stride-e2e --bench ingest`

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use stride_e2e::fake_strava::Limits;
use stride_e2e::strava_world::{VERIFY_TOKEN, World, backfill, connect, world};
use stride_e2e::test_epoch;

/// The `stride` binary's allocator: the server runs in this process, and is measured as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// Waits until no job is due or running anywhere. (Jobs queued for later by the server's
/// clock, which stands still here, such as a coalesced evaluation's, do not count.)
async fn drained(w: &World) {
    let store = &w.app.state.store;
    loop {
        // Running first: it counts a webhook's jobs still in SQLite's inbox, which may then
        // move into the queue before the queue is read, never after.
        let running = store.has_running_jobs().await.expect("jobs");
        let due = store
            .next_job_time()
            .await
            .expect("jobs")
            .is_some_and(|at| at <= w.app.clock_now());
        if !due && !running {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn stored_activities(w: &World) -> i64 {
    let url = &w.app.database_url;
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.expect("database");
        sqlx::query_scalar("SELECT COUNT(*) FROM activities")
            .fetch_one(&pool)
            .await
            .expect("count")
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.expect("database");
        sqlx::query_scalar("SELECT COUNT(*) FROM activities")
            .fetch_one(&pool)
            .await
            .expect("count")
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a smoke run (`cargo test --benches`, as CI does) passes
    // nothing and sends a few dozen events unless the variables below say otherwise.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let events = env_number("STRIDE_BENCH_WEBHOOKS", if smoke { 40 } else { 2_000 });
    let history = env_number("STRIDE_BENCH_HISTORY", if smoke { 40 } else { 2_000 }) as u64;
    let workers = std::env::var("STRIDE_BENCH_WORKERS")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    let batch = std::env::var("STRIDE_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        // Limits far above the load, so the numbers measure Stride, not the rate governor.
        let w = world(200, 100_000, |config| {
            let strava = config.plugin.get_mut("strava").expect("strava settings");
            strava
                .rate_limits
                .insert("read".to_owned(), vec![100_000, 1_000_000]);
            strava
                .rate_limits
                .insert("overall".to_owned(), vec![100_000, 1_000_000]);
            config.jobs.poll_ms = 20;
            if let Some(workers) = workers {
                config.jobs.workers = workers;
            }
            if let Some(batch) = batch {
                config.jobs.batch = batch;
            }
        })
        .await;
        w.fake.set_limits(Limits {
            overall: (100_000, 1_000_000),
            read: (100_000, 1_000_000),
            window_s: 900,
        });
        let backend = if w.app.database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let subscribed = w
            .fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await;
        assert!(subscribed.status().is_success(), "webhook subscription");

        // Three groups of 20 athletes (Strava ids 1,000…, 2,000… and 3,000…): one for each
        // order of the first phase, one for the open loop.
        let athletes = 20u64;
        for group in [1_000, 2_000, 3_000] {
            for n in 0..athletes {
                let who = w
                    .app
                    .invite_user(&w.owner, "ATHLETE", &format!("a{}@example.test", group + n))
                    .await;
                assert_eq!(connect(&w, &who, group + n, None).await, 200);
            }
        }
        drained(&w).await;

        // 1. Webhooks, in both orders.
        println!(
            "ingest/{backend}: {events} webhook events, 32 concurrent, {athletes} athletes, {} job workers, batches of {}",
            w.app.state.config.jobs.workers, w.app.state.config.jobs.batch
        );
        for (group, recorded_order) in [(1_000u64, true), (2_000, false)] {
            let created: Vec<_> = (0..events)
                .map(|i| {
                    let athlete = group + i as u64 % athletes;
                    // 90 minutes apart, up to the test's today: the last event is the newest
                    // in the order recorded, the oldest in the other.
                    let back = if recorded_order { events - 1 - i } else { i };
                    let start = test_epoch() - chrono::TimeDelta::minutes(90 * back as i64);
                    let id = w
                        .fake
                        .create_activity(athlete, start, &format!("Run {i}"));
                    w.fake.activity_event(athlete, id, "create", json!({}))
                })
                .collect();
            let stored_before = stored_activities(&w).await;
            let before = w.fake.deliveries().len();
            let started = Instant::now();
            let attempts: Vec<u32> = futures::stream::iter(created.iter())
                .map(|event| w.fake.deliver(event))
                .buffer_unordered(32)
                .collect()
                .await;
            let delivered_in = started.elapsed();
            drained(&w).await;
            let stored_in = started.elapsed();
            let stored = stored_activities(&w).await - stored_before;
            let deliveries = w.fake.deliveries();
            let mut latencies: Vec<Duration> =
                deliveries[before..].iter().map(|(_, d)| *d).collect();
            latencies.sort();
            let failed = deliveries[before..]
                .iter()
                .filter(|(status, _)| *status != 200)
                .count();
            assert_eq!(stored, events as i64, "every event's activity is stored once");
            println!(
                "  {}:",
                if recorded_order {
                    "each athlete's activities in the order recorded"
                } else {
                    "each activity older than every one stored (the stats' worst case)"
                }
            );
            println!(
                "    acknowledgement: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} attempts, {} not 200",
                ms(percentile(&latencies, 0.50)),
                ms(percentile(&latencies, 0.99)),
                ms(latencies[latencies.len() - 1]),
                attempts.iter().sum::<u32>(),
                failed
            );
            println!(
                "    all acknowledged in {:.2} s ({:.0} events/s); all {} stored in {:.2} s ({:.0} activities/s end to end)",
                delivered_in.as_secs_f64(),
                events as f64 / delivered_in.as_secs_f64(),
                stored,
                stored_in.as_secs_f64(),
                stored as f64 / stored_in.as_secs_f64()
            );
        }

        // 2. Backfill.
        let who = w
            .app
            .invite_user(&w.owner, "ATHLETE", "history@example.test")
            .await;
        w.fake
            .add_history(9_000, history, test_epoch() - chrono::TimeDelta::days(1));
        let started = Instant::now();
        assert_eq!(connect(&w, &who, 9_000, None).await, 200);
        loop {
            let status = backfill(&w, &who).await;
            if status["status"] == "done" {
                assert_eq!(status["activitiesDone"], history);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drained(&w).await;
        let took = started.elapsed();
        println!(
            "  backfill of {history} activities (200 a page): {:.2} s ({:.0} activities/s)",
            took.as_secs_f64(),
            history as f64 / took.as_secs_f64()
        );

        // 3. Acknowledgement at fixed rates (open loop): each event is sent when it is due,
        // whatever the server is doing, and its time counts from then. The queued work piles
        // up behind (storing runs far slower than acknowledging), as in a real burst.
        let rate = env_number("STRIDE_BENCH_WEBHOOK_RATE", if smoke { 100 } else { 1_000 });
        let seconds = env_number("STRIDE_BENCH_WEBHOOK_SECONDS", if smoke { 1 } else { 60 });
        // A rate is sustained when every event is acknowledged on its first delivery and the
        // last within a second of its due time (the server keeps up, however long each took).
        // After the first rate, 10-second steps look for the highest sustained one: up (2, 3,
        // 4, 6 times) while sustained, down (halving) while not.
        // Each of the open loop's athletes records one activity after another, 30 minutes
        // apart across all of them (every 10 hours each), ending before the test's today
        // however many steps run.
        let ups = [2, 3, 4, 6];
        let planned = rate * seconds
            + ups.iter().sum::<usize>() * env_number("STRIDE_BENCH_WEBHOOK_RATE", 1_000) * 10;
        let mut next_start = test_epoch()
            - chrono::TimeDelta::minutes(30 * i64::try_from(planned).unwrap_or(1_000_000) + 30);
        let mut step = (rate, seconds);
        let mut best: Option<usize> = None;
        let mut going: Option<bool> = None; // up or down, once known
        for round in 0.. {
            let (rate, seconds) = step;
            let count = rate * seconds;
            let events: Vec<_> = (0..count)
                .map(|i| {
                    let athlete = 3_000 + i as u64 % athletes;
                    next_start += chrono::TimeDelta::minutes(30);
                    let id = w.fake.create_activity(athlete, next_start, "Open-loop run");
                    w.fake.activity_event(athlete, id, "create", json!({}))
                })
                .collect();
            let interval = Duration::from_secs_f64(1.0 / rate as f64);
            let began = Instant::now() + Duration::from_millis(50);
            let mut tasks = Vec::with_capacity(count);
            for (i, event) in events.into_iter().enumerate() {
                let due = began + interval * i as u32;
                tokio::time::sleep_until(due.into()).await;
                let fake = w.fake.clone();
                tasks.push(tokio::spawn(async move {
                    let attempts = fake.deliver(&event).await;
                    (Instant::now() - due, attempts)
                }));
            }
            let mut latencies = Vec::with_capacity(count);
            let mut retried = 0;
            for task in tasks {
                let (latency, attempts) = task.await.expect("a delivery");
                latencies.push(latency);
                retried += usize::from(attempts > 1);
            }
            let finished = began.elapsed();
            latencies.sort();
            let sustained =
                retried == 0 && finished.as_secs_f64() <= (count - 1) as f64 / rate as f64 + 1.0;
            println!(
                "  open loop at {rate}/s for {seconds} s: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
                 {count} sent, {retried} needed a retry, all acknowledged {:.2} s after the first was due ({:.0}/s): {}",
                ms(percentile(&latencies, 0.50)),
                ms(percentile(&latencies, 0.99)),
                ms(latencies[latencies.len() - 1]),
                finished.as_secs_f64(),
                count as f64 / finished.as_secs_f64(),
                if sustained { "sustained" } else { "not sustained" }
            );
            if sustained {
                best = best.max(Some(rate));
            }
            // (The queued storing is not waited for: it piles up behind, as in a real burst.)
            if smoke {
                break;
            }
            let up = *going.get_or_insert(sustained);
            let base = env_number("STRIDE_BENCH_WEBHOOK_RATE", 1_000);
            step = match (up, sustained) {
                (true, true) if round < ups.len() => (base * ups[round], 10),
                (false, false) if rate > 50 => (rate / 2, 10),
                _ => break,
            };
        }
        match best {
            Some(rate) => println!("  highest sustained acknowledgement rate tried: {rate}/s"),
            None => println!("  no rate tried was sustained"),
        }
        w.app.stop().await;
    });
}
