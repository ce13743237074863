//! Garmin end to end against the fake: connect with PKCE (a wrong verifier refused), pushes of
//! every recorded summary type landing in GraphQL, a day re-sent as it fills in and a sleep
//! going TENTATIVE → FINAL converging to one row, ping and push giving the same result, the
//! client id check, refresh-token rotation, 429 deferral, deregistration (confirmed, then
//! revoked), a backfill Garmin refuses (403), and a 5 MB activity-details body.

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use serde_json::{Value, json};
use stride::config::{PluginSettings, Secret};
use stride_domain::clock::{Clock, ManualClock};
use stride_e2e::fake_garmin::{self, FakeGarmin};
use stride_e2e::{Session, TestApp, test_epoch, wait_for};

/// The user the fake signs in as unless a scenario says otherwise.
const USER: &str = "garmin-user-1";

struct World {
    app: TestApp,
    fake: FakeGarmin,
    clock: Arc<ManualClock>,
    owner: Session,
}

async fn world() -> World {
    let clock = ManualClock::new(test_epoch());
    let fake = FakeGarmin::start(clock.clone()).await;
    let (client_id, client_secret) = fake.client();
    let (base, api, authorize, token) = (
        fake.url(),
        fake.api_url(),
        fake.authorize_url(),
        fake.token_url(),
    );
    let app = TestApp::spawn_full(clock.clone(), move |c| {
        c.plugins.allow_private_networks = true;
        c.plugins.allow_plain_http = true;
        let mut settings = PluginSettings {
            extra_allowed_hosts: vec!["127.0.0.1".to_owned()],
            extra_token_hosts: vec!["127.0.0.1".to_owned()],
            oauth_client_id: Some(client_id.clone()),
            oauth_client_secret: Some(Secret::new(client_secret)),
            oauth_authorize_url: Some(authorize),
            oauth_token_url: Some(token),
            oauth_athlete_id_url: Some(format!("{api}/user/id")),
            max_webhook_bytes: Some(32 << 20),
            ..PluginSettings::default()
        };
        settings.settings.insert("api_base".to_owned(), base);
        settings
            .settings
            .insert("api_path".to_owned(), fake_garmin::WELLNESS_PATH.to_owned());
        settings.settings.insert("client_id".to_owned(), client_id);
        c.plugin.insert("garmin".to_owned(), settings);
    })
    .await;
    app.install_plugin("garmin").await;
    fake.set_webhook(&app.url("/webhooks/garmin"));
    let owner = app.owner().await;
    World {
        app,
        fake,
        clock,
        owner,
    }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Asks Stride for a connect link, signs in at the fake as `user`, and returns the callback
/// URL the fake redirects back to (not yet opened).
async fn authorize(
    w: &World,
    athlete: &Session,
    user: &str,
    permissions: Option<&[&str]>,
) -> String {
    w.fake.log_in_as(user, permissions);
    let link = w
        .app
        .gql(
            Some(&athlete.token),
            "mutation { connectProvider(provider: \"garmin\") { authorizeUrl } }",
            json!({}),
        )
        .await;
    let url = link.ok()["connectProvider"]["authorizeUrl"]
        .as_str()
        .expect("url")
        .to_owned();
    assert!(
        url.contains("code_challenge="),
        "PKCE challenge sent: {url}"
    );
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let redirect = browser().get(&url).send().await.expect("authorize page");
    assert_eq!(redirect.status(), 303, "Garmin redirects back");
    redirect.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

async fn connect(w: &World, athlete: &Session, user: &str, permissions: Option<&[&str]>) -> u16 {
    let callback = authorize(w, athlete, user, permissions).await;
    browser()
        .get(&callback)
        .send()
        .await
        .expect("callback")
        .status()
        .as_u16()
}

/// Waits until no job is queued or running for the athlete, moving the clock to each deferral.
async fn settle(w: &World, who: &Session) {
    let athlete: uuid::Uuid = who.id.parse().expect("uuid");
    wait_for("the jobs to finish", 60, || async {
        if !w
            .app
            .state
            .store
            .has_pending_jobs(Some(athlete))
            .await
            .expect("jobs")
        {
            return Some(());
        }
        if let Some(next) = w.app.state.store.next_job_time().await.expect("next")
            && next > w.clock.now()
        {
            w.clock.set(next);
        }
        None
    })
    .await;
}

async fn days(w: &World, who: &Session) -> Vec<Value> {
    let answer = w
        .app
        .gql(
            Some(&who.token),
            "{ dailyMetrics(first: 200) { edges { node { date source restingHeartRate hrvMs hrvKind sleepDurationMinutes weightKg } } } }",
            json!({}),
        )
        .await;
    answer.ok()["dailyMetrics"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn day<'a>(rows: &'a [Value], date: &str) -> Vec<&'a Value> {
    rows.iter()
        .filter(|r| r["date"] == date && r["source"] == "garmin")
        .collect()
}

async fn activities(w: &World, who: &Session) -> Vec<Value> {
    let answer = w
        .app
        .gql(
            Some(&who.token),
            "{ activities(first: 200) { edges { node { externalId name source sport durationSeconds distanceMeters averageHeartRate hasSamples } } } }",
            json!({}),
        )
        .await;
    answer.ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

async fn connection_status(w: &World, who: &Session) -> Option<String> {
    let answer = w
        .app
        .gql(
            Some(&who.token),
            "{ connections { provider status externalAthleteId } }",
            json!({}),
        )
        .await;
    answer.ok()["connections"]
        .as_array()
        .expect("connections")
        .iter()
        .find(|c| c["provider"] == "garmin")
        .and_then(|c| c["status"].as_str().map(str::to_owned))
}

/// Yesterday in the test's calendar, and the UTC second it began.
fn yesterday() -> (String, i64) {
    let date: NaiveDate = (test_epoch() - TimeDelta::days(1)).date_naive();
    let start = date
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    (date.format("%Y-%m-%d").to_string(), start)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_with_pkce_and_the_recorded_pushes_land() {
    let w = world().await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ann@example.test")
        .await;
    assert_eq!(connect(&w, &ann, USER, None).await, 200);
    assert_eq!(connection_status(&w, &ann).await.as_deref(), Some("active"));
    assert_eq!(w.fake.token_grants().0, 1, "one code exchange");
    settle(&w, &ann).await;

    // The recorded open-wearables bodies, sent as Garmin sends them, for this user.
    let ow = fake_garmin::shared_payloads("open-wearables-push-payloads.json").expect("payloads");
    for key in ["push_dailies", "push_sleeps", "push_hrv", "push_activities"] {
        let body = ow[key].as_object().expect("object");
        for (kind, items) in body {
            let items = items.as_array().expect("items").clone();
            assert_eq!(w.fake.push(USER, kind, items).await, 200, "{key}");
        }
    }
    settle(&w, &ann).await;
    let rows = days(&w, &ann).await;
    let jan13 = day(&rows, "2026-01-13");
    assert_eq!(jan13.len(), 1, "one row for the day: {rows:?}");
    assert_eq!(jan13[0]["restingHeartRate"], 43);
    assert_eq!(jan13[0]["sleepDurationMinutes"], 480, "28,800 s asleep");
    let jan14 = day(&rows, "2026-01-14");
    assert_eq!(jan14.len(), 1, "{rows:?}");
    assert_eq!(jan14[0]["hrvMs"], 84.0);
    assert_eq!(jan14[0]["hrvKind"], "RMSSD", "Garmin's HRV is RMSSD");
    let runs = activities(&w, &ann).await;
    let run = runs
        .iter()
        .find(|a| a["externalId"] == "21047282990")
        .expect("the recorded run");
    assert_eq!(run["name"], "Morning Run");
    assert_eq!(run["source"], "garmin");
    assert_eq!(run["sport"], "RUN");
    assert_eq!(run["durationSeconds"], 3600);

    // Garmin's documented examples: body composition in grams, details with laps.
    let radar =
        fake_garmin::shared_payloads("radar-base-health-activity-payloads.json").expect("payloads");
    let weigh_in: Vec<Value> = radar["BODY_COMPS"]["bodyComps"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["userId"] == "sub-1")
        .cloned()
        .collect();
    assert_eq!(w.fake.push(USER, "bodyComps", weigh_in).await, 200);
    settle(&w, &ann).await;
    let rows = days(&w, &ann).await;
    assert!(
        rows.iter().any(|r| r["weightKg"]
            .as_f64()
            .is_some_and(|kg| (kg - 75.45).abs() < 1e-6)),
        "75,450 g is 75.45 kg: {rows:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_tried_with_a_wrong_verifier_is_refused() {
    let w = world().await;
    let bob = w
        .app
        .invite_user(&w.owner, "ATHLETE", "bob@example.test")
        .await;
    let callback = authorize(&w, &bob, USER, None).await;
    let code = url::Url::parse(&callback)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    // Someone who intercepted the code but not the verifier gets nothing…
    let (client_id, client_secret) = w.fake.client();
    let stolen = reqwest::Client::new()
        .post(w.fake.token_url())
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
            ("code", code.as_str()),
            (
                "code_verifier",
                "an-attacker-verifier-that-is-long-enough-to-be-valid",
            ),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(stolen.status(), 400);
    // …and the code is spent: Stride's own exchange then fails, and nothing is connected.
    let status = browser()
        .get(&callback)
        .send()
        .await
        .expect("callback")
        .status();
    assert_ne!(status, 200);
    assert_eq!(connection_status(&w, &bob).await, None);
    assert_eq!(w.fake.token_grants().0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_sent_three_times_and_a_sleep_made_final_converge() {
    let w = world().await;
    let cat = w
        .app
        .invite_user(&w.owner, "ATHLETE", "cat@example.test")
        .await;
    assert_eq!(connect(&w, &cat, USER, None).await, 200);
    settle(&w, &cat).await;
    let (date, start) = yesterday();
    for (steps, resting) in [(2_000, 55.0), (6_000, 53.0), (11_000, 51.0)] {
        let daily = fake_garmin::daily_summary(&date, start, resting, steps, 30);
        assert_eq!(w.fake.push(USER, "dailies", vec![daily]).await, 200);
        settle(&w, &cat).await;
    }
    let mut tentative = fake_garmin::sleep_summary(&date, start - 6 * 3600, "AUTO_TENTATIVE", 60);
    tentative["deepSleepDurationInSeconds"] = json!(3_600);
    assert_eq!(w.fake.push(USER, "sleeps", vec![tentative]).await, 200);
    settle(&w, &cat).await;
    let before = days(&w, &cat).await;
    let first = day(&before, &date);
    assert_eq!(first.len(), 1, "{before:?}");
    // 3,600 + 14,400 + 7,200 s asleep.
    assert_eq!(first[0]["sleepDurationMinutes"], 420);
    let fin = fake_garmin::sleep_summary(&date, start - 6 * 3600, "ENHANCED_FINAL", 72);
    assert_eq!(w.fake.push(USER, "sleeps", vec![fin]).await, 200);
    settle(&w, &cat).await;
    let after = days(&w, &cat).await;
    let rows = day(&after, &date);
    assert_eq!(
        rows.len(),
        1,
        "one row for the day, nothing doubled: {after:?}"
    );
    assert_eq!(rows[0]["restingHeartRate"], 51, "the newest daily wins");
    // 5,400 + 14,400 + 7,200 s asleep: the final night replaced the tentative one.
    assert_eq!(rows[0]["sleepDurationMinutes"], 450);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_and_push_give_the_same_result_and_the_client_id_is_checked() {
    let w = world().await;
    let dan = w
        .app
        .invite_user(&w.owner, "ATHLETE", "dan@example.test")
        .await;
    let eve = w
        .app
        .invite_user(&w.owner, "ATHLETE", "eve@example.test")
        .await;
    assert_eq!(connect(&w, &dan, "garmin-dan", None).await, 200);
    assert_eq!(connect(&w, &eve, "garmin-eve", None).await, 200);
    let (date, start) = yesterday();
    let hrv = fake_garmin::hrv_summary(&date, start - 6 * 3600, 41.0);
    let run = fake_garmin::activity_summary(777_001, start + 7 * 3600, 2_700);
    // Dan's by push, Eve's by ping (the fake keeps them behind a one-time callback URL).
    assert_eq!(
        w.fake.push("garmin-dan", "hrv", vec![hrv.clone()]).await,
        200
    );
    assert_eq!(
        w.fake
            .push("garmin-dan", "activities", vec![run.clone()])
            .await,
        200
    );
    assert_eq!(w.fake.ping("garmin-eve", "hrv", vec![hrv]).await.0, 200);
    assert_eq!(
        w.fake.ping("garmin-eve", "activities", vec![run]).await.0,
        200
    );
    settle(&w, &dan).await;
    settle(&w, &eve).await;
    let strip = |rows: Vec<Value>| -> Vec<Value> {
        rows.into_iter()
            .filter(|r| r["source"] == "garmin")
            .map(|r| json!([r["date"], r["hrvMs"], r["hrvKind"]]))
            .collect()
    };
    let (dan_days, eve_days) = (strip(days(&w, &dan).await), strip(days(&w, &eve).await));
    assert!(!dan_days.is_empty());
    assert_eq!(dan_days, eve_days);
    let (dan_runs, eve_runs) = (activities(&w, &dan).await, activities(&w, &eve).await);
    assert_eq!(dan_runs.len(), 1);
    assert_eq!(dan_runs, eve_runs, "ping and push store the same activity");

    // Unsigned pushes: only this deployment's client id is heard.
    let body = json!({ "dailies": [fake_garmin::daily_summary(&date, start, 40.0, 1, 1)] })
        .to_string()
        .into_bytes();
    assert_eq!(w.fake.push_raw("dailies", body.clone(), None).await, 401);
    assert_eq!(
        w.fake
            .push_raw("dailies", body.clone(), Some("someone-else"))
            .await,
        403
    );
    assert_eq!(
        w.fake
            .push_raw(
                "dailies",
                b"{\"dailies\": [".to_vec(),
                Some(&w.fake.client().0)
            )
            .await,
        400,
        "malformed JSON"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_tokens_rotate_and_a_429_defers() {
    let w = world().await;
    let fay = w
        .app
        .invite_user(&w.owner, "ATHLETE", "fay@example.test")
        .await;
    assert_eq!(connect(&w, &fay, USER, None).await, 200);
    settle(&w, &fay).await;
    let (date, start) = yesterday();
    // Twice a day passes: each refresh spends the refresh token; the second works only if
    // Stride stored the rotated one.
    for round in 0..2_i64 {
        w.clock.advance(TimeDelta::hours(25));
        let run = fake_garmin::activity_summary(880_000 + round, start + round * 3600, 1_800);
        assert_eq!(w.fake.ping(USER, "activities", vec![run]).await.0, 200);
        settle(&w, &fay).await;
    }
    assert_eq!(w.fake.token_grants().1, 2, "two refreshes");
    assert_eq!(activities(&w, &fay).await.len(), 2, "both pulled");
    assert_eq!(connection_status(&w, &fay).await.as_deref(), Some("active"));

    // A 429 on the callback: deferred to Retry-After, then fetched.
    w.fake.storm_429(1);
    let hrv = fake_garmin::hrv_summary(&date, start, 33.0);
    assert_eq!(w.fake.ping(USER, "hrv", vec![hrv]).await.0, 200);
    let before = w.clock.now();
    settle(&w, &fay).await;
    assert_eq!(w.fake.rejected_429(), 1);
    assert!(w.clock.now() > before, "the job waited for the window");
    let rows = days(&w, &fay).await;
    assert_eq!(day(&rows, &date)[0]["hrvMs"], 33.0, "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deregistration_is_confirmed_then_revokes() {
    let w = world().await;
    let gus = w
        .app
        .invite_user(&w.owner, "ATHLETE", "gus@example.test")
        .await;
    assert_eq!(connect(&w, &gus, USER, None).await, 200);
    settle(&w, &gus).await;
    // A forged deregistration (tokens still good at Garmin) changes nothing.
    assert_eq!(
        w.fake.push(USER, "deregistrations", vec![json!({})]).await,
        200
    );
    settle(&w, &gus).await;
    assert_eq!(connection_status(&w, &gus).await.as_deref(), Some("active"));
    // The real one: Garmin has dropped the tokens, Stride confirms and revokes.
    assert_eq!(w.fake.deregister_in_connect(USER).await, 200);
    settle(&w, &gus).await;
    assert_eq!(
        connection_status(&w, &gus).await.as_deref(),
        Some("revoked")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_in_stride_tells_garmin() {
    let w = world().await;
    let ida = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ida@example.test")
        .await;
    assert_eq!(connect(&w, &ida, USER, None).await, 200);
    settle(&w, &ida).await;
    assert!(w.fake.registered(USER));
    w.app
        .gql(
            Some(&ida.token),
            "mutation { disconnectProvider(provider: \"garmin\") }",
            json!({}),
        )
        .await
        .ok();
    // Garmin heard `DELETE /user/registration` with the athlete's token, and stops pushing.
    assert!(!w.fake.registered(USER), "Garmin was told");
    assert_eq!(
        connection_status(&w, &ida).await.as_deref(),
        Some("revoked")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permission_granted_again_withdraws_its_notice() {
    let w = world().await;
    let jo = w
        .app
        .invite_user(&w.owner, "ATHLETE", "jo@example.test")
        .await;
    assert_eq!(connect(&w, &jo, USER, None).await, 200);
    settle(&w, &jo).await;
    let notices = || async {
        w.app
            .gql(Some(&jo.token), "{ myTasks { kind message } }", json!({}))
            .await
            .ok()["myTasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .filter(|t| {
                t["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("Garmin does not share")
            })
            .count()
    };
    assert_eq!(
        w.fake.change_permissions(USER, &["ACTIVITY_EXPORT"]).await,
        200
    );
    settle(&w, &jo).await;
    assert_eq!(notices().await, 1, "the missing permissions are a to-do");
    let all = [
        "ACTIVITY_EXPORT",
        "HEALTH_EXPORT",
        "HISTORICAL_DATA_EXPORT",
        "WORKOUT_IMPORT",
    ];
    assert_eq!(w.fake.change_permissions(USER, &all).await, 200);
    settle(&w, &jo).await;
    assert_eq!(notices().await, 0, "granted again: the to-do is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_without_history_permission_becomes_a_notice() {
    let w = world().await;
    let hal = w
        .app
        .invite_user(&w.owner, "ATHLETE", "hal@example.test")
        .await;
    let without_history: &[&str] = &["ACTIVITY_EXPORT", "HEALTH_EXPORT"];
    assert_eq!(connect(&w, &hal, USER, Some(without_history)).await, 200);
    settle(&w, &hal).await;
    let refused: Vec<u16> = w.fake.backfills().iter().map(|b| b.status).collect();
    assert_eq!(refused, vec![403], "one request, then the import stops");
    let backfill = w
        .app
        .gql(
            Some(&hal.token),
            "{ backfill(provider: \"garmin\") { status note } }",
            json!({}),
        )
        .await;
    assert_eq!(backfill.ok()["backfill"]["status"], "done", "{backfill:?}");

    // With the permission, every window of every type is asked once; repeats are 409s.
    let ivy = w
        .app
        .invite_user(&w.owner, "ATHLETE", "ivy@example.test")
        .await;
    assert_eq!(connect(&w, &ivy, "garmin-ivy", None).await, 200);
    settle(&w, &ivy).await;
    let asked: Vec<_> = w
        .fake
        .backfills()
        .into_iter()
        .filter(|b| b.user == "garmin-ivy")
        .collect();
    assert_eq!(asked.len(), 24, "3 windows of 30 days × 8 types");
    assert!(
        asked
            .iter()
            .all(|b| b.status == 202 && b.end - b.start <= 30 * 86_400)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_megabytes_of_activity_details_are_taken() {
    let w = world().await;
    let jo = w
        .app
        .invite_user(&w.owner, "ATHLETE", "jo@example.test")
        .await;
    assert_eq!(connect(&w, &jo, USER, None).await, 200);
    settle(&w, &jo).await;
    let (_, start) = yesterday();
    let start = start + 8 * 3600;
    let duration = 20_000;
    let samples: Vec<Value> = (0..duration)
        .map(|t| {
            json!({
                "startTimeInSeconds": start + t,
                "latitudeInDegree": 59.9 + t as f64 * 1e-6,
                "longitudeInDegree": 10.7 + t as f64 * 1e-6,
                "elevationInMeters": 100.0 + (t % 50) as f64,
                "heartRate": 120 + t % 40,
                "speedMetersPerSecond": 3.1,
                "totalDistanceInMeters": t as f64 * 3.1,
                "timerDurationInSeconds": t,
                "clockDurationInSeconds": t,
                "movingDurationInSeconds": t,
            })
        })
        .collect();
    let details = json!({
        "summaryId": "990001-detail",
        "activityId": 990_001,
        "summary": {
            "activityType": "RUNNING",
            "activityName": "Long run",
            "startTimeInSeconds": start,
            "startTimeOffsetInSeconds": 3600,
            "durationInSeconds": duration,
            "distanceInMeters": duration as f64 * 3.1,
        },
        "samples": samples,
        "laps": [{ "startTimeInSeconds": start }, { "startTimeInSeconds": start + 10_000 }],
    });
    let size = details.to_string().len();
    assert!(size > 5 << 20, "a body over 5 MB: {size}");
    assert_eq!(
        w.fake.push(USER, "activityDetails", vec![details]).await,
        200
    );
    settle(&w, &jo).await;
    let stored = activities(&w, &jo).await;
    let long = stored
        .iter()
        .find(|a| a["externalId"] == "990001")
        .expect("the long run");
    assert_eq!(long["hasSamples"], true);
    assert_eq!(long["durationSeconds"], duration);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activity_file_ping_stores_the_activity_with_samples() {
    let w = world().await;
    let kim = w
        .app
        .invite_user(&w.owner, "ATHLETE", "kim@example.test")
        .await;
    assert_eq!(connect(&w, &kim, USER, None).await, 200);
    settle(&w, &kim).await;
    let fit = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/files/fitparse_activity-small-fenix2-run.fit"),
    )
    .expect("the recorded FIT file");
    assert_eq!(
        w.fake
            .ping_file(USER, 424_242, "Fenix run", "FIT", fit)
            .await,
        200
    );
    settle(&w, &kim).await;
    let stored = activities(&w, &kim).await;
    let run = stored
        .iter()
        .find(|a| a["externalId"] == "424242")
        .expect("the file's activity, under Garmin's activity id");
    assert_eq!(run["name"], "Fenix run");
    assert_eq!(run["hasSamples"], true);
    // fitparse 1.2 reads 9,008.22 m (see shared/fixtures/files/LICENSES.txt).
    let metres = run["distanceMeters"].as_f64().expect("distance");
    assert!((metres - 9_008.22).abs() < 1.0, "{metres}");
}

/// A night as Garmin reports it: `asleep_min` asleep in stages, 20 minutes awake, final.
fn night(date: &str, end: i64, asleep_min: i64) -> Value {
    let asleep = asleep_min * 60;
    let start = end - asleep - 1_200;
    json!({
        "summaryId": format!("night-{date}"),
        "calendarDate": date,
        "startTimeInSeconds": start,
        "startTimeOffsetInSeconds": 3600,
        "durationInSeconds": asleep + 1_200,
        "deepSleepDurationInSeconds": asleep / 5,
        "lightSleepDurationInSeconds": asleep - asleep / 5 - asleep / 4,
        "remSleepInSeconds": asleep / 4,
        "awakeDurationInSeconds": 1_200,
        "validation": "ENHANCED_FINAL",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_morning_after_a_low_hrv_garmin_night_the_traffic_light_proposes() {
    let w = world().await;
    let ann = w
        .app
        .invite_user(&w.owner, "ATHLETE", "lea@example.test")
        .await;
    w.app
        .gql(
            Some(&ann.token),
            "mutation { updateBaselines(input: { restingHeartRate: 48, maxHeartRate: 190, hrvMs: 70, hrvKind: RMSSD }) { maxHeartRate } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(connect(&w, &ann, USER, None).await, 200);
    settle(&w, &ann).await;
    // Two good weeks, all from the watch.
    let first = NaiveDate::from_ymd_opt(2026, 2, 16).expect("date");
    let (mut hrv, mut sleeps, mut dailies) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..14_i64 {
        let date = first + TimeDelta::days(i);
        let text = date.format("%Y-%m-%d").to_string();
        let midnight = date
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp();
        hrv.push(fake_garmin::hrv_summary(
            &text,
            midnight - 6 * 3600,
            68.0 + (i % 5) as f64,
        ));
        sleeps.push(night(&text, midnight + 6 * 3600, 470));
        dailies.push(fake_garmin::daily_summary(&text, midnight, 48.0, 9_000, 25));
    }
    assert_eq!(w.fake.push(USER, "hrv", hrv).await, 200);
    assert_eq!(w.fake.push(USER, "sleeps", sleeps).await, 200);
    assert_eq!(w.fake.push(USER, "dailies", dailies).await, 200);
    settle(&w, &ann).await;
    w.app
        .gql(
            Some(&ann.token),
            "mutation { createPlan(input: { goalRaceName: \"Spring Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 7, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
            json!({}),
        )
        .await
        .ok();
    // This morning: the watch saw a short night and an overnight RMSSD far below baseline.
    let today = test_epoch().date_naive();
    let text = today.format("%Y-%m-%d").to_string();
    let midnight = today
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    assert_eq!(
        w.fake
            .push(
                USER,
                "hrv",
                vec![fake_garmin::hrv_summary(&text, midnight - 3 * 3600, 40.0)]
            )
            .await,
        200
    );
    assert_eq!(
        w.fake
            .push(USER, "sleeps", vec![night(&text, midnight + 6 * 3600, 280)])
            .await,
        200
    );
    settle(&w, &ann).await;
    let rows = days(&w, &ann).await;
    let morning = day(&rows, &text);
    assert_eq!(morning.len(), 1, "{rows:?}");
    assert_eq!(morning[0]["hrvMs"], 40.0);
    assert_eq!(morning[0]["hrvKind"], "RMSSD");
    let proposal = wait_for("a proposal from the traffic light", 20, || async {
        let answer = w
            .app
            .gql(
                Some(&ann.token),
                "{ proposals { id state source { reference } } }",
                json!({}),
            )
            .await;
        answer.ok()["proposals"]
            .as_array()
            .expect("proposals")
            .iter()
            .find(|p| p["state"] == "PENDING" && p["source"]["reference"] == "traffic-light")
            .cloned()
    })
    .await;
    assert!(proposal["id"].is_string(), "{proposal}");
}
