//! Rolling stats, training plans and scheduled workouts.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    Backend, Store, StoreError, StoreResult, Tx, on_conn, on_pool, on_tx, parse_enum, parse_json,
    to_json,
};
use stride_domain::matching::WorkoutState;
use stride_domain::plan::{Plan, PlanRequest, PlannedWorkout, WorkoutKind};
use stride_domain::stats::DayStats;

/// Rows written per INSERT on PostgreSQL when storing many rows (well under its bind limit).
const PG_BATCH_ROWS: usize = 400;

/// Parameters per INSERT on SQLite. sqlx resolves every `$N` placeholder by name, and SQLite
/// finds a name by scanning the statement's parameter list, so binding costs grow with the
/// square of the parameters in one statement: 5,000 of them spent 78% of a full stats
/// recomputation there. A few hundred keep it small; the stats insert, which runs on every
/// change to an athlete's activities, avoids it altogether (anonymous parameters, below).
const SQLITE_BATCH_PARAMS: usize = 256;

/// Parameters per INSERT on SQLite when they are anonymous (`?`): well under SQLite's limit
/// (32,766), which sqlx's binding does not slow down.
const SQLITE_ANONYMOUS_PARAMS: usize = 975;

#[derive(sqlx::FromRow)]
pub(crate) struct DayStatsDb {
    date: NaiveDate,
    load: f64,
    acute: f64,
    chronic: f64,
    acwr: Option<f64>,
    tsb: f64,
    monotony: Option<f64>,
    monotony_capped: bool,
    weekly_load: f64,
    strain: Option<f64>,
    history_days: i32,
    warming_up: bool,
}

impl From<DayStatsDb> for DayStats {
    fn from(row: DayStatsDb) -> Self {
        DayStats {
            date: row.date,
            load: row.load,
            acute: row.acute,
            chronic: row.chronic,
            acwr: row.acwr,
            tsb: row.tsb,
            monotony: row.monotony,
            monotony_capped: row.monotony_capped,
            weekly_load: row.weekly_load,
            strain: row.strain,
            history_days: u32::try_from(row.history_days).unwrap_or(0),
            warming_up: row.warming_up,
        }
    }
}

pub(crate) const STATS_COLUMNS: &str = "date, load, acute, chronic, acwr, tsb, monotony, monotony_capped, weekly_load, strain, history_days, warming_up";

/// One activity's loads, for daily totals and receipts.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActivityLoadRow {
    /// Activity id.
    pub id: Uuid,
    /// Its local date.
    pub local_date: NaiveDate,
    /// Session-RPE load.
    pub load_rpe: Option<f64>,
    /// TRIMP.
    pub load_trimp: Option<f64>,
}

/// A stored training plan.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    /// Plan id.
    pub id: Uuid,
    /// Whose plan.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// Current version.
    pub version: i32,
    /// The request it was (last) generated from.
    pub request: PlanRequest,
    /// Phases and weeks of the current version (workouts live in their own rows).
    pub plan: Plan,
    /// Active or archived.
    pub status: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PlanDb {
    id: Uuid,
    user_id: Uuid,
    name: String,
    version: i32,
    request: String,
    phases: String,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(crate) const PLAN_COLUMNS: &str =
    "id, user_id, name, version, request, phases, status, created_at, updated_at";

impl TryFrom<PlanDb> for StoredPlan {
    type Error = StoreError;

    fn try_from(row: PlanDb) -> StoreResult<Self> {
        Ok(StoredPlan {
            id: row.id,
            user_id: row.user_id,
            name: row.name,
            version: row.version,
            request: parse_json("request", &row.request)?,
            plan: parse_json("phases", &row.phases)?,
            status: row.status,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A scheduled workout as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWorkout {
    /// Workout id.
    pub id: Uuid,
    /// Plan.
    pub plan_id: Uuid,
    /// Athlete.
    pub user_id: Uuid,
    /// The plan version that scheduled it.
    pub plan_version: i32,
    /// What was planned.
    pub workout: PlannedWorkout,
    /// Planned, completed, skipped or missed.
    pub state: WorkoutState,
    /// The activity that completed it.
    pub activity_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct WorkoutDb {
    id: Uuid,
    plan_id: Uuid,
    user_id: Uuid,
    plan_version: i32,
    date: NaiveDate,
    kind: String,
    target_duration_s: Option<i32>,
    target_distance_m: Option<f64>,
    intensity_zone: Option<i32>,
    description: String,
    state: String,
    activity_id: Option<Uuid>,
}

pub(crate) const WORKOUT_COLUMNS: &str = "id, plan_id, user_id, plan_version, date, kind, target_duration_s, target_distance_m, \
     intensity_zone, description, state, activity_id";

impl TryFrom<WorkoutDb> for StoredWorkout {
    type Error = StoreError;

    fn try_from(row: WorkoutDb) -> StoreResult<Self> {
        Ok(StoredWorkout {
            id: row.id,
            plan_id: row.plan_id,
            user_id: row.user_id,
            plan_version: row.plan_version,
            workout: PlannedWorkout {
                date: row.date,
                kind: parse_enum::<WorkoutKind>(&row.kind)?,
                target_duration_s: row.target_duration_s,
                target_distance_m: row.target_distance_m,
                intensity_zone: row.intensity_zone,
                description: row.description,
            },
            state: parse_enum(&row.state)?,
            activity_id: row.activity_id,
        })
    }
}

/// One version of a plan, for history.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanVersionRow {
    /// Version number.
    pub version: i32,
    /// Why it was made.
    pub reason: String,
    /// Who made it (`None`: the system).
    pub actor_id: Option<Uuid>,
    /// The plan and workouts of that version (JSON).
    pub snapshot: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Rows per multi-row INSERT with `params_per_row` parameters each.
    fn batch_rows(&self, params_per_row: usize) -> usize {
        match self.backend() {
            Backend::Postgres => PG_BATCH_ROWS,
            Backend::Sqlite => (SQLITE_BATCH_PARAMS / params_per_row.max(1)).max(1),
        }
    }

    /// Loads of an athlete's activities dated in `from..=to`, by date then id.
    pub async fn activity_loads(
        &self,
        tx: Option<&mut Tx>,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ActivityLoadRow>> {
        Ok(on_conn!(self, tx, conn => sqlx::query_as(
            "SELECT id, local_date, load_rpe, load_trimp FROM activities \
             WHERE user_id = $1 AND duplicate_of IS NULL AND local_date >= $2 AND local_date <= $3 \
             ORDER BY local_date, id",
        )
        .bind(user_id)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?))
    }

    /// The first and last days of an athlete's activities, and of their stored stats (inside
    /// `tx` when given), in one round trip.
    pub async fn activity_and_stats_spans(
        &self,
        tx: Option<&mut Tx>,
        user_id: Uuid,
    ) -> StoreResult<(
        Option<(NaiveDate, NaiveDate)>,
        Option<(NaiveDate, NaiveDate)>,
    )> {
        type Spans = (
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
        );
        let spans: Spans = on_conn!(self, tx, conn => sqlx::query_as(
            "SELECT (SELECT MIN(local_date) FROM activities WHERE user_id = $1), \
                    (SELECT MAX(local_date) FROM activities WHERE user_id = $1), \
                    (SELECT MIN(date) FROM daily_stats WHERE user_id = $1), \
                    (SELECT MAX(date) FROM daily_stats WHERE user_id = $1)",
        )
        .bind(user_id)
        .fetch_one(conn)
        .await?);
        let span = |first, last| match (first, last) {
            (Some(first), Some(last)) => Some((first, last)),
            _ => None,
        };
        Ok((span(spans.0, spans.1), span(spans.2, spans.3)))
    }

    /// The first and last stored stats days of an athlete (inside `tx` when given).
    pub async fn stats_span(
        &self,
        tx: Option<&mut Tx>,
        user_id: Uuid,
    ) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
        let span: (Option<NaiveDate>, Option<NaiveDate>) = on_conn!(self, tx, conn => sqlx::query_as(
            "SELECT MIN(date), MAX(date) FROM daily_stats WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_one(conn)
        .await?);
        Ok(match span {
            (Some(first), Some(last)) => Some((first, last)),
            _ => None,
        })
    }

    /// Stored stats of an athlete for days in `from..=to`, oldest first (inside `tx` when
    /// given).
    pub async fn stats_between(
        &self,
        tx: Option<&mut Tx>,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DayStats>> {
        let sql = format!(
            "SELECT {STATS_COLUMNS} FROM daily_stats WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date"
        );
        let rows: Vec<DayStatsDb> = on_conn!(self, tx, conn => sqlx::query_as(&sql).bind(user_id).bind(from).bind(to).fetch_all(conn).await?);
        Ok(rows.into_iter().map(DayStats::from).collect())
    }

    /// Replaces an athlete's stats from `from` onward with `days` inside `tx` (an empty
    /// `days` with the earliest `from` clears them).
    pub async fn replace_stats_from(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        from: NaiveDate,
        days: &[DayStats],
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query("DELETE FROM daily_stats WHERE user_id = $1 AND date >= $2")
            .bind(user_id)
            .bind(from)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        // On SQLite the parameters are anonymous (`?`, bound in order). sqlx looks up every
        // parameter's name, and SQLite finds a name by scanning the statement's list of named
        // ones, which made binding quadratic in a statement's parameters: at 256 of them it
        // was still 13% of the server's time while it stored webhooks. An anonymous parameter
        // has no name to look for, so the rows per statement are bounded only by SQLite's
        // limit on parameters.
        let sqlite = self.backend() == Backend::Sqlite;
        let rows = if sqlite {
            SQLITE_ANONYMOUS_PARAMS / 13
        } else {
            self.batch_rows(13)
        };
        for chunk in days.chunks(rows) {
            let mut sql = format!("INSERT INTO daily_stats (user_id, {STATS_COLUMNS}) VALUES ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                if sqlite {
                    sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    continue;
                }
                let base = i * 12 + 2;
                sql.push_str("($1");
                for k in 0..12 {
                    sql.push_str(&format!(", ${}", base + k));
                }
                sql.push(')');
            }
            on_tx!(tx, conn => {
                let mut query = sqlx::query(&sql);
                if !sqlite {
                    query = query.bind(user_id);
                }
                for d in chunk {
                    if sqlite {
                        query = query.bind(user_id);
                    }
                    query = query
                        .bind(d.date)
                        .bind(d.load)
                        .bind(d.acute)
                        .bind(d.chronic)
                        .bind(d.acwr)
                        .bind(d.tsb)
                        .bind(d.monotony)
                        .bind(d.monotony_capped)
                        .bind(d.weekly_load)
                        .bind(d.strain)
                        .bind(i32::try_from(d.history_days).unwrap_or(i32::MAX))
                        .bind(d.warming_up);
                }
                query.execute(&mut *conn).await?.rows_affected()
            });
        }
        Ok(())
    }

    /// Deletes all of an athlete's stats inside `tx`.
    pub async fn clear_stats(&self, tx: &mut Tx, user_id: Uuid) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query("DELETE FROM daily_stats WHERE user_id = $1").bind(user_id).execute(conn).await?.rows_affected());
        Ok(())
    }

    /// The athlete's active plan, if any.
    pub async fn active_plan(&self, user_id: Uuid) -> StoreResult<Option<StoredPlan>> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM training_plans WHERE user_id = $1 AND status = 'active'"
        );
        let row: Option<PlanDb> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_optional(pool).await?);
        row.map(StoredPlan::try_from).transpose()
    }

    /// A plan by id.
    pub async fn plan(&self, plan_id: Uuid) -> StoreResult<StoredPlan> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM training_plans WHERE id = $1");
        let row: PlanDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(plan_id).fetch_one(pool).await?);
        row.try_into()
    }

    /// Archives the athlete's active plan inside `tx`, if there is one.
    pub async fn archive_active_plan(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query("UPDATE training_plans SET status = 'archived', updated_at = $2 WHERE user_id = $1 AND status = 'active'")
            .bind(user_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Stores a new active plan (version 1) inside `tx`.
    pub async fn insert_plan(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        name: &str,
        request: &PlanRequest,
        plan: &Plan,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredPlan> {
        let sql = format!(
            "INSERT INTO training_plans (id, user_id, name, goal_race_name, goal_race_date, goal_distance_m, start_date, \
             availability, phases, request, version, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 'active', $11, $11) RETURNING {PLAN_COLUMNS}"
        );
        let row: PlanDb = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(name)
            .bind(&request.goal_race_name)
            .bind(request.goal_race_date)
            .bind(request.goal_distance_m)
            .bind(request.start_date)
            .bind(to_json(&request.availability))
            .bind(to_json(plan))
            .bind(to_json(request))
            .bind(now)
            .fetch_one(conn)
            .await?);
        row.try_into()
    }

    /// Moves a plan to `version` with new content inside `tx`, only if it is still at
    /// `expected_version`; returns whether it moved (false: someone else changed it first).
    pub async fn bump_plan(
        &self,
        tx: &mut Tx,
        plan_id: Uuid,
        expected_version: i32,
        request: &PlanRequest,
        plan: &Plan,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "UPDATE training_plans SET version = version + 1, request = $3, phases = $4, availability = $5, updated_at = $6 \
             WHERE id = $1 AND version = $2",
        )
        .bind(plan_id)
        .bind(expected_version)
        .bind(to_json(request))
        .bind(to_json(plan))
        .bind(to_json(&request.availability))
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Records a plan version's snapshot inside `tx`.
    pub async fn insert_plan_version(
        &self,
        tx: &mut Tx,
        plan_id: Uuid,
        version: &PlanVersionRow,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO plan_versions (plan_id, version, reason, actor_id, snapshot, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan_id)
        .bind(version.version)
        .bind(&version.reason)
        .bind(version.actor_id)
        .bind(&version.snapshot)
        .bind(version.created_at)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Every version of a plan, newest first.
    pub async fn plan_versions(
        &self,
        plan_id: Uuid,
        before_version: Option<i32>,
        limit: u32,
    ) -> StoreResult<Vec<PlanVersionRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT version, reason, actor_id, snapshot, created_at FROM plan_versions WHERE plan_id = $1 \
             AND ($2 IS NULL OR version < $2) ORDER BY version DESC LIMIT $3",
        )
        .bind(plan_id)
        .bind(before_version)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }

    /// Inserts scheduled workouts inside `tx`.
    pub async fn insert_workouts(
        &self,
        tx: &mut Tx,
        plan_id: Uuid,
        user_id: Uuid,
        version: i32,
        workouts: &[PlannedWorkout],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        for chunk in workouts.chunks(self.batch_rows(7)) {
            let mut sql = "INSERT INTO scheduled_workouts (plan_id, user_id, plan_version, created_at, updated_at, id, date, kind, \
                 target_duration_s, target_distance_m, intensity_zone, description, state) VALUES "
                .to_owned();
            for i in 0..chunk.len() {
                let base = i * 7 + 5;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str("($1, $2, $3, $4, $4");
                for k in 0..7 {
                    sql.push_str(&format!(", ${}", base + k));
                }
                sql.push_str(", 'planned')");
            }
            on_tx!(tx, conn => {
                let mut query = sqlx::query(&sql).bind(plan_id).bind(user_id).bind(version).bind(now);
                for w in chunk {
                    query = query
                        .bind(Uuid::now_v7())
                        .bind(w.date)
                        .bind(w.kind.as_str())
                        .bind(w.target_duration_s)
                        .bind(w.target_distance_m)
                        .bind(w.intensity_zone)
                        .bind(&w.description);
                }
                query.execute(&mut *conn).await?.rows_affected()
            });
        }
        Ok(())
    }

    /// Deletes a plan's still-planned workouts dated `from` or later inside `tx` (completed,
    /// skipped and missed ones are history and stay).
    pub async fn delete_planned_from(
        &self,
        tx: &mut Tx,
        plan_id: Uuid,
        from: NaiveDate,
    ) -> StoreResult<u64> {
        Ok(
            on_tx!(tx, conn => sqlx::query("DELETE FROM scheduled_workouts WHERE plan_id = $1 AND date >= $2 AND state = 'planned'")
            .bind(plan_id)
            .bind(from)
            .execute(conn)
            .await?
            .rows_affected()),
        )
    }

    /// A plan's workouts dated in `from..=to`, by date.
    pub async fn plan_workouts(
        &self,
        plan_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<StoredWorkout>> {
        let sql = format!(
            "SELECT {WORKOUT_COLUMNS} FROM scheduled_workouts WHERE plan_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, id"
        );
        let rows: Vec<WorkoutDb> = on_pool!(self, pool => sqlx::query_as(&sql).bind(plan_id).bind(from).bind(to).fetch_all(pool).await?);
        rows.into_iter().map(StoredWorkout::try_from).collect()
    }

    /// The days from `from` on of a plan's workouts that are no longer planned (completed,
    /// skipped or missed), by day, inside `tx`: what a new version of the plan keeps.
    pub async fn plan_days_settled(
        &self,
        tx: &mut Tx,
        plan_id: Uuid,
        from: NaiveDate,
    ) -> StoreResult<Vec<NaiveDate>> {
        Ok(on_tx!(tx, conn => sqlx::query_scalar(
            "SELECT date FROM scheduled_workouts WHERE plan_id = $1 AND date >= $2 \
             AND state <> 'planned' ORDER BY date, id",
        )
        .bind(plan_id)
        .bind(from)
        .fetch_all(conn)
        .await?))
    }

    /// An athlete's workouts (any plan) on one day, inside `tx`.
    pub async fn workouts_on(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        date: NaiveDate,
    ) -> StoreResult<Vec<StoredWorkout>> {
        let sql = format!(
            "SELECT {WORKOUT_COLUMNS} FROM scheduled_workouts w WHERE user_id = $1 AND date = $2 \
             AND plan_id IN (SELECT id FROM training_plans WHERE user_id = $1 AND status = 'active') ORDER BY id"
        );
        let rows: Vec<WorkoutDb> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(user_id).bind(date).fetch_all(conn).await?);
        rows.into_iter().map(StoredWorkout::try_from).collect()
    }

    /// An athlete's workouts (any active plan) on the days `from` to `to`, by day and id, inside
    /// `tx`: what [`Store::workouts_on`] reads for each of those days.
    pub async fn workouts_between(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<StoredWorkout>> {
        let sql = format!(
            "SELECT {WORKOUT_COLUMNS} FROM scheduled_workouts w WHERE user_id = $1 AND date >= $2 \
             AND date <= $3 AND plan_id IN (SELECT id FROM training_plans WHERE user_id = $1 AND status = 'active') \
             ORDER BY date, id"
        );
        let rows: Vec<WorkoutDb> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(user_id).bind(from).bind(to).fetch_all(conn).await?);
        rows.into_iter().map(StoredWorkout::try_from).collect()
    }

    /// The workout an activity completed, if any, inside `tx`.
    pub async fn workout_of_activity(
        &self,
        tx: &mut Tx,
        activity_id: Uuid,
    ) -> StoreResult<Option<StoredWorkout>> {
        let sql =
            format!("SELECT {WORKOUT_COLUMNS} FROM scheduled_workouts WHERE activity_id = $1");
        let row: Option<WorkoutDb> =
            on_tx!(tx, conn => sqlx::query_as(&sql).bind(activity_id).fetch_optional(conn).await?);
        row.map(StoredWorkout::try_from).transpose()
    }

    /// Sets a workout's state and completing activity inside `tx`; false when the workout is
    /// gone (deleted by a transaction that committed after it was read).
    pub async fn set_workout_state(
        &self,
        tx: &mut Tx,
        workout_id: Uuid,
        state: WorkoutState,
        activity_id: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let changed = on_tx!(tx, conn => sqlx::query("UPDATE scheduled_workouts SET state = $2, activity_id = $3, updated_at = $4 WHERE id = $1")
            .bind(workout_id)
            .bind(state.as_str())
            .bind(activity_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }

    /// Marks an athlete's planned (non-rest) workouts dated before `today` as missed inside
    /// `tx`; returns how many.
    pub async fn mark_missed_before(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Ok(on_tx!(tx, conn => sqlx::query(
            "UPDATE scheduled_workouts SET state = 'missed', updated_at = $3 \
             WHERE user_id = $1 AND date < $2 AND state = 'planned' AND kind <> 'rest'",
        )
        .bind(user_id)
        .bind(today)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()))
    }

    /// Whether any of the athlete's planned workouts (not rest days) is dated before `today`:
    /// what [`Store::mark_missed_before`] would mark, found with a read.
    pub async fn has_planned_before(&self, user_id: Uuid, today: NaiveDate) -> StoreResult<bool> {
        let found: Option<i32> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT 1 FROM scheduled_workouts \
             WHERE user_id = $1 AND date < $2 AND state = 'planned' AND kind <> 'rest' LIMIT 1",
        )
        .bind(user_id)
        .bind(today)
        .fetch_optional(pool)
        .await?);
        Ok(found.is_some())
    }

    /// Stores an activity's samples (JSON) inside `tx`.
    pub async fn set_activity_samples(
        &self,
        tx: &mut Tx,
        activity_id: Uuid,
        samples: Option<&str>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM activity_samples WHERE activity_id = $1").bind(activity_id).execute(&mut *conn).await?;
            if let Some(samples) = samples {
                sqlx::query("INSERT INTO activity_samples (activity_id, samples) VALUES ($1, $2)")
                    .bind(activity_id)
                    .bind(samples)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query("UPDATE activities SET has_samples = $2 WHERE id = $1")
                .bind(activity_id)
                .bind(samples.is_some())
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// An activity's samples (JSON), if stored.
    pub async fn activity_samples(&self, activity_id: Uuid) -> StoreResult<Option<String>> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT samples FROM activity_samples WHERE activity_id = $1")
            .bind(activity_id)
            .fetch_optional(pool)
            .await?),
        )
    }

    /// An athlete's daily metrics (all sources) for days in `from..=to`, oldest first.
    pub async fn daily_metrics_between(
        &self,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<super::DailyMetricsRecord>> {
        self.list_daily_metrics(
            user_id,
            super::DateRange {
                from: Some(from),
                to: Some(to),
            },
            None,
            10_000,
        )
        .await
        .map(|mut rows| {
            rows.reverse();
            rows
        })
    }

    /// Recent session RPEs of an athlete (local date, RPE) in `from..=to`.
    pub async fn recent_rpes(
        &self,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, i32)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT local_date, rpe FROM activities WHERE user_id = $1 AND duplicate_of IS NULL \
             AND local_date >= $2 AND local_date <= $3 AND rpe IS NOT NULL ORDER BY local_date, id",
        )
        .bind(user_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?))
    }
}

impl Store {
    /// Takes the athlete's row lock inside `tx`, serializing work on one athlete across
    /// connections and replicas (SQLite's `BEGIN IMMEDIATE` already serializes writers).
    pub async fn lock_user(&self, tx: &mut Tx, user_id: Uuid) -> StoreResult<()> {
        if tx.has_locked(user_id) {
            return Ok(());
        }
        on_tx!(tx, conn => sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected());
        tx.locked(user_id);
        Ok(())
    }
}
