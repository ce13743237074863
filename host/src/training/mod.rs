//! Athlete training data: profiles, baselines, activities and daily metrics.
//!
//! Each operation authorizes the viewer for the athlete, validates through the domain,
//! derives what the domain derives (local day, loads) and writes through the store. Changes a
//! coach makes to an athlete's data are audited.

use chrono::{NaiveDate, Offset};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::auth::{Accounts, Viewer};
use crate::clock::SharedClock;
use crate::domain::Change;
use crate::domain::activity::{ActivityDraft, ActivityPatch};
use crate::domain::metrics::DailyValuesPatch;
use crate::domain::people::{Baselines, GrantAccess, Profile};
use crate::error::{AppError, AppResult};
use crate::store::{
    ActivityCursor, ActivityRecord, DailyMetricsCursor, DailyMetricsRecord, DateRange, Store,
    StoreError, StoredActivity, Tx, User,
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
}

impl Training {
    /// Builds the service.
    pub fn new(store: Store, clock: SharedClock, accounts: Accounts) -> Self {
        Self {
            store,
            clock,
            accounts,
        }
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
        Ok(self
            .store
            .update_profile(viewer.id(), &profile, self.clock.now())
            .await?)
    }

    /// An athlete's baselines.
    pub async fn baselines(&self, viewer: &Viewer, athlete_id: Uuid) -> AppResult<Baselines> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        Ok(self.store.baselines(athlete_id).await?)
    }

    /// Replaces an athlete's baselines (theirs, or a read-write coach's athlete's).
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
        Ok(baselines)
    }

    fn record_for(
        &self,
        athlete: &User,
        source: &str,
        external_id: Option<String>,
        draft: ActivityDraft,
    ) -> AppResult<ActivityRecord> {
        let local = draft.start_time.with_timezone(&athlete.profile.time_zone);
        let local_date = local.date_naive();
        draft.validate(local_date, self.today_for(athlete))?;
        let load_rpe = draft
            .rpe
            .map(|rpe| f64::from(rpe) * draft.duration_s as f64 / 60.0);
        Ok(ActivityRecord {
            user_id: athlete.id,
            source: source.to_owned(),
            external_id,
            local_date,
            utc_offset_s: local.offset().fix().local_minus_utc(),
            load_rpe,
            load_trimp: None,
            load_detail: None,
            draft,
        })
    }

    /// Logs an activity by hand for `athlete_id` (default: the viewer).
    pub async fn log_activity(
        &self,
        viewer: &Viewer,
        athlete_id: Option<Uuid>,
        draft: ActivityDraft,
    ) -> AppResult<StoredActivity> {
        let athlete = self
            .athlete(
                viewer,
                athlete_id.unwrap_or(viewer.id()),
                GrantAccess::ReadWrite,
            )
            .await?;
        let record = self.record_for(&athlete, MANUAL_SOURCE, None, draft)?;
        let mut tx = self.store.begin().await?;
        let stored = self
            .store
            .insert_activity(&mut tx, &record, self.clock.now())
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
        Ok(stored)
    }

    /// One activity, if the viewer may see it. Someone else's activity is "not found", so ids
    /// reveal nothing.
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
                if needed == GrantAccess::ReadWrite && self.can_read(viewer, &activity).await =>
            {
                Err(AppError::Forbidden(reason))
            }
            Err(AppError::Forbidden(_)) => Err(missing()),
            Err(e) => Err(e),
        }
    }

    async fn can_read(&self, viewer: &Viewer, activity: &StoredActivity) -> bool {
        self.accounts
            .authorize_athlete(viewer, activity.record.user_id, GrantAccess::Read)
            .await
            .is_ok()
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
        let record = self.record_for(
            &athlete,
            &current.record.source,
            current.record.external_id.clone(),
            draft,
        )?;
        let mut tx = self.store.begin().await?;
        let stored = self
            .store
            .update_activity(&mut tx, id, &record, self.clock.now())
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
        let mut tx = self.store.begin().await?;
        self.store.delete_activity(&mut tx, id).await?;
        self.audit_if_on_behalf(
            &mut tx,
            viewer,
            current.record.user_id,
            "activity.delete",
            "activity",
            id,
        )
        .await?;
        tx.commit().await?;
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
            .list_activities(athlete_id, range, after, limit.min(MAX_PAGE))
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
            .list_daily_metrics(athlete_id, range, after, limit.min(MAX_PAGE))
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
