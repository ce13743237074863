//! TCX (Garmin Training Center) activities: laps with their totals, track points with heart
//! rate, cadence, and the `ActivityExtension` speed, power (`Watts`) and run cadence, read with
//! a guarded pull parser (see [`crate::xml`]).
//!
//! Only the first `<Activity>` of a file is read. Distance and energy come from the laps'
//! totals when every lap has them; everything else from the track points.

use stride_plugin_sdk::Activity;

use crate::Limits;
use crate::error::{FormatError, Problem};
use crate::summary::{self, LapIn, Parsed, Point, sport_from_words};
use crate::xml::{self, Step, attr, number};

/// Whether `bytes` look like a TCX document.
pub fn looks_like_tcx(bytes: &[u8]) -> bool {
    crate::xml_root_is(bytes, b"TrainingCenterDatabase")
}

/// Reads one TCX file with the default [`Limits`].
pub fn read(bytes: &[u8]) -> Result<Activity, FormatError> {
    read_named("activity.tcx", bytes, &Limits::default())
}

/// Like [`read`], naming the file in errors.
pub fn read_named(file: &str, bytes: &[u8], limits: &Limits) -> Result<Activity, FormatError> {
    let parsed = parse(file, bytes, limits)?;
    summary::build(file, bytes, "TCX", parsed)
}

fn parse(file: &str, bytes: &[u8], limits: &Limits) -> Result<Parsed, FormatError> {
    let mut parsed = Parsed::default();
    let mut activities = 0usize;
    let mut lap: Option<LapIn> = None;
    let mut lap_energy: Vec<Option<f64>> = Vec::new();
    let mut lap_energy_now: Option<f64> = None;
    let mut point: Option<Point> = None;
    let mut offset: Option<i32> = None;
    let mut root_checked = false;
    xml::walk(file, bytes, |stack, step| {
        let Some(name) = stack.last().map(String::as_str) else {
            return Ok(());
        };
        let parent = stack
            .len()
            .checked_sub(2)
            .map(|i| stack[i].as_str())
            .unwrap_or("");
        let in_first = activities == 1;
        match step {
            Step::Open(attrs) => {
                if !root_checked {
                    root_checked = true;
                    if name != "TrainingCenterDatabase" {
                        return Err(FormatError::new(
                            file,
                            Problem::WrongType {
                                expected: "a TCX file".to_owned(),
                                found: format!("XML whose root is <{name}>"),
                            },
                        ));
                    }
                }
                match name {
                    "Activity" if parent == "Activities" => {
                        activities += 1;
                        if activities == 1
                            && let Some(sport) = attr(attrs, "Sport")
                        {
                            parsed.sport = Some(sport_from_words(sport));
                            parsed.sport_detail = Some(sport.to_owned());
                        }
                    }
                    "Lap" if in_first => {
                        let start = attr(attrs, "StartTime").and_then(xml::time);
                        lap = Some(LapIn {
                            start_ms: start.map(|(ms, _)| ms).unwrap_or(0),
                            ..LapIn::default()
                        });
                        lap_energy_now = None;
                    }
                    "Trackpoint" if in_first => {
                        if parsed.points.len() >= limits.max_points {
                            return Err(FormatError::new(
                                file,
                                Problem::Refused(format!(
                                    "more than {} track points",
                                    limits.max_points
                                )),
                            ));
                        }
                        point = Some(Point::default());
                    }
                    _ => {}
                }
            }
            Step::Close(text) => {
                if !in_first {
                    return Ok(());
                }
                if name == "Trackpoint" {
                    if let Some(p) = point.take() {
                        parsed.points.push(p);
                    }
                    return Ok(());
                }
                if name == "Lap" {
                    if let Some(l) = lap.take() {
                        parsed.laps.push(l);
                        lap_energy.push(lap_energy_now.take());
                    }
                    return Ok(());
                }
                if let Some(p) = point.as_mut() {
                    match (name, parent) {
                        ("Time", _) => {
                            if let Some((ms, off)) = xml::time(text) {
                                p.t_ms = Some(ms);
                                offset.get_or_insert(off);
                            } else if !text.is_empty() {
                                return Err(FormatError::new(
                                    file,
                                    Problem::Malformed(format!("`{text}` is not a time")),
                                ));
                            }
                        }
                        ("LatitudeDegrees", _) => p.lat = number(text),
                        ("LongitudeDegrees", _) => p.lon = number(text),
                        ("AltitudeMeters", _) => p.alt = number(text),
                        ("DistanceMeters", "Trackpoint") => p.dist = number(text),
                        ("Value", "HeartRateBpm") => p.hr = number(text),
                        ("Cadence", "Trackpoint") | ("RunCadence", _) => p.cad = number(text),
                        ("Speed", _) => p.speed = number(text),
                        ("Watts", _) => p.power = number(text),
                        _ => {}
                    }
                } else if let Some(l) = lap.as_mut() {
                    match (name, parent) {
                        ("TotalTimeSeconds", "Lap") => l.duration_s = number(text).unwrap_or(0.0),
                        ("DistanceMeters", "Lap") => l.distance_m = number(text),
                        ("Calories", "Lap") => lap_energy_now = number(text),
                        ("Value", "AverageHeartRateBpm") => l.avg_hr = number(text),
                        ("Value", "MaximumHeartRateBpm") => l.max_hr = number(text),
                        ("Cadence", "Lap") | ("AvgRunCadence", _) => l.avg_cad = number(text),
                        ("AvgWatts", _) => l.avg_power = number(text),
                        _ => {}
                    }
                } else if name == "Name" && parent == "Creator" && parsed.device.is_none() {
                    parsed.device = Some(text.to_owned()).filter(|t| !t.is_empty());
                }
            }
        }
        Ok(())
    })?;
    if !root_checked {
        return Err(FormatError::new(
            file,
            Problem::Malformed("no <TrainingCenterDatabase> element".to_owned()),
        ));
    }
    if !parsed.laps.is_empty() {
        if parsed.laps.iter().all(|l| l.distance_m.is_some()) {
            parsed.totals.distance_m = Some(parsed.laps.iter().filter_map(|l| l.distance_m).sum());
        }
        if lap_energy.iter().all(Option::is_some) {
            parsed.totals.energy_kcal = Some(lap_energy.iter().flatten().sum());
        }
        parsed.totals.timer_s = Some(parsed.laps.iter().map(|l| l.duration_s).sum());
    }
    parsed.utc_offset_s = offset.filter(|o| *o != 0);
    Ok(parsed)
}
