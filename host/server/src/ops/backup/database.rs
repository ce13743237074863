//! What a database needs from the keys, read from the database itself, and the copies taken
//! of it: `VACUUM INTO` for SQLite, `pg_dump` inside an exported snapshot for PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::BackupError;
use crate::config::Config;
use crate::connections::keys::KeyRing;
use crate::ops::pg_tools;

/// The provider tokens sealed with one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenKeyUse {
    /// How many connections hold tokens sealed with it.
    pub tokens: i64,
    /// One of those ciphertexts (base64), so a restore can prove the keys open them before
    /// it writes anything (a PostgreSQL dump cannot be read until it is restored).
    pub sample: String,
}

/// The audit chain's signed head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    /// Entries in the chain.
    pub seq: i64,
    /// The last entry's hash, base64.
    pub hash: String,
    /// The head's signature, base64.
    pub signature: String,
    /// The audit key that signed it.
    pub key_id: String,
}

/// The keys a database needs, read from the same snapshot as the copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyNeeds {
    /// Token key ids stored provider tokens are sealed with.
    pub token_keys: BTreeMap<String, TokenKeyUse>,
    /// The audit chain's head, when it is signed.
    pub audit_head: Option<SignedHead>,
}

/// The keys to check a database against, and where they came from.
pub(super) struct Keys {
    ring: KeyRing,
    token_ids: BTreeSet<String>,
    source_name: String,
}

impl Keys {
    /// The keys the configuration holds (`[secrets]`), when it holds any.
    pub(super) fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
        if config.secrets.token_keys.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self {
            ring: KeyRing::load(config)?,
            token_ids: config.secrets.token_keys.keys().cloned().collect(),
            source_name: "from the configuration".to_owned(),
        }))
    }

    /// The keys in the keys file at `path`.
    pub(super) fn from_file(path: &Path, source_name: String) -> Result<Self, BackupError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| BackupError::BadKeysFile(format!("{source_name} cannot be read: {e}")))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| BackupError::BadKeysFile(format!("{source_name} is not JSON: {e}")))?;
        let token_ids = value
            .get("keys")
            .and_then(serde_json::Value::as_object)
            .map(|keys| keys.keys().cloned().collect())
            .ok_or_else(|| BackupError::BadKeysFile(format!("{source_name} has no token keys")))?;
        let ring = KeyRing::from_file(path)
            .map_err(|e| BackupError::BadKeysFile(format!("{source_name}: {e:#}")))?;
        Ok(Self {
            ring,
            token_ids,
            source_name,
        })
    }

    /// Checks these keys hold everything `needs` names.
    pub(super) fn check(&self, needs: &KeyNeeds) -> Result<(), BackupError> {
        let source_name = || self.source_name.clone();
        for (key_id, used) in &needs.token_keys {
            if !self.token_ids.contains(key_id) {
                return Err(BackupError::MissingTokenKey {
                    source_name: source_name(),
                    key_id: key_id.clone(),
                    tokens: used.tokens,
                });
            }
            let sealed = STANDARD.decode(&used.sample).unwrap_or_default();
            if self.ring.open(key_id, &sealed).is_err() {
                return Err(BackupError::WrongTokenKey {
                    source_name: source_name(),
                    key_id: key_id.clone(),
                });
            }
        }
        if let Some(head) = &needs.audit_head {
            let hash = STANDARD.decode(&head.hash).unwrap_or_default();
            let signature = STANDARD.decode(&head.signature).unwrap_or_default();
            match self
                .ring
                .audit_keys()
                .verifies(&head.key_id, head.seq, &hash, &signature)
            {
                Some(true) => {}
                Some(false) => {
                    return Err(BackupError::WrongAuditKey {
                        source_name: source_name(),
                        seq: head.seq,
                    });
                }
                None => {
                    return Err(BackupError::MissingAuditKey {
                        source_name: source_name(),
                        key_id: head.key_id.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Reads the latest applied migration and the keys the database needs, on either backend's
/// connection (the same SQL runs on both).
macro_rules! read_database_facts {
    ($conn:expr) => {{
        let migration: Option<i64> =
            match sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&mut *$conn)
                .await
            {
                Ok(version) => version,
                Err(sqlx::Error::Database(_)) => None,
                Err(e) => return Err(e.into()),
            };
        let migration = migration.ok_or(BackupError::NoSchema)?;
        let uses: Vec<(String, i64)> = sqlx::query_as(
            "SELECT key_id, COUNT(*) FROM provider_connections \
             WHERE key_id IS NOT NULL AND access_token_enc IS NOT NULL GROUP BY key_id",
        )
        .fetch_all(&mut *$conn)
        .await?;
        let mut needs = KeyNeeds::default();
        for (key_id, tokens) in uses {
            let sample: Vec<u8> = sqlx::query_scalar(
                "SELECT access_token_enc FROM provider_connections \
                 WHERE key_id = $1 AND access_token_enc IS NOT NULL LIMIT 1",
            )
            .bind(&key_id)
            .fetch_one(&mut *$conn)
            .await?;
            needs.token_keys.insert(
                key_id,
                TokenKeyUse {
                    tokens,
                    sample: STANDARD.encode(sample),
                },
            );
        }
        // Selected with `*`: databases older than the signed head have no such columns.
        let head = sqlx::query("SELECT * FROM audit_head WHERE id = 1")
            .fetch_one(&mut *$conn)
            .await?;
        {
            use sqlx::Row;
            let seq: i64 = head.try_get("seq")?;
            let hash: Vec<u8> = head.try_get("hash")?;
            let signature: Option<Vec<u8>> = head.try_get("signature").unwrap_or(None);
            let key_id: Option<String> = head.try_get("key_id").unwrap_or(None);
            if let (Some(signature), Some(key_id)) = (signature, key_id)
                && seq > 0
            {
                needs.audit_head = Some(SignedHead {
                    seq,
                    hash: STANDARD.encode(hash),
                    signature: STANDARD.encode(signature),
                    key_id,
                });
            }
        }
        Ok::<(i64, KeyNeeds), anyhow::Error>((migration, needs))
    }};
}

/// The file a `sqlite:` URL names.
pub(super) fn sqlite_file(url: &str) -> anyhow::Result<PathBuf> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("the database URL {url} is not a SQLite URL"))?;
    Ok(options.get_filename().to_owned())
}

/// Opens an existing SQLite file (never creating one).
async fn open_sqlite(file: &Path) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(30));
    SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("opening the database {}", file.display()))
}

/// Folds a SQLite file's WAL into it, so the file is whole by itself (to be kept aside).
/// Best effort: a file that cannot be opened is moved with its WAL beside it.
pub(super) async fn fold_wal(file: &Path) {
    if let Ok(mut old) = open_sqlite(file).await {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut old)
            .await;
        let _ = old.close().await;
    }
}

/// Copies the SQLite database at `url` into `into` with `VACUUM INTO`: one read transaction,
/// so one consistent state however busy the server is. Reads the facts from the copy.
pub(super) async fn snapshot_sqlite(url: &str, into: &Path) -> anyhow::Result<(i64, KeyNeeds)> {
    let file = sqlite_file(url)?;
    if !file.exists() {
        return Err(BackupError::NoDatabase(file).into());
    }
    let mut live = open_sqlite(&file).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(into.to_string_lossy().into_owned())
        .execute(&mut live)
        .await
        .with_context(|| format!("copying {} with VACUUM INTO", file.display()))?;
    live.close().await?;
    sqlite_facts(into).await
}

/// The latest migration and the key needs of a SQLite file.
pub(super) async fn sqlite_facts(file: &Path) -> anyhow::Result<(i64, KeyNeeds)> {
    let mut conn = open_sqlite(file).await?;
    let facts = async { read_database_facts!(&mut conn) }.await;
    conn.close().await?;
    facts
}

/// Dumps the PostgreSQL database at `url` into `into` with `pg_dump`, inside a snapshot this
/// connection exports, and reads the facts from that same snapshot.
pub(super) async fn dump_postgres(url: &str, into: &Path) -> anyhow::Result<(i64, KeyNeeds)> {
    let target = pg_tools::Target::parse(url)?;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .context("connecting to the PostgreSQL database")?;
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let facts = async { read_database_facts!(&mut *tx) }.await?;
    target
        .run(
            "pg_dump",
            &[
                OsString::from("--format=custom"),
                OsString::from(format!("--snapshot={snapshot}")),
                OsString::from("--file"),
                into.as_os_str().to_owned(),
            ],
        )
        .await?;
    tx.commit().await?;
    conn.close().await?;
    Ok(facts)
}

/// The latest migration and key needs of the PostgreSQL database at `url`, and whether it
/// holds any Stride table at all.
pub(super) async fn postgres_state(url: &str) -> anyhow::Result<(bool, Option<(i64, KeyNeeds)>)> {
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .context("connecting to the PostgreSQL database")?;
    let occupied: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name IN ('_sqlx_migrations', 'users', 'audit_log'))",
    )
    .fetch_one(&mut conn)
    .await?;
    let facts = if occupied {
        Some(async { read_database_facts!(&mut conn) }.await?)
    } else {
        None
    };
    conn.close().await?;
    Ok((occupied, facts))
}

/// Runs the audit chain's verification over `url` with `keys`.
pub(super) async fn verify_audit(
    url: &str,
    keys: &Keys,
) -> anyhow::Result<crate::audit::Verification> {
    let store = stride_store::Store::connect(url, 2).await?;
    let audit = crate::audit::Audit::new(store.clone(), keys.ring.audit_keys());
    let result = audit.verify(None).await;
    store.close().await;
    Ok(result?)
}
