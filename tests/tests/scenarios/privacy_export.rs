//! Data exports: an athlete downloads everything Stride holds about her as a documented zip
//! archive, built by a job whose progress is pushed live; nobody else but admins with
//! `manage_users` can reach it, requests on someone's behalf are audited, tokens never leave,
//! and archives expire and go with the account.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sqlx::Connection;
use stride_e2e::{Session, TestApp};

const REQUEST: &str = "mutation($a: ID) { requestDataExport(athleteId: $a) { id athleteId requestedBy state stepsDone stepsTotal downloadUrl } }";
const LIST: &str = "query($a: ID) { dataExports(athleteId: $a) { id state stepsDone stepsTotal sizeBytes expiresAt downloadUrl } }";
const ACCESS_TOKEN: &str = "strava-access-PLAINTEXT-4f1c9a";
const REFRESH_TOKEN: &str = "strava-refresh-PLAINTEXT-77d2e0";

/// Runs `sql` directly against the test's database and returns the first column of the first
/// row as a number.
async fn count(app: &TestApp, sql: &str) -> i64 {
    if app.database_url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&app.database_url)
            .await
            .expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .expect("count")
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .expect("count")
    }
}

/// A user id as a SQL literal for the test's backend.
fn id_literal(app: &TestApp, id: &str) -> String {
    if app.database_url.starts_with("postgres") {
        format!("'{id}'")
    } else {
        format!("X'{}'", id.replace('-', ""))
    }
}

/// `GET /exports/{id}` as `who` (no session when `None`): status, headers and body.
async fn download(
    app: &TestApp,
    who: Option<&Session>,
    id: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = app.http().get(app.url(&format!("/exports/{id}")));
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("a body").to_vec();
    (status, headers, body)
}

fn json_file(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Value {
    let bytes = files
        .get(name)
        .unwrap_or_else(|| panic!("the archive holds {name}"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name} is JSON: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Requests an export as `who` for `athlete` and returns its id.
async fn request(app: &TestApp, who: &Session, athlete: Option<&str>) -> Value {
    app.gql(Some(&who.token), REQUEST, json!({ "a": athlete }))
        .await
        .ok()["requestDataExport"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_athlete_exports_everything_and_only_she_and_user_admins_can_download_it() {
    // No workers: the test runs the jobs itself, so it sees the export before it is built.
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let cora = app.invite_user(&owner, "COACH", "cora@example.test").await;
    let adam = app.invite_user(&owner, "ADMIN", "adam@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": cora.email }),
    )
    .await
    .ok();

    // Two runs, one with its recorded samples; a morning; a plan; a coach's proposal; a rule.
    let time: Vec<f64> = (0..20).map(|i| f64::from(i) * 30.0).collect();
    let heart: Vec<f64> = (0..20).map(|i| 120.0 + f64::from(i)).collect();
    let speed: Vec<f64> = (0..20).map(|i| 3.0 + f64::from(i) / 100.0).collect();
    let with_samples = app
        .gql(
            Some(&ann.token),
            "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
            json!({ "i": {
                "sport": "RUN", "name": "Tempo by the river", "startTime": "2026-03-01T07:00:00Z",
                "durationSeconds": 600, "distanceMeters": 1900.0, "rpe": 6,
                "samples": { "timeSeconds": time, "heartRate": heart, "speedMps": speed },
            } }),
        )
        .await;
    let with_samples = with_samples.ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let plain = app
        .gql(
            Some(&ann.token),
            "mutation { logActivity(input: { sport: RIDE, startTime: \"2026-02-28T15:00:00Z\", durationSeconds: 3600, distanceMeters: 30000 }) { id } }",
            json!({}),
        )
        .await;
    let plain = plain.ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.gql(
        Some(&ann.token),
        "mutation { logDailyMetrics(input: { date: \"2026-03-01\", restingHeartRate: 48, hrvMs: 71, hrvKind: RMSSD, sleepDurationMinutes: 455 }) { id } }",
        json!({}),
    )
    .await
    .ok();
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 5, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    let plan = app
        .gql(
            Some(&ann.token),
            "query { trainingPlan { workouts { id kind } } }",
            json!({}),
        )
        .await;
    let workout = plan.ok()["trainingPlan"]["workouts"]
        .as_array()
        .expect("workouts")
        .iter()
        .find(|w| w["kind"] != "REST")
        .expect("a workout to change")["id"]
        .clone();
    let proposal = app
        .gql(
            Some(&cora.token),
            "mutation($w: ID!) { proposeWorkoutChange(workoutId: $w, changes: { targetDurationSeconds: 1500, description: \"25 minutes easy\" }, reason: \"Ease in.\") { id } }",
            json!({ "w": workout }),
        )
        .await;
    let proposal = proposal.ok()["proposeWorkoutChange"]["id"].clone();
    let rule_source = "if readiness.light == \"red\" { today_workouts.map(|w| rest_instead(w, \"Red: rest.\", [receipt(\"readiness\", \"red\")])) } else { [] }";
    app.gql(
        Some(&cora.token),
        "mutation($i: RuleInput!) { saveRule(input: $i) { ruleId version } }",
        json!({ "i": { "name": "rest-on-red", "scope": "ATHLETE", "athleteId": ann.id, "source": rule_source, "fixtures": "[]" } }),
    )
    .await
    .ok();

    // A Strava connection holding real (encrypted) tokens.
    app.connect_plugin(&ann, "strava", "ann-strava-77").await;
    let keys = stride::connections::keys::KeyRing::load(&app.state.config).expect("keys");
    let (access, key_id) = keys.seal(ACCESS_TOKEN).expect("sealed");
    let (refresh, _) = keys.seal(REFRESH_TOKEN).expect("sealed");
    let store = &app.state.store;
    let mut tx = store.begin().await.expect("transaction");
    store
        .upsert_connection(
            &mut tx,
            &stride_store::NewConnection {
                user_id: ann.id.parse().expect("uuid"),
                provider: "strava",
                external_athlete_id: "ann-strava-77",
                scopes: "read,activity:read_all",
                tokens: &stride_store::SealedTokens {
                    access: access.clone(),
                    refresh: Some(refresh.clone()),
                    key_id,
                    expires_at: None,
                },
            },
            app.clock_now(),
        )
        .await
        .expect("connection");
    tx.commit().await.expect("commit");
    app.drain_jobs().await;

    // Nobody but Ann, or someone who manages users, may ask; admins' data needs more.
    app.gql(Some(&cora.token), REQUEST, json!({ "a": ann.id }))
        .await
        .expect_code("FORBIDDEN");
    app.gql(Some(&bob.token), REQUEST, json!({ "a": ann.id }))
        .await
        .expect_code("FORBIDDEN");
    app.gql(Some(&adam.token), REQUEST, json!({ "a": owner.id }))
        .await
        .expect_code("FORBIDDEN");
    app.gql(Some(&cora.token), LIST, json!({ "a": ann.id }))
        .await
        .expect_code("FORBIDDEN");

    // Ann asks; the export waits for a worker.
    let export = request(&app, &ann, None).await;
    assert_eq!(export["state"], "QUEUED");
    assert_eq!(export["athleteId"], json!(ann.id));
    assert_eq!(export["requestedBy"], json!(ann.id));
    assert_eq!(export["downloadUrl"], Value::Null);
    let id = export["id"].as_str().expect("id").to_owned();
    app.gql(Some(&ann.token), REQUEST, json!({}))
        .await
        .expect_code("CONFLICT");
    let (status, _, _) = download(&app, Some(&ann), &id).await;
    assert_eq!(status, 404, "not ready yet");

    // Bob may not follow it; Ann follows it live while the job builds it.
    let mut refused = app
        .subscribe(
            &bob.token,
            &format!("subscription {{ dataExportProgress(exportId: \"{id}\") {{ state }} }}"),
        )
        .await;
    let refusal = tokio::time::timeout(std::time::Duration::from_secs(10), refused.recv())
        .await
        .expect("an answer")
        .expect("a message");
    assert_eq!(
        refusal["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refusal}"
    );
    let mut progress = app
        .subscribe(
            &ann.token,
            &format!("subscription {{ dataExportProgress(exportId: \"{id}\") {{ exportId state stepsDone stepsTotal downloadUrl }} }}"),
        )
        .await;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), progress.recv())
        .await
        .expect("the current state at once")
        .expect("a message");
    assert_eq!(first["dataExportProgress"]["state"], "QUEUED", "{first}");
    app.drain_jobs().await;
    let mut seen = vec![first["dataExportProgress"].clone()];
    while seen.last().expect("one")["state"] != "READY" {
        let next = tokio::time::timeout(std::time::Duration::from_secs(10), progress.recv())
            .await
            .expect("progress keeps coming until the export is ready")
            .expect("a message");
        seen.push(next["dataExportProgress"].clone());
    }
    // 15 sections and 2 activities: each a step, reported in order.
    let running: Vec<i64> = seen
        .iter()
        .filter(|p| p["state"] == "RUNNING")
        .map(|p| p["stepsDone"].as_i64().expect("steps"))
        .collect();
    assert_eq!(running, (0..=17).collect::<Vec<_>>(), "{seen:?}");
    let last = seen.last().expect("ready");
    assert_eq!(last["stepsDone"], 17);
    assert_eq!(last["stepsTotal"], 17);
    let url = last["downloadUrl"].as_str().expect("a download URL");
    assert_eq!(url, app.url(&format!("/exports/{id}")));
    assert!(
        tokio::time::timeout(std::time::Duration::from_secs(5), progress.recv())
            .await
            .expect("the stream ends")
            .is_none(),
        "the stream ends once the export is ready"
    );

    let listed = app.gql(Some(&ann.token), LIST, json!({})).await;
    let listed = listed.ok()["dataExports"].clone();
    assert_eq!(listed.as_array().expect("list").len(), 1);
    assert_eq!(listed[0]["state"], "READY");
    assert_eq!(
        listed[0]["expiresAt"], "2026-03-09T12:00:00+00:00",
        "kept 7 days"
    );
    let size = listed[0]["sizeBytes"].as_i64().expect("a size");

    // Only Ann and user admins download it; everybody else gets the same 404 as for nothing.
    for (who, name) in [(&bob, "another athlete"), (&cora, "her coach")] {
        let (status, _, body) = download(&app, Some(who), &id).await;
        assert_eq!(status, 404, "{name} gets 404");
        let (missing, _, missing_body) =
            download(&app, Some(who), &uuid::Uuid::now_v7().to_string()).await;
        assert_eq!(
            (missing, missing_body),
            (404, body),
            "{name} learns nothing"
        );
    }
    let (status, _, _) = download(&app, None, &id).await;
    assert_eq!(status, 401);
    let (status, headers, archive) = download(&app, Some(&ann), &id).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"stride-export-2026-03-02.zip\""
    );
    assert_eq!(archive.len() as i64, size);
    let (status, _, by_admin) = download(&app, Some(&adam), &id).await;
    assert_eq!(status, 200, "an admin with manage_users may download it");
    assert_eq!(by_admin, archive);

    // What it holds.
    let files = stride::privacy::export::unpack(&archive).expect("a zip archive");
    let readme = String::from_utf8(files["README.md"].clone()).expect("text");
    for name in files.keys().filter(|n| !n.starts_with("activities/")) {
        assert!(readme.contains(name.as_str()), "README.md documents {name}");
    }
    assert!(
        readme.contains("does not keep the files"),
        "says originals are not kept"
    );

    let profile = json_file(&files, "profile.json");
    assert_eq!(profile["format"], "stride-export/1");
    assert_eq!(profile["user"]["email"], "ann@example.test");
    assert_eq!(profile["user"]["time_zone"], "Europe/Oslo");

    let activities = json_file(&files, "activities.json");
    let ids: Vec<&str> = activities
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        vec![plain.as_str(), with_samples.as_str()],
        "oldest first"
    );
    assert_eq!(activities[1]["name"], "Tempo by the river");
    assert_eq!(activities[1]["rpe"], 6);
    assert_eq!(activities[1]["has_samples"], true);
    assert_eq!(activities[0]["sport"], "ride");
    let detail = json_file(&files, &format!("activities/{with_samples}.json"));
    assert_eq!(detail["activity"]["id"], json!(with_samples));
    assert_eq!(detail["samples"]["time_s"], json!(time));
    assert_eq!(detail["samples"]["heart_rate"], json!(heart));
    assert_eq!(detail["samples"]["speed_mps"], json!(speed));
    assert_eq!(
        json_file(&files, &format!("activities/{plain}.json"))["samples"],
        Value::Null
    );
    assert!(
        !files.keys().any(|n| n.ends_with(".gpx")),
        "no positions are stored, so no track is made up"
    );

    let metrics = json_file(&files, "daily_metrics.json");
    let day = metrics
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["date"] == "2026-03-01")
        .expect("the morning");
    assert_eq!(day["resting_hr_bpm"], 48);
    assert_eq!(day["hrv_ms"], 71.0);
    assert_eq!(day["hrv_kind"], "rmssd");
    assert_eq!(day["sleep_duration_min"], 455);
    assert!(json_file(&files, "measurements.json").is_array());

    let plans = json_file(&files, "plans.json");
    assert_eq!(plans.as_array().expect("a list").len(), 1);
    assert_eq!(plans[0]["request"]["goal_race_name"], "Spring Half");
    assert_eq!(plans[0]["versions"][0]["version"], 1);
    assert!(
        plans[0]["workouts"]
            .as_array()
            .expect("workouts")
            .iter()
            .any(|w| w["id"] == workout),
        "the scheduled workouts are there"
    );

    let proposals = json_file(&files, "proposals.json");
    let coach_proposal = proposals
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["id"] == proposal)
        .expect("the coach's proposal");
    assert_eq!(coach_proposal["source_kind"], "coach");
    assert_eq!(coach_proposal["source_ref"], json!(cora.id));
    assert_eq!(coach_proposal["reason"], "Ease in.");

    let rules = json_file(&files, "rules.json");
    assert_eq!(rules[0]["name"], "rest-on-red");
    assert_eq!(rules[0]["versions"][0]["source"], rule_source);

    let connections = json_file(&files, "connections.json");
    assert_eq!(connections.as_array().expect("a list").len(), 1);
    assert_eq!(connections[0]["provider"], "strava");
    assert_eq!(connections[0]["external_athlete_id"], "ann-strava-77");
    assert_eq!(
        connections[0]["scopes"],
        json!(["read", "activity:read_all"])
    );

    let grants = json_file(&files, "coach_grants.json");
    assert_eq!(grants[0]["coach_id"], json!(cora.id));
    assert_eq!(grants[0]["access"], "read_write");
    assert!(json_file(&files, "tasks.json").is_array());
    let logs = json_file(&files, "logs.json");
    assert!(
        logs["days"].is_array() && logs["sessions"].is_array(),
        "{logs}"
    );
    assert!(json_file(&files, "digest.json")["emails"].is_array());
    let insights = json_file(&files, "insights.json");
    assert!(
        insights.is_null() || insights["insights"]["findings"].is_array(),
        "{insights}"
    );

    let audit = json_file(&files, "audit.json");
    assert!(
        audit
            .as_array()
            .expect("a list")
            .iter()
            .any(|e| e["action"] == "export.request"
                && e["actor_id"] == json!(ann.id)
                && e["target_id"] == json!(ann.id)),
        "her own request is in her audit trail: {audit}"
    );

    // No token, in any form, anywhere in the archive.
    let forbidden: Vec<Vec<u8>> = vec![
        ACCESS_TOKEN.as_bytes().to_vec(),
        REFRESH_TOKEN.as_bytes().to_vec(),
        access.clone(),
        refresh.clone(),
        hex(&access).into_bytes(),
        hex(&refresh).into_bytes(),
        base64(&access).into_bytes(),
        base64(&refresh).into_bytes(),
    ];
    for (name, bytes) in &files {
        for needle in &forbidden {
            assert!(!contains(bytes, needle), "{name} holds a token");
        }
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("token_enc"), "{name} names a token column");
    }
    for needle in &forbidden {
        assert!(!contains(&archive, needle), "the archive holds a token");
    }

    // The owner asks on Ann's behalf: audited with both names; Ann's next archive shows it.
    let on_behalf = request(&app, &owner, Some(&ann.id)).await;
    assert_eq!(on_behalf["requestedBy"], json!(owner.id));
    assert_eq!(on_behalf["athleteId"], json!(ann.id));
    app.drain_jobs().await;
    let entries = app
        .state
        .store
        .search_audit(
            &stride_store::AuditFilter {
                action: Some("export.request".to_owned()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .expect("audit entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].actor_id, Some(owner.id.parse().expect("uuid")));
    assert_eq!(entries[0].target_id.as_deref(), Some(ann.id.as_str()));
    let payload: Value = serde_json::from_str(&entries[0].payload).expect("payload");
    assert_eq!(payload["on_behalf"], true);
    assert_eq!(payload["export"], on_behalf["id"]);
    let second = on_behalf["id"].as_str().expect("id");
    let (status, _, archive) = download(&app, Some(&ann), second).await;
    assert_eq!(status, 200);
    let audit = json_file(
        &stride::privacy::export::unpack(&archive).expect("zip"),
        "audit.json",
    );
    assert!(
        audit
            .as_array()
            .expect("a list")
            .iter()
            .any(|e| e["action"] == "export.request"
                && e["actor_id"] == json!(owner.id)
                && e["payload"]["on_behalf"] == true),
        "the request on her behalf is in her audit trail"
    );
    assert!(
        audit
            .as_array()
            .expect("a list")
            .iter()
            .any(|e| e["action"] == "export.download" && e["actor_id"] == json!(adam.id)),
        "so is the admin's download"
    );
}

#[tokio::test]
async fn archives_expire_after_a_week_and_go_with_the_account() {
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let first = request(&app, &ann, None).await;
    app.drain_jobs().await;
    let first = first["id"].as_str().expect("id").to_owned();
    let (status, _, archive) = download(&app, Some(&ann), &first).await;
    assert_eq!(status, 200);
    assert!(!archive.is_empty());

    // A week later the archive is gone; the list says so.
    app.clock.advance(chrono::TimeDelta::days(7));
    let listed = app.gql(Some(&ann.token), LIST, json!({})).await;
    let listed = listed.ok()["dataExports"].clone();
    assert_eq!(listed[0]["state"], "EXPIRED");
    assert_eq!(listed[0]["downloadUrl"], Value::Null);
    let (status, _, _) = download(&app, Some(&ann), &first).await;
    assert_eq!(status, 404);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM data_export_chunks").await,
        0,
        "the archive's bytes are deleted"
    );

    // Bob's and Ann's fresh archives; deleting Ann's account deletes hers, not his.
    request(&app, &ann, None).await;
    let bobs = request(&app, &bob, None).await;
    app.drain_jobs().await;
    assert!(count(&app, "SELECT COUNT(*) FROM data_export_chunks").await >= 2);
    let ann_id = id_literal(&app, &ann.id);
    let bob_id = id_literal(&app, &bob.id);
    if app.database_url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&app.database_url)
            .await
            .expect("connect");
        sqlx::query(&format!("DELETE FROM users WHERE id = {ann_id}"))
            .execute(&mut conn)
            .await
            .expect("delete");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .expect("connect");
        sqlx::query(&format!("DELETE FROM users WHERE id = {ann_id}"))
            .execute(&mut conn)
            .await
            .expect("delete");
    }
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM data_exports WHERE user_id = {ann_id}")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM data_exports WHERE user_id = {bob_id}")
        )
        .await,
        1
    );
    let (status, _, _) = download(&app, Some(&bob), bobs["id"].as_str().expect("id")).await;
    assert_eq!(status, 200, "Bob's archive is untouched");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM data_export_chunks c JOIN data_exports e ON e.id = c.export_id WHERE e.state = 'ready'"
        )
        .await,
        count(&app, "SELECT COUNT(*) FROM data_export_chunks").await,
        "no chunk outlives its export"
    );
}

#[tokio::test]
async fn a_large_archive_is_stored_in_chunks_and_downloads_whole() {
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let run = app
        .gql(
            Some(&ann.token),
            "mutation { logActivity(input: { sport: RUN, startTime: \"2026-03-01T07:00:00Z\", durationSeconds: 86000 }) { id } }",
            json!({}),
        )
        .await;
    let run = run.ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // A day-long recording whose values barely compress: the archive spans several chunks.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut noise = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let n = 80_000;
    let samples = json!({
        "time_s": (0..n).map(f64::from).collect::<Vec<_>>(),
        "heart_rate": (0..n).map(|_| 100.0 + 80.0 * noise()).collect::<Vec<_>>(),
        "altitude_m": (0..n).map(|_| 1000.0 * noise()).collect::<Vec<_>>(),
    });
    let store = &app.state.store;
    let mut tx = store.begin().await.expect("transaction");
    store
        .set_activity_samples(
            &mut tx,
            run.parse().expect("uuid"),
            Some(&samples.to_string()),
        )
        .await
        .expect("samples");
    tx.commit().await.expect("commit");

    let export = request(&app, &ann, None).await;
    app.drain_jobs().await;
    let id = export["id"].as_str().expect("id");
    let chunks = count(&app, "SELECT COUNT(*) FROM data_export_chunks").await;
    assert!(chunks >= 2, "{chunks} chunk(s)");
    let (status, _, archive) = download(&app, Some(&ann), id).await;
    assert_eq!(status, 200);
    assert!(archive.len() > 1 << 20, "{} bytes", archive.len());
    let files = stride::privacy::export::unpack(&archive).expect("the chunks make one zip");
    let detail = json_file(&files, &format!("activities/{run}.json"));
    assert_eq!(detail["samples"], samples, "every sample, exactly");
}
