//! Twelve weeks of training logged through GraphQL: the stats, alerts, readiness, plan and
//! adherence that come back are checked against an independent computation by hand.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

const LOG: &str =
    "mutation($i: ActivityInput!) { logActivity(input: $i) { id rpeLoad trimp localDate } }";
const METRICS: &str = "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// (minutes, RPE) per weekday of an ordinary week; `None` is a rest day.
fn ordinary(weekday: Weekday) -> Option<(i64, i32)> {
    match weekday {
        Weekday::Tue => Some((45, 4)),
        Weekday::Wed => Some((40, 3)),
        Weekday::Thu => Some((50, 5)),
        Weekday::Sat => Some((30, 2)),
        Weekday::Sun => Some((90, 4)),
        _ => None,
    }
}

async fn log_session(
    app: &TestApp,
    who: &Session,
    date: NaiveDate,
    minutes: i64,
    rpe: i32,
) -> Value {
    // 07:00 in Oslo (UTC+1 in winter) is 06:00 UTC.
    let start = Utc.from_utc_datetime(&date.and_hms_opt(6, 0, 0).expect("time"));
    let answer = app
        .gql(
            Some(&who.token),
            LOG,
            json!({ "i": {
                "sport": "RUN",
                "startTime": start.to_rfc3339(),
                "durationSeconds": minutes * 60,
                "distanceMeters": minutes as f64 * 60.0 * 3.0,
                "averageHeartRate": 120 + rpe * 6,
                "rpe": rpe
            } }),
        )
        .await;
    answer.ok()["logActivity"].clone()
}

/// The EWMA by hand (Williams et al.: λ = 2/(N+1)), independent of Stride's code.
fn ewma(loads: &[f64], n: f64) -> Vec<f64> {
    let lambda = 2.0 / (n + 1.0);
    let mut value = 0.0;
    loads
        .iter()
        .map(|load| {
            value = lambda * load + (1.0 - lambda) * value;
            value
        })
        .collect()
}

#[tokio::test]
async fn twelve_weeks_of_training_give_the_right_stats_alerts_readiness_and_plan() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation { updateProfile(input: { sex: FEMALE }) { id } }",
        json!({}),
    )
    .await
    .ok();
    app.gql(
        Some(&ann.token),
        "mutation { updateBaselines(input: { restingHeartRate: 48, maxHeartRate: 190, hrvMs: 70, hrvKind: RMSSD }) { maxHeartRate } }",
        json!({}),
    )
    .await
    .ok();

    // Twelve weeks from Monday 8 December 2025 to Sunday 1 March 2026. Week 11 doubles
    // every session; the days in between are rest.
    let first = day(2025, 12, 8);
    let last = day(2026, 3, 1);
    let mut expected_loads = Vec::new();
    let mut spike_activities = Vec::new();
    let mut date = first;
    while date <= last {
        let week = (date - first).num_days() / 7 + 1;
        let load = match ordinary(date.weekday()) {
            Some((minutes, rpe)) => {
                let minutes = if week == 11 { minutes * 2 } else { minutes };
                let logged = log_session(&app, &ann, date, minutes, rpe).await;
                assert_eq!(logged["localDate"], date.to_string());
                assert!(
                    logged["trimp"].as_f64().is_some_and(|t| t > 0.0),
                    "TRIMP from heart rate: {logged}"
                );
                if week == 11 {
                    spike_activities.push(logged["id"].as_str().expect("id").to_owned());
                }
                (minutes * i64::from(rpe)) as f64
            }
            None => 0.0,
        };
        expected_loads.push(load);
        let hrv = 68.0 + f64::from(date.ordinal() % 5);
        app.gql(Some(&ann.token), METRICS, json!({ "i": { "date": date.to_string(), "restingHeartRate": 48, "hrvMs": hrv, "hrvKind": "RMSSD", "sleepDurationMinutes": 450, "sleepQuality": 4 } }))
            .await
            .ok();
        date = date.succ_opt().expect("next day");
    }

    // History starts with the first activity (Tuesday); the Monday before is not part of it.
    let history_start = first + Duration::days(1);
    let expected_loads = expected_loads[1..].to_vec();

    // Stats: every day matches the hand computation.
    let stats = app
        .gql(
            Some(&ann.token),
            "query($f: NaiveDate!, $t: NaiveDate!) { trainingStats(from: $f, to: $t) { convention { ewma acuteDays chronicDays acuteLambda chronicLambda sdConvention loadMetric } days { date load acute chronic acwr tsb monotony weeklyLoad warmingUp } } }",
            json!({ "f": first.to_string(), "t": last.to_string() }),
        )
        .await;
    let series = &stats.ok()["trainingStats"];
    assert_eq!(series["convention"]["ewma"], "WILLIAMS");
    assert_eq!(series["convention"]["acuteLambda"], 0.25);
    assert_eq!(series["convention"]["loadMetric"], "SESSION_RPE");
    let days = series["days"].as_array().expect("days");
    assert_eq!(days.len(), expected_loads.len());
    let (acute, chronic) = (ewma(&expected_loads, 7.0), ewma(&expected_loads, 28.0));
    for (i, d) in days.iter().enumerate() {
        let close = |field: &str, want: f64| {
            let got = d[field].as_f64().expect(field);
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{} {field}: got {got}, want {want}",
                d["date"]
            );
        };
        close("load", expected_loads[i]);
        close("acute", acute[i]);
        close("chronic", chronic[i]);
        close("tsb", chronic[i] - acute[i]);
        let week: f64 = expected_loads[i.saturating_sub(6)..=i].iter().sum();
        close("weeklyLoad", week);
    }
    assert_eq!(days[10]["warmingUp"], true);
    assert_eq!(days[40]["warmingUp"], false);
    // A steady week: the 7-day window holds five sessions and two rest days.
    let steady = &days[8 * 7 - 2];
    let window = &expected_loads[8 * 7 - 8..8 * 7 - 1];
    let mean = window.iter().sum::<f64>() / 7.0;
    let sd = (window.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 6.0).sqrt();
    assert!((steady["monotony"].as_f64().expect("monotony") - mean / sd).abs() < 1e-9);

    // Alerts: the doubled week pushes ACWR over 1.5, with receipts naming its sessions.
    let alerts = app
        .gql(
            Some(&ann.token),
            "query($f: NaiveDate!, $t: NaiveDate!) { riskAlerts(from: $f, to: $t) { kind date value threshold receipts { acute chronic activities { id date load } window { date load } explanation } } }",
            json!({ "f": first.to_string(), "t": last.to_string() }),
        )
        .await;
    let alerts = alerts.ok()["riskAlerts"]
        .as_array()
        .cloned()
        .expect("alerts");
    let acwr: Vec<&Value> = alerts.iter().filter(|a| a["kind"] == "ACWR_HIGH").collect();
    assert!(!acwr.is_empty(), "the spike raised an ACWR alert");
    let week11 = first + Duration::days(70);
    for alert in &acwr {
        let date: NaiveDate = alert["date"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .expect("date");
        assert!(
            date >= week11 && date <= week11 + Duration::days(13),
            "ACWR alert on {date}"
        );
        let i = (date - history_start).num_days() as usize;
        assert!((alert["value"].as_f64().expect("value") - acute[i] / chronic[i]).abs() < 1e-9);
        assert!(alert["value"].as_f64().expect("value") > 1.5);
        let cited: Vec<&str> = alert["receipts"]["activities"]
            .as_array()
            .expect("cited")
            .iter()
            .filter_map(|a| a["id"].as_str())
            .collect();
        assert!(
            spike_activities
                .iter()
                .any(|id| cited.contains(&id.as_str())),
            "receipts cite the spike's sessions"
        );
        assert!(
            !alert["receipts"]["explanation"]
                .as_str()
                .unwrap_or("")
                .is_empty()
        );
    }
    assert!(
        alerts
            .iter()
            .all(|a| a["date"].as_str().unwrap_or("") >= "2026-01-05"),
        "no ACWR alert while warming up"
    );

    // Readiness today (2 March): a crashed HRV, short poor sleep and sore legs.
    let home_query = "{ home { date readiness { light confidence signals { signal light reason } } load { acute chronic acwr } alerts { kind date } workouts { kind } } }";
    let before = app.gql(Some(&ann.token), home_query, json!({})).await;
    assert_eq!(before.ok()["home"]["date"], "2026-03-02");
    app.gql(Some(&ann.token), METRICS, json!({ "i": { "date": "2026-03-02", "restingHeartRate": 56, "hrvMs": 41.0, "hrvKind": "RMSSD", "sleepDurationMinutes": 290, "sleepQuality": 2, "soreness": 7 } }))
        .await
        .ok();
    let readiness = app.gql(Some(&ann.token), "{ readiness { light confidence signals { signal light reason values { name value } } missing { signal } } }", json!({})).await;
    let readiness = &readiness.ok()["readiness"];
    assert_eq!(readiness["light"], "RED", "{readiness}");
    let light_of = |signal: &str| {
        readiness["signals"]
            .as_array()
            .and_then(|s| s.iter().find(|r| r["signal"] == signal))
            .map(|r| r["light"].clone())
    };
    assert_eq!(light_of("HRV"), Some(json!("RED")));
    assert_eq!(light_of("RESTING_HR"), Some(json!("YELLOW")));
    assert_eq!(light_of("SLEEP"), Some(json!("RED")));
    assert_eq!(light_of("SORENESS"), Some(json!("YELLOW")));
    // The home screen was invalidated by the new metrics and shows the same judgement.
    let after = app.gql(Some(&ann.token), home_query, json!({})).await;
    assert_eq!(after.ok()["home"]["readiness"]["light"], "RED");
    assert_ne!(before.ok()["home"]["readiness"]["light"], "RED");
    assert!(
        !after.ok()["home"]["alerts"]
            .as_array()
            .expect("alerts")
            .is_empty()
            || acwr.iter().all(|a| a["date"].as_str() < Some("2026-02-24"))
    );
    let rest_day = after.ok()["home"]["load"].clone();
    let i = expected_loads.len() - 1;
    let today_acute = 0.75 * acute[i];
    assert!(
        (rest_day["acute"].as_f64().expect("acute") - today_acute).abs() < 1e-9,
        "today's rest day decays acute load"
    );

    // A plan toward a half marathon, with Fridays off.
    let created = app
        .gql(
            Some(&ann.token),
            "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 4, longRunDay: SUNDAY, unavailableWeekdays: [FRIDAY] } }) { id version phases { kind start end } weeks { targetMinutes deload } workouts { id date kind state targetDurationSeconds description } } }",
            json!({}),
        )
        .await;
    let plan = created.ok()["createPlan"].clone();
    assert_eq!(plan["version"], 1);
    let kinds: Vec<&str> = plan["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .filter_map(|p| p["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"BASE"));
    assert_eq!(kinds.last(), Some(&"TAPER"));
    let workouts = plan["workouts"].as_array().cloned().expect("workouts");
    for w in &workouts {
        let date: NaiveDate = w["date"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .expect("date");
        if date.weekday() == Weekday::Fri {
            assert_eq!(w["kind"], "REST", "nothing on Fridays: {w}");
        }
    }
    assert_eq!(
        workouts.last().map(|w| w["kind"].clone()),
        Some(json!("RACE"))
    );
    assert_eq!(
        workouts.last().map(|w| w["date"].clone()),
        Some(json!("2026-05-10"))
    );

    // Train through the first week: do the first two sessions, skip the third.
    let sessions: Vec<&Value> = workouts
        .iter()
        .filter(|w| w["kind"] != "REST" && w["kind"] != "STRENGTH")
        .take(3)
        .collect();
    let third_date: NaiveDate = sessions[2]["date"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("date");
    for session in &sessions[..2] {
        let date: NaiveDate = session["date"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .expect("date");
        app.clock
            .set(Utc.from_utc_datetime(&date.and_hms_opt(18, 0, 0).expect("time")));
        let minutes = session["targetDurationSeconds"].as_i64().unwrap_or(2_400) / 60;
        log_session(&app, &ann, date, minutes, 4).await;
    }
    app.clock.set(
        Utc.from_utc_datetime(
            &(third_date + Duration::days(1))
                .and_hms_opt(12, 0, 0)
                .expect("time"),
        ),
    );
    // A page that shows only the plan's own fields and the stats conventions (the
    // dashboard) reads neither workouts nor days, and still checks who may see them.
    let light = "query($t: NaiveDate!, $a: ID) { trainingPlan(athleteId: $a) { version goalRaceDate } trainingStats(athleteId: $a, from: $t, to: $t) { convention { acwrAlert } } }";
    let answer = app
        .gql(
            Some(&ann.token),
            light,
            json!({ "t": third_date.to_string() }),
        )
        .await;
    let answer = answer.ok();
    assert_eq!(answer["trainingPlan"]["version"], 1, "{answer}");
    assert_eq!(answer["trainingPlan"]["goalRaceDate"], "2026-05-10");
    assert!(answer["trainingStats"]["convention"]["acwrAlert"].is_number());
    let stranger = app
        .invite_user(&owner, "COACH", "stranger@example.test")
        .await;
    for field in ["trainingPlan", "trainingStats"] {
        let only = if field == "trainingPlan" {
            "query($a: ID) { trainingPlan(athleteId: $a) { version } }"
        } else {
            "query($t: NaiveDate!, $a: ID) { trainingStats(athleteId: $a, from: $t, to: $t) { convention { acwrAlert } } }"
        };
        let refused = app
            .gql(
                Some(&stranger.token),
                only,
                json!({ "t": third_date.to_string(), "a": ann.id }),
            )
            .await;
        assert!(
            refused.body["errors"].is_array() && refused.body["data"][field].is_null(),
            "{field}: {}",
            refused.body
        );
    }
    let adherence = app
        .gql(Some(&ann.token), "query($t: NaiveDate!) { trainingPlan(to: $t) { adherence { completed missed } workouts { date state activityId } } }", json!({ "t": third_date.to_string() }))
        .await;
    let adherence = &adherence.ok()["trainingPlan"];
    assert_eq!(
        adherence["adherence"],
        json!({ "completed": 2, "missed": 1 })
    );
    let completed: Vec<&Value> = adherence["workouts"]
        .as_array()
        .expect("w")
        .iter()
        .filter(|w| w["state"] == "COMPLETED")
        .collect();
    assert!(completed.iter().all(|w| w["activityId"].is_string()));

    // After a risk alert the athlete lowers future volume: version 2, history kept, the
    // completed workouts untouched.
    let regenerated = app
        .gql(Some(&ann.token), "mutation { regeneratePlan(input: { reason: \"ACWR above 1.5\", reduceVolumeFactor: 0.8 }) { version workouts { date state kind } } }", json!({}))
        .await;
    let v2 = regenerated.ok()["regeneratePlan"].clone();
    assert_eq!(v2["version"], 2);
    let still_completed = v2["workouts"]
        .as_array()
        .expect("w")
        .iter()
        .filter(|w| w["state"] == "COMPLETED")
        .count();
    assert_eq!(still_completed, 2);
    let history = app
        .gql(
            Some(&ann.token),
            "{ planHistory { version reason } }",
            json!({}),
        )
        .await;
    assert_eq!(
        history.ok()["planHistory"],
        json!([{ "version": 2, "reason": "ACWR above 1.5" }, { "version": 1, "reason": "created" }])
    );
    let actions: Vec<String> = app
        .state
        .store
        .audit_entries_from(0, 500)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"plan.create".to_owned())
            && actions.contains(&"plan.regenerate".to_owned())
    );

    // The incrementally maintained stats equal a full recomputation, day for day.
    let athlete: uuid::Uuid = ann.id.parse().expect("uuid");
    let incremental = app
        .state
        .store
        .stats_between(None, athlete, first, day(2026, 12, 31))
        .await
        .expect("stats");
    app.state
        .records
        .recompute_all_stats(athlete)
        .await
        .expect("recompute");
    let full = app
        .state
        .store
        .stats_between(None, athlete, first, day(2026, 12, 31))
        .await
        .expect("stats");
    assert_eq!(incremental, full);
}

#[tokio::test]
async fn a_past_edit_recomputes_only_what_it_affects_and_matches_a_full_recomputation() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let mut ids = Vec::new();
    for offset in 0..30 {
        let date = day(2026, 1, 1) + Duration::days(offset * 2);
        ids.push(
            log_session(&app, &ann, date, 30 + offset, 3).await["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let athlete: uuid::Uuid = ann.id.parse().expect("uuid");
    let check = || async {
        let incremental = app
            .state
            .store
            .stats_between(None, athlete, day(2025, 1, 1), day(2027, 1, 1))
            .await
            .expect("stats");
        app.state
            .records
            .recompute_all_stats(athlete)
            .await
            .expect("recompute");
        let full = app
            .state
            .store
            .stats_between(None, athlete, day(2025, 1, 1), day(2027, 1, 1))
            .await
            .expect("stats");
        assert_eq!(incremental, full);
    };
    // Edit in the past, delete the first activity (history now starts later), add one before
    // everything (history starts earlier): each time incremental == full.
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 9) { id } }",
        json!({ "id": ids[10] }),
    )
    .await
    .ok();
    check().await;
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { deleteActivity(id: $id) }",
        json!({ "id": ids[0] }),
    )
    .await
    .ok();
    check().await;
    log_session(&app, &ann, day(2025, 12, 20), 60, 5).await;
    check().await;
    let moved = app
        .gql(Some(&ann.token), "mutation($id: ID!) { updateActivity(id: $id, input: { startTime: \"2026-02-20T06:00:00Z\" }) { localDate } }", json!({ "id": ids[5] }))
        .await;
    assert_eq!(moved.ok()["updateActivity"]["localDate"], "2026-02-20");
    check().await;
}

#[tokio::test]
async fn an_activitys_samples_come_back_thinned_for_charts_with_its_efficiency() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let stranger = app.invite_user(&owner, "COACH", "cody@example.test").await;
    // An hour at 3 m/s, one sample a second: 140 bpm in the first half, 154 in the second.
    let time: Vec<f64> = (0..=3_600).map(f64::from).collect();
    let hr: Vec<f64> = time
        .iter()
        .map(|t| if *t < 1_800.0 { 140.0 } else { 154.0 })
        .collect();
    let speed = vec![3.0; time.len()];
    let logged = app
        .gql(
            Some(&ann.token),
            LOG,
            json!({ "i": {
                "sport": "RUN",
                "startTime": "2026-03-01T06:00:00Z",
                "durationSeconds": 3_600,
                "samples": { "timeSeconds": time, "heartRate": hr, "speedMps": speed }
            } }),
        )
        .await;
    let id = logged.ok()["logActivity"]["id"].clone();
    const QUERY: &str = "query($id: ID!, $n: Int) { activity(id: $id) { hasSamples samples(maxPoints: $n) { timeSeconds heartRate speedMps powerWatts } efficiency { efficiencyFactor decouplingPct } } }";
    let answer = app
        .gql(Some(&ann.token), QUERY, json!({ "id": id, "n": 5 }))
        .await;
    let activity = &answer.ok()["activity"];
    assert_eq!(activity["hasSamples"], true);
    assert_eq!(
        activity["samples"],
        json!({
            "timeSeconds": [0.0, 900.0, 1800.0, 2700.0, 3600.0],
            "heartRate": [140.0, 140.0, 154.0, 154.0, 154.0],
            "speedMps": [3.0, 3.0, 3.0, 3.0, 3.0],
            "powerWatts": null
        })
    );
    // EF = 180 m/min ÷ 147 bpm over the whole hour; decoupling = (1 − 140/154) × 100.
    let ef = activity["efficiency"]["efficiencyFactor"]
        .as_f64()
        .expect("ef");
    let decoupling = activity["efficiency"]["decouplingPct"]
        .as_f64()
        .expect("pct");
    assert!(
        (decoupling - (1.0 - 140.0 / 154.0) * 100.0).abs() < 0.05,
        "{decoupling}"
    );
    assert!(ef > 180.0 / 154.0 && ef < 180.0 / 140.0, "{ef}");
    // The default is 1,000 points; out-of-range limits are named.
    let full = app.gql(Some(&ann.token), QUERY, json!({ "id": id })).await;
    assert_eq!(
        full.ok()["activity"]["samples"]["timeSeconds"]
            .as_array()
            .map(Vec::len),
        Some(1_000)
    );
    let silly = app
        .gql(Some(&ann.token), QUERY, json!({ "id": id, "n": 1 }))
        .await;
    assert!(silly.message().contains("maxPoints"), "{silly:?}");
    // Nobody else sees them.
    app.gql(Some(&stranger.token), QUERY, json!({ "id": id, "n": 5 }))
        .await
        .expect_code("NOT_FOUND");
}

/// A query of the viewer's own home screen alone is answered from memory, yet each athlete
/// gets their own, every change is in the next answer (on another replica soon after), and a
/// new day builds a new screen.
#[tokio::test]
async fn a_home_answer_kept_in_memory_follows_every_change_and_the_day() {
    let clock = stride_domain::clock::ManualClock::new(stride_e2e::test_epoch());
    let app = TestApp::spawn_full(clock.clone(), |_| {}).await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let home = "{ home { date load { load acute } } }";
    // The same screen, answered by running it: a second top-level field is never kept.
    let run = "{ home { date load { load acute } } me { id } }";
    let log = |who: &Session, minutes: i64, rpe: i64| {
        let start = app.clock_now() - Duration::minutes(minutes);
        let token = who.token.clone();
        let app = &app;
        async move {
            app.gql(
                Some(&token),
                "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
                json!({ "i": { "sport": "RUN", "name": "run", "startTime": start.to_rfc3339(), "durationSeconds": 1800, "rpe": rpe } }),
            )
            .await
            .ok();
        }
    };

    log(&ann, 120, 5).await;
    let first = settled(&app, &ann, home).await;
    assert!(first["load"]["load"].as_f64().expect("a load today") > 0.0);
    assert_eq!(
        home_of(&app, &ann, run).await,
        first,
        "the same as running it"
    );
    // Bob asks the same text: his own screen, without a load.
    assert_eq!(settled(&app, &bob, home).await["load"], Value::Null);
    assert_eq!(home_of(&app, &ann, home).await, first);

    // A change is in the very next answer.
    log(&ann, 60, 9).await;
    let second = home_of(&app, &ann, home).await;
    assert!(
        second["load"]["load"].as_f64() > first["load"]["load"].as_f64(),
        "{first} then {second}"
    );
    assert_eq!(settled(&app, &ann, home).await, second);
    assert_eq!(home_of(&app, &ann, run).await, second);
    // Another text of the same screen has its own answer.
    let other = settled(&app, &ann, "{ home { date } }").await;
    assert_eq!(other, json!({ "date": second["date"] }));
    assert_eq!(home_of(&app, &ann, home).await, second);

    // A new day: a new screen, not yesterday's answer.
    clock.advance(chrono::TimeDelta::days(1));
    let tomorrow = home_of(&app, &ann, home).await;
    assert_ne!(tomorrow["date"], second["date"], "yesterday's answer");
    assert_eq!(home_of(&app, &ann, run).await, tomorrow);

    if !app.on_postgres() {
        // SQLite belongs to one process: there are no other replicas.
        return;
    }
    let replica = app.spawn_replica().await;
    let kept = settled(&replica, &ann, home).await;
    assert_eq!(kept, settled(&app, &ann, home).await);
    log(&ann, 30, 8).await;
    let changed = stride_e2e::wait_for("the other replica's answer follows", 10, || {
        let (replica, ann) = (&replica, &ann);
        let kept = kept.clone();
        async move {
            let now = home_of(replica, ann, home).await;
            (now != kept).then_some(now)
        }
    })
    .await;
    assert_eq!(changed, home_of(&app, &ann, run).await);
    replica.stop().await;
}

/// The `home` of a query's answer, asked as `who`.
async fn home_of(app: &TestApp, who: &Session, query: &str) -> Value {
    app.gql(Some(&who.token), query, json!({})).await.ok()["home"].clone()
}

/// `home` asked three times as `who`: built, then kept, then answered from memory. All three
/// the same.
async fn settled(app: &TestApp, who: &Session, query: &str) -> Value {
    let built = home_of(app, who, query).await;
    assert_eq!(home_of(app, who, query).await, built);
    assert_eq!(home_of(app, who, query).await, built);
    built
}
