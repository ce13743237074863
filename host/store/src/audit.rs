//! Storage for the hash-chained audit log. Hashing and verification live in the server's `audit` module.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, StoreResult, Tx, on_pool, on_tx};

/// An audit entry before it is chained.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// Who acted (the impersonated user under impersonation); `None` for the system.
    pub actor_id: Option<Uuid>,
    /// Who really acted (the admin under impersonation; else the actor).
    pub real_actor_id: Option<Uuid>,
    /// What was done, dotted (`invite.create`).
    pub action: String,
    /// What kind of thing it was done to (`user`, `plan`).
    pub target_kind: String,
    /// Which one.
    pub target_id: Option<String>,
    /// Why, in words, when known.
    pub reason: Option<String>,
    /// Minimal canonical JSON with the facts needed to understand the entry.
    pub payload: String,
}

/// A chained audit entry as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Entry id.
    pub id: Uuid,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who acted.
    pub actor_id: Option<Uuid>,
    /// Who really acted.
    pub real_actor_id: Option<Uuid>,
    /// What was done.
    pub action: String,
    /// Kind of target.
    pub target_kind: String,
    /// Target id.
    pub target_id: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Canonical JSON payload.
    pub payload: String,
    /// Hash of the previous entry (32 zero bytes for the first).
    pub prev_hash: Vec<u8>,
    /// This entry's hash.
    pub hash: Vec<u8>,
    /// How the hash was computed: 1 covers every field; 2 covers the personal fields
    /// (`actor_id`, `real_actor_id`, `target_id`, `reason`, `payload`) through
    /// `personal_digest` only, so they can be erased without breaking the chain.
    pub hash_version: i32,
    /// Random salt of the personal digest (version 2; removed on erasure).
    pub personal_salt: Option<Vec<u8>>,
    /// Salted SHA-256 of the personal fields (version 2).
    pub personal_digest: Option<Vec<u8>>,
    /// When the personal fields were erased (a person's erasure), if they were.
    pub erased_at: Option<DateTime<Utc>>,
}

/// The head of the chain as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditHead {
    /// Entries the chain holds.
    pub seq: i64,
    /// The last entry's hash (32 zero bytes for an empty chain).
    pub hash: Vec<u8>,
    /// HMAC of (seq, hash) with the audit key; none before signing began.
    pub signature: Option<Vec<u8>>,
    /// Which audit key signed it.
    pub key_id: Option<String>,
}

/// A signed statement that the chain held `seq` entries ending in `hash`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct AuditCheckpoint {
    /// Entries up to and including this one.
    pub seq: i64,
    /// The hash of entry `seq`.
    #[serde(with = "hex_bytes")]
    pub hash: Vec<u8>,
    /// HMAC-SHA256 of (seq, hash) with the audit key.
    #[serde(with = "hex_bytes")]
    pub signature: Vec<u8>,
    /// Which audit key.
    pub key_id: String,
    /// When it was signed.
    pub at: DateTime<Utc>,
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() % 2 != 0 {
            return Err(serde::de::Error::custom("odd-length hex"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries by this actor (or real actor).
    pub actor_id: Option<Uuid>,
    /// Only entries on this target kind.
    pub target_kind: Option<String>,
    /// Only entries on this target id.
    pub target_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Written at or after.
    pub since: Option<DateTime<Utc>>,
    /// Written before.
    pub until: Option<DateTime<Utc>>,
}

const AUDIT_COLUMNS: &str = "seq, id, at, actor_id, real_actor_id, action, target_kind, target_id, reason, payload, prev_hash, hash, \
     hash_version, personal_salt, personal_digest, erased_at";

impl Store {
    /// Claims the next position in the chain inside `tx`, returning it and the previous hash.
    /// The head row's lock serializes appends across connections and replicas until `tx` ends.
    pub async fn claim_audit_head(&self, tx: &mut Tx) -> StoreResult<(i64, Vec<u8>)> {
        Ok(
            on_tx!(tx, conn => sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(conn)
            .await?),
        )
    }

    /// Writes a chained entry and moves the head to it, inside the `tx` that claimed it.
    pub async fn append_audit_entry(&self, tx: &mut Tx, entry: &AuditEntry) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        on_tx!(tx, conn => {
            sqlx::query(&sql)
                .bind(entry.seq)
                .bind(entry.id)
                .bind(entry.at)
                .bind(entry.actor_id)
                .bind(entry.real_actor_id)
                .bind(&entry.action)
                .bind(&entry.target_kind)
                .bind(&entry.target_id)
                .bind(&entry.reason)
                .bind(&entry.payload)
                .bind(&entry.prev_hash)
                .bind(&entry.hash)
                .bind(entry.hash_version)
                .bind(&entry.personal_salt)
                .bind(&entry.personal_digest)
                .bind(entry.erased_at)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&entry.hash).execute(&mut *conn).await?;
        });
        Ok(())
    }

    /// Entries in chain order starting after `after_seq`, at most `limit` of them.
    pub async fn audit_entries_from(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let sql =
            format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(after_seq).bind(i64::from(limit)).fetch_all(pool).await?),
        )
    }

    /// The chain head: how many entries there should be, the last hash, and the head's
    /// signature with its key id (none before signing began).
    pub async fn audit_head(&self) -> StoreResult<AuditHead> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, hash, signature, key_id FROM audit_head WHERE id = 1",
        )
        .fetch_one(pool)
        .await?))
    }

    /// Signs the head inside the `tx` that moved it.
    pub async fn sign_audit_head(
        &self,
        tx: &mut Tx,
        signature: &[u8],
        key_id: &str,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query("UPDATE audit_head SET signature = $1, key_id = $2 WHERE id = 1")
            .bind(signature)
            .bind(key_id)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Keeps a signed checkpoint of the chain inside `tx` (ignored when that position has one).
    pub async fn insert_audit_checkpoint(
        &self,
        tx: &mut Tx,
        checkpoint: &AuditCheckpoint,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, signature, key_id, at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(checkpoint.seq)
        .bind(&checkpoint.hash)
        .bind(&checkpoint.signature)
        .bind(&checkpoint.key_id)
        .bind(checkpoint.at)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Every stored checkpoint, in chain order.
    pub async fn audit_checkpoints(&self) -> StoreResult<Vec<AuditCheckpoint>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, hash, signature, key_id, at FROM audit_checkpoints ORDER BY seq",
        )
        .fetch_all(pool)
        .await?))
    }

    /// A page of entries matching `filter`, newest first, before `before_seq`.
    pub async fn search_audit(
        &self,
        filter: &AuditFilter,
        before_seq: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE \
             ($1 IS NULL OR actor_id = $1 OR real_actor_id = $1) \
             AND ($2 IS NULL OR target_kind = $2) AND ($3 IS NULL OR target_id = $3) \
             AND ($4 IS NULL OR action = $4) AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) \
             AND ($7 IS NULL OR seq < $7) ORDER BY seq DESC LIMIT $8"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(filter.actor_id)
            .bind(&filter.target_kind)
            .bind(&filter.target_id)
            .bind(&filter.action)
            .bind(filter.since)
            .bind(filter.until)
            .bind(before_seq)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?))
    }
}

/// What an erased entry keeps of its personal fields (the other people's ids; never the
/// erased person's, the reason or the payload).
#[derive(Debug, Clone, PartialEq)]
pub struct ErasedAuditFields {
    /// The actor, unless it was the erased person.
    pub actor_id: Option<Uuid>,
    /// The real actor, unless it was the erased person.
    pub real_actor_id: Option<Uuid>,
    /// The target, unless it was the erased person.
    pub target_id: Option<String>,
}

impl Store {
    /// Entries up to `up_to_seq` that name `user_id` as actor, real actor or target, or
    /// whose reason or payload contains one of `needles` (the id, email, names), inside `tx`.
    /// Entries already erased and erasure records themselves are left out.
    pub async fn audit_entries_about(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        needles: &[String],
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE erased_at IS NULL AND action <> 'account.erase' \
             AND (actor_id = $1 OR real_actor_id = $1 OR target_id = $2"
        );
        for i in 0..needles.len() {
            let n = i + 3;
            sql.push_str(&format!(" OR payload LIKE ${n} OR reason LIKE ${n}"));
        }
        sql.push_str(") ORDER BY seq");
        // `_` matches any one character: at worst a near-identical text is erased too.
        let patterns: Vec<String> = needles
            .iter()
            .map(|n| format!("%{}%", n.replace(['%', '\\'], "")))
            .collect();
        Ok(on_tx!(tx, conn => {
            let mut query = sqlx::query_as(&sql).bind(user_id).bind(user_id.to_string());
            for pattern in &patterns {
                query = query.bind(pattern);
            }
            query.fetch_all(&mut *conn).await?
        }))
    }

    /// Blanks an entry's personal fields (keeping `kept`), its reason, payload and salt, and
    /// marks it erased at `now`, inside `tx`. Its hash, and the chain, stay as they were.
    pub async fn erase_audit_entry(
        &self,
        tx: &mut Tx,
        seq: i64,
        kept: &ErasedAuditFields,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE audit_log SET actor_id = $2, real_actor_id = $3, target_id = $4, reason = NULL, \
             payload = '{}', personal_salt = NULL, erased_at = $5 WHERE seq = $1",
        )
        .bind(seq)
        .bind(kept.actor_id)
        .bind(kept.real_actor_id)
        .bind(&kept.target_id)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The payloads of the erasure records up to `up_to_seq` (they list the entries each
    /// erasure blanked), with their positions.
    pub async fn audit_erasure_records(&self, up_to_seq: i64) -> StoreResult<Vec<(i64, String)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, payload FROM audit_log WHERE action = 'account.erase' AND seq <= $1 ORDER BY seq",
        )
        .bind(up_to_seq)
        .fetch_all(pool)
        .await?))
    }
}
