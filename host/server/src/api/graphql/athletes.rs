//! Activities and daily metrics: logging, editing and paginated lists.

use async_graphql::connection::{Connection, Edge, OpaqueCursor};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, NaiveDate, Utc};

use super::account::{change, hrv_change};
use super::types::{Activity, DailyMetrics};
use super::{decode_cursor, page_size, parse_id, parse_opt_id, state, viewer};
use stride_domain::activity::{ActivityDraft, ActivityPatch, Sport};
use stride_domain::efficiency::Samples;
use stride_domain::metrics::DailyValuesPatch;
use stride_domain::people::{GrantAccess, HrvKind};
use stride_store::{ActivityCursor, DailyMetricsCursor, DateRange};

/// A page of activities.
pub type ActivityConnection = Connection<OpaqueCursor<ActivityCursor>, Activity>;

/// A page of daily metrics.
pub type DailyMetricsConnection = Connection<OpaqueCursor<DailyMetricsCursor>, DailyMetrics>;

/// Athlete-data queries.
#[derive(Default)]
pub struct AthleteQuery;

#[Object]
impl AthleteQuery {
    /// An athlete's activities (default: the viewer's), newest first, optionally between two
    /// calendar days (inclusive). Page with `first` (1–200, default 20) and `after`.
    #[graphql(complexity = "page_size(first).unwrap_or(20) as usize * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ActivityConnection> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let limit = page_size(first)?;
        let cursor = decode_cursor::<ActivityCursor>(after.as_deref())?;
        let mut page = state(ctx)
            .training
            .activities(viewer, athlete, DateRange { from, to }, cursor, limit + 1)
            .await?;
        let has_next = page.len() > limit as usize;
        page.truncate(limit as usize);
        let mut connection = Connection::new(cursor.is_some(), has_next);
        connection.edges.extend(page.into_iter().map(|a| {
            let key = ActivityCursor {
                start_time: a.record.draft.start_time,
                id: a.id,
            };
            Edge::new(OpaqueCursor(key), Activity(a))
        }));
        Ok(connection)
    }

    /// One activity.
    async fn activity(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Activity> {
        let id = parse_id(&id, "id")?;
        Ok(Activity(
            state(ctx)
                .training
                .activity(viewer(ctx)?, id, GrantAccess::Read)
                .await?,
        ))
    }

    /// An athlete's daily metrics (default: the viewer's), newest day first.
    #[graphql(complexity = "page_size(first).unwrap_or(20) as usize * child_complexity")]
    async fn daily_metrics(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<DailyMetricsConnection> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let limit = page_size(first)?;
        let cursor = decode_cursor::<DailyMetricsCursor>(after.as_deref())?;
        let mut page = state(ctx)
            .training
            .daily_metrics(viewer, athlete, DateRange { from, to }, cursor, limit + 1)
            .await?;
        let has_next = page.len() > limit as usize;
        page.truncate(limit as usize);
        let mut connection = Connection::new(cursor.is_some(), has_next);
        connection.edges.extend(page.into_iter().map(|m| {
            let key = DailyMetricsCursor {
                date: m.date,
                id: m.id,
            };
            Edge::new(OpaqueCursor(key), DailyMetrics(m))
        }));
        Ok(connection)
    }
}

/// A new activity.
#[derive(InputObject)]
pub struct ActivityInput {
    /// Sport.
    pub sport: Sport,
    /// Title (default: the sport's name).
    pub name: Option<String>,
    /// When it started.
    pub start_time: DateTime<Utc>,
    /// Elapsed time, seconds (positive).
    pub duration_seconds: i32,
    /// Moving time, seconds.
    pub moving_time_seconds: Option<i32>,
    /// Distance, metres.
    pub distance_meters: Option<f64>,
    /// Ascent, metres.
    pub elevation_gain_meters: Option<f64>,
    /// Average heart rate, bpm.
    pub average_heart_rate: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_heart_rate: Option<f64>,
    /// Session RPE, CR-10 (1–10).
    pub rpe: Option<i32>,
    /// How it felt, 1 (awful) – 5 (great).
    pub feeling: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
    /// Hide from coaches.
    #[graphql(default = false)]
    pub private: bool,
    /// Time series recorded during the activity.
    pub samples: Option<SamplesInput>,
}

/// Time series: one value per entry of `timeSeconds` in every channel given.
#[derive(InputObject)]
pub struct SamplesInput {
    /// Seconds since the start, strictly increasing.
    pub time_seconds: Vec<f64>,
    /// Heart rate, bpm.
    pub heart_rate: Option<Vec<f64>>,
    /// Speed, m/s.
    pub speed_mps: Option<Vec<f64>>,
    /// Cumulative distance, m.
    pub distance_meters: Option<Vec<f64>>,
    /// Altitude, m.
    pub altitude_meters: Option<Vec<f64>>,
    /// Power, W.
    pub power_watts: Option<Vec<f64>>,
    /// Cadence, per minute.
    pub cadence: Option<Vec<f64>>,
}

impl From<SamplesInput> for Samples {
    fn from(input: SamplesInput) -> Self {
        Samples {
            time_s: input.time_seconds,
            heart_rate: input.heart_rate,
            speed_mps: input.speed_mps,
            distance_m: input.distance_meters,
            altitude_m: input.altitude_meters,
            power_w: input.power_watts,
            cadence: input.cadence,
        }
    }
}

/// Edits to an activity. Omitted fields stay; `null` clears optional ones.
#[derive(InputObject, Default)]
pub struct ActivityPatchInput {
    /// Sport.
    pub sport: Option<Sport>,
    /// Title.
    pub name: Option<String>,
    /// When it started.
    pub start_time: Option<DateTime<Utc>>,
    /// Elapsed time, seconds.
    pub duration_seconds: Option<i32>,
    /// Moving time, seconds.
    pub moving_time_seconds: MaybeUndefined<i32>,
    /// Distance, metres.
    pub distance_meters: MaybeUndefined<f64>,
    /// Ascent, metres.
    pub elevation_gain_meters: MaybeUndefined<f64>,
    /// Average heart rate, bpm.
    pub average_heart_rate: MaybeUndefined<f64>,
    /// Maximum heart rate, bpm.
    pub max_heart_rate: MaybeUndefined<f64>,
    /// Session RPE, CR-10.
    pub rpe: MaybeUndefined<i32>,
    /// Feeling, 1–5.
    pub feeling: MaybeUndefined<i32>,
    /// Notes.
    pub notes: MaybeUndefined<String>,
    /// Hide from coaches.
    pub private: Option<bool>,
}

/// One day's metrics. Omitted fields keep what was logged before; `null` clears.
#[derive(InputObject)]
pub struct DailyMetricsInput {
    /// The athlete's calendar day.
    pub date: NaiveDate,
    /// Resting heart rate, bpm.
    pub resting_heart_rate: MaybeUndefined<i32>,
    /// Heart-rate variability, ms; give `hrvKind` with it.
    pub hrv_ms: MaybeUndefined<f64>,
    /// rMSSD or SDNN.
    pub hrv_kind: Option<HrvKind>,
    /// Body weight, kg.
    pub weight_kg: MaybeUndefined<f64>,
    /// Sleep duration, minutes.
    pub sleep_duration_minutes: MaybeUndefined<i32>,
    /// Sleep quality, 1–5.
    pub sleep_quality: MaybeUndefined<i32>,
    /// Readiness, 1–10.
    pub readiness: MaybeUndefined<i32>,
    /// Soreness, 1–10.
    pub soreness: MaybeUndefined<i32>,
    /// Stress, 1–10.
    pub stress: MaybeUndefined<i32>,
    /// Mood, 1–5.
    pub mood: MaybeUndefined<i32>,
    /// Notes.
    pub notes: MaybeUndefined<String>,
}

/// Athlete-data mutations.
#[derive(Default)]
pub struct AthleteMutation;

#[Object]
impl AthleteMutation {
    /// Logs an activity by hand (for `athleteId`, a coach with read-write access).
    async fn log_activity(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        input: ActivityInput,
    ) -> async_graphql::Result<Activity> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let samples = input.samples.map(Samples::from);
        let draft = ActivityDraft {
            name: input.name.unwrap_or_else(|| default_name(input.sport)),
            sport: input.sport,
            start_time: input.start_time,
            duration_s: i64::from(input.duration_seconds),
            moving_time_s: input.moving_time_seconds.map(i64::from),
            distance_m: input.distance_meters,
            elevation_gain_m: input.elevation_gain_meters,
            avg_hr: input.average_heart_rate,
            max_hr: input.max_heart_rate,
            rpe: input.rpe,
            feeling: input.feeling,
            notes: input.notes,
            private: input.private,
        };
        Ok(Activity(
            state(ctx)
                .training
                .log_activity(viewer, athlete, draft, samples)
                .await?,
        ))
    }

    /// Edits an activity.
    async fn update_activity(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ActivityPatchInput,
    ) -> async_graphql::Result<Activity> {
        let id = parse_id(&id, "id")?;
        let patch = ActivityPatch {
            sport: input.sport,
            name: input.name,
            start_time: input.start_time,
            duration_s: input.duration_seconds.map(i64::from),
            moving_time_s: change(input.moving_time_seconds.map_value(i64::from)),
            distance_m: change(input.distance_meters),
            elevation_gain_m: change(input.elevation_gain_meters),
            avg_hr: change(input.average_heart_rate),
            max_hr: change(input.max_heart_rate),
            rpe: change(input.rpe),
            feeling: change(input.feeling),
            notes: change(input.notes),
            private: input.private,
        };
        Ok(Activity(
            state(ctx)
                .training
                .update_activity(viewer(ctx)?, id, patch)
                .await?,
        ))
    }

    /// Records how hard a session felt (CR-10 RPE, 1–10).
    async fn set_activity_rpe(
        &self,
        ctx: &Context<'_>,
        id: ID,
        rpe: i32,
    ) -> async_graphql::Result<Activity> {
        let id = parse_id(&id, "id")?;
        Ok(Activity(
            state(ctx)
                .training
                .set_activity_rpe(viewer(ctx)?, id, rpe)
                .await?,
        ))
    }

    /// Makes this copy of a workout the one that counts (in load, stats and the plan) instead
    /// of the one Stride chose from the source priority. Audited.
    async fn make_primary_activity(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Activity> {
        let id = parse_id(&id, "id")?;
        Ok(Activity(
            state(ctx)
                .training
                .make_primary_activity(viewer(ctx)?, id)
                .await?,
        ))
    }

    /// Says this activity is not the same workout as the copies it was grouped with: it
    /// counts on its own and is never grouped with them again. Audited.
    async fn separate_activity(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Activity> {
        let id = parse_id(&id, "id")?;
        Ok(Activity(
            state(ctx)
                .training
                .separate_activity(viewer(ctx)?, id)
                .await?,
        ))
    }

    /// Deletes an activity.
    async fn delete_activity(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = parse_id(&id, "id")?;
        state(ctx)
            .training
            .delete_activity(viewer(ctx)?, id)
            .await?;
        Ok(true)
    }

    /// Logs or amends one day's metrics (for `athleteId`, a coach with read-write access).
    async fn log_daily_metrics(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        input: DailyMetricsInput,
    ) -> async_graphql::Result<DailyMetrics> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?;
        let patch = DailyValuesPatch {
            resting_hr: change(input.resting_heart_rate),
            hrv: hrv_change(input.hrv_ms, input.hrv_kind)?,
            weight_kg: change(input.weight_kg),
            sleep_duration_min: change(input.sleep_duration_minutes),
            sleep_quality: change(input.sleep_quality),
            readiness: change(input.readiness),
            soreness: change(input.soreness),
            stress: change(input.stress),
            mood: change(input.mood),
            notes: change(input.notes),
        };
        Ok(DailyMetrics(
            state(ctx)
                .training
                .log_daily_metrics(viewer, athlete, input.date, patch)
                .await?,
        ))
    }

    /// Deletes one day's metrics entry.
    async fn delete_daily_metrics(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = parse_id(&id, "id")?;
        state(ctx)
            .training
            .delete_daily_metrics(viewer(ctx)?, id)
            .await?;
        Ok(true)
    }
}

fn default_name(sport: Sport) -> String {
    let words = sport.as_str().replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
