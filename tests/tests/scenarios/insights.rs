//! What works for me: optional logs, correlations in one athlete's own history with receipts,
//! who may see them, and rules that read them.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use stride_domain::activity::{ActivityDraft, Sport};
use stride_domain::metrics::DailyValues;
use stride_domain::people::HrvKind;
use stride_e2e::{Session, TestApp};
use stride_store::ActivityRecord;
use uuid::Uuid;

const INSIGHTS: &str = "query($a: ID) { insights(athleteId: $a) { computedAt today \
     findings { input outcome lagDays n r rLow rHigh pValue qValue inputLow inputHigh effect effectLow effectHigh inputUnit outcomeUnit summary receipts { date activityId input outcome } } \
     tested { input outcome lagDays n r qValue } waiting { input outcome n needed } } }";
const LOG_DAY: &str = "mutation($a: ID, $d: NaiveDate!, $i: DayLogInput!) { logDay(athleteId: $a, date: $d, input: $i) { date workStress travel illness caffeineMg alcoholUnits nutritionNotes } }";
const LOG_FUEL: &str = "mutation($id: ID!, $i: SessionFuelInput!) { logSessionFuel(activityId: $id, input: $i) { activityId carbsBeforeGrams carbsDuringGrams caffeineMg fluidMl notes } }";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
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

/// What was seeded for one morning.
#[derive(Debug, Clone, Copy)]
struct Morning {
    date: NaiveDate,
    sleep_min: i32,
    readiness: i32,
}

/// 150 days before the test's today (2 March 2026) of mornings and runs. With `planted`,
/// readiness rises 1.2 points per hour of sleep; without, it is independent noise.
async fn seed_history(app: &TestApp, athlete: Uuid, seed: u64, planted: bool) -> Vec<Morning> {
    let store = &app.state.store;
    let now = app.clock_now();
    let mut noise = Noise(seed | 1);
    let first = day(2026, 3, 2) - Days::new(150);
    let mut mornings = Vec::new();
    let mut tx = store.begin().await.expect("transaction");
    for offset in 0..150 {
        let date = first + Days::new(offset);
        let sleep_min = 360 + (noise.next() * 180.0) as i32;
        let base = if planted {
            5.5 + 1.2 * (f64::from(sleep_min) / 60.0 - 7.5)
        } else {
            5.5
        };
        let readiness = (base + (noise.next() - 0.5) * 3.0).round().clamp(1.0, 10.0) as i32;
        let values = DailyValues {
            resting_hr: Some(46 + (noise.next() * 6.0) as i32),
            hrv: Some((60.0 + noise.next() * 20.0, HrvKind::Rmssd)),
            sleep_duration_min: Some(sleep_min),
            readiness: Some(readiness),
            ..DailyValues::default()
        };
        store
            .upsert_daily_metrics(&mut tx, athlete, date, "manual", &values, now)
            .await
            .expect("metrics");
        mornings.push(Morning {
            date,
            sleep_min,
            readiness,
        });
        if noise.next() < 0.7 {
            let minutes = 40 + (noise.next() * 50.0) as i64;
            let draft = ActivityDraft {
                sport: Sport::Run,
                name: format!("Run on {date}"),
                start_time: Utc.from_utc_datetime(&date.and_hms_opt(17, 0, 0).expect("time")),
                duration_s: minutes * 60,
                moving_time_s: Some(minutes * 60),
                distance_m: Some(minutes as f64 * 60.0 * (2.6 + noise.next() * 0.4)),
                elevation_gain_m: None,
                avg_hr: Some(140.0 + (noise.next() * 20.0).round()),
                max_hr: None,
                rpe: Some(3 + (noise.next() * 5.0) as i32),
                feeling: None,
                notes: None,
                private: false,
            };
            let load_rpe = draft.rpe.map(|rpe| f64::from(rpe) * minutes as f64);
            store
                .insert_activity(
                    &mut tx,
                    &ActivityRecord {
                        user_id: athlete,
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
        .recompute_all_stats(athlete)
        .await
        .expect("stats");
    mornings
}

fn uuid(session: &Session) -> Uuid {
    session.id.parse().expect("a user id")
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| {
        // Recompute as soon as the queue is drained (the default waits 30 s to coalesce).
        config.training.insights.recompute_after_s = 0;
    })
    .await
}

fn find<'a>(findings: &'a Value, input: &str, outcome: &str) -> Option<&'a Value> {
    findings
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["input"] == input && f["outcome"] == outcome)
}

#[tokio::test]
async fn an_athletes_own_history_shows_what_goes_with_good_mornings_with_receipts() {
    let app = spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.com").await;
    let rob = app.invite_user(&owner, "COACH", "rob@example.com").await;
    let eve = app.invite_user(&owner, "ATHLETE", "eve@example.com").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id } }",
        json!({ "e": rob.email }),
    )
    .await
    .ok();
    let mornings = seed_history(&app, uuid(&ann), 7, true).await;
    seed_history(&app, uuid(&eve), 11, false).await;

    // Nothing is computed before the data changes (or the night passes).
    let none = app.gql(Some(&ann.token), INSIGHTS, json!({})).await;
    assert_eq!(none.ok()["insights"], Value::Null);

    // Logging is optional and validated: a wrong value names its field and stores nothing.
    let bad = app
        .gql(
            Some(&ann.token),
            LOG_DAY,
            json!({ "d": "2026-03-03", "i": { "workStress": 11, "caffeineMg": -1 } }),
        )
        .await;
    bad.expect_code("BAD_INPUT");
    let mut fields = bad.bad_fields();
    fields.sort();
    assert_eq!(
        fields,
        ["caffeineMg", "date", "workStress"],
        "{:?}",
        bad.body
    );
    let logged = app
        .gql(
            Some(&ann.token),
            LOG_DAY,
            json!({ "d": "2026-02-27", "i": { "workStress": 7, "travel": true, "nutritionNotes": "pasta <3" } }),
        )
        .await;
    assert_eq!(
        logged.ok()["logDay"],
        json!({ "date": "2026-02-27", "workStress": 7, "travel": true, "illness": null, "caffeineMg": null, "alcoholUnits": null, "nutritionNotes": "pasta <3" })
    );
    // Clearing one field keeps the others.
    let cleared = app
        .gql(
            Some(&ann.token),
            LOG_DAY,
            json!({ "d": "2026-02-27", "i": { "travel": null } }),
        )
        .await;
    assert_eq!(cleared.ok()["logDay"]["travel"], Value::Null);
    assert_eq!(cleared.ok()["logDay"]["workStress"], 7);
    let logs = app
        .gql(
            Some(&ann.token),
            "query { dayLogs(from: \"2026-02-01\", to: \"2026-03-02\") { date workStress nutritionNotes } }",
            json!({}),
        )
        .await;
    assert_eq!(
        logs.ok()["dayLogs"],
        json!([{ "date": "2026-02-27", "workStress": 7, "nutritionNotes": "pasta <3" }])
    );

    // Fuelling for a session, shown on the activity; a wrong value changes nothing.
    let runs = app
        .gql(
            Some(&ann.token),
            "query { activities(first: 1) { edges { node { id fuel { carbsBeforeGrams } } } } }",
            json!({}),
        )
        .await;
    let run = runs.ok()["activities"]["edges"][0]["node"].clone();
    assert_eq!(run["fuel"], Value::Null);
    let run_id = run["id"].as_str().expect("id").to_owned();
    app.gql(
        Some(&ann.token),
        LOG_FUEL,
        json!({ "id": run_id, "i": { "carbsBeforeGrams": -5 } }),
    )
    .await
    .expect_code("BAD_INPUT");
    let fuel = app
        .gql(
            Some(&ann.token),
            LOG_FUEL,
            json!({ "id": run_id, "i": { "carbsBeforeGrams": 60, "caffeineMg": 100, "notes": "gel at 30'" } }),
        )
        .await;
    assert_eq!(fuel.ok()["logSessionFuel"]["carbsBeforeGrams"], 60.0);
    let runs = app
        .gql(
            Some(&ann.token),
            "query { activities(first: 1) { edges { node { fuel { carbsBeforeGrams caffeineMg notes } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        runs.ok()["activities"]["edges"][0]["node"]["fuel"],
        json!({ "carbsBeforeGrams": 60.0, "caffeineMg": 100.0, "notes": "gel at 30'" })
    );

    // The logs queued a computation; it runs as a job.
    app.drain_jobs().await;
    let answer = app.gql(Some(&ann.token), INSIGHTS, json!({})).await;
    let insights = answer.ok()["insights"].clone();
    assert_eq!(insights["today"], "2026-03-02");
    let finding = find(
        &insights["findings"],
        "SLEEP_DURATION",
        "NEXT_MORNING_READINESS",
    )
    .unwrap_or_else(|| panic!("the planted association is found: {insights:#}"));
    assert_eq!(finding["lagDays"], 0);
    let n = finding["n"].as_u64().expect("n");
    assert_eq!(n, 150, "every seeded morning is an observation");
    assert!(
        finding["effectLow"].as_f64().expect("effect") > 0.0,
        "{finding}"
    );
    assert!(finding["rLow"].as_f64().expect("r") > 0.2, "{finding}");
    assert!(finding["qValue"].as_f64().expect("q") <= 0.1);
    // The planted slope is 1.2 points an hour: the estimate (the quartile-to-quartile effect
    // per hour of sleep) is near it. (How often the interval covers the planted value is
    // checked over many synthetic athletes in `stride-domain`'s tests.)
    let span =
        finding["inputHigh"].as_f64().expect("high") - finding["inputLow"].as_f64().expect("low");
    let per_hour = finding["effect"].as_f64().expect("effect") / span;
    assert!(
        (per_hour - 1.2).abs() < 0.3,
        "{per_hour} points per hour of sleep"
    );
    let summary = finding["summary"].as_str().expect("summary");
    assert!(
        summary.contains("not proof of cause") || summary.contains("association"),
        "{summary}"
    );
    // Receipts: each observation, checkable against what was recorded.
    let receipts = finding["receipts"].as_array().expect("receipts");
    assert_eq!(receipts.len() as u64, n);
    for receipt in receipts {
        let date: NaiveDate = receipt["date"]
            .as_str()
            .expect("date")
            .parse()
            .expect("a date");
        let morning = mornings
            .iter()
            .find(|m| m.date == date)
            .unwrap_or_else(|| panic!("{date} was seeded"));
        let sleep_h = receipt["input"].as_f64().expect("input");
        assert!((sleep_h - f64::from(morning.sleep_min) / 60.0).abs() < 1e-9);
        assert_eq!(
            receipt["outcome"].as_f64(),
            Some(f64::from(morning.readiness))
        );
    }
    // Everything tested is listed, and too little data says how much more is needed.
    assert!(insights["tested"].as_array().expect("tested").len() >= 5);
    let waiting = insights["waiting"].as_array().expect("waiting");
    assert!(
        waiting
            .iter()
            .any(|w| w["input"] == "PRE_SESSION_CARBS" && w["needed"].as_u64() > Some(0)),
        "one fuelled session is not enough: {waiting:?}"
    );

    // The coach Ann gave read access sees the same; he may not log for her.
    let coach = app
        .gql(Some(&rob.token), INSIGHTS, json!({ "a": ann.id }))
        .await;
    assert_eq!(coach.ok()["insights"], insights);
    app.gql(
        Some(&rob.token),
        LOG_DAY,
        json!({ "a": ann.id, "d": "2026-03-01", "i": { "illness": true } }),
    )
    .await
    .expect_code("FORBIDDEN");
    app.gql(
        Some(&rob.token),
        "mutation($a: ID) { refreshInsights(athleteId: $a) { today } }",
        json!({ "a": ann.id }),
    )
    .await
    .expect_code("FORBIDDEN");
    // Another athlete sees nothing of Ann's.
    let other = app
        .gql(Some(&eve.token), INSIGHTS, json!({ "a": ann.id }))
        .await;
    assert!(other.code().is_some(), "{:?}", other.body);
    assert_eq!(other.body["data"]["insights"], Value::Null);

    // Eve's history is noise: tested, nothing reported.
    let eve_insights = app
        .gql(
            Some(&eve.token),
            "mutation { refreshInsights { findings { input outcome qValue } tested { input } } }",
            json!({}),
        )
        .await;
    let eve_insights = eve_insights.ok()["refreshInsights"].clone();
    assert_eq!(eve_insights["findings"], json!([]), "{eve_insights}");
    assert!(
        !eve_insights["tested"]
            .as_array()
            .expect("tested")
            .is_empty()
    );

    // The rules see the findings in their snapshot.
    let snapshot = app
        .gql(Some(&ann.token), "query { ruleSnapshot }", json!({}))
        .await;
    let seen = snapshot.ok()["ruleSnapshot"]["insights"].clone();
    assert!(
        seen.as_array()
            .expect("insights in the snapshot")
            .iter()
            .any(|f| f["input"] == "sleep_duration" && f["outcome"] == "next_morning_readiness"),
        "{seen}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_coach_rule_softens_the_day_after_a_short_night_only_where_short_sleep_hurts() {
    let app = spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.com").await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.com").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": cora.email }),
    )
    .await
    .ok();
    seed_history(&app, uuid(&ann), 7, true).await;
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 7, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    app.drain_jobs().await;
    let today = app
        .gql(Some(&ann.token), "query { ruleSnapshot }", json!({}))
        .await;
    let snapshot = today.ok()["ruleSnapshot"].clone();
    let kinds: Vec<String> = snapshot["today_workouts"]
        .as_array()
        .expect("today's workouts")
        .iter()
        .map(|w| w["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        kinds
            .iter()
            .any(|k| ["intervals", "tempo", "easy", "long_run"].contains(&k.as_str())),
        "today has a session the rule softens: {kinds:?}"
    );

    // Cora puts the example rule in force for Ann (it passes its own fixtures).
    let source = include_str!("../../../rules/examples/short-sleep.rhai");
    let fixtures = include_str!("../../../rules/examples/short-sleep.fixtures.json");
    let saved = app
        .gql(
            Some(&cora.token),
            "mutation($i: RuleInput!) { saveRule(input: $i) { accepted problems } }",
            json!({ "i": { "name": "short-sleep", "scope": "ATHLETE", "athleteId": ann.id, "source": source, "fixtures": fixtures } }),
        )
        .await;
    assert_eq!(saved.ok()["saveRule"]["accepted"], true, "{:?}", saved.body);

    // A long night: nothing from the rule.
    let simulate =
        "mutation($a: ID, $s: String!) { simulateRule(athleteId: $a, source: $s) { kind reason } }";
    app.gql(
        Some(&ann.token),
        "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }",
        json!({ "i": { "date": "2026-03-02", "sleepDurationMinutes": 480 } }),
    )
    .await
    .ok();
    app.drain_jobs().await;
    let quiet = app
        .gql(
            Some(&cora.token),
            simulate,
            json!({ "a": ann.id, "s": source }),
        )
        .await;
    assert_eq!(quiet.ok()["simulateRule"], json!([]));

    // A short night: today's session is softened, citing the insight.
    app.gql(
        Some(&ann.token),
        "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }",
        json!({ "i": { "date": "2026-03-02", "sleepDurationMinutes": 290 } }),
    )
    .await
    .ok();
    app.drain_jobs().await;
    let proposals = app
        .gql(
            Some(&ann.token),
            "query { proposals(state: PENDING) { source { kind reference } reason receipts { label value } } }",
            json!({}),
        )
        .await;
    let mine: Vec<Value> = proposals.ok()["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .filter(|p| p["source"]["reference"] == "short-sleep")
        .cloned()
        .collect();
    let simulated = app
        .gql(
            Some(&cora.token),
            simulate,
            json!({ "a": ann.id, "s": source }),
        )
        .await;
    let insights = app.gql(Some(&ann.token), INSIGHTS, json!({})).await;
    assert!(
        !mine.is_empty(),
        "{:?}\nsimulated: {:?}\ninsights: {}",
        proposals.body,
        simulated.body,
        insights.body["data"]["insights"]["findings"]
            .as_array()
            .map(|f| f
                .iter()
                .map(|f| format!("{} {} {}", f["input"], f["outcome"], f["effect"]))
                .collect::<Vec<_>>()
                .join("; "))
            .unwrap_or_default()
    );
    let receipts = &mine[0]["receipts"];
    assert!(
        receipts
            .as_array()
            .expect("receipts")
            .iter()
            .any(|r| r["label"] == "insight"
                && r["value"].as_str().is_some_and(|v| v.contains("sleep"))),
        "{receipts}"
    );
    app.stop().await;
}
