//! The webhook inbox (SQLite only): a second database file beside the main one, with its own
//! write lock, where acknowledged webhook events wait to become jobs.
//!
//! SQLite has one writer. A webhook's acknowledgement must wait until its event is durable,
//! and on the main database that meant waiting behind every delivery queued for the write
//! lock. In the inbox it waits only for other acknowledgements. One mover then turns the
//! waiting events into jobs in the main database, many in one transaction, and records there
//! how far it got (`INBOX_MOVED`), in the same transaction as the jobs: an event becomes jobs
//! exactly once, whatever fails between the two files. Redeliveries are recognised in the
//! inbox by the provider's event key.
//!
//! The file is `<database>-inbox`, beside the database's own `-wal` and `-shm` files; it
//! belongs to the database and is set aside with it by a restore.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::{NewJob, Store, StoreError, StoreResult, Tx, on_tx};

/// The setting (in the main database) that holds the last inbox entry turned into jobs.
pub const INBOX_MOVED: &str = "ingestion.inbox_moved";

/// The sequence number in `recorded` (`<inbox id>:<seq>`, the [`INBOX_MOVED`] setting), if the
/// record is about inbox `id`.
fn moved_from(recorded: Option<&str>, id: &str) -> Option<i64> {
    let (of, seq) = recorded?.split_once(':')?;
    (of == id).then(|| seq.parse().ok()).flatten()
}

/// The inbox's schema. `AUTOINCREMENT` never reuses a sequence number, so the main
/// database's record of the last one moved stays meaningful after entries are deleted.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS inbox_events (\
        plugin_id TEXT NOT NULL, event_key TEXT NOT NULL, received_at TEXT NOT NULL, \
        PRIMARY KEY (plugin_id, event_key)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS inbox_jobs (\
        seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id BLOB NOT NULL, kind TEXT NOT NULL, \
        plugin_id TEXT, payload TEXT NOT NULL, priority INTEGER NOT NULL, run_at TEXT NOT NULL, \
        dedupe_key TEXT, max_attempts INTEGER NOT NULL, received_at TEXT NOT NULL, \
        event_plugin TEXT NOT NULL, event_key TEXT)",
    "CREATE TABLE IF NOT EXISTS inbox_identity (id TEXT NOT NULL)",
];

/// An open inbox.
#[derive(Debug, Clone)]
pub(crate) struct Inbox {
    pool: SqlitePool,
    /// Chosen when the file was created. The main database's record of how far the inbox was
    /// moved names it: a record about another inbox (before a restore, or after the file was
    /// deleted) says nothing about this one's entries.
    id: String,
}

/// A webhook event to record in the inbox.
#[derive(Debug, Clone)]
pub struct InboxEvent {
    /// The plugin that received it.
    pub plugin: String,
    /// The provider's id of the event, when it has one.
    pub key: Option<String>,
    /// The jobs it asks for; each names its athlete.
    pub jobs: Vec<NewJob>,
}

/// An `inbox_jobs` row: seq, user_id, kind, plugin_id, payload, priority, run_at,
/// dedupe_key, max_attempts, event_plugin, event_key.
type InboxRow = (
    i64,
    Uuid,
    String,
    Option<String>,
    String,
    i32,
    DateTime<Utc>,
    Option<String>,
    i32,
    String,
    Option<String>,
);

/// A job waiting in the inbox.
#[derive(Debug, Clone)]
pub struct InboxJob {
    /// Its place in the inbox.
    pub seq: i64,
    /// The job (never held: the brake is read when it is moved).
    pub job: NewJob,
    /// The plugin that received its event, and the event's key when it has one: recorded in
    /// the main database when the job is moved, so that redeliveries are recognised even by
    /// an inbox that replaced this one.
    pub event: (String, Option<String>),
}

/// The inbox file of the database at `file`.
pub fn inbox_file(file: &std::path::Path) -> std::path::PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push("-inbox");
    name.into()
}

/// Opens (creating when missing) the inbox beside `options`' database; `None` for an
/// in-memory database, which has no file to stand beside.
async fn open(options: &SqliteConnectOptions) -> StoreResult<Option<Inbox>> {
    let file = options.get_filename();
    let name = file.to_string_lossy();
    if name.is_empty() || name == ":memory:" || name.starts_with("file:") {
        return Ok(None);
    }
    let path = inbox_file(file);
    super::create_private_file(&path)?;
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(30));
    // One connection: its writes never contend for the lock, and its reads are short.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(options)
        .await?;
    let mut tx = begin_immediate(&pool).await?;
    for statement in SCHEMA {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM inbox_identity")
        .fetch_optional(&mut *tx)
        .await?;
    let id = match id {
        Some(id) => id,
        None => {
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO inbox_identity (id) VALUES ($1)")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(Some(Inbox { pool, id }))
}

/// Begins a write transaction on the inbox. sqlx's custom `BEGIN` is not cancel-safe (see
/// `Store::begin`), so it runs in a task of its own.
async fn begin_immediate(
    pool: &SqlitePool,
) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
        .await
        .map_err(|e| {
            StoreError::Database(sqlx::Error::Protocol(format!(
                "beginning an inbox transaction: {e}"
            )))
        })?
        .map_err(StoreError::from)
}

impl Inbox {
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

impl Store {
    /// Opens the webhook inbox beside a SQLite database file (creating it when missing), for
    /// the server that receives webhooks; tools that only read or repair the database do not
    /// need it. Nothing changes on PostgreSQL or an in-memory database. Run after
    /// [`Store::migrate`]: events the database recorded before the inbox existed are carried
    /// into it, so that their redeliveries are still recognised.
    pub async fn open_inbox(mut self) -> StoreResult<Self> {
        if self.inbox.is_some() {
            return Ok(self);
        }
        let super::Pool::Sqlite(main) = &self.pool else {
            return Ok(self);
        };
        self.inbox = open(&main.connect_options()).await?;
        self.adopt_recorded_events().await?;
        self.resume_numbering().await?;
        Ok(self)
    }

    /// Whether webhook events go through the inbox (SQLite on a file).
    pub fn has_inbox(&self) -> bool {
        self.inbox.is_some()
    }

    fn inbox(&self) -> StoreResult<&SqlitePool> {
        self.inbox
            .as_ref()
            .map(|inbox| &inbox.pool)
            .ok_or_else(|| StoreError::Config("this database has no webhook inbox".to_owned()))
    }

    /// Numbers the inbox's next entries after the last one the main database records as
    /// moved from it. An older copy of this inbox file put back (a file-level restore of the
    /// data directory) would otherwise number new entries at or below that record, and the
    /// mover would take them for entries already moved.
    async fn resume_numbering(&self) -> StoreResult<()> {
        let Some(inbox) = &self.inbox else {
            return Ok(());
        };
        let recorded = self.setting(None, INBOX_MOVED).await?;
        let Some(moved) = moved_from(recorded.as_deref(), &inbox.id) else {
            return Ok(());
        };
        let mut tx = begin_immediate(&inbox.pool).await?;
        sqlx::query(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox_jobs', 0 \
             WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'inbox_jobs')",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE sqlite_sequence SET seq = $1 WHERE name = 'inbox_jobs' AND seq < $1")
            .bind(moved)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Carries the events the main database recorded before the inbox existed into it, once,
    /// so that their redeliveries are still recognised.
    async fn adopt_recorded_events(&self) -> StoreResult<()> {
        let (Some(Inbox { pool: inbox, .. }), super::Pool::Sqlite(main)) =
            (&self.inbox, &self.pool)
        else {
            return Ok(());
        };
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(inbox)
            .await?;
        if version >= 1 {
            return Ok(());
        }
        let recorded: Vec<(String, String, DateTime<Utc>)> =
            sqlx::query_as("SELECT plugin_id, event_key, received_at FROM webhook_events")
                .fetch_all(main)
                .await?;
        let mut tx = begin_immediate(inbox).await?;
        for (plugin, key, at) in &recorded {
            sqlx::query(
                "INSERT INTO inbox_events (plugin_id, event_key, received_at) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(plugin)
            .bind(key)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("PRAGMA user_version = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records webhook events and their jobs in the inbox, in one transaction; an event seen
    /// before (by its key) adds nothing. Returns how many jobs were added.
    pub async fn inbox_record(
        &self,
        events: &[&InboxEvent],
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let inbox = self.inbox()?;
        let mut tx = begin_immediate(inbox).await?;
        let mut added = 0;
        for event in events {
            if let Some(key) = &event.key {
                let new = sqlx::query(
                    "INSERT INTO inbox_events (plugin_id, event_key, received_at) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&event.plugin)
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if !new {
                    continue;
                }
            }
            for job in &event.jobs {
                let Some(user) = job.user_id else {
                    return Err(StoreError::Config(format!(
                        "a webhook job of {} names no athlete",
                        event.plugin
                    )));
                };
                sqlx::query(
                    "INSERT INTO inbox_jobs (user_id, kind, plugin_id, payload, priority, run_at, dedupe_key, \
                     max_attempts, received_at, event_plugin, event_key) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(user)
                .bind(&job.kind)
                .bind(&job.plugin_id)
                .bind(&job.payload)
                .bind(job.priority)
                .bind(job.run_at)
                .bind(&job.dedupe_key)
                .bind(job.max_attempts)
                .bind(now)
                .bind(&event.plugin)
                .bind(&event.key)
                .execute(&mut *tx)
                .await?;
                added += 1;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The oldest `limit` jobs waiting in the inbox, in the order they arrived.
    pub async fn inbox_waiting_jobs(&self, limit: u32) -> StoreResult<Vec<InboxJob>> {
        let rows: Vec<InboxRow> = sqlx::query_as(
            "SELECT seq, user_id, kind, plugin_id, payload, priority, run_at, dedupe_key, max_attempts, \
             event_plugin, event_key FROM inbox_jobs ORDER BY seq LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.inbox()?)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    seq,
                    user,
                    kind,
                    plugin_id,
                    payload,
                    priority,
                    run_at,
                    dedupe_key,
                    max_attempts,
                    event_plugin,
                    event_key,
                )| {
                    InboxJob {
                        seq,
                        event: (event_plugin, event_key),
                        job: NewJob {
                            kind,
                            plugin_id,
                            user_id: Some(user),
                            payload,
                            priority,
                            run_at,
                            dedupe_key,
                            max_attempts,
                            held: false,
                        },
                    }
                },
            )
            .collect())
    }

    /// The last entry of this inbox turned into jobs, as `tx` sees it (0 when the record is
    /// missing or about another inbox). Stored as `<inbox id>:<seq>`.
    pub async fn inbox_moved(&self, tx: &mut Tx) -> StoreResult<i64> {
        let Some(inbox) = &self.inbox else {
            return Ok(0);
        };
        let recorded = self.setting(Some(tx), INBOX_MOVED).await?;
        Ok(moved_from(recorded.as_deref(), &inbox.id).unwrap_or(0))
    }

    /// Records inside `tx` that this inbox's entries up to `seq` are jobs now.
    pub async fn set_inbox_moved(
        &self,
        tx: &mut Tx,
        seq: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let inbox = self
            .inbox
            .as_ref()
            .ok_or_else(|| StoreError::Config("this database has no webhook inbox".to_owned()))?;
        self.set_setting(tx, INBOX_MOVED, &format!("{}:{seq}", inbox.id), now)
            .await
    }

    /// Deletes the inbox's entries up to `seq` (after they were moved).
    pub async fn inbox_forget(&self, seq: i64) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM inbox_jobs WHERE seq <= $1")
            .bind(seq)
            .execute(self.inbox()?)
            .await?
            .rows_affected())
    }

    /// Forgets the webhook event keys received before `before`, in the main database and in
    /// the inbox: they recognise a provider's redelivery, which comes within hours, and would
    /// otherwise grow with every webhook ever received. Returns how many were forgotten.
    pub async fn forget_webhook_events(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let mut forgotten = crate::on_write!(self, pool => sqlx::query("DELETE FROM webhook_events WHERE received_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected());
        if let Some(inbox) = &self.inbox {
            forgotten += sqlx::query("DELETE FROM inbox_events WHERE received_at < $1")
                .bind(before)
                .execute(&inbox.pool)
                .await?
                .rows_affected();
        }
        Ok(forgotten)
    }

    /// How many jobs wait in the inbox (for one athlete, or anyone); 0 without an inbox.
    pub async fn inbox_count(&self, user_id: Option<Uuid>) -> StoreResult<i64> {
        let Some(inbox) = &self.inbox else {
            return Ok(0);
        };
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM inbox_jobs WHERE $1 IS NULL OR user_id = $1")
                .bind(user_id)
                .fetch_one(&inbox.pool)
                .await?,
        )
    }

    /// Which of `users` exist, as `tx` sees them.
    pub async fn existing_users(&self, tx: &mut Tx, users: &[Uuid]) -> StoreResult<HashSet<Uuid>> {
        let mut found = HashSet::with_capacity(users.len());
        for chunk in users.chunks(500) {
            let mut sql = String::from("SELECT id FROM users WHERE id IN (");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", i + 1));
            }
            sql.push(')');
            let ids: Vec<Uuid> = on_tx!(tx, conn => {
                let mut query = sqlx::query_scalar(&sql);
                for user in chunk {
                    query = query.bind(user);
                }
                query.fetch_all(conn).await?
            });
            found.extend(ids);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::moved_from;

    #[test]
    fn the_moved_record_counts_only_for_its_own_inbox() {
        assert_eq!(moved_from(Some("abc:42"), "abc"), Some(42));
        assert_eq!(moved_from(Some("abc:42"), "other"), None);
        assert_eq!(moved_from(Some("abc:not-a-number"), "abc"), None);
        assert_eq!(moved_from(Some("no separator"), "abc"), None);
        assert_eq!(moved_from(None, "abc"), None);
    }
}
