//! Relay tokens: what a phone app posting an athlete's data authenticates with.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, StoreResult, Tx, on_pool, on_tx};

/// A relay token as stored (its hash only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RelayToken {
    /// Token id.
    pub id: Uuid,
    /// Whose data it relays.
    pub user_id: Uuid,
    /// The plugin that reads what it posts (`apple-health`).
    pub plugin: String,
    /// The athlete's name for it ("iPhone").
    pub name: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When a relay last used it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, user_id, plugin, name, created_at, last_used_at, revoked_at";

impl Store {
    /// Stores a new relay token's hash inside `tx`.
    pub async fn insert_relay_token(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        plugin: &str,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<RelayToken> {
        let sql = format!(
            "INSERT INTO relay_tokens (id, user_id, plugin, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        Ok(on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(plugin)
            .bind(name)
            .bind(token_hash)
            .bind(now)
            .fetch_one(conn)
            .await?))
    }

    /// An athlete's relay tokens, newest first (revoked ones included).
    pub async fn relay_tokens_of(&self, user_id: Uuid) -> StoreResult<Vec<RelayToken>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM relay_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?))
    }

    /// The token with this hash, if any.
    pub async fn relay_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<RelayToken>> {
        let sql = format!("SELECT {COLUMNS} FROM relay_tokens WHERE token_hash = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(token_hash).fetch_optional(pool).await?),
        )
    }

    /// Revokes one of the athlete's tokens inside `tx`; false when there is no such live token.
    pub async fn revoke_relay_token(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "UPDATE relay_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Notes that a relay used the token.
    pub async fn touch_relay_token(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("UPDATE relay_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }
}
