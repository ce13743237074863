//! Athlete training data: profiles, baselines, activities, daily metrics, rolling stats,
//! readiness, plans and the home screen.
//!
//! Each operation authorizes the viewer for the athlete, validates through the domain,
//! derives what the domain derives (local day, loads, stats, matching) and writes through the
//! store. Changes a coach makes to an athlete's data are audited.

mod home;
mod plans;
mod stats;

use chrono::{NaiveDate, Offset};
use serde_json::json;
use uuid::Uuid;

pub use home::{Home, HomeCache, LoadStatus};
pub use plans::{AppliedProposal, PlanChange, PlanInput, PlanView};

/// Something to do after an athlete's data changed: the rules service queues an evaluation.
pub trait EvaluationTrigger: Send + Sync + std::fmt::Debug {
    /// The athlete's activities, metrics or plan changed (`why` names what).
    fn athlete_changed<'a>(
        &'a self,
        athlete: Uuid,
        why: &'a str,
    ) -> crate::plugins::services::BoxFuture<'a, AppResult<()>>;
}

use crate::audit::{self, AuditEvent};
use crate::auth::{Accounts, Viewer};
use crate::clock::SharedClock;
use crate::config::TrainingConfig;
use crate::domain::Change;
use crate::domain::activity::{ActivityDraft, ActivityPatch};
use crate::domain::efficiency::{Efficiency, Samples, efficiency};
use crate::domain::load::{HeartRateContext, activity_loads};
use crate::domain::matching::{ActivityRef, ScheduledRef, WorkoutState, match_activity};
use crate::domain::metrics::DailyValuesPatch;
use crate::domain::people::{Baselines, GrantAccess, Profile};
use crate::error::{AppError, AppResult};
use crate::store::{
    ActivityCursor, ActivityRecord, DailyMetricsCursor, DailyMetricsRecord, DateRange, Store,
    StoreError, StoredActivity, Tx, User, to_json,
};

/// The source name of data entered by hand.
pub const MANUAL_SOURCE: &str = "manual";

/// Largest page a list query returns.
pub const MAX_PAGE: u32 = 200;

/// The operations behind the athlete-data part of the API.
#[derive(Debug, Clone)]
pub struct Training {
    store: Store,
    clock: SharedClock,
    accounts: Accounts,
    settings: std::sync::Arc<TrainingConfig>,
    home: HomeCache,
    trigger: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<dyn EvaluationTrigger>>>,
}

impl Training {
    /// Builds the service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        accounts: Accounts,
        settings: TrainingConfig,
        home: HomeCache,
    ) -> Self {
        Self {
            store,
            clock,
            accounts,
            settings: std::sync::Arc::new(settings),
            home,
            trigger: std::sync::Arc::new(std::sync::OnceLock::new()),
        }
    }

    /// Connects what runs after an athlete's data changes (once, at start).
    pub fn set_trigger(&self, trigger: std::sync::Arc<dyn EvaluationTrigger>) {
        let _ = self.trigger.set(trigger);
    }

    async fn changed(&self, athlete: Uuid, why: &str) -> AppResult<()> {
        if let Some(trigger) = self.trigger.get() {
            trigger.athlete_changed(athlete, why).await?;
        }
        Ok(())
    }

    /// The home-screen cache.
    pub fn home_cache(&self) -> HomeCache {
        self.home.clone()
    }

    /// The training-science settings in force.
    pub fn settings(&self) -> &TrainingConfig {
        &self.settings
    }

    /// The athlete's today, in their own time zone.
    pub fn today_for(&self, athlete: &User) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&athlete.profile.time_zone)
            .date_naive()
    }

    /// Loads an athlete the viewer may access at `needed` level.
    pub async fn athlete(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        needed: GrantAccess,
    ) -> AppResult<User> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, needed)
            .await?;
        Ok(self.store.user(athlete_id).await?)
    }

    async fn audit_if_on_behalf(
        &self,
        tx: &mut Tx,
        viewer: &Viewer,
        athlete_id: Uuid,
        action: &'static str,
        target_kind: &'static str,
        target_id: Uuid,
    ) -> AppResult<()> {
        if viewer.id() != athlete_id {
            let event = AuditEvent::new(viewer.actor(), action, target_kind, target_id)
                .payload(json!({ "athlete": athlete_id }));
            audit::record(&self.store, tx, event, self.clock.now()).await?;
        }
        Ok(())
    }

    /// Replaces the viewer's own profile after validating it.
    pub async fn update_profile(&self, viewer: &Viewer, profile: Profile) -> AppResult<User> {
        profile.validate(self.today_for(&viewer.user))?;
        let user = self
            .store
            .update_profile(viewer.id(), &profile, self.clock.now())
            .await?;
        self.home.invalidate(viewer.id()).await;
        Ok(user)
    }

    /// An athlete's baselines.
    pub async fn baselines(&self, viewer: &Viewer, athlete_id: Uuid) -> AppResult<Baselines> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        Ok(self.store.baselines(athlete_id).await?)
    }

    /// Replaces an athlete's baselines (theirs, or a read-write coach's athlete's). Loads
    /// already stored keep the baselines they were computed with (their receipts say which).
    pub async fn set_baselines(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        baselines: Baselines,
    ) -> AppResult<Baselines> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::ReadWrite)
            .await?;
        baselines.validate()?;
        self.store
            .set_baselines(athlete_id, &baselines, self.clock.now())
            .await?;
        self.home.invalidate(athlete_id).await;
        Ok(baselines)
    }

    /// Validates a draft for `athlete` and derives its local day and loads. `utc_offset_s` is
    /// the offset where it happened when the source knows it; otherwise the athlete's zone.
    pub(crate) async fn record_for(
        &self,
        athlete: &User,
        source: &str,
        external_id: Option<String>,
        draft: ActivityDraft,
        utc_offset_s: Option<i32>,
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
        let baselines = self.store.baselines(athlete.id).await?;
        let loads = activity_loads(
            &draft,
            &HeartRateContext::from_baselines(&baselines, athlete.profile.sex),
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
        })
    }

    /// Completes the planned workout an activity fulfils, and releases the one `previous`
    /// completed before (when it was edited or deleted), inside `tx`.
    pub(crate) async fn match_workout(
        &self,
        tx: &mut Tx,
        athlete: &User,
        activity: Option<&StoredActivity>,
        previous: Option<Uuid>,
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
            self.store
                .set_workout_state(tx, workout.id, state, None, now)
                .await?;
        }
        let Some(activity) = activity else {
            return Ok(());
        };
        let candidates = self
            .store
            .workouts_on(tx, athlete.id, activity.record.local_date)
            .await?;
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
        if let Some(workout) = match_activity(&reference, &refs) {
            self.store
                .set_workout_state(tx, workout, WorkoutState::Completed, Some(activity.id), now)
                .await?;
        }
        Ok(())
    }

    /// What follows every change to an athlete's activities: stats from the earliest changed
    /// day on, and a fresh home screen.
    pub(crate) async fn after_activity_change(
        &self,
        athlete_id: Uuid,
        changed: &[NaiveDate],
    ) -> AppResult<()> {
        self.recompute_stats(athlete_id, changed).await?;
        self.home.invalidate(athlete_id).await;
        self.changed(athlete_id, "activity").await
    }

    /// Logs an activity by hand for `athlete_id` (default: the viewer), with its recorded
    /// samples when there are any.
    pub async fn log_activity(
        &self,
        viewer: &Viewer,
        athlete_id: Option<Uuid>,
        draft: ActivityDraft,
        samples: Option<Samples>,
    ) -> AppResult<StoredActivity> {
        let athlete = self
            .athlete(
                viewer,
                athlete_id.unwrap_or(viewer.id()),
                GrantAccess::ReadWrite,
            )
            .await?;
        if let Some(samples) = &samples {
            samples.validate()?;
        }
        let record = self
            .record_for(&athlete, MANUAL_SOURCE, None, draft, None)
            .await?;
        let mut tx = self.store.begin().await?;
        let mut stored = self
            .store
            .insert_activity(&mut tx, &record, self.clock.now())
            .await?;
        if let Some(samples) = &samples {
            self.store
                .set_activity_samples(&mut tx, stored.id, Some(&to_json(samples)))
                .await?;
            stored.has_samples = true;
        }
        self.match_workout(&mut tx, &athlete, Some(&stored), None)
            .await?;
        self.audit_if_on_behalf(
            &mut tx,
            viewer,
            athlete.id,
            "activity.create",
            "activity",
            stored.id,
        )
        .await?;
        tx.commit().await?;
        self.after_activity_change(athlete.id, &[stored.record.local_date])
            .await?;
        Ok(stored)
    }

    /// One activity, if the viewer may see it. Someone else's activity is "not found", so ids
    /// reveal nothing; a coach with read access asking to write is told why not.
    pub async fn activity(
        &self,
        viewer: &Viewer,
        id: Uuid,
        needed: GrantAccess,
    ) -> AppResult<StoredActivity> {
        let missing = || AppError::NotFound("activity not found".to_owned());
        let activity = match self.store.activity(id).await {
            Ok(activity) => activity,
            Err(StoreError::NotFound) => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        let owner = activity.record.user_id;
        if owner != viewer.id() && activity.record.draft.private {
            return Err(missing());
        }
        match self.accounts.authorize_athlete(viewer, owner, needed).await {
            Ok(()) => Ok(activity),
            Err(AppError::Forbidden(reason))
                if needed == GrantAccess::ReadWrite
                    && self
                        .accounts
                        .authorize_athlete(viewer, owner, GrantAccess::Read)
                        .await
                        .is_ok() =>
            {
                Err(AppError::Forbidden(reason))
            }
            Err(AppError::Forbidden(_)) => Err(missing()),
            Err(e) => Err(e),
        }
    }

    /// The efficiency factor and aerobic decoupling of an activity with samples.
    pub async fn activity_efficiency(
        &self,
        activity: &StoredActivity,
    ) -> AppResult<Option<Efficiency>> {
        if !activity.has_samples {
            return Ok(None);
        }
        let Some(text) = self.store.activity_samples(activity.id).await? else {
            return Ok(None);
        };
        let samples: Samples = crate::store::parse_json("samples", &text)?;
        Ok(efficiency(&samples, &self.settings.efficiency))
    }

    /// Edits an activity and re-derives what depends on it.
    pub async fn update_activity(
        &self,
        viewer: &Viewer,
        id: Uuid,
        patch: ActivityPatch,
    ) -> AppResult<StoredActivity> {
        let current = self.activity(viewer, id, GrantAccess::ReadWrite).await?;
        let athlete = self.store.user(current.record.user_id).await?;
        let mut draft = current.record.draft.clone();
        patch.apply(&mut draft);
        let offset =
            (current.record.source != MANUAL_SOURCE).then_some(current.record.utc_offset_s);
        let record = self
            .record_for(
                &athlete,
                &current.record.source,
                current.record.external_id.clone(),
                draft,
                offset,
            )
            .await?;
        let mut tx = self.store.begin().await?;
        let stored = self
            .store
            .update_activity(&mut tx, id, &record, self.clock.now())
            .await?;
        if stored.record.draft.rpe.is_some() {
            self.store
                .close_activity_tasks(&mut tx, id, self.clock.now())
                .await?;
        }
        self.match_workout(&mut tx, &athlete, Some(&stored), Some(id))
            .await?;
        self.audit_if_on_behalf(
            &mut tx,
            viewer,
            athlete.id,
            "activity.update",
            "activity",
            id,
        )
        .await?;
        tx.commit().await?;
        self.after_activity_change(
            athlete.id,
            &[current.record.local_date, stored.record.local_date],
        )
        .await?;
        Ok(stored)
    }

    /// Records the session RPE (CR-10) of an activity.
    pub async fn set_activity_rpe(
        &self,
        viewer: &Viewer,
        id: Uuid,
        rpe: i32,
    ) -> AppResult<StoredActivity> {
        self.update_activity(
            viewer,
            id,
            ActivityPatch {
                rpe: Change::Set(rpe),
                ..ActivityPatch::default()
            },
        )
        .await
    }

    /// Deletes an activity.
    pub async fn delete_activity(&self, viewer: &Viewer, id: Uuid) -> AppResult<()> {
        let current = self.activity(viewer, id, GrantAccess::ReadWrite).await?;
        let athlete = self.store.user(current.record.user_id).await?;
        let mut tx = self.store.begin().await?;
        self.match_workout(&mut tx, &athlete, None, Some(id))
            .await?;
        self.store.delete_activity(&mut tx, id).await?;
        self.audit_if_on_behalf(
            &mut tx,
            viewer,
            athlete.id,
            "activity.delete",
            "activity",
            id,
        )
        .await?;
        tx.commit().await?;
        self.after_activity_change(athlete.id, &[current.record.local_date])
            .await?;
        Ok(())
    }

    /// A page of an athlete's activities, newest first. Private activities are left out for
    /// anyone but the athlete.
    pub async fn activities(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        range: DateRange,
        after: Option<ActivityCursor>,
        limit: u32,
    ) -> AppResult<Vec<StoredActivity>> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        check_range(range)?;
        let mut page = self
            .store
            .list_activities(athlete_id, range, after, limit.min(MAX_PAGE + 1))
            .await?;
        if viewer.id() != athlete_id {
            page.retain(|a| !a.record.draft.private);
        }
        Ok(page)
    }

    /// Logs (or amends) one day's metrics by hand: given values replace, cleared values are
    /// removed, others stay.
    pub async fn log_daily_metrics(
        &self,
        viewer: &Viewer,
        athlete_id: Option<Uuid>,
        date: NaiveDate,
        patch: DailyValuesPatch,
    ) -> AppResult<DailyMetricsRecord> {
        let athlete = self
            .athlete(
                viewer,
                athlete_id.unwrap_or(viewer.id()),
                GrantAccess::ReadWrite,
            )
            .await?;
        let mut tx = self.store.begin().await?;
        let mut values = self
            .store
            .daily_metrics_on(&mut tx, athlete.id, date, MANUAL_SOURCE)
            .await?
            .map(|existing| existing.values)
            .unwrap_or_default();
        patch.apply(&mut values);
        values.validate(date, self.today_for(&athlete))?;
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
        self.audit_if_on_behalf(
            &mut tx,
            viewer,
            athlete.id,
            "daily_metrics.log",
            "daily_metrics",
            stored.id,
        )
        .await?;
        tx.commit().await?;
        self.home.invalidate(athlete.id).await;
        self.changed(athlete.id, "metrics").await?;
        Ok(stored)
    }

    /// Deletes one daily-metrics entry.
    pub async fn delete_daily_metrics(&self, viewer: &Viewer, id: Uuid) -> AppResult<()> {
        let missing = || AppError::NotFound("daily metrics not found".to_owned());
        let entry = match self.store.daily_metrics_entry(id).await {
            Ok(entry) => entry,
            Err(StoreError::NotFound) => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        self.accounts
            .authorize_athlete(viewer, entry.user_id, GrantAccess::ReadWrite)
            .await
            .map_err(|e| match e {
                AppError::Forbidden(_) => missing(),
                other => other,
            })?;
        let mut tx = self.store.begin().await?;
        self.store.delete_daily_metrics(&mut tx, id).await?;
        self.audit_if_on_behalf(
            &mut tx,
            viewer,
            entry.user_id,
            "daily_metrics.delete",
            "daily_metrics",
            id,
        )
        .await?;
        tx.commit().await?;
        self.home.invalidate(entry.user_id).await;
        Ok(())
    }

    /// A page of an athlete's daily metrics, newest day first.
    pub async fn daily_metrics(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        range: DateRange,
        after: Option<DailyMetricsCursor>,
        limit: u32,
    ) -> AppResult<Vec<DailyMetricsRecord>> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        check_range(range)?;
        Ok(self
            .store
            .list_daily_metrics(athlete_id, range, after, limit.min(MAX_PAGE + 1))
            .await?)
    }
}

fn check_range(range: DateRange) -> AppResult<()> {
    match (range.from, range.to) {
        (Some(from), Some(to)) if from > to => Err(AppError::bad_input(
            "from",
            format!("{from} is after `to` ({to})"),
        )),
        _ => Ok(()),
    }
}
