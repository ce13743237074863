//! FIT (Garmin's binary activity format), decoded message by message with `fitparser`'s
//! profile-driven decoder, so a long file never holds every decoded message at once.
//!
//! Read: `record` (time, position, altitude, distance, speed, heart rate, cadence, power),
//! `lap`, `session` (the device's summary and sport), `file_id` (the device),
//! `activity` (`local_timestamp` gives the UTC offset). Chained FIT files are read as one.
//! Times below `0x10000000` are relative to device power-on ([`Problem::RelativeTimestamps`]):
//! a `timestamp_correlation` message, when present, ties them to real time.
//!
//! **Multisport** (a triathlon: swim, T1, bike, T2, run, one `session` each): each session
//! with a start is a leg — its own sport, start and totals, the records from its start to its
//! end (`start_time + total_elapsed_time`, before the next leg's start; records before the
//! first start go to the first leg), the laps starting in that range, its distance channel
//! from 0 — and the whole spans them (from the first start to the last end, distance, ascent,
//! timer and energy summed, heart rate, power and cadence averaged over every record, moving
//! time the legs' sum). A transition of 0 s with no records is no leg. See
//! [`crate::Recording`].

use fitparser::Value;
use fitparser::de::{FitObject, FitStreamProcessor};
use fitparser::profile::MesgNum;
use stride_plugin_sdk::{Activity, Sport};

use crate::Recording;
use crate::error::{FormatError, Problem};
use crate::summary::{
    self, FIT_EPOCH_UNIX_S, FIT_RELATIVE_LIMIT, LapIn, Parsed, Point, Totals, sport_from_words,
};

/// Whether `bytes` start like a FIT file (`.FIT` at offset 8).
pub fn looks_like_fit(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[8..12] == b".FIT"
}

/// Reads one FIT activity file. `bytes` is the whole (decompressed) file.
pub fn read(bytes: &[u8]) -> Result<Activity, FormatError> {
    read_named("activity.fit", bytes)
}

/// Like [`read`], naming the file in errors. A multisport file is its whole (see
/// [`read_recording_named`] for its legs).
pub fn read_named(file: &str, bytes: &[u8]) -> Result<Activity, FormatError> {
    read_recording_named(file, bytes).map(|r| r.whole)
}

/// Reads one FIT file with its legs when it is a multisport file (several `session`
/// messages): each leg is the session's sport, start and totals, with the points and laps in
/// the session's time range; the whole spans them all (see [`crate::Recording`]).
pub fn read_recording_named(file: &str, bytes: &[u8]) -> Result<Recording, FormatError> {
    let (whole, legs) = parse(file, bytes)?;
    let mut whole_activity = summary::build(file, bytes, "FIT", whole)?;
    if legs.is_empty() {
        return Ok(Recording {
            whole: whole_activity,
            legs: Vec::new(),
        });
    }
    let mut activities = Vec::with_capacity(legs.len());
    for leg in legs {
        let mut activity = summary::build(file, bytes, "FIT", leg)?;
        activity.external_id = format!("{}-{}", whole_activity.external_id, activities.len() + 1);
        activity.parent_external_id = Some(whole_activity.external_id.clone());
        activities.push(activity);
    }
    // The whole's moving time is its legs' (its distance channel restarts at each leg).
    whole_activity.moving_time_s = activities
        .iter()
        .map(|a| a.moving_time_s)
        .sum::<Option<i64>>()
        .map(|m| m.min(whole_activity.duration_s));
    Ok(Recording {
        whole: whole_activity,
        legs: activities,
    })
}

fn num(v: &Value) -> Option<f64> {
    let x = match v {
        Value::Byte(x) | Value::Enum(x) | Value::UInt8(x) | Value::UInt8z(x) => f64::from(*x),
        Value::SInt8(x) => f64::from(*x),
        Value::SInt16(x) => f64::from(*x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(*x),
        Value::SInt32(x) => f64::from(*x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(*x),
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::SInt64(x) => *x as f64,
        Value::UInt64(x) | Value::UInt64z(x) => *x as f64,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        other => num(other).map(|n| format!("{n}")),
    }
}

/// Seconds since the FIT epoch, as the file wrote them.
fn fit_seconds(v: &Value) -> Option<i64> {
    match v {
        Value::Timestamp(t) => Some(t.timestamp() - FIT_EPOCH_UNIX_S),
        other => num(other).map(|n| n as i64),
    }
}

pub(crate) const SEMICIRCLE_DEG: f64 = 180.0 / 2_147_483_648.0;

/// One message's fields by name.
struct Fields<'a>(&'a [fitparser::FitDataField]);

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|f| f.name() == name).map(|f| f.value())
    }
    fn num(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(num)
    }
    fn first_num(&self, names: &[&str]) -> Option<f64> {
        names.iter().find_map(|n| self.num(n))
    }
    fn text(&self, name: &str) -> Option<String> {
        self.get(name).and_then(text)
    }
    fn time(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(fit_seconds)
    }
}

/// One `session` message: a whole activity, or one leg of a multisport file.
struct SessionIn {
    /// `start_time`, raw FIT seconds.
    start: Option<i64>,
    totals: Totals,
    /// `sport` and `sub_sport`, as the file words them.
    words: Vec<String>,
}

/// Raw FIT seconds kept until the relative/absolute question is settled.
struct Raw {
    points: Vec<(Option<i64>, Point)>,
    laps: Vec<(Option<i64>, LapIn)>,
    sessions: Vec<SessionIn>,
    local_offset: Option<i64>,
    correlation: Option<i64>,
}

fn sport_words(f: &Fields<'_>) -> Vec<String> {
    ["sport", "sub_sport"]
        .iter()
        .filter_map(|key| f.text(key).filter(|w| w != "generic" && w != "0"))
        .collect()
}

fn check_header(file: &str, bytes: &[u8]) -> Result<(), FormatError> {
    if bytes.is_empty() {
        return Err(FormatError::new(file, Problem::Empty));
    }
    if !looks_like_fit(bytes) {
        return Err(FormatError::new(
            file,
            Problem::WrongType {
                expected: "a FIT file".to_owned(),
                found: crate::describe_magic(bytes),
            },
        ));
    }
    let header = usize::from(bytes[0]);
    if header > bytes.len() {
        return Err(FormatError::new(
            file,
            Problem::Truncated(format!(
                "the FIT header alone is {header} bytes but only {} arrived",
                bytes.len()
            )),
        ));
    }
    if header < 12 {
        return Err(FormatError::new(
            file,
            Problem::Malformed(format!("the FIT header claims {header} bytes")),
        ));
    }
    let data = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let want = header.saturating_add(data).saturating_add(2);
    if bytes.len() < want {
        return Err(FormatError::new(
            file,
            Problem::Truncated(format!(
                "its header announces {want} bytes but only {} arrived",
                bytes.len()
            )),
        ));
    }
    Ok(())
}

/// The whole file, and its legs when it has more than one session with a start.
fn parse(file: &str, bytes: &[u8]) -> Result<(Parsed, Vec<Parsed>), FormatError> {
    parse_with(file, bytes, true)
}

/// [`parse`], with the `record` fast path or without it (`fast`: tests compare the two).
fn parse_with(file: &str, bytes: &[u8], fast: bool) -> Result<(Parsed, Vec<Parsed>), FormatError> {
    check_header(file, bytes)?;
    // The `record` messages read straight from the bytes, the rest decoded by `fitparser`;
    // or, when the fast path cannot read this file exactly, all of it by `fitparser`.
    let split = if fast {
        crate::fit_records::split(bytes)
    } else {
        None
    };
    let (points, rest) = match split {
        Some(split) => (split.points, Some(split.rest)),
        None => (Vec::new(), None),
    };
    let bytes = rest.as_deref().unwrap_or(bytes);
    let mut processor = FitStreamProcessor::new();
    let mut parsed = Parsed::default();
    let mut raw = Raw {
        points,
        laps: Vec::new(),
        sessions: Vec::new(),
        local_offset: None,
        correlation: None,
    };
    let mut sport_words_all: Vec<String> = Vec::new();
    let mut manufacturer: Option<String> = None;
    let mut product: Option<String> = None;
    let mut buffer = bytes;
    while !buffer.is_empty() {
        let (rest, object) = processor.deserialize_next(buffer).map_err(|e| {
            let problem = match *e {
                fitparser::ErrorKind::UnexpectedEof(_) => {
                    Problem::Truncated("a FIT message is cut off".to_owned())
                }
                ref other => Problem::Malformed(format!("FIT: {other}")),
            };
            FormatError::new(file, problem)
        })?;
        buffer = rest;
        let message = match object {
            FitObject::Crc(_) => {
                processor.reset();
                continue;
            }
            FitObject::DataMessage(message) => message,
            FitObject::Header(_) | FitObject::DefinitionMessage(_) => continue,
        };
        let record = processor
            .decode_message(message)
            .map_err(|e| FormatError::new(file, Problem::Malformed(format!("FIT: {e}"))))?;
        let f = Fields(record.fields());
        match record.kind() {
            MesgNum::Record => {
                let point = Point {
                    t_ms: None,
                    lat: f.num("position_lat").map(|v| v * SEMICIRCLE_DEG),
                    lon: f.num("position_long").map(|v| v * SEMICIRCLE_DEG),
                    alt: f.first_num(&["enhanced_altitude", "altitude"]),
                    dist: f.num("distance"),
                    speed: f.first_num(&["enhanced_speed", "speed"]),
                    hr: f.num("heart_rate"),
                    cad: f
                        .num("cadence")
                        .map(|c| c + f.num("fractional_cadence").unwrap_or(0.0)),
                    power: f.num("power"),
                };
                raw.points.push((f.time("timestamp"), point));
            }
            MesgNum::Lap => {
                let lap = LapIn {
                    start_ms: 0,
                    duration_s: f.num("total_elapsed_time").unwrap_or(0.0),
                    distance_m: f.num("total_distance"),
                    avg_hr: f.num("avg_heart_rate"),
                    max_hr: f.num("max_heart_rate"),
                    avg_power: f.num("avg_power"),
                    avg_cad: f.first_num(&["avg_cadence", "avg_running_cadence"]),
                };
                raw.laps.push((f.time("start_time"), lap));
            }
            MesgNum::Session => {
                let words = sport_words(&f);
                sport_words_all.extend(words.iter().cloned());
                raw.sessions.push(SessionIn {
                    start: f.time("start_time"),
                    totals: Totals {
                        start_ms: None,
                        elapsed_s: f.num("total_elapsed_time"),
                        timer_s: f.num("total_timer_time"),
                        distance_m: f.num("total_distance"),
                        ascent_m: f.num("total_ascent"),
                        avg_hr: f.num("avg_heart_rate"),
                        max_hr: f.num("max_heart_rate"),
                        avg_power: f.num("avg_power"),
                        avg_cad: f.first_num(&["avg_cadence", "avg_running_cadence"]),
                        energy_kcal: f.num("total_calories"),
                    },
                    words,
                });
            }
            MesgNum::Sport if sport_words_all.is_empty() => {
                sport_words_all = sport_words(&f);
            }
            MesgNum::FileId => {
                manufacturer = f.text("manufacturer");
                product = f
                    .text("garmin_product")
                    .or_else(|| f.text("product_name"))
                    .or_else(|| f.text("product"));
            }
            MesgNum::Activity => {
                if let (Some(ts), Some(local)) = (f.time("timestamp"), f.time("local_timestamp"))
                    && ts >= i64::from(FIT_RELATIVE_LIMIT)
                {
                    raw.local_offset = Some(local - ts);
                }
            }
            MesgNum::TimestampCorrelation => {
                if let (Some(ts), Some(system)) = (f.time("timestamp"), f.time("system_timestamp"))
                    && ts >= i64::from(FIT_RELATIVE_LIMIT)
                {
                    raw.correlation = Some(ts - system);
                }
            }
            _ => {}
        }
    }

    // Relative times: only usable with a correlation.
    let session_start = raw.sessions.first().and_then(|s| s.start);
    let first_time = raw.points.iter().find_map(|(t, _)| *t).or(session_start);
    let shift = match first_time {
        Some(t) if t < i64::from(FIT_RELATIVE_LIMIT) => match raw.correlation {
            Some(c) => c,
            None => {
                return Err(FormatError::new(
                    file,
                    Problem::RelativeTimestamps(u32::try_from(t.max(0)).unwrap_or(0)),
                ));
            }
        },
        _ => 0,
    };
    let to_ms = |fit_s: i64| (fit_s + shift + FIT_EPOCH_UNIX_S) * 1000;
    parsed.points = raw
        .points
        .into_iter()
        .map(|(t, mut p)| {
            p.t_ms = t.map(to_ms);
            p
        })
        .collect();
    parsed.laps = raw
        .laps
        .into_iter()
        .filter_map(|(t, mut lap)| {
            lap.start_ms = to_ms(t?);
            Some(lap)
        })
        .collect();
    parsed.utc_offset_s = raw
        .local_offset
        .filter(|o| o.abs() <= 14 * 3600)
        .and_then(|o| i32::try_from((o as f64 / 900.0).round() as i64 * 900).ok());
    parsed.device = match (manufacturer, product) {
        (Some(m), Some(p)) => Some(format!("{m} {p}")),
        (m, p) => m.or(p),
    };
    let mut sessions = raw.sessions;
    for session in &mut sessions {
        session.totals.start_ms = session.start.map(to_ms);
    }
    let multisport = sessions.len() > 1 && sessions.iter().all(|s| s.totals.start_ms.is_some());
    if !multisport {
        let count = sessions.len();
        if let Some(first) = sessions.into_iter().next() {
            parsed.totals = if count > 1 {
                // Sessions without starts cannot be split: the first one's totals would
                // describe only one of them.
                Totals {
                    start_ms: first.totals.start_ms,
                    ..Totals::default()
                }
            } else {
                first.totals
            };
        }
        if !sport_words_all.is_empty() {
            parsed.sport = Some(sport_from_words(&sport_words_all.join(" ")));
            parsed.sport_detail = Some(sport_words_all.join("/"));
        }
        return Ok((parsed, Vec::new()));
    }
    sessions.sort_by_key(|s| s.totals.start_ms);
    let legs = split_legs(&parsed, &sessions);
    // The whole: from the first start to the last leg's end, totals summed over the legs;
    // averages come from the points (see `summary`).
    let first_start = sessions.first().and_then(|s| s.totals.start_ms);
    let last_end = sessions.iter().filter_map(leg_end_ms).max();
    let sum = |get: fn(&Totals) -> Option<f64>| -> Option<f64> {
        sessions
            .iter()
            .filter_map(|s| get(&s.totals))
            .reduce(|a, b| a + b)
    };
    parsed.totals = Totals {
        start_ms: first_start,
        elapsed_s: match (first_start, last_end) {
            (Some(s), Some(e)) if e > s => Some((e - s) as f64 / 1000.0),
            _ => None,
        },
        timer_s: sum(|t| t.timer_s),
        distance_m: sum(|t| t.distance_m),
        ascent_m: sum(|t| t.ascent_m),
        avg_hr: None,
        max_hr: sessions
            .iter()
            .filter_map(|s| s.totals.max_hr)
            .reduce(f64::max),
        avg_power: None,
        avg_cad: None,
        energy_kcal: sum(|t| t.energy_kcal),
    };
    let mut legs_words: Vec<String> = Vec::new();
    for s in &sessions {
        if let Some(w) = s.words.first()
            && w != "transition"
            && legs_words.last() != Some(w)
        {
            legs_words.push(w.clone());
        }
    }
    parsed.sport = Some(Sport::Other);
    parsed.sport_detail = Some(format!("multisport: {}", legs_words.join(", ")));
    parsed.name = Some(summary::default_name(
        "Multisport",
        first_start.unwrap_or_default(),
        parsed.utc_offset_s,
        "FIT",
    ));
    parsed.points = rebase_distances(parsed.points, &sessions);
    Ok((parsed, legs))
}

/// Where a session ends: its start plus its elapsed time.
fn leg_end_ms(session: &SessionIn) -> Option<i64> {
    let start = session.totals.start_ms?;
    let elapsed = session
        .totals
        .elapsed_s
        .filter(|e| e.is_finite() && *e >= 0.0)?;
    Some(start + (elapsed * 1000.0).round() as i64)
}

/// The time range of leg `i` (sorted sessions): its start, its end (never past the next
/// leg's start; the next start when its elapsed time is unknown, open for the last), and the
/// next leg's start.
fn leg_range(sessions: &[SessionIn], i: usize) -> (i64, i64, i64) {
    let start = sessions[i].totals.start_ms.unwrap_or(i64::MIN);
    let next = sessions
        .get(i + 1)
        .and_then(|s| s.totals.start_ms)
        .unwrap_or(i64::MAX);
    let end = leg_end_ms(&sessions[i]).map_or(next, |e| e.min(next));
    (start, end.max(start), next)
}

/// One [`Parsed`] per leg: its session's sport and totals, the points from its start to its
/// end (both included, but not the next leg's start), the laps starting in its range; points
/// before the first start belong to the first leg. A leg with no time at all (a transition
/// of 0 s) is left out.
fn split_legs(whole: &Parsed, sessions: &[SessionIn]) -> Vec<Parsed> {
    let mut legs = Vec::with_capacity(sessions.len());
    for (i, session) in sessions.iter().enumerate() {
        let (start, end, next) = leg_range(sessions, i);
        let from = if i == 0 { i64::MIN } else { start };
        let points: Vec<Point> = whole
            .points
            .iter()
            .filter(|p| p.t_ms.is_some_and(|t| t >= from && t <= end && t < next))
            .cloned()
            .collect();
        let elapsed = session.totals.elapsed_s.unwrap_or(0.0);
        if elapsed <= 0.0 && points.len() < 2 {
            continue;
        }
        let lap_end = if i + 1 == sessions.len() {
            i64::MAX
        } else {
            end
        };
        let laps = whole
            .laps
            .iter()
            .filter(|l| l.start_ms >= from && l.start_ms < lap_end.max(start + 1))
            .cloned()
            .collect();
        let words = session.words.join(" ");
        legs.push(Parsed {
            sport: Some(if words.is_empty() {
                Sport::Other
            } else {
                sport_from_words(&words)
            }),
            sport_detail: (!session.words.is_empty()).then(|| session.words.join("/")),
            name: None,
            device: whole.device.clone(),
            utc_offset_s: whole.utc_offset_s,
            points: rebase_leg(points),
            laps,
            totals: session.totals.clone(),
        });
    }
    legs
}

/// A leg's distance channel from 0 at its first point (devices either restart it at each
/// leg or carry it on).
fn rebase_leg(mut points: Vec<Point>) -> Vec<Point> {
    if let Some(first) = points.iter().find_map(|p| p.dist) {
        for p in &mut points {
            if let Some(d) = &mut p.dist {
                *d = (*d - first).max(0.0);
            }
        }
    }
    points
}

/// The whole's distance channel carried on across legs when the device restarts it at each
/// leg (a leg's first distance below the previous leg's last one).
fn rebase_distances(mut points: Vec<Point>, sessions: &[SessionIn]) -> Vec<Point> {
    let starts: Vec<i64> = sessions
        .iter()
        .skip(1)
        .filter_map(|s| s.totals.start_ms)
        .collect();
    let mut offset = 0.0;
    let mut last: Option<f64> = None;
    let mut next_start = 0usize;
    for p in &mut points {
        let (Some(t), Some(d)) = (p.t_ms, p.dist) else {
            continue;
        };
        let mut crossed = false;
        while next_start < starts.len() && t >= starts[next_start] {
            next_start += 1;
            crossed = true;
        }
        if crossed
            && let Some(prev) = last
            && d + offset < prev
        {
            offset = prev;
        }
        let value = d + offset;
        p.dist = Some(value);
        last = Some(value);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every FIT file at hand, read with the `record` fast path and without it: the same
    /// result, error or not.
    #[test]
    fn the_record_fast_path_reads_every_file_as_the_full_decoder_does() {
        let dirs = [
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/fixtures/files"
            ),
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"),
        ];
        let mut files = 0;
        let mut fast = 0;
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().and_then(|e| e.to_str()) != Some("fit") {
                    continue;
                }
                let bytes = std::fs::read(&path).expect("reading a FIT file");
                let name = path.display().to_string();
                let with = format!("{:?}", parse_with(&name, &bytes, true));
                let without = format!("{:?}", parse_with(&name, &bytes, false));
                assert_eq!(with, without, "{name}");
                files += 1;
                fast += usize::from(crate::fit_records::split(&bytes).is_some());
            }
        }
        // The Fenix 2 run and the triathlon take the fast path; the compressed-timestamp
        // file and the truncated one do not.
        assert!(files >= 2, "no FIT files found");
        assert!(fast >= 2, "only {fast} of {files} files took the fast path");
    }
}
