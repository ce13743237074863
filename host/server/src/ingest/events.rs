//! Webhook events recorded. Each acknowledgement waits until its event and jobs are durable.
//!
//! On SQLite, which has one writer, events go to the webhook inbox, a second database file
//! with its own write lock (`stride_store::inbox`): an acknowledgement waits only for other
//! acknowledgements, never for the deliveries queued for the main database. The events that
//! arrive while one inbox transaction commits share the next one. One mover turns them into
//! jobs in the main database, many in one transaction, exactly once. (An in-memory SQLite
//! database has no inbox: its events are recorded in the main database, in the same shared
//! transactions.) On PostgreSQL each event is recorded on its own, side by side on the
//! pool's connections (one shared transaction at a time measured slower there: its
//! statements are round trips made one after another). The usual event on PostgreSQL, one
//! athlete's one job, does not come here: `Ingest::accept_event` records it with one
//! statement that also finds the athlete.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, oneshot};
use uuid::Uuid;

use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_store::{Backend, InboxEvent, Store};

use super::jobs::PluginJob;
use crate::error::{AppError, AppResult};
use crate::jobs::Jobs;

/// Most events one transaction records.
const GROUP: usize = 256;

/// Most inbox jobs the mover turns into jobs in one transaction.
const MOVE: u32 = 1_024;

/// How long the mover waits for a wake-up before it looks at the inbox anyway (and how long
/// it waits after a failure).
const MOVER_PATIENCE: Duration = Duration::from_secs(1);

/// A webhook event to record.
struct Event {
    plugin: String,
    /// The provider's id of the event, when it has one (redeliveries are recognised by it).
    key: Option<String>,
    /// The jobs it asks for, with their athletes.
    jobs: Vec<(Uuid, PluginJob)>,
}

/// An event waiting for the shared transaction.
struct Pending {
    event: Event,
    /// Told once the transaction that holds it has committed (or failed).
    recorded: oneshot::Sender<Result<(), String>>,
}

/// Records webhook events (on SQLite in shared transactions, one after another).
#[derive(Clone)]
pub(super) struct EventLog {
    writer: Writer,
    /// The writer task's queue; a new task starts on first use, or if the last one stopped.
    /// The task ends when the last copy of this log is dropped.
    queue: Arc<Mutex<Option<mpsc::UnboundedSender<Pending>>>>,
    /// Wakes the inbox's mover. The mover holds it weakly and stops once every copy of this
    /// log is gone.
    arrived: Arc<Notify>,
    /// The mover, once started.
    mover: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

/// What writes the events.
#[derive(Clone)]
struct Writer {
    store: Store,
    clock: SharedClock,
    jobs: Jobs,
}

impl EventLog {
    pub(super) fn new(store: Store, clock: SharedClock, jobs: Jobs) -> Self {
        Self {
            writer: Writer { store, clock, jobs },
            queue: Arc::default(),
            arrived: Arc::new(Notify::new()),
            mover: Arc::default(),
        }
    }

    /// Starts the inbox's mover (SQLite on a file only), which also moves what an earlier run
    /// left in the inbox; again if it stopped (it only stops by panicking while this log
    /// lives), so the next event restarts it.
    pub(super) fn start_mover(&self) {
        if !self.writer.store.has_inbox() {
            return;
        }
        let mut mover = self.mover.lock().unwrap_or_else(PoisonError::into_inner);
        if mover.as_ref().is_none_or(|task| task.is_finished()) {
            *mover = Some(tokio::spawn(
                self.writer
                    .clone()
                    .move_inbox(Arc::downgrade(&self.arrived)),
            ));
        }
    }

    /// Stops the mover (at shutdown, before the store closes). What waits in the inbox is
    /// moved by the next run.
    pub(super) fn stop_mover(&self) {
        let mut mover = self.mover.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = mover.take() {
            task.abort();
        }
    }

    /// Records an event and its jobs; returns once they are durable: committed as jobs, or
    /// (SQLite on a file) in the inbox, from where the mover makes them jobs moments later.
    pub(super) async fn record(
        &self,
        plugin: &str,
        key: Option<&str>,
        jobs: Vec<(Uuid, PluginJob)>,
    ) -> AppResult<()> {
        let event = Event {
            plugin: plugin.to_owned(),
            key: key.map(str::to_owned),
            jobs,
        };
        if self.writer.store.backend() == Backend::Postgres {
            return match event.jobs.as_slice() {
                // The common case, one statement: no transaction to open and close.
                [(athlete, job)] => {
                    let enqueued = self
                        .writer
                        .jobs
                        .enqueue_for_event(
                            &event.plugin,
                            event.key.as_deref(),
                            Some(AthleteId(*athlete)),
                            job,
                            self.writer.clock.now(),
                        )
                        .await?;
                    if enqueued.is_some() {
                        self.writer.jobs.wake();
                    }
                    Ok(())
                }
                _ => self.writer.write(&[&event]).await,
            };
        }
        self.start_mover();
        let (recorded, done) = oneshot::channel();
        let pending = Pending { event, recorded };
        {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            let unsent = match queue.as_ref() {
                Some(sender) => sender.send(pending).err().map(|e| e.0),
                None => Some(pending),
            };
            if let Some(pending) = unsent {
                let (sender, receiver) = mpsc::unbounded_channel();
                tokio::spawn(
                    self.writer
                        .clone()
                        .write_groups(receiver, self.arrived.clone()),
                );
                // The task holds the receiver it was just given: this send cannot fail.
                let _ = sender.send(pending);
                *queue = Some(sender);
            }
        }
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(AppError::Internal(anyhow::anyhow!(why))),
            Err(_) => Err(AppError::Internal(anyhow::anyhow!(
                "the webhook event writer stopped"
            ))),
        }
    }
}

impl Writer {
    /// The writer task: takes whatever is queued, records it in one transaction, tells each
    /// (and the mover, when the inbox holds new jobs).
    async fn write_groups(self, mut queue: mpsc::UnboundedReceiver<Pending>, arrived: Arc<Notify>) {
        let mut group = Vec::with_capacity(GROUP);
        while queue.recv_many(&mut group, GROUP).await > 0 {
            let events: Vec<&Event> = group.iter().map(|p| &p.event).collect();
            let written = self.write_queued(&events, &arrived).await;
            drop(events);
            match written {
                Ok(()) => {
                    for pending in group.drain(..) {
                        let _ = pending.recorded.send(Ok(()));
                    }
                }
                // One bad event must not refuse the others: each is tried alone. Two failing
                // alone in a row say the database is the trouble; the rest are refused with
                // it (each provider retries), rather than each waiting for its own failure.
                Err(error) if group.len() > 1 => {
                    tracing::warn!(
                        ?error,
                        events = group.len(),
                        "recording webhook events together failed; each alone"
                    );
                    let mut failing = 0;
                    for pending in group.drain(..) {
                        let alone = if failing < 2 {
                            self.write_queued(&[&pending.event], &arrived).await
                        } else {
                            Err(AppError::Internal(anyhow::anyhow!("{error}")))
                        };
                        if let Err(error) = &alone {
                            tracing::warn!(?error, plugin = %pending.event.plugin, "could not record a webhook event");
                        }
                        failing = if alone.is_ok() { 0 } else { failing + 1 };
                        let _ = pending.recorded.send(alone.map_err(|e| e.to_string()));
                    }
                }
                Err(error) => {
                    tracing::warn!(?error, "could not record a webhook event");
                    let why = error.to_string();
                    for pending in group.drain(..) {
                        let _ = pending.recorded.send(Err(why.clone()));
                    }
                }
            }
        }
    }

    /// Records queued events: in the inbox when there is one, else in the main database.
    async fn write_queued(&self, events: &[&Event], arrived: &Notify) -> AppResult<()> {
        if !self.store.has_inbox() {
            return self.write(events).await;
        }
        let now = self.clock.now();
        let mut recorded = Vec::with_capacity(events.len());
        for event in events {
            let mut rows = Vec::with_capacity(event.jobs.len());
            for (athlete, job) in &event.jobs {
                rows.push(self.jobs.row(Some(AthleteId(*athlete)), job, now, false)?);
            }
            recorded.push(InboxEvent {
                plugin: event.plugin.clone(),
                key: event.key.clone(),
                jobs: rows,
            });
        }
        let recorded: Vec<&InboxEvent> = recorded.iter().collect();
        if self.store.inbox_record(&recorded, now).await? > 0 {
            arrived.notify_one();
        }
        Ok(())
    }

    /// The mover: whenever woken (or every [`MOVER_PATIENCE`]), turns what waits in the
    /// inbox into jobs. Stops when the log that woke it is gone.
    async fn move_inbox(self, arrived: Weak<Notify>) {
        loop {
            let Some(arrived) = arrived.upgrade() else {
                return;
            };
            if let Err(error) = self.move_waiting().await {
                tracing::warn!(
                    ?error,
                    "could not move webhook events from the inbox; retrying"
                );
            }
            let _ = tokio::time::timeout(MOVER_PATIENCE, arrived.notified()).await;
        }
    }

    /// Moves everything waiting in the inbox, [`MOVE`] at a time. Each batch's jobs and the
    /// record of how far the inbox was moved commit together in the main database; entries
    /// at or below that record were moved before (a run stopped before forgetting them) and
    /// are only forgotten. Jobs of athletes erased meanwhile are dropped, and the brake holds
    /// jobs as it stands when they are moved.
    async fn move_waiting(&self) -> AppResult<()> {
        loop {
            let waiting = self.store.inbox_waiting_jobs(MOVE).await?;
            let Some(last) = waiting.last().map(|entry| entry.seq) else {
                return Ok(());
            };
            let full = waiting.len() == MOVE as usize;
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            let moved = self.store.inbox_moved(&mut tx).await?;
            let fresh: Vec<_> = waiting.into_iter().filter(|e| e.seq > moved).collect();
            let mut enqueued = 0;
            if !fresh.is_empty() {
                let held = self.jobs.brake_in(Some(&mut tx)).await?.paused;
                let mut users: Vec<Uuid> = fresh.iter().filter_map(|e| e.job.user_id).collect();
                users.sort_unstable();
                users.dedup();
                let existing: HashSet<Uuid> = self.store.existing_users(&mut tx, &users).await?;
                for entry in fresh {
                    // The event's key, in the main database too: an inbox that replaces this
                    // one (after a restore) still recognises its redeliveries.
                    if let (plugin, Some(key)) = &entry.event {
                        self.store
                            .record_webhook_event(&mut tx, plugin, key, now)
                            .await?;
                    }
                    let mut job = entry.job;
                    if !job.user_id.is_some_and(|user| existing.contains(&user)) {
                        continue;
                    }
                    job.held = held;
                    if self.store.enqueue_job(&mut tx, &job, now).await?.is_some() {
                        enqueued += 1;
                    }
                }
                self.store.set_inbox_moved(&mut tx, last, now).await?;
                tx.commit().await?;
            }
            if enqueued > 0 {
                self.jobs.wake();
            }
            self.store.inbox_forget(last).await?;
            if !full {
                return Ok(());
            }
        }
    }

    /// One transaction: each new event and its jobs (a redelivered event's jobs were enqueued
    /// the first time).
    async fn write(&self, events: &[&Event]) -> AppResult<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let mut enqueued = 0;
        for event in events {
            if let Some(key) = &event.key
                && !self
                    .store
                    .record_webhook_event(&mut tx, &event.plugin, key, now)
                    .await?
            {
                continue;
            }
            for (athlete, job) in &event.jobs {
                if self
                    .jobs
                    .enqueue(&mut tx, Some(AthleteId(*athlete)), job, now)
                    .await?
                    .is_some()
                {
                    enqueued += 1;
                }
            }
        }
        tx.commit().await?;
        if enqueued > 0 {
            self.jobs.wake();
        }
        Ok(())
    }
}
