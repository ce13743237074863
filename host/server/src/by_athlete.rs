//! A cache of what was read from the database for one athlete: home screens, the newest
//! activities, pending proposals.
//!
//! Each is dropped by every change to its athlete (the caller's invalidation, here at once
//! and on other replicas through the event bus) and is kept at most a time limit, spread by
//! athlete ([`crate::spread`]), which bounds what a lost notice could leave behind.
//!
//! **Nothing stale is kept.** A value read while its athlete changed may predate the change:
//! every invalidation counts a change ([`Generations`]), and a value whose read began before
//! a change is handed to its caller but not kept.
//!
//! **One read per miss.** Requests that miss the same athlete together (a page's queries,
//! sent at once) wait for the first one's read instead of each reading.
//!
//! The entries are `quick_cache`'s, as for sessions and parsed documents: `home` looks one up
//! on every request, and a look-up there is a sharded read lock and a flag, where moka's also
//! queued each read for its bookkeeping (BENCHMARKS.md, 7 December). It has no deadlines of
//! its own, so a look-up checks the entry's, and drops it when past.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::events::Generations;
use crate::spread::{Spread, SpreadKey};

/// Values by athlete. Cheap to clone: clones share the entries.
pub(crate) struct ByAthlete<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for ByAthlete<T> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<T> {
    entries: quick_cache::sync::Cache<Uuid, Made<T>, Weigh<T>>,
    /// Each entry's time limit, by its athlete's id.
    spread: Spread,
    /// Changes counted by athlete: a value read across one is not kept.
    changes: Generations,
}

/// A cached value and when its read began: its deadline counts from there.
struct Made<T> {
    value: Arc<T>,
    at: Instant,
}

impl<T> Clone for Made<T> {
    fn clone(&self) -> Self {
        Self {
            value: Arc::clone(&self.value),
            at: self.at,
        }
    }
}

/// What an entry weighs against the cache's capacity.
struct Weigh<T>(fn(&T) -> u64);

impl<T> Clone for Weigh<T> {
    fn clone(&self) -> Self {
        Self(self.0)
    }
}

impl<T> quick_cache::Weighter<Uuid, Made<T>> for Weigh<T> {
    fn weight(&self, _: &Uuid, made: &Made<T>) -> u64 {
        (self.0)(&made.value)
    }
}

/// Every entry weighs one: the capacity counts entries.
pub(crate) fn one<T>(_: &T) -> u64 {
    1
}

impl<T> std::fmt::Debug for ByAthlete<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByAthlete")
            .field("entries", &self.inner.entries.len())
            .finish()
    }
}

impl<T> ByAthlete<T> {
    /// A cache of about `items` entries, weighing at most `capacity` by `weigh`, each kept
    /// between three quarters of `limit` and all of it.
    pub(crate) fn new(items: usize, capacity: u64, weigh: fn(&T) -> u64, limit: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                entries: quick_cache::sync::Cache::with_weighter(items, capacity, Weigh(weigh)),
                spread: Spread(limit),
                changes: Generations::default(),
            }),
        }
    }

    /// Whether `made` is still within its time limit.
    fn alive(&self, athlete: Uuid, made: &Made<T>) -> bool {
        made.at.elapsed() < self.inner.spread.ttl(athlete.spread_bits())
    }

    /// Drops `made` if it is still the athlete's entry (a fresh read may have replaced it).
    fn drop_entry(&self, athlete: Uuid, made: &Made<T>) {
        self.inner
            .entries
            .remove_if(&athlete, |kept| Arc::ptr_eq(&kept.value, &made.value));
    }

    /// The athlete's value, if cached and within its time limit.
    pub(crate) fn get(&self, athlete: Uuid) -> Option<Arc<T>> {
        let made = self.inner.entries.get(&athlete)?;
        if !self.alive(athlete, &made) {
            self.drop_entry(athlete, &made);
            return None;
        }
        Some(made.value)
    }

    /// The athlete's change count now: take it before reading what [`Self::keep`] is given.
    pub(crate) fn generation(&self, athlete: Uuid) -> u64 {
        self.inner.changes.of(athlete)
    }

    /// Keeps `value`, read from `at` on, unless the athlete changed since `generation`.
    pub(crate) fn keep(&self, athlete: Uuid, generation: u64, at: Instant, value: Arc<T>) {
        if self.generation(athlete) != generation {
            return;
        }
        self.inner.entries.insert(athlete, Made { value, at });
        self.unless_changed_since(athlete, generation);
    }

    /// Drops the athlete's entry if a change landed since `generation`: an insert that raced
    /// an invalidation must not hide the change.
    fn unless_changed_since(&self, athlete: Uuid, generation: u64) {
        if self.generation(athlete) != generation {
            self.inner.entries.remove(&athlete);
        }
    }

    /// The athlete's value: cached, or read by `read` (when no one else is reading it; else
    /// the other's read). A read that fails is not kept, and the next waiter reads instead.
    pub(crate) async fn get_or_read<E>(
        &self,
        athlete: Uuid,
        read: impl Future<Output = Result<T, E>>,
    ) -> Result<Arc<T>, E> {
        loop {
            let generation = self.generation(athlete);
            match self.inner.entries.get_value_or_guard_async(&athlete).await {
                Ok(made) if self.alive(athlete, &made) => return Ok(made.value),
                Ok(made) => self.drop_entry(athlete, &made),
                Err(guard) => {
                    let at = Instant::now();
                    let value = Arc::new(read.await?);
                    let _ = guard.insert(Made {
                        value: Arc::clone(&value),
                        at,
                    });
                    self.unless_changed_since(athlete, generation);
                    return Ok(value);
                }
            }
        }
    }

    /// Drops the athlete's entry without counting a change (it was found out of date).
    pub(crate) fn forget(&self, athlete: Uuid) {
        self.inner.entries.remove(&athlete);
    }

    /// Counts a change to the athlete and drops its entry.
    pub(crate) fn invalidate(&self, athlete: Uuid) {
        self.inner.changes.changed(athlete);
        self.inner.entries.remove(&athlete);
    }

    /// Counts a change to every athlete and drops every entry (notices were missed).
    pub(crate) fn invalidate_all(&self) {
        self.inner.changes.all_changed();
        self.inner.entries.clear();
    }

    /// Entries now (some may be past their time limit, not yet looked up).
    pub(crate) fn len(&self) -> usize {
        self.inner.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn athlete() -> Uuid {
        Uuid::new_v4()
    }

    #[tokio::test]
    async fn a_miss_is_read_once_and_kept_until_a_change() {
        let cache = ByAthlete::new(10, 10, one, Duration::from_secs(600));
        let a = athlete();
        let first = cache
            .get_or_read(a, async { Ok::<_, ()>("read 1") })
            .await
            .expect("read");
        assert_eq!(*first, "read 1");
        let again = cache
            .get_or_read(a, async { Ok::<_, ()>("read 2") })
            .await
            .expect("read");
        assert!(Arc::ptr_eq(&first, &again), "kept");
        assert_eq!(cache.get(a).as_deref(), Some(&"read 1"));
        cache.invalidate(a);
        assert_eq!(cache.get(a), None);
        let after = cache
            .get_or_read(a, async { Ok::<_, ()>("read 3") })
            .await
            .expect("read");
        assert_eq!(*after, "read 3");
        // A failed read is not kept.
        cache.invalidate(a);
        assert_eq!(
            cache.get_or_read(a, async { Err("down") }).await,
            Err("down")
        );
        assert_eq!(cache.get(a), None);
    }

    #[tokio::test]
    async fn requests_that_miss_together_share_one_read() {
        let cache = ByAthlete::new(10, 10, one, Duration::from_secs(600));
        let a = athlete();
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let (release, released) = tokio::sync::watch::channel(false);
        let read = || async {
            reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut released = released.clone();
            released.wait_for(|r| *r).await.map_err(|_| ())?;
            Ok::<_, ()>(7)
        };
        let waiters = futures::future::join_all((0..5).map(|_| cache.get_or_read(a, read())));
        let (values, ()) = tokio::join!(waiters, async {
            tokio::task::yield_now().await;
            release.send(true).expect("waiters listen");
        });
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(values.into_iter().all(|v| v == Ok(Arc::new(7))));
    }

    #[tokio::test]
    async fn a_read_across_a_change_is_answered_but_not_kept() {
        let cache = ByAthlete::new(10, 10, one, Duration::from_secs(600));
        let a = athlete();
        let value = cache
            .get_or_read(a, async {
                // The athlete changes while the database is read.
                cache.invalidate(a);
                Ok::<_, ()>("before the change")
            })
            .await
            .expect("read");
        assert_eq!(*value, "before the change");
        assert_eq!(cache.get(a), None, "not kept");
        // Nor through `keep` with a generation taken before the change.
        let generation = cache.generation(a);
        cache.invalidate(a);
        cache.keep(a, generation, Instant::now(), Arc::new("stale"));
        assert_eq!(cache.get(a), None);
        let generation = cache.generation(a);
        cache.keep(a, generation, Instant::now(), Arc::new("fresh"));
        assert_eq!(cache.get(a).as_deref(), Some(&"fresh"));
    }

    #[tokio::test]
    async fn an_entry_past_its_time_limit_is_read_again() {
        // A minute: each entry lives 45 to 60 s, by its athlete.
        let cache = ByAthlete::new(10, 10, one, Duration::from_secs(60));
        let a = athlete();
        let ago = |s| {
            Instant::now()
                .checked_sub(Duration::from_secs(s))
                .expect("uptime")
        };
        cache.keep(a, cache.generation(a), ago(44), Arc::new("young"));
        assert_eq!(cache.get(a).as_deref(), Some(&"young"));
        cache.keep(a, cache.generation(a), ago(61), Arc::new("old"));
        assert_eq!(cache.get(a), None, "past its limit");
        assert_eq!(cache.len(), 0, "and dropped");
        cache.keep(a, cache.generation(a), ago(61), Arc::new("old"));
        let value = cache
            .get_or_read(a, async { Ok::<_, ()>("read again") })
            .await
            .expect("read");
        assert_eq!(*value, "read again");
    }

    #[test]
    fn entries_weigh_what_they_are_told_to() {
        // Room for ten bytes (one shard, for so small a cache).
        let cache: ByAthlete<String> =
            ByAthlete::new(10, 10, |s| s.len() as u64, Duration::from_secs(600));
        let (a, b, c) = (athlete(), athlete(), athlete());
        cache.keep(
            a,
            cache.generation(a),
            Instant::now(),
            Arc::new("a".repeat(3)),
        );
        cache.keep(
            b,
            cache.generation(b),
            Instant::now(),
            Arc::new("b".repeat(3)),
        );
        assert_eq!(cache.len(), 2);
        // Nine bytes more leave room for one of the three.
        cache.keep(
            c,
            cache.generation(c),
            Instant::now(),
            Arc::new("c".repeat(9)),
        );
        assert_eq!(cache.len(), 1);
        // Heavier than the whole cache: not kept.
        cache.invalidate_all();
        cache.keep(
            a,
            cache.generation(a),
            Instant::now(),
            Arc::new("a".repeat(11)),
        );
        assert_eq!(cache.len(), 0);
    }
}
