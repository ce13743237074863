//! Athletes' data exports: the archive's bookkeeping and chunks, and the reads that gather
//! everything Stride holds about one athlete where no other list covers it whole.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Store, StoreResult, Tx, on_pool, on_tx, on_write};

/// A requested export as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExportRow {
    /// Export id.
    pub id: Uuid,
    /// The athlete whose data it holds.
    pub user_id: Uuid,
    /// Who asked for it (the athlete, or an admin on their behalf).
    pub requested_by: Option<Uuid>,
    /// queued, running, ready, failed or expired.
    pub state: String,
    /// Steps of the build done.
    pub steps_done: i32,
    /// Steps the build takes (known once it runs).
    pub steps_total: i32,
    /// The archive's size in bytes, once ready.
    pub size_bytes: Option<i64>,
    /// Why the build failed.
    pub error: Option<String>,
    /// Requested.
    pub created_at: DateTime<Utc>,
    /// Last moved.
    pub updated_at: DateTime<Utc>,
    /// Became ready or failed.
    pub finished_at: Option<DateTime<Utc>>,
    /// When the archive is deleted.
    pub expires_at: DateTime<Utc>,
}

const EXPORT_COLUMNS: &str = "id, user_id, requested_by, state, steps_done, steps_total, size_bytes, error, \
     created_at, updated_at, finished_at, expires_at";

/// A single device measurement with its provenance, as an export lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MeasurementRow {
    /// The plugin (or `manual`) that delivered it.
    pub source: String,
    /// What it measures (`hrv`, `resting_heart_rate`, …).
    pub measure: String,
    /// When it was measured.
    pub at: DateTime<Utc>,
    /// The athlete's day it belongs to.
    pub local_date: NaiveDate,
    /// The value, in the measure's unit.
    pub value: f64,
    /// For HRV: `rmssd` or `sdnn`.
    pub hrv_kind: Option<String>,
    /// The device that measured it.
    pub device: Option<String>,
    /// When Stride received it.
    pub received_at: DateTime<Utc>,
}

/// Where the next page of measurements starts: strictly after this (instant, source, measure).
pub type MeasurementCursor = (DateTime<Utc>, String, String);

/// An athlete's task, open or done.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TaskHistoryRow {
    /// Task id.
    pub id: Uuid,
    /// `rate_activity` or `notice`.
    pub kind: String,
    /// The activity concerned.
    pub activity_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Done (or dismissed).
    pub done_at: Option<DateTime<Utc>>,
    /// For a notice: the plugin that filed it.
    pub source: Option<String>,
    /// For a notice: its kind.
    pub notice_kind: Option<String>,
    /// For a notice: the message.
    pub message: Option<String>,
}

/// A coach grant, live or revoked, in its stored text form.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GrantHistoryRow {
    /// Grant id.
    pub id: Uuid,
    /// The athlete who granted.
    pub athlete_id: Uuid,
    /// The coach who received it.
    pub coach_id: Uuid,
    /// `read` or `read_write`.
    pub access: String,
    /// Granted.
    pub created_at: DateTime<Utc>,
    /// Revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Records a requested export inside `tx` (state `queued`).
    pub async fn insert_export(
        &self,
        tx: &mut Tx,
        id: Uuid,
        user_id: Uuid,
        requested_by: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<ExportRow> {
        let sql = format!(
            "INSERT INTO data_exports (id, user_id, requested_by, state, created_at, updated_at, expires_at) \
             VALUES ($1, $2, $3, 'queued', $4, $4, $5) RETURNING {EXPORT_COLUMNS}"
        );
        Ok(on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(id)
            .bind(user_id)
            .bind(requested_by)
            .bind(now)
            .bind(expires_at)
            .fetch_one(conn)
            .await?))
    }

    /// One export.
    pub async fn export(&self, id: Uuid) -> StoreResult<ExportRow> {
        let sql = format!("SELECT {EXPORT_COLUMNS} FROM data_exports WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await?))
    }

    /// An athlete's exports, newest first.
    pub async fn exports_of(&self, user_id: Uuid, limit: u32) -> StoreResult<Vec<ExportRow>> {
        let sql = format!(
            "SELECT {EXPORT_COLUMNS} FROM data_exports WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?))
    }

    /// Starts (or restarts) building an export as `run_id`: drops chunks an earlier run wrote
    /// and resets the progress. `None` when the export is no longer to be built (ready,
    /// failed, expired or gone).
    pub async fn begin_export_run(
        &self,
        id: Uuid,
        run_id: Uuid,
        steps_total: i32,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<ExportRow>> {
        let mut tx = self.begin().await?;
        let sql = format!(
            "UPDATE data_exports SET state = 'running', run_id = $2, steps_done = 0, steps_total = $3, \
             size_bytes = NULL, error = NULL, updated_at = $4 \
             WHERE id = $1 AND state IN ('queued', 'running') RETURNING {EXPORT_COLUMNS}"
        );
        let row: Option<ExportRow> = on_tx!(&mut tx, conn => sqlx::query_as(&sql)
            .bind(id)
            .bind(run_id)
            .bind(steps_total)
            .bind(now)
            .fetch_optional(conn)
            .await?);
        if row.is_some() {
            on_tx!(&mut tx, conn => sqlx::query("DELETE FROM data_export_chunks WHERE export_id = $1")
                .bind(id)
                .execute(conn)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(row)
    }

    /// Records a run's progress; false when another run has taken the export over.
    pub async fn set_export_progress(
        &self,
        id: Uuid,
        run_id: Uuid,
        steps_done: i32,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(
            "UPDATE data_exports SET steps_done = $3, updated_at = $4 WHERE id = $1 AND run_id = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(run_id)
        .bind(steps_done)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Stores the archive's chunk number `seq` (from 0); false when another run has taken the
    /// export over.
    pub async fn put_export_chunk(
        &self,
        id: Uuid,
        run_id: Uuid,
        seq: i32,
        bytes: &[u8],
    ) -> StoreResult<bool> {
        let affected = on_write!(self, pool => sqlx::query(
            "INSERT INTO data_export_chunks (export_id, seq, bytes) SELECT $1, $3, $4 \
             WHERE EXISTS (SELECT 1 FROM data_exports WHERE id = $1 AND run_id = $2 AND state = 'running')",
        )
        .bind(id)
        .bind(run_id)
        .bind(seq)
        .bind(bytes)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Marks a run's archive ready, `size_bytes` long, kept until `expires_at`.
    pub async fn finish_export(
        &self,
        id: Uuid,
        run_id: Uuid,
        size_bytes: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Option<ExportRow>> {
        let sql = format!(
            "UPDATE data_exports SET state = 'ready', steps_done = steps_total, size_bytes = $3, updated_at = $4, \
             finished_at = $4, expires_at = $5 WHERE id = $1 AND run_id = $2 AND state = 'running' \
             RETURNING {EXPORT_COLUMNS}"
        );
        Ok(on_write!(self, pool => sqlx::query_as(&sql)
            .bind(id)
            .bind(run_id)
            .bind(size_bytes)
            .bind(now)
            .bind(expires_at)
            .fetch_optional(pool)
            .await?))
    }

    /// Marks an export failed for good, dropping whatever chunks were written.
    pub async fn fail_export(
        &self,
        id: Uuid,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<ExportRow>> {
        let mut tx = self.begin().await?;
        let sql = format!(
            "UPDATE data_exports SET state = 'failed', error = $2, updated_at = $3, finished_at = $3 \
             WHERE id = $1 AND state IN ('queued', 'running') RETURNING {EXPORT_COLUMNS}"
        );
        let row: Option<ExportRow> = on_tx!(&mut tx, conn => sqlx::query_as(&sql)
            .bind(id)
            .bind(error)
            .bind(now)
            .fetch_optional(conn)
            .await?);
        on_tx!(&mut tx, conn => sqlx::query("DELETE FROM data_export_chunks WHERE export_id = $1")
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(row)
    }

    /// The archive's chunk number `seq`, if there is one.
    pub async fn export_chunk(&self, id: Uuid, seq: i32) -> StoreResult<Option<Vec<u8>>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT bytes FROM data_export_chunks WHERE export_id = $1 AND seq = $2",
        )
        .bind(id)
        .bind(seq)
        .fetch_optional(pool)
        .await?))
    }

    /// Expires every export whose time is up at `now`: its archive is deleted and its row
    /// says `expired`. Returns the rows it expired.
    pub async fn expire_exports(&self, now: DateTime<Utc>) -> StoreResult<Vec<ExportRow>> {
        // Read first: most calls find nothing due and need no write lock.
        let due: Option<Uuid> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM data_exports WHERE expires_at <= $1 AND state <> 'expired' LIMIT 1",
        )
        .bind(now)
        .fetch_optional(pool)
        .await?);
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin().await?;
        let sql = format!(
            "UPDATE data_exports SET state = 'expired', updated_at = $1 \
             WHERE expires_at <= $1 AND state <> 'expired' RETURNING {EXPORT_COLUMNS}"
        );
        let rows: Vec<ExportRow> =
            on_tx!(&mut tx, conn => sqlx::query_as(&sql).bind(now).fetch_all(conn).await?);
        for row in &rows {
            on_tx!(&mut tx, conn => sqlx::query("DELETE FROM data_export_chunks WHERE export_id = $1")
                .bind(row.id)
                .execute(conn)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// Ids of every activity of the athlete, duplicates from other sources included, oldest
    /// first.
    pub async fn activity_ids_of(&self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM activities WHERE user_id = $1 ORDER BY start_time, id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?))
    }

    /// Ids of every training plan of the athlete, active and archived, oldest first.
    pub async fn plan_ids_of(&self, user_id: Uuid) -> StoreResult<Vec<Uuid>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM training_plans WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?))
    }

    /// A page of the athlete's single measurements (all sources), oldest first, after `after`.
    pub async fn measurements_of(
        &self,
        user_id: Uuid,
        after: Option<&MeasurementCursor>,
        limit: u32,
    ) -> StoreResult<Vec<MeasurementRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT source, measure, at, local_date, value, hrv_kind, device, received_at FROM measurements \
             WHERE user_id = $1 AND ($2 IS NULL OR at > $2 OR (at = $2 AND (source > $3 OR (source = $3 AND measure > $4)))) \
             ORDER BY at, source, measure LIMIT $5",
        )
        .bind(user_id)
        .bind(after.map(|c| c.0))
        .bind(after.map(|c| c.1.as_str()))
        .bind(after.map(|c| c.2.as_str()))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }

    /// Every task the athlete was given, open and done, oldest first.
    pub async fn tasks_of(&self, user_id: Uuid) -> StoreResult<Vec<TaskHistoryRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, kind, activity_id, created_at, done_at, source, notice_kind, message FROM athlete_tasks \
             WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?))
    }

    /// Every coach grant the user gave or received, live and revoked, oldest first.
    pub async fn grants_involving(&self, user_id: Uuid) -> StoreResult<Vec<GrantHistoryRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, athlete_id, coach_id, access, created_at, revoked_at FROM coach_grants \
             WHERE athlete_id = $1 OR coach_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?))
    }
}
