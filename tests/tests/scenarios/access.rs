//! Athletes see only their own data; coaches only the athletes who granted access, at the
//! level granted, until it is revoked.

use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

const LOG_RUN: &str = "mutation($a: ID, $i: ActivityInput!) { logActivity(athleteId: $a, input: $i) { id athleteId rpe } }";

fn run_input(hour: u32) -> Value {
    json!({
        "sport": "RUN",
        "name": format!("Run at {hour}"),
        "startTime": format!("2026-03-01T{hour:02}:00:00Z"),
        "durationSeconds": 3000,
        "distanceMeters": 9000.0,
        "averageHeartRate": 140,
        "rpe": 4
    })
}

async fn log_run(app: &TestApp, who: &Session, athlete: Option<&str>, hour: u32) -> Value {
    app.gql(
        Some(&who.token),
        LOG_RUN,
        json!({ "a": athlete, "i": run_input(hour) }),
    )
    .await
    .ok()["logActivity"]
        .clone()
}

async fn activity_count(app: &TestApp, who: &Session) -> usize {
    let answer = app
        .gql(
            Some(&who.token),
            "{ activities(first: 200) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    answer.ok()["activities"]["edges"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn an_athlete_cannot_read_or_write_another_athletes_data() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;

    let run = log_run(&app, &ann, None, 7).await;
    let run_id = run["id"].as_str().expect("id").to_owned();
    let metrics = app
        .gql(Some(&ann.token), "mutation { logDailyMetrics(input: { date: \"2026-03-01\", restingHeartRate: 48, hrvMs: 70, hrvKind: RMSSD }) { id } }", json!({}))
        .await;
    let metrics_id = metrics.ok()["logDailyMetrics"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // (operation, variables, expected code): reads by explicit athlete id are forbidden;
    // reads and writes by object id say "not found" so ids reveal nothing.
    let attempts: Vec<(&str, Value, &str)> = vec![
        (
            "query($a: ID!) { activities(athleteId: $a) { edges { node { id } } } }",
            json!({ "a": ann.id }),
            "FORBIDDEN",
        ),
        (
            "query($a: ID!) { dailyMetrics(athleteId: $a) { edges { node { id } } } }",
            json!({ "a": ann.id }),
            "FORBIDDEN",
        ),
        (
            "query($a: ID!) { baselines(athleteId: $a) { maxHeartRate } }",
            json!({ "a": ann.id }),
            "FORBIDDEN",
        ),
        (
            "query($id: ID!) { activity(id: $id) { id } }",
            json!({ "id": run_id }),
            "NOT_FOUND",
        ),
        (
            LOG_RUN,
            json!({ "a": ann.id, "i": run_input(9) }),
            "FORBIDDEN",
        ),
        (
            "mutation($id: ID!) { updateActivity(id: $id, input: { name: \"mine now\" }) { id } }",
            json!({ "id": run_id }),
            "NOT_FOUND",
        ),
        (
            "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 9) { id } }",
            json!({ "id": run_id }),
            "NOT_FOUND",
        ),
        (
            "mutation($id: ID!) { deleteActivity(id: $id) }",
            json!({ "id": run_id }),
            "NOT_FOUND",
        ),
        (
            "mutation($a: ID!) { logDailyMetrics(athleteId: $a, input: { date: \"2026-03-01\", mood: 1 }) { id } }",
            json!({ "a": ann.id }),
            "FORBIDDEN",
        ),
        (
            "mutation($id: ID!) { deleteDailyMetrics(id: $id) }",
            json!({ "id": metrics_id }),
            "NOT_FOUND",
        ),
        (
            "mutation($a: ID!) { updateBaselines(athleteId: $a, input: { maxHeartRate: 150 }) { maxHeartRate } }",
            json!({ "a": ann.id }),
            "FORBIDDEN",
        ),
    ];
    for (query, variables, code) in attempts {
        let answer = app.gql(Some(&bob.token), query, variables).await;
        assert_eq!(answer.code(), Some(code), "{query}: {}", answer.body);
        assert!(
            answer.body["data"].is_null()
                || answer.body["data"]
                    .as_object()
                    .is_some_and(|d| d.values().all(Value::is_null))
        );
    }

    // Nothing of Ann's changed.
    let mine = app
        .gql(
            Some(&ann.token),
            "query($id: ID!) { activity(id: $id) { name rpe } }",
            json!({ "id": run_id }),
        )
        .await;
    assert_eq!(
        mine.ok()["activity"],
        json!({ "name": "Run at 7", "rpe": 4 })
    );
    assert_eq!(activity_count(&app, &ann).await, 1);
    let days = app
        .gql(
            Some(&ann.token),
            "{ dailyMetrics { edges { node { mood restingHeartRate } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        days.ok()["dailyMetrics"]["edges"],
        json!([{ "node": { "mood": null, "restingHeartRate": 48 } }])
    );
    // Bob's own list is empty.
    assert_eq!(activity_count(&app, &bob).await, 0);
}

#[tokio::test]
async fn coaches_see_only_granting_athletes_at_the_level_granted() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let coach = app.invite_user(&owner, "COACH", "coach@example.test").await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let run = log_run(&app, &ann, None, 6).await;
    let run_id = run["id"].as_str().expect("id").to_owned();
    log_run(&app, &bob, None, 6).await;

    let read_anns = "query($a: ID!) { activities(athleteId: $a) { edges { node { id name } } } }";
    app.gql(Some(&coach.token), read_anns, json!({ "a": ann.id }))
        .await
        .expect_code("FORBIDDEN");

    let grant = app
        .gql(Some(&ann.token), "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id coach { email } } }", json!({ "e": coach.email }))
        .await;
    assert_eq!(
        grant.ok()["grantCoachAccess"]["coach"]["email"],
        "coach@example.test"
    );
    let grant_id = grant.ok()["grantCoachAccess"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let athletes = app
        .gql(
            Some(&coach.token),
            "{ myAthletes { access athlete { email profile { sex } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        athletes.ok()["myAthletes"],
        json!([{ "access": "READ", "athlete": { "email": "ann@example.test", "profile": { "sex": null } } }])
    );
    let seen = app
        .gql(Some(&coach.token), read_anns, json!({ "a": ann.id }))
        .await;
    assert_eq!(
        seen.ok()["activities"]["edges"][0]["node"]["name"],
        "Run at 6"
    );
    app.gql(Some(&coach.token), read_anns, json!({ "a": bob.id }))
        .await
        .expect_code("FORBIDDEN");

    // Read-only: writes are refused with a reason that says so.
    let write = app
        .gql(
            Some(&coach.token),
            "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 8) { rpe } }",
            json!({ "id": run_id }),
        )
        .await;
    assert!(write.expect_code("FORBIDDEN").contains("read-only"));
    let log = app
        .gql(
            Some(&coach.token),
            LOG_RUN,
            json!({ "a": ann.id, "i": run_input(8) }),
        )
        .await;
    log.expect_code("FORBIDDEN");

    // Private activities stay private.
    let private = app
        .gql(Some(&ann.token), "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }", json!({ "i": { "sport": "YOGA", "startTime": "2026-03-01T18:00:00Z", "durationSeconds": 1800, "private": true } }))
        .await;
    let private_id = private.ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let seen = app
        .gql(Some(&coach.token), read_anns, json!({ "a": ann.id }))
        .await;
    assert_eq!(
        seen.ok()["activities"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
    app.gql(
        Some(&coach.token),
        "query($id: ID!) { activity(id: $id) { id } }",
        json!({ "id": private_id }),
    )
    .await
    .expect_code("NOT_FOUND");

    // Upgrade to read-write: revoke and grant again.
    app.gql(
        Some(&ann.token),
        "mutation($g: ID!) { revokeCoachAccess(grantId: $g) { revokedAt } }",
        json!({ "g": grant_id }),
    )
    .await
    .ok();
    app.gql(Some(&coach.token), read_anns, json!({ "a": ann.id }))
        .await
        .expect_code("FORBIDDEN");
    let grant = app
        .gql(
            Some(&ann.token),
            "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
            json!({ "e": coach.email }),
        )
        .await;
    let grant_id = grant.ok()["grantCoachAccess"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let write = app
        .gql(
            Some(&coach.token),
            "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 8) { rpe } }",
            json!({ "id": run_id }),
        )
        .await;
    assert_eq!(write.ok()["setActivityRpe"]["rpe"], 8);
    let logged = log_run(&app, &coach, Some(&ann.id), 9).await;
    assert_eq!(logged["athleteId"], ann.id.as_str());
    assert_eq!(activity_count(&app, &ann).await, 3);

    // The coach may drop the athlete too; access ends at once.
    let revoke = app
        .gql(
            Some(&coach.token),
            "mutation($g: ID!) { revokeCoachAccess(grantId: $g) { revokedAt } }",
            json!({ "g": grant_id }),
        )
        .await;
    assert!(revoke.ok()["revokeCoachAccess"]["revokedAt"].is_string());
    app.gql(Some(&coach.token), read_anns, json!({ "a": ann.id }))
        .await
        .expect_code("FORBIDDEN");
    app.gql(
        Some(&coach.token),
        "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 2) { rpe } }",
        json!({ "id": run_id }),
    )
    .await
    .expect_code("NOT_FOUND");
    let empty = app
        .gql(Some(&coach.token), "{ myAthletes { id } }", json!({}))
        .await;
    assert_eq!(empty.ok()["myAthletes"], json!([]));
    // Another athlete cannot revoke a grant that is not theirs.
    app.gql(
        Some(&bob.token),
        "mutation($g: ID!) { revokeCoachAccess(grantId: $g) { id } }",
        json!({ "g": grant_id }),
    )
    .await
    .expect_code("NOT_FOUND");
}
