//! The plugin from the "write your first plugin" guide.
//!
//! It imports runs from a simple JSON feed (`GET {feed_url}/runs?since=<ms>`) for the athlete
//! of the job, keeps a cursor in key–value state so each import continues where the last one
//! ended, and answers a webhook that asks it to import now.

use serde::Deserialize;
use stride_plugin_sdk::prelude::*;

struct FeedImporter;

/// One run as the feed publishes it.
#[derive(Deserialize)]
struct FeedRun {
    id: String,
    start_ms: i64,
    seconds: i64,
    meters: Option<f64>,
    avg_hr: Option<i32>,
    title: Option<String>,
}

impl Plugin for FeedImporter {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new(
            "example",
            env!("CARGO_PKG_VERSION"),
            "Example feed importer",
        );
        // Athletes connect their feed account with OAuth; their token goes to the API host
        // only.
        manifest.oauth = Some(OauthConfig {
            authorize_url: "https://feed.example.com/oauth/authorize".to_owned(),
            token_url: "https://feed.example.com/oauth/token".to_owned(),
            deauthorize_url: None,
            scopes: vec!["runs:read".to_owned()],
            scope_separator: " ".to_owned(),
            pkce: true,
            athlete_id_pointer: Some("/athlete_id".to_owned()),
            athlete_id_url: None,
            api_hosts: vec!["feed.example.com".to_owned()],
        });
        manifest.allowed_hosts = vec!["feed.example.com".to_owned()];
        manifest.job_kinds = vec!["import".to_owned()];
        manifest.webhook_kinds = vec!["import-now".to_owned()];
        manifest.secrets = vec!["webhook_token".to_owned()];
        manifest
    }

    fn handle_webhook(request: WebhookRequest) -> Result<WebhookOutcome, PluginError> {
        let token = request
            .query
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !host::secret_equals("webhook_token", token) {
            return Ok(WebhookOutcome::text(401, "bad token"));
        }
        let athlete = request
            .query
            .iter()
            .find(|(k, _)| k == "athlete")
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                PluginError::BadInput("the `athlete` query parameter is missing".to_owned())
            })?;
        let job = NewJob::new("import", &serde_json::json!({}))
            .for_athlete(athlete.clone())
            .dedupe(format!("import:{athlete}"));
        Ok(WebhookOutcome::text(200, "queued").enqueue(job))
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        if job.kind != "import" {
            return Err(PluginError::Permanent(format!(
                "unknown job kind `{}`",
                job.kind
            )));
        }
        let athlete = job
            .athlete
            .ok_or_else(|| PluginError::Permanent("an import needs an athlete".to_owned()))?;
        let scope = Scope::Athlete(athlete.id.clone());
        let since: i64 = host::kv_get_json(&scope, "cursor").unwrap_or(0);
        let base =
            host::setting("feed_url").unwrap_or_else(|| "https://feed.example.com".to_owned());
        let response = Request::get(format!("{base}/runs?since={since}"))
            .on_behalf_of(&athlete.id)
            .send()
            .map_err(|e| PluginError::Retryable(format!("the feed did not answer: {e:?}")))?;
        if response.status() != 200 {
            return Err(PluginError::Retryable(format!(
                "the feed answered {}",
                response.status()
            )));
        }
        let runs: Vec<FeedRun> = response.json().map_err(PluginError::Permanent)?;
        log::info!("imported {} runs since {since}", runs.len());
        let mut outcome = JobOutcome::done();
        let mut cursor = since;
        for run in &runs {
            let mut activity = Activity::new(
                &run.id,
                Sport::Run,
                run.title.clone().unwrap_or_else(|| "Run".to_owned()),
                run.start_ms,
                run.seconds,
            );
            activity.distance_m = run.meters;
            activity.avg_hr = run.avg_hr.map(f64::from);
            activity.check().map_err(PluginError::BadInput)?;
            outcome = outcome.record(RecordItem::Activity(activity));
            cursor = cursor.max(run.start_ms);
        }
        host::kv_set_json(&scope, "cursor", &cursor).map_err(PluginError::Retryable)?;
        Ok(outcome.progress(Progress {
            pages_done: 1,
            items_done: runs.len() as u32,
            total_hint: None,
            note: None,
        }))
    }
}

stride_plugin_sdk::register_plugin!(FeedImporter);
