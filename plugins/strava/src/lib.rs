//! Strava for Stride.
//!
//! - **Webhooks**: answers Strava's subscription validation (`hub.challenge`, checking the
//!   verify token through the host), and turns each event into a durable job. Every activity
//!   event becomes a `sync-activity` job that fetches the activity's *current* state, so
//!   duplicated and out-of-order deliveries converge on what Strava holds; a deauthorization
//!   becomes a `revoke` job, whose claim the host confirms with a token refresh before it
//!   erases anything. Only events of the configured `subscription_id` are heard.
//! - **History**: one page of `GET /athlete/activities` per `import-history` call, newest
//!   first, paging until an empty page (Strava's pages can be short before the end). The
//!   cursor carries the next page number and the `before` bound.
//! - **Rate limits**: the host keeps Strava's application-wide budget; when it (or Strava) says
//!   "later", the job is deferred to the window's reset, never failed.

mod model;

use serde_json::json;
use stride_plugin_sdk::prelude::*;

use model::{StravaActivity, StravaEvent, Streams};

/// Strava's documented endpoints; tests point `api_base` at a fake.
const DEFAULT_API_BASE: &str = "https://www.strava.com";

/// Activities per backfill page (Strava's maximum; a deployment may ask for fewer).
const PAGE_SIZE: u32 = 200;

fn page_size() -> u32 {
    host::setting("page_size")
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=PAGE_SIZE).contains(n))
        .unwrap_or(PAGE_SIZE)
}

/// Streams requested for a synced activity.
const STREAM_KEYS: &str = "time,heartrate,velocity_smooth,distance,altitude,watts,cadence";

struct Strava;

fn api_base() -> String {
    host::setting("api_base")
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

fn query<'a>(request: &'a WebhookRequest, key: &str) -> Option<&'a str> {
    request
        .query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// What a failed request means for the job.
enum Failure {
    /// Defer the job to this time.
    Later(i64, String),
    /// Fail the job.
    Error(PluginError),
}

fn send(request: Request) -> Result<Response, Failure> {
    match request.send() {
        Ok(response) if response.status() == 429 => {
            // The host has recorded the 429; wait for the next 15-minute window.
            let now = host::now_ms();
            let window = 15 * 60 * 1000;
            Err(Failure::Later(
                now - now.rem_euclid(window) + window,
                "Strava's rate limit was reached".to_owned(),
            ))
        }
        Ok(response) if response.status() == 401 => {
            Err(Failure::Error(PluginError::Unauthorized(format!(
                "Strava refused the token: {}",
                String::from_utf8_lossy(response.body())
            ))))
        }
        Ok(response) if response.status() >= 500 => Err(Failure::Error(PluginError::Retryable(
            format!("Strava answered {}", response.status()),
        ))),
        Ok(response) => Ok(response),
        Err(HttpError::RateLimited(at)) => Err(Failure::Later(
            at,
            "holding back to stay within Strava's rate limit".to_owned(),
        )),
        Err(HttpError::NotConnected(why)) => Err(Failure::Error(PluginError::Unauthorized(why))),
        Err(HttpError::Timeout) => Err(Failure::Error(PluginError::Retryable(
            "Strava did not answer in time".to_owned(),
        ))),
        Err(HttpError::Connection(why)) => Err(Failure::Error(PluginError::Retryable(format!(
            "could not reach Strava: {why}"
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

/// Where the next history page starts: its number and the `before` bound, if any.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct HistoryCursor {
    page: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<i64>,
}

fn json_body<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T, Failure> {
    // A truncated or garbled body is worth retrying; it is not the data's fault.
    response
        .json()
        .map_err(|e| Failure::Error(PluginError::Retryable(e)))
}

fn history_page(request: &HistoryRequest) -> Result<HistoryOutcome, Failure> {
    let athlete = &request.athlete;
    let cursor: HistoryCursor = request
        .cursor
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or(HistoryCursor {
            page: u64::from(request.page),
            before: None,
        });
    let page = cursor.page.max(1);
    let mut url = format!(
        "{}/api/v3/athlete/activities?page={page}&per_page={}",
        api_base(),
        page_size()
    );
    if let Some(before) = cursor.before {
        url.push_str(&format!("&before={before}"));
    }
    let response = send(Request::get(url).on_behalf_of(&athlete.id))?;
    if response.status() != 200 {
        return Err(Failure::Error(PluginError::Retryable(format!(
            "listing activities answered {}",
            response.status()
        ))));
    }
    let activities: Vec<StravaActivity> = json_body(&response)?;
    // Pages imported so far in this run, by page, so a retried page counts once.
    let scope = Scope::Athlete(athlete.id.clone());
    let key = format!("backfill:{}:pages", request.run);
    let mut pages: std::collections::BTreeMap<u64, u32> =
        host::kv_get_json(&scope, &key).unwrap_or_default();
    pages.insert(page, activities.len() as u32);
    let _ = host::kv_set_json(&scope, &key, &pages);
    let total: u32 = pages.values().sum();
    let mut outcome = HistoryOutcome::done().progress(Progress {
        pages_done: page as u32,
        items_done: total,
        total_hint: None,
        note: Some(if activities.is_empty() {
            "history imported".to_owned()
        } else {
            format!("page {page} imported")
        }),
    });
    for summary in &activities {
        match summary.to_activity(None) {
            Ok(activity) => outcome = outcome.record(RecordItem::Activity(activity)),
            Err(why) => log::warn!("skipping activity {}: {why}", summary.id),
        }
    }
    if !activities.is_empty() {
        let next = HistoryCursor {
            page: page + 1,
            before: cursor.before,
        };
        outcome = outcome.next(serde_json::to_string(&next).unwrap_or_default());
    }
    Ok(outcome)
}

fn sync_activity(athlete: &AthleteRef, payload: &serde_json::Value) -> Result<JobOutcome, Failure> {
    let id = payload["activity_id"].as_u64().ok_or_else(|| {
        Failure::Error(PluginError::BadInput(
            "sync-activity needs an activity_id".to_owned(),
        ))
    })?;
    let base = api_base();
    let response =
        send(Request::get(format!("{base}/api/v3/activities/{id}")).on_behalf_of(&athlete.id))?;
    if response.status() == 404 {
        // Deleted at Strava (or never visible to us): make sure it is gone here too.
        return Ok(JobOutcome::done().record(RecordItem::ActivityDeleted(id.to_string())));
    }
    if response.status() != 200 {
        return Err(Failure::Error(PluginError::Retryable(format!(
            "fetching activity {id} answered {}",
            response.status()
        ))));
    }
    let detail: StravaActivity = json_body(&response)?;
    let streams = match send(
        Request::get(format!(
            "{base}/api/v3/activities/{id}/streams?keys={STREAM_KEYS}&key_by_type=true"
        ))
        .on_behalf_of(&athlete.id),
    ) {
        Ok(r) if r.status() == 200 => r.json::<Streams>().ok(),
        Ok(_) => None,
        // Streams are a bonus: a rate limit on them must not lose the activity itself.
        Err(Failure::Later(..)) => None,
        Err(error) => return Err(error),
    };
    let activity = detail
        .to_activity(streams.as_ref())
        .map_err(|why| Failure::Error(PluginError::BadInput(why)))?;
    Ok(JobOutcome::done().record(RecordItem::Activity(activity)))
}

impl Plugin for Strava {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new("strava", env!("CARGO_PKG_VERSION"), "Strava");
        manifest.oauth = Some(OauthConfig {
            authorize_url: format!("{DEFAULT_API_BASE}/oauth/authorize"),
            token_url: format!("{DEFAULT_API_BASE}/oauth/token"),
            deauthorize_url: Some(format!("{DEFAULT_API_BASE}/oauth/deauthorize")),
            scopes: vec!["read".to_owned(), "activity:read_all".to_owned()],
            scope_separator: ",".to_owned(),
            pkce: false,
            athlete_id_pointer: Some("/athlete/id".to_owned()),
            athlete_id_url: None,
            api_hosts: vec!["www.strava.com".to_owned()],
        });
        manifest.allowed_hosts = vec!["www.strava.com".to_owned()];
        manifest.rate_budgets = vec![
            RateBudget {
                name: "overall".to_owned(),
                reads_only: false,
                limit_header: "X-RateLimit-Limit".to_owned(),
                usage_header: "X-RateLimit-Usage".to_owned(),
                windows: vec![RateWindow::AlignedMinutes(15), RateWindow::UtcDay],
                default_limits: vec![200, 2_000],
            },
            RateBudget {
                name: "read".to_owned(),
                reads_only: true,
                limit_header: "X-ReadRateLimit-Limit".to_owned(),
                usage_header: "X-ReadRateLimit-Usage".to_owned(),
                windows: vec![RateWindow::AlignedMinutes(15), RateWindow::UtcDay],
                default_limits: vec![100, 1_000],
            },
        ];
        manifest.webhook_kinds = vec![
            "subscription-validation".to_owned(),
            "activity".to_owned(),
            "athlete".to_owned(),
        ];
        manifest.job_kinds = vec!["sync-activity".to_owned(), "revoke".to_owned()];
        manifest.history_import = true;
        manifest.secrets = vec!["verify_token".to_owned()];
        manifest
    }

    fn handle_webhook(request: WebhookRequest) -> Result<WebhookOutcome, PluginError> {
        if request.method.eq_ignore_ascii_case("GET") {
            // Subscription validation.
            if query(&request, "hub.mode") != Some("subscribe") {
                return Ok(WebhookOutcome::text(400, "expected hub.mode=subscribe"));
            }
            let token = query(&request, "hub.verify_token").unwrap_or_default();
            if !host::secret_equals("verify_token", token) {
                log::warn!("subscription validation with a wrong verify token");
                return Ok(WebhookOutcome::text(403, "verify token mismatch"));
            }
            let challenge = query(&request, "hub.challenge").unwrap_or_default();
            return Ok(WebhookOutcome::json(
                200,
                &json!({ "hub.challenge": challenge }),
            ));
        }
        let event: StravaEvent = serde_json::from_slice(&request.body)
            .map_err(|e| PluginError::BadInput(format!("not a Strava event: {e}")))?;
        // Strava's events are unsigned: only this deployment's own subscription is heard,
        // and even then an event only queues a job that checks with Strava.
        let Some(expected) = host::setting("subscription_id") else {
            log::warn!("a Strava event arrived but no subscription_id is configured");
            return Ok(WebhookOutcome::text(
                403,
                "no Strava push subscription is configured here (plugin.strava.settings.subscription_id)",
            ));
        };
        if expected.trim() != event.subscription_id.to_string() {
            return Ok(WebhookOutcome::text(
                403,
                "event for an unknown subscription",
            ));
        }
        let owner = event.owner_id.to_string();
        let mut outcome = WebhookOutcome::text(200, "ok").event(event.identity());
        match (event.object_type.as_str(), event.aspect_type.as_str()) {
            ("activity", "create" | "update" | "delete") => {
                let job = NewJob::new("sync-activity", &json!({ "activity_id": event.object_id }))
                    .for_athlete(owner)
                    .dedupe(format!("sync-activity:{}", event.object_id));
                outcome = outcome.enqueue(job);
            }
            ("athlete", "update") if event.deauthorized() => {
                outcome = outcome.enqueue(
                    NewJob::new(
                        "revoke",
                        &json!({ "reason": "access was revoked on Strava" }),
                    )
                    .for_athlete(owner),
                );
            }
            _ => log::info!("ignoring {} {} event", event.object_type, event.aspect_type),
        }
        Ok(outcome)
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| PluginError::BadInput(format!("the job payload is not JSON: {e}")))?;
        let athlete = job.athlete.as_ref().ok_or_else(|| {
            PluginError::Permanent("Strava jobs need a connected athlete".to_owned())
        })?;
        match job.kind.as_str() {
            "sync-activity" => finish(sync_activity(athlete, &payload)),
            "revoke" => {
                let reason = payload["reason"]
                    .as_str()
                    .unwrap_or("access was revoked on Strava")
                    .to_owned();
                Ok(JobOutcome::done().record(RecordItem::ConnectionRevoked(reason)))
            }
            other => Err(PluginError::Permanent(format!(
                "Strava runs no `{other}` jobs"
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

stride_plugin_sdk::register_plugin!(Strava);
