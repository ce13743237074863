//! `stride backup` and `stride restore`.
//!
//! A backup is one tar file: `manifest.json` (what the backup is and the SHA-256 of every
//! other member), the database (`database.sqlite`, a copy made with `VACUUM INTO`, or
//! `database.pgdump`, `pg_dump --format=custom`), and the keys file (`keys.json`). Both copies
//! are consistent while the server runs and writes: `VACUUM INTO` reads one snapshot of the
//! WAL database, and `pg_dump` runs inside a snapshot this command exports and reads the
//! key requirements from too. The keys file is read after the snapshot; keys are only ever
//! added to it, so it holds every key the copied database refers to.
//!
//! The database is useless without its keys (provider tokens are encrypted with them and the
//! audit chain's head is signed with them), so both commands check that the keys file holds
//! the keys the database needs — a key for every token key id in use, one that really opens a
//! token sealed with it, and the audit key that signed the head — and refuse otherwise.
//! `restore` checks every member's checksum, the schema version and the keys before it writes
//! anything, and never replaces existing data without `--force`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::migrate::Migrator;

use super::pg_tools;
use crate::config::Config;

mod archive;
mod database;

use archive::{aside, digest_file, make_private, parent_dir, unpack, with_suffix, write_private};
pub use database::{KeyNeeds, SignedHead, TokenKeyUse};
use database::{
    Keys, dump_postgres, fold_wal, postgres_state, snapshot_sqlite, sqlite_facts, sqlite_file,
    verify_audit,
};

/// The archive layout this binary writes; it reads this one and older ones.
pub const FORMAT_VERSION: u32 = 1;
/// The member describing the backup.
pub const MANIFEST: &str = "manifest.json";
/// The member holding a SQLite database.
pub const SQLITE_MEMBER: &str = "database.sqlite";
/// The member holding a PostgreSQL dump (`pg_dump --format=custom`).
pub const POSTGRES_MEMBER: &str = "database.pgdump";
/// The member holding the keys file.
pub const KEYS_MEMBER: &str = "keys.json";

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Why a backup could not be made or restored: each names the problem and what to do.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The configured database file does not exist.
    #[error("there is no database at {0}: nothing to back up")]
    NoDatabase(PathBuf),
    /// The database was never migrated.
    #[error(
        "the database holds no Stride schema (no migrations applied): it is not a Stride database"
    )]
    NoSchema,
    /// There is no keys file to put in the backup.
    #[error(
        "there is no keys file at {0}: without it the database's provider tokens cannot be decrypted nor its audit log verified; point data_dir at the deployment's data directory"
    )]
    NoKeysToBackUp(PathBuf),
    /// The output exists already.
    #[error("{0} already exists; choose another --out")]
    OutputExists(PathBuf),
    /// The file is not a Stride backup.
    #[error("{path} is not a Stride backup: {why}")]
    NotABackup {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// The backup was written by a newer Stride, in a layout this one does not know.
    #[error(
        "the backup has format {found}, newer than the format {known} this Stride reads: restore it with the Stride version that wrote it ({version})"
    )]
    NewerFormat {
        /// The backup's format.
        found: u32,
        /// The newest format this binary reads.
        known: u32,
        /// The Stride version that wrote the backup.
        version: String,
    },
    /// A member the manifest lists is not in the archive.
    #[error("the backup is incomplete: {0} is listed in its manifest but missing from the archive")]
    MissingMember(String),
    /// A member is in the archive but not in the manifest.
    #[error(
        "the backup holds {0}, which its manifest does not list: refusing a file that was changed after it was written"
    )]
    UnlistedMember(String),
    /// A member's checksum or size does not match the manifest.
    #[error(
        "the backup is damaged: {member} has SHA-256 {actual} and {actual_size} bytes, but its manifest says {expected} and {expected_size} bytes"
    )]
    Damaged {
        /// The member.
        member: String,
        /// The checksum the manifest records.
        expected: String,
        /// The checksum of the bytes in the archive.
        actual: String,
        /// The size the manifest records.
        expected_size: u64,
        /// The size in the archive.
        actual_size: u64,
    },
    /// The backup's database is of another kind than the configured one.
    #[error(
        "the backup holds a {backup} database but the configured database_url is {configured}: restore it into a {backup} database"
    )]
    BackendMismatch {
        /// The backup's backend.
        backup: &'static str,
        /// The configured backend.
        configured: &'static str,
    },
    /// The backup's schema is newer than this binary's migrations.
    #[error(
        "the backup's database is at schema version {backup}, newer than the {known} this Stride knows: restore it with the Stride version that wrote it ({version}) or a newer one"
    )]
    NewerSchema {
        /// The backup's latest applied migration.
        backup: i64,
        /// The latest migration this binary knows.
        known: i64,
        /// The Stride version that wrote the backup.
        version: String,
    },
    /// The backup holds no keys file and the configuration names no keys.
    #[error(
        "the backup holds no keys file (keys.json) and the configuration names no keys: its database's provider tokens could not be decrypted nor its audit log verified. Use a backup that holds the keys file, or configure the deployment's keys under [secrets]"
    )]
    NoKeys,
    /// The keys file cannot be read.
    #[error("the keys file {0}")]
    BadKeysFile(String),
    /// A token key the database uses is not in the keys.
    #[error(
        "the keys ({source_name}) lack token key `{key_id}`, which {tokens} stored provider token(s) are encrypted with"
    )]
    MissingTokenKey {
        /// Where the keys came from.
        source_name: String,
        /// The missing key's id.
        key_id: String,
        /// How many connections use it.
        tokens: i64,
    },
    /// A token key is there but does not open the tokens sealed with it.
    #[error(
        "token key `{key_id}` in the keys ({source_name}) does not decrypt the provider tokens stored with that key id: the keys belong to another deployment"
    )]
    WrongTokenKey {
        /// Where the keys came from.
        source_name: String,
        /// The key's id.
        key_id: String,
    },
    /// The audit head is signed with a key id the keys do not hold.
    #[error(
        "the audit log's head is signed with audit key `{key_id}`, which the keys ({source_name}) do not hold"
    )]
    MissingAuditKey {
        /// Where the keys came from.
        source_name: String,
        /// The key id.
        key_id: String,
    },
    /// The audit key does not verify the head's signature.
    #[error(
        "the audit key in the keys ({source_name}) did not sign the database's audit log head (entry {seq}): the keys belong to another deployment"
    )]
    WrongAuditKey {
        /// Where the keys came from.
        source_name: String,
        /// The head's entry number.
        seq: i64,
    },
    /// The audit chain in the backup does not verify.
    #[error("the backup's audit log does not verify: entry {seq}: {reason}")]
    AuditBroken {
        /// The first entry that does not match.
        seq: i64,
        /// Why.
        reason: String,
    },
    /// A SQLite database exists where the restore would write.
    #[error(
        "a database file already exists at {0}; pass --force to replace the database (its files are kept beside as <name>.before-restore-<time>)"
    )]
    DatabaseExists(PathBuf),
    /// The PostgreSQL database already holds Stride's tables.
    #[error(
        "the PostgreSQL database {0} already holds Stride tables; pass --force to replace its contents (take a `stride backup` of it first)"
    )]
    PostgresNotEmpty(String),
    /// A different keys file exists where the restore would write.
    #[error(
        "a different keys file already exists at {0}; pass --force to replace it (it is kept beside as keys.json.before-restore-<time>)"
    )]
    KeysFileExists(PathBuf),
    /// A PostgreSQL tool is not installed.
    #[error(
        "`{0}` was not found on PATH: install the PostgreSQL client tools (the server's major version or newer)"
    )]
    ToolMissing(&'static str),
    /// A PostgreSQL tool failed.
    #[error("{tool} failed ({status}):\n{stderr}")]
    ToolFailed {
        /// The tool.
        tool: &'static str,
        /// Its exit status.
        status: String,
        /// The end of what it printed.
        stderr: String,
    },
}

/// Which database a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

impl BackendKind {
    /// The kind a database URL names.
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!("the database URL must start with sqlite: or postgres:")
        }
    }

    /// Its name for people.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// The archive member holding the database.
    pub fn member(self) -> &'static str {
        match self {
            Self::Sqlite => SQLITE_MEMBER,
            Self::Postgres => POSTGRES_MEMBER,
        }
    }

    /// The latest migration this binary knows for this backend.
    pub fn known_migration(self) -> i64 {
        let migrator = match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }
}

/// Where the deployment's keys come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeysSource {
    /// `<data_dir>/keys.json`, which the backup holds.
    File,
    /// The configuration (`[secrets]`), which the backup does not hold.
    Configuration,
}

/// One member of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its name in the archive.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The archive layout ([`FORMAT_VERSION`]).
    pub format: u32,
    /// When the backup was taken.
    pub created_at: DateTime<Utc>,
    /// The Stride version that took it.
    pub stride_version: String,
    /// Which database it holds.
    pub backend: BackendKind,
    /// The latest migration applied to the database.
    pub migration: i64,
    /// Where the keys were.
    pub keys: KeysSource,
    /// The keys the database needs.
    pub needs: KeyNeeds,
    /// Every other member, with its checksum.
    pub members: Vec<Member>,
}

/// What `stride backup` wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The archive.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its manifest.
    pub manifest: Manifest,
}

/// What `stride restore` did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The backup's manifest.
    pub manifest: Manifest,
    /// Where the data went (file path or redacted URL).
    pub target: String,
    /// Where the keys file went, when the backup held one and it was written.
    pub keys_file: Option<PathBuf>,
    /// Files moved aside rather than overwritten.
    pub kept_aside: Vec<PathBuf>,
    /// Audit entries verified, or why verification was left for later.
    pub audit: Result<i64, String>,
}

/// `stride backup`: writes one archive of the configured database and keys to `out` (or
/// `stride-backup-<time>.tar` in the current directory).
pub async fn backup(config: &Config, out: Option<&Path>) -> anyhow::Result<BackupReport> {
    let url = config.database_url.expose();
    let backend = BackendKind::of(url)?;
    let created_at = Utc::now();
    let out = match out {
        Some(path) => path.to_owned(),
        None => PathBuf::from(format!(
            "stride-backup-{}.tar",
            created_at.format("%Y%m%dT%H%M%SZ")
        )),
    };
    if out.exists() {
        return Err(BackupError::OutputExists(out).into());
    }
    let out_dir = parent_dir(&out);
    // Staged beside the output: a large database must not fill a small /tmp, and the final
    // rename stays on one file system.
    let staging = tempfile::Builder::new()
        .prefix(".stride-backup-")
        .tempdir_in(&out_dir)
        .with_context(|| format!("creating a staging directory in {}", out_dir.display()))?;
    let database = staging.path().join(backend.member());
    let (migration, needs) = match backend {
        BackendKind::Sqlite => snapshot_sqlite(url, &database).await?,
        BackendKind::Postgres => dump_postgres(url, &database).await?,
    };
    let mut files = vec![(backend.member(), database)];
    // Read after the snapshot: keys are only added, so this holds every key it refers to.
    let keys_source = match Keys::from_config(config)? {
        Some(keys) => {
            keys.check(&needs).map_err(|e| {
                anyhow::Error::from(e).context("the database cannot be backed up with these keys")
            })?;
            KeysSource::Configuration
        }
        None => {
            let live = config.data_dir.join("keys.json");
            if !live.exists() {
                return Err(BackupError::NoKeysToBackUp(live).into());
            }
            let staged = staging.path().join(KEYS_MEMBER);
            std::fs::copy(&live, &staged).with_context(|| format!("reading {}", live.display()))?;
            let keys = Keys::from_file(&staged, format!("at {}", live.display()))?;
            keys.check(&needs).map_err(|e| {
                anyhow::Error::from(e).context("the keys file does not belong to this database")
            })?;
            files.push((KEYS_MEMBER, staged));
            KeysSource::File
        }
    };
    let mut members = Vec::new();
    for (name, path) in &files {
        let (sha256, size) = digest_file(path)?;
        members.push(Member {
            name: (*name).to_owned(),
            size,
            sha256,
        });
    }
    let manifest = Manifest {
        format: FORMAT_VERSION,
        created_at,
        stride_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend,
        migration,
        keys: keys_source,
        needs,
        members,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    let size = archive::write_archive(&out, &manifest_json, &files, created_at)?;
    Ok(BackupReport {
        path: out,
        size,
        manifest,
    })
}

/// `stride restore`: checks the backup at `archive` and writes its database and keys file
/// where the configuration says; replaces existing ones only with `force`, keeping them
/// aside.
pub async fn restore(
    config: &Config,
    archive: &Path,
    force: bool,
) -> anyhow::Result<RestoreReport> {
    let url = config.database_url.expose();
    let backend = BackendKind::of(url)?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    // Staged where the data will go: the database file is renamed into place, not copied.
    let staging_parent = match backend {
        BackendKind::Sqlite => parent_dir(&sqlite_file(url)?),
        BackendKind::Postgres => config.data_dir.clone(),
    };
    crate::config::create_private_dir(&staging_parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".stride-restore-")
        .tempdir_in(&staging_parent)
        .with_context(|| {
            format!(
                "creating a staging directory in {}",
                staging_parent.display()
            )
        })?;
    let manifest = unpack(archive, staging.path())?;

    if manifest.backend != backend {
        return Err(BackupError::BackendMismatch {
            backup: manifest.backend.name(),
            configured: backend.name(),
        }
        .into());
    }
    check_schema(backend, manifest.migration, &manifest)?;
    let listed = |name: &str| manifest.members.iter().any(|m| m.name == name);
    if !listed(backend.member()) {
        return Err(BackupError::MissingMember(backend.member().to_owned()).into());
    }
    let staged_database = staging.path().join(backend.member());
    let staged_keys = listed(KEYS_MEMBER).then(|| staging.path().join(KEYS_MEMBER));

    // The keys the restored server will use: the configuration's if it names any, otherwise
    // the backup's keys file.
    let keys = match (Keys::from_config(config)?, &staged_keys) {
        (Some(keys), _) => keys,
        (None, Some(staged)) => Keys::from_file(staged, "in the backup".to_owned())?,
        (None, None) => return Err(BackupError::NoKeys.into()),
    };
    let keys_target = config.data_dir.join("keys.json");
    let write_keys = config.secrets.token_keys.is_empty() && staged_keys.is_some();
    let mut keys_aside = None;
    if write_keys && keys_target.exists() {
        let same = match &staged_keys {
            Some(staged) => std::fs::read(staged)? == std::fs::read(&keys_target)?,
            None => true,
        };
        if !same {
            if !force {
                return Err(BackupError::KeysFileExists(keys_target).into());
            }
            keys_aside = Some(aside(&keys_target, &stamp));
        }
    }

    let Written {
        target,
        audit,
        mut kept_aside,
    } = match backend {
        BackendKind::Sqlite => {
            restore_sqlite(url, &staged_database, &manifest, &keys, force, &stamp).await?
        }
        BackendKind::Postgres => {
            restore_postgres(config, &staged_database, &manifest, &keys, force).await?
        }
    };

    let mut keys_file = None;
    if write_keys && let Some(staged) = &staged_keys {
        crate::config::create_private_dir(&config.data_dir)?;
        if let Some(kept) = keys_aside {
            std::fs::rename(&keys_target, &kept)
                .with_context(|| format!("moving {} aside", keys_target.display()))?;
            kept_aside.push(kept);
        }
        write_private(&keys_target, &std::fs::read(staged)?)?;
        keys_file = Some(keys_target);
    }
    Ok(RestoreReport {
        manifest,
        target,
        keys_file,
        kept_aside,
        audit,
    })
}

/// Refuses a database at a schema newer than this binary's migrations.
fn check_schema(
    backend: BackendKind,
    migration: i64,
    manifest: &Manifest,
) -> Result<(), BackupError> {
    let known = backend.known_migration();
    if migration > known {
        return Err(BackupError::NewerSchema {
            backup: migration,
            known,
            version: manifest.stride_version.clone(),
        });
    }
    Ok(())
}

/// Verifies the audit chain of the database at `url` when it is at this binary's schema;
/// otherwise says why it is left for after `stride migrate`.
async fn verify_restored(
    url: &str,
    keys: &Keys,
    backend: BackendKind,
    migration: i64,
) -> anyhow::Result<Result<i64, String>> {
    if migration != backend.known_migration() {
        return Ok(Err(format!(
            "the backup is at schema version {migration}; run `stride migrate`, then `stride audit verify`"
        )));
    }
    let verification = verify_audit(url, keys).await?;
    match verification.first_broken {
        None => Ok(Ok(verification.checked)),
        Some((seq, reason)) => Err(BackupError::AuditBroken { seq, reason }.into()),
    }
}

/// What writing the database did.
struct Written {
    target: String,
    audit: Result<i64, String>,
    kept_aside: Vec<PathBuf>,
}

/// Puts the staged SQLite copy where `url` says, after checking it against `keys` and
/// verifying its audit chain; an existing database is moved aside only with `force`.
async fn restore_sqlite(
    url: &str,
    staged_database: &Path,
    manifest: &Manifest,
    keys: &Keys,
    force: bool,
    stamp: &str,
) -> anyhow::Result<Written> {
    // The copy itself is the authority on what it needs.
    let (migration, needs) = sqlite_facts(staged_database).await?;
    check_schema(BackendKind::Sqlite, migration, manifest)?;
    keys.check(&needs)?;
    let file = sqlite_file(url)?;
    // The webhook inbox belongs to the database it stands beside: it is set aside with it.
    const BESIDE: [&str; 6] = ["", "-wal", "-shm", "-inbox", "-inbox-wal", "-inbox-shm"];
    let existing: Vec<PathBuf> = BESIDE
        .iter()
        .map(|suffix| with_suffix(&file, suffix))
        .filter(|path| path.exists())
        .collect();
    if let Some(first) = existing.first()
        && !force
    {
        return Err(BackupError::DatabaseExists(first.clone()).into());
    }
    let staged_url = format!("sqlite://{}", staged_database.display());
    let audit = verify_restored(&staged_url, keys, BackendKind::Sqlite, migration).await?;
    if existing.contains(&file) {
        fold_wal(&file).await;
    }
    let kept = aside(&file, stamp);
    let mut kept_aside = Vec::new();
    for suffix in BESIDE {
        let from = with_suffix(&file, suffix);
        if from.exists() {
            let to = with_suffix(&kept, suffix);
            std::fs::rename(&from, &to)
                .with_context(|| format!("moving {} aside", from.display()))?;
            if suffix.is_empty() || suffix == "-inbox" {
                kept_aside.push(to);
            }
        }
    }
    make_private(staged_database)?;
    for suffix in ["-wal", "-shm"] {
        let leftover = with_suffix(staged_database, suffix);
        if leftover.exists() {
            std::fs::rename(&leftover, with_suffix(&file, suffix))?;
        }
    }
    std::fs::rename(staged_database, &file)
        .with_context(|| format!("writing {}", file.display()))?;
    Ok(Written {
        target: file.display().to_string(),
        audit,
        kept_aside,
    })
}

/// Restores the staged dump into the configured PostgreSQL database with `pg_restore`, in one
/// transaction; a database holding Stride tables is replaced only with `force`.
async fn restore_postgres(
    config: &Config,
    staged_database: &Path,
    manifest: &Manifest,
    keys: &Keys,
    force: bool,
) -> anyhow::Result<Written> {
    let url = config.database_url.expose();
    keys.check(&manifest.needs)?;
    let (occupied, _) = postgres_state(url).await?;
    if occupied && !force {
        return Err(BackupError::PostgresNotEmpty(config.database_url.redacted()).into());
    }
    pg_tools::Target::parse(url)?
        .run(
            "pg_restore",
            &[
                OsString::from("--clean"),
                OsString::from("--if-exists"),
                OsString::from("--no-owner"),
                OsString::from("--no-privileges"),
                OsString::from("--single-transaction"),
                OsString::from("--exit-on-error"),
                staged_database.as_os_str().to_owned(),
            ],
        )
        .await?;
    // The dump could not be read before it was restored: check what arrived.
    let restored = async {
        let (_, facts) = postgres_state(url).await?;
        let (migration, needs) = facts.ok_or(BackupError::NoSchema)?;
        keys.check(&needs)?;
        verify_restored(url, keys, BackendKind::Postgres, migration).await
    };
    let audit = restored
        .await
        .map_err(|e| e.context("the database was restored, but"))?;
    Ok(Written {
        target: config.database_url.redacted(),
        audit,
        kept_aside: Vec::new(),
    })
}

/// Prints what `stride backup` wrote.
pub fn print_backup(report: &BackupReport) {
    let m = &report.manifest;
    println!(
        "wrote {} ({} bytes): {} database at schema version {}, taken {}",
        report.path.display(),
        report.size,
        m.backend.name(),
        m.migration,
        m.created_at.to_rfc3339()
    );
    match m.keys {
        KeysSource::File => {
            println!("it holds the keys file: keep the backup as safe as the keys themselves")
        }
        KeysSource::Configuration => println!(
            "the keys come from the configuration ([secrets]) and are not in the backup: back the configuration up too"
        ),
    }
}

/// Prints what `stride restore` did.
pub fn print_restore(report: &RestoreReport) {
    let m = &report.manifest;
    println!(
        "restored the {} backup taken {} (Stride {}, schema version {}) into {}",
        m.backend.name(),
        m.created_at.to_rfc3339(),
        m.stride_version,
        m.migration,
        report.target
    );
    if let Some(keys) = &report.keys_file {
        println!("keys file: {}", keys.display());
    }
    for kept in &report.kept_aside {
        println!("kept the previous file as {}", kept.display());
    }
    match &report.audit {
        Ok(checked) => println!("audit log intact: {checked} entries verified"),
        Err(why) => println!("audit log not verified yet: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_know_the_same_latest_migration() {
        assert!(BackendKind::Sqlite.known_migration() > 0);
        assert_eq!(
            BackendKind::Sqlite.known_migration(),
            BackendKind::Postgres.known_migration()
        );
    }
}
