//! The home screen: today's workout, readiness, load status and alerts, served from a cache
//! that every write affecting it invalidates — on this replica at once, and on the others
//! through the event bus ([`crate::events`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use moka::future::Cache;
use uuid::Uuid;

use super::Training;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Events, Received};
use stride_domain::ids::AthleteId;
use stride_domain::people::GrantAccess;
use stride_domain::readiness::Readiness;
use stride_domain::stats::{DayStats, RiskAlert};
use stride_store::{StoredPlan, StoredWorkout};

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
}

/// Cached home screens, keyed by athlete (each remembers the day it was built for).
#[derive(Clone)]
pub struct HomeCache {
    cache: Cache<Uuid, Arc<Home>>,
    events: Events,
    /// Counts invalidations: a home screen built while its athlete changed is not kept.
    changes: crate::events::Generations,
}

impl std::fmt::Debug for HomeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HomeCache")
            .field("entries", &self.cache.entry_count())
            .finish()
    }
}

impl HomeCache {
    /// A cache of up to 100,000 home screens, each kept at most ten minutes.
    pub fn new(events: Events) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(600))
                .build(),
            events,
            changes: crate::events::Generations::default(),
        }
    }

    /// Drops an athlete's cached home screen here at once, and tells the other replicas.
    pub async fn invalidate(&self, athlete_id: Uuid) {
        self.changes.changed(athlete_id);
        self.cache.invalidate(&athlete_id).await;
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
                        self.changes.changed(athlete.uuid());
                        self.cache.invalidate(&athlete.uuid()).await;
                    }
                }
                // Missed events: anything cached may be stale.
                Received::Lagged => {
                    self.changes.all_changed();
                    self.cache.invalidate_all();
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
        if let Some(home) = self.home.cache.get(&athlete.id).await {
            if home.date == today {
                return Ok(home);
            }
            // Built for a day that has ended.
            self.home.cache.invalidate(&athlete.id).await;
        }
        // Requests that miss together (a page's `home` and `trainingPlan`) share one build.
        let generation = self.home.changes.of(athlete.id);
        let home = self
            .home
            .cache
            .try_get_with(athlete.id, async {
                self.build_home(&athlete, today).await.map(Arc::new)
            })
            .await
            .map_err(|shared| {
                Arc::try_unwrap(shared).unwrap_or_else(|shared| {
                    AppError::Internal(anyhow::anyhow!("building the home screen: {shared:?}"))
                })
            })?;
        // Built while a change landed: it may predate the change, so it is not kept.
        if self.home.changes.of(athlete.id) != generation {
            self.home.cache.invalidate(&athlete.id).await;
        }
        Ok(home)
    }

    async fn build_home(&self, athlete: &stride_store::User, today: NaiveDate) -> AppResult<Home> {
        let plan = self.store.active_plan(athlete.id).await?;
        let workouts = match &plan {
            Some(plan) => self.store.plan_workouts(plan.id, today, today).await?,
            None => Vec::new(),
        };
        let readiness = self.readiness_on(athlete, today).await?;
        let load = LoadStatus {
            today: self.series(athlete.id, today, today).await?.pop(),
        };
        let week_ago = today.checked_sub_days(Days::new(6)).unwrap_or(today);
        let mut alerts = self.alerts_between(athlete.id, week_ago, today).await?;
        alerts.reverse();
        Ok(Home {
            date: today,
            plan,
            workouts,
            readiness,
            load,
            alerts,
        })
    }
}
