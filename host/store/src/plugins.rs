//! Plugin state: key–value data, admin switches and recorded failures.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, StoreResult, on_pool, on_write};

/// A plugin failure as recorded for admins (shared by all replicas).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PluginFailureRow {
    /// Failure id.
    pub id: Uuid,
    /// Plugin id.
    pub plugin_id: String,
    /// Plugin version.
    pub version: String,
    /// Which export.
    pub call: String,
    /// Failure class (`trap`, `deadline`, …).
    pub kind: String,
    /// What happened.
    pub message: String,
    /// The wasm backtrace.
    pub backtrace: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

impl Store {
    /// Reads a plugin's key.
    pub async fn plugin_kv_get(
        &self,
        plugin: &str,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<Vec<u8>>> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT value FROM plugin_kv WHERE plugin_id = $1 AND scope = $2 AND key = $3")
            .bind(plugin)
            .bind(scope)
            .bind(key)
            .fetch_optional(pool)
            .await?),
        )
    }

    /// Writes a plugin's key.
    pub async fn plugin_kv_set(
        &self,
        plugin: &str,
        scope: &str,
        key: &str,
        value: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "INSERT INTO plugin_kv (plugin_id, scope, key, value, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(plugin)
        .bind(scope)
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Deletes a plugin's key.
    pub async fn plugin_kv_delete(&self, plugin: &str, scope: &str, key: &str) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query("DELETE FROM plugin_kv WHERE plugin_id = $1 AND scope = $2 AND key = $3")
            .bind(plugin)
            .bind(scope)
            .bind(key)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Plugins an admin disabled, with the reason.
    pub async fn disabled_plugins(&self) -> StoreResult<Vec<(String, String)>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as("SELECT plugin_id, reason FROM plugin_states WHERE NOT enabled ORDER BY plugin_id")
            .fetch_all(pool)
            .await?),
        )
    }

    /// Records an admin's enable/disable inside `tx`.
    pub async fn set_plugin_enabled(
        &self,
        tx: &mut super::Tx,
        plugin: &str,
        enabled: bool,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        super::on_tx!(tx, conn => sqlx::query(
            "INSERT INTO plugin_states (plugin_id, enabled, reason, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (plugin_id) DO UPDATE SET enabled = excluded.enabled, reason = excluded.reason, updated_at = excluded.updated_at",
        )
        .bind(plugin)
        .bind(enabled)
        .bind(reason)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Records a failed plugin call.
    pub async fn record_plugin_failure(&self, failure: &PluginFailureRow) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "INSERT INTO plugin_failures (id, plugin_id, version, call, kind, message, backtrace, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(failure.id)
        .bind(&failure.plugin_id)
        .bind(&failure.version)
        .bind(&failure.call)
        .bind(&failure.kind)
        .bind(&failure.message)
        .bind(&failure.backtrace)
        .bind(failure.at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The most recent failures of a plugin, newest first.
    pub async fn plugin_failures(
        &self,
        plugin: &str,
        limit: u32,
    ) -> StoreResult<Vec<PluginFailureRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, plugin_id, version, call, kind, message, backtrace, at FROM plugin_failures \
             WHERE plugin_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(plugin)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }
}
