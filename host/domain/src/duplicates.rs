//! One activity per workout. When Strava, Garmin, Apple Health and a file import all deliver
//! the same run, Stride keeps every copy (each source may later edit or delete its own) but
//! counts one: the **primary**. The others point at it and stay out of load, stats and plan
//! matching.
//!
//! Two activities are the same workout when all of these hold (each threshold configurable):
//!
//! - different sources, or a source listed in `within_source` (a file import may hold a
//!   Garmin and a Strava export of the same run; one provider never sends a workout twice);
//! - the same sport family (a run and a trail run are one family: providers disagree on it);
//! - the starts within `start_window_s` (10 min) of each other, or within that window of a
//!   whole-hour shift up to `max_clock_shift_h` (a device or export that got the time zone
//!   wrong records the same run exactly an hour off);
//!   (a shifted match counts only when nothing matches unshifted, so two runs an hour apart
//!   are never both taken for one);
//! - the overlap (after that shift) at least `min_overlap` (80 %) of the shorter one;
//! - distances within `distance_tolerance` (5 %) when both have one;
//! - durations within `duration_tolerance` (10 %).
//!
//! The primary is the copy from the source earliest in the source priority, then the richest
//! (samples, then heart rate, then laps), then the first stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activity::Sport;

/// How alike two copies must be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DuplicateSettings {
    /// Whether copies are recognised at all.
    pub enabled: bool,
    /// Sources whose own activities may be copies of one another.
    pub within_source: Vec<String>,
    /// Largest difference between the starts, seconds.
    pub start_window_s: i64,
    /// Largest whole-hour clock shift recognised (0 to turn it off).
    pub max_clock_shift_h: i64,
    /// Smallest overlap, as a share of the shorter activity.
    pub min_overlap: f64,
    /// Largest relative difference in distance.
    pub distance_tolerance: f64,
    /// Largest relative difference in duration.
    pub duration_tolerance: f64,
}

impl Default for DuplicateSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            within_source: vec!["files".to_owned()],
            start_window_s: 600,
            max_clock_shift_h: 1,
            min_overlap: 0.8,
            distance_tolerance: 0.05,
            duration_tolerance: 0.10,
        }
    }
}

/// What the matcher knows of one copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Activity id.
    pub id: Uuid,
    /// Who delivered it.
    pub source: String,
    /// The sport.
    pub sport: Sport,
    /// Start.
    pub start: DateTime<Utc>,
    /// Elapsed time, seconds.
    pub duration_s: i64,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Whether samples were recorded.
    pub has_samples: bool,
    /// Whether heart rate is known.
    pub has_heart_rate: bool,
    /// Number of laps.
    pub laps: usize,
    /// When it was first stored.
    pub created_at: DateTime<Utc>,
}

/// Sports that providers confuse with one another count as one.
fn family(sport: Sport) -> u8 {
    match sport {
        Sport::Run | Sport::TrailRun => 0,
        Sport::Walk | Sport::Hike => 1,
        Sport::Ride | Sport::VirtualRide | Sport::MountainBikeRide => 2,
        Sport::Swim => 3,
        Sport::Row => 4,
        Sport::NordicSki => 5,
        Sport::Strength | Sport::Yoga | Sport::Cardio => 6,
        Sport::Paddle => 7,
        Sport::AlpineSki => 8,
        Sport::Climb => 9,
        Sport::TeamSport => 10,
        // "Other" says nothing; it joins whatever else matches on time and distance.
        Sport::Other => u8::MAX,
    }
}

fn relative_difference(a: f64, b: f64) -> f64 {
    let larger = a.abs().max(b.abs());
    if larger == 0.0 {
        0.0
    } else {
        (a - b).abs() / larger
    }
}

/// Whether `a` and `b` are copies of the same workout: the whole hours `b`'s clock is off
/// from `a`'s (0 when they agree), or `None` when they are different workouts.
pub fn match_shift(a: &Candidate, b: &Candidate, settings: &DuplicateSettings) -> Option<i64> {
    if !settings.enabled || a.id == b.id {
        return None;
    }
    if a.source == b.source && !settings.within_source.contains(&a.source) {
        return None;
    }
    let (fa, fb) = (family(a.sport), family(b.sport));
    if fa != fb && fa != u8::MAX && fb != u8::MAX {
        return None;
    }
    if relative_difference(a.duration_s as f64, b.duration_s as f64) > settings.duration_tolerance {
        return None;
    }
    if let (Some(da), Some(db)) = (a.distance_m, b.distance_m)
        && (da > 0.0 || db > 0.0)
        && relative_difference(da, db) > settings.distance_tolerance
    {
        return None;
    }
    let gap = (b.start - a.start).num_seconds();
    let shifts = std::iter::once(0)
        .chain((1..=settings.max_clock_shift_h).flat_map(|hours| [hours, -hours]));
    for hours in shifts {
        let shifted = gap - hours * 3600;
        if shifted.abs() > settings.start_window_s {
            continue;
        }
        // Overlap of [0, a.duration] and [shifted, shifted + b.duration].
        let overlap = (a.duration_s.min(shifted + b.duration_s) - shifted.max(0)).max(0);
        let shorter = a.duration_s.min(b.duration_s).max(1);
        if overlap as f64 / shorter as f64 >= settings.min_overlap {
            return Some(hours);
        }
    }
    None
}

/// Whether `a` and `b` are copies of the same workout (with or without a clock shift).
pub fn same_workout(a: &Candidate, b: &Candidate, settings: &DuplicateSettings) -> bool {
    match_shift(a, b, settings).is_some()
}

/// The copy that counts: the source earliest in `priority` (unlisted sources after, by name),
/// then the richest, then the first stored.
pub fn primary<'a>(group: &'a [Candidate], priority: &[String]) -> Option<&'a Candidate> {
    let rank = |source: &str| {
        priority
            .iter()
            .position(|p| p == source)
            .unwrap_or(priority.len())
    };
    group.iter().min_by(|a, b| {
        (rank(&a.source), &a.source)
            .cmp(&(rank(&b.source), &b.source))
            .then_with(|| b.has_samples.cmp(&a.has_samples))
            .then_with(|| b.has_heart_rate.cmp(&a.has_heart_rate))
            .then_with(|| b.laps.cmp(&a.laps))
            .then_with(|| a.created_at.cmp(&b.created_at))
            .then_with(|| a.id.cmp(&b.id))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn copy(
        source: &str,
        sport: Sport,
        start_min: i64,
        minutes: i64,
        km: Option<f64>,
    ) -> Candidate {
        let base = Utc
            .with_ymd_and_hms(2026, 5, 3, 7, 0, 0)
            .single()
            .expect("instant");
        Candidate {
            id: Uuid::new_v4(),
            source: source.to_owned(),
            sport,
            start: base + chrono::TimeDelta::minutes(start_min),
            duration_s: minutes * 60,
            distance_m: km.map(|k| k * 1000.0),
            has_samples: false,
            has_heart_rate: false,
            laps: 0,
            created_at: base,
        }
    }

    #[test]
    fn the_same_run_from_three_sources_is_one_workout() {
        let s = DuplicateSettings::default();
        let garmin = copy("garmin", Sport::TrailRun, 0, 60, Some(10.0));
        let strava = copy("strava", Sport::Run, 1, 59, Some(10.2));
        let apple = copy("apple-health", Sport::Run, -2, 62, Some(9.9));
        assert!(same_workout(&garmin, &strava, &s));
        assert!(same_workout(&garmin, &apple, &s));
        assert!(same_workout(&strava, &apple, &s));
    }

    #[test]
    fn a_clock_shifted_by_an_hour_is_recognised() {
        let s = DuplicateSettings::default();
        let garmin = copy("garmin", Sport::Run, 0, 45, Some(8.0));
        let file = copy("files", Sport::Run, 60, 45, Some(8.0));
        assert!(same_workout(&garmin, &file, &s));
        assert_eq!(match_shift(&garmin, &file, &s), Some(1));
        let no_shift = DuplicateSettings {
            max_clock_shift_h: 0,
            ..s.clone()
        };
        assert!(!same_workout(&garmin, &file, &no_shift));
        // Two hours off is another session (a double day), not a clock error.
        assert!(!same_workout(
            &garmin,
            &copy("files", Sport::Run, 120, 45, Some(8.0)),
            &s
        ));
    }

    #[test]
    fn different_sessions_stay_apart() {
        let s = DuplicateSettings::default();
        let run = copy("garmin", Sport::Run, 0, 60, Some(10.0));
        // Another sport at the same time.
        assert!(!same_workout(
            &run,
            &copy("strava", Sport::Ride, 0, 60, Some(10.0)),
            &s
        ));
        // Too far apart in time.
        assert!(!same_workout(
            &run,
            &copy("strava", Sport::Run, 15, 60, Some(10.0)),
            &s
        ));
        // Distance 8 % off.
        assert!(!same_workout(
            &run,
            &copy("strava", Sport::Run, 0, 60, Some(10.8)),
            &s
        ));
        // Duration 20 % off.
        assert!(!same_workout(
            &run,
            &copy("strava", Sport::Run, 0, 48, Some(10.0)),
            &s
        ));
        // One provider's two activities are two workouts; a file import's may be one.
        assert!(!same_workout(
            &run,
            &copy("garmin", Sport::Run, 0, 60, Some(10.0)),
            &s
        ));
        let file = copy("files", Sport::Run, 0, 60, Some(10.0));
        assert!(same_workout(
            &file,
            &copy("files", Sport::Run, 1, 60, Some(10.0)),
            &s
        ));
        // A copy never matches itself.
        assert!(!same_workout(&run, &run.clone(), &s));
        let off = DuplicateSettings {
            enabled: false,
            ..s.clone()
        };
        assert!(!same_workout(
            &run,
            &copy("strava", Sport::Run, 0, 60, Some(10.0)),
            &off
        ));
    }

    #[test]
    fn the_primary_follows_priority_then_richness() {
        let priority = vec![
            "manual".to_owned(),
            "garmin".to_owned(),
            "strava".to_owned(),
        ];
        let mut strava = copy("strava", Sport::Run, 0, 60, Some(10.0));
        strava.has_samples = true;
        let garmin = copy("garmin", Sport::Run, 0, 60, Some(10.0));
        let apple = copy("apple-health", Sport::Run, 0, 60, Some(10.0));
        let group = vec![strava.clone(), garmin.clone(), apple];
        assert_eq!(primary(&group, &priority).map(|c| c.id), Some(garmin.id));
        // Between copies of equal rank, the one with samples.
        let mut other = garmin.clone();
        other.id = Uuid::new_v4();
        other.has_samples = true;
        let group = vec![garmin, other.clone()];
        assert_eq!(primary(&group, &priority).map(|c| c.id), Some(other.id));
    }
}
