//! Garmin Connect for Stride: the Health and Activity APIs.
//!
//! - **Connect**: OAuth 2 with PKCE (S256); the host exchanges the code, then reads the
//!   athlete's stable `userId` from `GET …/user/id` (the manifest's `athlete-id-url`). Garmin
//!   rotates refresh tokens on every refresh; the host stores each new one.
//! - **Push**: Garmin POSTs bodies keyed by summary type (`dailies`, `sleeps`, `hrv`,
//!   `activities`, `activityDetails`, …), each an array of items carrying `userId`. Pushes are
//!   unsigned: only bodies whose `garmin-client-id` header matches the configured `client_id`
//!   are heard, and `userId` only names whose jobs they are (the host drops items of athletes
//!   not connected here). The webhook answers at once and queues `ingest` jobs, grouped per
//!   athlete and type; the jobs turn the items into records.
//! - **Ping**: an item with a `callbackURL` instead of data becomes a `pull` job that GETs the
//!   URL with the athlete's token (only URLs under the configured API base are followed, so a
//!   forged ping cannot send a token elsewhere).
//! - **Re-sends**: dailies and sleeps arrive again as the day fills in or the sleep becomes
//!   final. Sleeps keep Garmin's `summaryId` (a TENTATIVE night is replaced by its FINAL one);
//!   a day's dailies and stress details merge into one daily summary per date (id
//!   `garmin-day:<date>`), so nothing is doubled and the newest delivery wins.
//! - **Lifecycle**: `deregistrations` queue a `revoke` job (the host confirms with Garmin before
//!   erasing anything); `userPermissionsChange` queues a `permissions` job that asks Garmin for
//!   the athlete's current permissions and tells the athlete what is missing.
//! - **History**: `import-history` asks Garmin's backfill endpoints, one summary type and one
//!   window (30 days by default, never more than 90) per page; Garmin answers 202 and pushes
//!   the data later. 409 (already asked) counts as done; 403 (history not shared) ends the
//!   import with a notice to the athlete.
//! - **Rate limits**: a 429 defers the job or page to `Retry-After` (a minute when absent).
//! - **Files**: `activityFiles` pings (FIT/TCX/GPX) queue a `file` job that fetches the file
//!   once and reads it with the shared `stride-formats` parser, in the sandbox.

mod model;

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Value, json};
use stride_plugin_sdk::prelude::*;

use model::{ActivityKind, DayParts};

/// Garmin's API host; tests point `api_base` at a fake.
const DEFAULT_API_BASE: &str = "https://apis.garmin.com";
/// The REST path under the API host (`/partner-gateway/rest` in some sources): setting `api_path`.
const DEFAULT_API_PATH: &str = "/wellness-api/rest";
const AUTHORIZE_URL: &str = "https://connect.garmin.com/oauth2Confirm";
const TOKEN_URL: &str = "https://diauth.garmin.com/di-oauth2-service/oauth/token";

/// Summary types whose items become records.
const DATA_TYPES: &[&str] = &[
    "activities",
    "manuallyUpdatedActivities",
    "activityDetails",
    "dailies",
    "sleeps",
    "hrv",
    "stressDetails",
    "bodyComps",
    "userMetrics",
    "allDayRespiration",
];

/// Summary types Garmin may push that Stride has no record for: acknowledged, not stored.
const IGNORED_TYPES: &[&str] = &[
    "epochs",
    "pulseox",
    "healthSnapshot",
    "bloodPressures",
    "moveIQActivities",
    "skinTemp",
    "solarIntensity",
    "mct",
];

/// What a history import asks Garmin to backfill, in this order, for each window.
const BACKFILL_TYPES: &[&str] = &[
    "dailies",
    "sleeps",
    "hrv",
    "stressDetails",
    "activities",
    "activityDetails",
    "bodyComps",
    "userMetrics",
];

/// Items queued per ingest job (and roughly their size): a job stays small enough to retry.
const ITEMS_PER_JOB: usize = 100;
const BYTES_PER_JOB: usize = 1 << 20;

struct Garmin;

fn setting_num(key: &str, default: i64, range: std::ops::RangeInclusive<i64>) -> i64 {
    host::setting(key)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| range.contains(v))
        .unwrap_or(default)
}

/// `https://apis.garmin.com` (setting `api_base`), without a trailing slash.
fn api_host() -> String {
    host::setting("api_base")
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// The REST root: `api_base` + `api_path`.
fn api_root() -> String {
    let path = host::setting("api_path").unwrap_or_else(|| DEFAULT_API_PATH.to_owned());
    let path = path.trim().trim_end_matches('/');
    if path.is_empty() {
        api_host()
    } else if path.starts_with('/') {
        format!("{}{path}", api_host())
    } else {
        format!("{}/{path}", api_host())
    }
}

fn header<'a>(request: &'a WebhookRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// FNV-1a of the body: a redelivered push has the same identity.
fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The parts of an item the webhook looks at; the rest is passed on untouched.
#[derive(serde::Deserialize)]
struct ItemHead {
    #[serde(rename = "userId", default)]
    user_id: Option<Value>,
    #[serde(rename = "callbackURL", default)]
    callback_url: Option<Value>,
}

fn user_of(head: &ItemHead) -> Option<String> {
    match head.user_id.as_ref()? {
        Value::String(s) if !s.trim().is_empty() && s.len() <= 200 => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Items of one summary type for one athlete, waiting to become `ingest` jobs.
#[derive(Default)]
struct Batch<'a> {
    items: Vec<&'a RawValue>,
    bytes: usize,
}

fn ingest_job(kind: &str, user: &str, items: &[&RawValue]) -> NewJob {
    let body: Vec<&str> = items.iter().map(|r| r.get()).collect();
    let mut job = NewJob::new("ingest", &json!({})).for_athlete(user);
    job.payload = format!(
        "{{\"type\":{},\"items\":[{}]}}",
        Value::String(kind.to_owned()),
        body.join(",")
    );
    job
}

fn handle_push(request: &WebhookRequest) -> WebhookOutcome {
    if !request.method.eq_ignore_ascii_case("POST") {
        return WebhookOutcome::text(405, "Garmin pushes with POST");
    }
    // Unsigned pushes: the client id header is all Garmin offers.
    let Some(client_id) = host::setting("client_id").filter(|c| !c.trim().is_empty()) else {
        log::warn!("a Garmin push arrived but no client_id is configured");
        return WebhookOutcome::text(
            403,
            "no Garmin client id is configured here (plugin.garmin.settings.client_id)",
        );
    };
    match header(request, "garmin-client-id") {
        Some(given) if given.trim() == client_id.trim() => {}
        Some(_) => return WebhookOutcome::text(403, "unknown garmin-client-id"),
        None => return WebhookOutcome::text(401, "missing garmin-client-id"),
    }
    let body: BTreeMap<String, &RawValue> = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => {
            return WebhookOutcome::text(400, &format!("not a Garmin push body: {e}"));
        }
    };
    let max_items = setting_num("max_items_per_push", 10_000, 1..=1_000_000) as usize;
    let mut batches: BTreeMap<(String, String), Vec<Batch>> = BTreeMap::new();
    let mut jobs: Vec<NewJob> = Vec::new();
    let (mut items_seen, mut anonymous, mut ignored) = (0usize, 0usize, 0usize);
    for (kind, raw) in &body {
        let known = DATA_TYPES.contains(&kind.as_str())
            || matches!(
                kind.as_str(),
                "deregistrations" | "userPermissionsChange" | "activityFiles"
            );
        if !known {
            if !IGNORED_TYPES.contains(&kind.as_str()) {
                log::info!("ignoring unknown Garmin summary type `{kind}`");
            }
            ignored += 1;
            continue;
        }
        let items: Vec<&RawValue> = match serde_json::from_str(raw.get()) {
            Ok(items) => items,
            Err(_) => {
                return WebhookOutcome::text(400, &format!("`{kind}` is not an array of items"));
            }
        };
        items_seen += items.len();
        if items_seen > max_items {
            return WebhookOutcome::text(
                413,
                &format!("more than {max_items} items in one push; send them in smaller bodies"),
            );
        }
        for item in items {
            let head: ItemHead = match serde_json::from_str(item.get()) {
                Ok(head) => head,
                Err(_) => {
                    anonymous += 1;
                    continue;
                }
            };
            let Some(user) = user_of(&head) else {
                anonymous += 1;
                continue;
            };
            match kind.as_str() {
                "deregistrations" => jobs.push(
                    NewJob::new(
                        "revoke",
                        &json!({ "reason": "the athlete disconnected Stride in Garmin Connect" }),
                    )
                    .for_athlete(&user)
                    .dedupe(format!("revoke:{user}")),
                ),
                "userPermissionsChange" => jobs.push(
                    NewJob::new("permissions", &json!({}))
                        .for_athlete(&user)
                        .dedupe(format!("permissions:{user}")),
                ),
                "activityFiles" => match head.callback_url {
                    // Files come only by ping; the link works once, so one job per link.
                    Some(Value::String(url)) => {
                        let file: Value = serde_json::from_str(item.get()).unwrap_or_default();
                        jobs.push(
                            NewJob::new(
                                "file",
                                &json!({
                                    "url": url,
                                    "fileType": file.get("fileType"),
                                    "activityId": file.get("activityId"),
                                    "activityName": file.get("activityName"),
                                }),
                            )
                            .for_athlete(&user)
                            .dedupe(format!("file:{}", fingerprint(url.as_bytes()))),
                        );
                    }
                    _ => anonymous += 1,
                },
                _ => match head.callback_url {
                    Some(Value::String(url)) => jobs.push(
                        NewJob::new("pull", &json!({ "type": kind, "url": url }))
                            .for_athlete(&user)
                            .dedupe(format!("pull:{}", fingerprint(url.as_bytes()))),
                    ),
                    Some(_) => anonymous += 1,
                    None => {
                        let slot = batches.entry((kind.clone(), user)).or_default();
                        let size = item.get().len();
                        match slot.last_mut() {
                            Some(batch)
                                if batch.items.len() < ITEMS_PER_JOB
                                    && batch.bytes + size <= BYTES_PER_JOB =>
                            {
                                batch.items.push(item);
                                batch.bytes += size;
                            }
                            _ => slot.push(Batch {
                                items: vec![item],
                                bytes: size,
                            }),
                        }
                    }
                },
            }
        }
    }
    for ((kind, user), slot) in &batches {
        for batch in slot {
            jobs.push(ingest_job(kind, user, &batch.items));
        }
    }
    if anonymous > 0 {
        log::warn!("{anonymous} pushed items had no usable userId and were skipped");
    }
    let mut outcome = WebhookOutcome::text(200, "ok");
    // A redelivered body is recognised by its bytes. Not a lifecycle body: a deregistration
    // (or a permission change) after a reconnection is byte for byte the earlier one, and must
    // not be taken for a redelivery; its jobs deduplicate while pending and only check with
    // Garmin, so a repeat does no harm.
    let lifecycle =
        body.contains_key("deregistrations") || body.contains_key("userPermissionsChange");
    if !jobs.is_empty() && !lifecycle {
        outcome = outcome.event(format!("push:{}", fingerprint(&request.body)));
    }
    log::debug!(
        "push with {items_seen} items: {} jobs, {ignored} ignored",
        jobs.len()
    );
    outcome.jobs = jobs;
    outcome
}

/// What a failed request means for the job.
enum Failure {
    /// Defer to this time.
    Later(i64, String),
    Error(PluginError),
}

fn retry_at(response: &Response) -> i64 {
    let seconds = response
        .header("retry-after")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|s| (1..=86_400).contains(s))
        .unwrap_or(60);
    host::now_ms() + seconds * 1000
}

fn send(request: Request) -> Result<Response, Failure> {
    match request.send() {
        Ok(response) if response.status() == 429 => Err(Failure::Later(
            retry_at(&response),
            "Garmin's rate limit was reached".to_owned(),
        )),
        Ok(response) if response.status() == 401 => {
            Err(Failure::Error(PluginError::Unauthorized(format!(
                "Garmin refused the token: {}",
                String::from_utf8_lossy(response.body())
            ))))
        }
        Ok(response) if response.status() >= 500 => Err(Failure::Error(PluginError::Retryable(
            format!("Garmin answered {}", response.status()),
        ))),
        Ok(response) => Ok(response),
        Err(HttpError::RateLimited(at)) => Err(Failure::Later(
            at,
            "holding back to stay within Garmin's rate limit".to_owned(),
        )),
        Err(HttpError::NotConnected(why)) => Err(Failure::Error(PluginError::Unauthorized(why))),
        Err(HttpError::Timeout) => Err(Failure::Error(PluginError::Retryable(
            "Garmin did not answer in time".to_owned(),
        ))),
        Err(HttpError::Connection(why)) => Err(Failure::Error(PluginError::Retryable(format!(
            "could not reach Garmin: {why}"
        )))),
        Err(other) => Err(Failure::Error(PluginError::Permanent(format!("{other:?}")))),
    }
}

fn finish(result: Result<JobOutcome, Failure>) -> Result<JobOutcome, PluginError> {
    match result {
        Ok(outcome) => Ok(outcome),
        Err(Failure::Later(at, reason)) => Ok(JobOutcome::done().defer_until(at, reason)),
        Err(Failure::Error(error)) => Err(error),
    }
}

/// What an athlete's day looks like so far: the newest dailies and stress details for it.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct DayState {
    #[serde(default)]
    daily: DayParts,
    #[serde(default)]
    stress: DayParts,
}

/// Turns items of one summary type into records for `athlete`.
fn records_of(athlete: &AthleteRef, kind: &str, items: &[Value]) -> Vec<RecordItem> {
    let scope = Scope::Athlete(athlete.id.clone());
    let mut records = Vec::new();
    let mut skipped = 0usize;
    let mut days: BTreeMap<String, DayState> = BTreeMap::new();
    for item in items {
        // An item for another Garmin user never lands on this athlete.
        if let Some(user) = item.get("userId").and_then(|u| match u {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }) && user != athlete.external_id
        {
            skipped += 1;
            continue;
        }
        let result: Result<Vec<RecordItem>, String> = match kind {
            "activities" | "manuallyUpdatedActivities" | "activityDetails" => model::activity(item)
                .map(|a| match a {
                    ActivityKind::Workout(activity) => vec![RecordItem::Activity(*activity)],
                    ActivityKind::MultisportParent => Vec::new(),
                }),
            "dailies" | "stressDetails" => {
                let parsed = if kind == "dailies" {
                    model::daily(item)
                } else {
                    model::stress_details(item)
                };
                parsed.map(|(date, parts)| {
                    let day = days.entry(date.clone()).or_insert_with(|| {
                        host::kv_get_json(&scope, &format!("day:{date}")).unwrap_or_default()
                    });
                    if kind == "dailies" {
                        day.daily = parts;
                    } else {
                        day.stress = parts;
                    }
                    Vec::new()
                })
            }
            "sleeps" => model::sleep(item).map(|s| vec![RecordItem::Sleep(s)]),
            "hrv" => model::hrv(item).map(|h| vec![RecordItem::Hrv(h)]),
            "bodyComps" => {
                model::body_comp(item).map(|m| m.into_iter().map(RecordItem::Measurement).collect())
            }
            "userMetrics" => model::user_metrics(item)
                .map(|m| m.into_iter().map(RecordItem::Measurement).collect()),
            "allDayRespiration" => model::respiration(item)
                .map(|m| m.into_iter().map(RecordItem::Measurement).collect()),
            other => Err(format!("no records from `{other}`")),
        };
        match result {
            Ok(items) => records.extend(items),
            Err(why) => {
                skipped += 1;
                log::warn!("skipping a {kind} item: {why}");
            }
        }
    }
    for (date, day) in &days {
        let _ = host::kv_set_json(&scope, &format!("day:{date}"), day);
        records.push(RecordItem::DailySummary(model::day_record(
            date,
            &day.daily,
            &day.stress,
        )));
    }
    if skipped > 0 {
        log::warn!("{skipped} {kind} items were skipped");
    }
    records
}

fn ingest(athlete: &AthleteRef, payload: &Value) -> Result<JobOutcome, PluginError> {
    let kind = payload["type"]
        .as_str()
        .ok_or_else(|| PluginError::BadInput("an ingest job needs a type".to_owned()))?;
    let items = payload["items"]
        .as_array()
        .ok_or_else(|| PluginError::BadInput("an ingest job needs items".to_owned()))?;
    let mut outcome = JobOutcome::done();
    outcome.records = records_of(athlete, kind, items);
    Ok(outcome)
}

/// A ping: GET the callback URL with the athlete's token, then as a push.
fn pull(athlete: &AthleteRef, payload: &Value) -> Result<JobOutcome, Failure> {
    let bad = |why: &str| Failure::Error(PluginError::BadInput(why.to_owned()));
    let kind = payload["type"]
        .as_str()
        .ok_or_else(|| bad("a pull needs a type"))?;
    let url = payload["url"]
        .as_str()
        .ok_or_else(|| bad("a pull needs a url"))?;
    let base = api_host();
    if !url.starts_with(&format!("{base}/")) {
        log::warn!("refusing a callback URL outside {base}");
        return Err(bad("the callback URL is not on Garmin's API host"));
    }
    let response = send(Request::get(url).on_behalf_of(&athlete.id))?;
    match response.status() {
        200 => {}
        // Callback links work once and for 24 hours: nothing more to fetch.
        404 | 410 => {
            log::warn!("the callback URL has expired or was already used");
            return Ok(JobOutcome::done());
        }
        status => {
            return Err(Failure::Error(PluginError::Retryable(format!(
                "the callback answered {status}"
            ))));
        }
    }
    let body: Value = response
        .json()
        .map_err(|e| Failure::Error(PluginError::Retryable(e)))?;
    let items = match body {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove(kind) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut outcome = JobOutcome::done();
    outcome.records = records_of(athlete, kind, &items);
    Ok(outcome)
}

/// An `activityFiles` ping: GET the file once with the athlete's token and read it with the
/// shared parser (`stride-formats`). The activity keeps Garmin's activity id, so the file's
/// samples land on the same activity as its summary.
fn activity_file(athlete: &AthleteRef, payload: &Value) -> Result<JobOutcome, Failure> {
    let bad = |why: String| Failure::Error(PluginError::BadInput(why));
    let url = payload["url"]
        .as_str()
        .ok_or_else(|| bad("a file job needs a url".to_owned()))?;
    let base = api_host();
    if !url.starts_with(&format!("{base}/")) {
        log::warn!("refusing a file URL outside {base}");
        return Err(bad("the file URL is not on Garmin's API host".to_owned()));
    }
    let response = send(Request::get(url).on_behalf_of(&athlete.id))?;
    match response.status() {
        200 => {}
        404 | 410 => {
            log::warn!("the activity file link has expired or was already used");
            return Ok(JobOutcome::done());
        }
        status => {
            return Err(Failure::Error(PluginError::Retryable(format!(
                "the activity file answered {status}"
            ))));
        }
    }
    let id = payload["activityId"]
        .as_u64()
        .map(|n| n.to_string())
        .or_else(|| payload["activityId"].as_str().map(str::to_owned));
    let extension = payload["fileType"]
        .as_str()
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| matches!(t.as_str(), "fit" | "tcx" | "gpx"))
        .unwrap_or_else(|| "fit".to_owned());
    let name = format!("{}.{extension}", id.as_deref().unwrap_or("activity"));
    let mut activity = stride_formats::read_file(&name, response.body())
        .map_err(|e| bad(format!("Garmin's activity file could not be read: {e}")))?;
    if let Some(id) = id {
        activity.external_id = id;
    }
    if let Some(title) = payload["activityName"]
        .as_str()
        .filter(|t| !t.trim().is_empty())
    {
        activity.name = title.trim().to_owned();
    }
    activity.check().map_err(bad)?;
    Ok(JobOutcome::done().record(RecordItem::Activity(activity)))
}

/// Permissions an athlete can grant Garmin to share, and what Stride misses without each.
const PERMISSIONS: &[(&str, &str)] = &[
    ("ACTIVITY_EXPORT", "your activities"),
    ("HEALTH_EXPORT", "your sleep, HRV and daily health data"),
    (
        "HISTORICAL_DATA_EXPORT",
        "your history from before you connected",
    ),
];

fn permissions(athlete: &AthleteRef) -> Result<JobOutcome, Failure> {
    let response =
        send(Request::get(format!("{}/user/permissions", api_root())).on_behalf_of(&athlete.id))?;
    if response.status() != 200 {
        return Err(Failure::Error(PluginError::Retryable(format!(
            "asking for permissions answered {}",
            response.status()
        ))));
    }
    let granted: Vec<String> = response
        .json()
        .map_err(|e| Failure::Error(PluginError::Retryable(e)))?;
    let scope = Scope::Athlete(athlete.id.clone());
    let _ = host::kv_set_json(&scope, "permissions", &granted);
    let missing: Vec<&str> = PERMISSIONS
        .iter()
        .filter(|(name, _)| !granted.iter().any(|g| g == name))
        .map(|(_, what)| *what)
        .collect();
    // An empty message withdraws the notice once everything is shared again.
    let message = if missing.is_empty() {
        String::new()
    } else {
        format!(
            "Garmin does not share {} with Stride: allow it in Garmin Connect",
            missing.join(", ")
        )
    };
    Ok(JobOutcome::done().record(RecordItem::Notice(Notice {
        kind: "garmin-permissions".to_owned(),
        message,
    })))
}

/// The athlete disconnects in Stride: tell Garmin (`DELETE …/user/registration`), so it stops
/// pushing their data. Already gone at Garmin (401, 404) counts as done.
fn deauthorize(athlete: &AthleteRef) -> Result<JobOutcome, Failure> {
    let response = Request::new("DELETE", format!("{}/user/registration", api_root()))
        .on_behalf_of(&athlete.id)
        .send()
        .map_err(|e| Failure::Error(PluginError::Retryable(format!("{e:?}"))))?;
    match response.status() {
        200..=299 | 401 | 404 => Ok(JobOutcome::done()),
        status => Err(Failure::Error(PluginError::Retryable(format!(
            "Garmin answered {status} to the disconnect"
        )))),
    }
}

/// Where a history import stands: the window's end all windows count back from, and the
/// next (window, type) to ask for.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct BackfillCursor {
    end: i64,
    window: u32,
    kind: u32,
}

fn history_page(request: &HistoryRequest) -> Result<HistoryOutcome, Failure> {
    let athlete = &request.athlete;
    let now_s = host::now_ms().div_euclid(1000);
    let cursor: BackfillCursor = request
        .cursor
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or(BackfillCursor {
            end: now_s,
            window: 0,
            kind: 0,
        });
    let days = setting_num("history_days", 90, 1..=5 * 365);
    // Garmin refuses windows over 90 days (some sources say 30): 30 unless configured.
    let window_s = setting_num("backfill_window_days", 30, 1..=90) * 86_400;
    let earliest = cursor.end - days * 86_400;
    let windows = (days * 86_400 + window_s - 1) / window_s;
    let types = BACKFILL_TYPES.len() as u32;
    let total = windows as u32 * types;
    let index = cursor.window * types + cursor.kind;
    if i64::from(cursor.window) >= windows || cursor.kind >= types {
        return Ok(HistoryOutcome::done());
    }
    let to = cursor.end - i64::from(cursor.window) * window_s;
    let from = (to - window_s).max(earliest);
    let kind = BACKFILL_TYPES[cursor.kind as usize];
    let url = format!(
        "{}/backfill/{kind}?summaryStartTimeInSeconds={from}&summaryEndTimeInSeconds={to}",
        api_root()
    );
    let response = send(Request::get(url).on_behalf_of(&athlete.id))?;
    let scope = Scope::Athlete(athlete.id.clone());
    let key = format!("backfill:{}", request.run);
    let mut asked: BTreeMap<String, String> = host::kv_get_json(&scope, &key).unwrap_or_default();
    let span = format!(
        "{kind} {}..{}",
        model::civil_date(from.div_euclid(86_400)),
        model::civil_date(to.div_euclid(86_400))
    );
    let status = response.status();
    let note = match status {
        200..=299 => {
            asked.insert(span.clone(), "requested".to_owned());
            format!("asked Garmin for {span}; it arrives by push")
        }
        409 => {
            asked.insert(span.clone(), "already requested".to_owned());
            format!("Garmin already had a request for {span}")
        }
        403 => {
            let _ = host::kv_set_json(&scope, &key, &asked);
            return Ok(HistoryOutcome::done()
                .record(RecordItem::Notice(Notice {
                    kind: "garmin-history".to_owned(),
                    message: "Garmin did not share your history: allow it in Garmin Connect"
                        .to_owned(),
                }))
                .progress(Progress {
                    pages_done: index + 1,
                    items_done: asked.len() as u32,
                    total_hint: Some(total),
                    note: Some("Garmin did not share your history".to_owned()),
                }));
        }
        400 => {
            log::warn!(
                "Garmin refused the backfill of {span}: {}",
                String::from_utf8_lossy(response.body())
            );
            asked.insert(span.clone(), "refused".to_owned());
            format!("Garmin refused {span}")
        }
        other => {
            return Err(Failure::Error(PluginError::Retryable(format!(
                "the backfill of {span} answered {other}"
            ))));
        }
    };
    let _ = host::kv_set_json(&scope, &key, &asked);
    let requested = asked.values().filter(|v| *v != "refused").count() as u32;
    let mut outcome = HistoryOutcome::done().progress(Progress {
        pages_done: index + 1,
        items_done: requested,
        total_hint: Some(total),
        note: Some(note),
    });
    let next = if cursor.kind + 1 < types {
        Some(BackfillCursor {
            kind: cursor.kind + 1,
            ..cursor
        })
    } else if i64::from(cursor.window) + 1 < windows {
        Some(BackfillCursor {
            window: cursor.window + 1,
            kind: 0,
            ..cursor
        })
    } else {
        None
    };
    if let Some(next) = next {
        outcome = outcome.next(serde_json::to_string(&next).unwrap_or_default());
    }
    Ok(outcome)
}

impl Plugin for Garmin {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new("garmin", env!("CARGO_PKG_VERSION"), "Garmin Connect");
        manifest.oauth = Some(OauthConfig {
            authorize_url: AUTHORIZE_URL.to_owned(),
            token_url: TOKEN_URL.to_owned(),
            // Garmin's disconnect is `DELETE …/user/registration` with the athlete's token:
            // the `deauthorize` job sends it while the token still works.
            deauthorize_url: None,
            scopes: Vec::new(),
            scope_separator: " ".to_owned(),
            pkce: true,
            athlete_id_pointer: Some("/userId".to_owned()),
            athlete_id_url: Some(format!("{DEFAULT_API_BASE}{DEFAULT_API_PATH}/user/id")),
            api_hosts: vec!["apis.garmin.com".to_owned()],
        });
        manifest.allowed_hosts = vec!["apis.garmin.com".to_owned()];
        manifest.webhook_kinds = DATA_TYPES
            .iter()
            .chain(["deregistrations", "userPermissionsChange", "activityFiles"].iter())
            .map(|k| (*k).to_owned())
            .collect();
        manifest.job_kinds = vec![
            "ingest".to_owned(),
            "pull".to_owned(),
            "file".to_owned(),
            "revoke".to_owned(),
            "permissions".to_owned(),
            "deauthorize".to_owned(),
        ];
        manifest.history_import = true;
        manifest
    }

    fn handle_webhook(request: WebhookRequest) -> Result<WebhookOutcome, PluginError> {
        Ok(handle_push(&request))
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        let payload: Value = serde_json::from_str(&job.payload)
            .map_err(|e| PluginError::BadInput(format!("the job payload is not JSON: {e}")))?;
        let athlete = job.athlete.as_ref().ok_or_else(|| {
            PluginError::Permanent("Garmin jobs need a connected athlete".to_owned())
        })?;
        match job.kind.as_str() {
            "ingest" => ingest(athlete, &payload),
            "pull" => finish(pull(athlete, &payload)),
            "file" => finish(activity_file(athlete, &payload)),
            "permissions" => finish(permissions(athlete)),
            "deauthorize" => finish(deauthorize(athlete)),
            "revoke" => {
                let reason = payload["reason"]
                    .as_str()
                    .unwrap_or("access was revoked in Garmin Connect")
                    .to_owned();
                Ok(JobOutcome::done().record(RecordItem::ConnectionRevoked(reason)))
            }
            other => Err(PluginError::Permanent(format!(
                "Garmin runs no `{other}` jobs"
            ))),
        }
    }

    fn import_history(request: HistoryRequest) -> Result<HistoryOutcome, PluginError> {
        match history_page(&request) {
            Ok(outcome) => Ok(outcome),
            Err(Failure::Later(at, reason)) => Ok(HistoryOutcome::done().defer_until(at, reason)),
            Err(Failure::Error(error)) => Err(error),
        }
    }
}

stride_plugin_sdk::register_plugin!(Garmin);
