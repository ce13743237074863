//! Large file imports that run as jobs: the uploaded files, kept in pieces until the import
//! has read them, and where each import stands (so any replica can carry it on).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, StoreResult, Tx, on_pool, on_tx, on_write};

stride_domain::text_enum! {
    /// Where a file import stands.
    pub enum FileImportStatus {
        /// Waiting for a worker.
        Queued => "queued",
        /// Being read.
        Running => "running",
        /// Every file was read.
        Done => "done",
        /// Gave up (the reason is among its problems).
        Failed => "failed",
    }
}

/// A file import and its progress.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FileImportRow {
    /// Id (also the history-import run it reports as).
    pub id: Uuid,
    /// The athlete the files are for.
    pub user_id: Uuid,
    /// Who sent them (the athlete, or a coach with read-write access).
    pub requested_by: Option<Uuid>,
    /// The plugin reading them.
    pub plugin: String,
    /// Where it stands.
    #[sqlx(try_from = "String")]
    pub status: FileImportStatus,
    /// The files, as JSON (`[{"name", "content_type", "size"}]`), in upload order.
    pub files: String,
    /// The file being read (0-based); `files.len()` once all are read.
    pub file_index: i32,
    /// The plugin's cursor inside that file.
    pub cursor: Option<String>,
    /// Items (files, archive entries) read so far.
    pub items: i32,
    /// Activities stored so far.
    pub activities: i32,
    /// Workouts already stored from elsewhere.
    pub duplicates: i32,
    /// Records validation refused.
    pub refused: i32,
    /// What could not be used, as JSON (`[{"item", "message"}]`).
    pub problems: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last progress.
    pub updated_at: DateTime<Utc>,
    /// Finished (done or failed).
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, user_id, requested_by, plugin, status, files, file_index, cursor, items, \
     activities, duplicates, refused, problems, created_at, updated_at, finished_at";

impl Store {
    /// Records a new import inside `tx` (its files follow with [`Store::add_file_import_chunk`]).
    pub async fn create_file_import(&self, tx: &mut Tx, row: &FileImportRow) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO file_imports ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        on_tx!(tx, conn => sqlx::query(&sql)
            .bind(row.id)
            .bind(row.user_id)
            .bind(row.requested_by)
            .bind(&row.plugin)
            .bind(row.status.as_str())
            .bind(&row.files)
            .bind(row.file_index)
            .bind(&row.cursor)
            .bind(row.items)
            .bind(row.activities)
            .bind(row.duplicates)
            .bind(row.refused)
            .bind(&row.problems)
            .bind(row.created_at)
            .bind(row.updated_at)
            .bind(row.finished_at)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Stores piece `seq` of file `file_index` of an import inside `tx`.
    pub async fn add_file_import_chunk(
        &self,
        tx: &mut Tx,
        import: Uuid,
        file_index: i32,
        seq: i32,
        data: &[u8],
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO file_import_chunks (import_id, file_index, seq, data) VALUES ($1, $2, $3, $4)",
        )
        .bind(import)
        .bind(file_index)
        .bind(seq)
        .bind(data)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Piece `seq` of file `file_index` of an import, if there is one.
    pub async fn file_import_chunk(
        &self,
        import: Uuid,
        file_index: i32,
        seq: i32,
    ) -> StoreResult<Option<Vec<u8>>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT data FROM file_import_chunks WHERE import_id = $1 AND file_index = $2 AND seq = $3",
        )
        .bind(import)
        .bind(file_index)
        .bind(seq)
        .fetch_optional(pool)
        .await?))
    }

    /// Forgets the pieces of files before `before_index` (they have been read).
    pub async fn drop_file_import_chunks(
        &self,
        import: Uuid,
        before_index: i32,
    ) -> StoreResult<u64> {
        Ok(on_write!(self, pool => sqlx::query(
            "DELETE FROM file_import_chunks WHERE import_id = $1 AND file_index < $2",
        )
        .bind(import)
        .bind(before_index)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Bytes of uploaded files still kept for an import.
    pub async fn file_import_kept_bytes(&self, import: Uuid) -> StoreResult<i64> {
        let total: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT CAST(SUM(LENGTH(data)) AS BIGINT) FROM file_import_chunks WHERE import_id = $1",
        )
        .bind(import)
        .fetch_one(pool)
        .await?);
        Ok(total.unwrap_or(0))
    }

    /// One import.
    pub async fn file_import(&self, id: Uuid) -> StoreResult<Option<FileImportRow>> {
        let sql = format!("SELECT {COLUMNS} FROM file_imports WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// An athlete's imports, newest first.
    pub async fn file_imports_of(
        &self,
        user_id: Uuid,
        limit: u32,
    ) -> StoreResult<Vec<FileImportRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM file_imports WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?))
    }

    /// Writes an import's progress (everything but who, what and when it started) inside
    /// `tx`; false when the import no longer exists (its athlete was erased).
    pub async fn update_file_import(&self, tx: &mut Tx, row: &FileImportRow) -> StoreResult<bool> {
        let changed = on_tx!(tx, conn => sqlx::query(
            "UPDATE file_imports SET status = $2, file_index = $3, cursor = $4, items = $5, \
             activities = $6, duplicates = $7, refused = $8, problems = $9, updated_at = $10, \
             finished_at = $11 WHERE id = $1",
        )
        .bind(row.id)
        .bind(row.status.as_str())
        .bind(row.file_index)
        .bind(&row.cursor)
        .bind(row.items)
        .bind(row.activities)
        .bind(row.duplicates)
        .bind(row.refused)
        .bind(&row.problems)
        .bind(row.updated_at)
        .bind(row.finished_at)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(changed > 0)
    }
}
