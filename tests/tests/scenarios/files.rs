//! File import through the API: real device files (recorded by other projects, in
//! `../shared/fixtures/files/`) uploaded in one GraphQL multipart request become activities
//! with the values an independent reader gives; a broken file gets its own error; the same
//! file again changes nothing; and a workout a provider already delivered is kept as its copy.

use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

fn shared(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/files")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn import(app: &TestApp, who: &Session, files: &[(&str, Vec<u8>)]) -> Vec<Value> {
    app.import_files(who, "files", files).await
}

async fn activities(app: &TestApp, who: &Session) -> Vec<Value> {
    app.gql(
        Some(&who.token),
        "{ activities(first: 20) { edges { node { source sport sportDetail device startTime durationSeconds movingTimeSeconds distanceMeters elevationGainMeters averageHeartRate maxHeartRate energyKcal hasSamples laps { distanceMeters } copies { source } } } } }",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_files_upload_with_independent_values_and_per_file_errors() {
    let app = TestApp::spawn().await;
    app.install_plugin("files").await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let fit = shared("fitparse_activity-small-fenix2-run.fit");
    let results = import(
        &app,
        &ann,
        &[
            ("fenix2-run.fit", fit.clone()),
            ("walk.gpx", shared("georust-gpx_garmin-activity.gpx")),
            ("broken.fit", shared("fitparse_activity-unexpected-eof.fit")),
            ("empty.gpx", Vec::new()),
        ],
    )
    .await;
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["activities"], 1, "{results:?}");
    assert_eq!(results[1]["activities"], 1, "{results:?}");
    for broken in &results[2..] {
        assert_eq!(broken["activities"], 0);
        let said = format!("{}{}", broken["error"], broken["problems"]);
        assert!(
            said.contains(broken["fileName"].as_str().unwrap_or("?")),
            "the error names the file: {broken}"
        );
    }

    let listed = activities(&app, &ann).await;
    assert_eq!(listed.len(), 2);
    let run = listed
        .iter()
        .find(|a| a["device"] == "garmin fenix2")
        .expect("the Fenix run");
    // fitdecode's reading of the same file: session elapsed 2832 s, 9008.22 m, 64 m ascent,
    // 516 kcal, heart rate 154 average and 178 maximum.
    assert_eq!(run["source"], "files");
    assert_eq!(run["sport"], "RUN");
    assert_eq!(run["durationSeconds"], 2832);
    assert!((run["distanceMeters"].as_f64().unwrap_or_default() - 9008.22).abs() < 0.01);
    assert_eq!(run["elevationGainMeters"], 64.0);
    assert_eq!(run["energyKcal"], 516.0);
    assert_eq!(run["averageHeartRate"], 154.0);
    assert_eq!(run["maxHeartRate"], 178.0);
    assert_eq!(run["hasSamples"], true);
    assert!(!run["laps"].as_array().expect("laps").is_empty());

    // The same file again (renamed): the same activity, not a second one.
    let again = import(&app, &ann, &[("again.fit", fit)]).await;
    assert_eq!(again[0]["activities"], 1);
    assert_eq!(activities(&app, &ann).await.len(), 2);
}

/// A file this repository commits (fixtures of the `files` plugin and `stride-formats`).
fn committed(path: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garmin_export_of_inner_zips_imports_every_file_and_a_triathlon_counts_once() {
    let app = TestApp::spawn().await;
    // The triathlon was raced on 2026-06-07: the server's day is after it.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-06-10T12:00:00Z")
            .expect("a time")
            .to_utc(),
    );
    app.install_plugin("files").await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    // Baselines, so every activity with heart rate gets a TRIMP load.
    app.gql(
        Some(&ann.token),
        "mutation { updateBaselines(input: { restingHeartRate: 50, maxHeartRate: 190 }) { maxHeartRate } }",
        json!({}),
    )
    .await
    .ok();

    // A Garmin-like export (made by plugins/files/fixtures/make_nested.py): the uploaded
    // files are in DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip
    // (compressed: a Fenix run, a GPX, a truncated FIT) and _Part2.zip (stored: a gzipped
    // TCX and a triathlon FIT of five legs).
    let export = committed("plugins/files/fixtures/nested-export-whole/ann_garmin_export.zip");
    let results = import(&app, &ann, &[("ann_garmin_export.zip", export.clone())]).await;
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["error"], Value::Null, "{result}");
    // Run, GPX, TCX and five legs; the truncated file is the one problem, named by its path.
    assert_eq!(result["activities"], 8, "{result}");
    let problems = result["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{result}");
    assert_eq!(
        problems[0]["item"],
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!ann_1003.fit"
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("truncated")),
        "{result}"
    );

    let listed = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 50) { edges { node { externalId parentExternalId sport sportDetail device startTime durationSeconds distanceMeters averageHeartRate trimp hasSamples } } } }",
            json!({}),
        )
        .await
        .ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect::<Vec<Value>>();
    assert_eq!(listed.len(), 8, "{listed:?}");
    // Every inner file arrived: the Fenix run with fitdecode's values.
    let run = listed
        .iter()
        .find(|a| a["device"] == "garmin fenix2")
        .expect("the Fenix run");
    assert_eq!(run["durationSeconds"], 2832);
    assert!((run["distanceMeters"].as_f64().unwrap_or_default() - 9008.22).abs() < 0.01);
    // The gzipped TCX (1,992 s) and the GPX (Wahoo's 3 points) of the other inner files.
    assert!(listed.iter().any(|a| a["durationSeconds"] == 1992));
    assert!(
        listed
            .iter()
            .any(|a| a["device"] == "http://ridewithgps.com/")
    );

    // The triathlon: five legs, each pointing at the file's id; the whole is not stored.
    let mut legs: Vec<&Value> = listed
        .iter()
        .filter(|a| !a["parentExternalId"].is_null())
        .collect();
    legs.sort_by_key(|a| a["startTime"].as_str().unwrap_or_default().to_owned());
    assert_eq!(legs.len(), 5, "{listed:?}");
    let parent = legs[0]["parentExternalId"].as_str().expect("parent id");
    assert!(legs.iter().all(|l| l["parentExternalId"] == parent));
    assert!(
        listed.iter().all(|a| a["externalId"] != parent),
        "the whole is not a stored activity"
    );
    let sports: Vec<&str> = legs
        .iter()
        .map(|l| l["sport"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(sports, ["SWIM", "OTHER", "RIDE", "OTHER", "RUN"]);
    // fitdecode's reading (sdk/formats/tests/golden/multisport.py): 1500, 120, 3600, 90 and
    // 2400 s; 1490, 88, 35900, 48 and 9841.2 m; heart rate 136, 146, 148, 155, 164.
    let durations: Vec<i64> = legs
        .iter()
        .map(|l| l["durationSeconds"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(durations, [1500, 120, 3600, 90, 2400]);
    let distances: Vec<f64> = legs
        .iter()
        .map(|l| l["distanceMeters"].as_f64().unwrap_or(-1.0))
        .collect();
    assert_eq!(distances, [1490.0, 88.0, 35900.0, 48.0, 9841.2]);
    let hrs: Vec<f64> = legs
        .iter()
        .map(|l| l["averageHeartRate"].as_f64().unwrap_or(-1.0))
        .collect();
    assert_eq!(hrs, [136.0, 146.0, 148.0, 155.0, 164.0]);
    assert!(legs.iter().all(|l| l["hasSamples"] == true));

    // Load once: the legs' time is the race's 7,710 s and no more, and the day's TRIMP is
    // the legs' sum (each leg has its own).
    assert_eq!(durations.iter().sum::<i64>(), 7710);
    let leg_trimp: Vec<f64> = legs
        .iter()
        .map(|l| l["trimp"].as_f64().expect("a TRIMP per leg"))
        .collect();
    assert!(leg_trimp.iter().all(|t| *t > 0.0), "{leg_trimp:?}");
    let race_day: Vec<&Value> = listed
        .iter()
        .filter(|a| {
            a["startTime"]
                .as_str()
                .is_some_and(|t| t.starts_with("2026-06-07"))
        })
        .collect();
    assert_eq!(race_day.len(), 5, "only the legs on race day");
    let day_trimp: f64 = race_day.iter().filter_map(|a| a["trimp"].as_f64()).sum();
    assert!((day_trimp - leg_trimp.iter().sum::<f64>()).abs() < 1e-9);

    // The same export again: nothing new.
    let again = import(&app, &ann, &[("again.zip", export)]).await;
    assert_eq!(again[0]["activities"], 8, "{again:?}");
    let count = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .ok()["activities"]["edges"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(count, 8);
}

/// An export of years, sent with `startFileImport`, is stored at once and read as a job: the
/// athlete follows it over the `backfillProgress` subscription, the job hands on to a fresh
/// run after each plugin call here (a slice of 0 s) and carries on from the plugin's cursor,
/// the end result is the same as reading it in the request, and the stored upload is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_import_runs_as_a_job_with_progress_over_the_subscription() {
    let app = TestApp::spawn_with(|c| {
        c.imports.slice_s = 0;
        c.imports.progress_ms = 0;
        // Small pieces, so each file is kept as several.
        c.imports.chunk_bytes = 64 << 10;
        let mut files = stride::config::PluginSettings::default();
        files
            .settings
            .insert("files_per_call".to_owned(), "1".to_owned());
        c.plugin.insert("files".to_owned(), files);
    })
    .await;
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-06-10T12:00:00Z")
            .expect("a time")
            .to_utc(),
    );
    app.install_plugin("files").await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let coach = app.invite_user(&owner, "COACH", "coach@example.test").await;

    let export = committed("plugins/files/fixtures/nested-export-whole/ann_garmin_export.zip");
    let files = [
        ("ann_garmin_export.zip", export),
        ("walk.gpx", shared("georust-gpx_garmin-activity.gpx")),
        ("empty.fit", Vec::new()),
    ];
    let start = "mutation($files: [Upload!]!, $athlete: ID) { startFileImport(files: $files, athleteId: $athlete) { id status files { name size } filesDone } }";

    // Nobody imports for an athlete who has not granted them read-write access.
    let refused = app
        .gql_upload(
            &coach.token,
            start,
            json!({ "athlete": ann.id }),
            &files[1..2],
        )
        .await;
    assert!(refused.body["errors"].is_array(), "{}", refused.body);

    let started = app.gql_upload(&ann.token, start, json!({}), &files).await;
    let run = started.ok()["startFileImport"].clone();
    let id = run["id"].as_str().expect("an id").to_owned();
    assert_eq!(run["files"].as_array().map(Vec::len), Some(3), "{run}");
    assert_eq!(run["files"][1]["size"], files[1].1.len() as f64);

    let mut updates = app
        .subscribe(
            &ann.token,
            r#"subscription { backfillProgress(provider: "files") { status pagesDone activitiesDone note } }"#,
        )
        .await;
    let mut seen = Vec::new();
    let last = loop {
        let update = tokio::time::timeout(std::time::Duration::from_secs(60), updates.recv())
            .await
            .expect("progress within a minute")
            .expect("the subscription stays open until the import is done");
        assert!(update["errors"].is_null(), "{update}");
        let progress = update["backfillProgress"].clone();
        seen.push(progress.clone());
        if progress["status"] == "done" || progress["status"] == "failed" {
            break progress;
        }
    };
    assert_eq!(last["status"], "done", "{seen:?}");
    // The Garmin export's eight activities and the GPX walk.
    assert_eq!(last["activitiesDone"], 9, "{seen:?}");
    let note = last["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("9 activities") && note.contains("2 problems"),
        "{note}"
    );
    // Progress moved in steps and never went back.
    let counts: Vec<i64> = seen
        .iter()
        .map(|p| p["activitiesDone"].as_i64().unwrap_or(-1))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(
        seen.iter().any(|p| p["status"] == "running"),
        "at least one update while running: {seen:?}"
    );

    // The import as listed: each problem named by its file.
    let listed = app
        .gql(
            Some(&ann.token),
            "query($id: ID!) { fileImport(id: $id) { status filesDone filesRead activities duplicates problems { item message } finishedAt } fileImports { id } }",
            json!({ "id": id }),
        )
        .await;
    let import = listed.ok()["fileImport"].clone();
    assert_eq!(import["status"], "done");
    assert_eq!(import["filesDone"], 3);
    assert_eq!(import["activities"], 9);
    let problems = import["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{import}");
    assert_eq!(
        problems[0]["item"],
        "ann_garmin_export.zip: DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!ann_1003.fit"
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("truncated"))
    );
    assert_eq!(problems[1]["item"], "empty.fit", "{import}");
    assert_eq!(listed.ok()["fileImports"][0]["id"], id.as_str());
    assert!(!import["finishedAt"].is_null());

    // The job handed on after every call and each run carried on where the last stopped.
    let ann_id = uuid::Uuid::parse_str(&ann.id).expect("uuid");
    let runs = app
        .state
        .store
        .jobs_for(ann_id, 500)
        .await
        .expect("jobs")
        .iter()
        .filter(|j| j.kind == "files.import")
        .count();
    assert!(runs >= 4, "{runs} runs");
    let uuid = uuid::Uuid::parse_str(&id).expect("uuid");
    assert_eq!(
        app.state
            .store
            .file_import_kept_bytes(uuid)
            .await
            .expect("kept"),
        0,
        "the stored upload is gone once read"
    );
    let count = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await
        .ok()["activities"]["edges"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(count, 9);

    // Another athlete neither sees it nor can follow it.
    let theirs = app
        .gql(
            Some(&bob.token),
            "query($id: ID!) { fileImport(id: $id) { id } fileImports { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(theirs.ok()["fileImport"], Value::Null);
    assert_eq!(theirs.ok()["fileImports"], json!([]));
}

/// An import whose stored upload cannot be read back fails each attempt; after the last one
/// it ends as failed, naming the file it stopped at, instead of showing "running" for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_that_fails_every_attempt_ends_as_failed_and_says_where() {
    let app = TestApp::spawn_with(|c| {
        c.jobs.workers = 0;
        c.jobs.attempts.insert("files.import".to_owned(), 2);
    })
    .await;
    app.install_plugin("files").await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let files = [("walk.gpx", shared("georust-gpx_garmin-activity.gpx"))];
    let started = app
        .gql_upload(
            &ann.token,
            "mutation($files: [Upload!]!) { startFileImport(files: $files) { id status } }",
            json!({}),
            &files,
        )
        .await;
    let id = started.ok()["startFileImport"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let uuid = uuid::Uuid::parse_str(&id).expect("uuid");
    // The stored upload is lost (a restore from an older backup, a disk fault).
    app.state
        .store
        .drop_file_import_chunks(uuid, i32::MAX)
        .await
        .expect("dropped");

    let status = || async {
        app.gql(
            Some(&ann.token),
            "query($id: ID!) { fileImport(id: $id) { status problems { item message } finishedAt } }",
            json!({ "id": id }),
        )
        .await
        .ok()["fileImport"]
            .clone()
    };
    // The first attempt fails and is retried later.
    app.drain_jobs().await;
    let first = status().await;
    assert_ne!(first["status"], "failed", "{first}");
    assert!(first["finishedAt"].is_null(), "{first}");

    // The last attempt fails for good, and the import says so.
    app.clock.advance(chrono::TimeDelta::hours(2));
    app.drain_jobs().await;
    let last = status().await;
    assert_eq!(last["status"], "failed", "{last}");
    assert!(!last["finishedAt"].is_null(), "{last}");
    let problems = last["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{last}");
    assert_eq!(problems[0]["item"], "walk.gpx");
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("after every retry")),
        "{last}"
    );
    let ann_id = uuid::Uuid::parse_str(&ann.id).expect("uuid");
    let jobs = app.state.store.jobs_for(ann_id, 50).await.expect("jobs");
    let import_job = jobs
        .iter()
        .find(|j| j.kind == "files.import")
        .expect("the job");
    assert_eq!(import_job.state, "failed", "{import_job:?}");
    // Nothing of the upload is kept.
    assert_eq!(
        app.state
            .store
            .file_import_kept_bytes(uuid)
            .await
            .expect("kept"),
        0
    );
    // The athlete's history-import status reports the failure too.
    let backfill = app
        .gql(
            Some(&ann.token),
            r#"{ backfill(provider: "files") { status note } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        backfill.ok()["backfill"]["status"],
        "failed",
        "{:?}",
        backfill.body
    );
    app.stop().await;
}
