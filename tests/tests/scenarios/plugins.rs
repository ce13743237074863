//! The plugin sandbox: hostile plugins fail only their own call, versions are checked, hot
//! reload loses no call, and admins see and steer plugin health.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use stride_e2e::{TestApp, example_plugin};
use stride_sandbox::contract::{JobRequest, PluginError};
use stride_sandbox::health::FailureKind;
use stride_sandbox::{CallError, PluginHost};

fn job(kind: &str, payload: serde_json::Value) -> JobRequest {
    JobRequest {
        kind: kind.to_owned(),
        payload: payload.to_string(),
        athlete: None,
        attempt: 1,
    }
}

async fn ping(host: &PluginHost) {
    let report = host
        .run_job("test-hostile", job("ping", json!({})), None)
        .await;
    assert!(
        report.result.is_ok(),
        "a fresh call works after a hostile one: {:?}",
        report.result
    );
}

fn plugin_error_text(result: &Result<stride_sandbox::contract::JobOutcome, CallError>) -> String {
    match result {
        Err(CallError::Plugin(PluginError::Permanent(text))) => text.clone(),
        other => panic!("expected a permanent plugin error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_plugins_fail_only_their_own_call() {
    let app = TestApp::spawn_with(|c| {
        c.plugins.job_deadline_ms = 500;
        c.plugins.memory_limit_mb = 32;
        c.plugins.breaker_failures = 1_000;
    })
    .await;
    app.install_plugin("test-hostile").await;
    let host = app.state.plugins.clone();

    let cases = [
        ("loop", FailureKind::Deadline),
        ("grow", FailureKind::MemoryLimit),
        ("recurse", FailureKind::StackOverflow),
        ("panic", FailureKind::Trap),
    ];
    for (kind, expected) in cases {
        // A well-behaved call runs at the same time as the hostile one and is unaffected.
        let (hostile, good) = tokio::join!(
            host.run_job("test-hostile", job(kind, json!({})), None),
            async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                host.run_job("test-hostile", job("ping", json!({})), None)
                    .await
            }
        );
        match &hostile.result {
            Err(CallError::Failed(failure)) => {
                assert_eq!(failure.kind, expected, "{kind}: {}", failure.message);
                assert!(!failure.message.is_empty());
            }
            other => panic!("{kind}: expected a failed call, got {other:?}"),
        }
        assert!(
            good.result.is_ok(),
            "{kind}: the concurrent call failed: {:?}",
            good.result
        );
        ping(&host).await;
        let health = app
            .http()
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("host answers");
        assert_eq!(health.status(), 200, "{kind}: the host keeps serving");
    }

    // The panic's failure carries a backtrace with the plugin's frames.
    let statuses = host.statuses();
    let hostile = statuses
        .iter()
        .find(|s| s.plugin.manifest.id == "test-hostile")
        .expect("loaded");
    let panic = hostile
        .recent_failures
        .iter()
        .find(|f| f.kind == FailureKind::Trap)
        .expect("the panic was recorded");
    assert!(
        panic
            .backtrace
            .as_deref()
            .is_some_and(|bt| bt.contains("run_job")),
        "{:?}",
        panic.backtrace
    );
    assert_eq!(hostile.failures, 4);

    // Network: hosts outside the manifest and private addresses are refused.
    let outside = host
        .run_job("test-hostile", job("outside", json!({})), None)
        .await;
    assert!(
        plugin_error_text(&outside.result)
            .contains("attacker.example is not among the hosts this plugin may reach")
    );
    let private = host
        .run_job("test-hostile", job("private", json!({})), None)
        .await;
    assert!(plugin_error_text(&private.result).contains("169.254.169.254 is a private address"));

    // Secrets: an undeclared name never matches and guessing is capped.
    let forge = host
        .run_job("test-hostile", job("forge", json!({})), None)
        .await;
    assert_eq!(plugin_error_text(&forge.result), "undeclared=false hits=0");

    // A log flood is cut at the per-call quota; the call itself completes.
    let flood = host
        .run_job("test-hostile", job("flood", json!({})), None)
        .await;
    assert!(flood.result.is_ok(), "{:?}", flood.result);
    assert_eq!(flood.logs_dropped, 5_000 - 200);
    ping(&host).await;
}

/// A tiny HTTP server that answers every request with `body` (or a redirect).
/// Instance slots keep their memory mapped between calls (`plugins.keep_resident_mb`), but
/// every call still starts from the plugin's pristine memory: its globals (initialized and
/// zeroed), and fresh heap past the initial memory, whichever slot it lands in, one call
/// after another and many at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_call_sees_the_memory_an_earlier_call_left() {
    for keep_resident_mb in [4, 0] {
        let app = TestApp::spawn_with(|c| c.plugins.keep_resident_mb = keep_resident_mb).await;
        app.install_plugin("test-hostile").await;
        let host = app.state.plugins.clone();
        for _ in 0..5 {
            let report = host
                .run_job("test-hostile", job("taint", json!({})), None)
                .await;
            assert!(
                report.result.is_ok(),
                "kept {keep_resident_mb} MiB: {:?}",
                report.result
            );
        }
        let together = futures::future::join_all(
            (0..12).map(|_| host.run_job("test-hostile", job("taint", json!({})), None)),
        )
        .await;
        for report in together {
            assert!(
                report.result.is_ok(),
                "kept {keep_resident_mb} MiB, concurrent: {:?}",
                report.result
            );
        }
        drop(host);
        app.stop().await;
    }
}

async fn serve(body_bytes: usize, redirect_to: Option<String>) -> std::net::SocketAddr {
    use axum::response::IntoResponse;
    let app = axum::Router::new().fallback(move || {
        let redirect = redirect_to.clone();
        async move {
            match redirect {
                Some(to) => axum::response::Redirect::temporary(&to).into_response(),
                None => vec![b'x'; body_bytes].into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_responses_and_redirects_off_the_allowlist_are_refused() {
    let huge = serve(20 << 20, None).await;
    let small = serve(1_000, None).await;
    let redirect = serve(0, Some(format!("http://localhost:{}/inside", small.port()))).await;
    let app = TestApp::spawn_with(move |c| {
        c.plugins.allow_private_networks = true;
        c.plugins.allow_plain_http = true;
        c.plugins.max_response_bytes = 1 << 20;
        c.plugin.insert(
            "test-hostile".to_owned(),
            stride::config::PluginSettings {
                extra_allowed_hosts: vec!["127.0.0.1".to_owned()],
                ..Default::default()
            },
        );
    })
    .await;
    app.install_plugin("test-hostile").await;
    let host = app.state.plugins.clone();

    let fetch =
        |addr: std::net::SocketAddr| job("fetch", json!({ "url": format!("http://{addr}/data") }));
    let ok = host.run_job("test-hostile", fetch(small), None).await;
    assert!(ok.result.is_ok(), "{:?}", ok.result);
    let too_big = host.run_job("test-hostile", fetch(huge), None).await;
    assert!(plugin_error_text(&too_big.result).contains("exceeds 1048576 bytes"));
    let redirected = host.run_job("test-hostile", fetch(redirect), None).await;
    assert!(
        plugin_error_text(&redirected.result).contains("localhost is not among the hosts"),
        "{:?}",
        redirected.result
    );
    ping(&host).await;
}

/// A server that answers after `delay` (a slow provider API).
async fn serve_slowly(delay: Duration) -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(move || async move {
        tokio::time::sleep(delay).await;
        "late but fine"
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_loop_spends_its_cpu_budget_while_waiting_on_http_does_not() {
    let slow = serve_slowly(Duration::from_secs(3)).await;
    let app = TestApp::spawn_with(|c| {
        c.plugins.job_cpu_ms = 1_000;
        c.plugins.job_deadline_ms = 60_000;
        c.plugins.allow_private_networks = true;
        c.plugins.allow_plain_http = true;
        c.plugin.insert(
            "test-hostile".to_owned(),
            stride::config::PluginSettings {
                extra_allowed_hosts: vec!["127.0.0.1".to_owned()],
                ..Default::default()
            },
        );
    })
    .await;
    app.install_plugin("test-hostile").await;
    let host = app.state.plugins.clone();

    // The loop is stopped by its CPU budget, long before the minute-long deadline.
    let started = std::time::Instant::now();
    let spun = host
        .run_job("test-hostile", job("loop", json!({})), None)
        .await;
    let spun_for = started.elapsed();
    match &spun.result {
        Err(CallError::Failed(failure)) => {
            assert_eq!(failure.kind, FailureKind::CpuLimit, "{}", failure.message);
            assert!(failure.message.contains("busy loop"), "{}", failure.message);
        }
        other => panic!("expected the CPU budget to stop it, got {other:?}"),
    }
    assert!(
        spun_for < Duration::from_secs(20),
        "stopped by the CPU budget, not the 60 s deadline ({spun_for:?})"
    );

    // Three seconds waiting on a slow API costs no CPU budget: the call completes.
    let waited = host
        .run_job(
            "test-hostile",
            job("fetch", json!({ "url": format!("http://{slow}/slow") })),
            None,
        )
        .await;
    assert!(waited.result.is_ok(), "{:?}", waited.result);

    // Admins see both limits, and why the loop failed.
    let owner = app.owner().await;
    let answer = app
        .gql(
            Some(&owner.token),
            "{ plugins { id limits { jobDeadlineMs jobCpuMs webhookDeadlineMs webhookCpuMs } recentFailures { kind } } }",
            json!({}),
        )
        .await;
    let plugins = answer.ok()["plugins"].as_array().cloned().expect("list");
    let hostile = plugins
        .iter()
        .find(|p| p["id"] == "test-hostile")
        .expect("listed");
    assert_eq!(hostile["limits"]["jobDeadlineMs"], 60_000);
    assert_eq!(hostile["limits"]["jobCpuMs"], 1_000);
    assert_eq!(hostile["recentFailures"][0]["kind"], "CPU_LIMIT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_for_another_api_version_is_refused_with_the_versions_named() {
    let app = TestApp::spawn().await;
    let mut wasm = std::fs::read(example_plugin("example")).expect("example plugin");
    let marker = b"stride:api-version";
    let at = wasm
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the SDK embeds its version")
        + marker.len();
    assert_eq!(&wasm[at..at + 6], &[0, 1, 0, 1, 0, 0], "built for 1.1.0");
    wasm[at..at + 6].copy_from_slice(&[0, 2, 0, 1, 0, 0]);
    let path = app.plugin_dir.join("future.wasm");
    std::fs::write(&path, &wasm).expect("write");
    std::fs::write(app.plugin_dir.join("garbage.wasm"), b"not a component").expect("write");
    let loaded = app.state.plugins.reload_all().await;
    assert!(loaded.is_empty());
    let errors = app.state.plugins.load_errors();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("future.wasm cannot be loaded: it was built for Stride plugin API 2.1.0; this host supports 1.0.x and 1.1.x")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("garbage.wasm cannot be loaded: not a valid WebAssembly component")), "{messages:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_reload_under_load_fails_no_call() {
    let app = TestApp::spawn().await;
    app.install_plugin("test-hostile").await;
    let owner = app.owner().await;
    let host = app.state.plugins.clone();
    let before = host
        .get("test-hostile")
        .expect("loaded")
        .content_hash
        .clone();

    let callers: Vec<_> = (0..4)
        .map(|_| {
            let host = Arc::clone(&host);
            tokio::spawn(async move {
                let mut failures = Vec::new();
                for _ in 0..60 {
                    let report = host
                        .run_job("test-hostile", job("ping", json!({})), None)
                        .await;
                    if let Err(error) = report.result {
                        failures.push(error);
                    }
                }
                failures
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // A new build of the plugin: same code with an extra custom section, so a different file.
    let mut wasm = std::fs::read(example_plugin("test-hostile")).expect("plugin");
    let name = b"stride-test-rebuild";
    wasm.extend_from_slice(&[0, (name.len() + 2) as u8, name.len() as u8]);
    wasm.extend_from_slice(name);
    wasm.push(2);
    std::fs::write(app.plugin_dir.join("test-hostile.wasm"), &wasm).expect("write");
    let reload = app
        .gql(
            Some(&owner.token),
            "mutation { reloadPlugins { id contentHash } }",
            json!({}),
        )
        .await;
    let after = reload.ok()["reloadPlugins"][0]["contentHash"]
        .as_str()
        .expect("hash")
        .to_owned();
    assert_ne!(before, after, "the new build is live");
    for caller in callers {
        let failures = caller.await.expect("caller");
        assert!(
            failures.is_empty(),
            "calls failed across the reload: {failures:?}"
        );
    }
    let entries = app
        .state
        .store
        .audit_entries_from(0, 100)
        .await
        .expect("audit");
    assert!(entries.iter().any(|e| e.action == "plugin.reload"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_see_health_open_breakers_and_switch_plugins() {
    let app = TestApp::spawn_with(|c| c.plugins.breaker_failures = 2).await;
    app.install_plugin("test-hostile").await;
    let owner = app.owner().await;
    let admin = app.invite_user(&owner, "ADMIN", "admin@example.test").await;
    let athlete = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let host = app.state.plugins.clone();
    let list = "{ plugins { id version apiVersion enabled breaker consecutiveFailures capabilities { jobKinds allowedHosts secrets } recentFailures { kind call message } } }";

    app.gql(Some(&athlete.token), list, json!({}))
        .await
        .expect_code("FORBIDDEN");
    let healthy = app.gql(Some(&admin.token), list, json!({})).await;
    let plugin = &healthy.ok()["plugins"][0];
    assert_eq!(plugin["id"], "test-hostile");
    assert_eq!(plugin["apiVersion"], "1.1.0");
    assert_eq!(plugin["breaker"], "CLOSED");
    assert_eq!(plugin["capabilities"]["secrets"], json!(["known"]));

    for _ in 0..2 {
        host.run_job("test-hostile", job("panic", json!({})), None)
            .await;
    }
    let refused = host
        .run_job("test-hostile", job("ping", json!({})), None)
        .await;
    assert!(
        matches!(refused.result, Err(CallError::BreakerOpen { .. })),
        "{:?}",
        refused.result
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let open = app.gql(Some(&admin.token), list, json!({})).await;
    let plugin = &open.ok()["plugins"][0];
    assert_eq!(plugin["breaker"], "OPEN");
    assert_eq!(plugin["consecutiveFailures"], 2);
    assert_eq!(plugin["recentFailures"][0]["kind"], "TRAP");
    assert_eq!(plugin["recentFailures"][0]["call"], "run-job:panic");

    let reset = app
        .gql(
            Some(&admin.token),
            "mutation { resetPluginBreaker(id: \"test-hostile\") { breaker } }",
            json!({}),
        )
        .await;
    assert_eq!(reset.ok()["resetPluginBreaker"]["breaker"], "CLOSED");
    ping(&host).await;

    // One athlete's refused credentials are the athlete's problem, not the plugin's: however
    // often the provider refuses them, the breaker stays closed for everyone else.
    for _ in 0..3 {
        let refused = host
            .run_job("test-hostile", job("refused", json!({})), None)
            .await;
        assert!(
            matches!(
                refused.result,
                Err(CallError::Plugin(PluginError::Unauthorized(_)))
            ),
            "{:?}",
            refused.result
        );
    }
    ping(&host).await;
    let after = app.gql(Some(&admin.token), list, json!({})).await;
    assert_eq!(after.ok()["plugins"][0]["breaker"], "CLOSED");

    let off = app
        .gql(Some(&admin.token), "mutation { setPluginEnabled(id: \"test-hostile\", enabled: false, reason: \"investigating\") { enabled } }", json!({}))
        .await;
    assert_eq!(off.ok()["setPluginEnabled"]["enabled"], false);
    let disabled = host
        .run_job("test-hostile", job("ping", json!({})), None)
        .await;
    assert_eq!(
        disabled.result.err(),
        Some(CallError::Disabled("test-hostile".to_owned()))
    );
    app.gql(Some(&admin.token), "mutation { setPluginEnabled(id: \"test-hostile\", enabled: true, reason: \"fixed\") { enabled } }", json!({}))
        .await
        .ok();
    ping(&host).await;
    let athlete_try = app
        .gql(
            Some(&athlete.token),
            "mutation { reloadPlugins { id } }",
            json!({}),
        )
        .await;
    athlete_try.expect_code("FORBIDDEN");

    let actions: Vec<String> = app
        .state
        .store
        .audit_entries_from(0, 100)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["plugin.reset_breaker", "plugin.disable", "plugin.enable"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} audited: {actions:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_example_passes_its_fixtures_and_a_wrong_expectation_fails() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/example/fixtures");
    let results = stride_sandbox::harness::run(&example_plugin("example"), &fixtures, false)
        .await
        .expect("harness runs");
    assert_eq!(results.len(), 6);
    for case in &results {
        assert!(
            case.passed,
            "{}: {}",
            case.name,
            case.problem.clone().unwrap_or_default()
        );
        assert!(
            case.name == "manifest" || case.peak_memory > 0,
            "{} reports memory",
            case.name
        );
    }

    let copy = tempfile::tempdir().expect("tempdir");
    let case = copy.path().join("import-first-page");
    std::fs::create_dir_all(&case).expect("mkdir");
    for file in ["input.json", "http.json", "expected.json"] {
        std::fs::copy(
            fixtures.join("import-first-page").join(file),
            case.join(file),
        )
        .expect("copy");
    }
    let expected = std::fs::read_to_string(case.join("expected.json")).expect("read");
    std::fs::write(
        case.join("expected.json"),
        expected.replace("Easy loop", "Hard loop"),
    )
    .expect("write");
    let results = stride_sandbox::harness::run(&example_plugin("example"), copy.path(), false)
        .await
        .expect("harness runs");
    assert!(!results[0].passed);
    assert!(
        results[0]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("Easy loop"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_case_runs_on_a_fresh_host() {
    // Seven failing calls in a row would open a shared host's breaker after five; here each
    // case starts fresh, so all seven run and match their recorded failure.
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/example/fixtures");
    let copy = tempfile::tempdir().expect("tempdir");
    for n in 1..=7 {
        let case = copy.path().join(format!("feed-down-{n}"));
        std::fs::create_dir_all(&case).expect("mkdir");
        for file in ["input.json", "http.json", "expected.json"] {
            std::fs::copy(fixtures.join("feed-down").join(file), case.join(file)).expect("copy");
        }
    }
    let results = stride_sandbox::harness::run(&example_plugin("example"), copy.path(), false)
        .await
        .expect("harness runs");
    assert_eq!(results.len(), 7);
    for case in &results {
        assert!(
            case.passed,
            "{}: {}",
            case.name,
            case.problem.clone().unwrap_or_default()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_built_for_api_1_0_still_runs_and_imports_history_its_way() {
    let app = TestApp::spawn().await;
    app.install_plugin("test-v1-0").await;
    let owner = app.owner().await;
    let ann = app.invite_user(&owner, "ATHLETE", "ann@example.test").await;
    let plugin = app.state.plugins.get("test-v1-0").expect("loaded");
    assert_eq!(plugin.api_version.to_string(), "1.0.0");
    assert!(
        plugin.manifest.history_import,
        "1.0's `backfill` job kind means it imports history"
    );
    let ping = app
        .state
        .plugins
        .run_job("test-v1-0", job("ping", json!({})), None)
        .await;
    assert!(ping.result.is_ok(), "{:?}", ping.result);

    // Connecting starts its history the 1.0 way: `backfill` jobs paging by follow-ups.
    app.connect_plugin(&ann, "test-v1-0", "old-ann").await;
    let store = &app.state.store;
    let mut tx = store.begin().await.expect("transaction");
    stride::ingest::Ingest::start_history(
        &app.state.jobs,
        store,
        &mut tx,
        ann.id.parse().expect("uuid"),
        "test-v1-0",
        app.clock_now(),
    )
    .await
    .expect("started");
    tx.commit().await.expect("commit");
    app.drain_jobs().await;

    let backfill = app
        .gql(
            Some(&ann.token),
            "{ backfill(provider: \"test-v1-0\") { status pagesDone activitiesDone note } }",
            json!({}),
        )
        .await;
    let backfill = &backfill.ok()["backfill"];
    assert_eq!(backfill["status"], "done", "{backfill}");
    assert_eq!(backfill["pagesDone"], 3);
    assert_eq!(backfill["activitiesDone"], 2);
    // Page 3 saw what page 2 put in its follow-up's payload: 1.0 cursors pass through whole.
    assert_eq!(backfill["note"], "page 3, marker kept");
    let activities = app
        .gql(
            Some(&ann.token),
            "{ activities(first: 10) { edges { node { externalId source averageHeartRate } } } }",
            json!({}),
        )
        .await;
    let mut ids: Vec<String> = activities.ok()["activities"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            assert_eq!(e["node"]["source"], "test-v1-0");
            e["node"]["externalId"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    ids.sort();
    assert_eq!(ids, vec!["old-1", "old-2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bundled_plugin_passes_its_recorded_fixtures() {
    for name in ["apple-health", "files", "garmin"] {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plugins")
            .join(name)
            .join("fixtures");
        let results = stride_sandbox::harness::run(&example_plugin(name), &fixtures, false)
            .await
            .expect("the harness runs");
        assert!(results.len() >= 10, "{name}: only {} cases", results.len());
        let failed: Vec<String> = results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| format!("{}: {}", r.name, r.problem.clone().unwrap_or_default()))
            .collect();
        assert!(failed.is_empty(), "{name}: {failed:#?}");
    }
}
