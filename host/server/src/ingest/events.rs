//! Webhook events recorded. Each acknowledgement waits until its event and jobs are committed.
//!
//! On SQLite, which has one writer, the events that arrive while one transaction commits
//! share the next one: under load the database takes one transaction for many webhooks, not
//! one each, and the storing of activities, which needs the same writer, waits less. On
//! PostgreSQL each event is recorded on its own, side by side on the pool's connections (one
//! shared transaction at a time measured slower there: its statements are round trips made
//! one after another). The usual event on PostgreSQL, one athlete's one job, does not come
//! here: `Ingest::accept_event` records it with one statement that also finds the athlete.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_store::{Backend, Store};

use super::jobs::PluginJob;
use crate::error::{AppError, AppResult};
use crate::jobs::Jobs;

/// Most events one transaction records.
const GROUP: usize = 256;

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
        }
    }

    /// Records an event and enqueues its jobs; returns once both are committed.
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
                tokio::spawn(self.writer.clone().write_groups(receiver));
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
    /// The writer task: takes whatever is queued, records it in one transaction, tells each.
    async fn write_groups(self, mut queue: mpsc::UnboundedReceiver<Pending>) {
        let mut group = Vec::with_capacity(GROUP);
        while queue.recv_many(&mut group, GROUP).await > 0 {
            let events: Vec<&Event> = group.iter().map(|p| &p.event).collect();
            let written = self.write(&events).await;
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
                            self.write(&[&pending.event]).await
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
