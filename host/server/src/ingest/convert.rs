//! A plugin's records, in the sandbox's contract types, turned into what the records service
//! stores. Anything that cannot be converted (an instant out of range) is refused with a
//! reason, like a value that fails validation.

use chrono::{TimeZone, Utc};

use stride_domain::activity::{ActivityDraft, ActivityExtras, Lap, Sport};
use stride_domain::efficiency::Samples;
use stride_domain::metrics::{DailyValues, DayDetail, Measure, Measurement, SleepDetail};
use stride_domain::people::HrvKind;
use stride_sandbox::contract as c;

use crate::records::{Delivered, DeliveredActivity};

/// What became of one plugin record.
#[derive(Debug)]
pub enum Converted {
    /// A record for the records service.
    Record(Delivered),
    /// The provider says the athlete revoked access (the connection service checks it).
    Revoked(String),
    /// Refused before storing: the external id (when there is one) and why.
    Refused(Option<String>, String),
}

/// The domain's sport for a plugin's sport.
pub fn sport(sport: c::Sport) -> Sport {
    match sport {
        c::Sport::Run => Sport::Run,
        c::Sport::TrailRun => Sport::TrailRun,
        c::Sport::Walk => Sport::Walk,
        c::Sport::Hike => Sport::Hike,
        c::Sport::Ride => Sport::Ride,
        c::Sport::VirtualRide => Sport::VirtualRide,
        c::Sport::MountainBikeRide => Sport::MountainBikeRide,
        c::Sport::Swim => Sport::Swim,
        c::Sport::Row => Sport::Row,
        c::Sport::NordicSki => Sport::NordicSki,
        c::Sport::Strength => Sport::Strength,
        c::Sport::Yoga => Sport::Yoga,
        c::Sport::Other => Sport::Other,
        c::Sport::Cardio => Sport::Cardio,
        c::Sport::Paddle => Sport::Paddle,
        c::Sport::AlpineSki => Sport::AlpineSki,
        c::Sport::Climb => Sport::Climb,
        c::Sport::TeamSport => Sport::TeamSport,
    }
}

fn hrv_kind(kind: c::HrvKind) -> HrvKind {
    match kind {
        c::HrvKind::Rmssd => HrvKind::Rmssd,
        c::HrvKind::Sdnn => HrvKind::Sdnn,
    }
}

fn measure(measure: c::Measure) -> Measure {
    match measure {
        c::Measure::Hrv => Measure::Hrv,
        c::Measure::RestingHeartRate => Measure::RestingHeartRate,
        c::Measure::Weight => Measure::Weight,
        c::Measure::BodyFat => Measure::BodyFat,
        c::Measure::Vo2max => Measure::Vo2max,
        c::Measure::RespiratoryRate => Measure::RespiratoryRate,
        c::Measure::Steps => Measure::Steps,
    }
}

/// Whole beats (daily resting heart rate is stored in whole beats).
fn beats(bpm: f64) -> i32 {
    bpm.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

/// Heart rate kept to one decimal, as precise as any source means it.
fn one_decimal(bpm: f64) -> f64 {
    (bpm * 10.0).round() / 10.0
}

/// Converts one record.
pub fn record(item: c::RecordItem) -> Converted {
    match item {
        c::RecordItem::Activity(a) => activity(*a),
        c::RecordItem::ActivityUpdate(u) => Converted::Record(Delivered::ActivityUpdate {
            external_id: u.external_id,
            name: u.name,
            sport: u.sport.map(sport),
            private: u.private,
        }),
        c::RecordItem::ActivityDeleted(external_id) => {
            Converted::Record(Delivered::ActivityDeleted { external_id })
        }
        c::RecordItem::DailySummary(d) => Converted::Record(Delivered::Day {
            date: d.date,
            values: Box::new(DailyValues {
                resting_hr: d.resting_hr.map(beats),
                weight_kg: d.weight_kg,
                readiness: d.readiness,
                stress: d.stress,
                detail: DayDetail {
                    stress_score: d.stress_score,
                    body_battery_high: d.body_battery_high,
                    body_battery_low: d.body_battery_low,
                    steps: d.steps,
                    active_kcal: d.active_kcal,
                    ..DayDetail::default()
                },
                ..DailyValues::default()
            }),
        }),
        c::RecordItem::Sleep(s) => Converted::Record(Delivered::Day {
            date: s.date,
            values: Box::new(DailyValues {
                sleep_duration_min: Some(s.asleep_min),
                sleep_quality: s.quality,
                detail: DayDetail {
                    sleep: Some(SleepDetail {
                        in_bed_min: s.in_bed_min,
                        deep_min: s.deep_min,
                        light_min: s.light_min,
                        rem_min: s.rem_min,
                        awake_min: s.awake_min,
                        score: s.score,
                        start: s
                            .start_ms
                            .and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
                        end: s
                            .end_ms
                            .and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
                        r#final: s.r#final,
                    }),
                    ..DayDetail::default()
                },
                ..DailyValues::default()
            }),
        }),
        c::RecordItem::Hrv(h) => Converted::Record(Delivered::Day {
            date: h.date,
            values: Box::new(DailyValues {
                hrv: Some((h.value_ms, hrv_kind(h.kind))),
                ..DailyValues::default()
            }),
        }),
        c::RecordItem::Measurement(m) => {
            let Some(at) = Utc.timestamp_millis_opt(m.at_ms).single() else {
                return Converted::Refused(
                    None,
                    "measurement: `at` is not a valid instant".to_owned(),
                );
            };
            Converted::Record(Delivered::Measurement {
                point: Measurement {
                    measure: measure(m.measure),
                    at,
                    value: m.value,
                    hrv_kind: m.hrv_kind.map(hrv_kind),
                },
                device: m.device,
            })
        }
        c::RecordItem::Notice(n) => Converted::Record(Delivered::Notice {
            kind: n.kind,
            message: n.message,
        }),
        c::RecordItem::ConnectionRevoked(reason) => Converted::Revoked(reason),
    }
}

fn activity(a: c::Activity) -> Converted {
    let Some(start) = Utc.timestamp_millis_opt(a.start_ms).single() else {
        return Converted::Refused(
            Some(a.external_id),
            "startTime: not a valid instant".to_owned(),
        );
    };
    let samples = a.samples.map(|s| Samples {
        time_s: s.time_s,
        heart_rate: s.heart_rate,
        speed_mps: s.speed_mps,
        distance_m: s.distance_m,
        altitude_m: s.altitude_m,
        power_w: s.power_w,
        cadence: s.cadence,
    });
    Converted::Record(Delivered::Activity(Box::new(DeliveredActivity {
        draft: ActivityDraft {
            sport: sport(a.sport),
            name: a.name,
            start_time: stride_domain::clock::to_micros(start),
            duration_s: a.duration_s,
            moving_time_s: a.moving_time_s,
            distance_m: a.distance_m,
            elevation_gain_m: a.elevation_gain_m,
            avg_hr: a.avg_hr.map(one_decimal),
            max_hr: a.max_hr.map(one_decimal),
            rpe: a.rpe,
            feeling: None,
            notes: None,
            private: a.private,
        },
        external_id: a.external_id,
        utc_offset_s: a.utc_offset_s,
        samples,
        extras: ActivityExtras {
            sport_detail: a.sport_detail,
            device: a.device,
            parent_external_id: a.parent_external_id,
            avg_power_w: a.avg_power_w,
            avg_cadence: a.avg_cadence,
            energy_kcal: a.energy_kcal,
            laps: a
                .laps
                .into_iter()
                .map(|l| Lap {
                    start_s: l.start_s,
                    duration_s: l.duration_s,
                    distance_m: l.distance_m,
                    avg_hr: l.avg_hr.map(one_decimal),
                    max_hr: l.max_hr.map(one_decimal),
                    avg_power_w: l.avg_power_w,
                    avg_cadence: l.avg_cadence,
                })
                .collect(),
        },
    })))
}
