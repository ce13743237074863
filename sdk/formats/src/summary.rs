//! From a file's points, laps and device summary to the SDK's [`Activity`].
//!
//! Every format reader fills a [`Parsed`]; [`build`] turns it into an activity the same way for
//! all of them. The rules (also in the crate documentation):
//!
//! - The device's own summary (a FIT session, TCX lap totals) wins when the file has one;
//!   otherwise each number is computed from the points.
//! - Points must not go back in time ([`Problem::TimeGoesBackwards`]); a point with the same
//!   time as the one before it is a duplicate and is dropped (the first one is kept).
//! - **Moving time**: an interval between two points counts as moving when the athlete covered
//!   at least [`AUTO_PAUSE_SPEED_MPS`] on average over it and it is not longer than
//!   [`PAUSE_GAP_S`] (a longer gap is the device's own pause or a lost signal), like a watch's
//!   auto-pause. Distance comes from the distance channel, else from the positions
//!   (haversine), else the speed channel is used.
//! - **Elevation gain**: hysteresis of [`ELEVATION_HYSTERESIS_M`]: a climb counts only once the
//!   altitude has risen that much above the last low point, and then counts all of it until
//!   the altitude falls that much below the high point; wobbles smaller than that add nothing.
//! - Heart rate, power and cadence averages are plain means over the points that have a
//!   value (heart rate within 25–250 bpm; cadence excluding zeros, as watches do by default;
//!   power including zeros, as coasting is part of the ride), heart rate to one decimal.
//! - Samples keep every point (nothing is downsampled) up to the host's limit of
//!   [`MAX_SAMPLES`]; a longer recording is thinned evenly to that many. A gap in a channel
//!   takes the last value before it (the first value before the channel starts); values the
//!   host would refuse (heart rate outside 25–250, speed above 60 m/s, altitude outside
//!   −500–9,000 m) are treated as gaps, and distance never decreases.

use sha2::{Digest, Sha256};
use stride_plugin_sdk::{Activity, Lap, Samples, Sport};

use crate::error::{FormatError, Problem};

/// Slower than this (m/s, 1.8 km/h) over an interval counts as stopped.
pub const AUTO_PAUSE_SPEED_MPS: f64 = 0.5;
/// An interval between two points longer than this (seconds) is a pause.
pub const PAUSE_GAP_S: f64 = 60.0;
/// Altitude changes smaller than this (metres) are noise for elevation gain.
pub const ELEVATION_HYSTERESIS_M: f64 = 3.0;
/// The most samples the host stores for one activity (`stride_domain::efficiency::MAX_SAMPLES`).
pub const MAX_SAMPLES: usize = 100_000;
/// The most laps the host keeps for one activity (`stride_domain::activity::MAX_LAPS`).
pub const MAX_LAPS: usize = 2_000;
/// FIT times below this (seconds from the FIT epoch) are relative to device power-on.
pub const FIT_RELATIVE_LIMIT: u32 = 0x1000_0000;
/// The FIT epoch (1989-12-31T00:00:00Z) in Unix seconds.
pub const FIT_EPOCH_UNIX_S: i64 = 631_065_600;

/// One recorded point; absent values are `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Point {
    pub t_ms: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub alt: Option<f64>,
    pub dist: Option<f64>,
    pub speed: Option<f64>,
    pub hr: Option<f64>,
    pub cad: Option<f64>,
    pub power: Option<f64>,
}

/// A lap as the file gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LapIn {
    pub start_ms: i64,
    pub duration_s: f64,
    pub distance_m: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<f64>,
    pub avg_power: Option<f64>,
    pub avg_cad: Option<f64>,
}

/// The device's own summary, when the file has one.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Totals {
    pub start_ms: Option<i64>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub ascent_m: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<f64>,
    pub avg_power: Option<f64>,
    pub avg_cad: Option<f64>,
    pub energy_kcal: Option<f64>,
}

/// What a format reader found in one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parsed {
    pub sport: Option<Sport>,
    pub sport_detail: Option<String>,
    pub name: Option<String>,
    pub device: Option<String>,
    pub utc_offset_s: Option<i32>,
    pub points: Vec<Point>,
    pub laps: Vec<LapIn>,
    pub totals: Totals,
}

/// `YYYY-MM-DDTHH:MM:SSZ` for messages.
pub(crate) fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// The content hash used as external id: SHA-256 of the (decompressed) file, hex.
pub fn content_id(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Great-circle distance in metres (mean Earth radius 6,371,008.8 m).
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * a.sqrt().min(1.0).asin()
}

/// Elevation gain with a hysteresis of `threshold` metres (see the module docs).
pub fn elevation_gain(altitudes: impl Iterator<Item = f64>, threshold: f64) -> Option<f64> {
    let mut altitudes = altitudes;
    let mut anchor = altitudes.next()?;
    let mut climbing = false;
    let mut gain = 0.0;
    for a in altitudes {
        if climbing {
            if a > anchor {
                gain += a - anchor;
                anchor = a;
            } else if a <= anchor - threshold {
                climbing = false;
                anchor = a;
            }
        } else if a >= anchor + threshold {
            climbing = true;
            gain += a - anchor;
            anchor = a;
        } else if a < anchor {
            anchor = a;
        }
    }
    Some(gain)
}

fn plausible(v: Option<f64>, lo: f64, hi: f64) -> Option<f64> {
    v.filter(|x| x.is_finite() && (lo..=hi).contains(x))
}

/// A channel over the kept points, gaps filled (see the module docs); `None` when no point has
/// a value.
fn channel(values: &[Option<f64>]) -> Option<Vec<f64>> {
    let first = values.iter().flatten().next().copied()?;
    let mut last = first;
    Some(
        values
            .iter()
            .map(|v| {
                if let Some(v) = v {
                    last = *v;
                }
                last
            })
            .collect(),
    )
}

/// Builds the activity for `file` from what its reader found. `content` is the file's
/// (decompressed) bytes, hashed into the external id.
pub(crate) fn build(
    file: &str,
    content: &[u8],
    format: &str,
    parsed: Parsed,
) -> Result<Activity, FormatError> {
    let fail = |problem| FormatError::new(file, problem);
    let Parsed {
        sport,
        sport_detail,
        name,
        device,
        utc_offset_s,
        points,
        laps,
        totals,
    } = parsed;

    // Keep points with a time; refuse time going backwards, drop repeated times.
    let total_points = points.len();
    let mut kept: Vec<Point> = Vec::with_capacity(points.len());
    let mut timed = 0usize;
    for (index, p) in points.into_iter().enumerate() {
        let Some(t) = p.t_ms else { continue };
        timed += 1;
        if let Some(prev) = kept.last().and_then(|k| k.t_ms) {
            if t < prev {
                return Err(fail(Problem::TimeGoesBackwards {
                    index,
                    at_ms: t,
                    previous_ms: prev,
                }));
            }
            if t == prev {
                continue;
            }
        }
        kept.push(p);
    }
    if timed == 0 && totals.start_ms.is_none() {
        return Err(fail(Problem::NoTimestamps));
    }
    let first_ms = kept.first().and_then(|p| p.t_ms);
    let last_ms = kept.last().and_then(|p| p.t_ms);
    let start_ms = match (totals.start_ms, first_ms) {
        (Some(s), Some(f)) => s.min(f),
        (Some(s), None) => s,
        (None, Some(f)) => f,
        (None, None) => return Err(fail(Problem::NoTimestamps)),
    };
    let span_s = match (first_ms, last_ms) {
        (Some(f), Some(l)) => (l - f) as f64 / 1000.0,
        _ => 0.0,
    };
    let elapsed_s = totals
        .elapsed_s
        .filter(|e| e.is_finite() && *e > 0.0)
        .unwrap_or(span_s);
    let duration_s = elapsed_s.round() as i64;
    if duration_s <= 0 {
        return Err(fail(Problem::NoDuration(total_points)));
    }

    // Cumulative distance per kept point: the device's, else from positions.
    let has_dist = kept.iter().any(|p| p.dist.is_some());
    let has_pos = kept.iter().any(|p| p.lat.is_some() && p.lon.is_some());
    let cumulative: Option<Vec<f64>> = if has_dist {
        let raw: Vec<Option<f64>> = kept
            .iter()
            .map(|p| plausible(p.dist, 0.0, 5_000_000.0))
            .collect();
        channel(&raw).map(|mut d| {
            let mut max = 0.0f64;
            for v in &mut d {
                max = max.max(*v);
                *v = max;
            }
            d
        })
    } else if has_pos {
        let mut total = 0.0;
        let mut prev: Option<(f64, f64)> = None;
        Some(
            kept.iter()
                .map(|p| {
                    if let (Some(lat), Some(lon)) = (p.lat, p.lon)
                        && lat.is_finite()
                        && lon.is_finite()
                        && lat.abs() <= 90.0
                        && lon.abs() <= 180.0
                    {
                        if let Some((plat, plon)) = prev {
                            total += haversine_m(plat, plon, lat, lon);
                        }
                        prev = Some((lat, lon));
                    }
                    total
                })
                .collect(),
        )
    } else {
        None
    };

    let distance_m = totals
        .distance_m
        .or_else(|| cumulative.as_ref().and_then(|d| d.last().copied()));

    // Moving time.
    let speeds: Vec<Option<f64>> = kept.iter().map(|p| p.speed).collect();
    let times: Vec<f64> = kept
        .iter()
        .map(|p| (p.t_ms.unwrap_or(start_ms) - start_ms) as f64 / 1000.0)
        .collect();
    let moving_time_s = if let Some(d) = &cumulative {
        let mut moving = 0.0;
        for i in 1..times.len() {
            let dt = times[i] - times[i - 1];
            if dt > 0.0 && dt <= PAUSE_GAP_S && (d[i] - d[i - 1]) / dt >= AUTO_PAUSE_SPEED_MPS {
                moving += dt;
            }
        }
        Some(moving.round() as i64)
    } else if speeds.iter().any(Option::is_some) {
        let mut moving = 0.0;
        for i in 1..times.len() {
            let dt = times[i] - times[i - 1];
            if dt > 0.0 && dt <= PAUSE_GAP_S && speeds[i].unwrap_or(0.0) >= AUTO_PAUSE_SPEED_MPS {
                moving += dt;
            }
        }
        Some(moving.round() as i64)
    } else {
        totals.timer_s.map(|t| t.round() as i64)
    };

    let alts: Vec<Option<f64>> = kept
        .iter()
        .map(|p| plausible(p.alt, -500.0, 9_000.0))
        .collect();
    let elevation_gain_m = totals.ascent_m.or_else(|| {
        elevation_gain(alts.iter().flatten().copied(), ELEVATION_HYSTERESIS_M).map(round1)
    });

    let hrs: Vec<Option<f64>> = kept.iter().map(|p| plausible(p.hr, 25.0, 250.0)).collect();
    let avg_hr = totals
        .avg_hr
        .or_else(|| mean(hrs.iter().flatten().copied()))
        .map(round1);
    let max_hr = totals
        .max_hr
        .or_else(|| hrs.iter().flatten().copied().reduce(f64::max))
        .map(round1);
    let powers: Vec<Option<f64>> = kept
        .iter()
        .map(|p| plausible(p.power, 0.0, 3_000.0))
        .collect();
    let avg_power_w = totals
        .avg_power
        .or_else(|| mean(powers.iter().flatten().copied()))
        .map(round1);
    let cads: Vec<Option<f64>> = kept.iter().map(|p| plausible(p.cad, 0.0, 300.0)).collect();
    let avg_cadence = totals
        .avg_cad
        .or_else(|| mean(cads.iter().flatten().copied().filter(|c| *c > 0.0)))
        .map(round1);

    // Samples: every kept point, thinned evenly only beyond the host's limit.
    let samples = if kept.len() >= 2 {
        let n = kept.len();
        let pick: Vec<usize> = if n > MAX_SAMPLES {
            (0..MAX_SAMPLES)
                .map(|i| i * (n - 1) / (MAX_SAMPLES - 1))
                .collect()
        } else {
            (0..n).collect()
        };
        // Rounded to what devices measure (ms, cm, mm/s, 0.01 of a beat, watt or step):
        // scaled FIT values such as 142.39999999999998 m become 142.4.
        let take = |c: Option<Vec<f64>>, scale: f64| {
            c.map(|v| {
                pick.iter()
                    .map(|&i| (v[i] * scale).round() / scale)
                    .collect()
            })
        };
        let speed_raw: Vec<Option<f64>> = speeds.iter().map(|s| plausible(*s, 0.0, 60.0)).collect();
        Some(Samples {
            time_s: take(Some(times.clone()), 1000.0).unwrap_or_default(),
            heart_rate: take(channel(&hrs), 100.0),
            speed_mps: take(channel(&speed_raw), 1000.0),
            distance_m: take(cumulative, 100.0),
            altitude_m: take(channel(&alts), 100.0),
            power_w: take(channel(&powers), 100.0),
            cadence: take(channel(&cads), 100.0),
        })
    } else {
        None
    };

    // Laps, with heart rate, power and cadence from the lap's points when the file has no
    // lap figure (the same rules as the whole activity's).
    let laps = laps
        .into_iter()
        .take(MAX_LAPS)
        .map(|l| {
            let start_s = ((l.start_ms - start_ms) as f64 / 1000.0).max(0.0);
            let duration_s = if l.duration_s.is_finite() {
                l.duration_s.max(0.0)
            } else {
                0.0
            };
            let lo = times.partition_point(|t| *t < start_s);
            let hi = times
                .partition_point(|t| *t <= start_s + duration_s)
                .max(lo);
            let within = |values: &[Option<f64>]| -> Vec<f64> {
                values[lo..hi].iter().flatten().copied().collect()
            };
            let lap_hr = within(&hrs);
            Lap {
                start_s,
                duration_s,
                distance_m: l.distance_m,
                avg_hr: l
                    .avg_hr
                    .or_else(|| mean(lap_hr.iter().copied()))
                    .map(round1),
                max_hr: l
                    .max_hr
                    .or_else(|| lap_hr.iter().copied().reduce(f64::max))
                    .map(round1),
                avg_power_w: l
                    .avg_power
                    .or_else(|| mean(within(&powers).into_iter()))
                    .map(round1),
                avg_cadence: l
                    .avg_cad
                    .or_else(|| mean(within(&cads).into_iter().filter(|c| *c > 0.0)))
                    .map(round1),
            }
        })
        .collect();

    let sport = sport.unwrap_or(Sport::Other);
    let name = name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(200).collect::<String>())
        .unwrap_or_else(|| default_name(sport_label(sport), start_ms, utc_offset_s, format));

    let mut activity = Activity::new(content_id(content), sport, name, start_ms, duration_s);
    activity.sport_detail = sport_detail.map(|s| s.chars().take(100).collect());
    activity.utc_offset_s = utc_offset_s;
    activity.moving_time_s = moving_time_s.map(|m| m.min(duration_s));
    activity.distance_m = distance_m.map(|d| (d * 100.0).round() / 100.0);
    activity.elevation_gain_m = elevation_gain_m;
    activity.avg_hr = avg_hr;
    activity.max_hr = max_hr;
    activity.avg_power_w = avg_power_w;
    activity.avg_cadence = avg_cadence;
    activity.energy_kcal = totals.energy_kcal;
    activity.device = device.map(|d| d.chars().take(200).collect());
    activity.samples = samples;
    activity.laps = laps;
    activity.check().map_err(|e| fail(Problem::Malformed(e)))?;
    Ok(activity)
}

/// A title for an activity without a name: `Run 2024-05-01 (FIT)`, the day being local.
pub(crate) fn default_name(
    label: &str,
    start_ms: i64,
    utc_offset_s: Option<i32>,
    format: &str,
) -> String {
    let local = start_ms + i64::from(utc_offset_s.unwrap_or(0)) * 1000;
    let day = chrono::DateTime::from_timestamp_millis(local)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    format!("{label} {day} ({format})")
}

/// A sport's name in default titles.
fn sport_label(sport: Sport) -> &'static str {
    match sport {
        Sport::Run => "Run",
        Sport::TrailRun => "Trail run",
        Sport::Walk => "Walk",
        Sport::Hike => "Hike",
        Sport::Ride => "Ride",
        Sport::VirtualRide => "Virtual ride",
        Sport::MountainBikeRide => "Mountain bike ride",
        Sport::Swim => "Swim",
        Sport::Row => "Row",
        Sport::NordicSki => "Nordic ski",
        Sport::Strength => "Strength",
        Sport::Yoga => "Yoga",
        Sport::Other => "Activity",
        Sport::Cardio => "Cardio",
        Sport::Paddle => "Paddle",
        Sport::AlpineSki => "Alpine ski",
        Sport::Climb => "Climb",
        Sport::TeamSport => "Team sport",
    }
}

/// Maps a file's own sport words (FIT `sport`/`sub_sport`, GPX `<type>`, TCX `Sport`) to a
/// [`Sport`]. Unknown words are [`Sport::Other`] (the words stay in `sport_detail`).
pub fn sport_from_words(words: &str) -> Sport {
    let w = words.to_ascii_lowercase().replace(['-', ' '], "_");
    let has = |k: &str| w.contains(k);
    if has("motor") || has("driving") {
        Sport::Other
    } else if has("climb") || has("boulder") || has("mountaineer") {
        Sport::Climb
    } else if has("trail") {
        Sport::TrailRun
    } else if has("virtual") && (has("ride") || has("cycl") || has("bik")) || has("indoor_cycling")
    {
        Sport::VirtualRide
    } else if has("mountain") || has("mtb") {
        Sport::MountainBikeRide
    } else if has("run") || w == "9" {
        Sport::Run
    } else if has("cycl") || has("bik") || has("ride") || w == "1" {
        Sport::Ride
    } else if has("hik") {
        Sport::Hike
    } else if has("walk") {
        Sport::Walk
    } else if has("swim") {
        Sport::Swim
    } else if has("row") {
        Sport::Row
    } else if has("cross_country") || has("nordic") {
        Sport::NordicSki
    } else if has("alpine") || has("snowboard") || has("ski") {
        Sport::AlpineSki
    } else if has("strength") || has("training") && has("weight") {
        Sport::Strength
    } else if has("yoga") || has("pilates") {
        Sport::Yoga
    } else if has("paddl") || has("kayak") || has("canoe") {
        Sport::Paddle
    } else if has("elliptical") || has("stair") || has("hiit") || has("cardio") || has("fitness") {
        Sport::Cardio
    } else if has("soccer") || has("tennis") || has("basketball") || has("team") {
        Sport::TeamSport
    } else {
        Sport::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hysteresis_ignores_wobbles_and_counts_whole_climbs() {
        assert_eq!(
            elevation_gain([0.0, 1.0, 2.0, 1.0, 0.0, 2.9].into_iter(), 3.0),
            Some(0.0)
        );
        // 0→5 (+5), dip to 4 ignored, →10 (+5), down to 6 and 2, →8 (+6).
        assert_eq!(
            elevation_gain([0.0, 5.0, 4.0, 10.0, 6.0, 7.0, 2.0, 8.0].into_iter(), 3.0),
            Some(16.0)
        );
        assert_eq!(elevation_gain(std::iter::empty(), 3.0), None);
    }

    #[test]
    fn haversine_one_degree_of_latitude() {
        let d = haversine_m(0.0, 0.0, 1.0, 0.0);
        assert!((d - 111_195.08).abs() < 0.01, "{d}");
    }

    #[test]
    fn sports_from_words() {
        for (words, sport) in [
            ("running", Sport::Run),
            ("running/trail", Sport::TrailRun),
            ("Biking", Sport::Ride),
            ("cycling/indoor_cycling", Sport::VirtualRide),
            ("cycling/mountain", Sport::MountainBikeRide),
            ("hiking", Sport::Hike),
            ("swimming/lap_swimming", Sport::Swim),
            ("cross_country_skiing", Sport::NordicSki),
            ("Other", Sport::Other),
            ("mountaineering", Sport::Climb),
            ("motorcycling", Sport::Other),
            ("rowing/indoor_rowing", Sport::Row),
            ("training/strength_training", Sport::Strength),
            ("fitness_equipment/elliptical", Sport::Cardio),
        ] {
            assert_eq!(sport_from_words(words), sport, "{words}");
        }
    }

    fn point(t_s: i64, dist: f64) -> Point {
        Point {
            t_ms: Some(1_700_000_000_000 + t_s * 1000),
            dist: Some(dist),
            hr: Some(300.0),
            ..Point::default()
        }
    }

    #[test]
    fn moving_time_follows_auto_pause_and_gaps() {
        // 0–10 s at 3 m/s (moving), 10–20 s at 0.2 m/s (stopped), a 100 s gap covering
        // 300 m (a pause), then 10 s at 1 m/s (moving): 20 s moving of 130 s.
        let parsed = Parsed {
            points: vec![
                point(0, 0.0),
                point(10, 30.0),
                point(20, 32.0),
                point(120, 332.0),
                point(130, 342.0),
            ],
            ..Parsed::default()
        };
        let a = build("t.gpx", b"x", "GPX", parsed);
        assert!(a.is_ok(), "{a:?}");
        if let Ok(a) = a {
            assert_eq!(a.duration_s, 130);
            assert_eq!(a.moving_time_s, Some(20));
            assert_eq!(a.distance_m, Some(342.0));
            // Heart rate of 300 is impossible: dropped, not averaged, not in samples.
            assert_eq!(a.avg_hr, None);
            assert!(a.samples.is_some_and(|s| s.heart_rate.is_none()));
        }
    }

    #[test]
    fn more_points_than_the_host_keeps_are_thinned_evenly() {
        let n = MAX_SAMPLES + 5_000;
        let points = (0..n).map(|i| point(i as i64, i as f64)).collect();
        let a = build(
            "long.fit",
            b"x",
            "FIT",
            Parsed {
                points,
                ..Parsed::default()
            },
        );
        assert!(a.is_ok());
        if let Ok(a) = a {
            let samples = a.samples.unwrap_or_default_samples();
            assert_eq!(samples.time_s.len(), MAX_SAMPLES);
            assert_eq!(samples.time_s.first(), Some(&0.0));
            assert_eq!(samples.time_s.last(), Some(&((n - 1) as f64)));
            assert_eq!(a.duration_s, (n - 1) as i64);
        }
    }

    trait OrEmpty {
        fn unwrap_or_default_samples(self) -> Samples;
    }

    impl OrEmpty for Option<Samples> {
        fn unwrap_or_default_samples(self) -> Samples {
            self.unwrap_or(Samples {
                time_s: Vec::new(),
                heart_rate: None,
                speed_mps: None,
                distance_m: None,
                altitude_m: None,
                power_w: None,
                cadence: None,
            })
        }
    }
}
