//! Athlete data: activities and daily metrics, with keyset pagination.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Store, StoreError, StoreResult, Tx, on_pool, on_tx, parse_enum};
use stride_domain::activity::{ActivityDraft, ActivityExtras, Sport};
use stride_domain::metrics::{DailyValues, Measure, Measurement};
use stride_domain::people::HrvKind;

/// An inclusive range of calendar days; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
}

/// Where the next page of activities starts: strictly after this (start time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActivityCursor {
    /// Start time of the last activity seen.
    pub start_time: DateTime<Utc>,
    /// Id of the last activity seen (breaks ties between equal start times).
    pub id: Uuid,
}

/// Where the next page of daily metrics starts: strictly after this (date, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DailyMetricsCursor {
    /// Day of the last entry seen.
    pub date: NaiveDate,
    /// Id of the last entry seen.
    pub id: Uuid,
}

/// An activity as the store writes it: the validated draft plus where it came from and what
/// was derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRecord {
    /// Whose activity.
    pub user_id: Uuid,
    /// `manual` or the plugin id that delivered it.
    pub source: String,
    /// The provider's id, for idempotent upserts.
    pub external_id: Option<String>,
    /// The activity's fields.
    pub draft: ActivityDraft,
    /// The athlete's calendar day of the start.
    pub local_date: NaiveDate,
    /// Offset from UTC at the start, seconds.
    pub utc_offset_s: i32,
    /// RPE × minutes, when RPE is known.
    pub load_rpe: Option<f64>,
    /// Banister TRIMP, when heart rate is known.
    pub load_trimp: Option<f64>,
    /// How the loads were computed (JSON), so any number can be explained.
    pub load_detail: Option<String>,
    /// When its source last delivered it (for a manual entry: when it was logged).
    pub received_at: DateTime<Utc>,
    /// What the source said beyond the common fields.
    pub extras: ActivityExtras,
}

/// An activity as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredActivity {
    /// Activity id.
    pub id: Uuid,
    /// What was written.
    pub record: ActivityRecord,
    /// Whether time-series samples are stored.
    pub has_samples: bool,
    /// The primary copy of the same workout, when this is a duplicate from another source
    /// (only primaries count in load, stats and plan matching).
    pub duplicate_of: Option<Uuid>,
    /// First stored.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ActivityDb {
    id: Uuid,
    user_id: Uuid,
    source: String,
    external_id: Option<String>,
    sport: String,
    name: String,
    start_time: DateTime<Utc>,
    local_date: NaiveDate,
    utc_offset_s: i32,
    duration_s: i64,
    moving_time_s: Option<i64>,
    distance_m: Option<f64>,
    elevation_gain_m: Option<f64>,
    avg_hr: Option<f64>,
    max_hr: Option<f64>,
    rpe: Option<i32>,
    feeling: Option<i32>,
    notes: Option<String>,
    private: bool,
    load_rpe: Option<f64>,
    load_trimp: Option<f64>,
    load_detail: Option<String>,
    has_samples: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
    sport_detail: Option<String>,
    device: Option<String>,
    parent_external_id: Option<String>,
    avg_power_w: Option<f64>,
    avg_cadence: Option<f64>,
    energy_kcal: Option<f64>,
    laps: Option<String>,
    duplicate_of: Option<Uuid>,
}

const ACTIVITY_COLUMNS: &str = "id, user_id, source, external_id, sport, name, start_time, local_date, \
     utc_offset_s, duration_s, moving_time_s, distance_m, elevation_gain_m, avg_hr, max_hr, rpe, feeling, \
     notes, private, load_rpe, load_trimp, load_detail, has_samples, created_at, updated_at, received_at, \
     sport_detail, device, parent_external_id, avg_power_w, avg_cadence, energy_kcal, laps, duplicate_of";

/// An activity's samples as stored beside it: their JSON, and the efficiency computed from them.
#[derive(Debug, Clone, Copy)]
pub struct ActivitySamples<'a> {
    /// The samples, as JSON.
    pub json: &'a str,
    /// Efficiency factor, when the samples give one.
    pub efficiency_factor: Option<f64>,
    /// Aerobic decoupling in percent, when the session was steady.
    pub decoupling_pct: Option<f64>,
}

impl TryFrom<ActivityDb> for StoredActivity {
    type Error = StoreError;

    fn try_from(row: ActivityDb) -> StoreResult<Self> {
        Ok(StoredActivity {
            id: row.id,
            record: ActivityRecord {
                user_id: row.user_id,
                source: row.source,
                external_id: row.external_id,
                draft: ActivityDraft {
                    sport: parse_enum::<Sport>(&row.sport)?,
                    name: row.name,
                    start_time: row.start_time,
                    duration_s: row.duration_s,
                    moving_time_s: row.moving_time_s,
                    distance_m: row.distance_m,
                    elevation_gain_m: row.elevation_gain_m,
                    avg_hr: row.avg_hr,
                    max_hr: row.max_hr,
                    rpe: row.rpe,
                    feeling: row.feeling,
                    notes: row.notes,
                    private: row.private,
                },
                local_date: row.local_date,
                utc_offset_s: row.utc_offset_s,
                load_rpe: row.load_rpe,
                load_trimp: row.load_trimp,
                load_detail: row.load_detail,
                received_at: row.received_at,
                extras: ActivityExtras {
                    sport_detail: row.sport_detail,
                    device: row.device,
                    parent_external_id: row.parent_external_id,
                    avg_power_w: row.avg_power_w,
                    avg_cadence: row.avg_cadence,
                    energy_kcal: row.energy_kcal,
                    laps: match row.laps {
                        Some(text) => super::parse_json("laps", &text)?,
                        None => Vec::new(),
                    },
                },
            },
            has_samples: row.has_samples,
            duplicate_of: row.duplicate_of,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A day's metrics as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyMetricsRecord {
    /// Entry id.
    pub id: Uuid,
    /// Whose metrics.
    pub user_id: Uuid,
    /// The athlete's calendar day.
    pub date: NaiveDate,
    /// `manual` or the plugin id that delivered them.
    pub source: String,
    /// The values.
    pub values: DailyValues,
    /// First stored.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct DailyMetricsDb {
    id: Uuid,
    user_id: Uuid,
    date: NaiveDate,
    source: String,
    resting_hr: Option<i32>,
    hrv_ms: Option<f64>,
    hrv_kind: Option<String>,
    weight_kg: Option<f64>,
    sleep_duration_min: Option<i32>,
    sleep_quality: Option<i32>,
    readiness: Option<i32>,
    soreness: Option<i32>,
    stress: Option<i32>,
    mood: Option<i32>,
    notes: Option<String>,
    detail: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(crate) const METRICS_COLUMNS: &str = "id, user_id, date, source, resting_hr, hrv_ms, hrv_kind, weight_kg, \
     sleep_duration_min, sleep_quality, readiness, soreness, stress, mood, notes, detail, created_at, updated_at";

impl TryFrom<DailyMetricsDb> for DailyMetricsRecord {
    type Error = StoreError;

    fn try_from(row: DailyMetricsDb) -> StoreResult<Self> {
        let hrv = match (row.hrv_ms, row.hrv_kind) {
            (Some(ms), Some(kind)) => Some((ms, parse_enum::<HrvKind>(&kind)?)),
            _ => None,
        };
        Ok(DailyMetricsRecord {
            id: row.id,
            user_id: row.user_id,
            date: row.date,
            source: row.source,
            values: DailyValues {
                resting_hr: row.resting_hr,
                hrv,
                weight_kg: row.weight_kg,
                sleep_duration_min: row.sleep_duration_min,
                sleep_quality: row.sleep_quality,
                readiness: row.readiness,
                soreness: row.soreness,
                stress: row.stress,
                mood: row.mood,
                notes: row.notes,
                detail: match row.detail {
                    Some(text) => super::parse_json("detail", &text)?,
                    None => Default::default(),
                },
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn laps_json(extras: &ActivityExtras) -> Option<String> {
    (!extras.laps.is_empty()).then(|| serde_json::to_string(&extras.laps).unwrap_or_default())
}

impl Store {
    /// Stores a new activity inside `tx`.
    pub async fn insert_activity(
        &self,
        tx: &mut Tx,
        record: &ActivityRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredActivity> {
        self.insert_activity_with_samples(tx, record, now, None)
            .await
    }

    /// Stores a new activity inside `tx`, with its samples when it has them (on PostgreSQL in
    /// one statement).
    pub async fn insert_activity_with_samples(
        &self,
        tx: &mut Tx,
        record: &ActivityRecord,
        now: DateTime<Utc>,
        samples: Option<&ActivitySamples<'_>>,
    ) -> StoreResult<StoredActivity> {
        let insert = "INSERT INTO activities (id, user_id, source, external_id, sport, name, start_time, local_date, \
             utc_offset_s, duration_s, moving_time_s, distance_m, elevation_gain_m, avg_hr, max_hr, rpe, feeling, \
             notes, private, load_rpe, load_trimp, load_detail, created_at, updated_at, received_at, \
             sport_detail, device, parent_external_id, avg_power_w, avg_cadence, energy_kcal, laps, \
             has_samples, efficiency_factor, decoupling_pct, efficiency_done) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
             $21, $22, $23, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $32)";
        let together = samples.is_some() && tx.is_postgres();
        let sql = if together {
            format!(
                "WITH a AS ({insert} RETURNING {ACTIVITY_COLUMNS}), \
                 s AS (INSERT INTO activity_samples (activity_id, samples) SELECT id, $35 FROM a) \
                 SELECT {ACTIVITY_COLUMNS} FROM a"
            )
        } else {
            format!("{insert} RETURNING {ACTIVITY_COLUMNS}")
        };
        let d = &record.draft;
        let row: ActivityDb = on_tx!(tx, conn => {
            let mut query = sqlx::query_as(&sql)
                .bind(Uuid::now_v7())
                .bind(record.user_id)
                .bind(&record.source)
                .bind(&record.external_id)
                .bind(d.sport.as_str())
                .bind(&d.name)
                .bind(d.start_time)
                .bind(record.local_date)
                .bind(record.utc_offset_s)
                .bind(d.duration_s)
                .bind(d.moving_time_s)
                .bind(d.distance_m)
                .bind(d.elevation_gain_m)
                .bind(d.avg_hr)
                .bind(d.max_hr)
                .bind(d.rpe)
                .bind(d.feeling)
                .bind(&d.notes)
                .bind(d.private)
                .bind(record.load_rpe)
                .bind(record.load_trimp)
                .bind(&record.load_detail)
                .bind(now)
                .bind(record.received_at)
                .bind(&record.extras.sport_detail)
                .bind(&record.extras.device)
                .bind(&record.extras.parent_external_id)
                .bind(record.extras.avg_power_w)
                .bind(record.extras.avg_cadence)
                .bind(record.extras.energy_kcal)
                .bind(laps_json(&record.extras))
                .bind(samples.is_some())
                .bind(samples.and_then(|s| s.efficiency_factor))
                .bind(samples.and_then(|s| s.decoupling_pct));
            if together {
                query = query.bind(samples.map(|s| s.json));
            }
            query.fetch_one(conn).await?
        });
        let stored: StoredActivity = row.try_into()?;
        if let Some(samples) = samples.filter(|_| !together) {
            self.put_samples(tx, stored.id, samples.json).await?;
        }
        Ok(stored)
    }

    /// Rewrites an activity's fields inside `tx` (source and external id never change).
    pub async fn update_activity(
        &self,
        tx: &mut Tx,
        id: Uuid,
        record: &ActivityRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredActivity> {
        self.update_activity_with_samples(tx, id, record, now, None)
            .await
    }

    /// Rewrites an activity's fields inside `tx`, and its samples when new ones came (on
    /// PostgreSQL in one statement); without them, the stored samples stay.
    pub async fn update_activity_with_samples(
        &self,
        tx: &mut Tx,
        id: Uuid,
        record: &ActivityRecord,
        now: DateTime<Utc>,
        samples: Option<&ActivitySamples<'_>>,
    ) -> StoreResult<StoredActivity> {
        let update = "UPDATE activities SET sport = $2, name = $3, start_time = $4, local_date = $5, utc_offset_s = $6, \
             duration_s = $7, moving_time_s = $8, distance_m = $9, elevation_gain_m = $10, avg_hr = $11, \
             max_hr = $12, rpe = $13, feeling = $14, notes = $15, private = $16, load_rpe = $17, load_trimp = $18, \
             load_detail = $19, updated_at = $20, received_at = $21, sport_detail = $22, device = $23, \
             parent_external_id = $24, avg_power_w = $25, avg_cadence = $26, energy_kcal = $27, laps = $28, \
             has_samples = has_samples OR $29, \
             efficiency_factor = CASE WHEN $29 THEN $30 ELSE efficiency_factor END, \
             decoupling_pct = CASE WHEN $29 THEN $31 ELSE decoupling_pct END, \
             efficiency_done = efficiency_done OR $29 \
             WHERE id = $1";
        let together = samples.is_some() && tx.is_postgres();
        let sql = if together {
            format!(
                "WITH a AS ({update} RETURNING {ACTIVITY_COLUMNS}), \
                 s AS (INSERT INTO activity_samples (activity_id, samples) SELECT id, $32 FROM a \
                 ON CONFLICT (activity_id) DO UPDATE SET samples = excluded.samples) \
                 SELECT {ACTIVITY_COLUMNS} FROM a"
            )
        } else {
            format!("{update} RETURNING {ACTIVITY_COLUMNS}")
        };
        let d = &record.draft;
        let row: ActivityDb = on_tx!(tx, conn => {
            let mut query = sqlx::query_as(&sql)
                .bind(id)
                .bind(d.sport.as_str())
                .bind(&d.name)
                .bind(d.start_time)
                .bind(record.local_date)
                .bind(record.utc_offset_s)
                .bind(d.duration_s)
                .bind(d.moving_time_s)
                .bind(d.distance_m)
                .bind(d.elevation_gain_m)
                .bind(d.avg_hr)
                .bind(d.max_hr)
                .bind(d.rpe)
                .bind(d.feeling)
                .bind(&d.notes)
                .bind(d.private)
                .bind(record.load_rpe)
                .bind(record.load_trimp)
                .bind(&record.load_detail)
                .bind(now)
                .bind(record.received_at)
                .bind(&record.extras.sport_detail)
                .bind(&record.extras.device)
                .bind(&record.extras.parent_external_id)
                .bind(record.extras.avg_power_w)
                .bind(record.extras.avg_cadence)
                .bind(record.extras.energy_kcal)
                .bind(laps_json(&record.extras))
                .bind(samples.is_some())
                .bind(samples.and_then(|s| s.efficiency_factor))
                .bind(samples.and_then(|s| s.decoupling_pct));
            if together {
                query = query.bind(samples.map(|s| s.json));
            }
            query.fetch_one(conn).await?
        });
        let stored: StoredActivity = row.try_into()?;
        if let Some(samples) = samples.filter(|_| !together) {
            self.put_samples(tx, stored.id, samples.json).await?;
        }
        Ok(stored)
    }

    /// Writes an activity's samples inside `tx`, replacing any stored before.
    async fn put_samples(&self, tx: &mut Tx, activity_id: Uuid, samples: &str) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO activity_samples (activity_id, samples) VALUES ($1, $2) \
             ON CONFLICT (activity_id) DO UPDATE SET samples = excluded.samples",
        )
        .bind(activity_id)
        .bind(samples)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// One activity.
    pub async fn activity(&self, id: Uuid) -> StoreResult<StoredActivity> {
        let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = $1");
        let row: ActivityDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await?);
        row.try_into()
    }

    /// An activity by id, inside `tx` (which sees the transaction's own writes).
    pub async fn activity_in(&self, tx: &mut Tx, id: Uuid) -> StoreResult<StoredActivity> {
        let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = $1");
        let row: ActivityDb =
            on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_one(conn).await?);
        row.try_into()
    }

    /// Deletes an activity inside `tx`; returns whether it existed.
    pub async fn delete_activity(&self, tx: &mut Tx, id: Uuid) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query("DELETE FROM activities WHERE id = $1").bind(id).execute(conn).await?.rows_affected());
        Ok(affected == 1)
    }

    /// A page of an athlete's activities, newest first, within `range` and after `cursor`.
    pub async fn list_activities(
        &self,
        user_id: Uuid,
        range: DateRange,
        after: Option<ActivityCursor>,
        limit: u32,
    ) -> StoreResult<Vec<StoredActivity>> {
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE user_id = $1 AND duplicate_of IS NULL \
             AND ($2 IS NULL OR local_date >= $2) AND ($3 IS NULL OR local_date <= $3) \
             AND ($4 IS NULL OR start_time < $4 OR (start_time = $4 AND id < $5)) \
             ORDER BY start_time DESC, id DESC LIMIT $6"
        );
        let rows: Vec<ActivityDb> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(range.from)
            .bind(range.to)
            .bind(after.map(|c| c.start_time))
            .bind(after.map(|c| c.id))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(StoredActivity::try_from).collect()
    }

    /// Stores one day's metrics from one source inside `tx`, replacing what that source logged
    /// for the day. Callers merge partial updates first (see [`Store::daily_metrics_on`]).
    pub async fn upsert_daily_metrics(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        date: NaiveDate,
        source: &str,
        values: &DailyValues,
        now: DateTime<Utc>,
    ) -> StoreResult<DailyMetricsRecord> {
        let sql = format!(
            "INSERT INTO daily_metrics (id, user_id, date, source, resting_hr, hrv_ms, hrv_kind, weight_kg, \
             sleep_duration_min, sleep_quality, readiness, soreness, stress, mood, notes, created_at, updated_at, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) \
             ON CONFLICT (user_id, date, source) DO UPDATE SET resting_hr = excluded.resting_hr, \
             hrv_ms = excluded.hrv_ms, hrv_kind = excluded.hrv_kind, weight_kg = excluded.weight_kg, \
             sleep_duration_min = excluded.sleep_duration_min, sleep_quality = excluded.sleep_quality, \
             readiness = excluded.readiness, soreness = excluded.soreness, stress = excluded.stress, \
             mood = excluded.mood, notes = excluded.notes, updated_at = excluded.updated_at, detail = excluded.detail \
             RETURNING {METRICS_COLUMNS}"
        );
        let row: DailyMetricsDb = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(date)
            .bind(source)
            .bind(values.resting_hr)
            .bind(values.hrv.map(|(ms, _)| ms))
            .bind(values.hrv.map(|(_, kind)| kind.as_str()))
            .bind(values.weight_kg)
            .bind(values.sleep_duration_min)
            .bind(values.sleep_quality)
            .bind(values.readiness)
            .bind(values.soreness)
            .bind(values.stress)
            .bind(values.mood)
            .bind(&values.notes)
            .bind(now)
            .bind((!values.detail.is_empty()).then(|| serde_json::to_string(&values.detail).unwrap_or_default()))
            .fetch_one(conn)
            .await?);
        row.try_into()
    }

    /// One day's metrics from one source, if logged.
    pub async fn daily_metrics_on(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        date: NaiveDate,
        source: &str,
    ) -> StoreResult<Option<DailyMetricsRecord>> {
        let sql = format!(
            "SELECT {METRICS_COLUMNS} FROM daily_metrics WHERE user_id = $1 AND date = $2 AND source = $3"
        );
        let row: Option<DailyMetricsDb> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(user_id).bind(date).bind(source).fetch_optional(conn).await?);
        row.map(DailyMetricsRecord::try_from).transpose()
    }

    /// One daily-metrics entry by id.
    pub async fn daily_metrics_entry(&self, id: Uuid) -> StoreResult<DailyMetricsRecord> {
        let sql = format!("SELECT {METRICS_COLUMNS} FROM daily_metrics WHERE id = $1");
        let row: DailyMetricsDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await?);
        row.try_into()
    }

    /// Deletes a daily-metrics entry inside `tx`; returns whether it existed.
    pub async fn delete_daily_metrics(&self, tx: &mut Tx, id: Uuid) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query("DELETE FROM daily_metrics WHERE id = $1").bind(id).execute(conn).await?.rows_affected());
        Ok(affected == 1)
    }

    /// A page of an athlete's daily metrics, newest day first.
    pub async fn list_daily_metrics(
        &self,
        user_id: Uuid,
        range: DateRange,
        after: Option<DailyMetricsCursor>,
        limit: u32,
    ) -> StoreResult<Vec<DailyMetricsRecord>> {
        let sql = format!(
            "SELECT {METRICS_COLUMNS} FROM daily_metrics WHERE user_id = $1 \
             AND ($2 IS NULL OR date >= $2) AND ($3 IS NULL OR date <= $3) \
             AND ($4 IS NULL OR date < $4 OR (date = $4 AND id < $5)) \
             ORDER BY date DESC, id DESC LIMIT $6"
        );
        let rows: Vec<DailyMetricsDb> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(range.from)
            .bind(range.to)
            .bind(after.map(|c| c.date))
            .bind(after.map(|c| c.id))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(DailyMetricsRecord::try_from).collect()
    }
}

/// A stored measurement row.
#[derive(sqlx::FromRow)]
struct MeasurementDb {
    measure: String,
    at: DateTime<Utc>,
    value: f64,
    hrv_kind: Option<String>,
}

impl Store {
    /// Stores single measurements of one source inside `tx`: the same (measure, instant)
    /// again replaces the earlier value, so re-sent points change nothing. `local_date` is the
    /// athlete's day each point belongs to.
    pub async fn upsert_measurements(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        source: &str,
        points: &[(Measurement, NaiveDate, Option<String>)],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        for (point, local_date, device) in points {
            on_tx!(tx, conn => sqlx::query(
                "INSERT INTO measurements (user_id, source, measure, at, local_date, value, hrv_kind, device, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (user_id, source, measure, at) DO UPDATE SET local_date = excluded.local_date, \
                 value = excluded.value, hrv_kind = excluded.hrv_kind, device = excluded.device, \
                 received_at = excluded.received_at",
            )
            .bind(user_id)
            .bind(source)
            .bind(point.measure.as_str())
            .bind(point.at)
            .bind(local_date)
            .bind(point.value)
            .bind(point.hrv_kind.map(|k| k.as_str()))
            .bind(device.as_deref())
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        }
        Ok(())
    }

    /// Every measurement one source stored for one of the athlete's days.
    pub async fn measurements_on(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        source: &str,
        date: NaiveDate,
    ) -> StoreResult<Vec<Measurement>> {
        let rows: Vec<MeasurementDb> = on_tx!(tx, conn => sqlx::query_as(
            "SELECT measure, at, value, hrv_kind FROM measurements \
             WHERE user_id = $1 AND source = $2 AND local_date = $3 ORDER BY at",
        )
        .bind(user_id)
        .bind(source)
        .bind(date)
        .fetch_all(conn)
        .await?);
        rows.into_iter()
            .map(|row| {
                Ok(Measurement {
                    measure: row
                        .measure
                        .parse::<Measure>()
                        .map_err(|e| StoreError::Corrupt(format!("measurements.measure: {e}")))?,
                    at: row.at,
                    value: row.value,
                    hrv_kind: row
                        .hrv_kind
                        .as_deref()
                        .map(parse_enum::<HrvKind>)
                        .transpose()?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Holds the athlete's row until `tx` ends. Every transaction that writes an athlete's
    /// activities takes it before any activity row, so they lock in one order, and two
    /// deliveries of the same workout (Garmin's and Strava's webhooks at once) group their
    /// copies one after the other.
    pub async fn lock_athlete(&self, tx: &mut Tx, user_id: Uuid) -> StoreResult<()> {
        if tx.has_locked(user_id) {
            return Ok(());
        }
        on_tx!(tx, conn => sqlx::query("UPDATE users SET id = id WHERE id = $1")
            .bind(user_id)
            .execute(conn)
            .await?
            .rows_affected());
        tx.locked(user_id);
        Ok(())
    }

    /// Every copy of the athlete's activities (duplicates included) starting in `from..=to`.
    pub async fn activities_starting_between(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<StoredActivity>> {
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE user_id = $1 \
             AND start_time >= $2 AND start_time <= $3 ORDER BY start_time, id"
        );
        let rows: Vec<ActivityDb> = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(from)
            .bind(to)
            .fetch_all(conn)
            .await?);
        rows.into_iter().map(StoredActivity::try_from).collect()
    }

    /// An athlete's activities from `source` with any of `external_ids`, by external id: what
    /// [`Store::activity_by_external`] reads for one, for many in one statement per 500.
    pub async fn activities_by_external(
        &self,
        user_id: Uuid,
        source: &str,
        external_ids: &[&str],
    ) -> StoreResult<std::collections::HashMap<String, StoredActivity>> {
        let mut found = std::collections::HashMap::with_capacity(external_ids.len());
        for ids in external_ids.chunks(500) {
            let sql = format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE user_id = $1 AND source = $2 \
                 AND external_id IN ({})",
                super::batch::placeholders(3, ids.len())
            );
            let rows: Vec<ActivityDb> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql).bind(user_id).bind(source);
                for id in ids {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            for row in rows {
                let activity = StoredActivity::try_from(row)?;
                if let Some(id) = activity.record.external_id.clone() {
                    found.insert(id, activity);
                }
            }
        }
        Ok(found)
    }

    /// The other copies of the workout whose primary is `primary`.
    pub async fn duplicates_of(&self, primary: Uuid) -> StoreResult<Vec<StoredActivity>> {
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE duplicate_of = $1 ORDER BY start_time, id"
        );
        let rows: Vec<ActivityDb> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(primary).fetch_all(pool).await?);
        rows.into_iter().map(StoredActivity::try_from).collect()
    }

    /// Marks `id` as a copy of `primary` (or, with `None`, as a primary itself) inside `tx`.
    pub async fn set_duplicate_of(
        &self,
        tx: &mut Tx,
        id: Uuid,
        primary: Option<Uuid>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query("UPDATE activities SET duplicate_of = $2 WHERE id = $1")
            .bind(id)
            .bind(primary)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Pairs among `ids` the athlete split apart (never to be grouped again).
    pub async fn match_exclusions(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
    ) -> StoreResult<Vec<(Uuid, Uuid)>> {
        Ok(on_tx!(tx, conn => sqlx::query_as(
            "SELECT first_id, second_id FROM activity_match_exclusions WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_all(conn)
        .await?))
    }

    /// Records that two activities are not the same workout, inside `tx`.
    pub async fn exclude_match(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        a: Uuid,
        b: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO activity_match_exclusions (user_id, first_id, second_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (first_id, second_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(first)
        .bind(second)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }
}
