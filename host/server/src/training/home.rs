//! The home screen: today's workout, readiness, load status and alerts, served from a cache
//! that every write affecting it invalidates — on this replica at once, and on the others
//! through the event bus ([`crate::events`]). The newest page of each athlete's activities is
//! cached beside it, dropped by the same changes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{DayRequest, Training};
use crate::auth::Viewer;
use crate::by_athlete::{self, ByAthlete};
use crate::error::AppResult;
use crate::events::{Event, Events, Received};
use stride_domain::ids::AthleteId;
use stride_domain::people::GrantAccess;
use stride_domain::readiness::Readiness;
use stride_domain::stats::{DayStats, RiskAlert};
use stride_store::{DateRange, StoredActivity, StoredPlan, StoredWorkout, User};

/// Where an athlete's load stands today.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadStatus {
    /// Today's stats (derived when no activity was logged today).
    pub today: Option<DayStats>,
}

/// Everything the home screen shows.
#[derive(Debug, Clone)]
pub struct Home {
    /// The athlete's today.
    pub date: NaiveDate,
    /// The active plan (its own fields; the workouts below are today's).
    pub plan: Option<StoredPlan>,
    /// Today's scheduled workouts in the active plan.
    pub workouts: Vec<StoredWorkout>,
    /// Today's readiness.
    pub readiness: Readiness,
    /// Load status.
    pub load: LoadStatus,
    /// Risk alerts of the last seven days, newest first.
    pub alerts: Vec<RiskAlert>,
    /// Whole GraphQL answers made from this screen alone, kept with it and dropped with it.
    pub answers: Answers,
}

/// GraphQL answers (their JSON bytes) by query text, made from one cached home screen and
/// nothing else. A query that asks only for `home` gets the same answer until the screen
/// changes, and the screen is dropped on every change: the answer goes with it.
#[derive(Default)]
pub struct Answers(std::sync::Mutex<Vec<(Box<str>, axum::body::Bytes)>>);

/// Answers kept per home screen: one per client's query text, for the few clients an athlete
/// uses (the console, the app, a script).
const ANSWERS_KEPT: usize = 4;

/// The largest answer kept: a plain home screen's is about 1 KiB.
const ANSWER_MAX_BYTES: usize = 64 * 1024;

impl Answers {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Box<str>, axum::body::Bytes)>> {
        // The lock guards a plain list; a panic cannot leave it half-changed.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer kept for `query`.
    pub fn get(&self, query: &str) -> Option<axum::body::Bytes> {
        self.lock()
            .iter()
            .find(|(kept, _)| &**kept == query)
            .map(|(_, answer)| answer.clone())
    }

    /// Keeps the answer to `query`, in place of the oldest when full; not an answer larger
    /// than [`ANSWER_MAX_BYTES`] (the cache counts screens, not bytes).
    pub fn keep(&self, query: &str, answer: axum::body::Bytes) {
        if answer.len() > ANSWER_MAX_BYTES {
            return;
        }
        let mut answers = self.lock();
        if let Some(kept) = answers.iter_mut().find(|(kept, _)| &**kept == query) {
            kept.1 = answer;
            return;
        }
        if answers.len() >= ANSWERS_KEPT {
            answers.remove(0);
        }
        answers.push((query.into(), answer));
    }
}

/// A copy starts with no answers: they belong to the screen they were made from.
impl Clone for Answers {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers")
            .field("kept", &self.lock().len())
            .finish()
    }
}

/// Cached home screens, keyed by athlete (each remembers the day it was built for), and the
/// newest activities of each athlete.
#[derive(Clone)]
pub struct HomeCache {
    cache: ByAthlete<Home>,
    /// Each athlete's newest [`RECENT_ACTIVITIES`] activities that count (copies left out),
    /// newest first: the first page of the activity list, which is most of what is read.
    recent: ByAthlete<Vec<StoredActivity>>,
    events: Events,
    /// Home screens that missed the cache, built together.
    misses: crate::together::Together<User, Home>,
    /// What the cache did, for `/metrics`.
    counts: Arc<HomeCacheCounts>,
}

/// What the home-screen cache did since the process started.
#[derive(Debug, Default)]
pub struct HomeCacheCounts {
    /// Look-ups of a home screen answered from the cache (a request may make more than one).
    pub hits: AtomicU64,
    /// Home screens built from the database (a miss, or a day that ended).
    pub built: AtomicU64,
    /// Change notices followed (this replica's and the others'): each drops an athlete's
    /// screen, if cached.
    pub dropped: AtomicU64,
    /// Times every screen was dropped because change notices were missed.
    pub dropped_all: AtomicU64,
}

/// How long a cached screen or page is kept at most (from three quarters of it, by athlete:
/// those built together are not all built again together). Changes drop it sooner.
const KEPT: Duration = Duration::from_secs(600);

/// Home screens built together at most: the reads of a batch are one query per table.
const HOME_BATCH: usize = 64;

/// Builders at work at once at most, each on its own batch: enough to keep a few of the
/// pool's connections busy after a restart, when every athlete's first visit misses, and few
/// enough to leave the rest to other requests.
const HOME_BUILDERS: usize = 4;

/// Activities kept per athlete in the recent-activities cache: a first page of up to 50 and
/// one more, which says whether there is a next page.
pub const RECENT_ACTIVITIES: u32 = 51;

/// The recent-activities cache's size, bytes (estimated per activity: see [`activity_bytes`]).
const RECENT_CAPACITY_BYTES: u64 = 128 * 1024 * 1024;

/// About what a page of cached activities takes in memory.
fn page_bytes(page: &[StoredActivity]) -> u64 {
    page.iter().map(|a| activity_bytes(a) as u64).sum()
}

/// About what a cached activity takes in memory: its fixed fields, its text and its laps.
fn activity_bytes(activity: &StoredActivity) -> usize {
    let record = &activity.record;
    let text = [
        Some(record.draft.name.as_str()),
        record.draft.notes.as_deref(),
        record.load_detail.as_deref(),
        record.external_id.as_deref(),
        Some(record.source.as_str()),
    ];
    std::mem::size_of::<StoredActivity>()
        + text.iter().flatten().map(|t| t.len()).sum::<usize>()
        + record.extras.laps.len() * std::mem::size_of::<stride_domain::activity::Lap>()
}

impl std::fmt::Debug for HomeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HomeCache")
            .field("entries", &self.cache.len())
            .finish()
    }
}

impl HomeCache {
    /// A cache of up to 100,000 home screens and 128 MiB of recent activities, each kept at
    /// most ten minutes (from seven and a half, by athlete: screens built together are not
    /// all built again together).
    pub fn new(events: Events) -> Self {
        Self {
            cache: ByAthlete::new(100_000, 100_000, by_athlete::one, KEPT),
            // Pages of about 20 KiB.
            recent: ByAthlete::new(
                (RECENT_CAPACITY_BYTES / 20_000) as usize,
                RECENT_CAPACITY_BYTES,
                |page| page_bytes(page),
                KEPT,
            ),
            events,
            misses: crate::together::Together::new("home screens", HOME_BATCH, HOME_BUILDERS),
            counts: Arc::default(),
        }
    }

    /// What the cache did since the process started.
    pub fn counts(&self) -> &HomeCacheCounts {
        &self.counts
    }

    /// Screens cached now (some may be past their time limit, not yet looked up).
    pub fn entries(&self) -> usize {
        self.cache.len()
    }

    /// Drops an athlete's cached home screen and recent activities here at once, and tells the
    /// other replicas.
    pub async fn invalidate(&self, athlete_id: Uuid) {
        self.cache.invalidate(athlete_id);
        self.recent.invalidate(athlete_id);
        self.events
            .publish(Event::AthleteChanged {
                athlete: AthleteId(athlete_id),
            })
            .await;
    }

    /// Follows the changes other replicas (and this one) announce. Runs until the bus closes.
    pub async fn follow(self) {
        let mut listener = self.events.subscribe();
        while let Some(received) = listener.next().await {
            match received {
                Received::Event(event) => {
                    if let Event::AthleteChanged { athlete } = *event {
                        self.counts.dropped.fetch_add(1, Ordering::Relaxed);
                        self.cache.invalidate(athlete.uuid());
                        self.recent.invalidate(athlete.uuid());
                    }
                }
                // Missed events: anything cached may be stale.
                Received::Lagged => {
                    self.counts.dropped_all.fetch_add(1, Ordering::Relaxed);
                    self.cache.invalidate_all();
                    self.recent.invalidate_all();
                }
            }
        }
    }
}

impl Training {
    /// The home screen of an athlete (default: the viewer), from the cache when fresh.
    pub async fn home(&self, viewer: &Viewer, athlete_id: Uuid) -> AppResult<Arc<Home>> {
        let athlete = self.athlete(viewer, athlete_id, GrantAccess::Read).await?;
        let today = self.today_for(&athlete);
        if let Some(home) = self.home.cache.get(athlete.id) {
            if home.date == today {
                self.home.counts.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(home);
            }
            // Built for a day that has ended.
            self.home.cache.forget(athlete.id);
        }
        // Requests that miss together (a page's `home` and `trainingPlan`) share one build.
        self.home
            .cache
            .get_or_read(athlete.id, self.build_home_with_others(athlete.clone()))
            .await
    }

    /// The viewer's own home screen when it is cached and is today's; never built here.
    pub fn cached_home(&self, viewer: &Viewer) -> Option<Arc<Home>> {
        let home = self.home.cache.get(viewer.id())?;
        let fresh = home.date == self.today_for(&viewer.user);
        if fresh {
            self.home.counts.hits.fetch_add(1, Ordering::Relaxed);
        }
        fresh.then_some(home)
    }

    /// The athlete's newest [`RECENT_ACTIVITIES`] activities that count, newest first, from
    /// the cache when fresh. The caller has checked the viewer's access.
    pub(crate) async fn recent_activities(
        &self,
        athlete_id: Uuid,
    ) -> AppResult<Arc<Vec<StoredActivity>>> {
        Ok(self
            .home
            .recent
            .get_or_read(
                athlete_id,
                self.store.list_activities(
                    athlete_id,
                    DateRange::default(),
                    None,
                    RECENT_ACTIVITIES,
                ),
            )
            .await?)
    }

    /// Builds an athlete's home screen together with the others that missed the cache
    /// meanwhile ([`crate::together`]): under load (many athletes' first visits at once) the
    /// misses share their reads instead of queueing one by one for the database.
    async fn build_home_with_others(&self, athlete: User) -> AppResult<Home> {
        self.home.counts.built.fetch_add(1, Ordering::Relaxed);
        let training = self.clone();
        self.home
            .misses
            .one(athlete, move |athletes: Vec<User>| {
                let training = training.clone();
                async move { training.build_homes(&athletes).await }
            })
            .await
    }

    /// The home screens of `athletes`, in their order, read together.
    async fn build_homes(&self, athletes: &[User]) -> AppResult<Vec<Home>> {
        let ids: Vec<Uuid> = athletes.iter().map(|a| a.id).collect();
        let baselines = self.store.baselines_of(&ids).await?;
        let requests: Vec<DayRequest<'_>> = athletes
            .iter()
            .map(|athlete| DayRequest {
                athlete,
                baselines: baselines.get(&athlete.id).copied().unwrap_or_default(),
            })
            .collect();
        Ok(self
            .days_of(&requests)
            .await?
            .into_iter()
            .map(|day| {
                let today = day.span.today;
                Home {
                    date: today,
                    load: LoadStatus {
                        today: day.stats_today().cloned(),
                    },
                    workouts: day
                        .workouts
                        .into_iter()
                        .filter(|w| w.workout.date == today)
                        .collect(),
                    plan: day.plan,
                    readiness: day.readiness,
                    alerts: day.alerts,
                    answers: Answers::default(),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screen_keeps_a_few_small_answers_and_the_newest_of_each() {
        let answers = Answers::default();
        let bytes = |text: &str| axum::body::Bytes::from(text.to_owned());
        for n in 0..=ANSWERS_KEPT {
            answers.keep(&format!("query {n}"), bytes(&format!("answer {n}")));
        }
        // The oldest made room for the newest.
        assert_eq!(answers.get("query 0"), None);
        assert_eq!(answers.get("query 1"), Some(bytes("answer 1")));
        assert_eq!(
            answers.get(&format!("query {ANSWERS_KEPT}")),
            Some(bytes(&format!("answer {ANSWERS_KEPT}")))
        );
        answers.keep("query 1", bytes("answer 1, again"));
        assert_eq!(answers.get("query 1"), Some(bytes("answer 1, again")));
        // Too large to keep.
        answers.keep("large", bytes(&"x".repeat(ANSWER_MAX_BYTES + 1)));
        assert_eq!(answers.get("large"), None);
        assert_eq!(answers.get("query 1"), Some(bytes("answer 1, again")));
        // A copy of the screen starts without answers.
        assert_eq!(answers.clone().get("query 1"), None);
    }
}
