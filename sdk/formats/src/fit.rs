//! FIT (Garmin's binary activity format), decoded message by message with `fitparser`'s
//! profile-driven decoder, so a long file never holds every decoded message at once.
//!
//! Read: `record` (time, position, altitude, distance, speed, heart rate, cadence, power),
//! `lap`, `session` (the device's summary and sport), `file_id` (the device),
//! `activity` (`local_timestamp` gives the UTC offset). Chained FIT files are read as one.
//! Times below `0x10000000` are relative to device power-on ([`Problem::RelativeTimestamps`]):
//! a `timestamp_correlation` message, when present, ties them to real time.

use fitparser::Value;
use fitparser::de::{FitObject, FitStreamProcessor};
use fitparser::profile::MesgNum;
use stride_plugin_sdk::Activity;

use crate::error::{FormatError, Problem};
use crate::summary::{
    self, FIT_EPOCH_UNIX_S, FIT_RELATIVE_LIMIT, LapIn, Parsed, Point, sport_from_words,
};

/// Whether `bytes` start like a FIT file (`.FIT` at offset 8).
pub fn looks_like_fit(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[8..12] == b".FIT"
}

/// Reads one FIT activity file. `bytes` is the whole (decompressed) file.
pub fn read(bytes: &[u8]) -> Result<Activity, FormatError> {
    read_named("activity.fit", bytes)
}

/// Like [`read`], naming the file in errors.
pub fn read_named(file: &str, bytes: &[u8]) -> Result<Activity, FormatError> {
    let parsed = parse(file, bytes)?;
    summary::build(file, bytes, "FIT", parsed)
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

const SEMICIRCLE_DEG: f64 = 180.0 / 2_147_483_648.0;

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

/// Raw FIT seconds kept until the relative/absolute question is settled.
struct Raw {
    points: Vec<(Option<i64>, Point)>,
    laps: Vec<(Option<i64>, LapIn)>,
    session_start: Option<i64>,
    sessions: usize,
    local_offset: Option<i64>,
    correlation: Option<i64>,
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

fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, FormatError> {
    check_header(file, bytes)?;
    let mut processor = FitStreamProcessor::new();
    let mut parsed = Parsed::default();
    let mut raw = Raw {
        points: Vec::new(),
        laps: Vec::new(),
        session_start: None,
        sessions: 0,
        local_offset: None,
        correlation: None,
    };
    let mut sport_words: Vec<String> = Vec::new();
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
                raw.sessions += 1;
                for key in ["sport", "sub_sport"] {
                    if let Some(w) = f.text(key).filter(|w| w != "generic" && w != "0") {
                        sport_words.push(w);
                    }
                }
                if raw.sessions == 1 {
                    raw.session_start = f.time("start_time");
                    let t = &mut parsed.totals;
                    t.elapsed_s = f.num("total_elapsed_time");
                    t.timer_s = f.num("total_timer_time");
                    t.distance_m = f.num("total_distance");
                    t.ascent_m = f.num("total_ascent");
                    t.avg_hr = f.num("avg_heart_rate");
                    t.max_hr = f.num("max_heart_rate");
                    t.avg_power = f.num("avg_power");
                    t.avg_cad = f.first_num(&["avg_cadence", "avg_running_cadence"]);
                    t.energy_kcal = f.num("total_calories");
                }
            }
            MesgNum::Sport if sport_words.is_empty() => {
                for key in ["sport", "sub_sport"] {
                    if let Some(w) = f.text(key).filter(|w| w != "generic" && w != "0") {
                        sport_words.push(w);
                    }
                }
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
    let first_time = raw
        .points
        .iter()
        .find_map(|(t, _)| *t)
        .or(raw.session_start);
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
    parsed.totals.start_ms = raw.session_start.map(to_ms);
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
    if raw.sessions > 1 {
        // A multisport file: the first session's totals would describe only one leg.
        parsed.totals = crate::summary::Totals {
            start_ms: parsed.totals.start_ms,
            ..Default::default()
        };
    }
    parsed.utc_offset_s = raw
        .local_offset
        .filter(|o| o.abs() <= 14 * 3600)
        .and_then(|o| i32::try_from((o as f64 / 900.0).round() as i64 * 900).ok());
    if !sport_words.is_empty() {
        let words = sport_words.join(" ");
        parsed.sport = Some(sport_from_words(&words));
        parsed.sport_detail = Some(sport_words.join("/"));
    }
    parsed.device = match (manufacturer, product) {
        (Some(m), Some(p)) => Some(format!("{m} {p}")),
        (m, p) => m.or(p),
    };
    Ok(parsed)
}
