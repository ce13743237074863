//! Accounts, sessions, roles and permissions, invites and coach grants.
//!
//! Every privileged action here writes an audit entry in the same transaction as the change.

mod cache;
mod permissions;
pub mod secrets;
mod touches;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use uuid::Uuid;

pub use permissions::{Permission, permissions_of, role_has};

use crate::audit::{Actor, AuditEvent};
use crate::config::AuthConfig;
use crate::error::{AppError, AppResult};
use stride_domain::clock::SharedClock;

use self::cache::{Cached, SessionCache};
use self::touches::SessionTouches;
use stride_domain::people::{GrantAccess, NotificationPrefs, Profile, Role, Units};
use stride_domain::validation::Checks;
use stride_store::{CoachGrant, Invite, NewInvite, NewUser, Session, Store, StoreError, User};

/// The authenticated user behind a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The account acting.
    pub user: User,
    /// The session used.
    pub session_id: Uuid,
    /// The admin acting as `user`, when impersonating.
    pub impersonator_id: Option<Uuid>,
    /// Why and until when, when impersonating.
    pub impersonation: Option<Impersonation>,
}

/// What an impersonation session carries besides the two identities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impersonation {
    /// The reason the admin gave.
    pub reason: String,
    /// When the session ends.
    pub until: DateTime<Utc>,
}

impl Viewer {
    /// The viewer's user id.
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    /// Whether the viewer's role carries `permission`, or the account was granted it.
    pub fn has(&self, permission: Permission) -> bool {
        role_has(self.user.role, permission)
            || self
                .user
                .granted_permissions
                .iter()
                .any(|p| p == permission.as_str())
    }

    /// Fails with `FORBIDDEN` when an admin is acting as this user: `what` (a password
    /// change, a new secret) is for the user alone.
    pub fn refuse_under_impersonation(&self, what: &str) -> AppResult<()> {
        if self.impersonator_id.is_some() {
            Err(AppError::Forbidden(format!(
                "{what} is not possible while impersonating a user"
            )))
        } else {
            Ok(())
        }
    }

    /// Fails with `FORBIDDEN` unless the viewer has `permission`.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the `{permission}` permission, which your role does not have"
            )))
        }
    }

    /// Who the audit log should name for this viewer's actions.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            real_user_id: Some(self.impersonator_id.unwrap_or(self.user.id)),
        }
    }
}

/// Where a request comes from, as far as the server can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    /// The client's address (the peer, or the configured forwarding header's).
    pub address: Option<std::net::IpAddr>,
    /// Its `User-Agent`, shortened.
    pub user_agent: Option<String>,
}

impl Client {
    /// The login-throttle key of this client's address.
    fn throttle_key(&self) -> Option<String> {
        self.address.map(|a| format!("addr:{a}"))
    }
}

/// A new session: the token (shown once) and the user it belongs to.
#[derive(Debug, Clone)]
pub struct SessionGrant {
    /// Bearer token; only its hash is stored.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Whose session.
    pub user: User,
}

/// A new invite and its token (shown once).
#[derive(Debug, Clone)]
pub struct IssuedInvite {
    /// The token to hand to the invitee; only its hash is stored.
    pub token: String,
    /// The invite.
    pub invite: Invite,
}

/// What signing up needs.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// The invite token received.
    pub invite_token: String,
    /// Login email.
    pub email: String,
    /// Password in clear (hashed before storage).
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// IANA time zone name; `UTC` when not given.
    pub time_zone: Option<String>,
}

/// Accounts and access: the operations behind sign-up, login and grants.
#[derive(Debug, Clone)]
pub struct Accounts {
    store: Store,
    clock: SharedClock,
    config: AuthConfig,
    audit: crate::audit::Audit,
    events: crate::events::Events,
    sessions: SessionCache,
    touches: SessionTouches,
    /// Sessions read from the database, together: after a restart every user's first request
    /// misses the cache at once, and entries read together are read again together.
    reads: crate::together::Together<Vec<u8>, Option<(Session, User)>>,
}

/// Sessions read in one statement at most, and such reads at once.
const SESSION_READ_BATCH: usize = 200;
const SESSION_READERS: usize = 4;

/// The sessions of `token_hashes` and their users as the database has them now (with a use
/// noted and not yet written), in their order: two statements for the lot.
async fn read_sessions(
    store: Store,
    touches: SessionTouches,
    token_hashes: Vec<Vec<u8>>,
) -> AppResult<Vec<Option<(Session, User)>>> {
    let sessions: HashMap<Vec<u8>, Session> = store
        .sessions_by_token_hashes(&token_hashes)
        .await?
        .into_iter()
        .collect();
    let mut owners: Vec<Uuid> = sessions.values().map(|s| s.user_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let users: HashMap<Uuid, User> = store
        .users_by_ids(&owners)
        .await?
        .into_iter()
        .map(|user| (user.id, user))
        .collect();
    Ok(token_hashes
        .iter()
        .map(|hash| {
            let mut session = sessions.get(hash)?.clone();
            let user = users.get(&session.user_id)?.clone();
            if let Some(noted) = touches.noted(session.id) {
                session.last_used_at = session.last_used_at.max(noted);
            }
            Some((session, user))
        })
        .collect())
}

/// Normalizes and checks an email address (lower-cased; one `@`; no spaces).
pub fn parse_email(raw: &str) -> AppResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::bad_input(
            "email",
            format!("`{raw}` is not an email address"),
        ))
    }
}

impl Accounts {
    /// Builds the service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        config: AuthConfig,
        audit: crate::audit::Audit,
        events: crate::events::Events,
    ) -> Self {
        let sessions = SessionCache::new(
            std::time::Duration::from_secs(config.session_cache_s),
            config.session_cache_entries,
        );
        sessions.follow(&events);
        Self {
            touches: SessionTouches::new(store.clone()),
            reads: crate::together::Together::new("sessions", SESSION_READ_BATCH, SESSION_READERS),
            store,
            clock,
            config,
            audit,
            events,
            sessions,
        }
    }

    /// Writes when sessions were last used every few seconds; runs until aborted.
    pub async fn record_session_uses(self) {
        self.touches.clone().run().await;
    }

    /// Writes the session uses noted and not yet written (at shutdown, and in tests).
    pub async fn flush_session_uses(&self) -> AppResult<u64> {
        Ok(self.touches.flush().await?)
    }

    /// Tells every replica that a user's account changed (what a cached session holds of them
    /// is re-read; live subscriptions check again what they may see).
    pub async fn user_changed(&self, user: Uuid) {
        self.events
            .publish(crate::events::Event::UserChanged { user })
            .await;
    }

    fn check_password(&self, field: &str, password: &str) -> AppResult<()> {
        let mut checks = Checks::new();
        let length = password.chars().count();
        if length < self.config.min_password_length {
            checks.fail(
                field,
                format!(
                    "must be at least {} characters long",
                    self.config.min_password_length
                ),
            );
        } else if length > 1_024 {
            checks.fail(field, "must be at most 1024 characters long");
        }
        Ok(checks.finish()?)
    }

    async fn open_session(
        &self,
        tx: &mut stride_store::Tx,
        user: User,
        impersonation: Option<(Uuid, Impersonation)>,
        client: &Client,
    ) -> AppResult<SessionGrant> {
        let now = self.clock.now();
        let token = secrets::new_token("stride_s_");
        let expires_at = match &impersonation {
            Some((_, imp)) => imp.until,
            None => now + TimeDelta::hours(i64::from(self.config.session_ttl_hours)),
        };
        let session = Session {
            id: Uuid::now_v7(),
            user_id: user.id,
            impersonator_id: impersonation.as_ref().map(|(by, _)| *by),
            impersonation_reason: impersonation.map(|(_, imp)| imp.reason),
            created_at: now,
            expires_at,
            revoked_at: None,
            last_used_at: now,
            user_agent: client
                .user_agent
                .as_ref()
                .map(|ua| ua.chars().take(200).collect()),
            client_address: client.address.map(|a| a.to_string()),
        };
        self.store
            .insert_session(tx, &session, &secrets::token_hash(&token))
            .await?;
        Ok(SessionGrant {
            token,
            expires_at: session.expires_at,
            user,
        })
    }

    /// Creates an owner account directly (first start, or `stride admin create-owner`).
    pub async fn create_owner(
        &self,
        email: &str,
        password: &str,
        display_name: &str,
    ) -> AppResult<User> {
        let email = parse_email(email)?;
        self.check_password("password", password)?;
        let hash = secrets::hash_password(password.to_owned()).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let user = self
            .store
            .insert_user(
                &mut tx,
                &new_user(email, hash, Role::Owner, display_name, chrono_tz::UTC),
                now,
            )
            .await
            .map_err(duplicate_email)?;
        let event = AuditEvent::new(Actor::SYSTEM, "user.create_owner", "user", user.id)
            .payload(json!({ "role": Role::Owner }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Signs up with an invite: checks it, creates the account with the invite's role, uses
    /// the invite up and opens a session, all in one transaction. The invite is checked
    /// before the password is hashed, and failed attempts count against the client's address
    /// like failed logins, so invites cannot be guessed cheaply.
    pub async fn sign_up(&self, input: SignUp, client: &Client) -> AppResult<SessionGrant> {
        let email = parse_email(&input.email)?;
        self.check_password("password", &input.password)?;
        let time_zone =
            stride_domain::people::parse_time_zone(input.time_zone.as_deref().unwrap_or("UTC"))?;
        let mut checks = Checks::new();
        checks.text("displayName", Some(&input.display_name), 100, true);
        checks.finish()?;
        let address_key = client.throttle_key();
        self.refuse_if_locked(&[], address_key.as_deref()).await?;
        let now = self.clock.now();
        let token_hash = secrets::token_hash(&input.invite_token);
        let invite_problem = match self.store.peek_invite(&token_hash).await {
            Ok(invite) => invite_unusable(&invite, now)
                .map(|reason| ("inviteToken", reason.to_owned()))
                .or_else(|| {
                    invite
                        .email
                        .as_ref()
                        .filter(|locked| **locked != email)
                        .map(|_| {
                            (
                                "email",
                                "this invite was issued for a different email address".to_owned(),
                            )
                        })
                }),
            Err(StoreError::NotFound) => {
                Some(("inviteToken", "this invite does not exist".to_owned()))
            }
            Err(e) => return Err(e.into()),
        };
        if let Some((field, reason)) = invite_problem {
            self.count_failure(None, address_key.as_deref()).await?;
            return Err(AppError::bad_input(field, reason));
        }
        // Only now the expensive part.
        let hash = secrets::hash_password(input.password).await?;
        let mut tx = self.store.begin().await?;
        let invite = match self.store.invite_by_token_hash(&mut tx, &token_hash).await {
            Ok(invite) => invite,
            Err(StoreError::NotFound) => {
                return Err(AppError::bad_input(
                    "inviteToken",
                    "this invite does not exist",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(reason) = invite_unusable(&invite, now) {
            return Err(AppError::bad_input("inviteToken", reason));
        }
        let user = self
            .store
            .insert_user(
                &mut tx,
                &new_user(email, hash, invite.role, &input.display_name, time_zone),
                now,
            )
            .await
            .map_err(duplicate_email)?;
        if !self
            .store
            .consume_invite(&mut tx, invite.id, user.id, now)
            .await?
        {
            return Err(AppError::bad_input(
                "inviteToken",
                "this invite has already been used",
            ));
        }
        let event = AuditEvent::new(Actor::user(user.id), "user.sign_up", "user", user.id)
            .payload(json!({ "invite": invite.id, "role": invite.role }));
        self.audit.record(&mut tx, event, now).await?;
        let session = self.open_session(&mut tx, user, None, client).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Refuses at once (before any password work) while the account or the address is locked
    /// out after failed attempts.
    async fn refuse_if_locked(&self, account: &[&str], address: Option<&str>) -> AppResult<()> {
        let mut keys: Vec<&str> = account.to_vec();
        keys.extend(address);
        let now = self.clock.now();
        if let Some(until) = self.store.login_locked_until(&keys, now).await? {
            let wait = (until - now).num_seconds().max(1);
            return Err(AppError::RateLimited {
                message: format!("too many failed attempts; try again in {wait} s"),
                retry_after_s: u64::try_from(wait).unwrap_or(1),
            });
        }
        Ok(())
    }

    /// Counts a failed attempt against the account and the address; each gets locked out for
    /// a time that doubles with every failure past the free ones.
    async fn count_failure(&self, account: Option<&str>, address: Option<&str>) -> AppResult<()> {
        let config = &self.config;
        let lock = |failures: i32| {
            let over = failures - config.login_free_failures;
            (over > 0).then(|| {
                let exponent = u32::try_from(over - 1).unwrap_or(0).min(20);
                let seconds = config
                    .login_lock_base_s
                    .saturating_mul(1 << exponent)
                    .min(config.login_lock_max_s);
                TimeDelta::seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
            })
        };
        let window =
            TimeDelta::seconds(i64::try_from(config.login_failure_window_s).unwrap_or(3_600));
        let now = self.clock.now();
        for key in account.into_iter().chain(address) {
            self.store
                .record_login_failure(key, now, window, lock)
                .await?;
        }
        Ok(())
    }

    /// Logs in with email and password. Failures are throttled per account and per client
    /// address (a lock-out is refused before any password is checked) and audited, like
    /// successful logins.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &Client,
    ) -> AppResult<SessionGrant> {
        const WRONG: &str = "the email or password is wrong";
        let email = email.trim().to_lowercase();
        let account_key = format!("account:{email}");
        let address_key = client.throttle_key();
        self.refuse_if_locked(&[&account_key], address_key.as_deref())
            .await?;
        let (user, hash) = match self.store.user_with_password(&email).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                // Spend the same time as a real check so timing does not reveal accounts.
                let _ =
                    secrets::verify_password(password.to_owned(), secrets::DUMMY_HASH.to_owned())
                        .await;
                self.count_failure(Some(&account_key), address_key.as_deref())
                    .await?;
                return Err(AppError::Unauthenticated(WRONG.to_owned()));
            }
            Err(e) => return Err(e.into()),
        };
        if !secrets::verify_password(password.to_owned(), hash).await? {
            self.count_failure(Some(&account_key), address_key.as_deref())
                .await?;
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            let event = AuditEvent::new(Actor::SYSTEM, "user.login_failed", "user", user.id)
                .payload(json!({ "address": client.address.map(|a| a.to_string()) }));
            self.audit.record(&mut tx, event, now).await?;
            tx.commit().await?;
            return Err(AppError::Unauthenticated(WRONG.to_owned()));
        }
        if user.disabled_at.is_some() {
            return Err(AppError::Unauthenticated(
                "this account is disabled; ask an admin".to_owned(),
            ));
        }
        self.store.clear_login_failures(&account_key).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(Actor::user(user.id), "user.login", "user", user.id)
            .payload(json!({ "address": client.address.map(|a| a.to_string()) }));
        self.audit.record(&mut tx, event, now).await?;
        let session = self.open_session(&mut tx, user, None, client).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Resolves a bearer token to its viewer; fails when unknown, expired or revoked.
    pub async fn authenticate(&self, token: &str) -> AppResult<Viewer> {
        let hash = secrets::token_hash(token);
        let entry = match self.sessions.get(&hash) {
            Some(cached) => {
                if self.sessions.claim_refresh(&hash, &cached) {
                    self.read_again_in_background(hash, cached.clone());
                }
                cached
            }
            None => {
                let read_at = std::time::Instant::now();
                let ticket = self.sessions.ticket();
                let Some((session, user)) = self.read_session(&hash).await? else {
                    return Err(AppError::Unauthenticated(
                        "this session token is not valid".to_owned(),
                    ));
                };
                // An ended session is refused here and never cached.
                if session.revoked_at.is_some() {
                    return Err(AppError::Unauthenticated(
                        "this session was ended; log in again".to_owned(),
                    ));
                }
                let entry = Arc::new(Cached::new(session, user, read_at));
                self.sessions.insert(ticket, hash, entry.clone());
                entry
            }
        };
        // Checked in place: a request clones the user it acts as, and nothing else.
        let session = &entry.session;
        if session.revoked_at.is_some() {
            return Err(AppError::Unauthenticated(
                "this session was ended; log in again".to_owned(),
            ));
        }
        let now = self.clock.now();
        if session.expires_at <= now {
            return Err(AppError::Unauthenticated(
                "this session has expired; log in again".to_owned(),
            ));
        }
        let last_used_at = entry.last_used_at();
        let idle = TimeDelta::hours(i64::from(self.config.session_idle_hours));
        if now - last_used_at > idle {
            return Err(AppError::Unauthenticated(
                "this session was unused too long and has ended; log in again".to_owned(),
            ));
        }
        if entry.user.disabled_at.is_some() {
            return Err(AppError::Unauthenticated(
                "this account is disabled; ask an admin".to_owned(),
            ));
        }
        // Noted at most once a minute, and written in batches off the request path (see
        // `touches`): not a write per request, nor one per session when many sessions
        // began together. The cached entry keeps the noted time itself.
        if now - last_used_at > TimeDelta::minutes(1) {
            self.touches.note(session.id, now);
            entry.note_use(now);
        }
        Ok(viewer_of(entry.user.clone(), session))
    }

    /// A session and its user as the database has them now (with a use noted and not yet
    /// written); `None` when there is no such session. Read together with the others read
    /// meanwhile ([`crate::together`]).
    async fn read_session(&self, token_hash: &[u8]) -> AppResult<Option<(Session, User)>> {
        let (store, touches) = (self.store.clone(), self.touches.clone());
        self.reads
            .one(token_hash.to_vec(), move |hashes: Vec<Vec<u8>>| {
                read_sessions(store.clone(), touches.clone(), hashes)
            })
            .await
    }

    /// Replaces a cached session nearing its deadline with a fresh read, while requests go on
    /// being answered from it (see `cache`). An ended or vanished session is forgotten.
    fn read_again_in_background(&self, token_hash: Vec<u8>, stale: Arc<Cached>) {
        let this = self.clone();
        tokio::spawn(async move {
            let read_at = std::time::Instant::now();
            let ticket = this.sessions.ticket();
            match this.read_session(&token_hash).await {
                Ok(Some((session, user))) if session.revoked_at.is_none() => {
                    let fresh = Arc::new(Cached::new(session, user, read_at));
                    // A use noted on the old entry while this read was under way.
                    fresh.note_use(stale.last_used_at());
                    this.sessions.insert(ticket, token_hash, fresh);
                }
                Ok(_) => this.sessions.forget(&token_hash),
                Err(error) => {
                    stale.refresh_failed();
                    if !this.store.is_closed() {
                        tracing::warn!(%error, "could not read a cached session again");
                    }
                }
            }
        });
    }

    /// Ends the viewer's current session (and the live subscriptions that use it).
    pub async fn logout(&self, viewer: &Viewer) -> AppResult<()> {
        self.store
            .revoke_session(viewer.session_id, self.clock.now())
            .await?;
        self.events
            .publish(crate::events::Event::SessionsEnded {
                user: viewer.id(),
                session: Some(viewer.session_id),
            })
            .await;
        Ok(())
    }

    /// The viewer's sessions that still work, most recently used first.
    pub async fn sessions(&self, viewer: &Viewer) -> AppResult<Vec<stride_store::Session>> {
        Ok(self
            .store
            .live_sessions(viewer.id(), self.clock.now())
            .await?)
    }

    /// Ends one of the viewer's sessions (a lost phone, a shared computer). Audited.
    pub async fn revoke_session(&self, viewer: &Viewer, session_id: Uuid) -> AppResult<()> {
        let session = match self.store.session(session_id).await {
            Ok(session) if session.user_id == viewer.id() && session.revoked_at.is_none() => {
                session
            }
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(AppError::NotFound(
                    "no such session (or it has already ended)".to_owned(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let now = self.clock.now();
        self.store.revoke_session(session.id, now).await?;
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(viewer.actor(), "session.revoke", "session", session.id)
            .payload(
                json!({ "user_agent": session.user_agent, "address": session.client_address }),
            );
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.events
            .publish(crate::events::Event::SessionsEnded {
                user: viewer.id(),
                session: Some(session.id),
            })
            .await;
        Ok(())
    }

    /// Ends every session of the viewer's but, when `keep_current`, the one in use. Returns
    /// how many ended. Audited.
    pub async fn revoke_all_sessions(&self, viewer: &Viewer, keep_current: bool) -> AppResult<u32> {
        viewer.refuse_under_impersonation("ending all of a user's sessions")?;
        let now = self.clock.now();
        let mut ended = 0;
        for session in self.store.live_sessions(viewer.id(), now).await? {
            if keep_current && session.id == viewer.session_id {
                continue;
            }
            self.store.revoke_session(session.id, now).await?;
            ended += 1;
        }
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(viewer.actor(), "session.revoke_all", "user", viewer.id())
            .payload(json!({ "ended": ended, "kept_current": keep_current }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.events
            .publish(crate::events::Event::SessionsEnded {
                user: viewer.id(),
                session: None,
            })
            .await;
        Ok(ended)
    }

    /// The viewer as the database says they are now: fails when the session was ended, has
    /// expired or idled out, or the account was disabled; picks up a changed role. Long-lived
    /// requests (subscriptions) call it before each thing they deliver.
    pub async fn recheck(&self, viewer: &Viewer) -> AppResult<Viewer> {
        let session = match self.store.session(viewer.session_id).await {
            Ok(session) => session,
            Err(StoreError::NotFound) => {
                return Err(AppError::Unauthenticated("the session is gone".to_owned()));
            }
            Err(e) => return Err(e.into()),
        };
        let now = self.clock.now();
        let idle = TimeDelta::hours(i64::from(self.config.session_idle_hours));
        if session.revoked_at.is_some()
            || session.expires_at <= now
            || now - session.last_used_at > idle
        {
            return Err(AppError::Unauthenticated(
                "this session has ended; log in again".to_owned(),
            ));
        }
        let user = self.store.user(session.user_id).await?;
        if user.disabled_at.is_some() {
            return Err(AppError::Unauthenticated(
                "this account is disabled; ask an admin".to_owned(),
            ));
        }
        Ok(viewer_of(user, &session))
    }

    /// Changes the viewer's password after checking the current one; ends every session of
    /// the account (stolen tokens die with the old password) and opens a fresh one.
    pub async fn change_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
    ) -> AppResult<SessionGrant> {
        viewer.refuse_under_impersonation("changing the password")?;
        self.check_password("newPassword", new)?;
        let stored = self.store.password_hash(viewer.id()).await?;
        let account_key = format!("account:{}", viewer.user.email);
        self.refuse_if_locked(&[&account_key], None).await?;
        if !secrets::verify_password(current.to_owned(), stored).await? {
            self.count_failure(Some(&account_key), None).await?;
            return Err(AppError::bad_input(
                "currentPassword",
                "is not your current password",
            ));
        }
        let hash = secrets::hash_password(new.to_owned()).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store
            .set_password_hash(&mut tx, viewer.id(), &hash, now)
            .await?;
        let revoked = self
            .store
            .revoke_user_sessions(&mut tx, viewer.id(), now)
            .await?;
        let event = AuditEvent::new(viewer.actor(), "user.change_password", "user", viewer.id())
            .payload(json!({ "sessions_revoked": revoked }));
        self.audit.record(&mut tx, event, now).await?;
        let session = self
            .open_session(&mut tx, viewer.user.clone(), None, &Client::default())
            .await?;
        tx.commit().await?;
        self.events
            .publish(crate::events::Event::SessionsEnded {
                user: viewer.id(),
                session: None,
            })
            .await;
        Ok(session)
    }

    /// Issues an invite for `role`, optionally locked to one email, valid for `ttl_hours`.
    pub async fn create_invite(
        &self,
        viewer: &Viewer,
        role: Role,
        email: Option<&str>,
        ttl_hours: Option<u32>,
    ) -> AppResult<IssuedInvite> {
        viewer.refuse_under_impersonation("issuing an invite (its token is a secret)")?;
        viewer.require(Permission::InviteUsers)?;
        if matches!(role, Role::Admin | Role::Owner) {
            viewer.require(Permission::ManageAdmins)?;
        }
        let ttl = ttl_hours.unwrap_or(self.config.invite_ttl_hours);
        if !(1..=24 * 90).contains(&ttl) {
            return Err(AppError::bad_input(
                "expiresInHours",
                "must be between 1 and 2160 hours (90 days)",
            ));
        }
        let email = email.map(parse_email).transpose()?;
        let now = self.clock.now();
        let token = secrets::new_token("stride_i_");
        let mut tx = self.store.begin().await?;
        let invite = self
            .store
            .insert_invite(
                &mut tx,
                &NewInvite {
                    token_hash: secrets::token_hash(&token),
                    email,
                    role,
                    created_by: viewer.id(),
                    expires_at: now + TimeDelta::hours(i64::from(ttl)),
                },
                now,
            )
            .await?;
        let event = AuditEvent::new(viewer.actor(), "invite.create", "invite", invite.id)
            .payload(json!({ "role": role, "email_locked": invite.email.is_some(), "expires_at": invite.expires_at }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(IssuedInvite { token, invite })
    }

    /// Withdraws an unused invite.
    pub async fn revoke_invite(&self, viewer: &Viewer, invite_id: Uuid) -> AppResult<()> {
        viewer.require(Permission::InviteUsers)?;
        // Invites for admins and owners are the business of those who may make them.
        if let Some(invite) = self
            .store
            .list_invites()
            .await?
            .into_iter()
            .find(|i| i.id == invite_id)
            && matches!(invite.role, Role::Admin | Role::Owner)
        {
            viewer.require(Permission::ManageAdmins)?;
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !self.store.revoke_invite(&mut tx, invite_id, now).await? {
            return Err(AppError::Conflict(
                "that invite does not exist, was used, or was already withdrawn".to_owned(),
            ));
        }
        self.audit
            .record(
                &mut tx,
                AuditEvent::new(viewer.actor(), "invite.revoke", "invite", invite_id),
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every invite (admins).
    pub async fn invites(&self, viewer: &Viewer) -> AppResult<Vec<Invite>> {
        viewer.require(Permission::InviteUsers)?;
        Ok(self.store.list_invites().await?)
    }

    /// The coaches the viewer (as an athlete) has granted access to.
    pub async fn my_coaches(&self, viewer: &Viewer) -> AppResult<Vec<CoachGrant>> {
        Ok(self.store.grants_by_athlete(viewer.id()).await?)
    }

    /// The athletes who granted the viewer (as a coach) access.
    pub async fn my_athletes(&self, viewer: &Viewer) -> AppResult<Vec<CoachGrant>> {
        Ok(self.store.grants_to_coach(viewer.id()).await?)
    }

    /// The public face (name, email, role) of the users behind grants the viewer is party to,
    /// by id, in one query. Ids the viewer shares no grant with are left out.
    pub async fn grant_parties(
        &self,
        viewer: &Viewer,
        ids: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, User>> {
        let mut visible: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
        visible.insert(viewer.id());
        for grant in self.store.grants_by_athlete(viewer.id()).await? {
            visible.insert(grant.coach_id);
        }
        for grant in self.store.grants_to_coach(viewer.id()).await? {
            visible.insert(grant.athlete_id);
        }
        let wanted: Vec<Uuid> = ids
            .iter()
            .copied()
            .filter(|id| visible.contains(id) || viewer.has(Permission::ManageUsers))
            .collect();
        Ok(self
            .store
            .users_by_ids(&wanted)
            .await?
            .into_iter()
            .map(|user| (user.id, user))
            .collect())
    }

    /// Every account (admins).
    pub async fn users(&self, viewer: &Viewer) -> AppResult<Vec<User>> {
        viewer.require(Permission::ManageUsers)?;
        Ok(self.store.list_users().await?)
    }

    /// Changes another user's role. Admin and owner roles (given or taken) need
    /// `ManageAdmins`; nobody changes their own role, so a deployment always keeps an owner.
    pub async fn set_role(
        &self,
        viewer: &Viewer,
        user_id: Uuid,
        role: Role,
        reason: Option<String>,
    ) -> AppResult<User> {
        viewer.require(Permission::ManageUsers)?;
        let reason = reason
            .map(|r| crate::error::reason_text("reason", &r))
            .transpose()?;
        if user_id == viewer.id() {
            return Err(AppError::Forbidden(
                "you cannot change your own role".to_owned(),
            ));
        }
        let target = self
            .store
            .user(user_id)
            .await
            .map_err(|e| not_found(e, "user"))?;
        if matches!(role, Role::Admin | Role::Owner)
            || matches!(target.role, Role::Admin | Role::Owner)
        {
            viewer.require(Permission::ManageAdmins)?;
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store.set_role(&mut tx, user_id, role, now).await?;
        let mut event = AuditEvent::new(viewer.actor(), "user.set_role", "user", user_id)
            .payload(json!({ "from": target.role, "to": role }));
        event.reason = reason;
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        // What the user may see changed: live subscriptions check again.
        self.events
            .publish(crate::events::Event::UserChanged { user: user_id })
            .await;
        Ok(self.store.user(user_id).await?)
    }

    /// Disables or re-enables another account; disabling ends its sessions.
    pub async fn set_disabled(
        &self,
        viewer: &Viewer,
        user_id: Uuid,
        disabled: bool,
        reason: Option<String>,
    ) -> AppResult<User> {
        viewer.require(Permission::ManageUsers)?;
        let reason = reason
            .map(|r| crate::error::reason_text("reason", &r))
            .transpose()?;
        if user_id == viewer.id() {
            return Err(AppError::Forbidden(
                "you cannot disable your own account".to_owned(),
            ));
        }
        let target = self
            .store
            .user(user_id)
            .await
            .map_err(|e| not_found(e, "user"))?;
        if matches!(target.role, Role::Admin | Role::Owner) {
            viewer.require(Permission::ManageAdmins)?;
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store
            .set_disabled(&mut tx, user_id, disabled.then_some(now), now)
            .await?;
        if disabled {
            self.store
                .revoke_user_sessions(&mut tx, user_id, now)
                .await?;
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let mut event = AuditEvent::new(viewer.actor(), action, "user", user_id);
        event.reason = reason;
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        if disabled {
            self.events
                .publish(crate::events::Event::SessionsEnded {
                    user: user_id,
                    session: None,
                })
                .await;
        }
        Ok(self.store.user(user_id).await?)
    }

    /// Grants (or withdraws) a permission beyond an admin's role, such as `impersonate`.
    /// Needs `ManageAdmins`; only admins receive grants (owners hold every permission
    /// already, and athletes and coaches get none). Audited with the reason.
    pub async fn set_permission(
        &self,
        viewer: &Viewer,
        user_id: Uuid,
        permission: Permission,
        granted: bool,
        reason: Option<String>,
    ) -> AppResult<User> {
        viewer.require(Permission::ManageAdmins)?;
        viewer.refuse_under_impersonation("granting permissions")?;
        let reason = reason
            .map(|r| crate::error::reason_text("reason", &r))
            .transpose()?;
        let target = self
            .store
            .user(user_id)
            .await
            .map_err(|e| not_found(e, "user"))?;
        if target.role != Role::Admin {
            return Err(AppError::bad_input(
                "userId",
                format!(
                    "permissions are granted to admins only; this account's role is {}",
                    target.role.as_str()
                ),
            ));
        }
        let mut permissions: Vec<String> = target
            .granted_permissions
            .iter()
            .filter(|p| p.as_str() != permission.as_str())
            .cloned()
            .collect();
        if granted {
            permissions.push(permission.as_str().to_owned());
        }
        permissions.sort();
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store
            .set_granted_permissions(&mut tx, user_id, &permissions, now)
            .await?;
        let action = if granted {
            "permission.grant"
        } else {
            "permission.revoke"
        };
        let mut event = AuditEvent::new(viewer.actor(), action, "user", user_id)
            .payload(json!({ "permission": permission.as_str() }));
        event.reason = reason;
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.events
            .publish(crate::events::Event::UserChanged { user: user_id })
            .await;
        Ok(self.store.user(user_id).await?)
    }

    /// Opens a session in which the viewer (the owner, or an admin granted `impersonate`)
    /// acts as `user_id` for at most `auth.impersonation_max_minutes`, to see what they see.
    /// It needs a reason; every response in it says so; the password and new secrets are out
    /// of its reach; everything done in it is audited with both identities.
    pub async fn start_impersonation(
        &self,
        viewer: &Viewer,
        user_id: Uuid,
        reason: &str,
        minutes: Option<u32>,
        client: &Client,
    ) -> AppResult<SessionGrant> {
        viewer.refuse_under_impersonation("starting another impersonation")?;
        viewer.require(Permission::Impersonate)?;
        let reason = crate::error::reason_text("reason", reason)?;
        if reason.chars().count() < 5 {
            return Err(AppError::bad_input(
                "reason",
                "say why you need to act as this user (at least 5 characters); it is kept in the audit log",
            ));
        }
        let max = self.config.impersonation_max_minutes.max(1);
        let minutes = minutes.unwrap_or(max.min(30));
        if minutes == 0 || minutes > max {
            return Err(AppError::bad_input(
                "minutes",
                format!("must be between 1 and {max} (auth.impersonation_max_minutes)"),
            ));
        }
        if user_id == viewer.id() {
            return Err(AppError::bad_input(
                "userId",
                "you cannot impersonate yourself",
            ));
        }
        let target = self
            .store
            .user(user_id)
            .await
            .map_err(|e| not_found(e, "user"))?;
        if target.disabled_at.is_some() {
            return Err(AppError::bad_input(
                "userId",
                "this account is disabled; enable it first",
            ));
        }
        if matches!(target.role, Role::Admin | Role::Owner) {
            viewer.require(Permission::ManageAdmins)?;
        }
        let now = self.clock.now();
        let until = now + TimeDelta::minutes(i64::from(minutes));
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(viewer.actor(), "impersonation.start", "user", user_id)
            .reason(reason.clone())
            .payload(json!({ "minutes": minutes, "until": until, "address": client.address.map(|a| a.to_string()) }));
        self.audit.record(&mut tx, event, now).await?;
        let impersonation = Impersonation { reason, until };
        let session = self
            .open_session(&mut tx, target, Some((viewer.id(), impersonation)), client)
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Ends the impersonation session in use. Audited with both identities.
    pub async fn stop_impersonation(&self, viewer: &Viewer) -> AppResult<()> {
        if viewer.impersonator_id.is_none() {
            return Err(AppError::bad_input(
                "session",
                "this session is not an impersonation",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(viewer.actor(), "impersonation.end", "user", viewer.id());
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.logout(viewer).await
    }

    /// The viewer (an athlete) grants a coach access to their data.
    pub async fn grant_coach(
        &self,
        viewer: &Viewer,
        coach_email: &str,
        access: GrantAccess,
    ) -> AppResult<CoachGrant> {
        let email = parse_email(coach_email)?;
        // The same answer whether the email has no account, another role, or a disabled
        // one: an athlete learns nothing about who else uses this server.
        let not_a_coach = || {
            AppError::bad_input(
                "coachEmail",
                "no active coach with this email can receive access; check it with your coach",
            )
        };
        let coach = match self.store.user_by_email(&email).await {
            Ok(coach) => coach,
            Err(StoreError::NotFound) => return Err(not_a_coach()),
            Err(e) => return Err(e.into()),
        };
        if coach.id == viewer.id() {
            return Err(AppError::bad_input(
                "coachEmail",
                "you cannot grant access to yourself",
            ));
        }
        if !role_has(coach.role, Permission::CoachAthletes) || coach.disabled_at.is_some() {
            return Err(not_a_coach());
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let grant = match self
            .store
            .insert_grant(&mut tx, viewer.id(), coach.id, access, now)
            .await
        {
            Ok(grant) => grant,
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict(
                    "this coach already has access; revoke it first to change the level".to_owned(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let event = AuditEvent::new(viewer.actor(), "grant.create", "grant", grant.id)
            .payload(json!({ "athlete": viewer.id(), "coach": coach.id, "access": access }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(grant)
    }

    /// Revokes a grant. The athlete who gave it, or the coach who holds it, may revoke.
    pub async fn revoke_grant(&self, viewer: &Viewer, grant_id: Uuid) -> AppResult<CoachGrant> {
        let grant = self
            .store
            .grant(grant_id)
            .await
            .map_err(|e| not_found(e, "grant"))?;
        if grant.athlete_id != viewer.id() && grant.coach_id != viewer.id() {
            return Err(AppError::NotFound("grant not found".to_owned()));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !self.store.revoke_grant(&mut tx, grant_id, now).await? {
            return Err(AppError::Conflict(
                "this grant was already revoked".to_owned(),
            ));
        }
        let event = AuditEvent::new(viewer.actor(), "grant.revoke", "grant", grant_id)
            .payload(json!({ "athlete": grant.athlete_id, "coach": grant.coach_id }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.events
            .publish(crate::events::Event::AccessEnded {
                athlete: stride_domain::ids::AthleteId(grant.athlete_id),
                coach: grant.coach_id,
            })
            .await;
        Ok(self.store.grant(grant_id).await?)
    }

    /// Fails unless the viewer may read (or, with `ReadWrite`, change) `athlete_id`'s data:
    /// it is their own, or they are a coach holding a live grant that allows it.
    pub async fn authorize_athlete(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        needed: GrantAccess,
    ) -> AppResult<()> {
        if viewer.id() == athlete_id {
            return Ok(());
        }
        let denied =
            || AppError::Forbidden("you do not have access to this athlete's data".to_owned());
        if !viewer.has(Permission::CoachAthletes) {
            return Err(denied());
        }
        match self.store.live_grant(athlete_id, viewer.id()).await? {
            Some(grant) if grant.access.allows(needed) => Ok(()),
            Some(_) => Err(AppError::Forbidden(
                "this athlete gave you read-only access; changing their data needs read-write access".to_owned(),
            )),
            None => Err(denied()),
        }
    }
}

fn new_user(
    email: String,
    password_hash: String,
    role: Role,
    display_name: &str,
    time_zone: chrono_tz::Tz,
) -> NewUser {
    NewUser {
        email,
        password_hash,
        role,
        profile: Profile {
            display_name: display_name.trim().to_owned(),
            birth_date: None,
            sex: None,
            weight_kg: None,
            height_cm: None,
            time_zone,
            units: Units::Metric,
            notifications: NotificationPrefs::default(),
        },
    }
}

fn invite_unusable(invite: &Invite, now: DateTime<Utc>) -> Option<&'static str> {
    if invite.revoked_at.is_some() {
        Some("this invite was withdrawn")
    } else if invite.used_at.is_some() {
        Some("this invite has already been used")
    } else if invite.expires_at <= now {
        Some("this invite has expired; ask for a new one")
    } else {
        None
    }
}

fn duplicate_email(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::Conflict("an account with this email already exists".to_owned())
        }
        other => other.into(),
    }
}

fn viewer_of(user: User, session: &Session) -> Viewer {
    let impersonation = session.impersonator_id.map(|_| Impersonation {
        reason: session.impersonation_reason.clone().unwrap_or_default(),
        until: session.expires_at,
    });
    Viewer {
        user,
        session_id: session.id,
        impersonator_id: session.impersonator_id,
        impersonation,
    }
}

fn not_found(error: StoreError, what: &str) -> AppError {
    match error {
        StoreError::NotFound => AppError::NotFound(format!("{what} not found")),
        other => other.into(),
    }
}
