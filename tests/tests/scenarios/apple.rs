//! Apple Health through the Health Auto Export app: an athlete makes a relay token, pastes it
//! and the URL into the app, and what the app posts (the real example payloads recorded in
//! `../shared/fixtures/apple/`) lands on their days and in their activities — once, however
//! often the app sends it again.

use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

fn shared_example() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/fixtures/apple/freereps-hae-v2-examples.json"
    );
    let text = std::fs::read_to_string(path)
        .expect("the shared Apple fixture (../shared beside the repository)");
    serde_json::from_str(&text).expect("the fixture is JSON")
}

async fn relay_token(app: &TestApp, who: &Session) -> (String, String) {
    let made = app
        .gql(
            Some(&who.token),
            "mutation { createRelayToken(name: \"iPhone\") { token relayToken { url plugin } } }",
            json!({}),
        )
        .await;
    let made = &made.ok()["createRelayToken"];
    assert_eq!(made["relayToken"]["plugin"], "apple-health");
    (
        made["token"].as_str().expect("token").to_owned(),
        made["relayToken"]["url"].as_str().expect("url").to_owned(),
    )
}

async fn post(app: &TestApp, token: &str, headers: &Value, body: &Value) -> (u16, Value) {
    let mut request = app
        .http()
        .post(app.url("/relay/apple-health"))
        .header("authorization", format!("Bearer {token}"))
        .body(body.to_string());
    for (name, value) in headers.as_object().into_iter().flatten() {
        request = request.header(name.as_str(), value.as_str().unwrap_or_default());
    }
    let response = request.send().await.expect("the relay answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_auto_export_deliveries_become_days_and_workouts_once() {
    let app = TestApp::spawn().await;
    app.install_plugin("apple-health").await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let (token, url) = relay_token(&app, &ann).await;
    assert!(url.ends_with("/relay/apple-health"), "{url}");

    let example = shared_example();
    let headers = &example["request_headers_example"];
    let (status, summary) = post(&app, &token, headers, &example["v2_aggregated_payload"]).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["activities"], 1, "{summary}");
    assert_eq!(summary["problems"], json!([]), "{summary}");

    let days = app
        .gql(
            Some(&ann.token),
            "{ dailyMetrics(from: \"2024-02-06\", to: \"2024-02-06\") { edges { node { source restingHeartRate sleepDurationMinutes sleep { inBedMinutes deepMinutes remMinutes lightMinutes } } } } }",
            json!({}),
        )
        .await;
    let day = days.ok()["dailyMetrics"]["edges"][0]["node"].clone();
    assert_eq!(day["source"], "apple-health");
    // 58 bpm at 14:30 −08:00; the night of 5–6 February: 7.5 h asleep, 8 h in bed.
    assert_eq!(day["restingHeartRate"], 58);
    assert_eq!(day["sleepDurationMinutes"], 450);
    assert_eq!(day["sleep"]["inBedMinutes"], 480);
    assert_eq!(day["sleep"]["deepMinutes"], 90);
    assert_eq!(day["sleep"]["remMinutes"], 120);

    let workouts = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { source externalId sport sportDetail distanceMeters durationSeconds averageHeartRate maxHeartRate energyKcal device utcOffsetSeconds } } } }",
            json!({}),
        )
        .await;
    let edges = workouts.ok()["activities"]["edges"].clone();
    assert_eq!(edges.as_array().map(Vec::len), Some(1));
    let run = &edges[0]["node"];
    assert_eq!(run["source"], "apple-health");
    assert_eq!(run["externalId"], "550e8400-e29b-41d4-a716-446655440000");
    assert_eq!(run["sport"], "RUN");
    assert_eq!(run["sportDetail"], "Running");
    // 3.5 mi, converted rather than assumed.
    assert!((run["distanceMeters"].as_f64().unwrap_or_default() - 5632.704).abs() < 1e-6);
    assert_eq!(run["durationSeconds"], 1800);
    assert_eq!(run["averageHeartRate"], 150.0);
    assert_eq!(run["maxHeartRate"], 175.0);
    assert_eq!(run["utcOffsetSeconds"], -28800);

    // "Since last sync" sends it all again: the same day, the same single workout.
    let (status, _) = post(&app, &token, headers, &example["v2_aggregated_payload"]).await;
    assert_eq!(status, 200);
    let again = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        again.ok()["activities"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
    let days_again = app
        .gql(
            Some(&ann.token),
            "{ dailyMetrics(from: \"2024-02-06\", to: \"2024-02-06\") { edges { node { restingHeartRate sleepDurationMinutes } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        days_again.ok()["dailyMetrics"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // The per-stage export of the same night is read too.
    let (status, summary) = post(
        &app,
        &token,
        headers,
        &example["v2_unaggregated_sleep_payload"],
    )
    .await;
    assert_eq!(status, 200, "{summary}");

    // What the app cannot have meant is refused, naming the problem; nothing stored changes.
    let (status, answer) = post(&app, &token, headers, &json!(["not", "an", "export"])).await;
    assert_eq!(status, 400, "{answer}");
    assert!(!answer["error"].as_str().unwrap_or_default().is_empty());
    let after = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        after.ok()["activities"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apple_workout_and_the_same_run_from_strava_are_one_activity() {
    use stride_domain::clock::Clock;
    use stride_e2e::strava_world::{VERIFY_TOKEN, connect, settle, world};
    let w = world(200, 600, |_| {}).await;
    w.app.install_plugin("apple-health").await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    assert_eq!(connect(&w, &ann, 4242, None).await, 200);
    settle(&w, &ann).await;
    assert_eq!(
        w.fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await
            .status(),
        201
    );
    // Strava sends a run (its synthetic activities cycle through sports: take the first run).
    let run = loop {
        let start = w.clock.now() - chrono::TimeDelta::hours(3);
        let id = w.fake.create_activity(4242, start, "Morning run");
        let external = id.to_string();
        w.fake
            .deliver(&w.fake.activity_event(4242, id, "create", json!({})))
            .await;
        settle(&w, &ann).await;
        let listed = w
            .app
            .gql(
                Some(&ann.token),
                "{ activities(first: 10) { edges { node { id externalId sport startTime durationSeconds distanceMeters } } } }",
                json!({}),
            )
            .await;
        let found = listed.ok()["activities"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"].clone())
            .find(|a| a["externalId"] == external.as_str() && a["sport"] == "RUN");
        if let Some(run) = found {
            break run;
        }
        // Not a run (another sport at the same time is another workout): try again.
    };
    let start: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(run["startTime"].clone()).expect("start");
    let duration = run["durationSeconds"].as_i64().expect("duration");
    let km = run["distanceMeters"].as_f64().expect("distance") / 1000.0;
    // The watch's copy, through Health Auto Export: a minute later, 1 % longer.
    let (token, _) = relay_token(&w.app, &ann).await;
    let workout = json!({ "data": { "workouts": [ {
        "id": "apple-run", "name": "Running",
        "start": (start + chrono::TimeDelta::minutes(1)).format("%Y-%m-%d %H:%M:%S +0000").to_string(),
        "end": (start + chrono::TimeDelta::minutes(1) + chrono::TimeDelta::seconds(duration))
            .format("%Y-%m-%d %H:%M:%S +0000").to_string(),
        "duration": duration, "distance": { "qty": km * 1.01, "units": "km" } } ] } });
    let (status, summary) = post(&w.app, &token, &json!({}), &workout).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(
        summary["duplicates"], 1,
        "counted as a copy of a stored workout: {summary}"
    );
    // Apple Health comes before Strava in the default source priority: the watch's copy is
    // the primary, Strava's run its copy, and the run is listed (and counted) once.
    let listed = w
        .app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { source sport copies { source externalId } } } } }",
            json!({}),
        )
        .await;
    let runs: Vec<Value> = listed.ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .filter(|a| a["sport"] == "RUN")
        .collect();
    assert_eq!(runs.len(), 1, "one workout, listed once: {runs:?}");
    assert_eq!(runs[0]["source"], "apple-health");
    assert_eq!(runs[0]["copies"][0]["source"], "strava");
    assert_eq!(runs[0]["copies"][0]["externalId"], run["externalId"]);
}
