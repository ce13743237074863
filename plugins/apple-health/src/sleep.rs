//! Nights from sleep-stage segments (the unaggregated `sleep_analysis` shape).
//!
//! A segment belongs to the night of the day it ends on, counted from 18:00 to 18:00 in the
//! segment's own UTC offset: a segment starting at 23:00 on the 5th belongs to the night of
//! the 6th, like one starting at 05:00 on the 6th; an afternoon nap on the 6th belongs to the
//! 6th too. The rule looks at each segment alone, so a night split over several requests of a
//! batched export lands on the same date in every request.
//!
//! Segments can overlap (two sources, a re-sent batch): durations are unions of intervals,
//! never sums, so a segment counted twice counts once.

use serde::{Deserialize, Serialize};
use stride_plugin_sdk::Sleep;

use crate::time::{self, DAY_MS};

/// A sleep stage as Apple Health records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// In bed (not necessarily asleep).
    InBed,
    /// Awake during the night.
    Awake,
    /// Asleep, stage unknown (devices without staging).
    Asleep,
    /// Core (light) sleep.
    Core,
    /// Deep sleep.
    Deep,
    /// REM sleep.
    Rem,
}

impl Stage {
    /// The stage Health Auto Export names `value`; `None` for one Stride does not know.
    pub fn parse(value: &str) -> Option<Stage> {
        let lower: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        Some(match lower.as_str() {
            "inbed" => Stage::InBed,
            "awake" => Stage::Awake,
            "asleep" | "asleepunspecified" | "unspecified" => Stage::Asleep,
            "core" | "light" | "asleepcore" => Stage::Core,
            "deep" | "asleepdeep" => Stage::Deep,
            "rem" | "asleeprem" => Stage::Rem,
            _ => return None,
        })
    }

    fn is_sleep(self) -> bool {
        matches!(self, Stage::Asleep | Stage::Core | Stage::Deep | Stage::Rem)
    }

    fn is_staged(self) -> bool {
        matches!(self, Stage::Core | Stage::Deep | Stage::Rem)
    }
}

/// One stage segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Segment {
    /// Start, ms since the epoch.
    pub start_ms: i64,
    /// End, ms since the epoch.
    pub end_ms: i64,
    /// The stage.
    pub stage: Stage,
    /// The UTC offset it was written with, seconds.
    pub offset_s: i32,
}

/// Six hours: shifting 18:00 to midnight makes the evening belong to the next day.
const EVENING_SHIFT_MS: i64 = 6 * 3_600_000;

impl Segment {
    /// The night (days since 1970-01-01) this segment belongs to.
    pub fn night(&self) -> i64 {
        (self.start_ms + i64::from(self.offset_s) * 1000 + EVENING_SHIFT_MS).div_euclid(DAY_MS)
    }
}

/// Total length, in minutes, of the union of the intervals.
fn union_minutes(mut intervals: Vec<(i64, i64)>) -> f64 {
    intervals.sort_unstable();
    let mut total = 0i64;
    let mut current: Option<(i64, i64)> = None;
    for (start, end) in intervals {
        match current {
            Some((s, e)) if start <= e => current = Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                current = Some((start, end));
            }
            None => current = Some((start, end)),
        }
    }
    if let Some((s, e)) = current {
        total += e - s;
    }
    total as f64 / 60_000.0
}

fn minutes(segments: &[Segment], keep: impl Fn(Stage) -> bool) -> f64 {
    union_minutes(
        segments
            .iter()
            .filter(|s| keep(s.stage))
            .map(|s| (s.start_ms, s.end_ms))
            .collect(),
    )
}

fn whole(min: f64) -> i32 {
    min.round() as i32
}

/// The summary id of the night dated `day`: the same for every shape and every re-send, so the
/// newest delivery replaces the older.
pub fn summary_id(day: i64) -> String {
    format!("sleep:{}", time::format_day(day))
}

/// One night from its segments (all of the same night, as [`Segment::night`] says).
pub fn night(day: i64, segments: &[Segment]) -> Option<Sleep> {
    let start_ms = segments.iter().map(|s| s.start_ms).min()?;
    let end_ms = segments.iter().map(|s| s.end_ms).max()?;
    let staged = segments.iter().any(|s| s.stage.is_staged());
    let has = |stage: Stage| segments.iter().any(|s| s.stage == stage);
    let stage_min = |stage: Stage| {
        if staged {
            Some(whole(minutes(segments, |s| s == stage)))
        } else {
            None
        }
    };
    Some(Sleep {
        summary_id: Some(summary_id(day)),
        date: time::format_day(day),
        start_ms: Some(start_ms),
        end_ms: Some(end_ms),
        asleep_min: whole(minutes(segments, Stage::is_sleep)),
        in_bed_min: has(Stage::InBed).then(|| whole(minutes(segments, |s| s == Stage::InBed))),
        deep_min: stage_min(Stage::Deep),
        light_min: stage_min(Stage::Core),
        rem_min: stage_min(Stage::Rem),
        awake_min: (staged || has(Stage::Awake))
            .then(|| whole(minutes(segments, |s| s == Stage::Awake))),
        score: None,
        quality: None,
        final_: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{When, parse};

    fn seg(start: &str, end: &str, stage: Stage) -> Segment {
        let (Some(When::At(a)), Some(When::At(b))) = (parse(start), parse(end)) else {
            panic!("bad test dates");
        };
        Segment {
            start_ms: a.ms,
            end_ms: b.ms,
            stage,
            offset_s: a.offset_s,
        }
    }

    #[test]
    fn evening_and_morning_are_one_night_dated_by_its_end() {
        let evening = seg(
            "2024-02-05 23:00:00 -0800",
            "2024-02-05 23:30:00 -0800",
            Stage::Core,
        );
        let morning = seg(
            "2024-02-06 05:00:00 -0800",
            "2024-02-06 06:30:00 -0800",
            Stage::Rem,
        );
        let nap = seg(
            "2024-02-06 14:00:00 -0800",
            "2024-02-06 14:20:00 -0800",
            Stage::Asleep,
        );
        let next = seg(
            "2024-02-06 22:00:00 -0800",
            "2024-02-06 23:00:00 -0800",
            Stage::Deep,
        );
        assert_eq!(time::format_day(evening.night()), "2024-02-06");
        assert_eq!(morning.night(), evening.night());
        assert_eq!(nap.night(), evening.night());
        assert_eq!(time::format_day(next.night()), "2024-02-07");
        // In UTC the evening segment is already on the 6th and the 22:00 one on the 7th; a
        // UTC rule would agree here, but not at +1000:
        let sydney = seg(
            "2024-02-05 23:00:00 +1000",
            "2024-02-06 00:30:00 +1000",
            Stage::Core,
        );
        assert_eq!(time::format_day(sydney.night()), "2024-02-06");
    }

    #[test]
    fn overlaps_count_once_and_stages_add_up() {
        let segments = [
            seg(
                "2024-02-05 22:45:00 -0800",
                "2024-02-06 06:45:00 -0800",
                Stage::InBed,
            ),
            seg(
                "2024-02-05 23:00:00 -0800",
                "2024-02-06 01:00:00 -0800",
                Stage::Core,
            ),
            // The same segment again (a re-sent batch).
            seg(
                "2024-02-05 23:00:00 -0800",
                "2024-02-06 01:00:00 -0800",
                Stage::Core,
            ),
            seg(
                "2024-02-06 01:00:00 -0800",
                "2024-02-06 02:30:00 -0800",
                Stage::Deep,
            ),
            seg(
                "2024-02-06 02:30:00 -0800",
                "2024-02-06 02:40:00 -0800",
                Stage::Awake,
            ),
            seg(
                "2024-02-06 02:40:00 -0800",
                "2024-02-06 04:10:00 -0800",
                Stage::Rem,
            ),
        ];
        let day = segments[1].night();
        let sleep = night(day, &segments).expect("a night");
        assert_eq!(sleep.date, "2024-02-06");
        assert_eq!(sleep.summary_id.as_deref(), Some("sleep:2024-02-06"));
        // Core 120 + deep 90 + REM 90 = 300 asleep; awake 10; in bed 8 h = 480.
        assert_eq!(sleep.light_min, Some(120));
        assert_eq!(sleep.deep_min, Some(90));
        assert_eq!(sleep.rem_min, Some(90));
        assert_eq!(sleep.asleep_min, 300);
        assert_eq!(sleep.awake_min, Some(10));
        assert_eq!(sleep.in_bed_min, Some(480));
        assert_eq!(sleep.start_ms, Some(segments[0].start_ms));
        assert_eq!(sleep.end_ms, Some(segments[0].end_ms));
    }

    #[test]
    fn unstaged_sleep_has_no_stage_minutes() {
        let segments = [seg(
            "2024-02-05 23:00:00 +0000",
            "2024-02-06 06:00:00 +0000",
            Stage::Asleep,
        )];
        let sleep = night(segments[0].night(), &segments).expect("a night");
        assert_eq!(sleep.asleep_min, 420);
        assert_eq!(sleep.deep_min, None);
        assert_eq!(sleep.awake_min, None);
        assert_eq!(sleep.in_bed_min, None);
    }

    #[test]
    fn stage_names() {
        assert_eq!(Stage::parse("REM"), Some(Stage::Rem));
        assert_eq!(Stage::parse("In Bed"), Some(Stage::InBed));
        assert_eq!(Stage::parse("Core"), Some(Stage::Core));
        assert_eq!(Stage::parse("Asleep"), Some(Stage::Asleep));
        assert_eq!(Stage::parse("Dreaming"), None);
    }
}
