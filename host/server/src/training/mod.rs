//! Athlete training data as people see and enter it: profiles, baselines, activities, daily
//! metrics, rolling stats, readiness, plans and the home screen.
//!
//! Each operation authorizes the viewer for the athlete first. Activities and daily metrics
//! are written through [`crate::records`], the one write path every source shares; changes
//! a coach makes to an athlete's data are audited in the same transaction.

mod days;
mod home;
mod logs;
mod plans;
mod stats;

use chrono::NaiveDate;
use serde_json::json;
use uuid::Uuid;

pub(crate) use days::{AthleteDay, DayRequest};
use home::RECENT_ACTIVITIES;
pub use home::{Home, HomeCache, LoadStatus};
pub use plans::{AppliedProposal, PlanChange, PlanInput, PlanView};
pub(crate) use stats::merge_by_day;

use stride_domain::Change;
use stride_domain::activity::{ActivityDraft, ActivityPatch};
use stride_domain::clock::SharedClock;
use stride_domain::efficiency::{Efficiency, Samples, efficiency};
use stride_domain::metrics::DailyValuesPatch;
use stride_domain::people::{Baselines, GrantAccess, Profile};
use stride_store::{
    ActivityCursor, DailyMetricsCursor, DailyMetricsRecord, DateRange, Store, StoreError,
    StoredActivity, User,
};

use crate::audit::AuditEvent;
use crate::auth::{Accounts, Viewer};
use crate::config::TrainingConfig;
use crate::error::{AppError, AppResult};
use crate::records::Records;

pub use crate::records::MANUAL_SOURCE;

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
    records: Records,
    audit: crate::audit::Audit,
}

impl Training {
    /// Builds the service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        accounts: Accounts,
        settings: std::sync::Arc<TrainingConfig>,
        home: HomeCache,
        records: Records,
        audit: crate::audit::Audit,
    ) -> Self {
        Self {
            store,
            clock,
            accounts,
            settings,
            home,
            records,
            audit,
        }
    }

    /// The one write path (for benchmarks, repairs and the services that write through it).
    pub fn records(&self) -> &Records {
        &self.records
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
        // The viewer's own account came with their session: no second read.
        if viewer.id() == athlete_id {
            return Ok(viewer.user.clone());
        }
        self.accounts
            .authorize_athlete(viewer, athlete_id, needed)
            .await?;
        Ok(self.store.user(athlete_id).await?)
    }

    /// The audit entry of a change the viewer makes to someone else's data (none for their
    /// own).
    fn on_behalf(
        viewer: &Viewer,
        athlete_id: Uuid,
        action: &'static str,
        target_kind: &'static str,
        target_id: Uuid,
    ) -> Option<AuditEvent> {
        (viewer.id() != athlete_id).then(|| {
            AuditEvent::new(viewer.actor(), action, target_kind, target_id)
                .payload(json!({ "athlete": athlete_id }))
        })
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
        let now = self.clock.now();
        self.store
            .set_baselines(athlete_id, &baselines, now)
            .await?;
        // A coach's change to an athlete's baselines (they scale every load) is audited.
        if let Some(event) = Self::on_behalf(
            viewer,
            athlete_id,
            "baselines.update",
            "athlete",
            athlete_id,
        ) {
            let mut tx = self.store.begin().await?;
            self.audit.record(&mut tx, event, now).await?;
            tx.commit().await?;
        }
        self.home.invalidate(athlete_id).await;
        Ok(baselines)
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
        let audit = Self::on_behalf(
            viewer,
            athlete.id,
            "activity.create",
            "activity",
            Uuid::nil(),
        );
        let stored = self
            .records
            .create_activity(&athlete, draft, samples, audit)
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

    /// The time series recorded during an activity, if any (the caller has already been
    /// allowed to see the activity).
    pub async fn activity_samples(&self, activity: &StoredActivity) -> AppResult<Option<Samples>> {
        if !activity.has_samples {
            return Ok(None);
        }
        let Some(text) = self.store.activity_samples(activity.id).await? else {
            return Ok(None);
        };
        Ok(Some(stride_store::parse_json("samples", &text)?))
    }

    /// The efficiency factor and aerobic decoupling of an activity with samples.
    pub async fn activity_efficiency(
        &self,
        activity: &StoredActivity,
    ) -> AppResult<Option<Efficiency>> {
        Ok(self
            .activity_samples(activity)
            .await?
            .and_then(|samples| efficiency(&samples, &self.settings.efficiency)))
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
        let audit = Self::on_behalf(viewer, athlete.id, "activity.update", "activity", id);
        let stored = self
            .records
            .edit_activity(&athlete, &current, draft, audit)
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
        let audit = Self::on_behalf(viewer, athlete.id, "activity.delete", "activity", id);
        self.records
            .delete_activity(&athlete, &current, audit)
            .await?;
        Ok(())
    }

    /// The other copies of a workout from other sources, for its primary (private ones only
    /// for the athlete).
    pub async fn activity_copies(
        &self,
        viewer: &Viewer,
        activity: &StoredActivity,
    ) -> AppResult<Vec<StoredActivity>> {
        if activity.duplicate_of.is_some() {
            return Ok(Vec::new());
        }
        let own = activity.record.user_id == viewer.id();
        Ok(self
            .store
            .duplicates_of(activity.id)
            .await?
            .into_iter()
            .filter(|copy| own || !copy.record.draft.private)
            .collect())
    }

    /// Makes this copy of a workout the one that counts (in load, stats and the plan) instead
    /// of the one Stride chose. Audited.
    pub async fn make_primary_activity(
        &self,
        viewer: &Viewer,
        id: Uuid,
    ) -> AppResult<StoredActivity> {
        let current = self.activity(viewer, id, GrantAccess::ReadWrite).await?;
        let athlete = self.store.user(current.record.user_id).await?;
        let audit = AuditEvent::new(viewer.actor(), "activity.make_primary", "activity", id)
            .payload(json!({ "athlete": athlete.id, "was_copy_of": current.duplicate_of }));
        self.records.make_primary(&athlete, &current, audit).await?;
        Ok(self.store.activity(id).await?)
    }

    /// Says this activity is not the same workout as the copies it was grouped with: it
    /// counts on its own from now on, and is never grouped with them again. Audited.
    pub async fn separate_activity(&self, viewer: &Viewer, id: Uuid) -> AppResult<StoredActivity> {
        let current = self.activity(viewer, id, GrantAccess::ReadWrite).await?;
        let athlete = self.store.user(current.record.user_id).await?;
        let audit = AuditEvent::new(viewer.actor(), "activity.separate", "activity", id)
            .payload(json!({ "athlete": athlete.id, "was_copy_of": current.duplicate_of }));
        self.records.separate(&athlete, &current, audit).await?;
        Ok(self.store.activity(id).await?)
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
        let limit = limit.min(MAX_PAGE + 1);
        let mut page =
            if after.is_none() && range == DateRange::default() && limit <= RECENT_ACTIVITIES {
                // The first page: from the cache every activity write drops.
                let recent = self.recent_activities(athlete_id).await?;
                recent.iter().take(limit as usize).cloned().collect()
            } else {
                self.store
                    .list_activities(athlete_id, range, after, limit)
                    .await?
            };
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
        let audit = Self::on_behalf(
            viewer,
            athlete.id,
            "daily_metrics.log",
            "daily_metrics",
            Uuid::nil(),
        );
        let stored = self.records.log_day(&athlete, date, patch, audit).await?;
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
        let audit = Self::on_behalf(
            viewer,
            entry.user_id,
            "daily_metrics.delete",
            "daily_metrics",
            id,
        );
        self.records.delete_day(entry.user_id, id, audit).await?;
        Ok(())
    }

    /// The viewer's open to-dos (rate an imported session, notices from providers).
    pub async fn open_tasks(&self, viewer: &Viewer) -> AppResult<Vec<stride_store::TaskRow>> {
        Ok(self.store.open_tasks(viewer.id()).await?)
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
