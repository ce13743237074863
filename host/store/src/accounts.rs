//! Users, sessions, invites and coach grants.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    Store, StoreError, StoreResult, Tx, on_pool, on_tx, on_write, parse_enum, parse_json, to_json,
};
use stride_domain::people::{
    Baselines, GrantAccess, HrvKind, NotificationPrefs, Profile, Role, Sex, Units,
};

/// A user as stored (without the password hash, which only login reads).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Stable id.
    pub id: Uuid,
    /// Login email, lower-cased.
    pub email: String,
    /// Role; permissions derive from it.
    pub role: Role,
    /// Profile values.
    pub profile: Profile,
    /// Set when an admin disabled the account.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Permissions granted to this account beyond its role's (names, e.g. `impersonate`).
    pub granted_permissions: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct UserDb {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    birth_date: Option<NaiveDate>,
    sex: Option<String>,
    weight_kg: Option<f64>,
    height_cm: Option<f64>,
    time_zone: String,
    units: String,
    notification_prefs: String,
    disabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    granted_permissions: String,
}

const USER_COLUMNS: &str = "id, email, display_name, role, birth_date, sex, weight_kg, height_cm, \
     time_zone, units, notification_prefs, disabled_at, created_at, granted_permissions";

impl TryFrom<UserDb> for User {
    type Error = StoreError;

    fn try_from(row: UserDb) -> StoreResult<Self> {
        Ok(User {
            id: row.id,
            email: row.email,
            role: parse_enum(&row.role)?,
            profile: Profile {
                display_name: row.display_name,
                birth_date: row.birth_date,
                sex: row.sex.as_deref().map(parse_enum::<Sex>).transpose()?,
                weight_kg: row.weight_kg,
                height_cm: row.height_cm,
                time_zone: row.time_zone.parse().map_err(|_| {
                    StoreError::Corrupt(format!("unknown time zone {}", row.time_zone))
                })?,
                units: parse_enum::<Units>(&row.units)?,
                notifications: parse_json::<NotificationPrefs>(
                    "notification_prefs",
                    &row.notification_prefs,
                )?,
            },
            disabled_at: row.disabled_at,
            created_at: row.created_at,
            granted_permissions: row
                .granted_permissions
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }
}

/// What creating a user needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login email, lower-cased by the caller.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Initial profile.
    pub profile: Profile,
}

/// A login session (the token itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Session {
    /// Session id.
    pub id: Uuid,
    /// Whose session.
    pub user_id: Uuid,
    /// The admin acting as this user, when impersonating.
    pub impersonator_id: Option<Uuid>,
    /// Why the admin acts as this user (impersonation sessions only).
    pub impersonation_reason: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: DateTime<Utc>,
    /// The client that opened it (`User-Agent`), when known.
    pub user_agent: Option<String>,
    /// The address it was opened from, when known.
    pub client_address: Option<String>,
}

/// An invitation to sign up.
#[derive(Debug, Clone, PartialEq)]
pub struct Invite {
    /// Invite id.
    pub id: Uuid,
    /// If set, only this email may use it.
    pub email: Option<String>,
    /// Role the new account gets.
    pub role: Role,
    /// Who issued it.
    pub created_by: Uuid,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used.
    pub used_at: Option<DateTime<Utc>>,
    /// Who used it.
    pub used_by: Option<Uuid>,
    /// When it was withdrawn.
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct InviteDb {
    id: Uuid,
    email: Option<String>,
    role: String,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    used_by: Option<Uuid>,
    revoked_at: Option<DateTime<Utc>>,
}

/// A session's columns, as [`Session`] reads them.
const SESSION_COLUMNS: &str = "id, user_id, impersonator_id, created_at, expires_at, revoked_at, \
     last_used_at, user_agent, client_address, impersonation_reason";

const INVITE_COLUMNS: &str =
    "id, email, role, created_by, created_at, expires_at, used_at, used_by, revoked_at";

impl TryFrom<InviteDb> for Invite {
    type Error = StoreError;

    fn try_from(row: InviteDb) -> StoreResult<Self> {
        Ok(Invite {
            id: row.id,
            email: row.email,
            role: parse_enum(&row.role)?,
            created_by: row.created_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
            used_at: row.used_at,
            used_by: row.used_by,
            revoked_at: row.revoked_at,
        })
    }
}

/// What issuing an invite needs.
#[derive(Debug, Clone)]
pub struct NewInvite {
    /// SHA-256 of the invite token.
    pub token_hash: Vec<u8>,
    /// Optional email lock.
    pub email: Option<String>,
    /// Role granted.
    pub role: Role,
    /// Issuer.
    pub created_by: Uuid,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Access an athlete gave a coach.
#[derive(Debug, Clone, PartialEq)]
pub struct CoachGrant {
    /// Grant id.
    pub id: Uuid,
    /// The athlete who granted.
    pub athlete_id: Uuid,
    /// The coach who received it.
    pub coach_id: Uuid,
    /// Read or read-write.
    pub access: GrantAccess,
    /// When it was granted.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct GrantDb {
    id: Uuid,
    athlete_id: Uuid,
    coach_id: Uuid,
    access: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

const GRANT_COLUMNS: &str = "id, athlete_id, coach_id, access, created_at, revoked_at";

impl TryFrom<GrantDb> for CoachGrant {
    type Error = StoreError;

    fn try_from(row: GrantDb) -> StoreResult<Self> {
        Ok(CoachGrant {
            id: row.id,
            athlete_id: row.athlete_id,
            coach_id: row.coach_id,
            access: parse_enum(&row.access)?,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BaselinesDb {
    resting_hr: Option<i32>,
    hrv_ms: Option<f64>,
    hrv_kind: Option<String>,
    max_hr: Option<i32>,
    threshold_hr: Option<i32>,
}

impl TryFrom<BaselinesDb> for Baselines {
    type Error = StoreError;

    fn try_from(row: BaselinesDb) -> StoreResult<Self> {
        let hrv = match (row.hrv_ms, row.hrv_kind) {
            (Some(ms), Some(kind)) => Some((ms, parse_enum::<HrvKind>(&kind)?)),
            _ => None,
        };
        Ok(Baselines {
            resting_hr: row.resting_hr,
            hrv,
            max_hr: row.max_hr,
            threshold_hr: row.threshold_hr,
        })
    }
}

impl Store {
    /// How many accounts exist.
    pub async fn count_users(&self) -> StoreResult<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?),
        )
    }

    /// Creates a user inside `tx`.
    pub async fn insert_user(
        &self,
        tx: &mut Tx,
        new: &NewUser,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let id = Uuid::now_v7();
        let sql = format!(
            "INSERT INTO users (id, email, display_name, password_hash, role, birth_date, sex, weight_kg, \
             height_cm, time_zone, units, notification_prefs, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING {USER_COLUMNS}"
        );
        let p = &new.profile;
        let row: UserDb = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(id)
            .bind(&new.email)
            .bind(&p.display_name)
            .bind(&new.password_hash)
            .bind(new.role.as_str())
            .bind(p.birth_date)
            .bind(p.sex.map(|s| s.as_str()))
            .bind(p.weight_kg)
            .bind(p.height_cm)
            .bind(p.time_zone.name())
            .bind(p.units.as_str())
            .bind(to_json(&p.notifications))
            .bind(now)
            .fetch_one(conn)
            .await?);
        row.try_into()
    }

    /// The user with `id`.
    pub async fn user(&self, id: Uuid) -> StoreResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: UserDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await?);
        row.try_into()
    }

    /// The users with these ids, in batched queries (missing ids are skipped).
    pub async fn users_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<User>> {
        let mut users = Vec::with_capacity(ids.len());
        // SQLite resolves placeholders by name in a list it scans: keep statements small.
        for chunk in ids.chunks(200) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users WHERE id IN ({})",
                placeholders.join(", ")
            );
            let rows: Vec<UserDb> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            for row in rows {
                users.push(row.try_into()?);
            }
        }
        Ok(users)
    }

    /// The user with `email` (lower-cased).
    pub async fn user_by_email(&self, email: &str) -> StoreResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        let row: UserDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(email).fetch_one(pool).await?);
        row.try_into()
    }

    /// The user with `email` and their password hash, for login.
    pub async fn user_with_password(&self, email: &str) -> StoreResult<(User, String)> {
        let user = self.user_by_email(email).await?;
        let hash = self.password_hash(user.id).await?;
        Ok((user, hash))
    }

    /// The password hash of a user, to check their current password.
    pub async fn password_hash(&self, user_id: Uuid) -> StoreResult<String> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await?),
        )
    }

    /// All users, oldest first (for admins).
    pub async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY created_at, id");
        let rows: Vec<UserDb> = on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(User::try_from).collect()
    }

    /// Replaces a user's profile.
    pub async fn update_profile(
        &self,
        user_id: Uuid,
        profile: &Profile,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let sql = format!(
            "UPDATE users SET display_name = $2, birth_date = $3, sex = $4, weight_kg = $5, height_cm = $6, \
             time_zone = $7, units = $8, notification_prefs = $9, updated_at = $10 WHERE id = $1 \
             RETURNING {USER_COLUMNS}"
        );
        let row: UserDb = on_write!(self, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(&profile.display_name)
            .bind(profile.birth_date)
            .bind(profile.sex.map(|s| s.as_str()))
            .bind(profile.weight_kg)
            .bind(profile.height_cm)
            .bind(profile.time_zone.name())
            .bind(profile.units.as_str())
            .bind(to_json(&profile.notifications))
            .bind(now)
            .fetch_one(pool)
            .await?);
        row.try_into()
    }

    /// Sets a user's password hash inside `tx`.
    pub async fn set_password_hash(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let affected = on_tx!(tx, conn => sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(conn)
            .await?.rows_affected());
        if affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Changes a user's role inside `tx`.
    pub async fn set_role(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        role: Role,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let affected = on_tx!(tx, conn => sqlx::query("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1")
            .bind(user_id)
            .bind(role.as_str())
            .bind(now)
            .execute(conn)
            .await?.rows_affected());
        if affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Replaces the permissions granted to `user_id` beyond its role's, inside `tx`.
    pub async fn set_granted_permissions(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        permissions: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let joined = permissions.join(",");
        let affected = on_tx!(tx, conn => sqlx::query("UPDATE users SET granted_permissions = $2, updated_at = $3 WHERE id = $1")
            .bind(user_id)
            .bind(joined)
            .bind(now)
            .execute(conn)
            .await?.rows_affected());
        if affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Disables (or re-enables) an account inside `tx`.
    pub async fn set_disabled(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        disabled_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let affected = on_tx!(tx, conn => sqlx::query("UPDATE users SET disabled_at = $2, updated_at = $3 WHERE id = $1")
            .bind(user_id)
            .bind(disabled_at)
            .bind(now)
            .execute(conn)
            .await?.rows_affected());
        if affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// An athlete's baselines (all empty when never set).
    pub async fn baselines(&self, user_id: Uuid) -> StoreResult<Baselines> {
        let row: Option<BaselinesDb> = on_pool!(self, pool => sqlx::query_as(
            "SELECT resting_hr, hrv_ms, hrv_kind, max_hr, threshold_hr FROM athlete_baselines WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?);
        row.map_or(Ok(Baselines::default()), Baselines::try_from)
    }

    /// Replaces an athlete's baselines.
    pub async fn set_baselines(
        &self,
        user_id: Uuid,
        baselines: &Baselines,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query(
            "INSERT INTO athlete_baselines (user_id, resting_hr, hrv_ms, hrv_kind, max_hr, threshold_hr, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (user_id) DO UPDATE SET resting_hr = excluded.resting_hr, hrv_ms = excluded.hrv_ms, \
             hrv_kind = excluded.hrv_kind, max_hr = excluded.max_hr, threshold_hr = excluded.threshold_hr, \
             updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(baselines.resting_hr)
        .bind(baselines.hrv.map(|(ms, _)| ms))
        .bind(baselines.hrv.map(|(_, kind)| kind.as_str()))
        .bind(baselines.max_hr)
        .bind(baselines.threshold_hr)
        .bind(now)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// Records a new session inside `tx`.
    pub async fn insert_session(
        &self,
        tx: &mut Tx,
        session: &Session,
        token_hash: &[u8],
    ) -> StoreResult<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, impersonator_id, created_at, expires_at, \
             last_used_at, user_agent, client_address, impersonation_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8, $9)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(token_hash)
        .bind(session.impersonator_id)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(&session.user_agent)
        .bind(&session.client_address)
        .bind(&session.impersonation_reason)
        .execute(conn)
        .await?.rows_affected());
        Ok(())
    }

    /// The sessions whose tokens hash to `token_hashes`, each with its hash, whatever their
    /// state, in batched queries (unknown hashes are skipped).
    pub async fn sessions_by_token_hashes(
        &self,
        token_hashes: &[Vec<u8>],
    ) -> StoreResult<Vec<(Vec<u8>, Session)>> {
        #[derive(sqlx::FromRow)]
        struct Hashed {
            token_hash: Vec<u8>,
            #[sqlx(flatten)]
            session: Session,
        }
        let mut sessions = Vec::with_capacity(token_hashes.len());
        // SQLite resolves placeholders by name in a list it scans: keep statements small.
        for chunk in token_hashes.chunks(200) {
            let sql = format!(
                "SELECT token_hash, {SESSION_COLUMNS} FROM sessions WHERE token_hash IN ({})",
                crate::batch::placeholders(1, chunk.len())
            );
            let rows: Vec<Hashed> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for hash in chunk {
                    query = query.bind(hash.as_slice());
                }
                query.fetch_all(pool).await?
            });
            sessions.extend(rows.into_iter().map(|row| (row.token_hash, row.session)));
        }
        Ok(sessions)
    }

    /// One session by id, whatever its state.
    pub async fn session(&self, session_id: Uuid) -> StoreResult<Session> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(session_id)
        .fetch_one(pool)
        .await?))
    }

    /// A user's sessions that still work at `now`, most recently used first.
    pub async fn live_sessions(
        &self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Session>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND revoked_at IS NULL \
             AND expires_at > $2 ORDER BY last_used_at DESC, id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(user_id)
        .bind(now)
        .fetch_all(pool)
        .await?))
    }

    /// Records when sessions were last used, all in one write: one statement on PostgreSQL,
    /// one transaction on SQLite. A time earlier than the one stored is ignored. Returns the
    /// sessions changed.
    pub async fn touch_sessions(&self, used: &[(Uuid, DateTime<Utc>)]) -> StoreResult<u64> {
        const TOUCH: &str =
            "UPDATE sessions SET last_used_at = $2 WHERE id = $1 AND last_used_at < $2";
        if used.is_empty() {
            return Ok(0);
        }
        if let crate::Pool::Postgres(pool) = &self.pool {
            let (ids, times): (Vec<Uuid>, Vec<DateTime<Utc>>) = used.iter().copied().unzip();
            return Ok(sqlx::query(
                "UPDATE sessions AS s SET last_used_at = u.at \
                 FROM UNNEST($1::uuid[], $2::timestamptz[]) AS u(id, at) \
                 WHERE s.id = u.id AND s.last_used_at < u.at",
            )
            .bind(ids)
            .bind(times)
            .execute(pool)
            .await?
            .rows_affected());
        }
        let mut tx = self.begin().await?;
        let mut changed = 0;
        for (id, at) in used {
            changed += on_tx!(tx, conn => sqlx::query(TOUCH)
                .bind(id)
                .bind(at)
                .execute(conn)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The invite whose token hashes to `token_hash`, read outside any transaction (a check
    /// before expensive work; the transaction that uses it reads it again).
    pub async fn peek_invite(&self, token_hash: &[u8]) -> StoreResult<Invite> {
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = $1");
        let row: InviteDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(token_hash).fetch_one(pool).await?);
        row.try_into()
    }

    /// When the earliest of `keys` stops being locked out of logging in, if any is now.
    pub async fn login_locked_until(
        &self,
        keys: &[&str],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let mut latest: Option<DateTime<Utc>> = None;
        for key in keys {
            let until: Option<Option<DateTime<Utc>>> = on_pool!(self, pool => sqlx::query_scalar(
                "SELECT locked_until FROM login_throttle WHERE key = $1",
            )
            .bind(*key)
            .fetch_optional(pool)
            .await?);
            if let Some(Some(until)) = until
                && until > now
            {
                latest = Some(latest.map_or(until, |l| l.max(until)));
            }
        }
        Ok(latest)
    }

    /// Counts a failed login against `key` (failures older than `window` are forgotten) and
    /// locks it per `lock` (failure count → lock length, or none). Returns the failures.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: chrono::TimeDelta,
        lock: impl Fn(i32) -> Option<chrono::TimeDelta>,
    ) -> StoreResult<i32> {
        let mut tx = self.begin().await?;
        let previous: Option<(i32, DateTime<Utc>)> = on_tx!(&mut tx, conn => sqlx::query_as(
            "SELECT failures, last_failure FROM login_throttle WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(conn)
        .await?);
        let failures = match previous {
            Some((n, last)) if now - last < window => n + 1,
            _ => 1,
        };
        let locked_until = lock(failures).map(|length| now + length);
        on_tx!(&mut tx, conn => sqlx::query(
            "INSERT INTO login_throttle (key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, \
             locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(failures)
        .bind(now)
        .bind(locked_until)
        .execute(conn)
        .await?
        .rows_affected());
        tx.commit().await?;
        Ok(failures)
    }

    /// Forgets the failed logins of `key` (after a successful one).
    pub async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    /// Revokes one session.
    pub async fn revoke_session(&self, session_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        on_write!(self, pool => sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(session_id)
            .bind(now)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    /// Revokes every live session of a user inside `tx`; returns how many.
    pub async fn revoke_user_sessions(
        &self,
        tx: &mut Tx,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let affected = on_tx!(tx, conn => sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(conn)
            .await?.rows_affected());
        Ok(affected)
    }

    /// Issues an invite.
    pub async fn insert_invite(
        &self,
        tx: &mut Tx,
        new: &NewInvite,
        now: DateTime<Utc>,
    ) -> StoreResult<Invite> {
        let sql = format!(
            "INSERT INTO invites (id, token_hash, email, role, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {INVITE_COLUMNS}"
        );
        let row: InviteDb = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(Uuid::now_v7())
            .bind(&new.token_hash)
            .bind(&new.email)
            .bind(new.role.as_str())
            .bind(new.created_by)
            .bind(now)
            .bind(new.expires_at)
            .fetch_one(conn)
            .await?);
        row.try_into()
    }

    /// The invite whose token hashes to `token_hash`.
    pub async fn invite_by_token_hash(
        &self,
        tx: &mut Tx,
        token_hash: &[u8],
    ) -> StoreResult<Invite> {
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = $1");
        let row: InviteDb =
            on_tx!(tx, conn => sqlx::query_as(&sql).bind(token_hash).fetch_one(conn).await?);
        row.try_into()
    }

    /// Marks an invite used, only if it is still usable at `now`. Returns whether it was.
    pub async fn consume_invite(
        &self,
        tx: &mut Tx,
        invite_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "UPDATE invites SET used_at = $2, used_by = $3 \
             WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(invite_id)
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?.rows_affected());
        Ok(affected == 1)
    }

    /// Withdraws an unused invite inside `tx`; returns whether it was withdrawn.
    pub async fn revoke_invite(
        &self,
        tx: &mut Tx,
        invite_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query(
            "UPDATE invites SET revoked_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(invite_id)
        .bind(now)
        .execute(conn)
        .await?.rows_affected());
        Ok(affected == 1)
    }

    /// All invites, newest first.
    pub async fn list_invites(&self) -> StoreResult<Vec<Invite>> {
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites ORDER BY created_at DESC, id DESC");
        let rows: Vec<InviteDb> =
            on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(Invite::try_from).collect()
    }

    /// Grants a coach access inside `tx`. Fails with `Conflict` if a live grant exists.
    pub async fn insert_grant(
        &self,
        tx: &mut Tx,
        athlete_id: Uuid,
        coach_id: Uuid,
        access: GrantAccess,
        now: DateTime<Utc>,
    ) -> StoreResult<CoachGrant> {
        let sql = format!(
            "INSERT INTO coach_grants (id, athlete_id, coach_id, access, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING {GRANT_COLUMNS}"
        );
        let row: GrantDb = on_tx!(tx, conn => sqlx::query_as(&sql)
            .bind(Uuid::now_v7())
            .bind(athlete_id)
            .bind(coach_id)
            .bind(access.as_str())
            .bind(now)
            .fetch_one(conn)
            .await?);
        row.try_into()
    }

    /// The live grant from `athlete_id` to `coach_id`, if any.
    pub async fn live_grant(
        &self,
        athlete_id: Uuid,
        coach_id: Uuid,
    ) -> StoreResult<Option<CoachGrant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM coach_grants WHERE athlete_id = $1 AND coach_id = $2 AND revoked_at IS NULL"
        );
        let row: Option<GrantDb> = on_pool!(self, pool => sqlx::query_as(&sql).bind(athlete_id).bind(coach_id).fetch_optional(pool).await?);
        row.map(CoachGrant::try_from).transpose()
    }

    /// A grant by id.
    pub async fn grant(&self, grant_id: Uuid) -> StoreResult<CoachGrant> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM coach_grants WHERE id = $1");
        let row: GrantDb =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(grant_id).fetch_one(pool).await?);
        row.try_into()
    }

    /// Live grants an athlete has given.
    pub async fn grants_by_athlete(&self, athlete_id: Uuid) -> StoreResult<Vec<CoachGrant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM coach_grants WHERE athlete_id = $1 AND revoked_at IS NULL ORDER BY created_at, id"
        );
        let rows: Vec<GrantDb> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(athlete_id).fetch_all(pool).await?);
        rows.into_iter().map(CoachGrant::try_from).collect()
    }

    /// Live grants a coach holds.
    pub async fn grants_to_coach(&self, coach_id: Uuid) -> StoreResult<Vec<CoachGrant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM coach_grants WHERE coach_id = $1 AND revoked_at IS NULL ORDER BY created_at, id"
        );
        let rows: Vec<GrantDb> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(coach_id).fetch_all(pool).await?);
        rows.into_iter().map(CoachGrant::try_from).collect()
    }

    /// Revokes a live grant inside `tx`; returns whether one was revoked.
    pub async fn revoke_grant(
        &self,
        tx: &mut Tx,
        grant_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let affected = on_tx!(tx, conn => sqlx::query("UPDATE coach_grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(grant_id)
            .bind(now)
            .execute(conn)
            .await?.rows_affected());
        Ok(affected == 1)
    }
}
