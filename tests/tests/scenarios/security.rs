//! Hardening: what an attack on a running Stride found, each closed at its cause. The
//! denial-of-service cases are bounded: the server keeps answering `/healthz` promptly while
//! the attack runs.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use stride_e2e::{Session, TestApp};

const SAVE_RULE: &str =
    "mutation($i: RuleInput!) { saveRule(input: $i) { ruleId version accepted problems } }";

/// The slowest of `/healthz` answers sampled every 20 ms while `attack` runs.
async fn healthz_while<F: std::future::Future>(app: &TestApp, attack: F) -> (Duration, F::Output) {
    let probe = {
        let client = app.http().clone();
        let url = app.url("/healthz");
        tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            loop {
                let started = Instant::now();
                let ok = client
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                assert!(ok, "healthz failed during the attack");
                worst = worst.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
                if worst > Duration::from_secs(30) {
                    return worst;
                }
            }
        })
    };
    let output = attack.await;
    probe.abort();
    let worst = match probe.await {
        Ok(worst) => worst,
        Err(_) => {
            // Aborted: measure once more so the figure covers the end of the attack.
            let started = Instant::now();
            let _ = app.http().get(app.url("/healthz")).send().await;
            started.elapsed()
        }
    };
    (worst, output)
}

/// The slowest of a few quiet `/healthz` answers: the server's normal latency.
async fn healthz_baseline(app: &TestApp) -> Duration {
    let mut worst = Duration::ZERO;
    for _ in 0..10 {
        let started = Instant::now();
        app.http()
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("healthz");
        worst = worst.max(started.elapsed());
    }
    worst
}

fn looping_rule_fixtures(cases: usize) -> String {
    let cases: Vec<Value> = (0..cases)
        .map(|n| json!({ "name": format!("case {n}"), "snapshot": {}, "expected": [] }))
        .collect();
    Value::Array(cases).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_limited_on_every_route_and_activities_are_capped() {
    let app = TestApp::spawn_with(|c| {
        c.graphql.max_body_bytes = 2 << 20;
        c.graphql.max_upload_bytes = 4 << 20;
        let big = stride::config::PluginSettings {
            max_webhook_bytes: Some(8 << 20),
            ..Default::default()
        };
        c.plugin.insert("roomy".to_owned(), big);
    })
    .await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;

    // 3 MiB to /graphql: refused before it is read in full, whether the request says its
    // length or not.
    let bearer = format!("Bearer {}", ann.token);
    for declared in [true, false] {
        let status = app
            .post_oversized(
                "/graphql",
                &[
                    ("content-type", "application/json"),
                    ("authorization", &bearer),
                ],
                r#"{"query":"{ me { id } }","variables":{"pad":""#,
                3 << 20,
                declared,
            )
            .await;
        assert_eq!(status, 413, "declared length: {declared}");
    }
    // A multipart upload is no way around it: a signed-in user's is held to the upload
    // limit, an anonymous one to the API's.
    for (auth, size) in [(true, 5 << 20), (false, 3 << 20)] {
        let mut headers = vec![("content-type", "multipart/form-data; boundary=stride")];
        if auth {
            headers.push(("authorization", bearer.as_str()));
        }
        let status = app
        .post_oversized(
            "/graphql",
            &headers,
            concat!(
                "--stride\r\ncontent-disposition: form-data; name=\"operations\"\r\n\r\n",
                r#"{"query":"{ me { id } }"}"#,
                "\r\n--stride\r\ncontent-disposition: form-data; name=\"map\"\r\n\r\n{}",
                "\r\n--stride\r\ncontent-disposition: form-data; name=\"0\"; filename=\"big\"\r\n\r\n",
            ),
            size,
            false,
        )
        .await;
        assert_eq!(status, 413, "signed in: {auth}");
    }

    // Webhooks: 1 MiB unless a plugin is given more.
    for declared in [true, false] {
        let status = app
            .post_oversized(
                "/webhooks/strava",
                &[("content-type", "application/json")],
                "{",
                2 << 20,
                declared,
            )
            .await;
        assert_eq!(status, 413, "declared length: {declared}");
    }
    let two_mib = vec![b'{'; 2 << 20];
    let roomy = app
        .http()
        .post(app.url("/webhooks/roomy/dailies"))
        .body(two_mib)
        .send()
        .await
        .expect("answered");
    assert_ne!(roomy.status(), 413, "the larger limit is the plugin's own");

    // Twenty oversized bodies at once cost the server nothing it would notice.
    let normal = healthz_baseline(&app).await;
    let headers = [
        ("content-type", "application/json"),
        ("authorization", bearer.as_str()),
    ];
    let (worst, statuses) = healthz_while(&app, async {
        let sends =
            (0..20).map(|n| app.post_oversized("/graphql", &headers, "{", 8 << 20, n % 2 == 0));
        futures::future::join_all(sends).await
    })
    .await;
    assert!(statuses.iter().all(|s| *s == 413), "{statuses:?}");
    assert!(
        worst < normal.max(Duration::from_millis(20)) * 10 + Duration::from_millis(200),
        "healthz took {worst:?} during the attack (normally {normal:?})"
    );

    // An activity may store at most 100,000 samples.
    let times: Vec<f64> = (0..100_001).map(f64::from).collect();
    let refused = app
        .gql(
            Some(&ann.token),
            "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
            json!({ "i": { "sport": "RUN", "startTime": "2026-03-01T06:00:00Z", "durationSeconds": 100_001, "samples": { "timeSeconds": times } } }),
        )
        .await;
    let message = refused.expect_code("BAD_INPUT");
    assert!(message.contains("100000"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule_checks_run_off_the_runtime_bounded_and_one_at_a_time_per_user() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let normal = healthz_baseline(&app).await;

    // Every case runs the rule to its operation limit: real work, many times over.
    let fixtures = looping_rule_fixtures(50);
    let save = |who: Session, name: &'static str| {
        let input = json!({ "name": name, "scope": "ATHLETE", "athleteId": who.id, "source": "loop { }", "fixtures": fixtures });
        let app = &app;
        async move {
            app.gql(Some(&who.token), SAVE_RULE, json!({ "i": input }))
                .await
        }
    };
    let (worst, (a, b, c)) = healthz_while(&app, async {
        tokio::join!(
            save(ann.clone(), "spin"),
            save(bob.clone(), "spin"),
            save(ann.clone(), "spin-again")
        )
    })
    .await;
    assert!(
        worst < normal.max(Duration::from_millis(20)) * 10 + Duration::from_millis(200),
        "healthz took {worst:?} during the attack (normally {normal:?})"
    );
    // Bob's and one of Ann's ran; Ann's second, at the same time, was refused.
    let refused = [&a, &c]
        .iter()
        .filter(|r| r.code() == Some("RATE_LIMITED"))
        .count();
    assert_eq!(refused, 1, "{a:?} {c:?}");
    for saved in [&a, &b, &c].into_iter().filter(|r| r.code().is_none()) {
        let saved = &saved.ok()["saveRule"];
        assert_eq!(saved["accepted"], false);
        assert!(
            saved["problems"].to_string().contains("operations"),
            "{saved}"
        );
    }

    // Sizes are bounded before anything runs.
    let huge = "1;".repeat(40 * 1024);
    let answer = app
        .gql(
            Some(&ann.token),
            SAVE_RULE,
            json!({ "i": { "name": "huge", "scope": "ATHLETE", "athleteId": ann.id, "source": huge, "fixtures": "[]" } }),
        )
        .await;
    assert!(answer.expect_code("BAD_INPUT").contains("65536"));
    let many = app
        .gql(
            Some(&ann.token),
            SAVE_RULE,
            json!({ "i": { "name": "many", "scope": "ATHLETE", "athleteId": ann.id, "source": "[]", "fixtures": looping_rule_fixtures(51) } }),
        )
        .await;
    let saved = &many.ok()["saveRule"];
    assert_eq!(saved["accepted"], false);
    assert!(
        saved["problems"].to_string().contains("51 fixture cases"),
        "{saved}"
    );
    let dry_run = app
        .gql(
            Some(&ann.token),
            "mutation($a: ID, $s: String!) { simulateRule(athleteId: $a, source: $s) { kind } }",
            json!({ "a": ann.id, "s": huge }),
        )
        .await;
    assert!(dry_run.expect_code("BAD_INPUT").contains("65536"));
    // A dry run changes nothing and writes no audit entry.
    let simulated = app
        .gql(
            Some(&ann.token),
            "mutation($a: ID, $s: String!) { simulateRule(athleteId: $a, source: $s) { kind } }",
            json!({ "a": ann.id, "s": "[]" }),
        )
        .await;
    assert_eq!(simulated.ok()["simulateRule"], json!([]));
    let entries = app
        .state
        .store
        .audit_entries_from(0, 1_000)
        .await
        .expect("audit");
    assert!(entries.iter().all(|e| e.action != "rule.simulate"));
}

#[tokio::test]
async fn coaches_never_see_private_activities_through_rules() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let coach = app.invite_user(&owner, "COACH", "coach@example.test").await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    app.gql(
        Some(&ann.token),
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ_WRITE) { id } }",
        json!({ "e": coach.email }),
    )
    .await
    .ok();
    for (name, private) in [("Open run", false), ("Secret run", true)] {
        app.gql(
            Some(&ann.token),
            "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
            json!({ "i": { "sport": "RUN", "name": name, "startTime": "2026-03-01T06:00:00Z", "durationSeconds": 1800, "private": private } }),
        )
        .await
        .ok();
    }
    const SNAPSHOT: &str = "query($a: ID) { ruleSnapshot(athleteId: $a) }";
    let own = app
        .gql(Some(&ann.token), SNAPSHOT, json!({ "a": ann.id }))
        .await;
    assert_eq!(
        own.ok()["ruleSnapshot"]["recent_activities"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let coached = app
        .gql(Some(&coach.token), SNAPSHOT, json!({ "a": ann.id }))
        .await;
    assert_eq!(
        coached.ok()["ruleSnapshot"]["recent_activities"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the private run is not in the coach's view"
    );
    // A coach's simulation sees what the coach may see.
    let counting = "if recent_activities.len() == 1 { [regenerate_plan(#{ kind: \"reduce_volume\", factor: 0.9, reason: \"x\" }, \"one visible\", [])] } else { [] }";
    let simulated = app
        .gql(
            Some(&coach.token),
            "mutation($a: ID, $s: String!) { simulateRule(athleteId: $a, source: $s) { reason } }",
            json!({ "a": ann.id, "s": counting }),
        )
        .await;
    assert_eq!(
        simulated.ok()["simulateRule"][0]["reason"],
        "one visible",
        "{simulated:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_end_with_the_access_or_the_session_and_are_capped() {
    let app = TestApp::spawn_with(|c| c.graphql.max_subscriptions_per_user = 2).await;
    let owner = app.owner().await;
    let coach = app.invite_user(&owner, "COACH", "coach@example.test").await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let grant = app
        .gql(
            Some(&ann.token),
            "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id } }",
            json!({ "e": coach.email }),
        )
        .await;
    let grant_id = grant.ok()["grantCoachAccess"]["id"]
        .as_str()
        .expect("grant")
        .to_owned();
    let query = format!(
        "subscription {{ proposalCreated(athleteId: \"{}\") {{ id }} }}",
        ann.id
    );
    let mut coach_feed = app.subscribe(&coach.token, &query).await;
    // Ann revokes the grant: the coach's stream ends at once.
    app.gql(
        Some(&ann.token),
        "mutation($g: ID!) { revokeCoachAccess(grantId: $g) { id } }",
        json!({ "g": grant_id }),
    )
    .await
    .ok();
    let mut ended = tokio::time::timeout(Duration::from_secs(10), coach_feed.recv()).await;
    // When the revocation lands before the stream's first poll, the stream says why it ends
    // (FORBIDDEN) and then ends.
    if let Ok(Some(message)) = &ended {
        assert_eq!(
            message["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "only a refusal may come before the end: {message}"
        );
        ended = tokio::time::timeout(Duration::from_secs(10), coach_feed.recv()).await;
    }
    assert!(
        matches!(ended, Ok(None)),
        "the coach's stream ended: {ended:?}"
    );

    // Logging out ends the session's streams.
    let mut own_feed = app
        .subscribe(&ann.token, "subscription { proposalCreated { id } }")
        .await;
    app.gql(Some(&ann.token), "mutation { logout }", json!({}))
        .await
        .ok();
    let ended = tokio::time::timeout(Duration::from_secs(10), own_feed.recv()).await;
    assert!(matches!(ended, Ok(None)), "{ended:?}");

    // A user holds at most two here; the third is refused.
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let _one = app
        .subscribe(&bob.token, "subscription { proposalCreated { id } }")
        .await;
    let _two = app
        .subscribe(&bob.token, "subscription { proposalCreated { id } }")
        .await;
    // Each connection's subscription starts in its own task: the third is opened once the
    // first two hold their places (else it may take the second's).
    let bob_id: uuid::Uuid = bob.id.parse().expect("uuid");
    tokio::time::timeout(Duration::from_secs(10), async {
        while app.state.subscriptions.held_by(bob_id) < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("both subscriptions start");
    let mut three = app
        .subscribe(&bob.token, "subscription { proposalCreated { id } }")
        .await;
    let refused = tokio::time::timeout(Duration::from_secs(10), three.recv())
        .await
        .expect("an answer")
        .expect("an error frame");
    assert!(refused.to_string().contains("RATE_LIMITED"), "{refused}");
    // Thirty more attempts, all at once, are refused without slowing the server.
    let normal = healthz_baseline(&app).await;
    let (worst, refusals) = healthz_while(&app, async {
        let attempts = (0..30).map(|_| async {
            let mut feed = app
                .subscribe(&bob.token, "subscription { proposalCreated { id } }")
                .await;
            tokio::time::timeout(Duration::from_secs(10), feed.recv())
                .await
                .ok()
                .flatten()
                .is_some_and(|frame| frame.to_string().contains("RATE_LIMITED"))
        });
        futures::future::join_all(attempts).await
    })
    .await;
    assert!(refusals.iter().all(|refused| *refused), "{refusals:?}");
    assert!(
        worst < normal.max(Duration::from_millis(20)) * 10 + Duration::from_millis(200),
        "healthz took {worst:?} during the attempts (normally {normal:?})"
    );
    // A history import from a provider that imports none is refused at once.
    drop(_one);
    let mut unknown = app
        .subscribe(
            &coach.token,
            "subscription { backfillProgress(provider: \"nowhere\") { status } }",
        )
        .await;
    let refused = tokio::time::timeout(Duration::from_secs(10), unknown.recv())
        .await
        .expect("an answer")
        .expect("an error frame");
    assert!(refused.to_string().contains("NOT_FOUND"), "{refused}");
}

#[tokio::test]
async fn logins_are_throttled_audited_and_one_per_request() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    const LOGIN: &str =
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let password = format!("password-{}", ann.email);
    for _ in 0..6 {
        let wrong = app
            .gql(
                None,
                LOGIN,
                json!({ "e": ann.email, "p": "not her password" }),
            )
            .await;
        assert_eq!(wrong.code(), Some("UNAUTHENTICATED"));
    }
    // Locked out now, even with the right password, and told for how long.
    let locked = app
        .gql(None, LOGIN, json!({ "e": ann.email, "p": password }))
        .await;
    assert_eq!(locked.code(), Some("RATE_LIMITED"), "{locked:?}");
    assert!(locked.body["errors"][0]["extensions"]["retryAfterSeconds"].as_u64() > Some(0));
    app.clock.advance(chrono::TimeDelta::minutes(20));
    let ok = app
        .gql(None, LOGIN, json!({ "e": ann.email, "p": password }))
        .await;
    assert!(ok.ok()["login"]["token"].is_string());

    // Aliases do not multiply guesses: one credential operation per request.
    let doubled = app
        .gql(
            None,
            "mutation($e: String!, $p: String!) { a: login(email: $e, password: $p) { token } b: login(email: $e, password: $p) { token } }",
            json!({ "e": ann.email, "p": password }),
        )
        .await;
    assert!(
        doubled
            .body
            .to_string()
            .contains("one login, sign-up or password change per request"),
        "{doubled:?}"
    );

    // Logins, failed and not, are audited.
    let actions: Vec<String> = app
        .state
        .store
        .audit_entries_from(0, 1_000)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().filter(|a| *a == "user.login_failed").count() >= 6);
    assert!(actions.iter().any(|a| a == "user.login"));

    // Guessing invites counts against the address like guessing passwords (once the
    // address's failed logins above are an hour old and forgotten).
    app.clock.advance(chrono::TimeDelta::hours(2));
    for n in 0..6 {
        let answer = app
            .try_sign_up("stride_i_not-a-real-invite", &format!("g{n}@example.test"))
            .await;
        assert_eq!(answer.code(), Some("BAD_INPUT"));
    }
    let token = app.create_invite(&owner, "ATHLETE", None).await;
    let locked = app.try_sign_up(&token, "late@example.test").await;
    assert_eq!(locked.code(), Some("RATE_LIMITED"), "{locked:?}");
}

#[tokio::test]
async fn the_api_answers_429_with_retry_after_past_its_rate() {
    let app = TestApp::spawn_with(|c| {
        c.http.per_address_per_s = 1;
        c.http.per_address_burst = 5;
        c.http.webhooks_per_address_per_s = 1;
        c.http.webhooks_per_address_burst = 5;
        c.metrics.enabled = true;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let answer = app
            .http()
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("answered");
        statuses.push((
            answer.status().as_u16(),
            answer.headers().get("retry-after").is_some(),
        ));
    }
    assert!(
        statuses.iter().take(5).all(|(s, _)| *s == 200),
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .skip(5)
            .all(|(s, retry)| *s == 429 && *retry),
        "{statuses:?}"
    );
    // The address has spent its budget on metrics scrapes too, each of which renders every
    // family.
    let scrape = app
        .http()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("answered");
    assert_eq!(scrape.status(), 429);
    // Health probes are never limited.
    let health = app
        .http()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("ok");
    assert_eq!(health.status(), 200);
    // A flood of forged webhooks from one source stops costing anything after its burst,
    // and the server keeps answering while it lasts.
    let normal = healthz_baseline(&app).await;
    let (worst, refused) = healthz_while(&app, async {
        let mut refused = 0;
        for _ in 0..200 {
            let answer = app
                .http()
                .post(app.url("/webhooks/strava"))
                .body("{}")
                .send()
                .await
                .expect("answered");
            if answer.status() == 429 {
                refused += 1;
            }
        }
        refused
    })
    .await;
    assert!(refused >= 190, "{refused} of 200 refused");
    assert!(
        worst < normal.max(Duration::from_millis(20)) * 10 + Duration::from_millis(200),
        "healthz took {worst:?} during the flood (normally {normal:?})"
    );
}

#[tokio::test]
async fn a_body_that_is_not_one_graphql_request_gets_400_naming_what_is_wrong() {
    let app = TestApp::spawn().await;
    for (body, expected) in [
        (
            r#"{"querry":"{ __typename }"}"#,
            "the request has no `query`",
        ),
        (r#"{"query":5}"#, "`query` must be a string, not a number"),
        (
            r#"{"query":"{ __typename }","variables":"x"}"#,
            "`variables` must be an object or null, not a string",
        ),
        ("[]", "Batch requests are not supported"),
        (r#"{"query":"{ __typename }""#, "EOF while parsing"),
    ] {
        let answer = app
            .http()
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answered");
        let status = answer.status().as_u16();
        let text = answer.text().await.expect("a body");
        assert_eq!(status, 400, "{body}: {text}");
        assert!(
            text.starts_with("not a GraphQL request: ") && text.contains(expected),
            "{body}: {text}"
        );
    }
}

#[tokio::test]
async fn a_session_past_its_rate_is_refused_and_other_sessions_are_not() {
    let app = TestApp::spawn_with(|c| {
        c.http.per_session_per_s = 1;
        c.http.per_session_burst = 3;
    })
    .await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let bob = app.invite_user(&owner, "ATHLETE", "bob@example.test").await;
    let ask = |token: String| {
        let app = &app;
        async move {
            let answer = app
                .http()
                .post(app.url("/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": "{ me { id } }" }))
                .send()
                .await
                .expect("answered");
            let status = answer.status().as_u16();
            let retry = answer.headers().get("retry-after").is_some();
            (status, retry, answer.text().await.expect("a body"))
        }
    };
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(ask(ann.token.clone()).await);
    }
    // Her burst of three, then refusals that say which limit and when to come back.
    assert!(answers.iter().take(3).all(|a| a.0 == 200), "{answers:?}");
    let (status, retry, body) = &answers[3];
    assert_eq!((*status, *retry), (429, true), "{answers:?}");
    assert!(body.contains("this session"), "{body}");
    // Bob's session has its own budget, as does an unknown token (refused by the API, not
    // by Ann's limit).
    assert_eq!(ask(bob.token.clone()).await.0, 200);
    let (status, _, body) = ask(format!("{}x", ann.token)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("UNAUTHENTICATED"), "{body}");
}

#[tokio::test]
async fn dates_and_ranges_are_bounded_and_plan_history_is_paged() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let ancient = app
        .gql(
            Some(&ann.token),
            "mutation($i: ActivityInput!) { logActivity(input: $i) { id } }",
            json!({ "i": { "sport": "RUN", "startTime": "1000-01-01T06:00:00Z", "durationSeconds": 1800 } }),
        )
        .await;
    assert_eq!(ancient.bad_fields(), vec!["startTime"]);
    let started = Instant::now();
    let wide = app
        .gql(
            Some(&ann.token),
            "query { riskAlerts(from: \"0001-01-01\", to: \"2100-01-01\") { date } }",
            json!({}),
        )
        .await;
    wide.expect_code("BAD_INPUT");
    assert!(started.elapsed() < Duration::from_secs(5));
    let morning = app
        .gql(
            Some(&ann.token),
            "mutation { logDailyMetrics(input: { date: \"1969-12-31\", restingHeartRate: 50 }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(morning.bad_fields(), vec!["date"]);

    // A plan changed three times has four versions; they come a page at a time.
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 5, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    for days in [4, 5, 6] {
        app.gql(
            Some(&ann.token),
            "mutation($d: Int!) { regeneratePlan(input: { reason: \"fewer days\", availability: { daysPerWeek: $d, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
            json!({ "d": days }),
        )
        .await
        .ok();
    }
    let first = app
        .gql(
            Some(&ann.token),
            "{ planHistory(first: 2) { version } }",
            json!({}),
        )
        .await;
    let page: Vec<i64> = first.ok()["planHistory"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v["version"].as_i64())
        .collect();
    assert_eq!(page.len(), 2, "{first:?}");
    let next = app
        .gql(
            Some(&ann.token),
            "query($b: Int) { planHistory(first: 2, before: $b) { version } }",
            json!({ "b": page[1] }),
        )
        .await;
    let rest: Vec<i64> = next.ok()["planHistory"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v["version"].as_i64())
        .collect();
    assert!(rest.iter().all(|v| *v < page[1]), "{rest:?}");
}

async fn grant(app: &TestApp, athlete: &Session, coach: &Session, access: &str) {
    app.gql(
        Some(&athlete.token),
        "mutation($e: String!, $a: GrantAccess!) { grantCoachAccess(coachEmail: $e, access: $a) { id } }",
        json!({ "e": coach.email, "a": access }),
    )
    .await
    .ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_small_findings_are_closed() {
    let app = TestApp::spawn().await;
    let owner = app.owner().await;
    let admin = app.invite_user(&owner, "ADMIN", "admin@example.test").await;
    let reader = app
        .invite_user(&owner, "COACH", "reader@example.test")
        .await;
    let writer = app
        .invite_user(&owner, "COACH", "writer@example.test")
        .await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    grant(&app, &ann, &reader, "READ").await;
    grant(&app, &ann, &writer, "READ_WRITE").await;
    app.gql(
        Some(&ann.token),
        "mutation { createPlan(input: { goalRaceName: \"Half\", goalRaceDate: \"2026-05-10\", goalDistanceMeters: 21097.5, availability: { daysPerWeek: 7, longRunDay: SUNDAY, unavailableWeekdays: [] } }) { version } }",
        json!({}),
    )
    .await
    .ok();
    let workout = app
        .gql(
            Some(&ann.token),
            "{ trainingPlan(from: \"2026-03-02\", to: \"2026-03-02\") { workouts { id } } }",
            json!({}),
        )
        .await
        .ok()["trainingPlan"]["workouts"][0]["id"]
        .clone();

    // A READ coach may look at the plan, not propose changes to it.
    let proposal = app
        .gql(
            Some(&reader.token),
            "mutation($w: ID!) { proposeWorkoutChange(workoutId: $w, changes: { targetDurationSeconds: 1200 }, reason: \"shorter\") { id } }",
            json!({ "w": workout }),
        )
        .await;
    proposal.expect_code("FORBIDDEN");

    // A READ_WRITE coach's baseline change is audited.
    app.gql(
        Some(&writer.token),
        "mutation($a: ID) { updateBaselines(athleteId: $a, input: { restingHeartRate: 50, maxHeartRate: 190 }) { maxHeartRate } }",
        json!({ "a": ann.id }),
    )
    .await
    .ok();
    let audited = app
        .state
        .store
        .audit_entries_from(0, 1_000)
        .await
        .expect("audit");
    assert!(
        audited.iter().any(|e| e.action == "baselines.update"
            && e.actor_id.map(|id| id.to_string()) == Some(writer.id.clone())),
        "the coach's baseline change is audited"
    );

    // A demoted coach's team rule stops being in force.
    let saved = app
        .gql(
            Some(&writer.token),
            SAVE_RULE,
            json!({ "i": { "name": "team-easy", "scope": "TEAM", "source": "[]", "fixtures": "[{\"name\": \"quiet\", \"snapshot\": {}, \"expected\": []}]" } }),
        )
        .await;
    assert_eq!(saved.ok()["saveRule"]["accepted"], true, "{saved:?}");
    const IN_FORCE: &str = "query($a: ID) { rulesInForce(athleteId: $a) { name } }";
    let names = |answer: stride_e2e::Answer| -> Vec<String> {
        answer.ok()["rulesInForce"]
            .as_array()
            .expect("rules")
            .iter()
            .filter_map(|r| r["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        names(
            app.gql(Some(&ann.token), IN_FORCE, json!({ "a": ann.id }))
                .await
        )
        .contains(&"team-easy".to_owned())
    );
    app.gql(
        Some(&owner.token),
        "mutation($u: ID!) { setUserRole(userId: $u, role: ATHLETE, reason: \"left the club\") { role } }",
        json!({ "u": writer.id }),
    )
    .await
    .ok();
    assert!(
        !names(
            app.gql(Some(&ann.token), IN_FORCE, json!({ "a": ann.id }))
                .await
        )
        .contains(&"team-easy".to_owned())
    );

    // Granting access says nothing about who has an account.
    const GRANT: &str =
        "mutation($e: String!) { grantCoachAccess(coachEmail: $e, access: READ) { id } }";
    let nobody = app
        .gql(
            Some(&ann.token),
            GRANT,
            json!({ "e": "nobody@example.test" }),
        )
        .await;
    let athlete = app
        .gql(
            Some(&ann.token),
            GRANT,
            json!({ "e": "admin@example.test" }),
        )
        .await;
    assert_eq!(nobody.message(), athlete.message());

    // Invites for admins are the owner's business.
    let invite = app
        .gql(
            Some(&owner.token),
            "mutation { createInvite(role: ADMIN) { invite { id } } }",
            json!({}),
        )
        .await;
    let invite_id = invite.ok()["createInvite"]["invite"]["id"].clone();
    app.gql(
        Some(&admin.token),
        "mutation($i: ID!) { revokeInvite(id: $i) }",
        json!({ "i": invite_id }),
    )
    .await
    .expect_code("FORBIDDEN");

    // Anonymous users cannot introspect the schema; users can.
    let anonymous = app
        .gql(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    anonymous.expect_code("UNAUTHENTICATED");
    assert!(anonymous.message().contains("signed-in"), "{anonymous:?}");
    // Hidden in a fragment, it is still found.
    app.gql(
        None,
        "query { ...f } fragment f on Query { __type(name: \"User\") { name } }",
        json!({}),
    )
    .await
    .expect_code("UNAUTHENTICATED");
    let logged_in = app
        .gql(
            Some(&ann.token),
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(logged_in.ok()["__schema"]["queryType"]["name"], "Query");

    // Reasons have a length.
    let long = "x".repeat(501);
    app.gql(
        Some(&owner.token),
        "mutation($r: String!) { setIngestionPaused(paused: true, reason: $r) { paused } }",
        json!({ "r": long }),
    )
    .await
    .expect_code("BAD_INPUT");

    // Stride's files are its owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let data = app.state.config.data_dir.clone();
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("exists").permissions().mode() & 0o777
        };
        assert_eq!(mode(&data), 0o700, "data directory");
        assert_eq!(mode(&data.join("keys.json")), 0o600, "keys file");
        if let Some(path) = app.database_url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            assert_eq!(mode(std::path::Path::new(path)), 0o600, "database file");
        }
    }

    // Sessions unused for two weeks end.
    app.clock.advance(chrono::TimeDelta::days(15));
    app.gql(Some(&ann.token), "{ me { id } }", json!({}))
        .await
        .expect_code("UNAUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plugins_cannot_set_headers_on_strides_origin_or_send_tokens_elsewhere() {
    let app = TestApp::spawn().await;
    app.install_plugin("test-hostile").await;
    let answer = app
        .http()
        .post(app.url("/webhooks/test-hostile/cookie"))
        .body("{}")
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().get("set-cookie").is_none());
    assert!(answer.headers().get("content-security-policy").is_none());
    assert_eq!(
        answer
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default()),
        Some("text/plain")
    );

    // With an athlete's call, the token goes to API hosts only (this plugin names none).
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let athlete = stride_sandbox::services::CallAthlete {
        id: ann.id.parse().expect("uuid"),
        external_id: "x".to_owned(),
        time_zone: "UTC".to_owned(),
    };
    let report = app
        .state
        .plugins
        .run_job(
            "test-hostile",
            stride_sandbox::contract::JobRequest {
                kind: "token-elsewhere".to_owned(),
                payload: json!({ "athlete_id": ann.id }).to_string(),
                athlete: None,
                attempt: 1,
            },
            Some(athlete),
        )
        .await;
    let text = format!("{:?}", report.result);
    assert!(
        text.contains("goes only to the provider's API hosts"),
        "{text}"
    );
}
