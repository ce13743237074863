//! The append-only, hash-chained audit log and its verifier.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so changing,
//! deleting or reordering any stored row breaks the chain from that row on. That alone does
//! not stop someone with write access to the database: they could re-chain every hash after
//! an edit, or drop the tail and move the head back. So the head of the chain is signed on
//! every append with an HMAC key kept outside the database (in the keys file, like the token
//! keys), a signed checkpoint is kept every [`CHECKPOINT_EVERY`] entries, and an operator can
//! export a checkpoint (`stride audit checkpoint`) and later verify the database against it
//! (`stride audit verify --checkpoint FILE`), as cloud audit trails do with digest files.
//!
//! `verify` reads the signed head first and checks the chain up to it, so entries being
//! written meanwhile are never mistaken for tampering.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use stride_store::{AuditCheckpoint, AuditEntry, AuditFilter, Store, StoreResult, Tx};

use crate::auth::{Permission, Viewer};
use crate::error::AppResult;

/// Who an action is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The account the action was taken as; `None` for the system itself.
    pub user_id: Option<Uuid>,
    /// The account that really acted (an admin impersonating `user_id`); equals `user_id`
    /// otherwise.
    pub real_user_id: Option<Uuid>,
}

impl Actor {
    /// Stride itself (jobs, rules, the command line).
    pub const SYSTEM: Actor = Actor {
        user_id: None,
        real_user_id: None,
    };

    /// A user acting as themselves.
    pub fn user(id: Uuid) -> Self {
        Actor {
            user_id: Some(id),
            real_user_id: Some(id),
        }
    }
}

/// One thing worth auditing.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// Who did it.
    pub actor: Actor,
    /// What was done, as `area.verb` (`invite.create`, `grant.revoke`).
    pub action: &'static str,
    /// The kind of thing it was done to.
    pub target_kind: &'static str,
    /// Which one.
    pub target_id: Option<String>,
    /// Why, when a reason was given.
    pub reason: Option<String>,
    /// The minimal facts needed to understand it later (never secrets or health values).
    pub payload: Value,
}

impl AuditEvent {
    /// An event with an empty payload and no reason.
    pub fn new(
        actor: Actor,
        action: &'static str,
        target_kind: &'static str,
        target_id: impl ToString,
    ) -> Self {
        Self {
            actor,
            action,
            target_kind,
            target_id: Some(target_id.to_string()),
            reason: None,
            payload: Value::Object(Default::default()),
        }
    }

    /// Names the target once it exists (an entry prepared before the row it audits was
    /// inserted).
    pub fn target_id_uuid(mut self, id: Uuid) -> Self {
        self.target_id = Some(id.to_string());
        self
    }

    /// Adds the payload.
    pub fn payload(mut self, payload: Value) -> Self {
        self.payload = payload;
        self
    }

    /// Adds the reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// How often a signed checkpoint is kept: every this many entries.
pub const CHECKPOINT_EVERY: i64 = 1_000;

/// The key that signs the chain's head and checkpoints (HMAC-SHA256). Older keys stay
/// available to verify what they signed.
#[derive(Clone)]
pub struct AuditKeys {
    active: String,
    keys: std::collections::BTreeMap<String, [u8; 32]>,
}

impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKeys")
            .field("active", &self.active)
            .finish()
    }
}

impl AuditKeys {
    /// Keys by id, signing with `active`.
    pub fn new(active: String, keys: std::collections::BTreeMap<String, [u8; 32]>) -> Self {
        Self { active, keys }
    }

    fn mac(key: &[u8; 32], seq: i64, hash: &[u8]) -> Vec<u8> {
        use hmac::{Hmac, Mac};
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(b"stride-audit-head-v1");
        mac.update(&seq.to_be_bytes());
        mac.update(hash);
        mac.finalize().into_bytes().to_vec()
    }

    /// Signs (seq, hash) with the active key.
    pub fn sign(&self, seq: i64, hash: &[u8]) -> (Vec<u8>, String) {
        let key = self.keys.get(&self.active).copied().unwrap_or([0; 32]);
        (Self::mac(&key, seq, hash), self.active.clone())
    }

    /// Whether `signature` is key `key_id`'s over (seq, hash); `None` when the key is unknown.
    pub fn verifies(&self, key_id: &str, seq: i64, hash: &[u8], signature: &[u8]) -> Option<bool> {
        use hmac::{Hmac, Mac};
        let key = self.keys.get(key_id)?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
        mac.update(b"stride-audit-head-v1");
        mac.update(&seq.to_be_bytes());
        mac.update(hash);
        Some(mac.verify_slice(signature).is_ok())
    }
}

/// Writes to the audit log: chains each entry and signs the new head, in the caller's
/// transaction.
#[derive(Debug, Clone)]
pub struct Audit {
    store: Store,
    keys: std::sync::Arc<AuditKeys>,
}

impl Audit {
    /// The log in `store`, signed with `keys`.
    pub fn new(store: Store, keys: AuditKeys) -> Self {
        Self {
            store,
            keys: std::sync::Arc::new(keys),
        }
    }

    /// Appends `event` to the chain inside `tx`; it becomes visible, chained and signed, when
    /// `tx` commits.
    pub async fn record(
        &self,
        tx: &mut Tx,
        event: AuditEvent,
        at: DateTime<Utc>,
    ) -> StoreResult<AuditEntry> {
        let (seq, prev_hash) = self.store.claim_audit_head(tx).await?;
        let mut entry = AuditEntry {
            seq,
            id: Uuid::now_v7(),
            at,
            actor_id: event.actor.user_id,
            real_actor_id: event.actor.real_user_id,
            action: event.action.to_owned(),
            target_kind: event.target_kind.to_owned(),
            target_id: event.target_id,
            reason: event.reason,
            payload: event.payload.to_string(),
            prev_hash,
            hash: Vec::new(),
            hash_version: 2,
            personal_salt: Some(rand::random::<[u8; 16]>().to_vec()),
            personal_digest: None,
            erased_at: None,
        };
        entry.personal_digest = personal_digest(&entry).map(|d| d.to_vec());
        entry.hash = entry_hash(&entry).to_vec();
        self.store.append_audit_entry(tx, &entry).await?;
        let (signature, key_id) = self.keys.sign(seq, &entry.hash);
        self.store.sign_audit_head(tx, &signature, &key_id).await?;
        if seq % CHECKPOINT_EVERY == 0 {
            let checkpoint = AuditCheckpoint {
                seq,
                hash: entry.hash.clone(),
                signature,
                key_id,
                at,
            };
            self.store.insert_audit_checkpoint(tx, &checkpoint).await?;
        }
        Ok(entry)
    }

    /// Signs the current head (a chain written before signing began), so verification can
    /// rely on it from now on. Does nothing when the head is already signed.
    pub async fn sign_unsigned_head(&self) -> StoreResult<bool> {
        let head = self.store.audit_head().await?;
        if head.signature.is_some() {
            return Ok(false);
        }
        let mut tx = self.store.begin().await?;
        let (signature, key_id) = self.keys.sign(head.seq, &head.hash);
        self.store
            .sign_audit_head(&mut tx, &signature, &key_id)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A signed checkpoint of the chain as it stands now, also kept in the database: an
    /// operator stores it somewhere else and later verifies against it.
    pub async fn checkpoint(&self, at: DateTime<Utc>) -> StoreResult<AuditCheckpoint> {
        let head = self.store.audit_head().await?;
        let (signature, key_id) = self.keys.sign(head.seq, &head.hash);
        let checkpoint = AuditCheckpoint {
            seq: head.seq,
            hash: head.hash,
            signature,
            key_id,
            at,
        };
        if checkpoint.seq > 0 {
            let mut tx = self.store.begin().await?;
            self.store
                .insert_audit_checkpoint(&mut tx, &checkpoint)
                .await?;
            tx.commit().await?;
        }
        Ok(checkpoint)
    }

    /// Recomputes the chain up to its signed head and names the first thing that does not
    /// match: an entry changed, missing or out of order, a head or checkpoint whose signature
    /// fails, a chain shorter than a checkpoint (truncated), or one that does not end where
    /// `external` (an exported checkpoint) says it did.
    pub async fn verify(&self, external: Option<&AuditCheckpoint>) -> StoreResult<Verification> {
        verify_with(&self.store, &self.keys, external).await
    }
}

fn field(hasher: &mut Sha256, bytes: Option<&[u8]>) {
    match bytes {
        None => hasher.update([0u8]),
        Some(b) => {
            hasher.update([1u8]);
            hasher.update((b.len() as u64).to_be_bytes());
            hasher.update(b);
        }
    }
}

/// The salted SHA-256 of a version-2 entry's personal fields (actor ids, target id, reason,
/// payload); `None` without a salt (version 1, or erased). The chain covers this digest, not
/// the fields, so erasing the fields and the salt leaves every hash verifiable, and without
/// the salt nobody can test a guess of what the fields held.
pub fn personal_digest(entry: &AuditEntry) -> Option<[u8; 32]> {
    let salt = entry.personal_salt.as_deref()?;
    let mut h = Sha256::new();
    h.update(b"stride-audit-personal-v1");
    field(&mut h, Some(salt));
    field(
        &mut h,
        entry.actor_id.as_ref().map(|u| u.as_bytes().as_slice()),
    );
    field(
        &mut h,
        entry
            .real_actor_id
            .as_ref()
            .map(|u| u.as_bytes().as_slice()),
    );
    field(&mut h, entry.target_id.as_deref().map(str::as_bytes));
    field(&mut h, entry.reason.as_deref().map(str::as_bytes));
    field(&mut h, Some(entry.payload.as_bytes()));
    Some(h.finalize().into())
}

/// The SHA-256 of an entry and its predecessor's hash. Version 1 covers every field;
/// version 2 covers the personal ones through the stored `personal_digest`. Every field is
/// length-prefixed so no two different entries serialize to the same bytes.
pub fn entry_hash(entry: &AuditEntry) -> [u8; 32] {
    if entry.hash_version >= 2 {
        let mut h = Sha256::new();
        h.update(b"stride-audit-v2");
        h.update(entry.seq.to_be_bytes());
        field(&mut h, Some(entry.id.as_bytes()));
        field(
            &mut h,
            Some(
                entry
                    .at
                    .to_rfc3339_opts(SecondsFormat::Micros, true)
                    .as_bytes(),
            ),
        );
        field(&mut h, Some(entry.action.as_bytes()));
        field(&mut h, Some(entry.target_kind.as_bytes()));
        field(&mut h, entry.personal_digest.as_deref());
        field(&mut h, Some(&entry.prev_hash));
        return h.finalize().into();
    }
    let mut h = Sha256::new();
    h.update(b"stride-audit-v1");
    h.update(entry.seq.to_be_bytes());
    field(&mut h, Some(entry.id.as_bytes()));
    field(
        &mut h,
        Some(
            entry
                .at
                .to_rfc3339_opts(SecondsFormat::Micros, true)
                .as_bytes(),
        ),
    );
    field(
        &mut h,
        entry.actor_id.as_ref().map(|u| u.as_bytes().as_slice()),
    );
    field(
        &mut h,
        entry
            .real_actor_id
            .as_ref()
            .map(|u| u.as_bytes().as_slice()),
    );
    field(&mut h, Some(entry.action.as_bytes()));
    field(&mut h, Some(entry.target_kind.as_bytes()));
    field(&mut h, entry.target_id.as_deref().map(str::as_bytes));
    field(&mut h, entry.reason.as_deref().map(str::as_bytes));
    field(&mut h, Some(entry.payload.as_bytes()));
    field(&mut h, Some(&entry.prev_hash));
    h.finalize().into()
}

/// Why an entry's stored contents do not match its hash, if they do not. An erased entry is
/// checked as far as erasure left it checkable: in version 2 everything but the personal
/// fields (through the kept digest); in version 1 only its place in the chain.
fn content_problem(entry: &AuditEntry) -> Option<String> {
    let changed = || {
        format!(
            "entry {} was changed after it was written (its hash does not match its contents)",
            entry.seq
        )
    };
    if entry.erased_at.is_some() && entry.hash_version < 2 {
        return None;
    }
    if entry.hash_version >= 2 && entry.erased_at.is_none() {
        let Some(digest) = personal_digest(entry) else {
            return Some(changed());
        };
        if entry.personal_digest.as_deref() != Some(digest.as_slice()) {
            return Some(changed());
        }
    }
    (entry_hash(entry).as_slice() != entry.hash.as_slice()).then(changed)
}

/// The entries an erasure record lists: `{"erased": [[from, to], …]}`, inclusive ranges.
pub fn erased_seqs(payload: &str) -> Vec<i64> {
    let Ok(value) = serde_json::from_str::<Value>(payload) else {
        return Vec::new();
    };
    let mut seqs = Vec::new();
    for range in value
        .get("erased")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(from), Some(to)) = (
            range.get(0).and_then(Value::as_i64),
            range.get(1).and_then(Value::as_i64),
        ) && to >= from
            && to - from < 10_000_000
        {
            seqs.extend(from..=to);
        }
    }
    seqs
}

/// Inclusive runs of consecutive positions, for an erasure record.
pub fn seq_ranges(seqs: &[i64]) -> Vec<[i64; 2]> {
    let mut ranges: Vec<[i64; 2]> = Vec::new();
    for &seq in seqs {
        match ranges.last_mut() {
            Some(last) if last[1] + 1 == seq => last[1] = seq,
            _ => ranges.push([seq, seq]),
        }
    }
    ranges
}

/// The outcome of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries checked.
    pub checked: i64,
    /// The first entry that does not match, and why; `None` when the chain is intact.
    pub first_broken: Option<(i64, String)>,
}

fn broken(checked: i64, seq: i64, why: String) -> Verification {
    Verification {
        checked,
        first_broken: Some((seq, why)),
    }
}

async fn verify_with(
    store: &Store,
    keys: &AuditKeys,
    external: Option<&AuditCheckpoint>,
) -> StoreResult<Verification> {
    // The head first: entries appended after this read are not part of this verification.
    let head = store.audit_head().await?;
    let signed = |key_id: &str, seq: i64, hash: &[u8], signature: &[u8]| {
        keys.verifies(key_id, seq, hash, signature)
    };
    match (&head.signature, &head.key_id) {
        (Some(signature), Some(key_id)) => match signed(key_id, head.seq, &head.hash, signature) {
            Some(true) => {}
            Some(false) => {
                return Ok(broken(
                    0,
                    head.seq,
                    format!(
                        "the head of the chain (entry {}) does not carry a valid signature: it was changed by someone without the audit key",
                        head.seq
                    ),
                ));
            }
            None => {
                return Ok(broken(
                    0,
                    head.seq,
                    format!(
                        "the head is signed with audit key `{key_id}`, which this server does not have"
                    ),
                ));
            }
        },
        _ if head.seq == 0 => {}
        _ => {
            return Ok(broken(
                0,
                head.seq,
                "the head of the chain is not signed (written before signing began and never started since)"
                    .to_owned(),
            ));
        }
    }
    let checkpoints = store.audit_checkpoints().await?;
    let mut wanted: std::collections::BTreeMap<i64, Vec<&AuditCheckpoint>> =
        std::collections::BTreeMap::new();
    for checkpoint in checkpoints.iter().chain(external) {
        match signed(
            &checkpoint.key_id,
            checkpoint.seq,
            &checkpoint.hash,
            &checkpoint.signature,
        ) {
            Some(true) => {}
            Some(false) => {
                return Ok(broken(
                    0,
                    checkpoint.seq,
                    format!(
                        "the checkpoint at entry {} does not carry a valid signature",
                        checkpoint.seq
                    ),
                ));
            }
            None => {
                return Ok(broken(
                    0,
                    checkpoint.seq,
                    format!(
                        "the checkpoint at entry {} is signed with audit key `{}`, which this server does not have",
                        checkpoint.seq, checkpoint.key_id
                    ),
                ));
            }
        }
        if checkpoint.seq > head.seq {
            return Ok(broken(
                head.seq,
                head.seq + 1,
                format!(
                    "a signed checkpoint says the chain held {} entries, but it ends at {}: entries after {} were removed",
                    checkpoint.seq, head.seq, head.seq
                ),
            ));
        }
        wanted.entry(checkpoint.seq).or_default().push(checkpoint);
    }
    // Erasure records name the entries whose personal fields they blanked; only those may
    // differ from what was written. A forged record does not help: the pass below checks
    // each record's own hash like any other entry's.
    let mut erased = std::collections::BTreeSet::new();
    for (_, payload) in store.audit_erasure_records(head.seq).await? {
        erased.extend(erased_seqs(&payload));
    }
    let mut expected_prev = vec![0u8; 32];
    let mut next_seq = 1i64;
    while next_seq <= head.seq {
        let batch = store.audit_entries_from(next_seq - 1, 1_000).await?;
        let batch: Vec<AuditEntry> = batch.into_iter().filter(|e| e.seq <= head.seq).collect();
        if batch.is_empty() {
            break;
        }
        for entry in batch {
            let problem = if entry.seq != next_seq {
                Some((
                    next_seq,
                    format!(
                        "entry {next_seq} is missing (the next stored entry is {})",
                        entry.seq
                    ),
                ))
            } else if entry.prev_hash != expected_prev {
                Some((
                    entry.seq,
                    format!(
                        "entry {} does not follow entry {} (previous hash differs)",
                        entry.seq,
                        entry.seq - 1
                    ),
                ))
            } else if entry.erased_at.is_some() && !erased.contains(&entry.seq) {
                Some((
                    entry.seq,
                    format!(
                        "entry {} is marked erased, but no erasure record lists it",
                        entry.seq
                    ),
                ))
            } else if let Some(why) = content_problem(&entry) {
                Some((entry.seq, why))
            } else if wanted
                .get(&entry.seq)
                .is_some_and(|cps| cps.iter().any(|cp| cp.hash != entry.hash))
            {
                Some((
                    entry.seq,
                    format!(
                        "the chain up to entry {} differs from its signed checkpoint: it was rewritten",
                        entry.seq
                    ),
                ))
            } else {
                None
            };
            if let Some((seq, why)) = problem {
                return Ok(broken(next_seq - 1, seq, why));
            }
            expected_prev = entry.hash;
            next_seq += 1;
        }
    }
    let checked = next_seq - 1;
    if checked != head.seq {
        return Ok(broken(
            checked,
            checked + 1,
            format!(
                "the log should hold {} entries but {checked} are stored; entries after {checked} were removed",
                head.seq
            ),
        ));
    }
    if head.hash != expected_prev {
        return Ok(broken(
            checked,
            checked,
            format!("entry {checked} does not match the signed head of the chain"),
        ));
    }
    Ok(Verification {
        checked,
        first_broken: None,
    })
}

/// Reading the audit log: for those with `READ_AUDIT` only.
#[derive(Debug, Clone)]
pub struct AuditLog {
    store: Store,
    audit: Audit,
}

impl AuditLog {
    /// The log in `store`, verified with `audit`'s keys.
    pub fn new(store: Store, audit: Audit) -> Self {
        Self { store, audit }
    }

    /// Entries matching `filter`, newest first, older than `before_seq` when given.
    pub async fn search(
        &self,
        viewer: &Viewer,
        filter: &AuditFilter,
        before_seq: Option<i64>,
        limit: u32,
    ) -> AppResult<Vec<AuditEntry>> {
        viewer.require(Permission::ReadAudit)?;
        Ok(self.store.search_audit(filter, before_seq, limit).await?)
    }

    /// The chain itself (for tools and tests that act as the system).
    pub fn chain(&self) -> &Audit {
        &self.audit
    }

    /// Recomputes the chain and names the first entry that does not match.
    pub async fn verify(&self, viewer: &Viewer) -> AppResult<Verification> {
        viewer.require(Permission::ReadAudit)?;
        Ok(self.audit.verify(None).await?)
    }
}
