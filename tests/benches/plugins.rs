//! What the sandbox costs: one plugin call (a fresh instance from the pre-instantiated
//! component, the call, and the host's bookkeeping: permits, deadline, memory and health),
//! against the same work as a native Rust function call.
//!
//! The call is the test plugin's `ping` job: parse the JSON payload, match the kind, return an
//! empty outcome. `cargo bench -p stride-e2e --bench plugins`

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stride_e2e::TestApp;
use stride_sandbox::contract::{JobOutcome, JobRequest, PluginError};

/// The `stride` binary's allocator: the server runs in this process, and is measured as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ping_request() -> JobRequest {
    JobRequest {
        kind: "ping".to_owned(),
        payload: r#"{"note":"benchmark"}"#.to_owned(),
        athlete: None,
        attempt: 1,
    }
}

/// The plugin's `ping` handler, written natively: the same parsing and matching.
#[inline(never)]
fn native_ping(job: &JobRequest) -> Result<JobOutcome, PluginError> {
    let _payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    match job.kind.as_str() {
        "ping" => Ok(JobOutcome {
            records: Vec::new(),
            follow_ups: Vec::new(),
            progress: None,
            defer_until_ms: None,
            defer_reason: None,
        }),
        other => Err(PluginError::Permanent(format!(
            "unknown job kind `{other}`"
        ))),
    }
}

fn plugin_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // The default settings, and the same with nothing of the instance slots kept resident
    // between calls (every page faulted in again on each call).
    let spawn = |keep_resident_mb: Option<u32>| {
        runtime.block_on(async {
            let app = TestApp::spawn_with(|config| {
                config.jobs.workers = 0;
                if let Some(mb) = keep_resident_mb {
                    config.plugins.keep_resident_mb = mb;
                }
            })
            .await;
            app.install_plugin("test-hostile").await;
            app
        })
    };
    let apps = [
        ("wasm_instantiate_and_call", spawn(None)),
        (
            "wasm_instantiate_and_call_nothing_kept_resident",
            spawn(Some(0)),
        ),
    ];
    let mut group = c.benchmark_group("plugin/ping_job");
    for (name, app) in &apps {
        let plugins = app.state.plugins.clone();
        group.bench_function(*name, |b| {
            b.to_async(&runtime).iter(|| async {
                let report = plugins
                    .run_job("test-hostile", black_box(ping_request()), None)
                    .await;
                assert!(report.result.is_ok(), "{:?}", report.result);
            })
        });
    }
    group.bench_function("native_call", |b| {
        b.iter(|| native_ping(black_box(&ping_request())).expect("ok"))
    });
    group.finish();
    for (_, app) in apps {
        runtime.block_on(app.stop());
    }
}

criterion_group!(benches, plugin_call);
criterion_main!(benches);
