//! GPX 1.0/1.1 tracks, with Garmin's `TrackPointExtension` (heart rate `hr`, cadence `cad`)
//! and the common `power` extension, read with a guarded pull parser (see [`crate::xml`]).
//!
//! Every `<trkpt>` of every track and segment is one point; routes and waypoints (which have
//! no times) are ignored. The first track's `<name>` is the title and its `<type>` the sport;
//! the `creator` attribute is the device.

use stride_plugin_sdk::Activity;

use crate::Limits;
use crate::error::{FormatError, Problem};
use crate::summary::{self, Parsed, Point, sport_from_words};
use crate::xml::{self, Step, attr, number};

/// Whether `bytes` look like a GPX document (a `<gpx` element near the start).
pub fn looks_like_gpx(bytes: &[u8]) -> bool {
    crate::xml_root_is(bytes, b"gpx")
}

/// Reads one GPX file with the default [`Limits`].
pub fn read(bytes: &[u8]) -> Result<Activity, FormatError> {
    read_named("activity.gpx", bytes, &Limits::default())
}

/// Like [`read`], naming the file in errors.
pub fn read_named(file: &str, bytes: &[u8], limits: &Limits) -> Result<Activity, FormatError> {
    let parsed = parse(file, bytes, limits)?;
    summary::build(file, bytes, "GPX", parsed)
}

fn parse(file: &str, bytes: &[u8], limits: &Limits) -> Result<Parsed, FormatError> {
    let mut parsed = Parsed::default();
    let mut current: Option<Point> = None;
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
        match step {
            Step::Open(attrs) => {
                if !root_checked {
                    root_checked = true;
                    if name != "gpx" {
                        return Err(FormatError::new(
                            file,
                            Problem::WrongType {
                                expected: "a GPX file".to_owned(),
                                found: format!("XML whose root is <{name}>"),
                            },
                        ));
                    }
                    parsed.device = attr(attrs, "creator").map(str::to_owned);
                }
                if name == "trkpt" {
                    if parsed.points.len() >= limits.max_points {
                        return Err(FormatError::new(
                            file,
                            Problem::Refused(format!(
                                "more than {} track points",
                                limits.max_points
                            )),
                        ));
                    }
                    current = Some(Point {
                        lat: attr(attrs, "lat").and_then(number),
                        lon: attr(attrs, "lon").and_then(number),
                        ..Point::default()
                    });
                }
            }
            Step::Close(text) => {
                if name == "trkpt" {
                    if let Some(p) = current.take() {
                        parsed.points.push(p);
                    }
                } else if let Some(p) = current.as_mut() {
                    match name {
                        "ele" => p.alt = number(text),
                        "time" => {
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
                        "hr" | "heartrate" => p.hr = number(text),
                        "cad" | "cadence" => p.cad = number(text),
                        "power" | "PowerInWatts" | "watts" => p.power = number(text),
                        "speed" => p.speed = number(text),
                        _ => {}
                    }
                } else if parent == "trk" && !text.is_empty() {
                    match name {
                        "name" if parsed.name.is_none() => parsed.name = Some(text.to_owned()),
                        "type" if parsed.sport_detail.is_none() => {
                            parsed.sport = Some(sport_from_words(text));
                            parsed.sport_detail = Some(text.to_owned());
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    })?;
    if !root_checked {
        return Err(FormatError::new(
            file,
            Problem::Malformed("no <gpx> element".to_owned()),
        ));
    }
    parsed.utc_offset_s = offset.filter(|o| *o != 0);
    Ok(parsed)
}
