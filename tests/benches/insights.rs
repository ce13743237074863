//! Load generator: the nightly insights pass over a population. Each of
//! `STRIDE_BENCH_ATHLETES` athletes (default 1,000) has a year of mornings (sleep, HRV, resting
//! heart rate, readiness) and about five runs a week with heart rate; every athlete's insights
//! are computed and stored as the nightly job does (gathering from the database, the
//! statistics, storing the JSON), on SQLite and on PostgreSQL (`STRIDE_BENCH_POSTGRES_URL`,
//! default the local server; `none` skips it). The pure statistics are timed alone too.
//!
//! `cargo bench -p stride-e2e --bench insights`

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use futures::StreamExt;
use stride_domain::activity::{ActivityDraft, Sport};
use stride_domain::clock::ManualClock;
use stride_domain::insights::{DayRecord, InsightSettings, SessionRecord, find_insights};
use stride_domain::metrics::DailyValues;
use stride_domain::people::HrvKind;
use stride_e2e::{TestApp, TestDatabase, seed, test_epoch};
use stride_store::ActivityRecord;
use uuid::Uuid;

const CONCURRENCY: usize = 4;
const DAYS: u64 = 365;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("date")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// Deterministic noise in [0, 1).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_000) as f64 / 1_000_000.0
    }
}

/// A year of one athlete: (date, morning values, optional run).
fn year(seed: u64) -> Vec<(NaiveDate, DailyValues, Option<ActivityDraft>)> {
    let mut noise = Noise(seed | 1);
    let first = today() - Days::new(DAYS);
    (0..DAYS)
        .map(|offset| {
            let date = first + Days::new(offset);
            let sleep = 360 + (noise.next() * 180.0) as i32;
            let values = DailyValues {
                resting_hr: Some(45 + (noise.next() * 8.0) as i32),
                hrv: Some((55.0 + noise.next() * 30.0, HrvKind::Rmssd)),
                sleep_duration_min: Some(sleep),
                readiness: Some((4.0 + f64::from(sleep) / 120.0 + noise.next() * 2.0) as i32),
                ..DailyValues::default()
            };
            let run = (noise.next() < 0.7).then(|| {
                let minutes = 30 + (noise.next() * 60.0) as i64;
                ActivityDraft {
                    sport: Sport::Run,
                    name: format!("Run on {date}"),
                    start_time: Utc.from_utc_datetime(&date.and_hms_opt(17, 0, 0).expect("time")),
                    duration_s: minutes * 60,
                    moving_time_s: Some(minutes * 60),
                    distance_m: Some(minutes as f64 * 60.0 * (2.5 + noise.next() * 0.5)),
                    elevation_gain_m: None,
                    avg_hr: Some(135.0 + (noise.next() * 25.0).round()),
                    max_hr: None,
                    rpe: Some(2 + (noise.next() * 7.0) as i32),
                    feeling: None,
                    notes: None,
                    private: false,
                }
            });
            (date, values, run)
        })
        .collect()
}

/// The same year as the statistics read it.
fn records(seed: u64) -> (Vec<DayRecord>, Vec<SessionRecord>) {
    let mut days = Vec::new();
    let mut sessions = Vec::new();
    for (date, values, run) in year(seed) {
        let load = run
            .as_ref()
            .and_then(|r| r.rpe.map(|rpe| f64::from(rpe) * r.duration_s as f64 / 60.0))
            .unwrap_or(0.0);
        days.push(DayRecord {
            date,
            sleep_duration_min: values.sleep_duration_min.map(f64::from),
            hrv_ms: values.hrv.map(|(v, _)| v),
            resting_hr: values.resting_hr.map(f64::from),
            readiness: values.readiness.map(f64::from),
            work_stress: None,
            travel: None,
            illness: None,
            load,
            monotony: None,
        });
        if let Some(run) = run {
            sessions.push(SessionRecord {
                activity_id: Uuid::now_v7(),
                date,
                sport: run.sport,
                duration_s: run.duration_s,
                rpe: run.rpe.map(f64::from),
                efficiency_factor: run
                    .distance_m
                    .zip(run.avg_hr)
                    .map(|(d, hr)| d / run.duration_s as f64 * 60.0 / hr),
                decoupling_pct: None,
                carbs_before_g: None,
                carbs_during_g: None,
                caffeine_mg: None,
            });
        }
    }
    (days, sessions)
}

fn domain() {
    let settings = InsightSettings::default();
    let inputs: Vec<_> = (0..200).map(|n| records(n + 1)).collect();
    // Warm up, then time each athlete.
    for (days, sessions) in inputs.iter().take(10) {
        std::hint::black_box(find_insights(days, sessions, today(), &settings));
    }
    let mut times = Vec::with_capacity(inputs.len());
    let mut found = 0;
    for (days, sessions) in &inputs {
        let t = Instant::now();
        let insights = find_insights(days, sessions, today(), &settings);
        times.push(t.elapsed());
        found += insights.findings.len();
    }
    times.sort();
    println!(
        "insights/statistics: one athlete-year ({DAYS} days, ~255 sessions), p50 {:.3} ms, p99 {:.3} ms \
         ({} findings over {} athletes)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        found,
        inputs.len()
    );
}

async fn populate(app: &TestApp, athletes: usize) -> Vec<Uuid> {
    futures::stream::iter(0..athletes)
        .map(|n| async move {
            let user = seed::athlete(app, &format!("athlete{n}@example.test")).await;
            let store = &app.state.store;
            let now = app.clock_now();
            let mut tx = store.begin().await.expect("transaction");
            for (date, values, run) in year(n as u64 + 1) {
                store
                    .upsert_daily_metrics(&mut tx, user.id, date, "manual", &values, now)
                    .await
                    .expect("metrics");
                if let Some(draft) = run {
                    let load_rpe = draft
                        .rpe
                        .map(|rpe| f64::from(rpe) * draft.duration_s as f64 / 60.0);
                    store
                        .insert_activity(
                            &mut tx,
                            &ActivityRecord {
                                user_id: user.id,
                                source: "manual".to_owned(),
                                external_id: None,
                                draft,
                                local_date: date,
                                utc_offset_s: 0,
                                load_rpe,
                                load_trimp: None,
                                load_detail: None,
                                received_at: now,
                                extras: Default::default(),
                            },
                            now,
                        )
                        .await
                        .expect("activity");
                }
            }
            tx.commit().await.expect("commit");
            app.state
                .records
                .recompute_all_stats(user.id)
                .await
                .expect("stats");
            user.id
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

async fn run(backend: &str, postgres: Option<&str>, athletes: usize) {
    let database = TestDatabase::create_on(postgres).await;
    let app = TestApp::spawn_on(database, ManualClock::new(test_epoch()), |config| {
        config.jobs.workers = 0;
        config.database_max_connections = 8;
    })
    .await;
    let started = Instant::now();
    let ids = populate(&app, athletes).await;
    println!(
        "insights/{backend}: {athletes} athletes with a year each set up in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let app_ref = &app;
    let mut latencies: Vec<Duration> = futures::stream::iter(ids.iter().copied())
        .map(|id| async move {
            let t = Instant::now();
            app_ref.state.insights.refresh(id).await.expect("computed");
            t.elapsed()
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let wall = started.elapsed();
    latencies.sort();
    let per_athlete = wall.as_secs_f64() / athletes as f64;
    println!(
        "  nightly pass: {:.1} s for {athletes} athletes ({:.0} athletes/s, {CONCURRENCY} at a time); \
         per athlete p50 {:.2} ms, p99 {:.2} ms; 50,000 athletes at this rate: {:.0} s",
        wall.as_secs_f64(),
        athletes as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        per_athlete * 50_000.0,
    );
    app.stop().await;
}

fn main() {
    // `cargo bench` passes `--bench`; a smoke run (`cargo test --benches`, as CI does) passes
    // nothing and, unless `STRIDE_BENCH_ATHLETES` says otherwise, runs a handful on SQLite.
    let requested: Option<usize> = std::env::var("STRIDE_BENCH_ATHLETES")
        .ok()
        .and_then(|v| v.parse().ok());
    let smoke = requested.is_none() && !std::env::args().any(|a| a == "--bench");
    let athletes = requested.unwrap_or(if smoke { 5 } else { 1_000 });
    let postgres = std::env::var("STRIDE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    domain();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        run("SQLite", None, athletes).await;
        if postgres != "none" && !smoke {
            run("PostgreSQL", Some(&postgres), athletes).await;
        }
    });
}
