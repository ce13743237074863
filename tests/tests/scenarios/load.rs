//! A short smoke of the whole-server load generator (`stride-load`), so that it keeps working:
//! it seeds athletes through the API and every kind of request it sends succeeds. The real
//! measurements are in BENCHMARKS.md; nothing here is timed.

use std::time::Duration;

use stride_e2e::TestApp;
use stride_e2e::load::{self, RunOptions, SeedOptions};

#[tokio::test]
async fn the_load_generator_seeds_athletes_and_every_request_it_sends_succeeds() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let url = app.url("");
    let url = url.trim_end_matches('/');
    let client = load::client(8);
    let options = SeedOptions {
        athletes: 4,
        activities_per_athlete: 3,
        concurrency: 4,
        domain: "load.example.test".to_owned(),
        now: app.clock_now(),
    };
    let population = load::seed(&client, url, &owner.token, &options, |_| {})
        .await
        .expect("seeded");
    assert_eq!(population.athletes.len(), 4);
    let ids: std::collections::BTreeSet<_> =
        population.athletes.iter().map(|a| a.id.clone()).collect();
    assert_eq!(ids.len(), 4, "four distinct athletes");
    let stored = app
        .gql(
            Some(&population.athletes[0].token),
            "{ activities(first: 20) { nodes { id } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        stored.ok()["activities"]["nodes"].as_array().map(Vec::len),
        Some(3)
    );

    let report = load::run(
        url,
        &population,
        &RunOptions {
            users: 8,
            duration: Duration::from_millis(1_500),
            warmup: Duration::from_millis(200),
            mix: "healthz=1,home=1,dashboard=1,activities=1,log=1"
                .parse()
                .expect("a mix"),
            rate: None,
            threads: 2,
        },
    )
    .await
    .expect("a run");
    assert_eq!(report.errors, 0, "{}", report.table());
    let kinds: Vec<&str> = report.ops.iter().map(|o| o.op).collect();
    assert_eq!(
        kinds,
        ["healthz", "home", "dashboard", "activities", "log"],
        "{}",
        report.table()
    );
    assert!(report.ops.iter().all(|o| o.count > 0));

    // Open loop: a fixed schedule, whatever the server does.
    let report = load::run(
        url,
        &population,
        &RunOptions {
            users: 4,
            duration: Duration::from_secs(1),
            warmup: Duration::ZERO,
            mix: "dashboard=1".parse().expect("a mix"),
            rate: Some(50.0),
            threads: 2,
        },
    )
    .await
    .expect("a run");
    assert_eq!(report.errors, 0, "{}", report.table());
    let sent = report.ops[0].count;
    assert!(
        (40..=51).contains(&sent),
        "about 50 requests in the second, not {sent}"
    );
}
