//! "What works for me": the optional logs athletes keep (life load, nutrition, a session's
//! fuelling) and the correlations found in their own history, with receipts.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::account::change;
use super::{parse_id, parse_opt_id, state, viewer};
use crate::insights::StoredInsights;
use crate::records::{DayLogPatch, SessionLogPatch};
use stride_domain::insights::{Finding, PairResult, Waiting};
use stride_store::{DayLogRow, SessionLogRow};

/// What an athlete chose to log about a day. Every field is optional.
pub struct DayLog(pub DayLogRow);

#[Object]
impl DayLog {
    /// The athlete's local day.
    async fn date(&self) -> NaiveDate {
        self.0.date
    }

    /// Work (life) stress, 1 (none) to 10 (extreme). Optional.
    async fn work_stress(&self) -> Option<i32> {
        self.0.work_stress
    }

    /// Travelled that day. Optional.
    async fn travel(&self) -> Option<bool> {
        self.0.travel
    }

    /// Ill that day. Optional.
    async fn illness(&self) -> Option<bool> {
        self.0.illness
    }

    /// Caffeine over the day, mg. Optional.
    async fn caffeine_mg(&self) -> Option<f64> {
        self.0.caffeine_mg
    }

    /// Alcohol, standard units. Optional.
    async fn alcohol_units(&self) -> Option<f64> {
        self.0.alcohol_units
    }

    /// Notes on the day's eating and drinking. Optional.
    async fn nutrition_notes(&self) -> Option<&str> {
        self.0.nutrition_notes.as_deref()
    }

    /// Last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Fuelling logged for one session. Every field is optional.
pub struct SessionFuel(pub SessionLogRow);

#[Object]
impl SessionFuel {
    /// The activity it was logged on (this one, or another copy of the same workout).
    async fn activity_id(&self) -> ID {
        ID(self.0.activity_id.to_string())
    }

    /// Carbohydrate in the hours before, g.
    async fn carbs_before_grams(&self) -> Option<f64> {
        self.0.carbs_before_g
    }

    /// Carbohydrate during, g.
    async fn carbs_during_grams(&self) -> Option<f64> {
        self.0.carbs_during_g
    }

    /// Caffeine before, mg.
    async fn caffeine_mg(&self) -> Option<f64> {
        self.0.caffeine_mg
    }

    /// Fluid during, ml.
    async fn fluid_ml(&self) -> Option<f64> {
        self.0.fluid_ml
    }

    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// What to log about a day. All optional: omit a field to leave it, send `null` to clear it.
#[derive(InputObject, Debug)]
pub struct DayLogInput {
    /// Work (life) stress, 1 (none) to 10 (extreme).
    pub work_stress: MaybeUndefined<i32>,
    /// Travelled that day.
    pub travel: MaybeUndefined<bool>,
    /// Ill that day.
    pub illness: MaybeUndefined<bool>,
    /// Caffeine over the day, mg (0–2000).
    pub caffeine_mg: MaybeUndefined<f64>,
    /// Alcohol, standard units (0–50).
    pub alcohol_units: MaybeUndefined<f64>,
    /// Notes on eating and drinking (up to 2,000 characters).
    pub nutrition_notes: MaybeUndefined<String>,
}

/// What to log about a session's fuelling. All optional: omit to leave, `null` to clear.
#[derive(InputObject, Debug)]
pub struct SessionFuelInput {
    /// Carbohydrate in the hours before, g (0–500).
    pub carbs_before_grams: MaybeUndefined<f64>,
    /// Carbohydrate during, g (0–2000).
    pub carbs_during_grams: MaybeUndefined<f64>,
    /// Caffeine before, mg (0–2000).
    pub caffeine_mg: MaybeUndefined<f64>,
    /// Fluid during, ml (0–20000).
    pub fluid_ml: MaybeUndefined<f64>,
    /// Notes (up to 2,000 characters).
    pub notes: MaybeUndefined<String>,
}

/// What an athlete's own history supports: associations between what they logged or their
/// devices measured and how sessions and mornings went. Associations, not causes.
#[derive(SimpleObject)]
pub struct AthleteInsights {
    /// When they were computed (after the athlete's data changes, and nightly).
    pub computed_at: DateTime<Utc>,
    /// The athlete's day they were computed for.
    pub today: NaiveDate,
    /// Pairs that pass the minimum history and the false-discovery correction, strongest
    /// first, each with its receipts.
    pub findings: Vec<Finding>,
    /// Every pair with enough data to test, findings included (so "nothing found" is visible).
    pub tested: Vec<PairResult>,
    /// Pairs with some data but not yet enough: how many more observations they need.
    pub waiting: Vec<Waiting>,
}

impl From<StoredInsights> for AthleteInsights {
    fn from(stored: StoredInsights) -> Self {
        let insights = stored.insights;
        Self {
            computed_at: stored.computed_at,
            today: insights.today,
            findings: insights.findings,
            tested: insights.tested,
            waiting: insights.waiting,
        }
    }
}

/// Insight queries.
#[derive(Default)]
pub struct InsightQuery;

#[Object]
impl InsightQuery {
    /// An athlete's insights (default: the viewer's), for the athlete and coaches they gave
    /// access; `null` until first computed.
    async fn insights(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Option<AthleteInsights>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(state(ctx)
            .insights
            .for_viewer(viewer, athlete)
            .await?
            .map(AthleteInsights::from))
    }

    /// What an athlete (default: the viewer) logged about days from `from` to `to`
    /// (inclusive, at most 400 days), oldest first.
    async fn day_logs(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> async_graphql::Result<Vec<DayLog>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(state(ctx)
            .training
            .day_logs(viewer, athlete, from, to)
            .await?
            .into_iter()
            .map(DayLog)
            .collect())
    }
}

/// Insight mutations.
#[derive(Default)]
pub struct InsightMutation;

#[Object]
impl InsightMutation {
    /// Logs (or amends) what the athlete chooses to record about a day: life load and
    /// nutrition. Optional, never required (for `athleteId`, a coach with read-write access).
    async fn log_day(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        date: NaiveDate,
        input: DayLogInput,
    ) -> async_graphql::Result<DayLog> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let patch = DayLogPatch {
            work_stress: change(input.work_stress),
            travel: change(input.travel),
            illness: change(input.illness),
            caffeine_mg: change(input.caffeine_mg),
            alcohol_units: change(input.alcohol_units),
            nutrition_notes: change(input.nutrition_notes),
        };
        Ok(DayLog(
            state(ctx)
                .training
                .log_day_inputs(viewer, athlete, date, patch)
                .await?,
        ))
    }

    /// Logs (or amends) a session's fuelling. Optional, never required.
    async fn log_session_fuel(
        &self,
        ctx: &Context<'_>,
        activity_id: ID,
        input: SessionFuelInput,
    ) -> async_graphql::Result<SessionFuel> {
        let activity = parse_id(&activity_id, "activityId")?;
        let patch = SessionLogPatch {
            carbs_before_g: change(input.carbs_before_grams),
            carbs_during_g: change(input.carbs_during_grams),
            caffeine_mg: change(input.caffeine_mg),
            fluid_ml: change(input.fluid_ml),
            notes: change(input.notes),
        };
        Ok(SessionFuel(
            state(ctx)
                .training
                .log_session_fuel(viewer(ctx)?, activity, patch)
                .await?,
        ))
    }

    /// Recomputes an athlete's insights now (they also follow every change within a minute,
    /// and nightly). For the athlete and coaches with read-write access.
    async fn refresh_insights(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<AthleteInsights> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(state(ctx)
            .insights
            .refresh_for(viewer, athlete)
            .await?
            .into())
    }
}
