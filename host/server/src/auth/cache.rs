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
//! **Read again ahead of time, off the request path.** An entry is kept between three
//! quarters of the limit and all of it from when the database was read, by its token hash
//! ([`crate::spread`]), so sessions first seen together (every user after a restart) do not
//! all expire together. In the last quarter before its deadline, the first request that
//! finds it is still answered from it and starts one read of the database in the background,
//! which replaces it with a fresh entry. A session in use is never read on a request's path
//! again; one unused that long expires. Under load the difference is large: reading 10,000
//! sessions again in the same 15 s held a tenth of a closed loop's requests for most of a
//! second each (BENCHMARKS.md, 6 December).
//!
//! **No stale refill.** A request that read the database just before an invalidation must
//! not put what it read back afterwards: each invalidation bumps a generation under the same
//! lock as inserts, and an insert made with an older generation is dropped.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use stride_store::{Session, User};

use crate::events::{Event, Events, Received};
use crate::spread::{Spread, SpreadKey};

/// A cached session and its user, as the database had them.
#[derive(Debug)]
pub(crate) struct Cached {
    pub(crate) session: Session,
    pub(crate) user: User,
    /// When the database was read (before the read began): the deadline counts from here.
    pub(crate) read_at: Instant,
    /// Set by the request that starts reading it again.
    refreshing: AtomicBool,
    /// The latest use a request noted since the read (microseconds since the epoch; 0 for
    /// none). Kept here rather than by replacing the entry, which could put an older read
    /// back over a fresher one that a background read had just made.
    used_at: AtomicI64,
}

impl Cached {
    pub(crate) fn new(session: Session, user: User, read_at: Instant) -> Self {
        Self {
            session,
            user,
            read_at,
            refreshing: AtomicBool::new(false),
            used_at: AtomicI64::new(0),
        }
    }

    /// The session's last use: as read, or as noted here since, whichever is later.
    pub(crate) fn last_used_at(&self) -> DateTime<Utc> {
        let noted = self.used_at.load(Ordering::Relaxed);
        match DateTime::from_timestamp_micros(noted) {
            Some(noted) if noted > self.session.last_used_at => noted,
            _ => self.session.last_used_at,
        }
    }

    /// Notes a use at `at` (the latest noted wins).
    pub(crate) fn note_use(&self, at: DateTime<Utc>) {
        self.used_at
            .fetch_max(at.timestamp_micros(), Ordering::Relaxed);
    }

    /// A background read failed: the next request may start another.
    pub(crate) fn refresh_failed(&self) {
        self.refreshing.store(false, Ordering::Relaxed);
    }
}

impl Inner {
    /// How long an entry lives from when the database was read (a fresh read moves it).
    fn lives(&self, token_hash: &[u8]) -> Duration {
        self.spread.ttl(token_hash.spread_bits())
    }
}

/// Sessions by token hash. Cheap to clone.
#[derive(Clone)]
pub struct SessionCache {
    inner: Option<Arc<Inner>>,
}

/// The entries are `quick_cache`'s: every request looks one up, and a look-up there is a
/// sharded read lock and a flag (moka's queued each read for its bookkeeping, BENCHMARKS.md,
/// 7 December). It has no deadlines of its own: a look-up drops an entry past its deadline,
/// and one never looked up again waits for eviction, which takes it as readily as any.
struct Inner {
    entries: quick_cache::sync::Cache<Vec<u8>, Arc<Cached>>,
    /// Each entry's time limit: its share of `auth.session_cache_s`, by its token hash.
    spread: Spread,
    /// Bumped by every invalidation; inserts carry the generation they started under.
    generation: Mutex<u64>,
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCache")
            .field("entries", &self.inner.as_ref().map(|i| i.entries.len()))
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
        let entries =
            quick_cache::sync::Cache::new(usize::try_from(capacity).unwrap_or(usize::MAX));
        Self {
            inner: Some(Arc::new(Inner {
                entries,
                spread: Spread(ttl),
                generation: Mutex::new(0),
            })),
        }
    }

    /// The entry for a token hash, if cached.
    pub(crate) fn get(&self, token_hash: &[u8]) -> Option<Arc<Cached>> {
        let inner = self.inner.as_ref()?;
        let cached = inner.entries.get(token_hash)?;
        if cached.read_at + inner.lives(token_hash) <= Instant::now() {
            // Unless a fresh read replaced it meanwhile.
            inner
                .entries
                .remove_if(token_hash, |kept| Arc::ptr_eq(kept, &cached));
            return None;
        }
        Some(cached)
    }

    /// Whether the caller should read `cached` again in the background: it is in the last
    /// quarter of the limit before its deadline, and no one else has started. True once per
    /// entry (until [`Cached::refresh_failed`]).
    pub(crate) fn claim_refresh(&self, token_hash: &[u8], cached: &Cached) -> bool {
        let Some(inner) = &self.inner else {
            return false;
        };
        let from = inner.lives(token_hash).saturating_sub(inner.spread.0 / 4);
        cached.read_at.elapsed() >= from && !cached.refreshing.swap(true, Ordering::Relaxed)
    }

    /// Forgets one session (found ended or gone when read again).
    pub(crate) fn forget(&self, token_hash: &[u8]) {
        let Some(inner) = &self.inner else { return };
        let mut generation = inner.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        inner.entries.remove(token_hash);
    }

    /// Taken before reading the database, handed back to [`Self::insert`].
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.inner.as_ref().map_or(0, |i| {
            *i.generation.lock().unwrap_or_else(|e| e.into_inner())
        }))
    }

    /// Remembers what the database said, unless something was invalidated since `ticket`.
    pub(crate) fn insert(&self, ticket: Ticket, token_hash: Vec<u8>, cached: Arc<Cached>) {
        let Some(inner) = &self.inner else { return };
        let generation = inner.generation.lock().unwrap_or_else(|e| e.into_inner());
        if *generation == ticket.0 {
            inner.entries.insert(token_hash, cached);
        }
    }

    /// Forgets the entries that `matches`.
    fn invalidate_if(&self, matches: impl Fn(&Cached) -> bool) {
        let Some(inner) = &self.inner else { return };
        let mut generation = inner.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        inner.entries.retain(|_, cached| !matches(cached));
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
        inner.entries.clear();
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

    fn cached(user: Uuid, session: Uuid) -> Arc<Cached> {
        cached_read(user, session, Instant::now())
    }

    fn cached_read(user: Uuid, session: Uuid, read_at: Instant) -> Arc<Cached> {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Arc::new(Cached::new(
            Session {
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
            User {
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
            read_at,
        ))
    }

    #[test]
    fn a_noted_use_is_kept_in_the_entry_and_only_a_later_one_counts() {
        let entry = cached(Uuid::new_v4(), Uuid::new_v4());
        let read = entry.session.last_used_at;
        assert_eq!(entry.last_used_at(), read, "nothing noted: as read");
        entry.note_use(read - chrono::TimeDelta::minutes(5));
        assert_eq!(entry.last_used_at(), read, "an older note does not go back");
        let later = read + chrono::TimeDelta::minutes(2);
        entry.note_use(later);
        entry.note_use(read + chrono::TimeDelta::minutes(1));
        assert_eq!(entry.last_used_at(), later, "the latest note wins");
    }

    #[test]
    fn an_entry_is_read_again_once_in_the_last_quarter_before_its_deadline() {
        // One minute; the hash [0, 0] lives the shortest share: 45 s, read again from 30 s.
        let cache = SessionCache::new(Duration::from_secs(60), 100);
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let hash = vec![0u8, 0];
        let fresh = cached(user, session);
        assert!(!cache.claim_refresh(&hash, &fresh));
        let ago = |s| {
            Instant::now()
                .checked_sub(Duration::from_secs(s))
                .expect("uptime")
        };
        let young = cached_read(user, session, ago(29));
        assert!(!cache.claim_refresh(&hash, &young));
        let due = cached_read(user, session, ago(31));
        assert!(cache.claim_refresh(&hash, &due), "due");
        assert!(!cache.claim_refresh(&hash, &due), "one read at a time");
        due.refresh_failed();
        assert!(cache.claim_refresh(&hash, &due), "again after a failure");

        // The deadline counts from the read, also when an entry is replaced.
        cache.insert(
            cache.ticket(),
            hash.clone(),
            cached_read(user, session, ago(31)),
        );
        assert!(cache.get(&hash).is_some(), "14 s left");
        cache.insert(
            cache.ticket(),
            hash.clone(),
            cached_read(user, session, ago(46)),
        );
        assert!(cache.get(&hash).is_none(), "past its 45 s");
        cache.insert(cache.ticket(), hash.clone(), cached(user, session));
        assert!(cache.get(&hash).is_some(), "a fresh read lives again");
        cache.forget(&hash);
        assert!(cache.get(&hash).is_none());
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
