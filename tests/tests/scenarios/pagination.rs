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
