//! A test plugin that behaves like a device provider: each job delivers the records its
//! payload describes, so scenario tests can drive the host's write path through a real
//! plugin call.
//!
//! - `morning` `{date, hrv_ms, hrv_kind, resting_hr, asleep_min}`: a daily summary, a sleep
//!   and an HRV value for that day.
//! - `activity` `{external_id, sport, start_ms, duration_s, distance_m, avg_hr}`: an activity.
//! - `amend` `{external_id, sport?, name?}`: the provider changed an activity.
//! - `delete` `{external_id}`: the provider deleted it.
//! - `points` `{points: [{measure, at_ms, value, hrv_kind?}]}`: single measurements.
//!
//! `morning` also takes `deep_min`, `rem_min`, `sleep_score`, `final`, `stress_score` and
//! `steps`; `activity` also `sport_detail`, `device`, `avg_power_w` and `laps`
//! (`[{start_s, duration_s, distance_m}]`).
//!
//! Uploads (files and relay deliveries) carry a JSON body `{"records": [payload…]}` where each
//! payload names its `job` kind as above; a body that is not JSON is refused as bad input, and
//! an entry of an unknown kind becomes a problem naming its index.

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
        manifest.job_kinds = ["morning", "activity", "amend", "delete", "points"]
            .map(str::to_owned)
            .to_vec();
        manifest.uploads = vec![UploadKind::Files, UploadKind::Relay];
        manifest
    }

    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        let payload: Value = serde_json::from_str(&job.payload)
            .map_err(|e| PluginError::BadInput(format!("the payload is not JSON: {e}")))?;
        let mut outcome = JobOutcome::done();
        for record in records(&job.kind, &payload)? {
            outcome = outcome.record(record);
        }
        Ok(outcome)
    }

    fn receive_upload(request: UploadRequest) -> Result<UploadOutcome, PluginError> {
        let body = host::upload()
            .read_all()
            .map_err(|e| PluginError::Retryable(format!("reading the upload: {e}")))?;
        let body: Value = serde_json::from_slice(&body)
            .map_err(|e| PluginError::BadInput(format!("the body is not JSON: {e}")))?;
        let entries = body["records"]
            .as_array()
            .ok_or_else(|| PluginError::BadInput("`records` must be an array".to_owned()))?;
        let mut outcome = UploadOutcome::empty();
        for (index, entry) in entries.iter().enumerate() {
            let kind = entry["job"].as_str().unwrap_or_default();
            match records(kind, entry) {
                Ok(found) => outcome.records.extend(found),
                Err(e) => {
                    outcome = outcome.problem(
                        request
                            .name
                            .clone()
                            .unwrap_or_else(|| format!("records[{index}]")),
                        format!("records[{index}]: {e:?}"),
                    )
                }
            }
            outcome.items_done += 1;
        }
        Ok(outcome)
    }
}

fn records(kind: &str, payload: &Value) -> Result<Vec<RecordItem>, PluginError> {
    let record = match kind {
        "morning" => {
            let date = text(payload, "date")?;
            let kind = match payload["hrv_kind"].as_str() {
                Some("sdnn") => HrvKind::Sdnn,
                _ => HrvKind::Rmssd,
            };
            return Ok(vec![
                RecordItem::DailySummary(DailySummary {
                    summary_id: Some(format!("daily-{date}")),
                    date: date.clone(),
                    resting_hr: payload["resting_hr"].as_f64(),
                    stress_score: payload["stress_score"].as_i64().map(|v| v as i32),
                    body_battery_high: None,
                    body_battery_low: None,
                    steps: payload["steps"].as_i64(),
                    active_kcal: None,
                    weight_kg: None,
                    readiness: None,
                    stress: None,
                }),
                RecordItem::Sleep(Sleep {
                    summary_id: Some(format!("sleep-{date}")),
                    date: date.clone(),
                    start_ms: None,
                    end_ms: None,
                    asleep_min: payload["asleep_min"].as_i64().unwrap_or(0) as i32,
                    in_bed_min: None,
                    deep_min: payload["deep_min"].as_i64().map(|v| v as i32),
                    light_min: None,
                    rem_min: payload["rem_min"].as_i64().map(|v| v as i32),
                    awake_min: None,
                    score: payload["sleep_score"].as_i64().map(|v| v as i32),
                    quality: None,
                    final_: payload["final"].as_bool().unwrap_or(true),
                }),
                RecordItem::Hrv(Hrv {
                    summary_id: Some(format!("hrv-{date}")),
                    date,
                    value_ms: payload["hrv_ms"].as_f64().unwrap_or(0.0),
                    kind,
                }),
            ]);
        }
        "points" => {
            let points = payload["points"]
                .as_array()
                .ok_or_else(|| PluginError::BadInput("`points` must be an array".to_owned()))?;
            return points
                .iter()
                .map(|point| {
                    let measure = match point["measure"].as_str().unwrap_or_default() {
                        "hrv" => Measure::Hrv,
                        "resting_heart_rate" => Measure::RestingHeartRate,
                        "weight" => Measure::Weight,
                        "body_fat" => Measure::BodyFat,
                        "vo2max" => Measure::Vo2max,
                        "respiratory_rate" => Measure::RespiratoryRate,
                        "steps" => Measure::Steps,
                        other => {
                            return Err(PluginError::BadInput(format!(
                                "unknown measure `{other}`"
                            )));
                        }
                    };
                    Ok(RecordItem::Measurement(Measurement {
                        measure,
                        at_ms: point["at_ms"].as_i64().unwrap_or(0),
                        value: point["value"].as_f64().unwrap_or(f64::NAN),
                        hrv_kind: match point["hrv_kind"].as_str() {
                            Some("sdnn") => Some(HrvKind::Sdnn),
                            Some("rmssd") => Some(HrvKind::Rmssd),
                            _ => None,
                        },
                        device: point["device"].as_str().map(str::to_owned),
                    }))
                })
                .collect();
        }
        "activity" => {
            let mut activity = Activity::new(
                text(payload, "external_id")?,
                sport(payload["sport"].as_str().unwrap_or("run")),
                payload["name"].as_str().unwrap_or("Device activity"),
                payload["start_ms"].as_i64().unwrap_or(0),
                payload["duration_s"].as_i64().unwrap_or(0),
            );
            activity.distance_m = payload["distance_m"].as_f64();
            activity.avg_hr = payload["avg_hr"].as_f64();
            activity.sport_detail = payload["sport_detail"].as_str().map(str::to_owned);
            activity.device = payload["device"].as_str().map(str::to_owned);
            activity.avg_power_w = payload["avg_power_w"].as_f64();
            activity.laps = payload["laps"]
                .as_array()
                .map(|laps| {
                    laps.iter()
                        .map(|lap| Lap {
                            start_s: lap["start_s"].as_f64().unwrap_or(0.0),
                            duration_s: lap["duration_s"].as_f64().unwrap_or(0.0),
                            distance_m: lap["distance_m"].as_f64(),
                            avg_hr: None,
                            max_hr: None,
                            avg_power_w: None,
                            avg_cadence: None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            RecordItem::Activity(activity)
        }
        "amend" => {
            let mut update = ActivityUpdate::new(text(payload, "external_id")?);
            update.sport = payload["sport"].as_str().map(sport);
            update.name = payload["name"].as_str().map(str::to_owned);
            RecordItem::ActivityUpdate(update)
        }
        "delete" => RecordItem::ActivityDeleted(text(payload, "external_id")?),
        other => {
            return Err(PluginError::Permanent(format!(
                "unknown job kind `{other}`"
            )));
        }
    };
    Ok(vec![record])
}

stride_plugin_sdk::register_plugin!(Device);
