//! Training science over GraphQL: stats series with their conventions, risk alerts with
//! receipts, readiness, plans and the home screen.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc, Weekday};
use serde_json::Value;

use super::{parse_opt_id, state, viewer};
use crate::error::AppError;
use crate::training::{Home, PlanChange, PlanInput, PlanView};
use stride_domain::matching::WorkoutState;
use stride_domain::plan::{Adjustment, Availability, Phase, PlanWeek, WorkoutKind};
use stride_domain::readiness::Readiness;
use stride_domain::stats::{DayStats, EwmaConvention, LoadMetric, RiskAlert, SdConvention};

/// The conventions the numbers were computed with, so coaches can compare with other tools.
#[derive(SimpleObject)]
pub struct StatsConvention {
    /// How λ follows from a window: WILLIAMS 2/(N+1), COGGAN 1/N, GOLDEN_CHEETAH 1 − e^(−1/N).
    pub ewma: EwmaConvention,
    /// Acute window, days.
    pub acute_days: u32,
    /// Chronic window, days.
    pub chronic_days: u32,
    /// Monotony and weekly-load window, days.
    pub monotony_days: u32,
    /// λ of the acute EWMA.
    pub acute_lambda: f64,
    /// λ of the chronic EWMA.
    pub chronic_lambda: f64,
    /// SD used for monotony.
    pub sd_convention: SdConvention,
    /// Which load feeds daily totals.
    pub load_metric: LoadMetric,
    /// ACWR above this raises an alert.
    pub acwr_alert: f64,
    /// Monotony above this raises an alert.
    pub monotony_alert: f64,
    /// Monotony reported when every day's load is the same (and the ceiling of monotony).
    pub monotony_cap: f64,
}

/// Rolling stats over a range of days.
#[derive(SimpleObject)]
pub struct StatsSeries {
    /// How they were computed.
    pub convention: StatsConvention,
    /// One entry per day since history began, oldest first.
    pub days: Vec<DayStats>,
}

/// A weekday.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl From<Day> for Weekday {
    fn from(day: Day) -> Self {
        match day {
            Day::Monday => Weekday::Mon,
            Day::Tuesday => Weekday::Tue,
            Day::Wednesday => Weekday::Wed,
            Day::Thursday => Weekday::Thu,
            Day::Friday => Weekday::Fri,
            Day::Saturday => Weekday::Sat,
            Day::Sunday => Weekday::Sun,
        }
    }
}

impl From<Weekday> for Day {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => Day::Monday,
            Weekday::Tue => Day::Tuesday,
            Weekday::Wed => Day::Wednesday,
            Weekday::Thu => Day::Thursday,
            Weekday::Fri => Day::Friday,
            Weekday::Sat => Day::Saturday,
            Weekday::Sun => Day::Sunday,
        }
    }
}

/// When the athlete can train.
#[derive(InputObject)]
pub struct AvailabilityInput {
    /// Run days per week, 3–7.
    pub days_per_week: u32,
    /// The preferred long-run day.
    pub long_run_day: Day,
    /// Single days the athlete cannot train.
    #[graphql(default)]
    pub unavailable_dates: Vec<NaiveDate>,
    /// Weekdays the athlete never trains.
    #[graphql(default)]
    pub unavailable_weekdays: Vec<Day>,
}

impl From<AvailabilityInput> for Availability {
    fn from(input: AvailabilityInput) -> Self {
        Availability {
            days_per_week: input.days_per_week,
            long_run_day: input.long_run_day.into(),
            unavailable_dates: input.unavailable_dates,
            unavailable_weekdays: input
                .unavailable_weekdays
                .into_iter()
                .map(Weekday::from)
                .collect(),
        }
    }
}

/// A new plan toward a goal race.
#[derive(InputObject)]
pub struct PlanCreateInput {
    /// Name shown in lists (default: the race's name).
    pub name: Option<String>,
    /// The race's name.
    pub goal_race_name: Option<String>,
    /// Race day.
    pub goal_race_date: NaiveDate,
    /// Race distance, metres.
    pub goal_distance_meters: f64,
    /// First day (default: today).
    pub start_date: Option<NaiveDate>,
    /// When the athlete can train.
    pub availability: AvailabilityInput,
}

/// A change that produces a new plan version from today on.
#[derive(InputObject)]
pub struct PlanRegenerateInput {
    /// Why (kept in the plan history and the audit log).
    pub reason: String,
    /// New availability.
    pub availability: Option<AvailabilityInput>,
    /// Lower future volume by this factor (0 < factor ≤ 1), e.g. after a risk alert.
    pub reduce_volume_factor: Option<f64>,
    /// Redistribute the long run missed on this day (ahead of the week's intervals).
    pub missed_long_run_date: Option<NaiveDate>,
}

/// A workout on the plan.
pub struct ScheduledWorkout(pub stride_store::StoredWorkout);

#[Object]
impl ScheduledWorkout {
    /// Workout id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The day.
    async fn date(&self) -> NaiveDate {
        self.0.workout.date
    }

    /// What kind of session.
    async fn kind(&self) -> WorkoutKind {
        self.0.workout.kind
    }

    /// Target duration, seconds.
    async fn target_duration_seconds(&self) -> Option<i32> {
        self.0.workout.target_duration_s
    }

    /// Target distance, metres.
    async fn target_distance_meters(&self) -> Option<f64> {
        self.0.workout.target_distance_m
    }

    /// Intensity zone, 1–5.
    async fn intensity_zone(&self) -> Option<i32> {
        self.0.workout.intensity_zone
    }

    /// What to do, in words.
    async fn description(&self) -> &str {
        &self.0.workout.description
    }

    /// Planned, completed, skipped or missed.
    async fn state(&self) -> WorkoutState {
        self.0.state
    }

    /// The activity that completed it.
    async fn activity_id(&self) -> Option<ID> {
        self.0.activity_id.map(|id| ID(id.to_string()))
    }

    /// The plan version that scheduled it.
    async fn plan_version(&self) -> i32 {
        self.0.plan_version
    }
}

/// A training plan and its workouts.
pub struct TrainingPlan(pub PlanView);

#[Object]
impl TrainingPlan {
    /// Plan id.
    async fn id(&self) -> ID {
        ID(self.0.plan.id.to_string())
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.plan.name
    }

    /// Current version; each regeneration adds one.
    async fn version(&self) -> i32 {
        self.0.plan.version
    }

    /// The race.
    async fn goal_race_name(&self) -> Option<&str> {
        self.0.plan.request.goal_race_name.as_deref()
    }

    /// Race day.
    async fn goal_race_date(&self) -> NaiveDate {
        self.0.plan.request.goal_race_date
    }

    /// Race distance, metres.
    async fn goal_distance_meters(&self) -> f64 {
        self.0.plan.request.goal_distance_m
    }

    /// First day.
    async fn start_date(&self) -> NaiveDate {
        self.0.plan.request.start_date
    }

    /// Run days per week.
    async fn days_per_week(&self) -> u32 {
        self.0.plan.request.availability.days_per_week
    }

    /// The long-run day.
    async fn long_run_day(&self) -> Day {
        self.0.plan.request.availability.long_run_day.into()
    }

    /// Phases: base, build, peak, taper.
    async fn phases(&self) -> Vec<Phase> {
        self.0.plan.plan.phases.clone()
    }

    /// Weeks with their volume targets and deloads.
    async fn weeks(&self) -> Vec<PlanWeek> {
        self.0.plan.plan.weeks.clone()
    }

    /// Scheduled workouts (in the requested range).
    async fn workouts(&self) -> Vec<ScheduledWorkout> {
        self.0
            .workouts
            .iter()
            .cloned()
            .map(ScheduledWorkout)
            .collect()
    }

    /// How many workouts were completed, missed and are still planned (in the range).
    async fn adherence(&self) -> Adherence {
        let count = |state| {
            self.0
                .workouts
                .iter()
                .filter(|w| w.state == state && w.workout.kind != WorkoutKind::Rest)
                .count() as u32
        };
        Adherence {
            completed: count(WorkoutState::Completed),
            missed: count(WorkoutState::Missed),
            skipped: count(WorkoutState::Skipped),
            planned: count(WorkoutState::Planned),
        }
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.plan.updated_at
    }
}

/// How much of the plan was done.
#[derive(SimpleObject)]
pub struct Adherence {
    /// Workouts completed by an activity.
    pub completed: u32,
    /// Workouts left undone past their day.
    pub missed: u32,
    /// Workouts skipped on purpose.
    pub skipped: u32,
    /// Workouts still ahead.
    pub planned: u32,
}

/// One version of a plan.
#[derive(SimpleObject)]
pub struct PlanVersion {
    /// Version number.
    pub version: i32,
    /// Why it was made.
    pub reason: String,
    /// Who made it (null: Stride itself).
    pub actor_id: Option<ID>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The request, plan and adjustment of that version.
    pub snapshot: Json<Value>,
}

/// The home screen.
pub struct HomeScreen(pub std::sync::Arc<Home>);

#[Object]
impl HomeScreen {
    /// The athlete's today.
    async fn date(&self) -> NaiveDate {
        self.0.date
    }

    /// Today's workouts.
    async fn workouts(&self) -> Vec<ScheduledWorkout> {
        self.0
            .workouts
            .iter()
            .cloned()
            .map(ScheduledWorkout)
            .collect()
    }

    /// Today's readiness.
    async fn readiness(&self) -> Readiness {
        self.0.readiness.clone()
    }

    /// Today's load status (null before any history).
    async fn load(&self) -> Option<DayStats> {
        self.0.load.today.clone()
    }

    /// Risk alerts of the last seven days, newest first.
    async fn alerts(&self) -> Vec<RiskAlert> {
        self.0.alerts.clone()
    }
}

/// Training queries.
#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Rolling stats per day (acute, chronic, ACWR, TSB, monotony, strain) with the
    /// conventions used. Default athlete: the viewer.
    async fn training_stats(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<StatsSeries> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let training = &state(ctx).training;
        // A page that shows only the conventions (the dashboard's alert thresholds) reads no
        // days.
        let days = if ctx.look_ahead().field("days").exists() {
            training.stats_series(viewer, athlete, from, to).await?
        } else {
            training
                .check_stats_series(viewer, athlete, from, to)
                .await?;
            Vec::new()
        };
        let s = training.settings().stats;
        Ok(StatsSeries {
            convention: StatsConvention {
                ewma: s.convention,
                acute_days: s.acute_days,
                chronic_days: s.chronic_days,
                monotony_days: s.monotony_days,
                acute_lambda: s.acute_lambda(),
                chronic_lambda: s.chronic_lambda(),
                sd_convention: s.sd_convention,
                load_metric: s.load_metric,
                acwr_alert: s.acwr_alert,
                monotony_alert: s.monotony_alert,
                monotony_cap: s.monotony_cap,
            },
            days,
        })
    }

    /// Load-based injury-risk alerts (ACWR, monotony) with the receipts they rest on.
    async fn risk_alerts(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<Vec<RiskAlert>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(state(ctx)
            .training
            .alerts(viewer, athlete, from, to)
            .await?)
    }

    /// The readiness traffic light for a day (default: today) with its reasons.
    async fn readiness(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        date: Option<NaiveDate>,
    ) -> async_graphql::Result<Readiness> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(state(ctx).training.readiness(viewer, athlete, date).await?)
    }

    /// The active plan with its workouts (optionally only between two days).
    async fn training_plan(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> async_graphql::Result<Option<TrainingPlan>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        // The workouts are read only when asked for (directly or through `adherence`).
        let look = ctx.look_ahead();
        let with_workouts = look.field("workouts").exists() || look.field("adherence").exists();
        Ok(state(ctx)
            .training
            .current_plan(viewer, athlete, from, to, with_workouts)
            .await?
            .map(TrainingPlan))
    }

    /// Every version of the active plan, newest first.
    async fn plan_history(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        #[graphql(desc = "How many versions (1–200, default 20).")] first: Option<i32>,
        #[graphql(desc = "Only versions older than this one (the next page).")] before: Option<i32>,
    ) -> async_graphql::Result<Vec<PlanVersion>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let limit = super::page_size(first)?;
        let versions = state(ctx)
            .training
            .plan_history(viewer, athlete, before, limit)
            .await?;
        Ok(versions
            .into_iter()
            .map(|v| PlanVersion {
                version: v.version,
                reason: v.reason,
                actor_id: v.actor_id.map(|id| ID(id.to_string())),
                created_at: v.created_at,
                snapshot: Json(serde_json::from_str(&v.snapshot).unwrap_or(Value::Null)),
            })
            .collect())
    }

    /// Today at a glance: workout, readiness, load status and alerts.
    async fn home(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<HomeScreen> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(HomeScreen(state(ctx).training.home(viewer, athlete).await?))
    }
}

/// Training mutations.
#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Generates a plan toward a goal race (replacing the active one). Audited.
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        input: PlanCreateInput,
    ) -> async_graphql::Result<TrainingPlan> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let plan = PlanInput {
            name: input.name,
            goal_race_name: input.goal_race_name,
            goal_race_date: input.goal_race_date,
            goal_distance_m: input.goal_distance_meters,
            start_date: input.start_date,
            availability: input.availability.into(),
        };
        Ok(TrainingPlan(
            state(ctx)
                .training
                .create_plan(viewer, athlete, plan)
                .await?,
        ))
    }

    /// Regenerates the active plan from today as a new version (past and completed workouts
    /// stay). Audited.
    async fn regenerate_plan(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        input: PlanRegenerateInput,
    ) -> async_graphql::Result<TrainingPlan> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let adjustment = match (input.reduce_volume_factor, input.missed_long_run_date) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "reduceVolumeFactor",
                    "give either reduceVolumeFactor or missedLongRunDate, not both",
                )
                .into());
            }
            (Some(factor), None) => Some(Adjustment::ReduceVolume {
                factor,
                reason: input.reason.clone(),
            }),
            (None, Some(date)) => Some(Adjustment::MissedLongRun { date }),
            (None, None) => None,
        };
        let change = PlanChange {
            availability: input.availability.map(Availability::from),
            adjustment,
            reason: input.reason,
        };
        Ok(TrainingPlan(
            state(ctx)
                .training
                .regenerate_plan(viewer, athlete, change)
                .await?,
        ))
    }
}
