//! The only code that speaks SQL.
//!
//! One API over SQLite (the default, zero set-up) and PostgreSQL (production, many replicas).
//! Queries are written once in the SQL both understand (`$n` placeholders, `ON CONFLICT`,
//! `RETURNING`) and run on whichever pool is configured, through the [`on_pool!`] and
//! [`on_tx!`] macros. Backend-specific SQL appears only where a backend offers something
//! better (PostgreSQL's `FOR UPDATE SKIP LOCKED`), and says so.
//!
//! Instants are bound from the caller's clock (never `now()` in SQL) so that tests control
//! time and both backends agree to the microsecond.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use uuid::Uuid;

mod accounts;
mod athletes;
mod audit;
mod batch;
mod erasure;
mod export;
mod file_imports;
mod inbox;
mod ingestion;
mod insights;
mod jobs;
mod plugins;
mod proposals;
mod relay;
mod training;

pub use accounts::{CoachGrant, Invite, NewInvite, NewUser, Session, User};
pub use athletes::{
    ActivityCursor, ActivityRecord, ActivitySamples, DailyMetricsCursor, DailyMetricsRecord,
    DateRange, StoredActivity,
};
pub use audit::{
    AuditCheckpoint, AuditEntry, AuditFilter, AuditHead, ErasedAuditFields, NewAuditEntry,
};
pub use erasure::ErasedRows;
pub use export::{ExportRow, GrantHistoryRow, MeasurementCursor, MeasurementRow, TaskHistoryRow};
pub use file_imports::{FileImportRow, FileImportStatus};
pub use inbox::{INBOX_MOVED, InboxEvent, InboxJob, inbox_file};
pub use ingestion::{
    BackfillRow, BackfillStatus, Connection, ConnectionStatus, NewConnection, RateSlot,
    RateWindowRow, RejectionRow, SealedTokens, TaskRow,
};
pub use insights::{
    DayLogRow, DigestSendRow, DigestSettingsRow, InsightSessionRow, InsightsRow, SessionLogRow,
};
pub use jobs::{JobCounts, JobQueueGroup, JobRow, NewJob, RoutedWebhook};
pub use plugins::PluginFailureRow;
pub use proposals::{ProposalRow, RuleRow, RuleVersionRow};
pub use relay::RelayToken;
pub use training::{ActivityLoadRow, PlanVersionRow, StoredPlan, StoredWorkout};

/// Why a store call failed. `NotFound` and `Conflict` are expected outcomes callers handle;
/// everything else is an operational failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No row matched.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated; the text names the rule.
    #[error("conflict with existing data ({0})")]
    Conflict(String),
    /// A stored value could not be understood (a bug or tampering, never user input).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database URL or options are unusable.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// Applying migrations failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(
                db.constraint()
                    .map_or_else(|| db.message().to_owned(), str::to_owned),
            ),
            sqlx::Error::ColumnDecode { index, source } => {
                StoreError::Corrupt(format!("column {index}: {source}"))
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<stride_domain::UnknownValue> for StoreError {
    fn from(error: stride_domain::UnknownValue) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

/// Store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// The earliest day a query bound uses: four-digit years compare correctly as SQLite text.
pub const FAR_PAST: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(day) => day,
    None => chrono::NaiveDate::MIN,
};

/// The latest day a query bound uses.
pub const FAR_FUTURE: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day,
    None => chrono::NaiveDate::MAX,
};

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool, whichever backend it is.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs a write outside a transaction with `$pool` bound to the pool writes use: on SQLite the
/// writer connection, so autocommit writes queue with transactions for the one write lock
/// instead of sleeping and polling for it; on PostgreSQL the pool.
macro_rules! on_write {
    ($store:expr, $pool:ident => $body:expr) => {
        match (&$store.pool, &$store.writer) {
            ($crate::Pool::Sqlite(_), Some($pool)) => $body,
            ($crate::Pool::Sqlite($pool), None) => $body,
            ($crate::Pool::Postgres($pool), _) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection, whichever backend it is.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut ($tx).conn {
            $crate::TxConn::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::TxConn::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
/// Runs `$body` inside the transaction when `$tx` is `Some`, on the pool otherwise: for reads
/// that must see (and be serialized with) a transaction's writes when there is one.
macro_rules! on_conn {
    ($store:expr, $tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            Some(tx) => $crate::on_tx!(tx, $conn => $body),
            None => $crate::on_pool!($store, $conn => $body),
        }
    };
}
pub(crate) use {on_conn, on_pool, on_tx, on_write};

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// SQLite only: the one connection transactions run on. SQLite has one writer at a time;
    /// queueing for this connection hands the write lock on at once, where many connections
    /// contending for it would sleep and poll (and starve under load). Reads use `pool`.
    writer: Option<SqlitePool>,
    /// SQLite on a file, once the server opened it: the webhook inbox (see [`inbox`]).
    inbox: Option<inbox::Inbox>,
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls back.
pub struct Tx {
    conn: TxConn,
    /// The athletes whose row this transaction has locked: a lock is held until the
    /// transaction ends, so taking it again would be a wasted round trip.
    locked: Vec<Uuid>,
}

/// The connection of an open transaction.
pub(crate) enum TxConn {
    /// SQLite, begun `IMMEDIATE` so writers queue instead of failing mid-transaction.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    fn new(conn: TxConn) -> Self {
        Self {
            conn,
            locked: Vec::new(),
        }
    }

    /// Makes every write in the transaction durable.
    pub async fn commit(self) -> StoreResult<()> {
        match self.conn {
            TxConn::Sqlite(tx) => tx.commit().await?,
            TxConn::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Whether this transaction runs on PostgreSQL.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.conn, TxConn::Postgres(_))
    }

    /// Whether this transaction already holds `user`'s row lock.
    pub(crate) fn has_locked(&self, user: Uuid) -> bool {
        self.locked.contains(&user)
    }

    /// Records that this transaction holds `user`'s row lock, once it has taken it. (A lock
    /// is held until the transaction ends; no savepoint is ever rolled back to here, which
    /// would release it.)
    pub(crate) fn locked(&mut self, user: Uuid) {
        self.locked.push(user);
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// What `/readyz` reports about the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// Migrations this binary knows.
    pub expected_migrations: usize,
    /// Migrations applied successfully in the database.
    pub applied_migrations: usize,
}

impl Readiness {
    /// Reachable and fully migrated.
    pub fn is_ready(&self) -> bool {
        self.applied_migrations >= self.expected_migrations
    }
}

impl Store {
    /// Connects to `url`, choosing the backend from its scheme (`sqlite:` or `postgres:`).
    /// A SQLite file is created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("{e}")))?;
            create_private_file(options.get_filename())?;
            let options = options
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.clone())
                .await?;
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(options)
                .await?;
            Ok(Self {
                pool: Pool::Sqlite(pool),
                writer: Some(writer),
                inbox: None,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::Config(format!("{e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Self {
                pool: Pool::Postgres(pool),
                writer: None,
                inbox: None,
            })
        } else {
            Err(StoreError::Config(
                "the database URL must start with sqlite: or postgres: (e.g. sqlite://stride.db)"
                    .to_owned(),
            ))
        }
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations. Safe to run from several replicas at once (PostgreSQL takes
    /// an advisory lock).
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Checks the database answers and how many migrations it has.
    pub async fn readiness(&self) -> StoreResult<Readiness> {
        let expected = match self.pool {
            Pool::Sqlite(_) => SQLITE_MIGRATIONS.iter().count(),
            Pool::Postgres(_) => POSTGRES_MIGRATIONS.iter().count(),
        };
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let applied: i64 = on_pool!(self, pool => {
            match sqlx::query_scalar(sql).fetch_one(pool).await {
                Ok(n) => n,
                // No migrations table yet: reachable, but nothing applied.
                Err(sqlx::Error::Database(_)) => {
                    sqlx::query("SELECT 1").execute(pool).await?;
                    0
                }
                Err(e) => return Err(e.into()),
            }
        });
        Ok(Readiness {
            expected_migrations: expected,
            applied_migrations: usize::try_from(applied).unwrap_or(0),
        })
    }

    /// Begins a transaction.
    ///
    /// On SQLite the transaction takes the write lock at once (`BEGIN IMMEDIATE`), so a
    /// transaction that reads and then writes never fails on a lock upgrade. sqlx's custom
    /// `BEGIN` is not cancel-safe (a request dropped at the wrong moment leaves its pooled
    /// connection inside a transaction, holding the lock), so it runs in its own task: a
    /// cancelled caller drops a finished `Transaction`, which rolls back.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => {
                let pool = self.writer.clone().unwrap_or_else(|| pool.clone());
                let begun = tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
                    .await
                    .map_err(|e| {
                        StoreError::Database(sqlx::Error::Protocol(format!(
                            "beginning a transaction: {e}"
                        )))
                    })?;
                Tx::new(TxConn::Sqlite(begun?))
            }
            Pool::Postgres(pool) => Tx::new(TxConn::Postgres(pool.begin().await?)),
        })
    }

    /// Whether [`Store::close`] was called: a background task that fails then is only
    /// meeting the shutdown.
    pub fn is_closed(&self) -> bool {
        on_pool!(self, pool => pool.is_closed())
    }

    /// Closes every pooled connection.
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        if let Some(inbox) = &self.inbox {
            inbox.close().await;
        }
        on_pool!(self, pool => pool.close().await)
    }
}

/// Creates the database file readable by its owner only (it holds health data and session
/// hashes); SQLite gives its `-wal` and `-shm` files the same permissions.
fn create_private_file(path: &std::path::Path) -> StoreResult<()> {
    let name = path.to_string_lossy();
    if name.is_empty() || name == ":memory:" || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Config(format!(
            "cannot create the database file {}: {e}",
            path.display()
        ))),
    }
}

/// Reads a text column into a domain enum, treating unknown text as corruption.
pub fn parse_enum<T: FromStr<Err = stride_domain::UnknownValue>>(text: &str) -> StoreResult<T> {
    Ok(text.parse::<T>()?)
}

/// Reads a JSON text column.
pub fn parse_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// Writes a value as a JSON text column.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

impl Store {
    /// Sends a notification to every replica listening on `channel` (PostgreSQL); nothing on
    /// SQLite, where one process owns the database.
    pub async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        if let Pool::Postgres(pool) = &self.pool {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Listens on `channel` (PostgreSQL only).
    pub async fn listen(&self, channel: &str) -> Option<sqlx::postgres::PgListener> {
        let Pool::Postgres(pool) = &self.pool else {
            return None;
        };
        let mut listener = match sqlx::postgres::PgListener::connect_with(pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for notifications");
                return None;
            }
        };
        match listener.listen(channel).await {
            Ok(()) => Some(listener),
            Err(error) => {
                tracing::warn!(%error, channel, "cannot listen for notifications");
                None
            }
        }
    }
}
