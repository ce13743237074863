//! A plugin built directly against the frozen plugin API 1.0.0 (`sdk/wit/since_v1.0.0`), as
//! a plugin released before 1.1 was. The host must load it and run it unchanged, including
//! 1.0's history convention: a `backfill` job whose payload carries `{page, run}`, paging
//! through follow-up `backfill` jobs.
//!
//! Its history has two pages of one run each; page 3 is empty.

wit_bindgen::generate!({
    path: "../../sdk/wit/since_v1.0.0",
    world: "plugin",
});

use exports::stride::plugin::handler::Guest;
use stride::plugin::types::{
    Activity, JobOutcome, JobRequest, Manifest, NewJob, PluginError, Progress, RecordItem, Sport,
    WebhookOutcome, WebhookReply, WebhookRequest,
};

struct OldPlugin;

impl Guest for OldPlugin {
    fn describe() -> Manifest {
        Manifest {
            id: "test-v1-0".to_owned(),
            version: "0.1.0".to_owned(),
            display_name: "A plugin API 1.0 plugin".to_owned(),
            oauth: None,
            allowed_hosts: Vec::new(),
            rate_budgets: Vec::new(),
            webhook_kinds: Vec::new(),
            job_kinds: vec!["backfill".to_owned(), "ping".to_owned()],
            secrets: Vec::new(),
        }
    }

    fn handle_webhook(_request: WebhookRequest) -> Result<WebhookOutcome, PluginError> {
        Ok(WebhookOutcome {
            reply: WebhookReply {
                status: 200,
                headers: Vec::new(),
                body: b"ok".to_vec(),
            },
            event_key: None,
            jobs: Vec::new(),
        })
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        let payload: serde_json::Value =
            serde_json::from_str(&job.payload).map_err(|e| PluginError::BadInput(e.to_string()))?;
        let mut outcome = JobOutcome {
            records: Vec::new(),
            follow_ups: Vec::new(),
            progress: None,
            defer_until_ms: None,
            defer_reason: None,
        };
        match job.kind.as_str() {
            "ping" => Ok(outcome),
            "backfill" => {
                let page = payload["page"].as_u64().unwrap_or(1);
                let run = payload["run"].as_str().unwrap_or_default().to_owned();
                if page <= 2 {
                    outcome.records.push(RecordItem::Activity(Activity {
                        external_id: format!("old-{page}"),
                        sport: Sport::Run,
                        name: format!("Old run {page}"),
                        // 1 and 2 March 2026, 07:00 UTC.
                        start_ms: 1_772_348_400_000 + (page as i64 - 1) * 86_400_000,
                        utc_offset_s: None,
                        duration_s: 1_800,
                        moving_time_s: None,
                        distance_m: Some(5_000.0),
                        elevation_gain_m: None,
                        avg_hr: Some(150),
                        max_hr: None,
                        rpe: Some(4),
                        private: false,
                        samples: None,
                    }));
                    outcome.follow_ups.push(NewJob {
                        kind: "backfill".to_owned(),
                        payload:
                            serde_json::json!({ "page": page + 1, "run": run, "marker": "kept" })
                                .to_string(),
                        athlete_external_id: None,
                        dedupe_key: None,
                        not_before_ms: None,
                    });
                }
                outcome.progress = Some(Progress {
                    pages_done: page as u32,
                    items_done: page.min(2) as u32,
                    total_hint: Some(2),
                    note: Some(format!(
                        "page {page}, marker {}",
                        payload["marker"].as_str().unwrap_or("none")
                    )),
                });
                Ok(outcome)
            }
            other => Err(PluginError::Permanent(format!("no `{other}` jobs"))),
        }
    }
}

export!(OldPlugin);

/// The API version the host reads before compiling: 1.0.0.
#[cfg(target_arch = "wasm32")]
#[unsafe(link_section = "stride:api-version")]
#[used]
static STRIDE_API_VERSION: [u8; 6] = [0, 1, 0, 0, 0, 0];
