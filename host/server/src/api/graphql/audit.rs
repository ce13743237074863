//! The audit log: filtered, paged reading and chain verification (`READ_AUDIT`).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{page_size, parse_opt_id, state, viewer};
use stride_store::AuditFilter;

/// One audit-log entry.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// Position in the chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted (null: Stride itself).
    pub actor_id: Option<ID>,
    /// Who really acted (differs under impersonation).
    pub real_actor_id: Option<ID>,
    /// What was done.
    pub action: String,
    /// Kind of target.
    pub target_kind: String,
    /// Target.
    pub target_id: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// The facts recorded.
    pub payload: Json<Value>,
    /// This entry's hash (hex).
    pub hash: String,
    /// When the personal fields (who, target, reason, payload) were erased with a person's
    /// account; the entry stays in the chain, still verifiable.
    pub erased_at: Option<DateTime<Utc>>,
}

/// The result of recomputing the audit chain.
#[derive(SimpleObject)]
pub struct AuditVerification {
    /// Entries checked.
    pub checked: i64,
    /// Whether every entry matched.
    pub intact: bool,
    /// The first entry that did not match.
    pub first_broken_seq: Option<i64>,
    /// Why it did not.
    pub problem: Option<String>,
}

/// Narrows the audit log; every field present must match.
#[derive(InputObject, Default)]
pub struct AuditFilterInput {
    /// Who acted.
    pub actor_id: Option<ID>,
    /// What kind of thing was acted on (`proposal`, `rule`, `plan`, `user`, ...).
    pub target_kind: Option<String>,
    /// Which one.
    pub target_id: Option<String>,
    /// The action, e.g. `proposal.apply`.
    pub action: Option<String>,
    /// At or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// Audit queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first, narrowed by `filter`. Needs `READ_AUDIT`. Page with
    /// `first` and `after`.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEntry>> {
        let viewer = viewer(ctx)?;
        let limit = page_size(first)?;
        let before_seq = match after {
            Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
                crate::error::AppError::bad_input("after", "is not a cursor returned by this list")
            })?),
            None => None,
        };
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            actor_id: parse_opt_id(filter.actor_id.as_ref(), "filter.actorId")?,
            target_kind: filter.target_kind,
            target_id: filter.target_id,
            action: filter.action,
            since: filter.since,
            until: filter.until,
        };
        let mut rows = state(ctx)
            .audit
            .search(viewer, &filter, before_seq, limit + 1)
            .await?;
        let has_next = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let mut connection = Connection::new(before_seq.is_some(), has_next);
        connection.edges.extend(rows.into_iter().map(|e| {
            Edge::new(
                e.seq.to_string(),
                AuditEntry {
                    seq: e.seq,
                    at: e.at,
                    actor_id: e.actor_id.map(|id| ID(id.to_string())),
                    real_actor_id: e.real_actor_id.map(|id| ID(id.to_string())),
                    action: e.action,
                    target_kind: e.target_kind,
                    target_id: e.target_id,
                    reason: e.reason,
                    payload: Json(serde_json::from_str(&e.payload).unwrap_or(Value::Null)),
                    hash: hex::encode(e.hash),
                    erased_at: e.erased_at,
                },
            )
        }));
        Ok(connection)
    }

    /// Recomputes the audit chain and names the first entry that does not match. Needs
    /// `READ_AUDIT`.
    async fn verify_audit_log(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<AuditVerification> {
        let result = state(ctx).audit.verify(viewer(ctx)?).await?;
        Ok(AuditVerification {
            checked: result.checked,
            intact: result.first_broken.is_none(),
            first_broken_seq: result.first_broken.as_ref().map(|(seq, _)| *seq),
            problem: result.first_broken.map(|(_, why)| why),
        })
    }
}
