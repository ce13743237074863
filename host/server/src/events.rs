//! What happened, told to whoever is listening on this replica and on every other one.
//!
//! A service publishes an [`Event`] after its transaction commits. Listeners on this process
//! receive it at once through an in-process broadcast; on PostgreSQL the event also goes out
//! with `NOTIFY`, and every other replica's follower re-broadcasts it to its own listeners.
//! (On SQLite one process owns the database, so the broadcast is everything.) Subscriptions,
//! the home-screen cache and anything else that must react to a change listen here instead of
//! polling the database.
//!
//! Delivery is best effort and at most once: a listener that falls behind, or a replica whose
//! connection to PostgreSQL drops, is told it lagged ([`Received::Lagged`]) and must resync
//! from the database.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use stride_domain::ids::AthleteId;

use stride_store::Store;

/// The PostgreSQL channel replicas exchange events on.
pub const CHANNEL: &str = "stride_events";

/// Something that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An athlete's activities, metrics, plan or profile changed: their home screen is stale.
    AthleteChanged {
        /// Whose data.
        athlete: AthleteId,
    },
    /// A proposal was filed for an athlete.
    ProposalFiled {
        /// Whose plan.
        athlete: AthleteId,
        /// The proposal.
        proposal: Uuid,
    },
    /// A proposal was confirmed, applied, rejected, expired or went stale.
    ProposalDecided {
        /// Whose plan.
        athlete: AthleteId,
        /// The proposal.
        proposal: Uuid,
    },
    /// An athlete's history import moved on.
    BackfillMoved {
        /// Whose import.
        athlete: AthleteId,
        /// From which provider.
        provider: String,
    },
    /// A coach's access to an athlete ended (revoked, or the coach lost the role).
    AccessEnded {
        /// The athlete.
        athlete: AthleteId,
        /// The coach.
        coach: Uuid,
    },
    /// A user's role changed: what they may see is to be checked again.
    UserChanged {
        /// Whose role.
        user: Uuid,
    },
    /// A data export was requested, moved on, finished, failed or expired.
    ExportMoved {
        /// Whose data.
        athlete: AthleteId,
        /// The export.
        export: Uuid,
        /// queued, running, ready, failed or expired.
        state: String,
        /// Steps of the build done.
        steps_done: i32,
        /// Steps the build takes.
        steps_total: i32,
    },
    /// A user's sessions ended (logout, password change, account disabled).
    SessionsEnded {
        /// Whose sessions.
        user: Uuid,
        /// One session, or all of the user's when `None`.
        session: Option<Uuid>,
    },
}

/// What a listener receives.
#[derive(Debug, Clone)]
pub enum Received {
    /// An event.
    Event(Arc<Event>),
    /// Events were missed (the listener fell behind, or a replica's link dropped): whatever the
    /// listener derives from events must be re-read from the database.
    Lagged,
}

/// The event bus of this replica.
#[derive(Clone)]
pub struct Events {
    local: broadcast::Sender<Received>,
    store: Store,
    origin: Uuid,
    hooks: Arc<std::sync::RwLock<Vec<Hook>>>,
}

/// Called with every event as it is published here or arrives from another replica, before
/// any listener sees it, and with [`Received::Lagged`] when events were missed.
pub type Hook = Arc<dyn Fn(&Received) + Send + Sync>;

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("listeners", &self.local.receiver_count())
            .finish()
    }
}

/// An event as it travels between replicas, stamped with the replica that sent it.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: Uuid,
    #[serde(flatten)]
    event: Event,
}

impl Events {
    /// A bus over `store` (for `NOTIFY` on PostgreSQL).
    pub fn new(store: Store) -> Self {
        let (local, _) = broadcast::channel(4_096);
        Self {
            local,
            store,
            origin: Uuid::new_v4(),
            hooks: Arc::default(),
        }
    }

    /// Runs `hook` on every event from now on, synchronously: when `publish` returns, the
    /// hook has seen the event. For caches that must never answer from stale entries after
    /// this replica changed something (a listener task would see the event a moment later).
    pub fn on_every_event(&self, hook: Hook) {
        self.hooks
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(hook);
    }

    fn deliver(&self, received: Received) {
        for hook in self.hooks.read().unwrap_or_else(|e| e.into_inner()).iter() {
            hook(&received);
        }
        // No listener is not an error.
        let _ = self.local.send(received);
    }

    /// Tells every listener here at once, and every other replica.
    pub async fn publish(&self, event: Event) {
        let envelope = Envelope {
            origin: self.origin,
            event,
        };
        if let Ok(text) = serde_json::to_string(&envelope)
            && let Err(error) = self.store.notify(CHANNEL, &text).await
        {
            tracing::warn!(%error, "could not tell other replicas about an event");
        }
        self.deliver(Received::Event(Arc::new(envelope.event)));
    }

    /// Listens from now on.
    pub fn subscribe(&self) -> Listener {
        Listener {
            inner: self.local.subscribe(),
        }
    }

    /// Re-broadcasts other replicas' events here (PostgreSQL only; returns at once on SQLite).
    /// Runs until the process ends, reconnecting when the link drops.
    pub async fn follow_replicas(self) {
        loop {
            let Some(mut listener) = self.store.listen(CHANNEL).await else {
                return;
            };
            loop {
                match listener.recv().await {
                    Ok(notification) => {
                        match serde_json::from_str::<Envelope>(notification.payload()) {
                            Ok(envelope) if envelope.origin == self.origin => {}
                            Ok(envelope) => {
                                self.deliver(Received::Event(Arc::new(envelope.event)));
                            }
                            Err(error) => {
                                tracing::warn!(%error, "ignoring an unreadable event");
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "lost the link to other replicas' events");
                        self.deliver(Received::Lagged);
                        break;
                    }
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}

/// One listener's view of the bus.
#[derive(Debug)]
pub struct Listener {
    inner: broadcast::Receiver<Received>,
}

impl Listener {
    /// The next event; `None` when the bus is gone.
    pub async fn next(&mut self) -> Option<Received> {
        match self.inner.recv().await {
            Ok(received) => Some(received),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(Received::Lagged),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// Change counters for a cache keyed by athlete, so a value read from the database while its
/// athlete changed is not kept. Athletes share 64 counters by a hash of their id: a change
/// to one athlete rarely stops another's value from being kept, and never lets a stale one
/// be kept.
#[derive(Debug, Clone)]
pub struct Generations {
    counters: Arc<[std::sync::atomic::AtomicU64; 64]>,
}

impl Default for Generations {
    fn default() -> Self {
        Self {
            counters: Arc::new(std::array::from_fn(|_| {
                std::sync::atomic::AtomicU64::new(0)
            })),
        }
    }
}

impl Generations {
    fn counter(&self, athlete: Uuid) -> &std::sync::atomic::AtomicU64 {
        let bytes = athlete.as_bytes();
        // The low bits of a UUID (v4 random, v7 random after the timestamp) spread evenly.
        &self.counters[usize::from(bytes[15]) % 64]
    }

    /// The athlete's counter now: read it before reading what will be cached.
    pub fn of(&self, athlete: Uuid) -> u64 {
        self.counter(athlete)
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Records a change to the athlete's data.
    pub fn changed(&self, athlete: Uuid) {
        self.counter(athlete)
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Records that anything may have changed (missed notices).
    pub fn all_changed(&self) {
        for counter in self.counters.iter() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}
