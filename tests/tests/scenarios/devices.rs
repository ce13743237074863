//! What devices and relays deliver beyond the basics — sleep stages, device stress, single
//! timestamped measurements, laps — reaches the API; relay tokens authenticate a phone app;
//! uploads give per-file results; and the same workout from two sources counts once.

use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

const DAY_METRICS: &str = "query($from: NaiveDate, $to: NaiveDate) { dailyMetrics(from: $from, to: $to, first: 50) { edges { node { date source hrvMs hrvKind restingHeartRate weightKg steps stressScore sleepDurationMinutes sleep { deepMinutes remMinutes score isFinal } } } } }";

async fn athlete(app: &TestApp) -> Session {
    athlete_and_owner(app).await.0
}

async fn athlete_and_owner(app: &TestApp) -> (Session, Session) {
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    app.install_plugin("test-device").await;
    app.connect_plugin(&ann, "test-device", "device-ann").await;
    (ann, owner)
}

async fn days(app: &TestApp, who: &Session, from: &str, to: &str) -> Vec<Value> {
    app.gql(
        Some(&who.token),
        DAY_METRICS,
        json!({ "from": from, "to": to }),
    )
    .await
    .ok()["dailyMetrics"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn ms(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("instant")
        .timestamp_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleep_stages_device_stress_and_single_measurements_reach_the_api() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;

    // A tentative night, then the final one with other stages: the final replaces it whole.
    for (deep, rem, final_) in [(Some(95), Some(100), false), (Some(80), None, true)] {
        app.run_plugin_job(
            &ann,
            "test-device",
            "morning",
            json!({ "date": "2026-03-01", "hrv_ms": 61.0, "resting_hr": 47, "asleep_min": 455,
                    "deep_min": deep, "rem_min": rem, "sleep_score": 81, "final": final_,
                    "stress_score": 27, "steps": 10412 }),
        )
        .await;
    }
    let listed = days(&app, &ann, "2026-03-01", "2026-03-01").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let day = &listed[0];
    assert_eq!(day["sleep"]["deepMinutes"], 80);
    assert_eq!(
        day["sleep"]["remMinutes"],
        Value::Null,
        "no stage survives from the tentative night"
    );
    assert_eq!(day["sleep"]["isFinal"], true);
    assert_eq!(day["sleep"]["score"], 81);
    assert_eq!(day["stressScore"], 27);
    assert_eq!(day["steps"], 10412);

    // Single measurements (an iPhone relays SDNN readings through the day, and weigh-ins):
    // the day's HRV is the mean of its readings, its weight the latest.
    let points = json!({ "points": [
        { "measure": "hrv", "at_ms": ms(2026, 2, 28, 6, 10), "value": 40.0, "hrv_kind": "sdnn" },
        { "measure": "hrv", "at_ms": ms(2026, 2, 28, 14, 0), "value": 50.0, "hrv_kind": "sdnn" },
        { "measure": "weight", "at_ms": ms(2026, 2, 28, 7, 0), "value": 71.0 },
        { "measure": "weight", "at_ms": ms(2026, 2, 28, 20, 0), "value": 70.4 },
        { "measure": "steps", "at_ms": ms(2026, 2, 28, 9, 0), "value": 3000.0 },
        { "measure": "steps", "at_ms": ms(2026, 2, 28, 18, 0), "value": 4500.0 },
    ]});
    app.run_plugin_job(&ann, "test-device", "points", points.clone())
        .await;
    let day = days(&app, &ann, "2026-02-28", "2026-02-28").await[0].clone();
    assert_eq!(day["hrvMs"], 45.0);
    assert_eq!(day["hrvKind"], "SDNN");
    assert_eq!(day["weightKg"], 70.4);
    assert_eq!(day["steps"], 7500);

    // The relay re-sends the same points (its "since last sync" overlaps): nothing changes,
    // nothing is counted twice.
    app.run_plugin_job(&ann, "test-device", "points", points)
        .await;
    let again = days(&app, &ann, "2026-02-28", "2026-02-28").await[0].clone();
    assert_eq!(again, day);

    // An impossible reading is refused with its reason; the others of the delivery are kept.
    app.run_plugin_job(
        &ann,
        "test-device",
        "points",
        json!({ "points": [
            { "measure": "hrv", "at_ms": ms(2026, 2, 27, 6, 0), "value": 900.0, "hrv_kind": "sdnn" },
            { "measure": "resting_heart_rate", "at_ms": ms(2026, 2, 27, 6, 0), "value": 49.0 },
        ]}),
    )
    .await;
    let day = days(&app, &ann, "2026-02-27", "2026-02-27").await[0].clone();
    assert_eq!(day["hrvMs"], Value::Null);
    assert_eq!(day["restingHeartRate"], 49);
    let refused = app.state.store.rejections(10).await.expect("rejections");
    assert!(
        refused
            .iter()
            .any(|r| r.reason.contains("hrv") && r.reason.contains("900")),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn laps_power_and_the_devices_own_sport_name_are_kept() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    let start = app.clock_now() - Duration::hours(5);
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "ride-1", "sport": "ride", "sport_detail": "GRAVEL_CYCLING",
                "device": "Edge 1040", "start_ms": start.timestamp_millis(), "duration_s": 3600,
                "distance_m": 30000.0, "avg_power_w": 212.5,
                "laps": [ { "start_s": 0.0, "duration_s": 1800.0, "distance_m": 15500.0 },
                          { "start_s": 1800.0, "duration_s": 1800.0, "distance_m": 14500.0 } ] }),
    )
    .await;
    let list = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 5) { edges { node { sport sportDetail device averagePowerWatts laps { startSeconds durationSeconds distanceMeters } } } } }",
            json!({}),
        )
        .await;
    let node = &list.ok()["activities"]["edges"][0]["node"];
    assert_eq!(node["sport"], "RIDE");
    assert_eq!(node["sportDetail"], "GRAVEL_CYCLING");
    assert_eq!(node["device"], "Edge 1040");
    assert_eq!(node["averagePowerWatts"], 212.5);
    assert_eq!(node["laps"].as_array().map(Vec::len), Some(2));
    assert_eq!(node["laps"][1]["distanceMeters"], 14500.0);
}

async fn create_relay_token(app: &TestApp, who: &Session) -> (String, String, String) {
    let made = app
        .gql(
            Some(&who.token),
            "mutation { createRelayToken(plugin: \"test-device\", name: \"iPhone\") { token relayToken { id url lastUsedAt } } }",
            json!({}),
        )
        .await;
    let made = &made.ok()["createRelayToken"];
    (
        made["token"].as_str().expect("token").to_owned(),
        made["relayToken"]["id"].as_str().expect("id").to_owned(),
        made["relayToken"]["url"].as_str().expect("url").to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_token_lets_a_phone_app_deliver_and_nothing_else() {
    let app = TestApp::spawn().await;
    let (ann, owner) = athlete_and_owner(&app).await;
    let (token, id, url) = create_relay_token(&app, &ann).await;
    assert!(url.ends_with("/relay/test-device"), "{url}");

    // Listed without the token itself, never used yet.
    let listed = app
        .gql(
            Some(&ann.token),
            "{ relayTokens { id name plugin lastUsedAt revokedAt } }",
            json!({}),
        )
        .await;
    let listed = listed.ok()["relayTokens"].clone();
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["lastUsedAt"], Value::Null);
    assert!(!listed.to_string().contains(&token));

    let body = json!({ "records": [
        { "job": "points", "points": [
            { "measure": "resting_heart_rate", "at_ms": ms(2026, 3, 1, 6, 0), "value": 52.0 } ] },
        { "job": "no-such-kind" },
    ]});
    let post = |headers: Vec<(&'static str, String)>, body: String| {
        let mut request = app.http().post(app.url("/relay/test-device")).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };

    // Delivered with `Authorization: Bearer`, and with the relay header.
    for header in ["authorization", "x-stride-relay-token"] {
        let value = if header == "authorization" {
            format!("Bearer {token}")
        } else {
            token.clone()
        };
        let response = post(vec![(header, value)], body.to_string())
            .await
            .expect("relay answers");
        assert_eq!(response.status(), 200);
        let summary: Value = response.json().await.expect("json");
        assert_eq!(summary["days"], 1, "{summary}");
        assert_eq!(
            summary["problems"].as_array().map(Vec::len),
            Some(1),
            "{summary}"
        );
        assert!(
            summary["problems"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("records[1]")
        );
    }
    let day = days(&app, &ann, "2026-03-01", "2026-03-01").await[0].clone();
    assert_eq!(day["restingHeartRate"], 52);
    assert_eq!(day["source"], "test-device");
    let listed = app
        .gql(
            Some(&ann.token),
            "{ relayTokens { lastUsedAt } }",
            json!({}),
        )
        .await;
    assert_ne!(listed.ok()["relayTokens"][0]["lastUsedAt"], Value::Null);

    // No token, a wrong one, one for another integration: 401, and nothing stored.
    for headers in [
        vec![],
        vec![(
            "authorization",
            "Bearer stride_relay_not-a-real-token".to_owned(),
        )],
    ] {
        let response = post(headers, body.to_string()).await.expect("answers");
        assert_eq!(response.status(), 401);
    }
    let response = app
        .http()
        .post(app.url("/relay/strava"))
        .header("authorization", format!("Bearer {token}"))
        .body(body.to_string())
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 401);

    // A body that is not what the plugin reads is refused naming the problem.
    let response = post(
        vec![("authorization", format!("Bearer {token}"))],
        "{not json".to_owned(),
    )
    .await
    .expect("answers");
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.expect("json");
    assert!(
        answer["error"]
            .as_str()
            .unwrap_or_default()
            .contains("not JSON"),
        "{answer}"
    );

    // Over the relay limit: 413 before it is read.
    let bearer = format!("Bearer {token}");
    for declared in [true, false] {
        let status = app
            .post_oversized(
                "/relay/test-device",
                &[("authorization", bearer.as_str())],
                "{",
                app.state.config.graphql.max_relay_bytes + 1,
                declared,
            )
            .await;
        assert_eq!(status, 413, "declared length: {declared}");
    }

    // Revoked: the next delivery is refused. Making and revoking are audited.
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { revokeRelayToken(id: $id) }",
        json!({ "id": id }),
    )
    .await
    .ok();
    let response = post(
        vec![("authorization", format!("Bearer {token}"))],
        body.to_string(),
    )
    .await
    .expect("answers");
    assert_eq!(response.status(), 401);
    let audit = app
        .gql(
            Some(&owner.token),
            "{ auditLog(first: 100) { edges { node { action } } } }",
            json!({}),
        )
        .await;
    let actions = audit.ok().to_string();
    assert!(actions.contains("relay_token.create") && actions.contains("relay_token.revoke"));

    // Someone else cannot revoke it, or see it.
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let (_, bobs, _) = create_relay_token(&app, &bob).await;
    let answer = app
        .gql(
            Some(&ann.token),
            "mutation($id: ID!) { revokeRelayToken(id: $id) }",
            json!({ "id": bobs }),
        )
        .await;
    answer.expect_code("NOT_FOUND");
    let mine = app
        .gql(Some(&ann.token), "{ relayTokens { id } }", json!({}))
        .await;
    assert!(!mine.ok().to_string().contains(&bobs));
}

/// Imports through the test device's importer (its files are JSON descriptions).
async fn upload(app: &TestApp, who: &Session, files: &[(&str, String)]) -> Vec<Value> {
    let files: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(name, body)| (*name, body.clone().into_bytes()))
        .collect();
    app.import_files(who, "test-device", &files).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_files_each_get_their_result_and_a_broken_one_stops_nothing() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    let start = app.clock_now() - Duration::days(3);
    let good = json!({ "records": [ { "job": "activity", "external_id": "file-1", "sport": "run",
        "start_ms": start.timestamp_millis(), "duration_s": 2400, "distance_m": 6000.0 } ] });
    let results = upload(
        &app,
        &ann,
        &[
            ("morning.json", good.to_string()),
            ("broken.json", "{nope".to_owned()),
        ],
    )
    .await;
    assert_eq!(results[0]["fileName"], "morning.json");
    assert_eq!(results[0]["activities"], 1);
    assert_eq!(results[0]["error"], Value::Null);
    assert_eq!(results[1]["fileName"], "broken.json");
    assert_eq!(results[1]["activities"], 0);
    assert!(
        results[1]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("not JSON"),
        "{results:?}"
    );
    // The same file again: the same activity, not a second one.
    let again = upload(&app, &ann, &[("morning.json", good.to_string())]).await;
    assert_eq!(again[0]["activities"], 1);
    let list = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list.ok()["activities"]["edges"].as_array().map(Vec::len),
        Some(1)
    );

    // Anonymous multipart is held to the small API limit, whatever it carries.
    let response = app
        .post_oversized(
            "/graphql",
            &[("content-type", "multipart/form-data; boundary=stride")],
            "--stride\r\n",
            app.state.config.graphql.max_body_bytes + 1024,
            true,
        )
        .await;
    assert_eq!(response, 413);
}

async fn activities(app: &TestApp, who: &Session) -> Vec<Value> {
    app.gql(
        Some(&who.token),
        "{ activities(first: 20) { edges { node { id source externalId duplicateOf copies { id source externalId } } } } }",
        json!({}),
    )
    .await
    .ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

async fn load_on(app: &TestApp, who: &Session, date: &str) -> f64 {
    app.gql(
        Some(&who.token),
        "query($d: NaiveDate!) { trainingStats(from: $d, to: $d) { days { date load } } }",
        json!({ "d": date }),
    )
    .await
    .ok()["trainingStats"]["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|d| d["date"] == date)
        .and_then(|d| d["load"].as_f64())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_workout_from_two_sources_counts_once_and_the_athlete_can_correct_it() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    let start = app.clock_now() - Duration::hours(6);
    let date = start.date_naive().to_string();
    // The athlete logs the run by hand (with how it felt)…
    app.gql(
        Some(&ann.token),
        "mutation($s: DateTime!) { logActivity(input: { sport: RUN, startTime: $s, durationSeconds: 3600, distanceMeters: 10000, rpe: 5 }) { id } }",
        json!({ "s": start }),
    )
    .await
    .ok();
    let alone = load_on(&app, &ann, &date).await;
    assert!(alone > 0.0);
    // …and the watch delivers the same run, three minutes and 1 % apart.
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "watch-1", "sport": "trail_run",
                "start_ms": (start + Duration::minutes(3)).timestamp_millis(),
                "duration_s": 3550, "distance_m": 10100.0, "avg_hr": 150.0 }),
    )
    .await;
    let listed = activities(&app, &ann).await;
    assert_eq!(listed.len(), 1, "one workout is listed once: {listed:?}");
    // Manual entries come first in the default source priority.
    assert_eq!(listed[0]["source"], "manual");
    assert_eq!(listed[0]["copies"][0]["source"], "test-device");
    let manual = listed[0]["id"].as_str().expect("id").to_owned();
    let watch = listed[0]["copies"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        load_on(&app, &ann, &date).await,
        alone,
        "the copy adds no load"
    );

    // The athlete prefers the watch's copy.
    let chosen = app
        .gql(
            Some(&ann.token),
            "mutation($id: ID!) { makePrimaryActivity(id: $id) { id duplicateOf } }",
            json!({ "id": watch }),
        )
        .await;
    assert_eq!(
        chosen.ok()["makePrimaryActivity"]["duplicateOf"],
        Value::Null
    );
    let listed = activities(&app, &ann).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], watch.as_str());
    // Now the watch's copy is the day's load (it has no RPE), not the manual entry's.
    let watch_load = load_on(&app, &ann, &date).await;
    assert_ne!(watch_load, alone);

    // They were two runs after all: separated, both count, and a re-delivery of the watch's
    // copy does not group them again.
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { separateActivity(id: $id) { id duplicateOf } }",
        json!({ "id": manual }),
    )
    .await
    .ok();
    assert_eq!(activities(&app, &ann).await.len(), 2);
    let both = load_on(&app, &ann, &date).await;
    assert!(
        (both - (alone + watch_load)).abs() < 1e-9,
        "{both} = {alone} + {watch_load}"
    );
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "watch-1", "sport": "trail_run",
                "start_ms": (start + Duration::minutes(3)).timestamp_millis(),
                "duration_s": 3550, "distance_m": 10100.0, "avg_hr": 151.0 }),
    )
    .await;
    assert_eq!(activities(&app, &ann).await.len(), 2);

    // A third copy arrives, uploaded through the device's importer: it joins the manual entry
    // (the device's own two activities are never taken for one workout).
    let file = json!({ "records": [ { "job": "activity", "external_id": "file-run", "sport": "run",
        "start_ms": (start + Duration::minutes(2)).timestamp_millis(), "duration_s": 3580,
        "distance_m": 10050.0 } ] });
    let imported = upload(&app, &ann, &[("run.json", file.to_string())]).await;
    assert_eq!(imported[0]["duplicates"], 1, "{imported:?}");
    let listed = activities(&app, &ann).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let manual_entry = listed
        .iter()
        .find(|a| a["id"] == manual.as_str())
        .expect("the manual entry is listed");
    assert_eq!(manual_entry["copies"][0]["externalId"], "file-run");
    assert_eq!(manual_entry["copies"].as_array().map(Vec::len), Some(1));

    // Deleting the primary promotes its copy: the workout still counts once.
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { deleteActivity(id: $id) }",
        json!({ "id": manual }),
    )
    .await
    .ok();
    let listed = activities(&app, &ann).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed
            .iter()
            .any(|a| a["externalId"] == "file-run" && a["duplicateOf"].is_null()),
        "{listed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_reads_its_fuelling_at_once_and_a_copy_shares_its_workouts_log() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    let start = app.clock_now() - Duration::hours(6);
    let log_run = |start: chrono::DateTime<chrono::Utc>| {
        let (app, ann) = (&app, &ann);
        async move {
            app.gql(
                Some(&ann.token),
                "mutation($s: DateTime!) { logActivity(input: { sport: RUN, startTime: $s, durationSeconds: 3600, distanceMeters: 10000 }) { id } }",
                json!({ "s": start }),
            )
            .await
            .ok()["logActivity"]["id"]
                .as_str()
                .expect("id")
                .to_owned()
        }
    };
    let run = log_run(start).await;
    let earlier = log_run(start - Duration::days(2)).await;
    // The watch delivers a copy of today's run.
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "watch-1", "sport": "run",
                "start_ms": (start + Duration::minutes(3)).timestamp_millis(),
                "duration_s": 3550, "distance_m": 10100.0 }),
    )
    .await;
    let listed = activities(&app, &ann).await;
    let today = listed
        .iter()
        .find(|a| a["id"] == run.as_str())
        .expect("listed");
    let watch = today["copies"][0]["id"]
        .as_str()
        .expect("a copy")
        .to_owned();
    let fuel = |id: String, grams: u32| {
        let (app, ann) = (&app, &ann);
        async move {
            app.gql(
                Some(&ann.token),
                "mutation($id: ID!, $g: Float) { logSessionFuel(activityId: $id, input: { carbsBeforeGrams: $g }) { activityId } }",
                json!({ "id": id, "g": grams }),
            )
            .await
            .ok();
        }
    };
    let fuelling = || async {
        let answer = app
            .gql(
                Some(&ann.token),
                "{ activities(first: 20) { edges { node { id fuel { carbsBeforeGrams } copies { id fuel { carbsBeforeGrams } } } } } }",
                json!({}),
            )
            .await;
        let mut grams = std::collections::BTreeMap::new();
        for edge in answer.ok()["activities"]["edges"]
            .as_array()
            .expect("edges")
        {
            let node = &edge["node"];
            for activity in std::iter::once(node).chain(node["copies"].as_array().expect("copies"))
            {
                let id = activity["id"].as_str().expect("id").to_owned();
                grams.insert(id, activity["fuel"]["carbsBeforeGrams"].as_f64());
            }
        }
        grams
    };
    let expect = |pairs: [(&String, Option<f64>); 3]| {
        pairs
            .into_iter()
            .map(|(id, g)| (id.clone(), g))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    assert_eq!(
        fuelling().await,
        expect([(&run, None), (&watch, None), (&earlier, None)])
    );
    // Logged on the watch's copy: the workout shows it, its copy too.
    fuel(watch.clone(), 40).await;
    fuel(earlier.clone(), 80).await;
    assert_eq!(
        fuelling().await,
        expect([
            (&run, Some(40.0)),
            (&watch, Some(40.0)),
            (&earlier, Some(80.0))
        ])
    );
    // Logged on the run itself: its own log comes first; the copy keeps its own.
    fuel(run.clone(), 60).await;
    assert_eq!(
        fuelling().await,
        expect([
            (&run, Some(60.0)),
            (&watch, Some(40.0)),
            (&earlier, Some(80.0))
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_delivered_together_each_join_their_own_workout() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    let morning = app.clock_now() - Duration::hours(30);
    let evening = morning + Duration::hours(8);
    // Two runs logged by hand, eight hours apart…
    for start in [morning, evening] {
        app.gql(
            Some(&ann.token),
            "mutation($s: DateTime!) { logActivity(input: { sport: RUN, startTime: $s, durationSeconds: 3600, distanceMeters: 10000, rpe: 5 }) { id } }",
            json!({ "s": start }),
        )
        .await
        .ok();
    }
    // …and one file with the watch's copy of each: one delivery, its activities written in
    // one transaction, each placed after the one before it.
    let copy = |id: &str, start: chrono::DateTime<Utc>| {
        json!({ "job": "activity", "external_id": id, "sport": "run",
                "start_ms": (start + Duration::minutes(2)).timestamp_millis(),
                "duration_s": 3580, "distance_m": 10050.0 })
    };
    let file = json!({ "records": [copy("watch-am", morning), copy("watch-pm", evening)] });
    let imported = upload(&app, &ann, &[("runs.json", file.to_string())]).await;
    assert_eq!(imported[0]["duplicates"], 2, "{imported:?}");
    let listed = activities(&app, &ann).await;
    assert_eq!(
        listed.len(),
        2,
        "two workouts, each listed once: {listed:?}"
    );
    for (entry, copy) in listed.iter().zip(["watch-pm", "watch-am"]) {
        assert_eq!(entry["source"], "manual", "{listed:?}");
        assert_eq!(
            entry["copies"].as_array().map(Vec::len),
            Some(1),
            "{listed:?}"
        );
        assert_eq!(entry["copies"][0]["externalId"], copy, "{listed:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_sources_delivering_one_run_at_once_leave_exactly_one_primary() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    app.install_plugin("apple-health").await;
    let relay = app
        .gql(
            Some(&ann.token),
            "mutation { createRelayToken(name: \"iPhone\") { token } }",
            json!({}),
        )
        .await;
    let token = relay.ok()["createRelayToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let start = app.clock_now() - Duration::hours(5);
    let apple = json!({ "data": { "workouts": [ {
        "id": "apple-run-1", "name": "Running",
        "start": (start + Duration::minutes(1)).format("%Y-%m-%d %H:%M:%S +0000").to_string(),
        "end": (start + Duration::minutes(61)).format("%Y-%m-%d %H:%M:%S +0000").to_string(),
        "duration": 3600, "distance": { "qty": 10.05, "units": "km" } } ] } });
    let watch = json!({ "records": [ { "job": "activity", "external_id": "watch-run", "sport": "run",
        "start_ms": start.timestamp_millis(), "duration_s": 3590, "distance_m": 10000.0,
        "avg_hr": 148.0 } ] });
    let manual = app.gql(
        Some(&ann.token),
        "mutation($s: DateTime!) { logActivity(input: { sport: RUN, startTime: $s, durationSeconds: 3620, distanceMeters: 9950, rpe: 4 }) { id } }",
        json!({ "s": start - Duration::minutes(2) }),
    );
    let relayed = app
        .http()
        .post(app.url("/relay/apple-health"))
        .bearer_auth(&token)
        .body(apple.to_string())
        .send();
    let files = [("watch.json", watch.to_string())];
    let uploaded = upload(&app, &ann, &files);
    let (manual, relayed, uploaded) = tokio::join!(manual, relayed, uploaded);
    manual.ok();
    assert_eq!(relayed.expect("relay answers").status(), 200);
    assert_eq!(uploaded[0]["activities"], 1);

    let all = app
        .state
        .store
        .list_activities(
            ann.id.parse().expect("uuid"),
            stride_store::DateRange::default(),
            None,
            100,
        )
        .await
        .expect("listed");
    assert_eq!(all.len(), 1, "exactly one primary: {all:?}");
    let listed = activities(&app, &ann).await;
    assert_eq!(
        listed[0]["source"], "manual",
        "the default priority puts manual first"
    );
    let mut sources: Vec<String> = listed[0]["copies"]
        .as_array()
        .expect("copies")
        .iter()
        .filter_map(|c| c["source"].as_str().map(str::to_owned))
        .collect();
    sources.sort();
    assert_eq!(sources, ["apple-health", "test-device"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_an_hour_off_is_one_workout_and_two_runs_one_morning_are_two() {
    let app = TestApp::spawn().await;
    let ann = athlete(&app).await;
    let start = app.clock_now() - Duration::hours(8);
    // The watch's run, and the same run from a manual entry whose clock is an hour off
    // (a time-zone or DST mistake).
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "am-run", "sport": "run", "start_ms": start.timestamp_millis(),
                "duration_s": 2700, "distance_m": 8000.0 }),
    )
    .await;
    app.gql(
        Some(&ann.token),
        "mutation($s: DateTime!) { logActivity(input: { sport: RUN, startTime: $s, durationSeconds: 2700, distanceMeters: 8000 }) { id } }",
        json!({ "s": start + Duration::hours(1) }),
    )
    .await
    .ok();
    assert_eq!(
        activities(&app, &ann).await.len(),
        1,
        "the shifted copy is grouped"
    );

    // A second, genuinely different run that morning: 3 hours later, another distance.
    app.run_plugin_job(
        &ann,
        "test-device",
        "activity",
        json!({ "external_id": "pm-run", "sport": "run",
                "start_ms": (start + Duration::hours(3)).timestamp_millis(),
                "duration_s": 2700, "distance_m": 8000.0 }),
    )
    .await;
    // A ride at the very time of the run is another workout too.
    app.gql(
        Some(&ann.token),
        "mutation($s: DateTime!) { logActivity(input: { sport: RIDE, startTime: $s, durationSeconds: 2700, distanceMeters: 8000 }) { id } }",
        json!({ "s": start }),
    )
    .await
    .ok();
    assert_eq!(activities(&app, &ann).await.len(), 3);
}
