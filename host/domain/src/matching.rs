//! Which scheduled workout an activity completes, and which ones the athlete missed.
//!
//! An activity completes a *planned* workout on the same local date whose kind fits its sport:
//! running kinds (long run, intervals, tempo, easy, recovery, and the race) for runs and trail
//! runs, strength for strength sessions. Rest days are never completed. When several fit, the
//! one whose target duration is closest to the activity's (moving time when recorded) wins;
//! workouts without a target come after those with one; ties go to the smaller id, so the
//! answer never depends on order.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::activity::{ActivityDraft, Sport};
use super::plan::WorkoutKind;

text_enum! {
    /// Where a scheduled workout stands. The text forms are stored in the database.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum WorkoutState {
        /// Still to do.
        Planned => "planned",
        /// Done: an activity completed it.
        Completed => "completed",
        /// The athlete chose not to do it.
        Skipped => "skipped",
        /// Its day passed without it.
        Missed => "missed",
    }
}

/// A scheduled workout as matching sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledRef {
    /// The scheduled workout.
    pub id: Uuid,
    /// Its day.
    pub date: NaiveDate,
    /// What it is.
    pub kind: WorkoutKind,
    /// Its target duration, seconds.
    pub target_duration_s: Option<i32>,
    /// Where it stands.
    pub state: WorkoutState,
}

/// What matching needs to know about an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRef {
    /// The day it started, in the athlete's time zone.
    pub local_date: NaiveDate,
    /// Its sport.
    pub sport: Sport,
    /// Its duration, seconds: moving time when recorded, else elapsed.
    pub duration_s: i64,
}

impl ActivityRef {
    /// From a draft and its local date; moving time is used when it is positive, as for loads.
    pub fn from_draft(draft: &ActivityDraft, local_date: NaiveDate) -> Self {
        Self {
            local_date,
            sport: draft.sport,
            duration_s: draft
                .moving_time_s
                .filter(|m| *m > 0)
                .unwrap_or(draft.duration_s),
        }
    }
}

/// Whether an activity of `sport` can complete a workout of `kind`.
pub fn fits(kind: WorkoutKind, sport: Sport) -> bool {
    match kind {
        WorkoutKind::Rest => false,
        WorkoutKind::Strength => sport == Sport::Strength,
        WorkoutKind::LongRun
        | WorkoutKind::Intervals
        | WorkoutKind::Tempo
        | WorkoutKind::Easy
        | WorkoutKind::Recovery
        | WorkoutKind::Race => sport.is_running(),
    }
}

/// The planned workout `activity` completes, if any (see the module docs for the rule).
pub fn match_activity(activity: &ActivityRef, planned: &[ScheduledRef]) -> Option<Uuid> {
    planned
        .iter()
        .filter(|w| {
            w.state == WorkoutState::Planned
                && w.date == activity.local_date
                && fits(w.kind, activity.sport)
        })
        .min_by_key(|w| {
            let gap = w
                .target_duration_s
                .map(|target| (i64::from(target) - activity.duration_s).unsigned_abs());
            (gap.is_none(), gap, w.id)
        })
        .map(|w| w.id)
}

/// Planned workouts (other than rest) dated before the athlete's today: they are now missed.
/// Sorted by date, then id.
pub fn overdue(planned: &[ScheduledRef], athlete_today: NaiveDate) -> Vec<Uuid> {
    let mut due: Vec<&ScheduledRef> = planned
        .iter()
        .filter(|w| {
            w.state == WorkoutState::Planned
                && w.kind != WorkoutKind::Rest
                && w.date < athlete_today
        })
        .collect();
    due.sort_by_key(|w| (w.date, w.id));
    due.into_iter().map(|w| w.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, d).expect("valid date")
    }

    fn scheduled(id: u128, d: u32, kind: WorkoutKind, minutes: Option<i32>) -> ScheduledRef {
        ScheduledRef {
            id: Uuid::from_u128(id),
            date: day(d),
            kind,
            target_duration_s: minutes.map(|m| m * 60),
            state: WorkoutState::Planned,
        }
    }

    fn activity(d: u32, sport: Sport, minutes: i64) -> ActivityRef {
        ActivityRef {
            local_date: day(d),
            sport,
            duration_s: minutes * 60,
        }
    }

    #[test]
    fn a_run_completes_the_closest_running_workout_that_day() {
        let plan = [
            scheduled(1, 3, WorkoutKind::Easy, Some(30)),
            scheduled(2, 3, WorkoutKind::LongRun, Some(90)),
            scheduled(3, 3, WorkoutKind::Strength, Some(30)),
            scheduled(4, 4, WorkoutKind::Easy, Some(85)),
        ];
        assert_eq!(
            match_activity(&activity(3, Sport::Run, 85), &plan),
            Some(Uuid::from_u128(2))
        );
        assert_eq!(
            match_activity(&activity(3, Sport::TrailRun, 35), &plan),
            Some(Uuid::from_u128(1))
        );
        assert_eq!(
            match_activity(&activity(3, Sport::Strength, 90), &plan),
            Some(Uuid::from_u128(3))
        );
        assert_eq!(match_activity(&activity(3, Sport::Ride, 30), &plan), None);
        assert_eq!(match_activity(&activity(5, Sport::Run, 30), &plan), None);
    }

    #[test]
    fn rest_and_finished_workouts_are_never_completed() {
        let mut done = scheduled(2, 3, WorkoutKind::Easy, Some(30));
        done.state = WorkoutState::Completed;
        let mut missed = scheduled(3, 3, WorkoutKind::Tempo, Some(30));
        missed.state = WorkoutState::Missed;
        let plan = [scheduled(1, 3, WorkoutKind::Rest, None), done, missed];
        assert_eq!(match_activity(&activity(3, Sport::Run, 30), &plan), None);
    }

    #[test]
    fn a_run_on_race_day_completes_the_race() {
        let plan = [scheduled(9, 17, WorkoutKind::Race, None)];
        assert_eq!(
            match_activity(&activity(17, Sport::Run, 100), &plan),
            Some(Uuid::from_u128(9))
        );
        assert_eq!(match_activity(&activity(17, Sport::Swim, 100), &plan), None);
    }

    #[test]
    fn moving_time_is_what_counts() {
        let draft = ActivityDraft {
            sport: Sport::Run,
            name: "Run".into(),
            start_time: chrono::DateTime::UNIX_EPOCH,
            duration_s: 3_600,
            moving_time_s: Some(1_800),
            distance_m: None,
            elevation_gain_m: None,
            avg_hr: None,
            max_hr: None,
            rpe: None,
            feeling: None,
            notes: None,
            private: false,
        };
        assert_eq!(ActivityRef::from_draft(&draft, day(3)).duration_s, 1_800);
        let plan = [
            scheduled(1, 3, WorkoutKind::Easy, Some(30)),
            scheduled(2, 3, WorkoutKind::LongRun, Some(60)),
        ];
        assert_eq!(
            match_activity(&ActivityRef::from_draft(&draft, day(3)), &plan),
            Some(Uuid::from_u128(1))
        );
    }

    #[test]
    fn overdue_lists_planned_workouts_before_today_except_rest() {
        let mut skipped = scheduled(5, 1, WorkoutKind::Easy, Some(30));
        skipped.state = WorkoutState::Skipped;
        let plan = [
            scheduled(4, 2, WorkoutKind::Tempo, Some(40)),
            scheduled(3, 1, WorkoutKind::Easy, Some(30)),
            scheduled(2, 1, WorkoutKind::Rest, None),
            scheduled(1, 3, WorkoutKind::LongRun, Some(90)),
            skipped,
        ];
        assert_eq!(
            overdue(&plan, day(3)),
            vec![Uuid::from_u128(3), Uuid::from_u128(4)]
        );
        assert_eq!(WorkoutState::Missed.as_str(), "missed");
        assert_eq!("planned".parse(), Ok(WorkoutState::Planned));
    }

    proptest! {
        #[test]
        fn a_match_is_always_planned_same_day_and_fitting_and_order_free(
            entries in proptest::collection::vec((1u32..6, 0usize..8, proptest::option::of(10i32..200), 0usize..4), 0..12),
            sport in prop_oneof![Just(Sport::Run), Just(Sport::TrailRun), Just(Sport::Strength), Just(Sport::Ride)],
            d in 1u32..6,
            minutes in 1i64..200,
        ) {
            let plan: Vec<ScheduledRef> = entries
                .iter()
                .enumerate()
                .map(|(n, (d, kind, target, state))| ScheduledRef {
                    id: Uuid::from_u128(n as u128),
                    date: day(*d),
                    kind: WorkoutKind::ALL[*kind],
                    target_duration_s: *target,
                    state: WorkoutState::ALL[*state],
                })
                .collect();
            let act = activity(d, sport, minutes);
            let found = match_activity(&act, &plan);
            if let Some(id) = found {
                let w = plan.iter().find(|w| w.id == id).expect("from the list");
                prop_assert_eq!(w.state, WorkoutState::Planned);
                prop_assert_eq!(w.date, act.local_date);
                prop_assert!(fits(w.kind, sport) && w.kind != WorkoutKind::Rest);
            }
            let mut reversed = plan.clone();
            reversed.reverse();
            prop_assert_eq!(match_activity(&act, &reversed), found);
        }
    }
}
