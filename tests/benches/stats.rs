//! Training-load statistics for one athlete with ten years of history (about 2,600 sessions):
//! the whole history recomputed from scratch, and the incremental update after one new
//! activity, in the pure computation and through the service on a real database (SQLite, or
//! PostgreSQL when `STRIDE_TEST_DATABASE_URL` names one).
//!
//! `cargo bench -p stride-e2e --bench stats`

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use stride_domain::stats::{StatsSeed, StatsSettings, compute_days, daily_loads};
use stride_e2e::{TestApp, seed};

/// Ten years up to the day before the harness's "today" (2 March 2026).
fn ten_years() -> Vec<(NaiveDate, f64)> {
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
    seed::history(today, 3_652, 0x9e37_79b9_7f4a_7c15)
}

fn domain(c: &mut Criterion) {
    let settings = StatsSettings::default();
    let sessions = ten_years();
    let (from, to) = (sessions[0].0, sessions[sessions.len() - 1].0);
    let mut group = c.benchmark_group("stats/domain");
    group.bench_function("full_10_years", |b| {
        b.iter(|| {
            let loads = daily_loads(black_box(&sessions), from, to);
            compute_days(&StatsSeed::start(), from, &loads, &settings)
        })
    });
    let days = compute_days(
        &StatsSeed::start(),
        from,
        &daily_loads(&sessions, from, to),
        &settings,
    );
    let need = StatsSeed::days_needed(&settings);
    group.bench_function("incremental_one_activity", |b| {
        b.iter(|| {
            // A new session on the last day: seed from the stored days before it and
            // recompute that day only.
            let n = days.len();
            let seed = StatsSeed::from_previous(black_box(&days[n - 1 - need..n - 1]), &settings);
            compute_days(
                &seed,
                days[n - 1].date,
                &[days[n - 1].load + 250.0],
                &settings,
            )
        })
    });
    group.finish();
}

fn service(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // No job workers: nothing else runs while we measure.
    let (app, athlete) = runtime.block_on(async {
        let app = TestApp::spawn_with(|config| config.jobs.workers = 0).await;
        let athlete = seed::athlete(&app, "ten-years@example.test").await;
        seed::activities(&app, athlete.id, &ten_years()).await;
        app.state
            .records
            .recompute_all_stats(athlete.id)
            .await
            .expect("stats");
        (app, athlete)
    });
    let backend = if app.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let mut group = c.benchmark_group(format!("stats/service/{backend}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("full_10_years", |b| {
        b.to_async(&runtime).iter(|| async {
            app.state
                .records
                .recompute_all_stats(athlete.id)
                .await
                .expect("recompute")
        })
    });
    // Logging one activity yesterday through the service: validation, loads, the insert and
    // the recomputation of the days it affects. Each is deleted again outside the timing.
    let viewer = seed::viewer(&athlete);
    let yesterday = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    group.bench_function("incremental_one_activity", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let (app, viewer) = (&app, &viewer);
            async move {
                let mut spent = Duration::ZERO;
                for _ in 0..iterations {
                    let started = Instant::now();
                    let logged = app
                        .state
                        .training
                        .log_activity(viewer, None, seed::run_on(yesterday, 300.0), None)
                        .await
                        .expect("logged");
                    spent += started.elapsed();
                    app.state
                        .training
                        .delete_activity(viewer, logged.id)
                        .await
                        .expect("deleted");
                }
                spent
            }
        })
    });
    group.finish();
    runtime.block_on(app.stop());
}

criterion_group!(benches, domain, service);
criterion_main!(benches);
