//! A test plugin that behaves like a device provider: each job delivers the records its
//! payload describes, so scenario tests can drive the host's write path through a real
//! plugin call.
//!
//! - `morning` `{date, hrv_ms, hrv_kind, resting_hr, asleep_min}`: a daily summary, a sleep
//!   and an HRV value for that day.
//! - `activity` `{external_id, sport, start_ms, duration_s, distance_m, avg_hr}`: an activity.
//! - `amend` `{external_id, sport?, name?}`: the provider changed an activity.
//! - `delete` `{external_id}`: the provider deleted it.

use serde_json::Value;
use stride_plugin_sdk::prelude::*;

struct Device;

fn sport(name: &str) -> Sport {
    match name {
        "run" => Sport::Run,
        "trail_run" => Sport::TrailRun,
        "ride" => Sport::Ride,
        "swim" => Sport::Swim,
        "strength" => Sport::Strength,
        _ => Sport::Other,
    }
}

fn text(payload: &Value, key: &str) -> Result<String, PluginError> {
    payload[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| PluginError::BadInput(format!("`{key}` is missing")))
}

impl Plugin for Device {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new("test-device", env!("CARGO_PKG_VERSION"), "Test device");
        manifest.job_kinds = ["morning", "activity", "amend", "delete"]
            .map(str::to_owned)
            .to_vec();
        manifest
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        let payload: Value = serde_json::from_str(&job.payload)
            .map_err(|e| PluginError::BadInput(format!("the payload is not JSON: {e}")))?;
        let record = match job.kind.as_str() {
            "morning" => {
                let date = text(&payload, "date")?;
                let kind = match payload["hrv_kind"].as_str() {
                    Some("sdnn") => HrvKind::Sdnn,
                    _ => HrvKind::Rmssd,
                };
                return Ok(JobOutcome::done()
                    .record(RecordItem::DailySummary(DailySummary {
                        summary_id: Some(format!("daily-{date}")),
                        date: date.clone(),
                        resting_hr: payload["resting_hr"].as_f64(),
                        stress_score: None,
                        body_battery_high: None,
                        body_battery_low: None,
                        steps: None,
                        active_kcal: None,
                        weight_kg: None,
                        readiness: None,
                        stress: None,
                    }))
                    .record(RecordItem::Sleep(Sleep {
                        summary_id: Some(format!("sleep-{date}")),
                        date: date.clone(),
                        start_ms: None,
                        end_ms: None,
                        asleep_min: payload["asleep_min"].as_i64().unwrap_or(0) as i32,
                        in_bed_min: None,
                        deep_min: None,
                        light_min: None,
                        rem_min: None,
                        awake_min: None,
                        score: None,
                        quality: None,
                        final_: true,
                    }))
                    .record(RecordItem::Hrv(Hrv {
                        summary_id: Some(format!("hrv-{date}")),
                        date,
                        value_ms: payload["hrv_ms"].as_f64().unwrap_or(0.0),
                        kind,
                    })));
            }
            "activity" => {
                let mut activity = Activity::new(
                    text(&payload, "external_id")?,
                    sport(payload["sport"].as_str().unwrap_or("run")),
                    payload["name"].as_str().unwrap_or("Device activity"),
                    payload["start_ms"].as_i64().unwrap_or(0),
                    payload["duration_s"].as_i64().unwrap_or(0),
                );
                activity.distance_m = payload["distance_m"].as_f64();
                activity.avg_hr = payload["avg_hr"].as_f64();
                RecordItem::Activity(activity)
            }
            "amend" => {
                let mut update = ActivityUpdate::new(text(&payload, "external_id")?);
                update.sport = payload["sport"].as_str().map(sport);
                update.name = payload["name"].as_str().map(str::to_owned);
                RecordItem::ActivityUpdate(update)
            }
            "delete" => RecordItem::ActivityDeleted(text(&payload, "external_id")?),
            other => {
                return Err(PluginError::Permanent(format!(
                    "unknown job kind `{other}`"
                )));
            }
        };
        Ok(JobOutcome::done().record(record))
    }
}

stride_plugin_sdk::register_plugin!(Device);
