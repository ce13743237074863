//! The one write path for athlete data.
//!
//! Every record about an athlete's training, whoever sends it (the athlete or a coach through
//! GraphQL, a provider's plugin, a file import, a phone relay), is written here and nowhere
//! else, in the same steps:
//!
//! 1. **validate** through the domain (impossible values are refused with a reason; a
//!    delivery's refusals are recorded for admins, never stored silently);
//! 2. **store with provenance**: the source (`manual` or the plugin's id), the provider's
//!    external id, and when it was received; deliveries upsert by (source, external id);
//! 3. **re-match the plan**: the scheduled workout an activity fulfils is completed, and the
//!    one an edited or deleted activity had completed is released;
//! 4. **update stats incrementally** from the earliest changed day;
//! 5. **invalidate the home screen** here and on every replica;
//! 6. **queue one rules evaluation** (coalesced: a burst of writes is one evaluation);
//! 7. **publish the event** for live subscribers.
//!
//! Steps 4–7 run once per call, however many records it carried. Callers authorize first:
//! this service trusts that the athlete is the right one.

mod logs;
mod stats;

pub use logs::{DayLogPatch, SessionLogPatch};

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Offset, TimeDelta, Utc};
use uuid::Uuid;

use stride_domain::activity::{ActivityDraft, ActivityExtras, Sport};
use stride_domain::clock::SharedClock;
use stride_domain::duplicates::{self, Candidate};
use stride_domain::efficiency::Samples;
use stride_domain::ids::{AthleteId, PluginId};
use stride_domain::load::{HeartRateContext, activity_loads};
use stride_domain::matching::{ActivityRef, ScheduledRef, WorkoutState, match_activity};
use stride_domain::metrics::{DailyValues, DailyValuesPatch, Measurement, day_from_measurements};
use stride_domain::people::Baselines;
use stride_store::{
    ActivityRecord, ActivitySamples, DailyMetricsRecord, Store, StoreError, StoredActivity,
    StoredWorkout, Tx, User, to_json,
};

use crate::audit::AuditEvent;
use crate::config::TrainingConfig;
use crate::error::{AppError, AppResult};
use crate::jobs::Jobs;
use crate::rules::jobs::EvaluateRules;
use crate::training::HomeCache;

/// The source name of data entered by hand.
pub const MANUAL_SOURCE: &str = "manual";

/// Who delivered a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The athlete (or their coach) in Stride.
    Manual,
    /// A plugin: a provider, a file import, a relay.
    Plugin(PluginId),
}

impl Source {
    /// The stored form: `manual` or the plugin's id.
    pub fn as_str(&self) -> &str {
        match self {
            Source::Manual => MANUAL_SOURCE,
            Source::Plugin(id) => id.as_str(),
        }
    }
}

/// A record a plugin delivered, already in Stride's terms (the plugin's wire types are
/// converted by the caller).
#[derive(Debug, Clone, PartialEq)]
pub enum Delivered {
    /// An activity, new or changed at the provider (boxed: it is by far the largest record).
    Activity(Box<DeliveredActivity>),
    /// The provider changed an activity's title, sport or privacy.
    ActivityUpdate {
        /// The provider's id.
        external_id: String,
        /// New title.
        name: Option<String>,
        /// New sport.
        sport: Option<Sport>,
        /// New privacy.
        private: Option<bool>,
    },
    /// The provider deleted an activity.
    ActivityDeleted {
        /// The provider's id.
        external_id: String,
    },
    /// Values for one of the athlete's days (a device's daily summary, a night's sleep, HRV).
    /// Values given replace what this source stored for that day; others stay.
    Day {
        /// The athlete's calendar day, as the plugin wrote it (`YYYY-MM-DD`).
        date: String,
        /// The values (boxed: with a device's detail, they are large).
        values: Box<DailyValues>,
    },
    /// One timestamped measurement (a relay's HRV reading, a weigh-in). The same (measure,
    /// instant) again replaces it; the day's values are derived from the day's points.
    Measurement {
        /// The point.
        point: Measurement,
        /// The device or app that measured it.
        device: Option<String>,
    },
    /// Something the athlete should know or do (a to-do).
    Notice {
        /// Stable kind: a newer notice of the same kind replaces the older.
        kind: String,
        /// The message.
        message: String,
    },
}

/// An activity as a plugin delivered it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveredActivity {
    /// The provider's id.
    pub external_id: String,
    /// Its fields. `rpe`, `feeling` and `notes` are taken from what the athlete entered in
    /// Stride when the provider has none.
    pub draft: ActivityDraft,
    /// Offset from UTC where it happened, when the provider knows it.
    pub utc_offset_s: Option<i32>,
    /// Recorded series.
    pub samples: Option<Samples>,
    /// What the provider said beyond the common fields (laps, device, power…).
    pub extras: ActivityExtras,
}

/// What a delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliverySummary {
    /// Activities created or updated.
    pub activities: u32,
    /// Activities deleted.
    pub deleted: u32,
    /// Days of metrics stored.
    pub metrics: u32,
    /// Records refused (each recorded with its reason).
    pub rejected: u32,
    /// Notices filed.
    pub notices: u32,
    /// Activities that are another copy of a workout already here from another source (all
    /// copies are kept; only the primary counts).
    pub duplicates: u32,
}

/// What a write changed, so what has to follow it.
#[derive(Debug, Default, Clone)]
struct Effects {
    /// Days whose activities changed: stats are recomputed from the earliest.
    activity_days: BTreeSet<NaiveDate>,
    /// Anything the home screen or the rules see changed.
    changed: bool,
    /// What to tell the rules evaluation.
    why: Option<&'static str>,
    /// The stats and jobs that follow were written in the last write's own transaction;
    /// only the caches and the job workers are left to tell.
    written: bool,
}

impl Effects {
    fn activity(&mut self, days: impl IntoIterator<Item = NaiveDate>) {
        self.activity_days.extend(days);
        self.changed = true;
        self.why = Some("activity");
    }

    fn metrics(&mut self) {
        self.changed = true;
        self.why.get_or_insert("metrics");
    }

    fn logged(&mut self) {
        self.changed = true;
        self.why.get_or_insert("log");
    }
}

/// Where grouping put an activity among its copies.
#[derive(Debug, Default)]
struct Grouping {
    /// The primary it is a copy of; `None` when it is the primary (or has no copies).
    duplicate_of: Option<Uuid>,
    /// Days of other copies whose standing changed (their stats change).
    days: Vec<NaiveDate>,
    /// Whether it is one of several copies of a workout (primary or not).
    copies: bool,
}

/// A delivered activity checked and ready to write.
struct Prepared {
    activity: DeliveredActivity,
    /// This source's stored copy, when it was delivered before.
    existing: Option<StoredActivity>,
    record: ActivityRecord,
}

/// The longest span of days whose planned workouts a run of delivered activities reads at once
/// (a quarter); a run spread wider reads each activity's day alone.
const PLAN_READ_DAYS: i64 = 92;

/// What a transaction holding an athlete's lock has read of them for placing activities, kept
/// for the next activity it places: nothing else can change it while the lock is held.
#[derive(Default)]
struct Placing {
    /// The pairs the athlete split apart (read once, when first needed).
    exclusions: Option<std::collections::HashSet<(Uuid, Uuid)>>,
    /// The days whose planned workouts are read together, for a run of activities: read once,
    /// when first needed, into `workouts`, which then follows this transaction's changes.
    days: Option<(NaiveDate, NaiveDate)>,
    workouts: Option<Vec<StoredWorkout>>,
    /// Where every activity this transaction places looks for its copies: the athlete's
    /// activities starting in this window are read once, when first needed.
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// What was read of `window`, kept in step with the transaction's own writes since.
    nearby: Option<Vec<StoredActivity>>,
}

impl Placing {
    /// For a run of activities on the days `from` to `to` (their planned workouts are read
    /// together) starting at `starts`, each looking `reach` either side for its copies. The
    /// athlete's activities are read once for all of them when the starts lie close together
    /// (a delivery's recent activities, a page of history); otherwise each reads its own
    /// window, so a run of two activities years apart does not read the years between.
    fn for_run(
        days: Option<(NaiveDate, NaiveDate)>,
        starts: impl Iterator<Item = DateTime<Utc>>,
        reach: TimeDelta,
    ) -> Self {
        let mut count = 0_i32;
        let mut span: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        for start in starts {
            count += 1;
            span = Some(span.map_or((start, start), |(a, b)| (a.min(start), b.max(start))));
        }
        let window = span
            .filter(|(first, last)| count > 1 && *last - *first <= TimeDelta::days(3) * count)
            .map(|(first, last)| (first - reach, last + reach));
        Self {
            days,
            window,
            ..Self::default()
        }
    }

    /// Records a change this transaction made to a workout it may hold.
    fn workout_changed(&mut self, id: Uuid, state: WorkoutState, activity: Option<Uuid>) {
        if let Some(workout) = self.workouts.iter_mut().flatten().find(|w| w.id == id) {
            workout.state = state;
            workout.activity_id = activity;
        }
    }

    /// The athlete's activities starting in `from..=to` as this transaction sees them, in the
    /// order the store reads them; `None` when that is not inside the window read once.
    fn nearby(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Vec<StoredActivity>> {
        let (first, last) = self.window?;
        if from < first || to > last {
            return None;
        }
        let mut found: Vec<StoredActivity> = self
            .nearby
            .as_ref()?
            .iter()
            .filter(|a| (from..=to).contains(&a.record.draft.start_time))
            .cloned()
            .collect();
        found.sort_by_key(|a| (a.record.draft.start_time, a.id));
        Some(found)
    }

    /// Keeps what was read in step with an activity the transaction wrote.
    fn wrote(&mut self, activity: &StoredActivity) {
        if let Some(nearby) = &mut self.nearby {
            match nearby.iter_mut().find(|a| a.id == activity.id) {
                Some(kept) => *kept = activity.clone(),
                None => nearby.push(activity.clone()),
            }
        }
    }

    /// Keeps what was read in step with a copy's new primary.
    fn grouped(&mut self, id: Uuid, primary: Option<Uuid>) {
        if let Some(kept) = self
            .nearby
            .as_mut()
            .and_then(|nearby| nearby.iter_mut().find(|a| a.id == id))
        {
            kept.duplicate_of = primary;
        }
    }
}

/// What writing an activity changed.
struct Written {
    /// Whether it is one of several copies of a workout.
    copies: bool,
    /// The days whose stats it changed.
    days: Vec<NaiveDate>,
}

impl Written {
    /// Counts a committed write into a delivery's summary and what has to follow it.
    fn count(self, summary: &mut DeliverySummary, effects: &mut Effects) {
        summary.activities += 1;
        summary.duplicates += u32::from(self.copies);
        effects.activity(self.days);
    }
}

/// What the duplicate matcher needs of a stored activity.
fn candidate(activity: &StoredActivity) -> Candidate {
    Candidate {
        id: activity.id,
        source: activity.record.source.clone(),
        sport: activity.record.draft.sport,
        start: activity.record.draft.start_time,
        duration_s: activity.record.draft.duration_s,
        distance_m: activity.record.draft.distance_m,
        has_samples: activity.has_samples,
        has_heart_rate: activity.record.draft.avg_hr.is_some(),
        laps: activity.record.extras.laps.len(),
        created_at: activity.created_at,
    }
}

/// Samples as [`Records::samples_to_store`] prepared them, in the store's terms.
fn stored_samples(
    (json, efficiency_factor, decoupling_pct): &(String, Option<f64>, Option<f64>),
) -> ActivitySamples<'_> {
    ActivitySamples {
        json,
        efficiency_factor: *efficiency_factor,
        decoupling_pct: *decoupling_pct,
    }
}

/// The records service.
#[derive(Clone)]
pub struct Records {
    store: Store,
    clock: SharedClock,
    settings: std::sync::Arc<TrainingConfig>,
    home: HomeCache,
    jobs: Jobs,
    audit: crate::audit::Audit,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Records")
    }
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl Records {
    /// The service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        settings: std::sync::Arc<TrainingConfig>,
        home: HomeCache,
        jobs: Jobs,
        audit: crate::audit::Audit,
    ) -> Self {
        Self {
            store,
            clock,
            settings,
            home,
            jobs,
            audit,
        }
    }

    /// The athlete's today, in their own time zone.
    pub fn today_for(&self, athlete: &User) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&athlete.profile.time_zone)
            .date_naive()
    }

    /// Validates a draft for `athlete` and derives its local day and loads. `utc_offset_s` is
    /// the offset where it happened when the source knows it; otherwise the athlete's zone.
    #[expect(
        clippy::too_many_arguments,
        reason = "an activity's parts and its provenance, each needed to build the record"
    )]
    async fn record_for(
        &self,
        athlete: &User,
        source: &str,
        external_id: Option<String>,
        draft: ActivityDraft,
        extras: ActivityExtras,
        utc_offset_s: Option<i32>,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<ActivityRecord> {
        let baselines = self.store.baselines(athlete.id).await?;
        self.record_from(
            athlete,
            &baselines,
            source,
            external_id,
            draft,
            extras,
            utc_offset_s,
            received_at,
        )
    }

    /// [`Records::record_for`] with the athlete's baselines already read.
    #[expect(
        clippy::too_many_arguments,
        reason = "the record's parts, each distinct"
    )]
    fn record_from(
        &self,
        athlete: &User,
        baselines: &Baselines,
        source: &str,
        external_id: Option<String>,
        draft: ActivityDraft,
        extras: ActivityExtras,
        utc_offset_s: Option<i32>,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<ActivityRecord> {
        let offset = match utc_offset_s.and_then(chrono::FixedOffset::east_opt) {
            Some(offset) => offset,
            None => draft
                .start_time
                .with_timezone(&athlete.profile.time_zone)
                .offset()
                .fix(),
        };
        let local_date = draft.start_time.with_timezone(&offset).date_naive();
        draft.validate(local_date, self.today_for(athlete))?;
        extras.validate()?;
        let loads = activity_loads(
            &draft,
            &HeartRateContext::from_baselines(baselines, athlete.profile.sex),
        );
        Ok(ActivityRecord {
            user_id: athlete.id,
            source: source.to_owned(),
            external_id,
            local_date,
            utc_offset_s: offset.local_minus_utc(),
            load_rpe: loads.srpe,
            load_trimp: loads.trimp,
            load_detail: Some(to_json(&loads.detail)),
            draft,
            received_at,
            extras,
        })
    }

    /// Groups a just-written activity with its copies from other sources and matches the plan
    /// with whichever copy is the primary. `previous` is the activity's id when it was stored
    /// before (its old match is released first).
    async fn place(
        &self,
        tx: &mut Tx,
        athlete: &User,
        stored: &StoredActivity,
        previous: Option<Uuid>,
        placing: &mut Placing,
    ) -> AppResult<Grouping> {
        let grouping = self.group_copies(tx, athlete, stored, placing).await?;
        if grouping.duplicate_of.is_none() {
            self.match_workout(tx, athlete, Some(stored), previous, placing)
                .await?;
        } else {
            // A copy completes nothing; what it completed before is released.
            self.match_workout(tx, athlete, None, Some(stored.id), placing)
                .await?;
        }
        Ok(grouping)
    }

    /// How far either side of an activity's start its copies may start.
    fn copy_reach(&self) -> TimeDelta {
        let settings = &self.settings.duplicates;
        TimeDelta::seconds(settings.start_window_s + settings.max_clock_shift_h * 3600)
    }

    /// Finds the copies of `activity` from other sources (see [`stride_domain::duplicates`]),
    /// joins their group, and makes the best copy the primary, inside `tx` (which holds the
    /// athlete, so two sources delivering at once group one after the other).
    async fn group_copies(
        &self,
        tx: &mut Tx,
        athlete: &User,
        activity: &StoredActivity,
        placing: &mut Placing,
    ) -> AppResult<Grouping> {
        let settings = &self.settings.duplicates;
        let mut grouping = Grouping::default();
        if !settings.enabled {
            return Ok(grouping);
        }
        self.store.lock_athlete(tx, athlete.id).await?;
        let reach = self.copy_reach();
        let start = activity.record.draft.start_time;
        let (from, to) = (start - reach, start + reach);
        if let (Some((first, last)), None) = (placing.window, &placing.nearby) {
            placing.nearby = Some(
                self.store
                    .activities_starting_between(tx, athlete.id, first, last)
                    .await?,
            );
        }
        let mut nearby = match placing.nearby(from, to) {
            Some(nearby) => nearby,
            None => {
                self.store
                    .activities_starting_between(tx, athlete.id, from, to)
                    .await?
            }
        };
        let me = nearby
            .iter()
            .find(|a| a.id == activity.id)
            .map_or_else(|| candidate(activity), candidate);
        if placing.exclusions.is_none() {
            placing.exclusions = Some(
                self.store
                    .match_exclusions(tx, athlete.id)
                    .await?
                    .into_iter()
                    .collect(),
            );
        }
        let exclusions = &*placing.exclusions.get_or_insert_default();
        let excluded = |a: Uuid, b: Uuid| exclusions.contains(&(a.min(b), a.max(b)));
        // The groups (a primary and its copies) of the activities this one matches.
        let matches: Vec<(&StoredActivity, i64)> = nearby
            .iter()
            .filter(|other| other.id != activity.id && !excluded(activity.id, other.id))
            .filter_map(|other| {
                duplicates::match_shift(&me, &candidate(other), settings).map(|h| (other, h))
            })
            .collect();
        // A copy whose clock agrees beats one an hour off (two runs an hour apart are two).
        let unshifted = matches.iter().any(|(_, hours)| *hours == 0);
        let mut groups: std::collections::BTreeMap<Uuid, Vec<Uuid>> = Default::default();
        for (other, hours) in matches {
            if !unshifted || hours == 0 {
                groups
                    .entry(other.duplicate_of.unwrap_or(other.id))
                    .or_default();
            }
        }
        for primary in groups.keys().copied().collect::<Vec<_>>() {
            if !nearby.iter().any(|a| a.id == primary) {
                // A primary that started just outside the window still leads its group.
                nearby.push(self.store.activity_in(tx, primary).await?);
            }
        }
        for other in &nearby {
            if other.id != activity.id
                && let Some(group) = groups.get_mut(&other.duplicate_of.unwrap_or(other.id))
            {
                group.push(other.id);
            }
        }
        // It keeps its own copies, and joins every matching group none of whose members the
        // athlete separated from what is already in (best primary first).
        let mut members: BTreeSet<Uuid> = nearby
            .iter()
            .filter(|a| a.id == activity.id || a.duplicate_of == Some(activity.id))
            .map(|a| a.id)
            .collect();
        members.insert(activity.id);
        let rank = |id: &Uuid| {
            nearby.iter().find(|a| a.id == *id).map_or(usize::MAX, |a| {
                self.settings
                    .source_priority
                    .iter()
                    .position(|p| *p == a.record.source)
                    .unwrap_or(self.settings.source_priority.len())
            })
        };
        let mut ordered: Vec<(Uuid, Vec<Uuid>)> = groups.into_iter().collect();
        ordered.sort_by_key(|(primary, _)| rank(primary));
        for (_, group) in ordered {
            if group
                .iter()
                .any(|id| members.iter().any(|m| excluded(*id, *m)))
            {
                continue;
            }
            members.extend(group);
        }
        let group: Vec<&StoredActivity> =
            nearby.iter().filter(|a| members.contains(&a.id)).collect();
        let candidates: Vec<Candidate> = group.iter().map(|a| candidate(a)).collect();
        let primary = duplicates::primary(&candidates, &self.settings.source_priority)
            .map_or(activity.id, |c| c.id);
        for member in group {
            let wanted = (member.id != primary).then_some(primary);
            if member.duplicate_of == wanted && member.id != activity.id {
                continue;
            }
            if member.duplicate_of != wanted {
                self.store.set_duplicate_of(tx, member.id, wanted).await?;
                placing.grouped(member.id, wanted);
            }
            if member.id == activity.id {
                continue;
            }
            grouping.days.push(member.record.local_date);
            match wanted {
                // Demoted: it no longer completes a planned workout.
                Some(_) => {
                    self.match_workout(tx, athlete, None, Some(member.id), placing)
                        .await?;
                }
                // Promoted: it completes what the group's workout fulfils.
                None => {
                    let mut promoted = member.clone();
                    promoted.duplicate_of = None;
                    self.match_workout(tx, athlete, Some(&promoted), None, placing)
                        .await?;
                }
            }
        }
        grouping.duplicate_of = (primary != activity.id).then_some(primary);
        grouping.copies = members.len() > 1;
        Ok(grouping)
    }

    /// Before a primary is deleted: the best of its copies becomes the primary (and completes
    /// the planned workout). Returns that copy's day.
    async fn promote_copies(
        &self,
        tx: &mut Tx,
        athlete: &User,
        deleted: &StoredActivity,
    ) -> AppResult<Option<NaiveDate>> {
        if deleted.duplicate_of.is_some() {
            return Ok(None);
        }
        let copies = self.store.duplicates_of(deleted.id).await?;
        let candidates: Vec<Candidate> = copies.iter().map(candidate).collect();
        let Some(next) =
            duplicates::primary(&candidates, &self.settings.source_priority).map(|c| c.id)
        else {
            return Ok(None);
        };
        for copy in &copies {
            let wanted = (copy.id != next).then_some(next);
            self.store.set_duplicate_of(tx, copy.id, wanted).await?;
        }
        let mut promoted = None;
        if let Some(copy) = copies.into_iter().find(|c| c.id == next) {
            let mut copy = copy;
            copy.duplicate_of = None;
            self.match_workout(tx, athlete, Some(&copy), None, &mut Placing::default())
                .await?;
            promoted = Some(copy.record.local_date);
        }
        Ok(promoted)
    }

    /// Completes the planned workout an activity fulfils, and releases the one `previous`
    /// completed before (when it was edited or deleted), inside `tx`.
    async fn match_workout(
        &self,
        tx: &mut Tx,
        athlete: &User,
        activity: Option<&StoredActivity>,
        previous: Option<Uuid>,
        placing: &mut Placing,
    ) -> AppResult<()> {
        let now = self.clock.now();
        if let Some(previous) = previous
            && let Some(workout) = self.store.workout_of_activity(tx, previous).await?
        {
            let state = if workout.workout.date < self.today_for(athlete) {
                WorkoutState::Missed
            } else {
                WorkoutState::Planned
            };
            if self
                .store
                .set_workout_state(tx, workout.id, state, None, now)
                .await?
            {
                placing.workout_changed(workout.id, state, None);
            }
        }
        let Some(activity) = activity else {
            return Ok(());
        };
        let date = activity.record.local_date;
        let candidates = match placing.days {
            Some((from, to)) if from <= date && date <= to => {
                if placing.workouts.is_none() {
                    placing.workouts = Some(
                        self.store
                            .workouts_between(tx, athlete.id, from, to)
                            .await?,
                    );
                }
                placing
                    .workouts
                    .iter()
                    .flatten()
                    .filter(|w| w.workout.date == date)
                    .cloned()
                    .collect()
            }
            _ => self.store.workouts_on(tx, athlete.id, date).await?,
        };
        let refs: Vec<ScheduledRef> = candidates
            .iter()
            .map(|w| ScheduledRef {
                id: w.id,
                date: w.workout.date,
                kind: w.workout.kind,
                target_duration_s: w.workout.target_duration_s,
                state: w.state,
            })
            .collect();
        let reference = ActivityRef::from_draft(&activity.record.draft, activity.record.local_date);
        // A workout deleted since it was read is not completed (nor remembered as completed
        // for the rest of the batch).
        if let Some(workout) = match_activity(&reference, &refs)
            && self
                .store
                .set_workout_state(tx, workout, WorkoutState::Completed, Some(activity.id), now)
                .await?
        {
            placing.workout_changed(workout, WorkoutState::Completed, Some(activity.id));
        }
        Ok(())
    }

    /// An activity's samples as they are stored: as JSON, with the efficiency computed from
    /// them.
    fn samples_to_store(&self, samples: &Samples) -> (String, Option<f64>, Option<f64>) {
        let computed = stride_domain::efficiency::efficiency(samples, &self.settings.efficiency);
        (
            to_json(samples),
            computed.as_ref().map(|e| e.efficiency_factor),
            computed
                .as_ref()
                .filter(|e| e.steady)
                .map(|e| e.decoupling_pct),
        )
    }

    /// Writes an audit entry inside `tx` when there is one to write.
    async fn audit(&self, tx: &mut Tx, event: Option<AuditEvent>) -> AppResult<()> {
        if let Some(event) = event {
            self.audit.record(tx, event, self.clock.now()).await?;
        }
        Ok(())
    }

    /// Everything that follows a write, once per call: stats, home, rules, event. The caches
    /// (home screen, recent activities) are dropped even when the follow-up fails: the write
    /// itself has committed.
    async fn follow(&self, athlete: Uuid, effects: Effects) -> AppResult<()> {
        if !effects.changed && effects.activity_days.is_empty() {
            return Ok(());
        }
        let changed = effects.changed;
        let followed = if effects.written {
            Ok(())
        } else {
            self.follow_in_transaction(athlete, effects).await
        };
        if changed {
            // Drops the home screen and recent activities here and publishes the change to
            // every replica's listeners (live subscriptions, other replicas' caches).
            self.home.invalidate(athlete).await;
            if followed.is_ok() {
                self.jobs.wake();
            }
        }
        followed
    }

    async fn follow_in_transaction(&self, athlete: Uuid, effects: Effects) -> AppResult<()> {
        // The stats and the follow-up jobs in one transaction: the jobs exist if and only if
        // the stats they read are stored.
        let mut tx = self.store.begin().await?;
        self.follow_in(&mut tx, athlete, &effects).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The stats and follow-up jobs of `effects`, written inside `tx`.
    async fn follow_in(&self, tx: &mut Tx, athlete: Uuid, effects: &Effects) -> AppResult<()> {
        if !effects.activity_days.is_empty() {
            let days: Vec<NaiveDate> = effects.activity_days.iter().copied().collect();
            self.recompute_stats_in(tx, athlete, &days).await?;
        }
        if effects.changed {
            let now = self.clock.now();
            self.jobs
                .enqueue(
                    tx,
                    Some(AthleteId(athlete)),
                    &EvaluateRules {
                        trigger: effects.why.unwrap_or("change").to_owned(),
                    },
                    now,
                )
                .await?;
            // The athlete's insights follow their data, coalesced: a burst of writes (an
            // import) waits `recompute_after_s` and is one computation.
            self.jobs
                .enqueue(
                    tx,
                    Some(AthleteId(athlete)),
                    &crate::insights::ComputeInsights::after(
                        now,
                        self.settings.insights.recompute_after_s,
                    ),
                    now,
                )
                .await?;
        }
        Ok(())
    }

    // ----- Entered in Stride -----

    /// Stores an activity entered by hand, with its samples when there are any. `audit` is
    /// written with it (when someone acts on the athlete's behalf).
    pub async fn create_activity(
        &self,
        athlete: &User,
        draft: ActivityDraft,
        samples: Option<Samples>,
        audit: Option<AuditEvent>,
    ) -> AppResult<StoredActivity> {
        if let Some(samples) = &samples {
            samples.validate()?;
        }
        let record = self
            .record_for(
                athlete,
                MANUAL_SOURCE,
                None,
                draft,
                ActivityExtras::default(),
                None,
                self.clock.now(),
            )
            .await?;
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let samples = samples.as_ref().map(|s| self.samples_to_store(s));
        let stored = self
            .store
            .insert_activity_with_samples(
                &mut tx,
                &record,
                self.clock.now(),
                samples.as_ref().map(stored_samples).as_ref(),
            )
            .await?;
        self.place(&mut tx, athlete, &stored, None, &mut Placing::default())
            .await?;
        let audit = audit.map(|event| event.target_id_uuid(stored.id));
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.activity([stored.record.local_date]);
        self.follow(athlete.id, effects).await?;
        Ok(stored)
    }

    /// Replaces an activity's fields (an edit in Stride, of any source's activity).
    pub async fn edit_activity(
        &self,
        athlete: &User,
        current: &StoredActivity,
        draft: ActivityDraft,
        audit: Option<AuditEvent>,
    ) -> AppResult<StoredActivity> {
        let offset =
            (current.record.source != MANUAL_SOURCE).then_some(current.record.utc_offset_s);
        let record = self
            .record_for(
                athlete,
                &current.record.source,
                current.record.external_id.clone(),
                draft,
                current.record.extras.clone(),
                offset,
                current.record.received_at,
            )
            .await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let stored = self
            .store
            .update_activity(&mut tx, current.id, &record, now)
            .await?;
        if stored.record.draft.rpe.is_some() {
            self.store
                .close_activity_tasks(&mut tx, current.id, now)
                .await?;
        }
        let grouping = self
            .place(
                &mut tx,
                athlete,
                &stored,
                Some(current.id),
                &mut Placing::default(),
            )
            .await?;
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.activity(
            [current.record.local_date, stored.record.local_date]
                .into_iter()
                .chain(grouping.days),
        );
        self.follow(athlete.id, effects).await?;
        Ok(stored)
    }

    /// Deletes an activity.
    pub async fn delete_activity(
        &self,
        athlete: &User,
        current: &StoredActivity,
        audit: Option<AuditEvent>,
    ) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        self.match_workout(
            &mut tx,
            athlete,
            None,
            Some(current.id),
            &mut Placing::default(),
        )
        .await?;
        let promoted = self.promote_copies(&mut tx, athlete, current).await?;
        self.store.delete_activity(&mut tx, current.id).await?;
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.activity([current.record.local_date].into_iter().chain(promoted));
        self.follow(athlete.id, effects).await
    }

    /// Makes `chosen` the primary of its group of copies. Audited.
    pub async fn make_primary(
        &self,
        athlete: &User,
        chosen: &StoredActivity,
        audit: AuditEvent,
    ) -> AppResult<()> {
        let Some(old) = chosen.duplicate_of else {
            return Ok(());
        };
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let old_primary = self.store.activity(old).await?;
        let mut days = vec![chosen.record.local_date, old_primary.record.local_date];
        self.match_workout(&mut tx, athlete, None, Some(old), &mut Placing::default())
            .await?;
        for copy in self.store.duplicates_of(old).await? {
            if copy.id != chosen.id {
                self.store
                    .set_duplicate_of(&mut tx, copy.id, Some(chosen.id))
                    .await?;
                days.push(copy.record.local_date);
            }
        }
        self.store
            .set_duplicate_of(&mut tx, old, Some(chosen.id))
            .await?;
        self.store
            .set_duplicate_of(&mut tx, chosen.id, None)
            .await?;
        let mut promoted = chosen.clone();
        promoted.duplicate_of = None;
        self.match_workout(
            &mut tx,
            athlete,
            Some(&promoted),
            None,
            &mut Placing::default(),
        )
        .await?;
        self.audit(&mut tx, Some(audit)).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.activity(days);
        self.follow(athlete.id, effects).await
    }

    /// Takes `activity` out of its group of copies for good (the pairs are remembered, so it
    /// is never grouped with them again). Audited.
    pub async fn separate(
        &self,
        athlete: &User,
        activity: &StoredActivity,
        audit: AuditEvent,
    ) -> AppResult<()> {
        let primary = activity.duplicate_of.unwrap_or(activity.id);
        let mut group = self.store.duplicates_of(primary).await?;
        if activity.duplicate_of.is_some() {
            group.push(self.store.activity(primary).await?);
        }
        group.retain(|other| other.id != activity.id);
        if group.is_empty() {
            return Err(AppError::bad_input(
                "id",
                "this activity is not grouped with copies from other sources",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let mut days = vec![activity.record.local_date];
        for other in &group {
            self.store
                .exclude_match(&mut tx, athlete.id, activity.id, other.id, now)
                .await?;
            days.push(other.record.local_date);
        }
        if activity.duplicate_of.is_none() {
            // It was the primary: the best of the rest takes over.
            self.match_workout(
                &mut tx,
                athlete,
                None,
                Some(activity.id),
                &mut Placing::default(),
            )
            .await?;
            days.extend(self.promote_copies(&mut tx, athlete, activity).await?);
        }
        self.store
            .set_duplicate_of(&mut tx, activity.id, None)
            .await?;
        let mut standalone = activity.clone();
        standalone.duplicate_of = None;
        self.match_workout(
            &mut tx,
            athlete,
            Some(&standalone),
            None,
            &mut Placing::default(),
        )
        .await?;
        self.audit(&mut tx, Some(audit)).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.activity(days);
        self.follow(athlete.id, effects).await
    }

    /// Logs (or amends) one day's values by hand: given values replace, cleared values are
    /// removed, others stay.
    pub async fn log_day(
        &self,
        athlete: &User,
        date: NaiveDate,
        patch: DailyValuesPatch,
        audit: Option<AuditEvent>,
    ) -> AppResult<DailyMetricsRecord> {
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let mut values = self
            .store
            .daily_metrics_on(&mut tx, athlete.id, date, MANUAL_SOURCE)
            .await?
            .map(|existing| existing.values)
            .unwrap_or_default();
        patch.apply(&mut values);
        values.validate(date, self.today_for(athlete))?;
        let stored = self
            .store
            .upsert_daily_metrics(
                &mut tx,
                athlete.id,
                date,
                MANUAL_SOURCE,
                &values,
                self.clock.now(),
            )
            .await?;
        let audit = audit.map(|event| event.target_id_uuid(stored.id));
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.metrics();
        self.follow(athlete.id, effects).await?;
        Ok(stored)
    }

    /// Deletes one day's entry of one source.
    pub async fn delete_day(
        &self,
        athlete: Uuid,
        entry: Uuid,
        audit: Option<AuditEvent>,
    ) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        self.store.delete_daily_metrics(&mut tx, entry).await?;
        self.audit(&mut tx, audit).await?;
        tx.commit().await?;
        let mut effects = Effects::default();
        effects.metrics();
        self.follow(athlete, effects).await
    }

    // ----- Delivered by plugins -----

    /// Validates and stores what `source` delivered for `athlete`, then brings everything
    /// that depends on it up to date once.
    pub async fn deliver(
        &self,
        athlete: &User,
        source: &PluginId,
        records: Vec<Delivered>,
    ) -> AppResult<DeliverySummary> {
        let mut summary = DeliverySummary::default();
        let mut effects = Effects::default();
        let stored = self
            .store_delivered(athlete, source, records, &mut summary, &mut effects)
            .await;
        // What was stored before a failure has committed: what follows it still follows.
        let followed = self.follow(athlete.id, effects).await;
        stored?;
        followed?;
        Ok(summary)
    }

    /// Stores what `deliver` got, in order, counting into `summary` and `effects` as each
    /// write commits.
    async fn store_delivered(
        &self,
        athlete: &User,
        source: &PluginId,
        records: Vec<Delivered>,
        summary: &mut DeliverySummary,
        effects: &mut Effects,
    ) -> AppResult<()> {
        let mut points = Vec::new();
        // Consecutive activities are written together; an update, deletion, day or notice first
        // writes the run before it, so those take effect in their order. (Measurements are
        // stored after everything else.)
        let mut run: Vec<DeliveredActivity> = Vec::new();
        for record in records {
            if !matches!(
                record,
                Delivered::Activity(_) | Delivered::Measurement { .. }
            ) {
                let before = std::mem::take(&mut run);
                self.upsert_activities(athlete, source, before, summary, effects, false)
                    .await?;
            }
            match record {
                Delivered::Activity(activity) => run.push(*activity),
                Delivered::Measurement { point, device } => points.push((point, device)),
                Delivered::ActivityUpdate {
                    external_id,
                    name,
                    sport,
                    private,
                } => {
                    if let Some(days) = self
                        .amend_activity(athlete, source, &external_id, name, sport, private)
                        .await?
                    {
                        summary.activities += 1;
                        effects.activity(days);
                    }
                }
                Delivered::ActivityDeleted { external_id } => {
                    if let Some(day) = self
                        .delete_delivered_activity(athlete, source, &external_id)
                        .await?
                    {
                        summary.deleted += 1;
                        effects.activity([day]);
                    }
                }
                Delivered::Day { date, values } => {
                    if self.merge_day(athlete, source, &date, *values).await? {
                        summary.metrics += 1;
                        effects.metrics();
                    } else {
                        summary.rejected += 1;
                    }
                }
                Delivered::Notice { kind, message } => {
                    let now = self.clock.now();
                    let mut tx = self.store.begin().await?;
                    self.store
                        .open_notice(&mut tx, athlete.id, source.as_str(), &kind, &message, now)
                        .await?;
                    tx.commit().await?;
                    summary.notices += 1;
                }
            }
        }
        // On PostgreSQL the last run carries what follows the whole delivery in its own
        // transaction, unless measurements are still to be stored after it. On SQLite the two
        // stay apart: the webhooks' acknowledgements wait for the one writer, and a longer
        // transaction holds them back (measured: the open loop's p99 at 1,000 events/s
        // doubled, though more activities were stored per second).
        let last = points.is_empty() && self.store.backend() == stride_store::Backend::Postgres;
        self.upsert_activities(athlete, source, run, summary, effects, last)
            .await?;
        if !points.is_empty() {
            let (days, refused) = self.store_measurements(athlete, source, points).await?;
            summary.metrics += days;
            summary.rejected += refused;
            if days > 0 {
                effects.metrics();
            }
        }
        Ok(())
    }

    async fn reject(
        &self,
        source: &PluginId,
        athlete: &User,
        external_id: Option<&str>,
        reason: &str,
    ) -> AppResult<()> {
        tracing::info!(plugin = %source, external_id, %reason, "record refused");
        self.store
            .record_rejection(
                source.as_str(),
                Some(athlete.id),
                external_id,
                reason,
                self.clock.now(),
            )
            .await?;
        Ok(())
    }

    /// Stores a run of delivered activities in one transaction, which first takes the
    /// athlete's lock (so runs and single writes of one athlete's activities lock in one
    /// order). An activity that validation refuses is recorded as a rejection and skipped.
    /// When another writer inserted one of them meanwhile (a history import and a webhook job
    /// at once), or the run holds one activity twice, it is written one activity at a time,
    /// each reading the row the one before it left.
    ///
    /// With `last` (nothing of the delivery is written after this run), the stats and jobs
    /// that follow the whole delivery are written in the run's transaction: one transaction
    /// for a webhook's activity rather than two, and one round of locks.
    async fn upsert_activities(
        &self,
        athlete: &User,
        source: &PluginId,
        activities: Vec<DeliveredActivity>,
        summary: &mut DeliverySummary,
        effects: &mut Effects,
        last: bool,
    ) -> AppResult<()> {
        if activities.is_empty() {
            return Ok(());
        }
        let baselines = self.store.baselines(athlete.id).await?;
        let distinct: BTreeSet<&str> = activities.iter().map(|a| a.external_id.as_str()).collect();
        if distinct.len() < activities.len() {
            for activity in activities {
                match self
                    .upsert_activity(athlete, &baselines, source, activity)
                    .await?
                {
                    Some(done) => done.count(summary, effects),
                    None => summary.rejected += 1,
                }
            }
            return Ok(());
        }
        // What this source delivered before, read for the whole run at once.
        let mut stored = self
            .store
            .activities_by_external(
                athlete.id,
                source.as_str(),
                &distinct.into_iter().collect::<Vec<_>>(),
            )
            .await?;
        let mut ready = Vec::with_capacity(activities.len());
        for activity in activities {
            let existing = stored.remove(&activity.external_id);
            match self
                .prepare_activity(athlete, &baselines, source, activity, existing)
                .await?
            {
                Some(prepared) => ready.push(prepared),
                None => summary.rejected += 1,
            }
        }
        if ready.is_empty()
            || self
                .write_run(athlete, &ready, last, summary, effects)
                .await?
        {
            return Ok(());
        }
        // One at a time, each counted as it commits (a later failure leaves them stored).
        for prepared in ready {
            match self
                .upsert_activity(athlete, &baselines, source, prepared.activity)
                .await?
            {
                Some(done) => done.count(summary, effects),
                None => summary.rejected += 1,
            }
        }
        Ok(())
    }

    /// Writes `run` in one transaction that first takes the athlete's lock, and counts it into
    /// `summary` and `effects` once it has committed. `false` (nothing written) when another
    /// writer inserted one of them meanwhile. With `last`, what follows the delivery is written
    /// in the same transaction.
    async fn write_run(
        &self,
        athlete: &User,
        run: &[Prepared],
        last: bool,
        summary: &mut DeliverySummary,
        effects: &mut Effects,
    ) -> AppResult<bool> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let mut written = Vec::with_capacity(run.len());
        // The run's days: their planned workouts are read once for all of them, unless the run
        // is scattered over so long that the days between would be most of what is read.
        let days = run.iter().map(|p| p.record.local_date);
        let days = match (days.clone().min(), days.max()) {
            (Some(from), Some(to)) if (to - from).num_days() <= PLAN_READ_DAYS => Some((from, to)),
            _ => None,
        };
        let mut placing = Placing::for_run(
            days,
            run.iter().map(|p| p.record.draft.start_time),
            self.copy_reach(),
        );
        for prepared in run {
            match self
                .write_activity(&mut tx, athlete, prepared, now, &mut placing)
                .await?
            {
                Some(done) => written.push(done),
                None => return Ok(false),
            }
        }
        // Counted once the transaction commits: a copy until then.
        let mut counted = summary.clone();
        let mut after = effects.clone();
        for done in written {
            done.count(&mut counted, &mut after);
        }
        if last {
            self.follow_in(&mut tx, athlete.id, &after).await?;
            after.written = true;
        }
        tx.commit().await?;
        *summary = counted;
        *effects = after;
        Ok(true)
    }

    /// Stores one delivered activity in its own transaction; `None` when validation refused
    /// it (recorded as a rejection).
    async fn upsert_activity(
        &self,
        athlete: &User,
        baselines: &Baselines,
        source: &PluginId,
        activity: DeliveredActivity,
    ) -> AppResult<Option<Written>> {
        let external_id = activity.external_id.clone();
        // Two attempts: a history import and a webhook job may insert the same activity at
        // once; the loser reads the winner's row and updates it.
        for _ in 0..2 {
            let existing = self
                .store
                .activity_by_external(athlete.id, source.as_str(), &external_id)
                .await?;
            let Some(prepared) = self
                .prepare_activity(athlete, baselines, source, activity.clone(), existing)
                .await?
            else {
                return Ok(None);
            };
            let mut tx = self.store.begin().await?;
            self.store.lock_athlete(&mut tx, athlete.id).await?;
            if let Some(done) = self
                .write_activity(
                    &mut tx,
                    athlete,
                    &prepared,
                    self.clock.now(),
                    &mut Placing::default(),
                )
                .await?
            {
                tx.commit().await?;
                return Ok(Some(done));
            }
        }
        Err(AppError::Conflict(format!(
            "activity {external_id} kept changing while it was stored"
        )))
    }

    /// Checks a delivered activity and builds its record. Where the provider gives no RPE,
    /// feeling or notes, what the athlete entered in Stride on the stored copy is kept.
    /// `None` when refused (recorded as a rejection).
    async fn prepare_activity(
        &self,
        athlete: &User,
        baselines: &Baselines,
        source: &PluginId,
        activity: DeliveredActivity,
        existing: Option<StoredActivity>,
    ) -> AppResult<Option<Prepared>> {
        if let Some(samples) = &activity.samples
            && let Err(e) = samples.validate()
        {
            self.reject(
                source,
                athlete,
                Some(&activity.external_id),
                &format!("samples: {e}"),
            )
            .await?;
            return Ok(None);
        }
        let mut draft = activity.draft.clone();
        if let Some(previous) = existing.as_ref().map(|e| &e.record.draft) {
            // What the athlete entered in Stride stays unless the provider supplies it.
            draft.rpe = draft.rpe.or(previous.rpe);
            draft.feeling = draft.feeling.or(previous.feeling);
            draft.notes = draft.notes.or_else(|| previous.notes.clone());
        }
        match self.record_from(
            athlete,
            baselines,
            source.as_str(),
            Some(activity.external_id.clone()),
            draft,
            activity.extras.clone(),
            activity.utc_offset_s,
            self.clock.now(),
        ) {
            Ok(record) => Ok(Some(Prepared {
                activity,
                existing,
                record,
            })),
            Err(AppError::BadInput(e)) => {
                self.reject(source, athlete, Some(&activity.external_id), &e.to_string())
                    .await?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Writes a prepared activity inside `tx`: the row, its samples, its place among its
    /// copies and in the plan, and the athlete's request to rate it. `None` when it was new
    /// here but another writer inserted it meanwhile (`tx` is then unusable).
    async fn write_activity(
        &self,
        tx: &mut Tx,
        athlete: &User,
        prepared: &Prepared,
        now: chrono::DateTime<chrono::Utc>,
        placing: &mut Placing,
    ) -> AppResult<Option<Written>> {
        let Prepared {
            activity,
            existing,
            record,
        } = prepared;
        let samples = activity.samples.as_ref().map(|s| self.samples_to_store(s));
        let samples = samples.as_ref().map(stored_samples);
        let stored = match existing {
            Some(existing) => {
                self.store
                    .update_activity_with_samples(tx, existing.id, record, now, samples.as_ref())
                    .await?
            }
            None => match self
                .store
                .insert_activity_with_samples(tx, record, now, samples.as_ref())
                .await
            {
                Ok(stored) => stored,
                Err(StoreError::Conflict(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            },
        };
        placing.wrote(&stored);
        let grouping = self
            .place(
                tx,
                athlete,
                &stored,
                existing.as_ref().map(|e| e.id),
                placing,
            )
            .await?;
        let recent = stored.record.draft.start_time
            >= now - chrono::TimeDelta::hours(i64::from(self.settings.ask_effort_within_hours));
        if grouping.duplicate_of.is_some() {
            // The primary asks for the rating (or already has it); a copy never does.
            self.store.close_activity_tasks(tx, stored.id, now).await?;
        } else if stored.record.draft.rpe.is_none() && recent {
            self.store
                .open_task(tx, athlete.id, "rate_activity", stored.id, now)
                .await?;
        } else if stored.record.draft.rpe.is_some() {
            self.store.close_activity_tasks(tx, stored.id, now).await?;
        }
        let old_date = existing.as_ref().map(|e| e.record.local_date);
        Ok(Some(Written {
            copies: grouping.copies,
            days: old_date
                .into_iter()
                .chain([stored.record.local_date])
                .chain(grouping.days)
                .collect(),
        }))
    }

    /// Applies a provider's partial update; `None` when the activity is unknown here or the
    /// result is refused. An edit can move an activity to another sport or day, so the plan
    /// is re-matched.
    async fn amend_activity(
        &self,
        athlete: &User,
        source: &PluginId,
        external_id: &str,
        name: Option<String>,
        sport: Option<Sport>,
        private: Option<bool>,
    ) -> AppResult<Option<Vec<NaiveDate>>> {
        let Some(existing) = self
            .store
            .activity_by_external(athlete.id, source.as_str(), external_id)
            .await?
        else {
            return Ok(None);
        };
        let mut draft = existing.record.draft.clone();
        if let Some(name) = name {
            draft.name = name;
        }
        if let Some(sport) = sport {
            draft.sport = sport;
        }
        if let Some(private) = private {
            draft.private = private;
        }
        let record = match self
            .record_for(
                athlete,
                source.as_str(),
                existing.record.external_id.clone(),
                draft,
                existing.record.extras.clone(),
                Some(existing.record.utc_offset_s),
                self.clock.now(),
            )
            .await
        {
            Ok(record) => record,
            Err(AppError::BadInput(e)) => {
                self.reject(source, athlete, Some(external_id), &e.to_string())
                    .await?;
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let stored = self
            .store
            .update_activity(&mut tx, existing.id, &record, self.clock.now())
            .await?;
        self.place(
            &mut tx,
            athlete,
            &stored,
            Some(existing.id),
            &mut Placing::default(),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(vec![
            existing.record.local_date,
            stored.record.local_date,
        ]))
    }

    async fn delete_delivered_activity(
        &self,
        athlete: &User,
        source: &PluginId,
        external_id: &str,
    ) -> AppResult<Option<NaiveDate>> {
        let Some(existing) = self
            .store
            .activity_by_external(athlete.id, source.as_str(), external_id)
            .await?
        else {
            return Ok(None);
        };
        let mut tx = self.store.begin().await?;
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        self.match_workout(
            &mut tx,
            athlete,
            None,
            Some(existing.id),
            &mut Placing::default(),
        )
        .await?;
        let promoted = self.promote_copies(&mut tx, athlete, &existing).await?;
        self.store.delete_activity(&mut tx, existing.id).await?;
        tx.commit().await?;
        let day = existing.record.local_date;
        Ok(Some(promoted.map_or(day, |other| other.min(day))))
    }

    /// Merges a day's delivered values into what this source stored for that day; false when
    /// refused (recorded as a rejection).
    async fn merge_day(
        &self,
        athlete: &User,
        source: &PluginId,
        date: &str,
        values: DailyValues,
    ) -> AppResult<bool> {
        let Some(day) = parse_day(date) else {
            self.reject(
                source,
                athlete,
                None,
                &format!("date: `{date}` is not YYYY-MM-DD"),
            )
            .await?;
            return Ok(false);
        };
        let mut tx = self.store.begin().await?;
        // Read-merge-write under the athlete's row lock: a daily summary and a night's sleep
        // for the same day arrive as separate jobs, and neither may lose the other's values.
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        let mut merged = self
            .store
            .daily_metrics_on(&mut tx, athlete.id, day, source.as_str())
            .await?
            .map(|m| m.values)
            .unwrap_or_default();
        merged.overlay(values);
        if let Err(e) = merged.validate(day, self.today_for(athlete)) {
            drop(tx);
            self.reject(source, athlete, None, &e.to_string()).await?;
            return Ok(false);
        }
        self.store
            .upsert_daily_metrics(
                &mut tx,
                athlete.id,
                day,
                source.as_str(),
                &merged,
                self.clock.now(),
            )
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores single measurements and re-derives the values of each day they touch (in the
    /// athlete's time zone). Returns the days updated and the points refused.
    async fn store_measurements(
        &self,
        athlete: &User,
        source: &PluginId,
        points: Vec<(Measurement, Option<String>)>,
    ) -> AppResult<(u32, u32)> {
        let today = self.today_for(athlete);
        let mut refused = 0;
        let mut rows = Vec::with_capacity(points.len());
        for (point, device) in points {
            let day = point
                .at
                .with_timezone(&athlete.profile.time_zone)
                .date_naive();
            if let Err(reason) = point.validate(day, today) {
                refused += 1;
                self.reject(source, athlete, None, &reason.to_string())
                    .await?;
                continue;
            }
            rows.push((point, day, device));
        }
        let days: BTreeSet<NaiveDate> = rows.iter().map(|(_, day, _)| *day).collect();
        let mut tx = self.store.begin().await?;
        // One delivery at a time derives an athlete's days, each from every point stored.
        self.store.lock_athlete(&mut tx, athlete.id).await?;
        self.store
            .upsert_measurements(
                &mut tx,
                athlete.id,
                source.as_str(),
                &rows,
                self.clock.now(),
            )
            .await?;
        let mut derived = Vec::with_capacity(days.len());
        for day in &days {
            let on_day = self
                .store
                .measurements_on(&mut tx, athlete.id, source.as_str(), *day)
                .await?;
            derived.push((*day, day_from_measurements(&on_day)));
        }
        tx.commit().await?;
        let mut stored = 0;
        for (day, values) in derived {
            if self
                .merge_day(athlete, source, &day.format("%Y-%m-%d").to_string(), values)
                .await?
            {
                stored += 1;
            } else {
                refused += 1;
            }
        }
        Ok((stored, refused))
    }
}
