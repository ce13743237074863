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
