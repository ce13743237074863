//! Strava end to end against the fake: connect, backfill through a 429 and the shared rate
//! budget, webhooks delivered repeatedly and out of order, deauthorization, token refresh,
//! the brake, refused records and the athlete's to-dos.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use stride_domain::clock::Clock;
use stride_e2e::fake_strava::Faults;
use stride_e2e::strava_world::{
    VERIFY_TOKEN, athlete_activities, authorize, backfill, connect, open, settle, world,
};
use stride_e2e::{test_epoch, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_and_backfill_500_activities_through_a_429_and_the_shared_budget() {
    // 20 per page: 25 full pages and an empty one; at most 10 reads per 15 minutes.
    let w = world(20, 10, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    let ids = w
        .fake
        .add_history(5001, 500, test_epoch() - TimeDelta::days(1));
    assert_eq!(connect(&w, &ann, 5001, None).await, 200);

    // A 429 storm in the middle of the import.
    wait_for("the first pages", 30, || async {
        (backfill(&w, &ann).await["pagesDone"].as_i64().unwrap_or(0) >= 3).then_some(())
    })
    .await;
    w.fake.set_faults(Faults {
        storm_429: 2,
        ..Faults::default()
    });
    let deferred = wait_for("a deferral", 30, || async {
        let b = backfill(&w, &ann).await;
        (b["status"] == "deferred").then_some(b)
    })
    .await;
    let until: DateTime<Utc> = deferred["deferredUntil"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("deferred until");
    assert!(
        until > w.clock.now(),
        "deferred to the window's reset, not failed: {deferred}"
    );
    assert_eq!(
        until.timestamp() % 900,
        0,
        "Strava's windows reset on the quarter hour"
    );

    settle(&w, &ann).await;
    let done = backfill(&w, &ann).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["activitiesDone"], 500);
    let stored = athlete_activities(&w, &ann).await;
    let stored_ids: Vec<String> = stored
        .iter()
        .filter_map(|a| a["externalId"].as_str().map(str::to_owned))
        .collect();
    let unique: BTreeSet<&String> = stored_ids.iter().collect();
    assert_eq!(stored_ids.len(), 500, "nothing doubled");
    let expected: BTreeSet<String> = ids.iter().map(u64::to_string).collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "nothing missing"
    );
    assert!(stored.iter().all(|a| a["source"] == "strava"));
    // Heart rate keeps the tenth Strava reports (137.3 … 156.3), not whole beats.
    let rates: Vec<f64> = stored
        .iter()
        .filter_map(|a| a["averageHeartRate"].as_f64())
        .collect();
    assert!(!rates.is_empty());
    assert!(
        rates
            .iter()
            .all(|hr| ((hr * 10.0).round() as i64) % 10 == 3),
        "{rates:?}"
    );
    assert!(rates.contains(&156.3));
    assert!(
        stored.iter().any(|a| a["sport"] == "TRAIL_RUN"),
        "sport_type is read"
    );
    // The host held back at the limit: only the injected storm was refused.
    assert!(
        w.fake.peak_usage("read", "short") <= 10 + 2,
        "peak {}",
        w.fake.peak_usage("read", "short")
    );
    assert_eq!(w.fake.rejected_429(), 2);
    assert_eq!(
        w.fake.served("GET /athlete/activities"),
        26 + 2,
        "each page fetched once (plus the two refused)"
    );

    // Only recent imports ask for effort: nobody remembers how a run felt a
    // year ago (activities start at 06:00 on each of the last 500 days, the
    // newest yesterday; `training.ask_effort_within_hours` is 48).
    let tasks = w
        .app
        .gql(
            Some(&ann.token),
            "{ myTasks { kind activity { id externalId } } }",
            json!({}),
        )
        .await;
    let tasks = tasks.ok()["myTasks"].as_array().cloned().expect("tasks");
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    let first = tasks[0]["activity"]["id"].as_str().expect("id").to_owned();
    w.app
        .gql(
            Some(&ann.token),
            "mutation($id: ID!) { setActivityRpe(id: $id, rpe: 4) { id } }",
            json!({ "id": first }),
        )
        .await
        .ok();
    let tasks = w
        .app
        .gql(Some(&ann.token), "{ myTasks { kind } }", json!({}))
        .await;
    assert_eq!(tasks.ok()["myTasks"].as_array().map(Vec::len), Some(1));

    // The tokens are encrypted at rest.
    let connection = w
        .app
        .state
        .store
        .connection(ann.id.parse().expect("uuid"), "strava")
        .await
        .expect("db")
        .expect("connection");
    assert_eq!(connection.status, stride_store::ConnectionStatus::Active);
    assert_eq!(connection.scopes, "read,activity:read_all");
    let sealed = connection.access_token_enc.expect("stored");
    assert!(
        sealed.len() > 28 && !sealed.is_ascii(),
        "ciphertext, not the token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_delivered_repeatedly_and_out_of_order_end_in_the_right_state() {
    let w = world(50, 100, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    let existing = w
        .fake
        .add_history(7001, 3, test_epoch() - TimeDelta::days(1));
    assert_eq!(connect(&w, &ann, 7001, None).await, 200);
    settle(&w, &ann).await;

    // A wrong verify token is refused, then the real subscription validates through Stride.
    let refused = w
        .fake
        .subscribe(&w.app.url("/webhooks/strava"), "wrong-token")
        .await;
    assert_eq!(refused.status(), 400);
    let created = w
        .fake
        .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
        .await;
    assert_eq!(created.status(), 201);

    let new = w
        .fake
        .create_activity(7001, w.clock.now() - TimeDelta::hours(2), "Lunch run");
    w.fake.update_activity(
        7001,
        existing[0],
        json!({ "name": "Renamed on Strava", "private": true }),
    );
    w.fake.delete_activity(7001, existing[1]);
    let create = w.fake.activity_event(7001, new, "create", json!({}));
    let update = w.fake.activity_event(
        7001,
        existing[0],
        "update",
        json!({ "title": "Renamed on Strava", "private": "true" }),
    );
    let delete = w
        .fake
        .activity_event(7001, existing[1], "delete", json!({}));
    // Each event three times, shuffled: an update before its activity's create, a delete first.
    w.fake
        .deliver_all(&[
            delete.clone(),
            update.clone(),
            create.clone(),
            update.clone(),
            create.clone(),
            delete.clone(),
            create,
            delete,
            update,
        ])
        .await;
    assert!(
        w.fake
            .deliveries()
            .iter()
            .all(|(status, latency)| *status == 200 && latency.as_millis() < 2_000),
        "{:?}",
        w.fake.deliveries()
    );
    settle(&w, &ann).await;

    let stored = athlete_activities(&w, &ann).await;
    let by_id = |id: u64| {
        stored
            .iter()
            .find(|a| a["externalId"].as_str() == Some(id.to_string().as_str()))
            .cloned()
    };
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(
        by_id(new).map(|a| a["name"].clone()),
        Some(json!("Lunch run"))
    );
    assert_eq!(
        by_id(existing[0]).map(|a| a["name"].clone()),
        Some(json!("Renamed on Strava"))
    );
    assert!(
        by_id(existing[1]).is_none(),
        "deleted on Strava, deleted here"
    );
    // The three distinct events were each recorded once.
    assert_eq!(
        w.fake.served("GET /activities/{id}") as usize,
        3,
        "each event's sync ran once"
    );

    // A malformed event is refused with a reason; nothing is stored.
    let garbage = w
        .app
        .http()
        .post(w.app.url("/webhooks/strava"))
        .body("{\"object_type\": 5}")
        .send()
        .await
        .expect("answer");
    assert_eq!(garbage.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deauthorization_by_event_or_by_the_athlete_erases_the_tokens() {
    let w = world(50, 100, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    let bob = w
        .app
        .invite_user(&w.owner, "ATHLETE", "bob@example.test")
        .await;
    assert_eq!(connect(&w, &ann, 8001, None).await, 200);
    assert_eq!(connect(&w, &bob, 8002, None).await, 200);
    settle(&w, &ann).await;
    settle(&w, &bob).await;
    assert_eq!(
        w.fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await
            .status(),
        201
    );

    // Ann removes Stride on Strava: the event revokes her connection.
    w.fake.revoke_athlete(8001);
    let event = w.fake.deauthorization_event(8001);
    w.fake.deliver(&event).await;
    w.fake.deliver(&event).await;
    settle(&w, &ann).await;
    let connections = w
        .app
        .gql(
            Some(&ann.token),
            "{ connections { provider status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        connections.ok()["connections"],
        json!([{ "provider": "strava", "status": "revoked" }])
    );
    let stored = w
        .app
        .state
        .store
        .connection(ann.id.parse().expect("uuid"), "strava")
        .await
        .expect("db")
        .expect("row");
    assert!(
        stored.access_token_enc.is_none() && stored.refresh_token_enc.is_none(),
        "tokens erased"
    );

    // Bob disconnects in Stride: Strava is told, tokens are erased, and it is audited.
    let done = w
        .app
        .gql(
            Some(&bob.token),
            "mutation { disconnectProvider(provider: \"strava\") }",
            json!({}),
        )
        .await;
    assert_eq!(done.ok()["disconnectProvider"], true);
    let again = w
        .app
        .gql(
            Some(&bob.token),
            "mutation { disconnectProvider(provider: \"strava\") }",
            json!({}),
        )
        .await;
    again.expect_code("NOT_FOUND");
    let actions: Vec<(String, Option<String>)> = w
        .app
        .state
        .store
        .audit_entries_from(0, 200)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| (e.action, e.reason))
        .collect();
    assert!(
        actions.contains(&(
            "connection.revoke".to_owned(),
            Some(
                "access was revoked on Strava (confirmed: the provider refused a token refresh)"
                    .to_owned()
            )
        )),
        "{actions:?}"
    );
    assert!(
        actions.contains(&(
            "connection.revoke".to_owned(),
            Some("disconnected by the athlete".to_owned())
        )),
        "{actions:?}"
    );
    // Bob's Strava tokens no longer work at Strava either. An event for him, or for a Strava
    // athlete no one here connected, is acknowledged at once, and no Strava job is queued
    // for Bob.
    let bob_id: uuid::Uuid = bob.id.parse().expect("uuid");
    let bobs_jobs = || async {
        w.app
            .state
            .store
            .jobs_for(bob_id, 1_000)
            .await
            .expect("jobs")
            .into_iter()
            .filter(|job| job.plugin_id.as_deref() == Some("strava"))
            .count()
    };
    let jobs_before = bobs_jobs().await;
    let id = w.fake.create_activity(
        8002,
        w.clock.now() - TimeDelta::hours(1),
        "after disconnect",
    );
    let stranger =
        w.fake
            .create_activity(8999, w.clock.now() - TimeDelta::hours(1), "never connected");
    for event in [
        w.fake.activity_event(8002, id, "create", json!({})),
        w.fake.activity_event(8999, stranger, "create", json!({})),
    ] {
        assert_eq!(w.fake.deliver(&event).await, 1, "acknowledged at once");
    }
    settle(&w, &bob).await;
    assert!(
        athlete_activities(&w, &bob)
            .await
            .iter()
            .all(|a| a["externalId"].as_str() != Some(id.to_string().as_str()))
    );
    assert_eq!(
        bobs_jobs().await,
        jobs_before,
        "no job was queued for an athlete who is no longer connected"
    );

    // Declining on Strava connects nothing.
    let carol = w
        .app
        .invite_user(&w.owner, "ATHLETE", "carol@example.test")
        .await;
    w.fake.deny_next_authorization(true);
    assert_eq!(connect(&w, &carol, 8003, None).await, 403);
    let none = w
        .app
        .gql(Some(&carol.token), "{ connections { status } }", json!({}))
        .await;
    assert_eq!(none.ok()["connections"], json!([]));
}

/// The callback URL with its `state` replaced by `f(state)`.
fn with_state(callback: &str, f: impl Fn(&str) -> String) -> String {
    let mut url = url::Url::parse(callback).expect("callback url");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { f(&v) } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_links_are_signed_single_use_and_expire() {
    let w = world(50, 100, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    let creates = |w: &stride_e2e::strava_world::World| {
        let store = w.app.state.store.clone();
        async move {
            store
                .audit_entries_from(0, 500)
                .await
                .expect("audit")
                .into_iter()
                .filter(|e| e.action == "connection.create")
                .count()
        }
    };

    let callback = authorize(&w, &ann, 9001, None).await;
    assert_eq!(open(&callback).await.0, 200);
    settle(&w, &ann).await;

    // The same callback again (browser history, a proxy log): refused before the code is
    // spent at Strava, and nothing about the connection changes.
    let (status, page) = open(&callback).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("this link was already used"), "{page}");
    assert_eq!(creates(&w).await, 1);

    // A state Stride did not sign.
    let fresh = authorize(&w, &ann, 9001, None).await;
    let forged = with_state(&fresh, |state| {
        let (body, signature) = state.split_once('.').expect("body.signature");
        let mut body = body.to_owned();
        let last = body.pop().expect("char");
        body.push(if last == 'A' { 'B' } else { 'A' });
        format!("{body}.{signature}")
    });
    let (status, page) = open(&forged).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("was not issued by this Stride"), "{page}");
    let (status, page) = open(&with_state(&fresh, |_| "garbage".to_owned())).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("the state is malformed"), "{page}");
    // The genuine link still works after the forgeries failed.
    assert_eq!(open(&fresh).await.0, 200);
    settle(&w, &ann).await;
    assert_eq!(creates(&w).await, 2);

    // A link opened after 15 minutes has expired.
    let late = authorize(&w, &ann, 9001, None).await;
    w.clock.advance(TimeDelta::minutes(16));
    let (status, page) = open(&late).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("this link has expired"), "{page}");
    assert_eq!(creates(&w).await, 2);
    let connections = w
        .app
        .gql(Some(&ann.token), "{ connections { status } }", json!({}))
        .await;
    assert_eq!(
        connections.ok()["connections"],
        json!([{ "status": "active" }])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_before_they_expire_and_after_strava_refuses_them() {
    let w = world(50, 100, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    w.fake
        .add_history(9001, 2, test_epoch() - TimeDelta::days(1));
    assert_eq!(connect(&w, &ann, 9001, None).await, 200);
    settle(&w, &ann).await;
    assert_eq!(
        w.fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await
            .status(),
        201
    );
    let athlete: uuid::Uuid = ann.id.parse().expect("uuid");
    let before = w
        .app
        .state
        .store
        .connection(athlete, "strava")
        .await
        .expect("db")
        .expect("row");

    // Five hours and fifty-five minutes later the token has minutes left: refreshed first.
    w.clock.advance(TimeDelta::minutes(355));
    let id = w
        .fake
        .create_activity(9001, w.clock.now() - TimeDelta::hours(1), "late run");
    w.fake
        .deliver(&w.fake.activity_event(9001, id, "create", json!({})))
        .await;
    settle(&w, &ann).await;
    let after = w
        .app
        .state
        .store
        .connection(athlete, "strava")
        .await
        .expect("db")
        .expect("row");
    assert_ne!(
        before.access_token_enc, after.access_token_enc,
        "a new token"
    );
    assert!(after.expires_at > before.expires_at);
    assert!(
        athlete_activities(&w, &ann)
            .await
            .iter()
            .any(|a| a["externalId"].as_str() == Some(id.to_string().as_str()))
    );

    // Strava refuses the token (revoked elsewhere): the job retries after a refresh.
    w.fake.expire_tokens();
    let id = w
        .fake
        .create_activity(9001, w.clock.now() - TimeDelta::minutes(30), "after expiry");
    w.fake
        .deliver(&w.fake.activity_event(9001, id, "create", json!({})))
        .await;
    settle(&w, &ann).await;
    assert!(
        athlete_activities(&w, &ann)
            .await
            .iter()
            .any(|a| a["externalId"].as_str() == Some(id.to_string().as_str()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brake_holds_ingestion_until_released_and_impossible_records_are_refused() {
    let w = world(50, 100, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    let admin = w
        .app
        .invite_user(&w.owner, "ADMIN", "admin@example.test")
        .await;
    assert_eq!(connect(&w, &ann, 6001, None).await, 200);
    settle(&w, &ann).await;
    assert_eq!(
        w.fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await
            .status(),
        201
    );

    let brake = "mutation($p: Boolean!) { setIngestionPaused(paused: $p, reason: \"provider incident\") { paused } }";
    w.app
        .gql(Some(&ann.token), brake, json!({ "p": true }))
        .await
        .expect_code("FORBIDDEN");
    w.app
        .gql(Some(&admin.token), brake, json!({ "p": true }))
        .await
        .ok();
    let id = w.fake.create_activity(
        6001,
        w.clock.now() - TimeDelta::hours(3),
        "during the incident",
    );
    assert_eq!(
        w.fake
            .deliver(&w.fake.activity_event(6001, id, "create", json!({})))
            .await,
        1,
        "acknowledged at once"
    );
    let status = w
        .app
        .gql(
            Some(&admin.token),
            "{ ingestion { brake { paused reason } jobs { held queued } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        status.ok()["ingestion"]["brake"],
        json!({ "paused": true, "reason": "provider incident" })
    );
    assert_eq!(status.ok()["ingestion"]["jobs"]["held"], 1);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        athlete_activities(&w, &ann).await.is_empty(),
        "nothing ran while paused"
    );

    w.app
        .gql(Some(&admin.token), brake, json!({ "p": false }))
        .await
        .ok();
    settle(&w, &ann).await;
    assert_eq!(
        athlete_activities(&w, &ann).await.len(),
        1,
        "the held event was not lost"
    );

    // A record Strava sends with an impossible heart rate is refused and shown to admins.
    let bad = w
        .fake
        .create_activity(6001, w.clock.now() - TimeDelta::hours(1), "broken strap");
    w.fake.update_activity(
        6001,
        bad,
        json!({ "average_heartrate": 300.0, "max_heartrate": 310.0 }),
    );
    w.fake
        .deliver(&w.fake.activity_event(6001, bad, "create", json!({})))
        .await;
    settle(&w, &ann).await;
    assert_eq!(athlete_activities(&w, &ann).await.len(), 1);
    let rejections = w
        .app
        .gql(
            Some(&admin.token),
            "{ ingestion { rejections { plugin externalId reason } } }",
            json!({}),
        )
        .await;
    let rejection = &rejections.ok()["ingestion"]["rejections"][0];
    assert_eq!(rejection["externalId"], bad.to_string());
    assert!(
        rejection["reason"]
            .as_str()
            .is_some_and(|r| r.contains("bpm is outside the possible range 25–250 bpm")),
        "{rejection}"
    );

    let actions: Vec<String> = w
        .app
        .state
        .store
        .audit_entries_from(0, 200)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"ingestion.pause".to_owned())
            && actions.contains(&"ingestion.resume".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_progress_is_pushed_over_a_subscription_until_done() {
    // 100 activities, 20 a page: six pages, with the read window full after four.
    let w = world(20, 4, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    w.fake
        .add_history(3001, 100, test_epoch() - TimeDelta::days(1));

    assert_eq!(connect(&w, &ann, 3001, None).await, 200);
    let mut rx = w
        .app
        .subscribe(
            &ann.token,
            "subscription { backfillProgress(provider: \"strava\") { status pagesDone activitiesDone deferredUntil } }",
        )
        .await;
    // The import stops at the full read window; the athlete sees it wait, with the time.
    let mut updates = Vec::new();
    let within = std::time::Duration::from_secs(30);
    while updates
        .last()
        .is_none_or(|u: &Value| u["status"] != "deferred")
    {
        updates.push(
            tokio::time::timeout(within, rx.recv())
                .await
                .expect("an update")
                .expect("the stream is open")["backfillProgress"]
                .clone(),
        );
    }
    settle(&w, &ann).await;
    while updates.last().is_none_or(|u: &Value| u["status"] != "done") {
        updates.push(
            tokio::time::timeout(within, rx.recv())
                .await
                .expect("an update")
                .expect("the stream is open")["backfillProgress"]
                .clone(),
        );
    }
    let statuses: Vec<&str> = updates
        .iter()
        .filter_map(|u| u["status"].as_str())
        .collect();
    assert_eq!(statuses.last(), Some(&"done"), "{updates:?}");
    assert!(
        statuses.contains(&"deferred"),
        "the wait for Strava's window was visible: {updates:?}"
    );
    let deferred = updates
        .iter()
        .find(|u| u["status"] == "deferred")
        .expect("deferred update");
    assert!(
        deferred["deferredUntil"].is_string(),
        "it says until when: {deferred}"
    );
    let activities: Vec<i64> = updates
        .iter()
        .filter_map(|u| u["activitiesDone"].as_i64())
        .collect();
    assert!(
        activities.windows(2).all(|p| p[0] <= p[1]),
        "progress only moves forward: {activities:?}"
    );
    assert_eq!(activities.last(), Some(&100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_concurrent_webhooks_is_acknowledged_and_stored_once() {
    use futures::StreamExt;

    // Regression: under a burst, transactions waiting on each other for connections (and
    // requests cancelled mid-`BEGIN`) once wedged SQLite until the deliveries timed out.
    let w = world(200, 10_000, |config| {
        let strava = config.plugin.get_mut("strava").expect("strava settings");
        strava
            .rate_limits
            .insert("read".to_owned(), vec![10_000, 100_000]);
    })
    .await;
    w.fake.set_limits(stride_e2e::fake_strava::Limits {
        overall: (10_000, 100_000),
        read: (10_000, 100_000),
        window_s: 900,
    });
    assert!(
        w.fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await
            .status()
            .is_success()
    );
    let mut athletes = Vec::new();
    for n in 0..5u64 {
        let who = w
            .app
            .invite_user(&w.owner, "ATHLETE", &format!("b{n}@example.test"))
            .await;
        assert_eq!(connect(&w, &who, 7_000 + n, None).await, 200);
        athletes.push(who);
    }
    // The fifth athlete withdrew Stride's access at Strava (no event said so): every fetch for
    // them is refused, in the same batches as the others' fetches.
    w.fake.revoke_athlete(7_004);
    let events: Vec<_> = (0..250i64)
        .map(|i| {
            let athlete = 7_000 + (i as u64 % 5);
            let id = w.fake.create_activity(
                athlete,
                test_epoch() - TimeDelta::minutes(90 * i),
                &format!("Burst {i}"),
            );
            w.fake.activity_event(athlete, id, "create", json!({}))
        })
        .collect();
    // The first 50 events are delivered twice at once (as when Strava redelivers an event
    // it thinks was lost): the copies are recorded in the same moment, often in one shared
    // transaction, and still count once.
    let deliveries = events
        .iter()
        .enumerate()
        .flat_map(|(i, event)| std::iter::repeat_n(event, if i < 50 { 2 } else { 1 }));
    let before = w.fake.deliveries().len();
    let attempts: Vec<u32> = futures::stream::iter(deliveries)
        .map(|event| w.fake.deliver(event))
        .buffer_unordered(32)
        .collect()
        .await;
    assert_eq!(attempts.len(), 300);
    assert!(
        attempts.iter().all(|&a| a == 1),
        "every event acknowledged on the first delivery: {:?}",
        &w.fake.deliveries()[before..]
    );
    let mut stored = Vec::new();
    for who in &athletes {
        settle(&w, who).await;
        stored.push(athlete_activities(&w, who).await.len());
    }
    // Stored in batches, each activity once; the refused athlete's failures failed no one
    // else's job.
    assert_eq!(
        stored,
        vec![50, 50, 50, 50, 0],
        "each event's activity stored once"
    );
    for who in &athletes[..4] {
        let jobs = w
            .app
            .state
            .store
            .jobs_for(who.id.parse().expect("uuid"), 500)
            .await
            .expect("jobs");
        let plugin_jobs: Vec<_> = jobs.iter().filter(|j| j.kind == "plugin").collect();
        assert_eq!(plugin_jobs.len(), 50);
        assert!(
            plugin_jobs
                .iter()
                .all(|j| j.state == "done" && j.attempts == 1),
            "{plugin_jobs:?}"
        );
    }
}

/// Strava's events are unsigned. A forged "deauthorized" event for an athlete who is still
/// connected at Strava erases nothing; an event of another subscription is not even heard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_deauthorization_changes_nothing() {
    let w = world(50, 100, |_| {}).await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    assert_eq!(connect(&w, &ann, 8101, None).await, 200);
    settle(&w, &ann).await;
    assert_eq!(
        w.fake
            .subscribe(&w.app.url("/webhooks/strava"), VERIFY_TOKEN)
            .await
            .status(),
        201
    );
    let athlete_id: uuid::Uuid = ann.id.parse().expect("uuid");
    let before = w
        .app
        .state
        .store
        .connection(athlete_id, "strava")
        .await
        .expect("db")
        .expect("row");

    // An attacker posts the event Strava would send, with the right subscription id, though
    // Ann never revoked anything.
    let forged = w.fake.deauthorization_event(8101);
    let body = forged.json(stride_e2e::fake_strava::SUBSCRIPTION_ID);
    let answer = w
        .app
        .http()
        .post(w.app.url("/webhooks/strava"))
        .json(&body)
        .send()
        .await
        .expect("posted");
    assert_eq!(answer.status(), 200, "only a check is queued");
    settle(&w, &ann).await;
    let after = w
        .app
        .state
        .store
        .connection(athlete_id, "strava")
        .await
        .expect("db")
        .expect("row");
    assert_eq!(after.status, stride_store::ConnectionStatus::Active);
    assert!(after.refresh_token_enc.is_some(), "the tokens are kept");
    assert_ne!(
        after.access_token_enc, before.access_token_enc,
        "Strava was asked (a refresh), and answered with fresh tokens"
    );
    let refuted = w
        .app
        .state
        .store
        .audit_entries_from(0, 1_000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "connection.revocation_refuted")
        .count();
    assert_eq!(refuted, 1, "the refuted claim is audited");

    // Another subscription's event is refused before it queues anything.
    let mut foreign = body.clone();
    foreign["subscription_id"] = json!(999);
    let answer = w
        .app
        .http()
        .post(w.app.url("/webhooks/strava"))
        .json(&foreign)
        .send()
        .await
        .expect("posted");
    assert_eq!(answer.status(), 403);

    // A real revocation (Strava refuses the refresh) still ends the connection. It is a
    // later event: the same event delivered twice is handled once.
    w.clock.advance(TimeDelta::minutes(5));
    w.fake.revoke_athlete(8101);
    w.fake.deliver(&w.fake.deauthorization_event(8101)).await;
    settle(&w, &ann).await;
    let revoked = w
        .app
        .state
        .store
        .connection(athlete_id, "strava")
        .await
        .expect("db")
        .expect("row");
    assert_eq!(revoked.status, stride_store::ConnectionStatus::Revoked);
    assert!(revoked.access_token_enc.is_none() && revoked.refresh_token_enc.is_none());
}

/// A block of requests reserved at once counts in every window or in none, and only where
/// the whole block fits; a single request may still fit where the block did not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_of_rate_reservations_fits_whole_or_not_at_all() {
    let app = stride_e2e::TestApp::spawn().await;
    let store = &app.state.store;
    let now = app.clock_now();
    let start = now - TimeDelta::minutes(3);
    let slot = |kind: &str, limit: i32| stride_store::RateSlot {
        budget: "read".to_owned(),
        window_kind: kind.to_owned(),
        window_start: start,
        limit,
    };
    let both = [slot("m15", 70), slot("day", 1_000)];
    for n in 1..=2 {
        let reserved = store.reserve_rate_block("strava", &both, 32, now).await;
        assert_eq!(
            reserved.expect("reserve"),
            Ok(vec![(32 * n, 70), (32 * n, 1_000)])
        );
    }
    // 64 of 70 used: a third block does not fit, and counts nowhere.
    let refused = store.reserve_rate_block("strava", &both, 32, now).await;
    assert_eq!(refused.expect("reserve"), Err(0));
    let one = store.reserve_rate("strava", &both, now).await;
    assert_eq!(one.expect("reserve"), Ok(vec![(65, 70), (65, 1_000)]));
    let rows = store
        .rate_windows("strava", now - TimeDelta::hours(1))
        .await
        .expect("windows");
    assert_eq!(
        labelled(rows),
        vec![
            ("read day".to_owned(), 65, 1_000),
            ("read m15".to_owned(), 65, 70)
        ]
    );
}

/// The shared budget's two writes: a reservation counts in every window or in none, and the
/// provider's usage headers only ever raise a window's count (and lower its limit).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_reservations_are_all_or_none_and_observations_only_raise_the_count() {
    let app = stride_e2e::TestApp::spawn().await;
    let store = &app.state.store;
    let now = app.clock_now();
    let start = now - TimeDelta::minutes(3);
    let slot = |budget: &str, kind: &str, limit: i32| stride_store::RateSlot {
        budget: budget.to_owned(),
        window_kind: kind.to_owned(),
        window_start: start,
        limit,
    };
    let short = slot("read", "m15", 2);
    let long = slot("read", "day", 3);
    let both = [short.clone(), long.clone()];
    let counts = || async {
        let rows = store
            .rate_windows("strava", now - TimeDelta::hours(1))
            .await
            .expect("windows");
        labelled(rows)
    };

    // New windows are created by the first reservation; the short one fills after two.
    for n in 1..=2 {
        let reserved = store.reserve_rate("strava", &both, now).await;
        assert_eq!(reserved.expect("reserve"), Ok(vec![(n, 2), (n, 3)]));
    }
    let full = store.reserve_rate("strava", &both, now).await;
    assert_eq!(full.expect("reserve"), Err(0), "the short window is full");
    // Nothing was counted in the day window for the refused request.
    assert_eq!(
        counts().await,
        vec![("read day".to_owned(), 2, 3), ("read m15".to_owned(), 2, 2)]
    );
    // The day window alone still has room for one; then it is the one that is full.
    let day_only = store
        .reserve_rate("strava", std::slice::from_ref(&long), now)
        .await;
    assert_eq!(day_only.expect("reserve"), Ok(vec![(3, 3)]));
    let other = slot("overall", "m15", 10);
    let refused = store
        .reserve_rate("strava", &[other.clone(), long.clone()], now)
        .await;
    assert_eq!(refused.expect("reserve"), Err(1), "the day window is full");
    assert_eq!(
        counts().await,
        vec![("read day".to_owned(), 3, 3), ("read m15".to_owned(), 2, 2)],
        "the refused reservation left no count (and no window) in the overall budget"
    );

    // The provider saw fewer requests than counted here: the count stays. It saw more in the
    // day window and reports a lower limit: both are taken. A window never seen before is
    // created with what the provider reported.
    let fresh = slot("read", "s10", 100);
    let stored = store
        .observe_rate(
            "strava",
            &[
                (short.clone(), 1, 2),
                (long.clone(), 7, 2),
                (fresh.clone(), 4, 100),
            ],
            now,
        )
        .await
        .expect("observed");
    let windows = counts().await;
    // What the observation returns is what it stored.
    assert_eq!(labelled(stored), windows);
    assert_eq!(
        windows,
        vec![
            ("read day".to_owned(), 7, 2),
            ("read m15".to_owned(), 2, 2),
            ("read s10".to_owned(), 4, 100),
        ]
    );
    // The same window reported twice in one observation is one row with the higher count.
    store
        .observe_rate("strava", &[(fresh.clone(), 9, 100), (fresh, 6, 50)], now)
        .await
        .expect("observed twice");
    assert!(
        counts().await.contains(&("read s10".to_owned(), 9, 50)),
        "{:?}",
        counts().await
    );

    // Reservations racing to open a new window (on PostgreSQL, side by side) each count:
    // none finds the row another is creating and takes the window for full.
    let opening = slot("overall", "day", 1_000);
    let racing = futures::future::join_all(
        (0..8).map(|_| store.reserve_rate("strava", std::slice::from_ref(&opening), now)),
    )
    .await;
    for reserved in racing {
        assert!(matches!(reserved.expect("reserve"), Ok(ref counts) if counts.len() == 1));
    }
    assert!(
        counts()
            .await
            .contains(&("overall day".to_owned(), 8, 1_000)),
        "{:?}",
        counts().await
    );
}

/// Rate windows as (budget and kind, count, limit), sorted.
fn labelled(rows: Vec<stride_store::RateWindowRow>) -> Vec<(String, i32, i32)> {
    let mut labelled: Vec<(String, i32, i32)> = rows
        .into_iter()
        .map(|r| {
            (
                format!("{} {}", r.budget, r.window_kind),
                r.usage,
                r.usage_limit,
            )
        })
        .collect();
    labelled.sort();
    labelled
}
