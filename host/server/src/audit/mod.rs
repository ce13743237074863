//! The append-only, hash-chained audit log and its verifier.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so changing,
//! deleting or reordering any stored row breaks the chain from that row on; `stride audit
//! verify` recomputes it and names the first entry that does not match.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use stride_store::{AuditEntry, AuditFilter, Store, StoreResult, Tx};

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

/// Appends `event` to the chain inside `tx`; it becomes visible, chained, when `tx` commits.
pub async fn record(
    store: &Store,
    tx: &mut Tx,
    event: AuditEvent,
    at: DateTime<Utc>,
) -> StoreResult<AuditEntry> {
    let (seq, prev_hash) = store.claim_audit_head(tx).await?;
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
    };
    entry.hash = entry_hash(&entry).to_vec();
    store.append_audit_entry(tx, &entry).await?;
    Ok(entry)
}

/// The SHA-256 of an entry's fields and its predecessor's hash. Every field is length-prefixed
/// so no two different entries serialize to the same bytes.
pub fn entry_hash(entry: &AuditEntry) -> [u8; 32] {
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

/// The outcome of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries checked.
    pub checked: i64,
    /// The first entry that does not match, and why; `None` when the chain is intact.
    pub first_broken: Option<(i64, String)>,
}

/// Recomputes the whole chain, in batches, and names the first entry that does not match.
pub async fn verify(store: &Store) -> StoreResult<Verification> {
    let mut expected_prev = vec![0u8; 32];
    let mut next_seq = 1i64;
    loop {
        let batch = store.audit_entries_from(next_seq - 1, 1_000).await?;
        if batch.is_empty() {
            break;
        }
        for entry in batch {
            let broken = if entry.seq != next_seq {
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
            } else if entry_hash(&entry).as_slice() != entry.hash.as_slice() {
                Some((
                    entry.seq,
                    format!(
                        "entry {} was changed after it was written (its hash does not match its contents)",
                        entry.seq
                    ),
                ))
            } else {
                None
            };
            if let Some(broken) = broken {
                return Ok(Verification {
                    checked: next_seq - 1,
                    first_broken: Some(broken),
                });
            }
            expected_prev = entry.hash;
            next_seq += 1;
        }
    }
    let checked = next_seq - 1;
    let (head_seq, head_hash) = store.audit_head().await?;
    let first_broken = if head_seq != checked {
        Some((
            checked + 1,
            format!(
                "the log should hold {head_seq} entries but {checked} are stored; entries after {checked} were removed"
            ),
        ))
    } else if head_hash != expected_prev {
        Some((
            checked,
            format!("entry {checked} does not match the recorded head of the chain"),
        ))
    } else {
        None
    };
    Ok(Verification {
        checked,
        first_broken,
    })
}

/// Reading the audit log: for those with `READ_AUDIT` only.
#[derive(Debug, Clone)]
pub struct AuditLog {
    store: Store,
}

impl AuditLog {
    /// The log in `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
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

    /// Recomputes the chain and names the first entry that does not match.
    pub async fn verify(&self, viewer: &Viewer) -> AppResult<Verification> {
        viewer.require(Permission::ReadAudit)?;
        Ok(verify(&self.store).await?)
    }
}
