//! Strava's JSON, as documented and as it really arrives (with the fields the published
//! schema omits), and its mapping onto Stride's records.

use serde::Deserialize;
use stride_plugin_sdk::{Activity, Samples, Sport};

/// A webhook event.
#[derive(Debug, Deserialize)]
pub struct StravaEvent {
    pub object_type: String,
    pub object_id: u64,
    pub aspect_type: String,
    #[serde(default)]
    pub updates: serde_json::Map<String, serde_json::Value>,
    pub owner_id: u64,
    pub subscription_id: u64,
    pub event_time: i64,
}

impl StravaEvent {
    /// The event's identity: a redelivery of the same event has the same one.
    pub fn identity(&self) -> String {
        let updates = serde_json::Value::Object(self.updates.clone()).to_string();
        format!(
            "{}:{}:{}:{}:{}",
            self.object_type,
            self.object_id,
            self.aspect_type,
            self.event_time,
            fingerprint(&updates)
        )
    }

    /// Whether this is a deauthorization (`"authorized": "false"`, a string).
    pub fn deauthorized(&self) -> bool {
        self.object_type == "athlete"
            && self
                .updates
                .get("authorized")
                .is_some_and(|v| v.as_str() == Some("false") || v.as_bool() == Some(false))
    }
}

/// FNV-1a, enough to tell two update payloads apart in an event key.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A summary or detailed activity.
#[derive(Debug, Deserialize)]
pub struct StravaActivity {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub sport_type: Option<String>,
    /// UTC, e.g. `2018-02-16T14:52:54Z`.
    pub start_date: String,
    /// Seconds east of UTC; Strava sends a float.
    #[serde(default)]
    pub utc_offset: Option<f64>,
    pub elapsed_time: i64,
    #[serde(default)]
    pub moving_time: Option<i64>,
    #[serde(default)]
    pub distance: Option<f64>,
    #[serde(default)]
    pub total_elevation_gain: Option<f64>,
    #[serde(default)]
    pub has_heartrate: Option<bool>,
    #[serde(default)]
    pub average_heartrate: Option<f64>,
    #[serde(default)]
    pub max_heartrate: Option<f64>,
    #[serde(default)]
    pub perceived_exertion: Option<f64>,
    #[serde(default)]
    pub private: Option<bool>,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// Maps Strava's sport names onto Stride's sports.
pub fn sport(name: &str) -> Sport {
    match name {
        "Run" | "VirtualRun" => Sport::Run,
        "TrailRun" => Sport::TrailRun,
        "Walk" => Sport::Walk,
        "Hike" | "Snowshoe" => Sport::Hike,
        "Ride" | "GravelRide" | "EBikeRide" | "Velomobile" | "Handcycle" => Sport::Ride,
        "VirtualRide" => Sport::VirtualRide,
        "MountainBikeRide" | "EMountainBikeRide" => Sport::MountainBikeRide,
        "Swim" => Sport::Swim,
        "Rowing" | "VirtualRow" | "Canoeing" | "Kayaking" => Sport::Row,
        "NordicSki" | "BackcountrySki" | "RollerSki" => Sport::NordicSki,
        "WeightTraining" | "Crossfit" | "Workout" | "HighIntensityIntervalTraining" => {
            Sport::Strength
        }
        "Yoga" | "Pilates" => Sport::Yoga,
        _ => Sport::Other,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (what Strava's `start_date` is) into epoch milliseconds.
pub fn parse_utc(text: &str) -> Option<i64> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>());
    let (year, month, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.split(':');
    let (hour, minute) = (
        t.next()?.parse::<i64>().ok()?,
        t.next()?.parse::<i64>().ok()?,
    );
    let second: f64 = t.next()?.parse().ok()?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second >= 61.0
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + (second * 1000.0) as i64)
}

/// Streams keyed by type (`key_by_type=true`).
#[derive(Debug, Default, Deserialize)]
pub struct Streams {
    pub time: Option<Stream>,
    pub heartrate: Option<Stream>,
    pub velocity_smooth: Option<Stream>,
    pub distance: Option<Stream>,
    pub altitude: Option<Stream>,
    pub watts: Option<Stream>,
    pub cadence: Option<Stream>,
}

/// One stream.
#[derive(Debug, Deserialize)]
pub struct Stream {
    pub data: Vec<Option<f64>>,
}

impl Streams {
    fn samples(&self) -> Option<Samples> {
        let time: Vec<f64> = self
            .time
            .as_ref()?
            .data
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect();
        if time.is_empty() || time.iter().any(|t| !t.is_finite()) {
            return None;
        }
        let channel = |stream: &Option<Stream>| {
            stream
                .as_ref()
                .filter(|s| s.data.len() == time.len())
                .map(|s| {
                    s.data
                        .iter()
                        .map(|v| v.unwrap_or(0.0))
                        .collect::<Vec<f64>>()
                })
        };
        Some(Samples {
            heart_rate: channel(&self.heartrate),
            speed_mps: channel(&self.velocity_smooth),
            distance_m: channel(&self.distance),
            altitude_m: channel(&self.altitude),
            power_w: channel(&self.watts),
            cadence: channel(&self.cadence),
            time_s: time,
        })
    }
}

impl StravaActivity {
    /// The normalized record, with samples when streams were fetched.
    pub fn to_activity(&self, streams: Option<&Streams>) -> Result<Activity, String> {
        let start_ms = parse_utc(&self.start_date)
            .ok_or_else(|| format!("unreadable start_date `{}`", self.start_date))?;
        let name = self
            .sport_type
            .as_deref()
            .or(self.kind.as_deref())
            .unwrap_or("Workout");
        let title = if self.name.trim().is_empty() {
            name.to_owned()
        } else {
            self.name.clone()
        };
        let mut activity = Activity::new(
            self.id.to_string(),
            sport(name),
            title,
            start_ms,
            self.elapsed_time,
        );
        activity.sport_detail = Some(name.to_owned());
        activity.utc_offset_s = self.utc_offset.map(|o| o.round() as i32);
        activity.moving_time_s = self.moving_time;
        activity.distance_m = self.distance;
        activity.elevation_gain_m = self.total_elevation_gain;
        if self.has_heartrate != Some(false) {
            activity.avg_hr = self.average_heartrate;
            activity.max_hr = self.max_heartrate;
        }
        activity.rpe = self
            .perceived_exertion
            .map(|v| v.round() as i32)
            .filter(|v| (1..=10).contains(v));
        activity.private =
            self.private.unwrap_or(false) || self.visibility.as_deref() == Some("only_me");
        activity.samples = streams.and_then(Streams::samples);
        activity.check()?;
        Ok(activity)
    }
}
