//! When each session was last used, written to the database in batches, off the request path.
//!
//! A session records its last use (for the idle limit and the sessions list) at most once a
//! minute. Written by the request itself, that write lands on every session at the same
//! moment whenever many of them started together (every user after a restart, every user of
//! a load test): thousands of single-row writes at once, each holding its request. Here a
//! request only notes the time in memory; a background task writes what was noted every few
//! seconds, or sooner when many are waiting, as one statement (one transaction on SQLite).
//!
//! What is noted and not yet written is lost if the process dies: the database then holds a
//! last use a few seconds older than the real one, which the idle limit (hours) does not
//! notice. A clean shutdown writes it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use stride_store::{Store, StoreResult};
use uuid::Uuid;

/// How often noted uses are written.
const EVERY: Duration = Duration::from_secs(5);
/// Written at once when this many are waiting.
const SOON: usize = 2_000;

/// Sessions' last uses, noted and not yet written. Cheap to clone.
#[derive(Clone)]
pub(crate) struct SessionTouches {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    pending: Mutex<HashMap<Uuid, DateTime<Utc>>>,
    wake: tokio::sync::Notify,
}

impl std::fmt::Debug for SessionTouches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTouches")
            .field("pending", &self.pending())
            .finish()
    }
}

impl SessionTouches {
    pub(crate) fn new(store: Store) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                pending: Mutex::new(HashMap::new()),
                wake: tokio::sync::Notify::new(),
            }),
        }
    }

    /// Notes that `session` was used at `at` (the latest time noted wins).
    pub(crate) fn note(&self, session: Uuid, at: DateTime<Utc>) {
        let waiting = {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
            let noted = pending.entry(session).or_insert(at);
            *noted = (*noted).max(at);
            pending.len()
        };
        if waiting >= SOON {
            self.inner.wake.notify_one();
        }
    }

    /// The last use noted for `session` and not yet written, if any: a read of the database
    /// made meanwhile is that much behind.
    pub(crate) fn noted(&self, session: Uuid) -> Option<DateTime<Utc>> {
        self.inner
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&session)
            .copied()
    }

    /// Uses noted and not yet written.
    pub(crate) fn pending(&self) -> usize {
        self.inner
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Writes everything noted so far. On failure what was taken is noted again (unless a
    /// later use was noted meanwhile), for the next attempt.
    pub(crate) async fn flush(&self) -> StoreResult<u64> {
        let taken: Vec<(Uuid, DateTime<Utc>)> = {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *pending).into_iter().collect()
        };
        match self.inner.store.touch_sessions(&taken).await {
            Ok(changed) => Ok(changed),
            Err(error) => {
                for (session, at) in taken {
                    self.note(session, at);
                }
                Err(error)
            }
        }
    }

    /// Writes what is noted every few seconds, and at once when many are waiting. Runs until
    /// aborted; the server flushes once more as it stops.
    pub(crate) async fn run(self) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                () = self.inner.wake.notified() => {}
            }
            if let Err(error) = self.flush().await {
                tracing::warn!(%error, "could not record when sessions were last used");
            }
        }
    }
}
