//! Cursor pagination walks a list without gaps or repeats, including ties on the sort key and
//! rows written while paging.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;
use stride_e2e::{Session, TestApp};

async fn page_through(
    app: &TestApp,
    who: &Session,
    list: &str,
    node: &str,
    filter: &str,
    first: usize,
) -> Vec<serde_json::Value> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..100 {
        let query = format!(
            "query($after: String) {{ {list}({filter} first: {first}, after: $after) {{ edges {{ cursor node {{ {node} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let answer = app
            .gql(Some(&who.token), &query, json!({ "after": after }))
            .await;
        let page = answer.ok()[list].clone();
        let edges = page["edges"].as_array().cloned().unwrap_or_default();
        assert!(edges.len() <= first);
        seen.extend(edges.into_iter().map(|e| e["node"].clone()));
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return seen;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    panic!("pagination did not end");
}

#[tokio::test]
async fn activities_page_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let base = Utc
        .with_ymd_and_hms(2026, 1, 1, 6, 0, 0)
        .single()
        .expect("instant");
    // 45 activities over 30 days; every third shares its start time with the one before.
    let mut expected = Vec::new();
    for i in 0..45i64 {
        let start = base + Duration::hours(16 * (i - i % 3 / 2));
        let answer = app
            .gql(
                Some(&ann.token),
                "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
                json!({ "i": { "sport": "RIDE", "name": format!("ride {i}"), "startTime": start.to_rfc3339(), "durationSeconds": 3600 } }),
            )
            .await;
        expected.push((
            start,
            answer.ok()["logActivity"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        ));
    }
    expected.sort_by(|a, b| b.cmp(a));

    for first in [1, 7, 45, 200] {
        let nodes = page_through(&app, &ann, "activities", "id startTime", "", first).await;
        let ids: Vec<String> = nodes
            .iter()
            .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(ids.len(), 45, "page size {first}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            45,
            "no repeats at page size {first}"
        );
        let want: Vec<String> = expected.iter().map(|(_, id)| id.clone()).collect();
        assert_eq!(ids, want, "newest first, ties by id, page size {first}");
    }

    // Date filters are inclusive calendar days in the athlete's zone.
    let filtered = page_through(
        &app,
        &ann,
        "activities",
        "localDate",
        "from: \"2026-01-05\", to: \"2026-01-10\",",
        4,
    )
    .await;
    assert!(!filtered.is_empty());
    for node in &filtered {
        let day: NaiveDate = node["localDate"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .expect("date");
        assert!(
            (NaiveDate::from_ymd_opt(2026, 1, 5).expect("d")
                ..=NaiveDate::from_ymd_opt(2026, 1, 10).expect("d"))
                .contains(&day)
        );
    }
    let bad = app
        .gql(
            Some(&ann.token),
            "{ activities(from: \"2026-02-01\", to: \"2026-01-01\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(bad.bad_fields(), ["from"]);
    let too_many = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 500) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(too_many.bad_fields(), ["first"]);
    let forged = app
        .gql(
            Some(&ann.token),
            "{ activities(after: \"not-a-cursor\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(forged.bad_fields(), ["after"]);
}

#[tokio::test]
async fn a_row_added_while_paging_does_not_shift_later_pages() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let log = "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }";
    for day in 1..=10 {
        let start = format!("2026-02-{day:02}T07:00:00Z");
        app.gql(
            Some(&ann.token),
            log,
            json!({ "i": { "sport": "SWIM", "startTime": start, "durationSeconds": 1800 } }),
        )
        .await
        .ok();
    }
    let first = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 4) { edges { node { id } } pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = first.ok()["activities"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    // A newer activity arrives between pages; the next page continues where the first ended.
    app.gql(Some(&ann.token), log, json!({ "i": { "sport": "SWIM", "startTime": "2026-02-20T07:00:00Z", "durationSeconds": 1800 } })).await.ok();
    let second = app
        .gql(Some(&ann.token), "query($a: String) { activities(first: 10, after: $a) { edges { node { startTime } } } }", json!({ "a": cursor }))
        .await;
    let starts: Vec<&str> = second.ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["startTime"].as_str())
        .collect();
    assert_eq!(starts.len(), 6);
    assert!(starts[0].starts_with("2026-02-06"), "{starts:?}");
}

#[tokio::test]
async fn daily_metrics_page_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    for offset in 0..40 {
        let day = start + Duration::days(offset);
        app.gql(
            Some(&ann.token),
            "mutation($i: DailyMetricsInput!) { logDailyMetrics(input: $i) { id } }",
            json!({ "i": { "date": day.to_string(), "restingHeartRate": 45 + (offset % 10) } }),
        )
        .await
        .ok();
    }
    let nodes = page_through(&app, &ann, "dailyMetrics", "date", "", 6).await;
    let dates: Vec<&str> = nodes.iter().filter_map(|n| n["date"].as_str()).collect();
    assert_eq!(dates.len(), 40);
    assert_eq!(dates.first(), Some(&"2026-02-09"));
    assert_eq!(dates.last(), Some(&"2026-01-01"));
    assert!(
        dates.windows(2).all(|w| w[0] > w[1]),
        "strictly newest first"
    );
    let january = page_through(
        &app,
        &ann,
        "dailyMetrics",
        "date",
        "from: \"2026-01-10\", to: \"2026-01-19\",",
        3,
    )
    .await;
    assert_eq!(january.len(), 10);
}

/// Logs a half-hour run `hours` after the start of 2026; its id.
async fn log_run(app: &TestApp, who: &Session, name: &str, hours: i64) -> String {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("instant")
        + Duration::hours(hours);
    app.gql(
        Some(&who.token),
        "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
        json!({ "i": { "sport": "RUN", "name": name, "startTime": start.to_rfc3339(), "durationSeconds": 1800 } }),
    )
    .await
    .ok()["logActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// The names on the first page of `first` activities, and whether there is a next page.
async fn first_page(app: &TestApp, who: &Session, first: u32) -> (Vec<String>, bool) {
    let page = app
        .gql(
            Some(&who.token),
            "query($n: Int) { activities(first: $n) { nodes { name } pageInfo { hasNextPage } } }",
            json!({ "n": first }),
        )
        .await
        .ok()["activities"]
        .clone();
    let names = page["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["name"].as_str().expect("name").to_owned())
        .collect();
    (names, page["pageInfo"]["hasNextPage"] == json!(true))
}

/// The first page of the activity list is served from memory, yet every write is in the very
/// next list, and a write on another replica soon after.
#[tokio::test]
async fn the_cached_first_page_follows_every_write_on_every_replica() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    for (hours, name) in [(0, "one"), (1, "two"), (2, "three")] {
        log_run(&app, &ann, name, hours).await;
    }
    // Cached by the first list; the page size only cuts the cached page.
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        first_page(&app, &ann, 20).await,
        (names(&["three", "two", "one"]), false)
    );
    assert_eq!(
        first_page(&app, &ann, 2).await,
        (names(&["three", "two"]), true)
    );
    assert!(
        !first_page(&app, &ann, 3).await.1,
        "exactly three: no next page"
    );

    // Each kind of write is in the next list.
    let four = log_run(&app, &ann, "four", 3).await;
    assert_eq!(first_page(&app, &ann, 2).await.0, ["four", "three"]);
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { updateActivity(id: $id, input: { name: \"four, renamed\" }) { id } }",
        json!({ "id": four }),
    )
    .await
    .ok();
    assert_eq!(first_page(&app, &ann, 1).await.0, ["four, renamed"]);
    app.gql(
        Some(&ann.token),
        "mutation($id: ID!) { deleteActivity(id: $id) }",
        json!({ "id": four }),
    )
    .await
    .ok();
    assert_eq!(first_page(&app, &ann, 20).await.0, ["three", "two", "one"]);

    // Past the cached page (more than 50 asked) the list is read from the database: the same
    // order.
    for hours in 10..70 {
        log_run(&app, &ann, &format!("run {hours}"), hours).await;
    }
    let (cached, more) = first_page(&app, &ann, 50).await;
    let (read, _) = first_page(&app, &ann, 60).await;
    assert!(more);
    assert_eq!(cached.first().map(String::as_str), Some("run 69"));
    assert_eq!(
        cached[..],
        read[..50],
        "the cached page is the database's first page"
    );

    if !app.on_postgres() {
        // SQLite belongs to one process: there are no other replicas.
        return;
    }
    let replica = app.spawn_replica().await;
    assert_eq!(first_page(&replica, &ann, 1).await.0, ["run 69"]);
    log_run(&app, &ann, "from the first replica", 100).await;
    let mut seen = Vec::new();
    for _ in 0..250 {
        seen = first_page(&replica, &ann, 1).await.0;
        if seen != ["run 69"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        seen,
        ["from the first replica"],
        "the other replica's cached page follows"
    );
    replica.stop().await;
}
