//! Provider connections, webhook events, the shared rate budget, backfill progress, rejected
//! records, athlete tasks and system switches.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Store, StoreError, StoreResult, Tx, on_conn, on_pool, on_tx, on_write};

stride_domain::text_enum! {
    /// Whether a provider connection can be used.
    pub enum ConnectionStatus {
        /// Tokens are stored; the plugin may act for the athlete.
        Active => "active",
        /// The athlete (or the provider) ended it; the tokens are erased.
        Revoked => "revoked",
    }
}

stride_domain::text_enum! {
    /// Where an athlete's history import stands.
    pub enum BackfillStatus {
        /// Waiting for a worker.
        Queued => "queued",
        /// A page is being imported.
        Running => "running",
        /// Waiting for the provider's rate window (or its asynchronous delivery).
        Deferred => "deferred",
        /// Held by the ingestion brake.
        Held => "held",
        /// Finished.
        Done => "done",
        /// Gave up.
        Failed => "failed",
    }
}

impl BackfillStatus {
    /// Finished, one way or the other.
    pub fn is_final(self) -> bool {
        matches!(self, BackfillStatus::Done | BackfillStatus::Failed)
    }
}

/// A connection to a provider account.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Connection {
    /// Connection id.
    pub id: Uuid,
    /// The Stride athlete.
    pub user_id: Uuid,
    /// The plugin id of the provider.
    pub provider: String,
    /// The athlete's id at the provider.
    pub external_athlete_id: String,
    /// Scopes granted (as the provider returned them).
    pub scopes: String,
    /// Encrypted access token.
    pub access_token_enc: Option<Vec<u8>>,
    /// Encrypted refresh token.
    pub refresh_token_enc: Option<Vec<u8>>,
    /// The key that encrypted them.
    pub key_id: Option<String>,
    /// When the access token expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether it can be used.
    #[sqlx(try_from = "String")]
    pub status: ConnectionStatus,
    /// First connected.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

const CONNECTION_COLUMNS: &str = "id, user_id, provider, external_athlete_id, scopes, access_token_enc, refresh_token_enc, \
     key_id, expires_at, status, created_at, updated_at";

/// Encrypted tokens to store.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedTokens {
    /// Encrypted access token.
    pub access: Vec<u8>,
    /// Encrypted refresh token.
    pub refresh: Option<Vec<u8>>,
    /// The key used.
    pub key_id: String,
    /// Access-token expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A connection to store.
#[derive(Debug, Clone, Copy)]
pub struct NewConnection<'a> {
    /// The Stride athlete.
    pub user_id: Uuid,
    /// The provider.
    pub provider: &'a str,
    /// The athlete's id at the provider.
    pub external_athlete_id: &'a str,
    /// Scopes granted.
    pub scopes: &'a str,
    /// Encrypted tokens.
    pub tokens: &'a SealedTokens,
}

/// One rate window's usage.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RateWindowRow {
    /// Provider.
    pub provider: String,
    /// Budget name.
    pub budget: String,
    /// `m15`-style window kind.
    pub window_kind: String,
    /// Window start.
    pub window_start: DateTime<Utc>,
    /// Requests counted.
    pub usage: i32,
    /// The limit.
    pub usage_limit: i32,
}

/// A window to reserve one request in.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSlot {
    /// Budget name.
    pub budget: String,
    /// Window kind.
    pub window_kind: String,
    /// Window start.
    pub window_start: DateTime<Utc>,
    /// Its limit.
    pub limit: i32,
}

/// A backfill's progress.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BackfillRow {
    /// Athlete.
    pub user_id: Uuid,
    /// Provider.
    pub provider: String,
    /// This run.
    pub run_id: Uuid,
    /// Where it stands.
    #[sqlx(try_from = "String")]
    pub status: BackfillStatus,
    /// Pages fetched.
    pub pages_done: i32,
    /// Items imported.
    pub items_done: i32,
    /// When a deferred backfill resumes.
    pub deferred_until: Option<DateTime<Utc>>,
    /// Latest note.
    pub note: Option<String>,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A record validation refused.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RejectionRow {
    /// Id.
    pub id: Uuid,
    /// Plugin.
    pub plugin_id: String,
    /// Athlete.
    pub user_id: Option<Uuid>,
    /// The provider's id of the record.
    pub external_id: Option<String>,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Something an athlete should do.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TaskRow {
    /// Task id.
    pub id: Uuid,
    /// Athlete.
    pub user_id: Uuid,
    /// `rate_activity` or `notice`.
    pub kind: String,
    /// The activity concerned.
    pub activity_id: Option<Uuid>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// For a notice: the plugin that filed it.
    pub source: Option<String>,
    /// For a notice: its kind, as the plugin named it.
    pub notice_kind: Option<String>,
    /// For a notice: what to tell the athlete.
    pub message: Option<String>,
}

impl Store {
    /// Stores (or refreshes) an athlete's connection inside `tx`. Fails with `Conflict` when
    /// the provider account is connected to another Stride athlete.
    pub async fn upsert_connection(
        &self,
        tx: &mut Tx,
        new: &NewConnection<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Connection> {
        let (user_id, provider, external_athlete_id, scopes, tokens) = (
            new.user_id,
            new.provider,
            new.external_athlete_id,
            new.scopes,
            new.tokens,
        );
        let sql = format!(
            "INSERT INTO provider_connections (id, user_id, provider, external_athlete_id, scopes, access_token_enc, \
             refresh_token_enc, key_id, expires_at, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $10) \
             ON CONFLICT (user_id, provider) DO UPDATE SET external_athlete_id = excluded.external_athlete_id, \
             scopes = excluded.scopes, access_token_enc = excluded.access_token_enc, refresh_token_enc = excluded.refresh_token_enc, \
             key_id = excluded.key_id, expires_at = excluded.expires_at, status = 'active', updated_at = excluded.updated_at \
             RETURNING {CONNECTION_COLUMNS}"
        );
        Ok(on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(provider)
            .bind(external_athlete_id)
            .bind(scopes)
            .bind(&tokens.access)
            .bind(&tokens.refresh)
            .bind(&tokens.key_id)
            .bind(tokens.expires_at)
            .bind(now)
            .fetch_one(conn)
            .await?))
    }

    /// Marks an OAuth state nonce used inside `tx`, forgetting nonces whose links have
    /// expired; false when it was used before (a replayed callback).
    pub async fn consume_oauth_state(
        &self,
        tx: &mut Tx,
        nonce: &str,
        user_id: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_tx!(tx, conn => sqlx::query("DELETE FROM oauth_states_used WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        let affected = on_tx!(tx, conn => sqlx::query(
            "INSERT INTO oauth_states_used (nonce, user_id, expires_at, used_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(nonce)
        .bind(user_id)
        .bind(expires_at)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// An athlete's connection to a provider.
    pub async fn connection(
        &self,
        user_id: Uuid,
        provider: &str,
    ) -> StoreResult<Option<Connection>> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM provider_connections WHERE user_id = $1 AND provider = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).bind(provider).fetch_optional(pool).await?),
        )
    }

    /// A connection by the provider's athlete id.
    pub async fn connection_by_external(
        &self,
        provider: &str,
        external_athlete_id: &str,
    ) -> StoreResult<Option<Connection>> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM provider_connections WHERE provider = $1 AND external_athlete_id = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(provider).bind(external_athlete_id).fetch_optional(pool).await?),
        )
    }

    /// A connection re-read under its row lock inside `tx` (for token refresh).
    pub async fn lock_connection(&self, tx: &mut Tx, id: Uuid) -> StoreResult<Connection> {
        let sql = format!(
            "UPDATE provider_connections SET updated_at = updated_at WHERE id = $1 RETURNING {CONNECTION_COLUMNS}"
        );
        Ok(on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).fetch_one(conn).await?))
    }

    /// All of an athlete's connections.
    pub async fn connections_of(&self, user_id: Uuid) -> StoreResult<Vec<Connection>> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM provider_connections WHERE user_id = $1 ORDER BY provider"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await?))
    }

    /// Every connection holding tokens (for key rotation).
    pub async fn connections_with_tokens(&self) -> StoreResult<Vec<Connection>> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM provider_connections WHERE access_token_enc IS NOT NULL ORDER BY id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
    }

    /// Replaces a live connection's tokens inside `tx`; false when it was revoked meanwhile
    /// (its tokens stay erased).
    pub async fn set_connection_tokens(
        &self,
        tx: &mut Tx,
        id: Uuid,
        tokens: &SealedTokens,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let updated = on_tx!(tx, conn => sqlx::query(
            "UPDATE provider_connections SET access_token_enc = $2, refresh_token_enc = $3, key_id = $4, expires_at = $5, \
             updated_at = $6 WHERE id = $1 AND status = 'active'",
        )
        .bind(id)
        .bind(&tokens.access)
        .bind(&tokens.refresh)
        .bind(&tokens.key_id)
        .bind(tokens.expires_at)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(updated == 1)
    }

    /// Marks a connection revoked and erases its tokens inside `tx`; returns whether it was live.
    pub async fn revoke_connection(
        &self,
        tx: &mut Tx,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "UPDATE provider_connections SET status = 'revoked', access_token_enc = NULL, refresh_token_enc = NULL, \
             key_id = NULL, expires_at = NULL, updated_at = $2 WHERE id = $1 AND status <> 'revoked'",
        )
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Records a webhook event inside `tx`; false when it was seen before.
    pub async fn record_webhook_event(
        &self,
        tx: &mut Tx,
        plugin: &str,
        event_key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "INSERT INTO webhook_events (plugin_id, event_key, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(plugin)
        .bind(event_key)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(affected == 1)
    }

    /// Reserves one request in every slot, atomically: all or none. `Ok` holds each slot's
    /// count and limit as stored after the reservation; `Err(i)` names the first slot that
    /// is full.
    ///
    /// The slots are counted in their order (so concurrent reservations lock the shared rows
    /// in the same order), each with one statement when its window's row exists. A new
    /// window's row is created and then counted; a full window costs three statements.
    pub async fn reserve_rate(
        &self,
        provider: &str,
        slots: &[RateSlot],
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Vec<(i32, i32)>, usize>> {
        self.reserve_rate_block(provider, slots, 1, now).await
    }

    /// Reserves `requests` requests (at least one) in every slot at once, as
    /// [`Store::reserve_rate`] does one: all or none, and a slot that has room for fewer is
    /// full for this reservation.
    pub async fn reserve_rate_block(
        &self,
        provider: &str,
        slots: &[RateSlot],
        requests: i32,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Vec<(i32, i32)>, usize>> {
        const RESERVE: &str = "UPDATE rate_windows SET usage = usage + $7, updated_at = $6 \
             WHERE provider = $1 AND budget = $2 AND window_kind = $3 AND window_start = $4 \
             AND usage <= (CASE WHEN usage_limit < $5 THEN usage_limit ELSE $5 END) - $7 \
             RETURNING usage, usage_limit";
        let requests = requests.max(1);
        let mut tx = self.begin().await?;
        let mut counts = Vec::with_capacity(slots.len());
        for (i, slot) in slots.iter().enumerate() {
            let mut reserved: Option<(i32, i32)> = None;
            for attempt in 0..2 {
                reserved = on_tx!(&mut tx, conn => sqlx::query_as(RESERVE)
                    .bind(provider)
                    .bind(&slot.budget)
                    .bind(&slot.window_kind)
                    .bind(slot.window_start)
                    .bind(slot.limit)
                    .bind(now)
                    .bind(requests)
                    .fetch_optional(conn)
                    .await?);
                if reserved.is_some() || attempt == 1 {
                    break;
                }
                // Nothing counted: the window is full, or its row does not exist yet. The row
                // is created unless it exists (another reservation may have just created it),
                // and the window counted again.
                on_tx!(&mut tx, conn => sqlx::query(
                    "INSERT INTO rate_windows (provider, budget, window_kind, window_start, usage, usage_limit, updated_at) \
                     VALUES ($1, $2, $3, $4, 0, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(provider)
                .bind(&slot.budget)
                .bind(&slot.window_kind)
                .bind(slot.window_start)
                .bind(slot.limit)
                .bind(now)
                .execute(conn)
                .await?
                .rows_affected());
            }
            match reserved {
                Some(count) => counts.push(count),
                // Dropping the transaction rolls back the slots reserved before this one.
                None => return Ok(Err(i)),
            }
        }
        tx.commit().await?;
        Ok(Ok(counts))
    }

    /// Learns windows' usage and limits from the provider, in one statement: usage only ever
    /// rises within a window (the provider's count includes every replica's requests). Each
    /// observation is a slot, the usage the provider reported, and the limit to keep. Returns
    /// the windows as stored afterwards.
    pub async fn observe_rate(
        &self,
        provider: &str,
        observed: &[(RateSlot, i32, i32)],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<RateWindowRow>> {
        // One row per window: a statement may not update the same row twice.
        let mut rows: Vec<(&RateSlot, i32, i32)> = Vec::with_capacity(observed.len());
        for (slot, usage, limit) in observed {
            let limit = *limit;
            let same = |(s, _, _): &&mut (&RateSlot, i32, i32)| {
                s.budget == slot.budget
                    && s.window_kind == slot.window_kind
                    && s.window_start == slot.window_start
            };
            match rows.iter_mut().find(same) {
                Some(row) => {
                    row.1 = row.1.max(*usage);
                    row.2 = row.2.min(limit);
                }
                None => rows.push((slot, *usage, limit)),
            }
        }
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "INSERT INTO rate_windows (provider, budget, window_kind, window_start, usage, usage_limit, updated_at) VALUES ",
        );
        for i in 0..rows.len() {
            let n = i * 5;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "($1, ${}, ${}, ${}, ${}, ${}, $2)",
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7
            ));
        }
        sql.push_str(
            " ON CONFLICT (provider, budget, window_kind, window_start) DO UPDATE SET \
             usage = CASE WHEN excluded.usage > rate_windows.usage THEN excluded.usage ELSE rate_windows.usage END, \
             usage_limit = excluded.usage_limit, updated_at = excluded.updated_at \
             RETURNING provider, budget, window_kind, window_start, usage, usage_limit",
        );
        Ok(on_write!(self, pool => {
            let mut query = sqlx::query_as(&sql).bind(provider).bind(now);
            for (slot, usage, limit) in &rows {
                query = query
                    .bind(&slot.budget)
                    .bind(&slot.window_kind)
                    .bind(slot.window_start)
                    .bind(*usage)
                    .bind(*limit);
            }
            query.fetch_all(pool).await?
        }))
    }

    /// Current and recent windows of a provider, newest first.
    pub async fn rate_windows(
        &self,
        provider: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<RateWindowRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT provider, budget, window_kind, window_start, usage, usage_limit FROM rate_windows \
             WHERE provider = $1 AND window_start >= $2 ORDER BY window_start DESC, budget, window_kind",
        )
        .bind(provider)
        .bind(since)
        .fetch_all(pool)
        .await?))
    }

    /// Starts (or restarts) a backfill inside `tx`.
    pub async fn start_backfill(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        provider: &str,
        run_id: Uuid,
        status: BackfillStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO backfills (user_id, provider, run_id, status, pages_done, items_done, started_at, updated_at) \
             VALUES ($1, $2, $3, $4, 0, 0, $5, $5) ON CONFLICT (user_id, provider) DO UPDATE SET run_id = excluded.run_id, \
             status = excluded.status, pages_done = 0, items_done = 0, deferred_until = NULL, note = NULL, \
             started_at = excluded.started_at, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(provider)
        .bind(run_id)
        .bind(status.as_str())
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Records backfill progress for run `run_id` (older runs' reports are ignored).
    #[expect(
        clippy::too_many_arguments,
        reason = "one row's fields, written together"
    )]
    pub async fn update_backfill(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        provider: &str,
        run_id: Uuid,
        status: BackfillStatus,
        progress: Option<(i32, i32)>,
        deferred_until: Option<DateTime<Utc>>,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE backfills SET status = $4, \
             pages_done = CASE WHEN $5 IS NULL THEN pages_done WHEN $5 > pages_done THEN $5 ELSE pages_done END, \
             items_done = CASE WHEN $6 IS NULL THEN items_done WHEN $6 > items_done THEN $6 ELSE items_done END, \
             deferred_until = $7, note = COALESCE($8, note), updated_at = $9 \
             WHERE user_id = $1 AND provider = $2 AND run_id = $3",
        )
        .bind(user_id)
        .bind(provider)
        .bind(run_id)
        .bind(status.as_str())
        .bind(progress.map(|p| p.0))
        .bind(progress.map(|p| p.1))
        .bind(deferred_until)
        .bind(note)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// An athlete's backfill with a provider.
    pub async fn backfill(
        &self,
        user_id: Uuid,
        provider: &str,
    ) -> StoreResult<Option<BackfillRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT user_id, provider, run_id, status, pages_done, items_done, deferred_until, note, started_at, updated_at \
             FROM backfills WHERE user_id = $1 AND provider = $2",
        )
        .bind(user_id)
        .bind(provider)
        .fetch_optional(pool)
        .await?))
    }

    /// Records a refused record.
    pub async fn record_rejection(
        &self,
        plugin: &str,
        user_id: Option<Uuid>,
        external_id: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "INSERT INTO ingest_rejections (id, plugin_id, user_id, external_id, reason, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(plugin)
        .bind(user_id)
        .bind(external_id)
        .bind(reason)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The most recent refused records, newest first.
    pub async fn rejections(&self, limit: u32) -> StoreResult<Vec<RejectionRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, plugin_id, user_id, external_id, reason, at FROM ingest_rejections ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
    }

    /// Opens an athlete task (once per kind and activity) inside `tx`.
    pub async fn open_task(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        kind: &str,
        activity_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO athlete_tasks (id, user_id, kind, activity_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(user_id)
        .bind(kind)
        .bind(activity_id)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Closes the tasks about an activity inside `tx`.
    pub async fn close_activity_tasks(
        &self,
        tx: &mut Tx,
        activity_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query("UPDATE athlete_tasks SET done_at = $2 WHERE activity_id = $1 AND done_at IS NULL")
            .bind(activity_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Files a notice for an athlete inside `tx`, replacing an open one of the same source and
    /// kind.
    pub async fn open_notice(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        source: &str,
        notice_kind: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE athlete_tasks SET done_at = $4 WHERE user_id = $1 AND kind = 'notice' \
                 AND source = $2 AND notice_kind = $3 AND done_at IS NULL",
            )
            .bind(user_id)
            .bind(source)
            .bind(notice_kind)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            // An empty message only withdraws the notice of that kind.
            if message.is_empty() {
                return Ok(());
            }
            sqlx::query(
                "INSERT INTO athlete_tasks (id, user_id, kind, created_at, source, notice_kind, message) \
                 VALUES ($1, $2, 'notice', $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(user_id)
            .bind(now)
            .bind(source)
            .bind(notice_kind)
            .bind(message)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }

    /// An athlete's open tasks, oldest first.
    pub async fn open_tasks(&self, user_id: Uuid) -> StoreResult<Vec<TaskRow>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, user_id, kind, activity_id, created_at, source, notice_kind, message FROM athlete_tasks \
             WHERE user_id = $1 AND done_at IS NULL ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?))
    }

    /// A system switch's value.
    pub async fn setting(&self, tx: Option<&mut Tx>, key: &str) -> StoreResult<Option<String>> {
        Ok(
            on_conn!(self, tx, conn => sqlx::query_scalar("SELECT value FROM system_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(conn)
            .await?),
        )
    }

    /// Sets a system switch inside `tx`.
    pub async fn set_setting(
        &self,
        tx: &mut Tx,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO system_settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }

    /// An athlete's activity by its provider id.
    pub async fn activity_by_external(
        &self,
        user_id: Uuid,
        source: &str,
        external_id: &str,
    ) -> StoreResult<Option<super::StoredActivity>> {
        let id: Option<Uuid> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM activities WHERE user_id = $1 AND source = $2 AND external_id = $3",
        )
        .bind(user_id)
        .bind(source)
        .bind(external_id)
        .fetch_optional(pool)
        .await?);
        match id {
            Some(id) => match self.activity(id).await {
                Ok(activity) => Ok(Some(activity)),
                Err(StoreError::NotFound) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }
}
