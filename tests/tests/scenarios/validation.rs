//! Impossible values are rejected with a message that names the field and the reason, and
//! nothing is stored.

use serde_json::{Value, json};
use stride_e2e::TestApp;

const LOG: &str = "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }";

fn run(overrides: Value) -> Value {
    let mut input = json!({
        "sport": "RUN",
        "startTime": "2026-03-02T06:30:00Z",
        "durationSeconds": 2400,
        "movingTimeSeconds": 2400,
        "distanceMeters": 8000.0,
        "averageHeartRate": 150,
        "maxHeartRate": 172,
        "rpe": 5
    });
    if let (Some(base), Some(extra)) = (input.as_object_mut(), overrides.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    input
}

#[tokio::test]
async fn impossible_activities_name_the_field_and_the_reason() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;

    let cases = [
        (
            json!({ "durationSeconds": -60 }),
            "durationSeconds",
            "must be positive",
        ),
        (
            json!({ "averageHeartRate": 251 }),
            "averageHeartRate",
            "outside the possible range 25–250 bpm",
        ),
        (
            json!({ "maxHeartRate": 260 }),
            "maxHeartRate",
            "outside the possible range 25–250 bpm",
        ),
        (
            json!({ "averageHeartRate": 180, "maxHeartRate": 170 }),
            "averageHeartRate",
            "above the maximum",
        ),
        (
            json!({ "rpe": 0 }),
            "rpe",
            "outside the possible range 1–10",
        ),
        (
            json!({ "rpe": 11 }),
            "rpe",
            "outside the possible range 1–10",
        ),
        (
            json!({ "distanceMeters": 10000.0, "movingTimeSeconds": 1500, "durationSeconds": 1500 }),
            "distanceMeters",
            "faster than the running world record",
        ),
        // Europe/Oslo: 2026-03-03 00:30 local is tomorrow for the athlete.
        (
            json!({ "startTime": "2026-03-02T23:30:00Z" }),
            "startTime",
            "is in the future: the athlete's today is 2026-03-02",
        ),
        (
            json!({ "movingTimeSeconds": 9999 }),
            "movingTimeSeconds",
            "longer than the elapsed time",
        ),
    ];
    for (overrides, field, reason) in cases {
        let answer = app
            .gql(
                Some(&ann.token),
                LOG,
                json!({ "i": run(overrides.clone()) }),
            )
            .await;
        let message = answer.expect_code("BAD_INPUT").to_owned();
        assert_eq!(answer.bad_fields(), [field], "{overrides}: {message}");
        assert!(
            message.starts_with(&format!("{field}: ")) && message.contains(reason),
            "{overrides}: {message}"
        );
    }
    // Later today (in the athlete's zone) is fine; nothing rejected was stored.
    app.gql(
        Some(&ann.token),
        LOG,
        json!({ "i": run(json!({ "startTime": "2026-03-02T22:30:00Z" })) }),
    )
    .await
    .ok();
    let list = app
        .gql(
            Some(&ann.token),
            "{ activities { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list.ok()["activities"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn several_problems_are_reported_together() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let answer = app.gql(Some(&ann.token), LOG, json!({ "i": run(json!({ "rpe": 12, "averageHeartRate": 300, "durationSeconds": 0 })) })).await;
    answer.expect_code("BAD_INPUT");
    assert_eq!(
        answer.bad_fields(),
        ["durationSeconds", "averageHeartRate", "rpe"]
    );
}

#[tokio::test]
async fn edits_and_rpe_entry_are_validated_too() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let logged = app
        .gql(Some(&ann.token), LOG, json!({ "i": run(json!({})) }))
        .await;
    let id = logged.ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let rpe = app
        .gql(
            Some(&ann.token),
            "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 0) { rpe } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(rpe.bad_fields(), ["rpe"]);
    let edit = app
        .gql(
            Some(&ann.token),
            "mutation($id: ID!) { updateActivity(id: $id, input: { maxHeartRate: 300 }) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(edit.bad_fields(), ["maxHeartRate"]);
    let kept = app
        .gql(
            Some(&ann.token),
            "query($id: ID!) { activity(id: $id) { rpe maxHeartRate rpeLoad } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        kept.ok()["activity"],
        json!({ "rpe": 5, "maxHeartRate": 172.0, "rpeLoad": 200.0 })
    );

    let cleared = app
        .gql(Some(&ann.token), "mutation($id: ID!) { updateActivity(id: $id, input: { rpe: null, name: \"Tempo\" }) { rpe name rpeLoad } }", json!({ "id": id }))
        .await;
    assert_eq!(
        cleared.ok()["updateActivity"],
        json!({ "rpe": null, "name": "Tempo", "rpeLoad": null })
    );
    let set = app
        .gql(
            Some(&ann.token),
            "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 7) { rpe rpeLoad } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        set.ok()["setActivityRpe"],
        json!({ "rpe": 7, "rpeLoad": 280.0 })
    );
}

#[tokio::test]
async fn impossible_daily_metrics_profiles_and_baselines_are_rejected() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let log = "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }";
    let cases = [
        (json!({ "date": "2026-03-03", "mood": 3 }), "date"),
        (
            json!({ "date": "2026-03-01", "restingHeartRate": 400 }),
            "restingHeartRate",
        ),
        (
            json!({ "date": "2026-03-01", "sleepDurationMinutes": 2000 }),
            "sleepDurationMinutes",
        ),
        (
            json!({ "date": "2026-03-01", "sleepQuality": 6 }),
            "sleepQuality",
        ),
        (json!({ "date": "2026-03-01", "hrvMs": 60.0 }), "hrvKind"),
        (
            json!({ "date": "2026-03-01", "weightKg": -70.0 }),
            "weightKg",
        ),
    ];
    for (input, field) in cases {
        let answer = app.gql(Some(&ann.token), log, json!({ "i": input })).await;
        answer.expect_code("BAD_INPUT");
        assert_eq!(answer.bad_fields(), [field], "{input}");
    }
    let none = app
        .gql(
            Some(&ann.token),
            "{ dailyMetrics { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(none.ok()["dailyMetrics"]["edges"], json!([]));

    // Partial logging merges: a later entry for the same day keeps earlier values.
    app.gql(
        Some(&ann.token),
        log,
        json!({ "i": { "date": "2026-03-01", "restingHeartRate": 50 } }),
    )
    .await
    .ok();
    let merged = app
        .gql(Some(&ann.token), "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { restingHeartRate sleepQuality } }", json!({ "i": { "date": "2026-03-01", "sleepQuality": 4 } }))
        .await;
    assert_eq!(
        merged.ok()["logDailyMetrics"],
        json!({ "restingHeartRate": 50, "sleepQuality": 4 })
    );

    let profile = app
        .gql(Some(&ann.token), "mutation { updateProfile(input: { weightKg: 900, birthDate: \"2030-01-01\", timeZone: \"Europe/Oslo\" }) { id } }", json!({}))
        .await;
    assert_eq!(profile.bad_fields(), ["weightKg", "birthDate"]);
    let zone = app
        .gql(
            Some(&ann.token),
            "mutation { updateProfile(input: { timeZone: \"Nowhere/Land\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(zone.bad_fields(), ["timeZone"]);
    let ok = app
        .gql(Some(&ann.token), "mutation { updateProfile(input: { weightKg: 61.5, sex: FEMALE, units: IMPERIAL }) { units profile { weightKg sex } } }", json!({}))
        .await;
    assert_eq!(
        ok.ok()["updateProfile"],
        json!({ "units": "IMPERIAL", "profile": { "weightKg": 61.5, "sex": "FEMALE" } })
    );

    let baselines = app
        .gql(Some(&ann.token), "mutation { updateBaselines(input: { restingHeartRate: 190, maxHeartRate: 185 }) { maxHeartRate } }", json!({}))
        .await;
    assert_eq!(
        baselines.bad_fields(),
        ["restingHeartRate", "restingHeartRate"]
    );
    let set = app
        .gql(Some(&ann.token), "mutation { updateBaselines(input: { restingHeartRate: 45, maxHeartRate: 188, hrvMs: 72, hrvKind: RMSSD }) { restingHeartRate maxHeartRate hrvMs hrvKind } }", json!({}))
        .await;
    assert_eq!(
        set.ok()["updateBaselines"],
        json!({ "restingHeartRate": 45, "maxHeartRate": 188, "hrvMs": 72.0, "hrvKind": "RMSSD" })
    );
}

/// A request that passed validation is remembered by its text, operation and variables; the
/// same text with other variables is validated afresh, and refused when they are wrong.
#[tokio::test]
async fn a_query_that_passed_validation_is_still_refused_with_wrong_variables() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let list = "query List($n: Int) { activities(first: $n) { nodes { id } } }";
    for _ in 0..2 {
        app.gql(Some(&ann.token), list, json!({ "n": 5 }))
            .await
            .ok();
    }
    let wrong = app
        .gql(Some(&ann.token), list, json!({ "n": "five" }))
        .await;
    assert!(
        wrong.message().contains("Invalid value for argument"),
        "validation refuses it as before: {:?}",
        wrong.body
    );
    assert!(
        wrong.body["data"].is_null(),
        "nothing ran: {:?}",
        wrong.body
    );
    // An input object that lacks a required field, after the same mutation succeeded.
    app.gql(Some(&ann.token), LOG, json!({ "i": run(json!({})) }))
        .await
        .ok();
    let mut missing = run(json!({}));
    missing.as_object_mut().expect("object").remove("sport");
    let refused = app
        .gql(Some(&ann.token), LOG, json!({ "i": missing }))
        .await;
    assert!(
        refused.message().contains("Invalid value for argument"),
        "{:?}",
        refused.body
    );
    // Nothing was stored by the refused one.
    let stored = app.gql(Some(&ann.token), list, json!({ "n": 5 })).await;
    assert_eq!(
        stored.ok()["activities"]["nodes"].as_array().map(Vec::len),
        Some(1)
    );
}
