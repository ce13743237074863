//! Who a session token belongs to, remembered so that a request costs no database round trip.
//!
//! Authenticating reads the session and then its user: two round trips on every request, more
//! than the work of a small query itself. This cache keeps both, by the token's hash, for at
//! most `auth.session_cache_s` seconds. Every check that does not need the database still runs
//! on each request against the cached rows (revoked, expired, idle, disabled), so a cached
//! session ends on time.
//!
//! **Revocation on every replica.** What can make a cached entry wrong is announced on the
//! event bus, which reaches every replica (`NOTIFY` on PostgreSQL): a session or all of a
//! user's sessions ended (logout, password change, disable, erasure), a user's role,
//! permissions or profile changed. The cache drops the matching entries as the event is
//! published here (before `publish` returns, so this replica never answers from an entry its
//! own change made wrong) or arrives from another replica, and everything when events were
//! missed. The time limit bounds what a lost notification could leave behind.
//!
//! **No stale refill.** A request that read the database just before an invalidation must
//! not put what it read back afterwards: each invalidation bumps a generation under the same
//! lock as inserts, and an insert made with an older generation is dropped.

use std::sync::Arc;
use std::time::Duration;

use std::sync::Mutex;
use uuid::Uuid;

use stride_store::{Session, User};

use crate::events::{Event, Events, Received};

/// A cached session and its user, as the database had them.
#[derive(Debug, Clone)]
pub(crate) struct Cached {
    pub(crate) session: Session,
    pub(crate) user: User,
}

/// Sessions by token hash. Cheap to clone.
#[derive(Clone)]
pub struct SessionCache {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    entries: moka::sync::Cache<Vec<u8>, Arc<Cached>>,
    /// Bumped by every invalidation; inserts carry the generation they started under.
    generation: Mutex<u64>,
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCache")
            .field(
                "entries",
                &self.inner.as_ref().map(|i| i.entries.entry_count()),
            )
            .finish()
    }
}

/// A read of the database started under this generation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(u64);

impl SessionCache {
    /// A cache keeping entries at most `ttl` (none when zero), holding at most `capacity`.
    pub fn new(ttl: Duration, capacity: u64) -> Self {
        if ttl.is_zero() || capacity == 0 {
            return Self { inner: None };
        }
        let entries = moka::sync::Cache::builder()
            .max_capacity(capacity)
            .time_to_live(ttl)
            .support_invalidation_closures()
            .build();
        Self {
            inner: Some(Arc::new(Inner {
                entries,
                generation: Mutex::new(0),
            })),
        }
    }

    /// The entry for a token hash, if cached.
    pub(crate) fn get(&self, token_hash: &[u8]) -> Option<Arc<Cached>> {
        self.inner.as_ref()?.entries.get(token_hash)
    }

    /// Taken before reading the database, handed back to [`Self::insert`].
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.inner.as_ref().map_or(0, |i| {
            *i.generation.lock().unwrap_or_else(|e| e.into_inner())
        }))
    }

    /// Remembers what the database said, unless something was invalidated since `ticket`.
    pub(crate) fn insert(&self, ticket: Ticket, token_hash: Vec<u8>, cached: Cached) {
        let Some(inner) = &self.inner else { return };
        let generation = inner.generation.lock().unwrap_or_else(|e| e.into_inner());
        if *generation == ticket.0 {
            inner.entries.insert(token_hash, Arc::new(cached));
        }
    }

    /// Forgets the entries that `matches`.
    fn invalidate_if(&self, matches: impl Fn(&Cached) -> bool + Send + Sync + 'static) {
        let Some(inner) = &self.inner else { return };
        let mut generation = inner.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        // Only fails when closures are not supported, which `new` turns on.
        let _ = inner
            .entries
            .invalidate_entries_if(move |_, cached| matches(cached));
    }

    /// Forgets a user's sessions (one, or all when `session` is `None`).
    pub(crate) fn invalidate_user(&self, user: Uuid, session: Option<Uuid>) {
        self.invalidate_if(move |cached| {
            cached.user.id == user && session.is_none_or(|s| cached.session.id == s)
        });
    }

    /// Forgets everything.
    pub(crate) fn invalidate_all(&self) {
        let Some(inner) = &self.inner else { return };
        let mut generation = inner.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        inner.entries.invalidate_all();
    }

    /// Drops what `received` makes wrong.
    pub(crate) fn apply(&self, received: &Received) {
        match received {
            Received::Event(event) => match &**event {
                Event::SessionsEnded { user, session } => self.invalidate_user(*user, *session),
                Event::UserChanged { user } => self.invalidate_user(*user, None),
                // A profile change (time zone, units, name) announces the athlete.
                Event::AthleteChanged { athlete } => self.invalidate_user(athlete.uuid(), None),
                _ => {}
            },
            Received::Lagged => self.invalidate_all(),
        }
    }

    /// Keeps this cache in step with `events`: every event published here (before `publish`
    /// returns) and every one from another replica (as it arrives).
    pub(crate) fn follow(&self, events: &Events) {
        if self.inner.is_none() {
            return;
        }
        let cache = self.clone();
        events.on_every_event(Arc::new(move |received| cache.apply(received)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn cached(user: Uuid, session: Uuid) -> Cached {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Cached {
            session: Session {
                id: session,
                user_id: user,
                impersonator_id: None,
                impersonation_reason: None,
                created_at: at,
                expires_at: at,
                revoked_at: None,
                last_used_at: at,
                user_agent: None,
                client_address: None,
            },
            user: User {
                id: user,
                email: "a@example.com".to_owned(),
                role: stride_domain::people::Role::Athlete,
                profile: stride_domain::people::Profile {
                    display_name: "A".to_owned(),
                    birth_date: None,
                    sex: None,
                    weight_kg: None,
                    height_cm: None,
                    time_zone: chrono_tz::UTC,
                    units: stride_domain::people::Units::Metric,
                    notifications: Default::default(),
                },
                disabled_at: None,
                created_at: at,
                granted_permissions: Vec::new(),
            },
        }
    }

    #[test]
    fn an_invalidation_between_read_and_insert_keeps_the_stale_read_out() {
        let cache = SessionCache::new(Duration::from_secs(60), 100);
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let ticket = cache.ticket();
        cache.invalidate_user(user, Some(session));
        cache.insert(ticket, b"h".to_vec(), cached(user, session));
        assert!(cache.get(b"h").is_none());
        // A read that starts afterwards is kept.
        let ticket = cache.ticket();
        cache.insert(ticket, b"h".to_vec(), cached(user, session));
        assert!(cache.get(b"h").is_some());
    }

    #[test]
    fn invalidation_drops_one_session_or_all_of_a_users() {
        let cache = SessionCache::new(Duration::from_secs(60), 100);
        let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let (a1, a2, b1) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        for (hash, user, session) in [(b"a1", alice, a1), (b"a2", alice, a2), (b"b1", bob, b1)] {
            cache.insert(cache.ticket(), hash.to_vec(), cached(user, session));
        }
        cache.invalidate_user(alice, Some(a1));
        assert!(cache.get(b"a1").is_none());
        assert!(cache.get(b"a2").is_some());
        cache.invalidate_user(alice, None);
        assert!(cache.get(b"a2").is_none());
        assert!(cache.get(b"b1").is_some());
        cache.invalidate_all();
        assert!(cache.get(b"b1").is_none());
    }

    #[test]
    fn a_zero_time_limit_caches_nothing() {
        let cache = SessionCache::new(Duration::ZERO, 100);
        let user = Uuid::new_v4();
        cache.insert(cache.ticket(), b"h".to_vec(), cached(user, Uuid::new_v4()));
        assert!(cache.get(b"h").is_none());
    }
}
