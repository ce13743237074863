//! One write path for athlete records: whatever delivers a record (the athlete in GraphQL, a
//! device's plugin), the same things follow it — the home screen changes, the rules run, the
//! plan's matches move.

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use stride_e2e::{Session, TestApp, wait_for};

const TODAY: &str = "2026-03-02";
const HOME: &str = "query($a: ID) { home(athleteId: $a) { date readiness { light confidence signals { signal light reason } } workouts { id kind state activityId } } }";
const PROPOSALS: &str =
    "query($a: ID) { proposals(athleteId: $a) { id state source { reference } } }";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// An athlete whose device has delivered two good weeks of mornings, with a plan that trains
/// every day from today (Monday 2 March 2026).
async fn athlete_on_a_device(app: &TestApp, owner: &Session) -> Session {
    let ann = app.invite_user(owner, "ATHLETE", "ann@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation { updateBaselines(input: { restingHeartRate: 48, maxHeartRate: 190 }) { maxHeartRate } }",
        json!({}),
    )
    .await
    .ok();
    app.install_plugin("test-device").await;
    app.connect_plugin(&ann, "test-device", "device-ann").await;
    let mut date = day(2026, 2, 16);
    let mut n = 0.0;
    while date < day(2026, 3, 2) {
        app.run_plugin_job(
            &ann,
            "test-device",
            "morning",
            json!({ "date": date.to_string(), "hrv_ms": 68.0 + n % 5.0, "hrv_kind": "rmssd", "resting_hr": 48, "asleep_min": 470 }),
        )
        .await;
        date += Duration::days(1);
        n += 1.0;
    }
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 7, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    ann
}

async fn home(app: &TestApp, who: &Session) -> Value {
    app.gql(Some(&who.token), HOME, json!({ "a": who.id }))
        .await
        .ok()["home"]
        .clone()
}

async fn workouts(app: &TestApp, who: &Session, from: &str, to: &str) -> Vec<Value> {
    app.gql(
        Some(&who.token),
        "query($f: NaiveDate, $t: NaiveDate) { trainingPlan(from: $f, to: $t) { workouts { id date kind state activityId } } }",
        json!({ "f": from, "t": to }),
    )
    .await
    .ok()["trainingPlan"]["workouts"]
        .as_array()
        .expect("workouts")
        .clone()
}

async fn activity_id(app: &TestApp, who: &Session, external_id: &str) -> String {
    let list = app
        .gql(
            Some(&who.token),
            "{ activities(first: 50) { edges { node { id externalId source sport localDate } } } }",
            json!({}),
        )
        .await;
    list.ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["externalId"] == external_id)
        .and_then(|e| e["node"]["id"].as_str())
        .expect("the activity is listed")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_devices_morning_changes_home_and_the_traffic_light_proposes_the_same_day() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_on_a_device(&app, &owner).await;

    // Before this morning's sync: yesterday's values, nothing to act on.
    let before = home(&app, &ann).await;
    assert_eq!(before["date"], TODAY);
    let workout = before["workouts"][0].clone();
    assert_eq!(workout["state"], "PLANNED");

    // The device delivers a poor night: HRV far below her baseline, a short sleep.
    app.run_plugin_job(
        &ann,
        "test-device",
        "morning",
        json!({ "date": TODAY, "hrv_ms": 40.0, "hrv_kind": "rmssd", "resting_hr": 50, "asleep_min": 280 }),
    )
    .await;

    // The cached home screen changed at once…
    let after = home(&app, &ann).await;
    assert_ne!(
        after["readiness"], before["readiness"],
        "home was refreshed"
    );
    let hrv = after["readiness"]["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .find(|s| s["signal"] == "HRV")
        .cloned()
        .expect("today's device HRV is judged");
    assert_eq!(hrv["light"], "RED", "{hrv}");
    assert!(
        matches!(after["readiness"]["light"].as_str(), Some("RED" | "YELLOW")),
        "{after}"
    );
    // …and the rules ran on it the same morning: the traffic light proposes for today.
    let proposal = wait_for("a traffic-light proposal", 20, || async {
        app.gql(Some(&ann.token), PROPOSALS, json!({ "a": ann.id }))
            .await
            .ok()["proposals"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|p| p["state"] == "PENDING" && p["source"]["reference"] == "traffic-light")
            .cloned()
    })
    .await;
    assert!(proposal["id"].is_string());

    // The metrics are stored with their source.
    let metrics = app
        .gql(
            Some(&ann.token),
            "query($f: NaiveDate) { dailyMetrics(from: $f, first: 5) { edges { node { date source hrvMs hrvKind restingHeartRate sleepDurationMinutes } } } }",
            json!({ "f": TODAY }),
        )
        .await;
    let node = &metrics.ok()["dailyMetrics"]["edges"][0]["node"];
    assert_eq!(node["source"], "test-device");
    assert_eq!(node["hrvMs"], 40.0);
    assert_eq!(node["hrvKind"], "RMSSD");
    assert_eq!(node["sleepDurationMinutes"], 280);
}

/// Two runs of one day delivered together (one batch, one delivery, one transaction): the
/// first completes the day's workout, and the second sees it completed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_delivered_together_complete_the_days_workout_once() {
    // No workers of the server's own: the one batch below claims both jobs.
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let owner = app.owner().await;
    let ann = athlete_on_a_device(&app, &owner).await;
    let today = workouts(&app, &ann, TODAY, TODAY).await[0].clone();
    assert_ne!(today["kind"], "REST", "the plan trains today: {today}");
    assert_eq!(today["state"], "PLANNED");

    // Both jobs are queued in one transaction, the first due a second earlier: one batch
    // claims them in that order and stores both activities in one delivery.
    let now = app.clock_now();
    let start_ms = |time: &str| {
        chrono::DateTime::parse_from_rfc3339(&format!("{TODAY}T{time}Z"))
            .expect("instant")
            .timestamp_millis()
    };
    let runs = [
        (
            "run-early",
            start_ms("02:00:00"),
            2700,
            8000.0,
            now - Duration::seconds(1),
        ),
        ("run-late", start_ms("06:00:00"), 1800, 5000.0, now),
    ];
    let mut tx = app.state.store.begin().await.expect("transaction");
    for (external_id, start, duration_s, distance_m, due) in runs {
        let job = stride::ingest::jobs::PluginJob {
            plugin: "test-device".to_owned(),
            kind: "activity".to_owned(),
            payload: json!({ "external_id": external_id, "sport": "run", "start_ms": start, "duration_s": duration_s, "distance_m": distance_m, "avg_hr": 145.0 }),
            dedupe: None,
            not_before: None,
        };
        app.state
            .jobs
            .enqueue(&mut tx, Some(ann.id.parse().expect("uuid")), &job, due)
            .await
            .expect("enqueued");
    }
    tx.commit().await.expect("commit");
    app.drain_jobs().await;

    let early = activity_id(&app, &ann, "run-early").await;
    let list = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { externalId duplicateOf } } } }",
            json!({}),
        )
        .await;
    let nodes = list.ok()["activities"]["edges"].clone();
    let runs: Vec<&Value> = nodes
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| {
            e["node"]["externalId"]
                .as_str()
                .is_some_and(|id| id.starts_with("run-"))
        })
        .collect();
    assert_eq!(runs.len(), 2, "both runs are stored: {nodes}");
    assert!(
        runs.iter().all(|e| e["node"]["duplicateOf"].is_null()),
        "two activities, not copies of one: {nodes}"
    );
    let done = workouts(&app, &ann, TODAY, TODAY).await[0].clone();
    assert_eq!(done["state"], "COMPLETED", "{done}");
    assert_eq!(
        done["activityId"],
        json!(early),
        "the first run completed it; the second found it completed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_providers_edit_moves_the_match() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = athlete_on_a_device(&app, &owner).await;
    let today = workouts(&app, &ann, TODAY, TODAY).await[0].clone();
    assert_ne!(today["kind"], "REST", "the plan trains today: {today}");

    // This morning's run completes today's workout.
    let start_ms = chrono::DateTime::parse_from_rfc3339("2026-03-02T06:30:00Z")
        .expect("instant")
        .timestamp_millis();
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "act-1", "sport": "run", "start_ms": start_ms, "duration_s": 2700, "distance_m": 8000.0, "avg_hr": 148.0 }),
    )
    .await;
    let run = activity_id(&app, &ann, "act-1").await;
    let matched = workouts(&app, &ann, TODAY, TODAY).await[0].clone();
    assert_eq!(matched["state"], "COMPLETED");
    assert_eq!(matched["activityId"], json!(run));

    // The provider says it was a ride after all: the run no longer fulfils the workout.
    app.run_plugin_job(
        &ann,
        "test-device",
        "amend",
        json!({ "external_id": "act-1", "sport": "ride" }),
    )
    .await;
    let released = workouts(&app, &ann, TODAY, TODAY).await[0].clone();
    assert_eq!(released["state"], "PLANNED", "{released}");
    assert_eq!(released["activityId"], Value::Null);
    assert_eq!(
        home(&app, &ann).await["workouts"][0]["state"],
        "PLANNED",
        "home shows it too"
    );

    // Corrected back to a run: matched again.
    app.run_plugin_job(
        &ann,
        "test-device",
        "amend",
        json!({ "external_id": "act-1", "sport": "run" }),
    )
    .await;
    assert_eq!(
        workouts(&app, &ann, TODAY, TODAY).await[0]["state"],
        "COMPLETED"
    );

    // A day later the provider moves it to the next day: yesterday's workout was not done
    // after all, today's is.
    app.clock.advance(chrono::TimeDelta::days(1));
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "act-1", "sport": "run", "start_ms": start_ms + 86_400_000, "duration_s": 2700, "distance_m": 8000.0, "avg_hr": 148.0 }),
    )
    .await;
    let both = workouts(&app, &ann, TODAY, "2026-03-03").await;
    let on = |date: &str| {
        both.iter()
            .find(|w| w["date"] == date && w["kind"] != "REST")
            .cloned()
            .expect("a workout that day")
    };
    assert_eq!(on(TODAY)["state"], "MISSED", "{both:?}");
    assert_eq!(on("2026-03-03")["state"], "COMPLETED", "{both:?}");
    assert_eq!(on("2026-03-03")["activityId"], json!(run));

    // Deleted at the provider: released.
    app.run_plugin_job(
        &ann,
        "test-device",
        "delete",
        json!({ "external_id": "act-1" }),
    )
    .await;
    let tomorrow = workouts(&app, &ann, "2026-03-03", "2026-03-03").await;
    assert!(
        tomorrow.iter().all(|w| w["state"] != "COMPLETED"),
        "{tomorrow:?}"
    );
}
