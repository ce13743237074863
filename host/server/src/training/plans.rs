//! Training plans: creation, regeneration into new versions (history kept, completed
//! workouts never rewritten), and missed-workout bookkeeping.

use chrono::{Days, NaiveDate};
use serde_json::json;
use uuid::Uuid;

use super::Training;
use crate::audit::{Actor, AuditEvent};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use stride_domain::matching::WorkoutState;
use stride_domain::people::GrantAccess;
use stride_domain::plan::{Adjustment, Availability, PlanRequest, generate, regenerate};
use stride_store::{DateRange, PlanVersionRow, StoredPlan, StoredWorkout, User, to_json};

/// What an athlete asks for when creating a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    /// Name shown in lists (default: from the race).
    pub name: Option<String>,
    /// The race's name.
    pub goal_race_name: Option<String>,
    /// Race day.
    pub goal_race_date: NaiveDate,
    /// Race distance, metres.
    pub goal_distance_m: f64,
    /// First day (default: the athlete's today).
    pub start_date: Option<NaiveDate>,
    /// When the athlete can train.
    pub availability: Availability,
}

/// A change to the active plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChange {
    /// New availability, if it changed.
    pub availability: Option<Availability>,
    /// A volume reduction or a missed long run to redistribute.
    pub adjustment: Option<Adjustment>,
    /// Why, for the plan history and the audit log.
    pub reason: String,
}

/// A plan with its workouts in the requested range.
#[derive(Debug, Clone)]
pub struct PlanView {
    /// The plan.
    pub plan: StoredPlan,
    /// Its workouts.
    pub workouts: Vec<StoredWorkout>,
}

/// A proposal being applied with a plan change, recorded in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedProposal {
    /// The proposal.
    pub id: Uuid,
    /// Who confirmed it.
    pub confirmed_by: Actor,
}

/// Days of recent runs an easy pace is estimated from.
const PACE_LOOKBACK_DAYS: u64 = 42;

impl Training {
    /// The athlete's current chronic load (daily session-RPE AU), 0 without history.
    async fn chronic_load(&self, athlete: &User) -> AppResult<f64> {
        let today = self.today_for(athlete);
        Ok(self
            .series(athlete.id, today, today)
            .await?
            .pop()
            .map_or(0.0, |d| d.chronic))
    }

    /// A reference easy pace (s/km): the median pace of the last six weeks' runs.
    async fn reference_pace(&self, athlete: &User) -> AppResult<Option<f64>> {
        let today = self.today_for(athlete);
        let from = today
            .checked_sub_days(Days::new(PACE_LOOKBACK_DAYS))
            .unwrap_or(today);
        let runs = self
            .store
            .list_activities(
                athlete.id,
                DateRange {
                    from: Some(from),
                    to: Some(today),
                },
                None,
                200,
            )
            .await?;
        let mut paces: Vec<f64> = runs
            .iter()
            .filter(|a| a.record.draft.sport.is_running())
            .filter_map(|a| {
                let d = &a.record.draft;
                let seconds = d.moving_time_s.filter(|m| *m > 0).unwrap_or(d.duration_s) as f64;
                d.distance_m
                    .filter(|m| *m >= 1_000.0)
                    .map(|m| seconds / (m / 1_000.0))
            })
            .collect();
        if paces.is_empty() {
            return Ok(None);
        }
        paces.sort_by(f64::total_cmp);
        Ok(Some(paces[paces.len() / 2]))
    }

    /// Creates an athlete's plan (replacing the active one, which is archived). The athlete's
    /// own request applies at once and is audited.
    pub async fn create_plan(
        &self,
        viewer: &Viewer,
        athlete_id: Option<Uuid>,
        input: PlanInput,
    ) -> AppResult<PlanView> {
        let athlete = self
            .athlete(
                viewer,
                athlete_id.unwrap_or(viewer.id()),
                GrantAccess::ReadWrite,
            )
            .await?;
        let today = self.today_for(&athlete);
        let request = PlanRequest {
            goal_race_name: input.goal_race_name.clone(),
            goal_race_date: input.goal_race_date,
            goal_distance_m: input.goal_distance_m,
            start_date: input.start_date.unwrap_or(today),
            availability: input.availability,
            current_chronic_load: self.chronic_load(&athlete).await?,
            reference_easy_pace_s_per_km: self.reference_pace(&athlete).await?,
        };
        let plan = generate(&request, &self.settings.plan)?;
        let name = input.name.or(input.goal_race_name).unwrap_or_else(|| {
            format!(
                "{:.1} km on {}",
                request.goal_distance_m / 1000.0,
                request.goal_race_date
            )
        });
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store.lock_user(&mut tx, athlete.id).await?;
        self.store
            .archive_active_plan(&mut tx, athlete.id, now)
            .await?;
        let stored = self
            .store
            .insert_plan(&mut tx, athlete.id, &name, &request, &plan, now)
            .await?;
        self.store
            .insert_workouts(&mut tx, stored.id, athlete.id, 1, &plan.workouts, now)
            .await?;
        let snapshot = to_json(&json!({ "request": request, "plan": plan }));
        self.store
            .insert_plan_version(
                &mut tx,
                stored.id,
                &PlanVersionRow {
                    version: 1,
                    reason: "created".to_owned(),
                    actor_id: Some(viewer.id()),
                    snapshot,
                    created_at: now,
                },
            )
            .await?;
        let event =
            AuditEvent::new(viewer.actor(), "plan.create", "plan", stored.id).payload(json!({
                "athlete": athlete.id,
                "race_date": request.goal_race_date,
                "distance_m": request.goal_distance_m,
                "workouts": plan.workouts.len(),
            }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.home.invalidate(athlete.id).await;
        self.plan_view(&stored, None, None).await
    }

    /// Regenerates the viewer's (or a read-write coach's athlete's) active plan from today.
    pub async fn regenerate_plan(
        &self,
        viewer: &Viewer,
        athlete_id: Option<Uuid>,
        change: PlanChange,
    ) -> AppResult<PlanView> {
        let athlete = self
            .athlete(
                viewer,
                athlete_id.unwrap_or(viewer.id()),
                GrantAccess::ReadWrite,
            )
            .await?;
        self.apply_plan_change(&athlete, change, viewer.actor(), None, None)
            .await
    }

    /// Applies a plan change as `actor`: a new version from the athlete's today on, keeping
    /// every past workout and every completed, skipped or missed one. With `expected_version`,
    /// refuses (`CONFLICT`) when the plan has moved on since.
    pub(crate) async fn apply_plan_change(
        &self,
        athlete: &User,
        change: PlanChange,
        actor: Actor,
        expected_version: Option<i32>,
        proposal: Option<&AppliedProposal>,
    ) -> AppResult<PlanView> {
        let Some(current) = self.store.active_plan(athlete.id).await? else {
            return Err(AppError::NotFound(
                "this athlete has no active plan".to_owned(),
            ));
        };
        if let Some(expected) = expected_version
            && expected != current.version
        {
            return Err(AppError::Conflict(format!(
                "the plan is at version {} now, not {expected}; it changed after this was proposed",
                current.version
            )));
        }
        let today = self.today_for(athlete);
        let all = self
            .store
            .plan_workouts(current.id, stride_store::FAR_PAST, stride_store::FAR_FUTURE)
            .await?;
        let keep: Vec<NaiveDate> = all
            .iter()
            .filter(|w| w.workout.date >= today && w.state != WorkoutState::Planned)
            .map(|w| w.workout.date)
            .collect();
        let mut request = current.request.clone();
        if let Some(availability) = change.availability {
            request.availability = availability;
        }
        request.current_chronic_load = self.chronic_load(athlete).await?;
        let plan = regenerate(
            &current.plan,
            &request,
            &self.settings.plan,
            today,
            &keep,
            change.adjustment.as_ref(),
        )?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        // The athlete's lock first, as every writer of their planned workouts takes it: a
        // delivery placing activities holds it while it reads and completes the workouts.
        self.store.lock_user(&mut tx, athlete.id).await?;
        // A workout completed (or skipped) since `keep` was read would be planned again beside
        // the one that is done.
        if self
            .store
            .plan_days_settled(&mut tx, current.id, today)
            .await?
            != keep
        {
            return Err(AppError::Conflict(
                "a workout of the plan was completed at the same moment; try again".to_owned(),
            ));
        }
        // The proposal's row before the audit log's head, in the order rejecting or
        // superseding a proposal takes them: a confirmation and a rejection at the same
        // moment wait for each other instead of deadlocking.
        if let Some(applied) = proposal {
            self.settle_application(&mut tx, applied, now).await?;
        }
        if !self
            .store
            .bump_plan(&mut tx, current.id, current.version, &request, &plan, now)
            .await?
        {
            return Err(AppError::Conflict(
                "the plan changed at the same moment; try again".to_owned(),
            ));
        }
        let version = current.version + 1;
        self.store
            .delete_planned_from(&mut tx, current.id, today)
            .await?;
        let fresh: Vec<_> = plan
            .workouts
            .iter()
            .filter(|w| w.date >= today && !keep.contains(&w.date))
            .cloned()
            .collect();
        self.store
            .insert_workouts(&mut tx, current.id, athlete.id, version, &fresh, now)
            .await?;
        let snapshot =
            to_json(&json!({ "request": request, "plan": plan, "adjustment": change.adjustment }));
        self.store
            .insert_plan_version(
                &mut tx,
                current.id,
                &PlanVersionRow {
                    version,
                    reason: change.reason.clone(),
                    actor_id: actor.user_id,
                    snapshot,
                    created_at: now,
                },
            )
            .await?;
        let event = AuditEvent::new(actor, "plan.regenerate", "plan", current.id)
            .reason(change.reason.clone())
            .payload(json!({ "athlete": athlete.id, "version": version, "from": today, "adjustment": change.adjustment }));
        self.audit.record(&mut tx, event, now).await?;
        if let Some(applied) = proposal {
            self.audit_application(&mut tx, athlete, applied, current.id, version, now)
                .await?;
        }
        tx.commit().await?;
        self.home.invalidate(athlete.id).await;
        let stored = self.store.plan(current.id).await?;
        self.plan_view(&stored, None, None).await
    }

    /// Inside the transaction that changed the plan: marks the proposal applied and audits
    /// its confirmation and application.
    pub(crate) async fn record_application(
        &self,
        tx: &mut stride_store::Tx,
        athlete: &User,
        applied: &AppliedProposal,
        plan_id: Uuid,
        version: i32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        self.settle_application(tx, applied, now).await?;
        self.audit_application(tx, athlete, applied, plan_id, version, now)
            .await
    }

    /// Marks the proposal applied inside `tx` (its row stays locked until `tx` ends); CONFLICT
    /// when it was decided meanwhile.
    async fn settle_application(
        &self,
        tx: &mut stride_store::Tx,
        applied: &AppliedProposal,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        if !self
            .store
            .settle_proposal(
                tx,
                applied.id,
                "applied",
                applied.confirmed_by.user_id,
                None,
                now,
            )
            .await?
        {
            return Err(AppError::Conflict(
                "the proposal was decided at the same moment".to_owned(),
            ));
        }
        Ok(())
    }

    /// Audits a proposal's confirmation and application inside `tx`.
    async fn audit_application(
        &self,
        tx: &mut stride_store::Tx,
        athlete: &User,
        applied: &AppliedProposal,
        plan_id: Uuid,
        version: i32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<()> {
        let confirm = AuditEvent::new(
            applied.confirmed_by,
            "proposal.confirm",
            "proposal",
            applied.id,
        )
        .payload(json!({ "athlete": athlete.id }));
        self.audit.record(tx, confirm, now).await?;
        let apply = AuditEvent::new(
            applied.confirmed_by,
            "proposal.apply",
            "proposal",
            applied.id,
        )
        .payload(json!({ "athlete": athlete.id, "plan": plan_id, "plan_version": version }));
        self.audit.record(tx, apply, now).await?;
        Ok(())
    }

    /// What a plan change would do, without doing it: for each day from today whose session
    /// would change, the workout there now (if any) and the session after.
    pub async fn preview_plan_change(
        &self,
        athlete: &User,
        change: &PlanChange,
    ) -> AppResult<
        Vec<(
            NaiveDate,
            Option<StoredWorkout>,
            Option<stride_domain::plan::PlannedWorkout>,
        )>,
    > {
        let Some(current) = self.store.active_plan(athlete.id).await? else {
            return Err(AppError::NotFound(
                "this athlete has no active plan".to_owned(),
            ));
        };
        let today = self.today_for(athlete);
        let all = self
            .store
            .plan_workouts(current.id, today, stride_store::FAR_FUTURE)
            .await?;
        let keep: Vec<NaiveDate> = all
            .iter()
            .filter(|w| w.state != WorkoutState::Planned)
            .map(|w| w.workout.date)
            .collect();
        let mut request = current.request.clone();
        if let Some(availability) = &change.availability {
            request.availability = availability.clone();
        }
        request.current_chronic_load = self.chronic_load(athlete).await?;
        let plan = regenerate(
            &current.plan,
            &request,
            &self.settings.plan,
            today,
            &keep,
            change.adjustment.as_ref(),
        )?;
        let mut days: std::collections::BTreeMap<
            NaiveDate,
            (
                Option<StoredWorkout>,
                Option<stride_domain::plan::PlannedWorkout>,
            ),
        > = std::collections::BTreeMap::new();
        for w in all.into_iter().filter(|w| w.state == WorkoutState::Planned) {
            let date = w.workout.date;
            days.entry(date).or_default().0 = Some(w);
        }
        for w in plan
            .workouts
            .into_iter()
            .filter(|w| w.date >= today && !keep.contains(&w.date))
        {
            let date = w.date;
            days.entry(date).or_default().1 = Some(w);
        }
        Ok(days
            .into_iter()
            .filter(|(_, (before, after))| before.as_ref().map(|b| &b.workout) != after.as_ref())
            .map(|(date, (before, after))| (date, before, after))
            .collect())
    }

    async fn plan_view(
        &self,
        plan: &StoredPlan,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<PlanView> {
        let workouts = self
            .store
            .plan_workouts(
                plan.id,
                from.unwrap_or(stride_store::FAR_PAST),
                to.unwrap_or(stride_store::FAR_FUTURE),
            )
            .await?;
        Ok(PlanView {
            plan: plan.clone(),
            workouts,
        })
    }

    /// The athlete's active plan with its workouts in `from..=to` (everything when open).
    /// Planned workouts left undone before the athlete's today are marked missed first.
    /// Without `with_workouts` only the plan's own fields are wanted: they come from the
    /// home screen's cache, which every plan change drops (its workouts are left empty).
    pub async fn current_plan(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        with_workouts: bool,
    ) -> AppResult<Option<PlanView>> {
        if !with_workouts {
            let home = self.home(viewer, athlete_id).await?;
            return Ok(home.plan.clone().map(|plan| PlanView {
                plan,
                workouts: Vec::new(),
            }));
        }
        let athlete = self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        self.mark_missed(&athlete).await?;
        match self.store.active_plan(athlete.id).await? {
            Some(plan) => Ok(Some(self.plan_view(&plan, from, to).await?)),
            None => Ok(None),
        }
    }

    /// Marks planned workouts dated before the athlete's today as missed; returns how many.
    pub async fn mark_missed(&self, athlete: &User) -> AppResult<u64> {
        // Most reads find nothing to mark: a read says so without taking the write lock
        // (SQLite has one writer, and every plan read passes here).
        if !self
            .store
            .has_planned_before(athlete.id, self.today_for(athlete))
            .await?
        {
            return Ok(0);
        }
        let mut tx = self.store.begin().await?;
        self.store.lock_user(&mut tx, athlete.id).await?;
        let missed = self
            .store
            .mark_missed_before(
                &mut tx,
                athlete.id,
                self.today_for(athlete),
                self.clock.now(),
            )
            .await?;
        tx.commit().await?;
        if missed > 0 {
            self.home.invalidate(athlete.id).await;
        }
        Ok(missed)
    }

    /// Every version of the athlete's active plan, newest first.
    pub async fn plan_history(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        before_version: Option<i32>,
        limit: u32,
    ) -> AppResult<Vec<PlanVersionRow>> {
        let athlete = self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        match self.store.active_plan(athlete.id).await? {
            Some(plan) => Ok(self
                .store
                .plan_versions(plan.id, before_version, limit)
                .await?),
            None => Ok(Vec::new()),
        }
    }
}
