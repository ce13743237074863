//! What athletes choose to log (life load, fuelling), the insights computed from their
//! history, and the weekly digest's settings and sends.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Store, StoreResult, Tx, on_pool, on_tx, on_write};

/// What an athlete logged about one day. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct DayLogRow {
    /// The athlete's local day.
    pub date: NaiveDate,
    /// Work (life) stress, 1 (none) to 10 (extreme).
    pub work_stress: Option<i32>,
    /// Travelled that day.
    pub travel: Option<bool>,
    /// Ill that day.
    pub illness: Option<bool>,
    /// Caffeine over the day, mg.
    pub caffeine_mg: Option<f64>,
    /// Alcohol, standard units.
    pub alcohol_units: Option<f64>,
    /// Free text about the day's eating and drinking.
    pub nutrition_notes: Option<String>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Fuelling logged for one session. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct SessionLogRow {
    /// The activity it belongs to.
    pub activity_id: Uuid,
    /// Carbohydrate in the hours before, g.
    pub carbs_before_g: Option<f64>,
    /// Carbohydrate during, g.
    pub carbs_during_g: Option<f64>,
    /// Caffeine before, mg.
    pub caffeine_mg: Option<f64>,
    /// Fluid during, ml.
    pub fluid_ml: Option<f64>,
    /// Free text.
    pub notes: Option<String>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A counted session (a primary) as the insights read it: its numbers and its fuelling.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InsightSessionRow {
    /// Activity id.
    pub id: Uuid,
    /// The athlete's local day.
    pub local_date: NaiveDate,
    /// Sport (stored text).
    pub sport: String,
    /// Elapsed seconds.
    pub duration_s: i64,
    /// Moving seconds.
    pub moving_time_s: Option<i64>,
    /// Metres.
    pub distance_m: Option<f64>,
    /// Average heart rate.
    pub avg_hr: Option<f64>,
    /// Session RPE.
    pub rpe: Option<i32>,
    /// Efficiency factor from the samples.
    pub efficiency_factor: Option<f64>,
    /// Aerobic decoupling from the samples (steady sessions only).
    pub decoupling_pct: Option<f64>,
    /// Logged carbohydrate before, g.
    pub carbs_before_g: Option<f64>,
    /// Logged carbohydrate during, g.
    pub carbs_during_g: Option<f64>,
    /// Logged caffeine before, mg.
    pub caffeine_mg: Option<f64>,
}

/// An athlete's stored insights.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InsightsRow {
    /// When they were computed.
    pub computed_at: DateTime<Utc>,
    /// How many findings they hold.
    pub findings: i32,
    /// `stride_domain::insights::Insights` as JSON.
    pub body: String,
}

/// Someone's weekly digest settings.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DigestSettingsRow {
    /// The user.
    pub user_id: Uuid,
    /// ISO weekday it arrives on, 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    /// Local hour it arrives at, 0–23.
    pub hour: i32,
    /// The secret in the unsubscribe link.
    pub unsubscribe_token: String,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// One week's digest for one user, as sent (or not).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DigestSendRow {
    /// The user.
    pub user_id: Uuid,
    /// Monday of the week it covers.
    pub week_start: NaiveDate,
    /// queued, sent, skipped or failed.
    pub state: String,
    /// Why it was skipped or failed.
    pub detail: Option<String>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Accepted by the mail server.
    pub sent_at: Option<DateTime<Utc>>,
}

const DAY_LOG_COLUMNS: &str =
    "date, work_stress, travel, illness, caffeine_mg, alcohol_units, nutrition_notes, updated_at";
const SESSION_LOG_COLUMNS: &str =
    "activity_id, carbs_before_g, carbs_during_g, caffeine_mg, fluid_ml, notes, updated_at";
const DIGEST_COLUMNS: &str = "user_id, weekday, hour, unsubscribe_token, updated_at";

impl Store {
    /// Replaces what the athlete logged about `row.date` (inside `tx`); a row with nothing in
    /// it is removed.
    pub async fn put_day_log(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        row: &DayLogRow,
    ) -> StoreResult<()> {
        let empty = row.work_stress.is_none()
            && row.travel.is_none()
            && row.illness.is_none()
            && row.caffeine_mg.is_none()
            && row.alcohol_units.is_none()
            && row.nutrition_notes.is_none();
        on_tx!(tx, conn => {
            if empty {
                sqlx::query("DELETE FROM day_logs WHERE user_id = $1 AND date = $2")
                    .bind(user_id)
                    .bind(row.date)
                    .execute(conn)
                    .await?
                    .rows_affected()
            } else {
                sqlx::query(
                    "INSERT INTO day_logs (user_id, date, work_stress, travel, illness, caffeine_mg, alcohol_units, \
                     nutrition_notes, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (user_id, date) DO UPDATE SET work_stress = excluded.work_stress, \
                     travel = excluded.travel, illness = excluded.illness, caffeine_mg = excluded.caffeine_mg, \
                     alcohol_units = excluded.alcohol_units, nutrition_notes = excluded.nutrition_notes, \
                     updated_at = excluded.updated_at",
                )
                .bind(user_id)
                .bind(row.date)
                .bind(row.work_stress)
                .bind(row.travel)
                .bind(row.illness)
                .bind(row.caffeine_mg)
                .bind(row.alcohol_units)
                .bind(row.nutrition_notes.as_deref())
                .bind(row.updated_at)
                .execute(conn)
                .await?
                .rows_affected()
            }
        });
        Ok(())
    }

    /// What the athlete logged about days in `from..=to`, oldest first.
    pub async fn day_logs_between(
        &self,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DayLogRow>> {
        let sql = format!(
            "SELECT {DAY_LOG_COLUMNS} FROM day_logs WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?))
    }

    /// Replaces the fuelling logged for one session (inside `tx`); an empty log is removed.
    pub async fn put_session_log(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        row: &SessionLogRow,
    ) -> StoreResult<()> {
        let empty = row.carbs_before_g.is_none()
            && row.carbs_during_g.is_none()
            && row.caffeine_mg.is_none()
            && row.fluid_ml.is_none()
            && row.notes.is_none();
        on_tx!(tx, conn => {
            if empty {
                sqlx::query("DELETE FROM session_logs WHERE activity_id = $1")
                    .bind(row.activity_id)
                    .execute(conn)
                    .await?
                    .rows_affected()
            } else {
                sqlx::query(
                    "INSERT INTO session_logs (activity_id, user_id, carbs_before_g, carbs_during_g, caffeine_mg, \
                     fluid_ml, notes, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (activity_id) DO UPDATE SET carbs_before_g = excluded.carbs_before_g, \
                     carbs_during_g = excluded.carbs_during_g, caffeine_mg = excluded.caffeine_mg, \
                     fluid_ml = excluded.fluid_ml, notes = excluded.notes, updated_at = excluded.updated_at",
                )
                .bind(row.activity_id)
                .bind(user_id)
                .bind(row.carbs_before_g)
                .bind(row.carbs_during_g)
                .bind(row.caffeine_mg)
                .bind(row.fluid_ml)
                .bind(row.notes.as_deref())
                .bind(row.updated_at)
                .execute(conn)
                .await?
                .rows_affected()
            }
        });
        Ok(())
    }

    /// Every session log of an athlete, oldest change first.
    pub async fn session_logs_of(&self, user_id: Uuid) -> StoreResult<Vec<SessionLogRow>> {
        let sql = format!(
            "SELECT {SESSION_LOG_COLUMNS} FROM session_logs WHERE user_id = $1 ORDER BY updated_at, activity_id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?))
    }

    /// The athlete's counted sessions (primaries) in `from..=to`, oldest first, each with the
    /// fuelling logged for it or for another copy of the same workout.
    pub async fn insight_sessions(
        &self,
        user_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<InsightSessionRow>> {
        // The log of the primary itself, else the newest log of another copy of the workout.
        const LOG_OF_GROUP: &str = "FROM session_logs s JOIN activities c ON c.id = s.activity_id \
             WHERE s.user_id = a.user_id AND (c.id = a.id OR c.duplicate_of = a.id) \
             ORDER BY c.duplicate_of IS NOT NULL, s.updated_at DESC LIMIT 1";
        let sql = format!(
            "SELECT a.id, a.local_date, a.sport, a.duration_s, a.moving_time_s, a.distance_m, \
             CAST(a.avg_hr AS DOUBLE PRECISION) AS avg_hr, a.rpe, a.efficiency_factor, a.decoupling_pct, \
             (SELECT s.carbs_before_g {LOG_OF_GROUP}) AS carbs_before_g, \
             (SELECT s.carbs_during_g {LOG_OF_GROUP}) AS carbs_during_g, \
             (SELECT s.caffeine_mg {LOG_OF_GROUP}) AS caffeine_mg \
             FROM activities a \
             WHERE a.user_id = $1 AND a.duplicate_of IS NULL AND a.local_date >= $2 AND a.local_date <= $3 \
             ORDER BY a.local_date, a.start_time, a.id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(user_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?))
    }

    /// Up to `limit` of the athlete's activities whose samples have not had their efficiency
    /// computed yet (stored before it was).
    pub async fn activities_without_efficiency(
        &self,
        user_id: Uuid,
        limit: u32,
    ) -> StoreResult<Vec<Uuid>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM activities WHERE user_id = $1 AND has_samples AND NOT efficiency_done \
             ORDER BY start_time DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }

    /// An activity's efficiency, computed later from its stored samples, outside a transaction.
    /// Written only while none is stored: new samples stored meanwhile came with their own.
    pub async fn fill_activity_efficiency(
        &self,
        activity_id: Uuid,
        efficiency_factor: Option<f64>,
        decoupling_pct: Option<f64>,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "UPDATE activities SET efficiency_factor = $2, decoupling_pct = $3, efficiency_done = $4 \
             WHERE id = $1 AND NOT efficiency_done",
        )
        .bind(activity_id)
        .bind(efficiency_factor)
        .bind(decoupling_pct)
        .bind(true)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Replaces an athlete's stored insights.
    pub async fn save_insights(
        &self,
        user_id: Uuid,
        computed_at: DateTime<Utc>,
        findings: i32,
        body: &str,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "INSERT INTO insights (user_id, computed_at, findings, body) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO UPDATE SET computed_at = excluded.computed_at, \
             findings = excluded.findings, body = excluded.body",
        )
        .bind(user_id)
        .bind(computed_at)
        .bind(findings)
        .bind(body)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// An athlete's stored insights, if computed.
    pub async fn insights(&self, user_id: Uuid) -> StoreResult<Option<InsightsRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT computed_at, findings, body FROM insights WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?))
    }

    // ----- The weekly digest -----

    /// Someone's digest settings, if they were ever stored.
    pub async fn digest_settings(&self, user_id: Uuid) -> StoreResult<Option<DigestSettingsRow>> {
        let sql = format!("SELECT {DIGEST_COLUMNS} FROM digest_settings WHERE user_id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_optional(pool).await?))
    }

    /// Every stored digest setting.
    pub async fn all_digest_settings(&self) -> StoreResult<Vec<DigestSettingsRow>> {
        let sql = format!("SELECT {DIGEST_COLUMNS} FROM digest_settings ORDER BY user_id");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
    }

    /// Stores someone's digest settings; a new row keeps the token given, an existing one keeps
    /// its own token unless `rotate_token`.
    pub async fn put_digest_settings(
        &self,
        row: &DigestSettingsRow,
        rotate_token: bool,
    ) -> StoreResult<DigestSettingsRow> {
        let sql = format!(
            "INSERT INTO digest_settings ({DIGEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id) DO UPDATE SET \
             weekday = excluded.weekday, hour = excluded.hour, updated_at = excluded.updated_at, \
             unsubscribe_token = CASE WHEN $6 THEN excluded.unsubscribe_token ELSE digest_settings.unsubscribe_token END \
             RETURNING {DIGEST_COLUMNS}"
        );
        Ok(on_write!(self, pool => sqlx::query_as(&sql)
            .bind(row.user_id)
            .bind(row.weekday)
            .bind(row.hour)
            .bind(&row.unsubscribe_token)
            .bind(row.updated_at)
            .bind(rotate_token)
            .fetch_one(pool)
            .await?))
    }

    /// Users who asked for the weekly summary by email (`notifications.weekly_summary`), with
    /// their time zones and digest settings (none stored yet: the defaults apply).
    pub async fn digest_recipients(
        &self,
    ) -> StoreResult<Vec<(Uuid, String, Option<i32>, Option<i32>)>> {
        // The preferences are stored as compact JSON, so the flag reads as this exact text.
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT u.id, u.time_zone, d.weekday, d.hour FROM users u \
             LEFT JOIN digest_settings d ON d.user_id = u.id \
             WHERE u.disabled_at IS NULL AND u.notification_prefs LIKE '%\"weekly_summary\":true%' \
             ORDER BY u.id",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Who holds an unsubscribe token, if anyone.
    pub async fn digest_token_owner(&self, token: &str) -> StoreResult<Option<Uuid>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT user_id FROM digest_settings WHERE unsubscribe_token = $1",
        )
        .bind(token)
        .fetch_optional(pool)
        .await?))
    }

    /// Claims `week_start`'s digest for a user inside `tx`: true when this call recorded it
    /// (and so must queue it), false when it was already claimed, here or on another replica.
    pub async fn claim_digest_week(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        week_start: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let inserted = on_tx!(tx, conn => sqlx::query(
            "INSERT INTO digest_sends (user_id, week_start, state, created_at) VALUES ($1, $2, 'queued', $3) \
             ON CONFLICT (user_id, week_start) DO NOTHING",
        )
        .bind(user_id)
        .bind(week_start)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(inserted == 1)
    }

    /// One week's digest send.
    pub async fn digest_send(
        &self,
        user_id: Uuid,
        week_start: NaiveDate,
    ) -> StoreResult<Option<DigestSendRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT user_id, week_start, state, detail, created_at, sent_at FROM digest_sends \
             WHERE user_id = $1 AND week_start = $2",
        )
        .bind(user_id)
        .bind(week_start)
        .fetch_optional(pool)
        .await?))
    }

    /// A user's digest sends, newest week first.
    pub async fn digest_sends(&self, user_id: Uuid, limit: u32) -> StoreResult<Vec<DigestSendRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT user_id, week_start, state, detail, created_at, sent_at FROM digest_sends \
             WHERE user_id = $1 ORDER BY week_start DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }

    /// Records how a week's digest ended.
    pub async fn finish_digest_send(
        &self,
        user_id: Uuid,
        week_start: NaiveDate,
        state: &str,
        detail: Option<&str>,
        sent_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "UPDATE digest_sends SET state = $3, detail = $4, sent_at = $5 WHERE user_id = $1 AND week_start = $2",
        )
        .bind(user_id)
        .bind(week_start)
        .bind(state)
        .bind(detail)
        .bind(sent_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
