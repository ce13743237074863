//! `stride plugin test`: runs a real plugin against recorded inputs and fake HTTP responses,
//! compares its output with expected files, and reports time and memory per call.
//!
//! A fixtures directory holds one folder per case:
//!
//! ```text
//! fixtures/
//!   first-page/
//!     input.json      {"call": "run-job", "job": {...}, "now": "2026-03-02T12:00:00Z"}
//!                     or {"call": "handle-webhook", "request": {...}}
//!                     or {"call": "import-history", "history": {"run": "r1", "page": 1,
//!                         "cursor": null, "athlete": {...}}}
//!                     or {"call": "receive-upload", "upload": {"kind": "Files", "name":
//!                         "run.fit", "body_file": "run.fit"}} (or "body": <JSON or string>)
//!                     or {"call": "manifest"}
//!     http.json       [{"method": "GET", "url": "https://…", "status": 200,
//!                       "headers": {"x-ratelimit-usage": "1,1"}, "body": <JSON or string>}]
//!     kv.json         {"athlete:<id>|cursor": <JSON>} (optional starting state)
//!     settings.json   {"api_base": "https://…"} (optional)
//!     secrets.json    {"verify_token": "…"} (optional)
//!     expected.json   the call's result as JSON, plus the proposals and kv it left
//! ```
//!
//! Records use the host contract's serde form: snake_case fields, variants by name.
//!
//! Every case runs on a fresh host (no breaker or health carried over from the case before)
//! with a clock stopped at the case's `now` (default 2026-03-02T12:00:00Z); compiled code is
//! shared through a cache, so a fresh host costs no recompilation.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use stride_domain::clock::ManualClock;

use crate::config::{PluginsConfig, Secret};
use crate::contract::{Header, HttpError, JobRequest, PlanProposal, WebhookRequest};
use crate::net::{InboundResponse, NetPolicy, Outbound, OutboundRequest};
use crate::services::{BoxFuture, CallAthlete, PluginIdentity, PluginServices, http_error};
use crate::{CallError, CallReport, PluginHost};

/// One recorded HTTP exchange.
#[derive(Debug, Clone, Deserialize)]
struct Exchange {
    method: String,
    url: String,
    #[serde(default = "ok_status")]
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Value,
}

fn ok_status() -> u16 {
    200
}

#[derive(Debug, Default)]
struct CaseState {
    exchanges: VecDeque<Exchange>,
    unmatched: Vec<String>,
    kv: BTreeMap<String, Vec<u8>>,
    settings: BTreeMap<String, String>,
    secrets: BTreeMap<String, String>,
    proposals: Vec<PlanProposal>,
    now_ms: i64,
}

/// Services answering from a case's fixtures; nothing leaves the process.
#[derive(Debug)]
struct FixtureServices {
    case: Mutex<CaseState>,
    checker: Outbound,
}

impl FixtureServices {
    fn case(&self) -> std::sync::MutexGuard<'_, CaseState> {
        self.case.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PluginServices for FixtureServices {
    fn send<'a>(
        &'a self,
        _plugin: &'a PluginIdentity,
        request: OutboundRequest,
        _on_behalf_of: Option<stride_domain::ids::AthleteId>,
        allowed_hosts: &'a [String],
    ) -> BoxFuture<'a, Result<InboundResponse, HttpError>> {
        Box::pin(async move {
            // The manifest's allowlist applies exactly as it does live.
            self.checker
                .check_url(&request.url, allowed_hosts)
                .map_err(http_error)?;
            let mut case = self.case();
            let position = case.exchanges.iter().position(|e| {
                e.method.eq_ignore_ascii_case(request.method.as_str())
                    && e.url == request.url.as_str()
            });
            let Some(exchange) = position.and_then(|i| case.exchanges.remove(i)) else {
                let line = format!("{} {}", request.method, request.url);
                case.unmatched.push(line.clone());
                return Err(HttpError::Connection(format!(
                    "no recorded response for {line}"
                )));
            };
            let body = match exchange.body {
                Value::String(text) => text.into_bytes(),
                Value::Null => Vec::new(),
                other => other.to_string().into_bytes(),
            };
            Ok(InboundResponse {
                status: exchange.status,
                headers: exchange.headers.into_iter().collect(),
                body,
            })
        })
    }

    fn kv_get<'a>(
        &'a self,
        _plugin: &'a str,
        scope: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        Box::pin(async move { Ok(self.case().kv.get(&format!("{scope}|{key}")).cloned()) })
    }

    fn kv_set<'a>(
        &'a self,
        _plugin: &'a str,
        scope: &'a str,
        key: &'a str,
        value: Vec<u8>,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.case().kv.insert(format!("{scope}|{key}"), value);
            Ok(())
        })
    }

    fn kv_delete<'a>(
        &'a self,
        _plugin: &'a str,
        scope: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.case().kv.remove(&format!("{scope}|{key}"));
            Ok(())
        })
    }

    fn now_ms(&self) -> i64 {
        self.case().now_ms
    }

    fn setting(&self, _plugin: &str, key: &str) -> Option<String> {
        self.case().settings.get(key).cloned()
    }

    fn secret(&self, _plugin: &str, name: &str) -> Option<Secret> {
        self.case().secrets.get(name).map(Secret::new)
    }

    fn propose<'a>(
        &'a self,
        _plugin: &'a PluginIdentity,
        proposal: PlanProposal,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let mut case = self.case();
            case.proposals.push(proposal);
            Ok(format!("proposal-{}", case.proposals.len()))
        })
    }
}

/// What one case produced.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Case folder name.
    pub name: String,
    /// Whether the output matched `expected.json`.
    pub passed: bool,
    /// The output, as compared.
    pub actual: Value,
    /// Why it failed, when it did.
    pub problem: Option<String>,
    /// Wall time of the call.
    pub elapsed: Duration,
    /// Peak linear memory, bytes.
    pub peak_memory: usize,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "call", rename_all = "kebab-case")]
enum CaseInput {
    Manifest,
    HandleWebhook {
        request: WebhookInput,
    },
    RunJob {
        job: JobInput,
        #[serde(default)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
    ImportHistory {
        history: HistoryInput,
        #[serde(default)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
    ReceiveUpload {
        upload: UploadInput,
        #[serde(default)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
}

impl CaseInput {
    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            CaseInput::Manifest | CaseInput::HandleWebhook { .. } => None,
            CaseInput::RunJob { now, .. }
            | CaseInput::ImportHistory { now, .. }
            | CaseInput::ReceiveUpload { now, .. } => *now,
        }
    }
}

#[derive(Debug, Deserialize)]
struct HistoryInput {
    #[serde(default = "default_run")]
    run: String,
    #[serde(default = "first_attempt")]
    page: u32,
    #[serde(default)]
    cursor: Option<String>,
    athlete: AthleteInput,
    #[serde(default = "first_attempt")]
    attempt: u32,
}

fn default_run() -> String {
    "run-1".to_owned()
}

#[derive(Debug, Deserialize)]
struct UploadInput {
    kind: crate::contract::UploadKind,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// A file in the case folder holding the body.
    #[serde(default)]
    body_file: Option<PathBuf>,
    /// Or the body inline (JSON, or a string).
    #[serde(default)]
    body: Value,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default = "default_athlete")]
    athlete: AthleteInput,
}

fn default_athlete() -> AthleteInput {
    AthleteInput {
        id: Uuid::from_u128(0x0190_f5c2_4a7e_7cc0_9a4e_1f2d_3c4b_5a69),
        external_id: "athlete".to_owned(),
        time_zone: utc(),
    }
}

#[derive(Debug, Deserialize)]
struct WebhookInput {
    #[serde(default = "post")]
    method: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    query: Vec<(String, String)>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Value,
}

fn post() -> String {
    "POST".to_owned()
}

#[derive(Debug, Deserialize)]
struct JobInput {
    kind: String,
    #[serde(default)]
    payload: Value,
    #[serde(default)]
    athlete: Option<AthleteInput>,
    #[serde(default = "first_attempt")]
    attempt: u32,
}

fn first_attempt() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
struct AthleteInput {
    id: Uuid,
    external_id: String,
    #[serde(default = "utc")]
    time_zone: String,
}

fn utc() -> String {
    "UTC".to_owned()
}

fn read_json<T: serde::de::DeserializeOwned + Default>(path: &Path) -> anyhow::Result<T> {
    if !path.exists() {
        return Ok(T::default());
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}

fn outcome_json<T: serde::Serialize>(report: &CallReport<T>) -> Value {
    let mut value = match &report.result {
        Ok(value) => json!({ "ok": value }),
        Err(CallError::Plugin(error)) => json!({ "plugin_error": error }),
        Err(other) => json!({ "failed": other.to_string() }),
    };
    readable_bodies(&mut value);
    value
}

/// Shows byte bodies that are UTF-8 as text, so expected files are readable.
fn readable_bodies(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "body"
                    && let Some(bytes) = child.as_array().and_then(|items| {
                        items
                            .iter()
                            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                            .collect::<Option<Vec<u8>>>()
                    })
                    && let Ok(text) = String::from_utf8(bytes)
                {
                    *child = Value::String(text);
                } else {
                    readable_bodies(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(readable_bodies),
        _ => {}
    }
}

/// The instant a case runs at unless its input names one.
const DEFAULT_NOW_MS: i64 = 1_772_452_800_000;

fn body_bytes(body: Value) -> Vec<u8> {
    match body {
        Value::String(text) => text.into_bytes(),
        Value::Null => Vec::new(),
        other => other.to_string().into_bytes(),
    }
}

fn call_athlete(a: AthleteInput) -> CallAthlete {
    CallAthlete {
        id: stride_domain::ids::AthleteId(a.id),
        external_id: a.external_id,
        time_zone: a.time_zone,
    }
}

fn athlete_ref(a: &CallAthlete) -> crate::contract::AthleteRef {
    crate::contract::AthleteRef {
        id: a.id.to_string(),
        external_id: a.external_id.clone(),
        time_zone: a.time_zone.clone(),
    }
}

/// Runs every case under `fixtures` against the plugin at `wasm`. With `update`, writes the
/// actual output as the new `expected.json` instead of comparing.
pub async fn run(wasm: &Path, fixtures: &Path, update: bool) -> anyhow::Result<Vec<CaseResult>> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures)
        .with_context(|| format!("reading {}", fixtures.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("input.json").exists())
        .collect();
    cases.sort();
    if cases.is_empty() {
        bail!(
            "{} holds no case folders with an input.json",
            fixtures.display()
        );
    }
    // Compiled once into this cache; each case's fresh host loads it from there.
    let cache = tempfile::tempdir().context("creating a compile cache for the cases")?;
    let mut results = Vec::new();
    for dir in cases {
        results.push(run_case(wasm, &dir, cache.path(), update).await?);
    }
    Ok(results)
}

async fn run_case(
    wasm: &Path,
    dir: &Path,
    cache: &Path,
    update: bool,
) -> anyhow::Result<CaseResult> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input: Value = read_json(&dir.join("input.json"))?;
    let input: CaseInput = serde_json::from_value(input)
        .with_context(|| format!("{name}/input.json is not a case"))?;
    let now = input.now().unwrap_or_else(|| {
        chrono::DateTime::from_timestamp_millis(DEFAULT_NOW_MS).unwrap_or_default()
    });
    let services = Arc::new(FixtureServices {
        case: Mutex::new(CaseState {
            exchanges: read_json::<Vec<Exchange>>(&dir.join("http.json"))?.into(),
            kv: read_json::<BTreeMap<String, Value>>(&dir.join("kv.json"))?
                .into_iter()
                .map(|(k, v)| (k, v.to_string().into_bytes()))
                .collect(),
            settings: read_json(&dir.join("settings.json"))?,
            secrets: read_json(&dir.join("secrets.json"))?,
            now_ms: now.timestamp_millis(),
            ..CaseState::default()
        }),
        checker: Outbound::new(NetPolicy {
            allow_private: true,
            allow_plain_http: true,
            max_request_bytes: 1 << 20,
            max_response_bytes: 16 << 20,
            max_timeout: Duration::from_secs(10),
        })?,
    });
    let host = PluginHost::new(
        PluginsConfig {
            dir: None,
            cache_dir: Some(cache.to_owned()),
            ..PluginsConfig::default()
        },
        BTreeMap::new(),
        services.clone(),
        ManualClock::new(now),
    )?;
    let plugin = host.prepare_file(wasm).await?;
    let id = plugin.manifest.id.clone();
    host.install(plugin);

    let (call, elapsed, peak_memory) = match input {
        CaseInput::Manifest => {
            let manifest = host.get(&id).map(|p| p.manifest.clone());
            (json!({ "ok": manifest }), Duration::ZERO, 0)
        }
        CaseInput::HandleWebhook { request } => {
            let request = WebhookRequest {
                method: request.method,
                path: request.path,
                query: request.query,
                headers: request
                    .headers
                    .into_iter()
                    .map(|(name, value)| Header { name, value })
                    .collect(),
                body: body_bytes(request.body),
            };
            let report = host.handle_webhook(&id, request).await;
            (outcome_json(&report), report.elapsed, report.peak_memory)
        }
        CaseInput::RunJob { job, .. } => {
            let athlete = job.athlete.map(call_athlete);
            let request = JobRequest {
                kind: job.kind,
                payload: job.payload.to_string(),
                athlete: athlete.as_ref().map(athlete_ref),
                attempt: job.attempt,
            };
            let report = host.run_job(&id, request, athlete).await;
            (outcome_json(&report), report.elapsed, report.peak_memory)
        }
        CaseInput::ImportHistory { history, .. } => {
            let athlete = call_athlete(history.athlete);
            let request = crate::contract::HistoryRequest {
                athlete: athlete_ref(&athlete),
                run: history.run,
                page: history.page,
                cursor: history.cursor,
                attempt: history.attempt,
            };
            let report = host.import_history(&id, request, athlete).await;
            (outcome_json(&report), report.elapsed, report.peak_memory)
        }
        CaseInput::ReceiveUpload { upload, .. } => {
            let body = match &upload.body_file {
                Some(file) => std::fs::read(dir.join(file))
                    .with_context(|| format!("{name}: reading {}", file.display()))?,
                None => body_bytes(upload.body),
            };
            let athlete = call_athlete(upload.athlete);
            let request = crate::contract::UploadRequest {
                athlete: athlete_ref(&athlete),
                kind: upload.kind,
                name: upload.name,
                content_type: upload.content_type,
                headers: upload
                    .headers
                    .into_iter()
                    .map(|(name, value)| Header { name, value })
                    .collect(),
                size: body.len() as u64,
                cursor: upload.cursor,
            };
            let report = host
                .receive_upload(&id, request, Arc::new(body), athlete)
                .await;
            (outcome_json(&report), report.elapsed, report.peak_memory)
        }
    };
    let case = services.case();
    let kv: BTreeMap<&String, Value> = case
        .kv
        .iter()
        .map(|(k, v)| {
            (
                k,
                serde_json::from_slice(v)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(v).into_owned())),
            )
        })
        .collect();
    let actual = json!({ "result": call, "proposals": case.proposals, "kv": kv, "unmatched_requests": case.unmatched });
    let expected_path = dir.join("expected.json");
    let (passed, problem) = if update {
        std::fs::write(
            &expected_path,
            serde_json::to_string_pretty(&actual)? + "\n",
        )?;
        (true, None)
    } else {
        match read_json::<Option<Value>>(&expected_path)? {
            None => (
                false,
                Some("expected.json is missing (run with --update to record it)".to_owned()),
            ),
            Some(expected) if expected == actual => (true, None),
            Some(expected) => (
                false,
                Some(format!(
                    "output differs\n--- expected\n{}\n+++ actual\n{}",
                    serde_json::to_string_pretty(&expected)?,
                    serde_json::to_string_pretty(&actual)?
                )),
            ),
        }
    };
    Ok(CaseResult {
        name,
        passed,
        actual,
        problem,
        elapsed,
        peak_memory,
    })
}
