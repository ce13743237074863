//! The job queue's batches: a kind registered with a batch handler runs up to `jobs.batch` of
//! its due jobs (of one plugin, or the host's own) in one call, and each job keeps its own
//! verdict.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use stride::jobs::{BatchHandler, JobKind, JobMeta, Registry, Verdict};
use stride_domain::ids::AthleteId;
use stride_e2e::{TestApp, wait_for};
use stride_sandbox::services::BoxFuture;
use stride_store::NewJob;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Echo {
    n: u32,
    verdict: String,
}

impl JobKind for Echo {
    const NAME: &'static str = "test.echo";

    fn plugin(&self) -> Option<&str> {
        Some("echo")
    }
}

/// Answers each job as its arguments say, and remembers the batches it was given.
#[derive(Clone)]
struct Recorder {
    batches: Arc<Mutex<Vec<Vec<u32>>>>,
    /// Where a deferred job is deferred to.
    later: DateTime<Utc>,
}

impl Recorder {
    fn new(app: &TestApp) -> Recorder {
        Recorder {
            batches: Arc::default(),
            later: app.clock_now() + TimeDelta::hours(1),
        }
    }
}

impl BatchHandler<Echo> for Recorder {
    fn run_batch<'a>(&'a self, jobs: Vec<(Echo, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            self.batches
                .lock()
                .expect("batches")
                .push(jobs.iter().map(|(job, _)| job.n).collect());
            jobs.into_iter()
                .map(|(job, meta)| match job.verdict.as_str() {
                    "done" => Verdict::Done,
                    "retry" => Verdict::Retry(format!("job {} will do better", job.n)),
                    "defer" => Verdict::Defer(self.later, format!("job {} waits", job.n)),
                    _ => Verdict::Fail(format!("job {} (attempt {}) gave up", job.n, meta.attempt)),
                })
                .collect()
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_runs_in_one_call_and_each_job_keeps_its_own_verdict() {
    // No workers of the server's own: this test runs the queue itself.
    let app = TestApp::spawn_with(|config| {
        config.jobs.workers = 0;
        config.jobs.batch = 4;
    })
    .await;
    let jobs = &app.state.jobs;
    let store = &app.state.store;
    let recorder = Recorder::new(&app);
    let registry = Registry::default().register_batch::<Echo>(recorder.clone());
    let now = app.clock_now();
    let verdicts = ["done", "retry", "defer", "fail", "done", "done"];
    let mut ids = Vec::new();
    let mut tx = store.begin().await.expect("transaction");
    for (n, verdict) in verdicts.iter().enumerate() {
        let job = Echo {
            n: n as u32,
            verdict: (*verdict).to_owned(),
        };
        let id = jobs
            .enqueue(&mut tx, None::<AthleteId>, &job, now)
            .await
            .expect("enqueued")
            .expect("a new job");
        ids.push(id);
    }
    // A job whose arguments no longer parse, queued between them.
    let unreadable = store
        .enqueue_job(
            &mut tx,
            &NewJob {
                kind: "test.echo".to_owned(),
                plugin_id: Some("echo".to_owned()),
                user_id: None,
                payload: "{\"n\": \"three\"}".to_owned(),
                priority: 10,
                run_at: now,
                dedupe_key: None,
                max_attempts: 3,
                held: false,
            },
            now,
        )
        .await
        .expect("enqueued")
        .expect("a new job");
    tx.commit().await.expect("committed");

    // The first call claims four (the cap): jobs 0–3. The unreadable one, queued last, is not
    // among them.
    assert!(jobs.run_one("w", &registry).await.expect("ran"));
    assert_eq!(
        *recorder.batches.lock().expect("batches"),
        vec![vec![0, 1, 2, 3]]
    );
    let state = |id| async move { store.job(id).await.expect("job") };
    assert_eq!(state(ids[0]).await.state, "done");
    let retried = state(ids[1]).await;
    assert_eq!(retried.state, "queued");
    assert_eq!(retried.last_error.as_deref(), Some("job 1 will do better"));
    assert!(retried.run_at > now, "a retry waits its backoff");
    let deferred = state(ids[2]).await;
    assert_eq!(deferred.state, "queued");
    assert_eq!(deferred.deferred_reason.as_deref(), Some("job 2 waits"));
    assert!((deferred.run_at - recorder.later).num_milliseconds().abs() < 1);
    let failed = state(ids[3]).await;
    assert_eq!(failed.state, "failed");
    assert_eq!(
        failed.last_error.as_deref(),
        Some("job 3 (attempt 1) gave up")
    );

    // The next call takes the rest: jobs 4 and 5 reach the handler, the unreadable one fails
    // on its own with a reason.
    assert!(jobs.run_one("w", &registry).await.expect("ran"));
    assert_eq!(
        recorder.batches.lock().expect("batches").last().cloned(),
        Some(vec![4, 5])
    );
    assert_eq!(state(ids[4]).await.state, "done");
    assert_eq!(state(ids[5]).await.state, "done");
    let broken = state(unreadable).await;
    assert_eq!(broken.state, "failed");
    assert!(
        broken
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("arguments of this `test.echo` job are unreadable")),
        "{broken:?}"
    );
    // Nothing else is due.
    assert!(!jobs.run_one("w", &registry).await.expect("ran"));

    // With `jobs.batch = 1` the same kind runs one job per call.
    drop(app);
    let app = TestApp::spawn_with(|config| {
        config.jobs.workers = 0;
        config.jobs.batch = 1;
    })
    .await;
    let recorder = Recorder::new(&app);
    let registry = Registry::default().register_batch::<Echo>(recorder.clone());
    let now = app.clock_now();
    let mut tx = app.state.store.begin().await.expect("transaction");
    for n in 0..3 {
        let job = Echo {
            n,
            verdict: "done".to_owned(),
        };
        app.state
            .jobs
            .enqueue(&mut tx, None::<AthleteId>, &job, now)
            .await
            .expect("enqueued");
    }
    tx.commit().await.expect("committed");
    while app.state.jobs.run_one("w", &registry).await.expect("ran") {}
    assert_eq!(
        *recorder.batches.lock().expect("batches"),
        vec![vec![0], vec![1], vec![2]]
    );
}

/// A kind of the host's own (no plugin), as rules evaluations and nightly checks are.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct HostEcho {
    n: u32,
}

impl JobKind for HostEcho {
    const NAME: &'static str = "test.host_echo";
}

impl BatchHandler<HostEcho> for Recorder {
    fn run_batch<'a>(&'a self, jobs: Vec<(HostEcho, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            self.batches
                .lock()
                .expect("batches")
                .push(jobs.iter().map(|(job, _)| job.n).collect());
            jobs.iter().map(|_| Verdict::Done).collect()
        })
    }
}

/// The host's own kinds batch as plugins' do, and a batch never mixes the host's jobs with a
/// plugin's of the same kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hosts_own_jobs_run_as_a_batch_too() {
    let app = TestApp::spawn_with(|config| {
        config.jobs.workers = 0;
        config.jobs.batch = 8;
    })
    .await;
    let recorder = Recorder::new(&app);
    let registry = Registry::default().register_batch::<HostEcho>(recorder.clone());
    let now = app.clock_now();
    let mut tx = app.state.store.begin().await.expect("transaction");
    for n in 0..3 {
        app.state
            .jobs
            .enqueue(&mut tx, None::<AthleteId>, &HostEcho { n }, now)
            .await
            .expect("enqueued");
    }
    // The same kind under a plugin's name, queued between them: another batch.
    app.state
        .store
        .enqueue_job(
            &mut tx,
            &NewJob {
                kind: "test.host_echo".to_owned(),
                plugin_id: Some("echo".to_owned()),
                user_id: None,
                payload: "{\"n\": 10}".to_owned(),
                priority: 10,
                run_at: now,
                dedupe_key: None,
                max_attempts: 3,
                held: false,
            },
            now,
        )
        .await
        .expect("enqueued");
    app.state
        .jobs
        .enqueue(&mut tx, None::<AthleteId>, &HostEcho { n: 3 }, now)
        .await
        .expect("enqueued");
    tx.commit().await.expect("committed");
    while app.state.jobs.run_one("w", &registry).await.expect("ran") {}
    let mut batches = recorder.batches.lock().expect("batches").clone();
    for batch in &mut batches {
        batch.sort_unstable();
    }
    batches.sort();
    assert_eq!(batches, vec![vec![0, 1, 2, 3], vec![10]]);
}

/// A webhook event and its job are recorded together: a redelivered event enqueues nothing,
/// an event without a key always enqueues, and the brake's setting holds the job unless it
/// reads `paused: false` (anything unreadable holds).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_event_and_its_job_are_recorded_once_and_held_by_the_brake() {
    let app = TestApp::spawn_with(|config| config.jobs.workers = 0).await;
    let store = &app.state.store;
    let now = app.clock_now();
    let job = |n: u32| NewJob {
        kind: "test.echo".to_owned(),
        plugin_id: Some("echo".to_owned()),
        user_id: None,
        payload: format!("{{\"n\": {n}, \"verdict\": \"done\"}}"),
        priority: 10,
        run_at: now,
        dedupe_key: None,
        max_attempts: 3,
        held: false,
    };
    let brake = "test.brake";
    let record = |key: Option<&'static str>, n: u32| {
        let row = job(n);
        async move {
            store
                .record_webhook_job("echo", key, &row, Some(brake), now)
                .await
                .expect("recorded")
        }
    };
    let set_brake = |value: &'static str| async move {
        let mut tx = store.begin().await.expect("transaction");
        store
            .set_setting(&mut tx, brake, value, now)
            .await
            .expect("setting");
        tx.commit().await.expect("committed");
    };

    // No setting: not held. The same event again enqueues nothing.
    let first = record(Some("event-1"), 1).await.expect("a new job");
    assert!(!store.job(first).await.expect("job").held);
    assert_eq!(record(Some("event-1"), 2).await, None);
    // Without a key nothing marks a redelivery: each enqueues.
    assert!(record(None, 3).await.is_some());
    assert!(record(None, 4).await.is_some());

    set_brake(r#"{"paused":true,"reason":"incident","since":"2026-12-05T00:00:00Z"}"#).await;
    let held = record(Some("event-2"), 5).await.expect("a new job");
    assert!(store.job(held).await.expect("job").held);
    set_brake(r#"{"paused":false,"reason":"","since":"2026-12-05T00:00:00Z"}"#).await;
    let released = record(Some("event-3"), 6).await.expect("a new job");
    assert!(!store.job(released).await.expect("job").held);
    set_brake("not json").await;
    let unreadable = record(Some("event-4"), 7).await.expect("a new job");
    assert!(store.job(unreadable).await.expect("job").held);

    // A job that asks to be held is held whatever the brake says; a job of no brake is not.
    set_brake(r#"{"paused":false,"reason":"","since":"2026-12-05T00:00:00Z"}"#).await;
    let asked = NewJob {
        held: true,
        ..job(8)
    };
    let id = store
        .record_webhook_job("echo", Some("event-5"), &asked, Some(brake), now)
        .await
        .expect("recorded")
        .expect("a new job");
    assert!(store.job(id).await.expect("job").held);
    set_brake("not json").await;
    let id = store
        .record_webhook_job("echo", Some("event-6"), &job(9), None, now)
        .await
        .expect("recorded")
        .expect("a new job");
    assert!(!store.job(id).await.expect("job").held);
}

/// A batch takes its first job's athlete's other due jobs before anyone else's, then fills
/// up in queue order: a burst of one athlete's jobs is stored as one delivery. The first job
/// is still the queue's first, so no athlete waits behind another's backlog for more than a
/// batch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_gathers_its_first_athletes_jobs_then_follows_the_queue() {
    let app = TestApp::spawn_with(|config| {
        config.jobs.workers = 0;
        config.jobs.batch = 4;
    })
    .await;
    let owner = app.owner().await;
    let mut athletes = Vec::new();
    for name in ["ann", "ben", "cai"] {
        let who = app
            .invite_user(&owner, "ATHLETE", &format!("{name}@example.test"))
            .await;
        athletes.push(AthleteId(who.id.parse().expect("a uuid")));
    }
    let [ann, ben, cai] = athletes[..] else {
        unreachable!()
    };
    let jobs = &app.state.jobs;
    let recorder = Recorder::new(&app);
    let registry = Registry::default().register_batch::<Echo>(recorder.clone());
    let now = app.clock_now();
    // Queue order: 0 Ann, 1 Ben, 2 Ann, 3 Cai, 4 Ben, 5 Ann, 6 Cai, 7 Ann, 8 Ann.
    let order = [ann, ben, ann, cai, ben, ann, cai, ann, ann];
    for (n, athlete) in order.iter().enumerate() {
        let job = Echo {
            n: n as u32,
            verdict: "done".to_owned(),
        };
        let mut tx = app.state.store.begin().await.expect("transaction");
        jobs.enqueue(
            &mut tx,
            Some(*athlete),
            &job,
            now + TimeDelta::seconds(n as i64),
        )
        .await
        .expect("enqueued")
        .expect("a new job");
        tx.commit().await.expect("committed");
    }
    app.clock.advance(TimeDelta::minutes(1));
    while jobs.run_one("w", &registry).await.expect("ran") {}
    assert_eq!(
        *recorder.batches.lock().expect("batches"),
        vec![
            // Ann's first job leads: her next three come with it.
            vec![0, 2, 5, 7],
            // Then the queue's first, Ben's, with his other one and the queue's next two (a
            // batch runs in queue order).
            vec![1, 3, 4, 6],
            // Ann's last.
            vec![8],
        ]
    );
}

/// Takes its time over a batch (a slow provider): says it started, waits to be released,
/// then finishes every job.
#[derive(Clone, Default)]
struct Slow {
    started: Arc<tokio::sync::Notify>,
    release: Arc<tokio::sync::Notify>,
}

impl BatchHandler<Echo> for Slow {
    fn run_batch<'a>(&'a self, jobs: Vec<(Echo, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            self.started.notify_one();
            self.release.notified().await;
            jobs.into_iter().map(|_| Verdict::Done).collect()
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_outlasts_its_lease_keeps_its_jobs() {
    // Leases of 3 s, renewed every second while jobs run.
    let app = TestApp::spawn_with(|config| {
        config.jobs.workers = 0;
        config.jobs.batch = 4;
        config.jobs.lease_s = 3;
    })
    .await;
    let jobs = app.state.jobs.clone();
    let store = &app.state.store;
    let slow = Slow::default();
    let registry = Arc::new(Registry::default().register_batch::<Echo>(slow.clone()));
    let mut tx = store.begin().await.expect("transaction");
    let mut ids = Vec::new();
    for n in 0..3 {
        let job = Echo {
            n,
            verdict: "done".to_owned(),
        };
        ids.push(
            jobs.enqueue(&mut tx, None::<AthleteId>, &job, app.clock_now())
                .await
                .expect("enqueued")
                .expect("a new job"),
        );
    }
    tx.commit().await.expect("commit");

    let first = {
        let (jobs, registry) = (jobs.clone(), registry.clone());
        tokio::spawn(async move { jobs.run_one("worker-a", &registry).await })
    };
    // Worker A holds all three and is at work; by the clock its lease then runs out…
    tokio::time::timeout(std::time::Duration::from_secs(10), slow.started.notified())
        .await
        .expect("the batch started");
    app.clock.advance(TimeDelta::seconds(4));
    // …and it renews the lease while it works.
    wait_for("the leases renewed past the clock", 10, || async {
        let now = app.clock_now();
        let mut renewed = true;
        for id in &ids {
            let job = store.job(*id).await.expect("the job");
            renewed &= job.state == "running" && job.locked_until.is_some_and(|until| until > now);
        }
        renewed.then_some(())
    })
    .await;
    // So worker B finds nothing to take over.
    let taken_over = jobs.run_one("worker-b", &registry).await.expect("a claim");
    assert!(!taken_over, "a running batch's jobs were taken over");
    slow.release.notify_one();
    assert!(first.await.expect("worker a").expect("a batch ran"));
    assert_eq!(
        store.job_counts().await.expect("counts"),
        stride_store::JobCounts::default(),
        "every job finished once, by the worker that claimed it"
    );
}

/// A job as a webhook event on `plugin` asks for it, for `athlete`.
fn webhook_job(athlete: uuid::Uuid, now: DateTime<Utc>, n: u32) -> NewJob {
    NewJob {
        kind: "test.echo".to_owned(),
        plugin_id: Some("echo".to_owned()),
        user_id: Some(athlete),
        payload: serde_json::to_string(&Echo {
            n,
            verdict: "done".to_owned(),
        })
        .expect("payload"),
        priority: 0,
        run_at: now,
        dedupe_key: None,
        max_attempts: 3,
        held: false,
    }
}

/// Records one event for `athlete` in `store`'s webhook inbox; returns how many jobs it added.
async fn to_inbox(
    store: &stride_store::Store,
    key: &str,
    athlete: uuid::Uuid,
    now: DateTime<Utc>,
    n: u32,
) -> usize {
    let event = stride_store::InboxEvent {
        plugin: "echo".to_owned(),
        key: Some(key.to_owned()),
        jobs: vec![webhook_job(athlete, now, n)],
    };
    store.inbox_record(&[&event], now).await.expect("recorded")
}

/// The echo jobs' numbers queued for `athlete`, oldest first, once the inbox is empty.
async fn moved_jobs(app: &TestApp, athlete: uuid::Uuid) -> Vec<u32> {
    let store = &app.state.store;
    wait_for("the inbox to empty", 10, || async {
        (store.inbox_count(None).await.expect("inbox") == 0).then_some(())
    })
    .await;
    let mut jobs = store.jobs_for(athlete, 100).await.expect("jobs");
    jobs.reverse();
    jobs.into_iter()
        .filter(|j| j.kind == "test.echo")
        .map(|j| serde_json::from_str::<Echo>(&j.payload).expect("echo").n)
        .collect()
}

/// On SQLite a webhook's acknowledgement waits only for the inbox, a file of its own beside the
/// database, and a mover turns each acknowledged event into jobs exactly once: a redelivery
/// adds nothing; an entry the database records as moved (the mover stopped after its jobs
/// committed and before it forgot the entry) is not moved twice; an erased athlete's entry is
/// dropped without stopping the others; what a stopped server left in the inbox is moved when
/// the next one starts; and a new inbox (the old file deleted, or set aside by a restore) is
/// not mistaken for the old one, and still recognises the events the old one moved. (This
/// test runs on SQLite whichever database the suite uses: PostgreSQL has no inbox.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_inbox_turns_each_event_into_jobs_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("stride.db");
    let url = format!("sqlite://{}", file.display());
    let database = || {
        let placeholder = tempfile::tempdir().expect("temporary directory");
        (stride_e2e::TestDatabase::Sqlite(placeholder), url.clone())
    };
    let clock = stride_domain::clock::ManualClock::new(stride_e2e::test_epoch());
    // No workers: the moved jobs stay queued, to be counted.
    let no_workers = |c: &mut stride::config::Config| c.jobs.workers = 0;
    let app = TestApp::spawn_on(database(), clock.clone(), no_workers).await;
    assert!(app.state.store.has_inbox());
    assert!(stride_store::inbox_file(&file).exists());
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let ann: uuid::Uuid = ann.id.parse().expect("uuid");
    let now = app.clock_now();
    let store = app.state.store.clone();

    assert_eq!(to_inbox(&store, "e1", ann, now, 1).await, 1);
    assert_eq!(moved_jobs(&app, ann).await, vec![1]);
    assert_eq!(
        to_inbox(&store, "e1", ann, now, 1).await,
        0,
        "a redelivered event adds nothing"
    );

    // The database says the next entry was moved already: it is forgotten, not moved again.
    let recorded = store
        .setting(None, stride_store::INBOX_MOVED)
        .await
        .expect("setting")
        .expect("the mover recorded how far it got");
    let (id, seq) = recorded.split_once(':').expect("<inbox>:<seq>");
    let seq: i64 = seq.parse().expect("a number");
    let mut tx = store.begin().await.expect("transaction");
    assert_eq!(store.inbox_moved(&mut tx).await.expect("moved"), seq);
    store
        .set_inbox_moved(&mut tx, seq + 1, now)
        .await
        .expect("set");
    tx.commit().await.expect("commit");
    assert_eq!(to_inbox(&store, "e2", ann, now, 2).await, 1);
    assert_eq!(moved_jobs(&app, ann).await, vec![1]);

    // An athlete erased before their event was moved: the entry is dropped, the next moves.
    assert_eq!(
        to_inbox(&store, "e3", uuid::Uuid::new_v4(), now, 3).await,
        1
    );
    assert_eq!(to_inbox(&store, "e4", ann, now, 4).await, 1);
    assert_eq!(moved_jobs(&app, ann).await, vec![1, 4]);
    app.stop().await;

    // Events a stopped server acknowledged and did not move yet are moved by the next one.
    let offline = stride_store::Store::connect(&url, 1)
        .await
        .expect("store")
        .open_inbox()
        .await
        .expect("inbox");
    assert_eq!(to_inbox(&offline, "e5", ann, now, 5).await, 1);
    offline.close().await;
    let app = TestApp::spawn_on(database(), clock.clone(), no_workers).await;
    assert_eq!(moved_jobs(&app, ann).await, vec![1, 4, 5]);
    app.stop().await;

    // A new inbox starts its numbers again: its first entries are moved all the same.
    for suffix in ["", "-wal", "-shm"] {
        let path = stride_store::inbox_file(&file);
        let path = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if path.exists() {
            std::fs::remove_file(&path).expect("inbox removed");
        }
    }
    let app = TestApp::spawn_on(database(), clock, no_workers).await;
    let store = app.state.store.clone();
    assert_eq!(
        to_inbox(&store, "e4", ann, now, 4).await,
        0,
        "the new inbox still recognises an event the old one moved"
    );
    assert_eq!(to_inbox(&store, "e6", ann, now, 6).await, 1);
    assert_eq!(moved_jobs(&app, ann).await, vec![1, 4, 5, 6]);
    let recorded = store
        .setting(None, stride_store::INBOX_MOVED)
        .await
        .expect("setting")
        .expect("recorded");
    assert!(
        !recorded.starts_with(id),
        "the new inbox's progress is recorded under its own name: {recorded}"
    );

    // Old keys are forgotten, in the inbox and in the database: after that, the same event
    // key is a new event.
    assert_eq!(
        store
            .forget_webhook_events(now - TimeDelta::days(1))
            .await
            .expect("forgotten"),
        0
    );
    assert_eq!(to_inbox(&store, "e6", ann, now, 6).await, 0);
    let forgotten = store
        .forget_webhook_events(now + TimeDelta::seconds(1))
        .await
        .expect("forgotten");
    assert!(forgotten >= 6, "e1 to e6, in both files: {forgotten}");
    assert_eq!(to_inbox(&store, "e6", ann, now, 6).await, 1);
    app.stop().await;
}

/// A webhook's event key is kept to recognise redeliveries, and forgotten once old (the
/// server forgets keys older than 30 days every hour), on either database.
///
/// The keys here are younger than 30 days and the cutoff is the test's own: the server's
/// hourly pass also runs at startup and would race this test for a key older than that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_webhook_event_keys_are_forgotten() {
    let app = TestApp::spawn().await;
    let store = &app.state.store;
    let now = app.clock_now();
    let record = |key: &'static str, at: DateTime<Utc>| async move {
        let mut tx = store.begin().await.expect("transaction");
        let new = store
            .record_webhook_event(&mut tx, "echo", key, at)
            .await
            .expect("recorded");
        tx.commit().await.expect("commit");
        new
    };
    assert!(record("old", now - TimeDelta::days(20)).await);
    assert!(record("recent", now - TimeDelta::days(2)).await);
    assert!(!record("old", now).await, "a redelivery is recognised");
    assert_eq!(
        store
            .forget_webhook_events(now - TimeDelta::days(10))
            .await
            .expect("forgotten"),
        1
    );
    assert!(!record("recent", now).await, "a recent key is kept");
    assert!(record("old", now).await, "the old key was forgotten");
}
