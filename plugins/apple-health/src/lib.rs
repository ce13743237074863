//! Apple Health for Stride, relayed by the Health Auto Export app (iOS).
//!
//! Apple has no server API: the athlete's iPhone posts their data. Health Auto Export's "REST
//! API" automation sends `POST /relay/apple-health` with the athlete's relay token; the host
//! authenticates it, limits its size and rate, and calls [`receive_upload`] with kind `relay`,
//! the request's headers (`automation-name`, `automation-id`, `session-id`, …) and the body,
//! which this plugin reads in pieces (it is never held whole).
//!
//! - **Body**: `{"data": {"metrics": [...], "workouts": [...]}}` (export version 1 or 2);
//!   other keys (`stateOfMind`, `ecg`, `symptoms`, …) are skipped. Anything that is not such an
//!   object is `bad-input`, naming what is wrong, and nothing is stored.
//! - **Metrics** become timestamped measurements: HRV (SDNN, as Apple measures it), resting
//!   heart rate, weight, body fat, VO₂max, respiratory rate, steps. Units are converted from
//!   what each metric says (`bpm` or `count/min`, `kg` or `lb`, …), never assumed.
//! - **Sleep** (`sleep_analysis`) in all three shapes: aggregated current (`totalSleep`,
//!   `core`, `deep`, `rem`, …), aggregated older (`asleep`, `inBed`, `sleepSource`), and
//!   per stage (`startDate`, `endDate`, `value`). Stage segments are kept per night in the
//!   athlete's key–value state, so a night split over the requests of a batched export, or
//!   sent again by "since last sync", converges on one complete night.
//! - **Workouts** become activities, by their `id` (version 2) or an id derived from start and
//!   name (version 1), with the sport mapped from Apple's name (kept in `sport-detail`).
//! - **Problems**: each metric or workout that cannot be used is named with the reason, in
//!   words the athlete can act on; the rest of the delivery is still stored. Deliveries are
//!   bounded (see [`model::BUDGET`] and the caps per list), and the plugin says when it cut.
//!
//! [`receive_upload`]: stride_plugin_sdk::Plugin::receive_upload

pub mod convert;
pub mod model;
pub mod sleep;
pub mod time;
pub mod units;

use std::collections::BTreeMap;
use std::io::BufReader;

use stride_plugin_sdk::prelude::*;

use sleep::{Segment, Stage};

/// The largest body read, in bytes; the host's own limit is normally lower.
pub const MAX_BODY_BYTES: u64 = 32 << 20;

/// Nights whose stage segments are kept between requests (the newest ones).
const KEEP_NIGHTS: usize = 31;

/// Stage segments kept for one night (a night has 20 to 80).
const MAX_SEGMENTS_PER_NIGHT: usize = 600;

const NIGHTS_INDEX: &str = "sleep-nights";

fn night_key(day: &str) -> String {
    format!("sleep-night:{day}")
}

/// A stored segment: `[start ms, end ms, stage, UTC offset s]`.
type StoredSegment = (i64, i64, Stage, i32);

struct AppleHealth;

impl Plugin for AppleHealth {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new(
            "apple-health",
            env!("CARGO_PKG_VERSION"),
            "Apple Health (Health Auto Export)",
        );
        manifest.uploads = vec![UploadKind::Relay];
        manifest
    }

    fn receive_upload(request: UploadRequest) -> Result<UploadOutcome, PluginError> {
        if !matches!(request.kind, UploadKind::Relay) {
            return Err(PluginError::BadInput(
                "Apple Health data arrives through the Health Auto Export relay, not as a file \
                 upload"
                    .to_owned(),
            ));
        }
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.as_str())
                .unwrap_or("-")
        };
        let upload = host::upload();
        // The size the host measured, not what a header claims.
        let size = upload.size();
        log::info!(
            "delivery from automation {:?} ({:?}), session {:?}, {size} bytes",
            header("automation-name"),
            header("automation-id"),
            header("session-id"),
        );
        if size > MAX_BODY_BYTES {
            return Err(PluginError::BadInput(format!(
                "the request is {:.1} MB; Stride reads at most {} MB per request: turn on Batch \
                 Requests in Health Auto Export",
                size as f64 / 1_048_576.0,
                MAX_BODY_BYTES >> 20
            )));
        }
        let parsed = model::parse(BufReader::with_capacity(256 << 10, upload))
            .map_err(PluginError::BadInput)?;
        if !parsed.data.other_keys.is_empty() {
            log::info!(
                "skipped keys Stride does not use: {}",
                parsed.data.other_keys.join(", ")
            );
        }
        let mut converted = convert::convert(parsed.data);
        if parsed.budget_exhausted {
            converted.problems.add(
                "delivery",
                format!(
                    "this request held more than {} data points; Stride read the first {} and \
                     skipped the rest. Turn on Batch Requests in Health Auto Export, or choose a \
                     coarser Time Grouping, so each request is smaller",
                    model::BUDGET,
                    model::BUDGET
                ),
            );
        }
        let scope = Scope::Athlete(request.athlete.id.clone());
        let segments = std::mem::take(&mut converted.segments);
        let nights = nights_from_segments(&scope, segments, &mut converted.problems);
        let mut outcome = UploadOutcome::empty();
        outcome.records = converted.records;
        outcome
            .records
            .extend(nights.into_iter().map(RecordItem::Sleep));
        outcome.problems = converted.problems.finish();
        outcome.items_done = converted.items_done;
        Ok(outcome)
    }
}

/// Merges this delivery's stage segments with those kept from earlier requests, keeps the
/// result, and builds each night the delivery touched.
fn nights_from_segments(
    scope: &Scope,
    segments: Vec<Segment>,
    problems: &mut convert::Problems,
) -> Vec<Sleep> {
    let mut by_night: BTreeMap<i64, Vec<Segment>> = BTreeMap::new();
    for segment in segments {
        by_night.entry(segment.night()).or_default().push(segment);
    }
    if by_night.is_empty() {
        return Vec::new();
    }
    let mut nights = Vec::new();
    let mut index: Vec<String> = host::kv_get_json(scope, NIGHTS_INDEX).unwrap_or_default();
    for (day, new) in by_night {
        let date = time::format_day(day);
        let key = night_key(&date);
        let stored: Vec<StoredSegment> = host::kv_get_json(scope, &key).unwrap_or_default();
        let mut all: Vec<Segment> = stored
            .into_iter()
            .map(|(start_ms, end_ms, stage, offset_s)| Segment {
                start_ms,
                end_ms,
                stage,
                offset_s,
            })
            .filter(|s| s.night() == day)
            .chain(new)
            .collect();
        all.sort();
        all.dedup();
        if all.len() > MAX_SEGMENTS_PER_NIGHT {
            problems.add(
                "sleep_analysis",
                format!(
                    "the night of {date} has more than {MAX_SEGMENTS_PER_NIGHT} sleep stage \
                     segments; only the first {MAX_SEGMENTS_PER_NIGHT} were used"
                ),
            );
            all.truncate(MAX_SEGMENTS_PER_NIGHT);
        }
        let keep: Vec<StoredSegment> = all
            .iter()
            .map(|s| (s.start_ms, s.end_ms, s.stage, s.offset_s))
            .collect();
        if let Err(why) = host::kv_set_json(scope, &key, &keep) {
            log::warn!("could not keep the sleep segments of {date}: {why}");
        }
        index.push(date);
        if let Some(night) = sleep::night(day, &all) {
            nights.push(night);
        }
    }
    index.sort();
    index.dedup();
    while index.len() > KEEP_NIGHTS {
        let oldest = index.remove(0);
        host::kv_delete(scope, &night_key(&oldest));
    }
    if let Err(why) = host::kv_set_json(scope, NIGHTS_INDEX, &index) {
        log::warn!("could not keep the index of sleep nights: {why}");
    }
    nights
}

stride_plugin_sdk::register_plugin!(AppleHealth);
