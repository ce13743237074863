//! Reads that many requests miss at once, done together.
//!
//! After a restart every athlete's first visit misses the caches at the same moment. Read one
//! by one, each miss queues for a pooled connection and holds it for its round trip while
//! hundreds of runnable requests run between its steps. [`Together`] gathers the misses
//! instead: the first starts a worker, which takes everything waiting, a batch at a time,
//! until none waits, and reads each batch with one query per table. While a whole batch waits
//! more workers start, up to a limit, enough to keep a few connections busy and few enough to
//! leave the rest to other requests.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use crate::error::{AppError, AppResult};

/// Items waiting, each with whom to tell, and how many workers are at work on them.
struct Waiting<I, O> {
    items: Vec<(I, oneshot::Sender<AppResult<O>>)>,
    workers: usize,
}

/// Gathers items to be worked on in batches. Cheap to clone.
pub(crate) struct Together<I, O> {
    waiting: Arc<Mutex<Waiting<I, O>>>,
    /// What the batches make, for errors ("home screens").
    what: &'static str,
    /// Items per batch at most.
    batch: usize,
    /// Workers at once at most.
    workers: usize,
}

impl<I, O> std::fmt::Debug for Together<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Together")
            .field("what", &self.what)
            .field("batch", &self.batch)
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

impl<I, O> Clone for Together<I, O> {
    fn clone(&self) -> Self {
        Self {
            waiting: self.waiting.clone(),
            what: self.what,
            batch: self.batch,
            workers: self.workers,
        }
    }
}

impl<I, O> Together<I, O>
where
    I: Clone + Send + 'static,
    O: Send + 'static,
{
    /// Batches of at most `batch` items, at most `workers` at once, making `what`.
    pub(crate) fn new(what: &'static str, batch: usize, workers: usize) -> Self {
        Self {
            waiting: Arc::new(Mutex::new(Waiting {
                items: Vec::new(),
                workers: 0,
            })),
            what,
            batch: batch.max(1),
            workers: workers.max(1),
        }
    }

    fn waiting(&self) -> MutexGuard<'_, Waiting<I, O>> {
        // The lock guards a list and a count; a panic cannot leave them half-changed.
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `item`'s result, worked on together with whatever else waits. `work` makes one result
    /// per item, in their order. When a batch fails, each of its items is worked on alone, so
    /// that one item's error reaches only its own caller. A worker does the `work` of the
    /// call that started it for every item it takes, so all callers pass the same work.
    pub(crate) async fn one<W, F>(&self, item: I, work: W) -> AppResult<O>
    where
        W: Fn(Vec<I>) -> F + Send + Sync + 'static,
        F: Future<Output = AppResult<Vec<O>>> + Send + 'static,
    {
        let (tell, told) = oneshot::channel();
        let start = {
            let mut waiting = self.waiting();
            waiting.items.push((item, tell));
            let start = waiting.workers == 0
                || (waiting.workers < self.workers && waiting.items.len() >= self.batch);
            if start {
                waiting.workers += 1;
            }
            start
        };
        if start {
            tokio::spawn(self.clone().work_through(Arc::new(work)));
        }
        told.await.unwrap_or_else(|_| {
            Err(AppError::Internal(anyhow::anyhow!(
                "the worker making {} stopped",
                self.what
            )))
        })
    }

    /// Works through the waiting items, a batch at a time, until none waits.
    async fn work_through<W, F>(self, work: Arc<W>)
    where
        W: Fn(Vec<I>) -> F + Send + Sync + 'static,
        F: Future<Output = AppResult<Vec<O>>> + Send + 'static,
    {
        /// Counts the worker out if it stops by panicking (or is dropped), so that the next
        /// item starts another.
        struct CountedOut<'a, I, O>(&'a Together<I, O>, bool);
        impl<I, O> Drop for CountedOut<'_, I, O> {
            fn drop(&mut self) {
                if !self.1 {
                    let mut waiting = self.0.waiting.lock().unwrap_or_else(|e| e.into_inner());
                    waiting.workers -= 1;
                }
            }
        }
        let mut counted = CountedOut(&self, false);
        loop {
            let batch: Vec<_> = {
                let mut waiting = self.waiting();
                if waiting.items.is_empty() {
                    waiting.workers -= 1;
                    counted.1 = true;
                    return;
                }
                // Whoever stopped waiting (a request that timed out, a client that left)
                // needs nothing made.
                waiting.items.retain(|(_, tell)| !tell.is_closed());
                let n = waiting.items.len().min(self.batch);
                waiting.items.drain(..n).collect()
            };
            if batch.is_empty() {
                continue;
            }
            let (items, tell): (Vec<I>, Vec<_>) = batch.into_iter().unzip();
            let alone = items.len() == 1;
            // Its own task, so that a panic fails this batch and not the worker.
            let made = settle(
                self.what,
                tell.len(),
                tokio::spawn(work(items.clone())).await,
            );
            match made {
                Ok(outputs) => {
                    for (tell, output) in tell.into_iter().zip(outputs) {
                        let _ = tell.send(Ok(output));
                    }
                }
                Err(Failure::Work(error)) if alone => {
                    if let Some(tell) = tell.into_iter().next() {
                        let _ = tell.send(Err(error));
                    }
                }
                // Each alone, all at once (a database that is down then fails them in one
                // wait, not in one wait after another), for the callers still waiting.
                Err(Failure::Work(_)) => {
                    let alone = items
                        .into_iter()
                        .zip(tell)
                        .filter(|(_, tell)| !tell.is_closed())
                        .map(|(item, tell)| {
                            let made = tokio::spawn(work(vec![item]));
                            let what = self.what;
                            async move {
                                let output = match settle(what, 1, made.await) {
                                    Ok(mut outputs) => Ok(outputs.pop().expect("one")),
                                    Err(failure) => Err(failure.into_error()),
                                };
                                let _ = tell.send(output);
                            }
                        });
                    futures::future::join_all(alone).await;
                }
                Err(Failure::Broken(error)) => {
                    for tell in tell {
                        let _ = tell.send(Err(AppError::Internal(anyhow::anyhow!("{error}"))));
                    }
                }
            }
        }
    }
}

/// Why a batch made no results for its items.
enum Failure {
    /// The work returned an error: perhaps one item's, so each is worth working on alone.
    Work(AppError),
    /// The work panicked or made the wrong number of results: the same for every item.
    Broken(String),
}

impl Failure {
    fn into_error(self) -> AppError {
        match self {
            Self::Work(error) => error,
            Self::Broken(error) => AppError::Internal(anyhow::anyhow!("{error}")),
        }
    }
}

/// What a batch's task, done with `items` items, made: one result per item, or why not.
fn settle<O>(
    what: &str,
    items: usize,
    made: Result<AppResult<Vec<O>>, tokio::task::JoinError>,
) -> Result<Vec<O>, Failure> {
    match made {
        Ok(Ok(outputs)) if outputs.len() == items => Ok(outputs),
        Ok(Ok(outputs)) => Err(Failure::Broken(format!(
            "making {what}: {} results for {items} item{}",
            outputs.len(),
            if items == 1 { "" } else { "s" }
        ))),
        Ok(Err(error)) => Err(Failure::Work(error)),
        Err(panicked) => Err(Failure::Broken(format!("making {what}: {panicked}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn items_waiting_together_are_worked_on_in_shared_batches() {
        let together = Together::<u32, u32>::new("squares", 8, 2);
        let batches = Arc::new(AtomicUsize::new(0));
        let calls: Vec<_> = (0..40u32)
            .map(|i| {
                let together = together.clone();
                let batches = batches.clone();
                tokio::spawn(async move {
                    together
                        .one(i, move |items: Vec<u32>| {
                            let batches = batches.clone();
                            async move {
                                batches.fetch_add(1, Ordering::Relaxed);
                                assert!(items.len() <= 8, "a batch holds at most 8");
                                tokio::time::sleep(Duration::from_millis(20)).await;
                                Ok(items.into_iter().map(|i| i * i).collect())
                            }
                        })
                        .await
                })
            })
            .collect();
        for (i, call) in calls.into_iter().enumerate() {
            let i = u32::try_from(i).expect("small");
            assert_eq!(call.await.expect("joined").expect("made"), i * i);
        }
        let batches = batches.load(Ordering::Relaxed);
        assert!(
            (5..40).contains(&batches),
            "40 items in batches of 8 take 5 or more, and far fewer than 40: {batches}"
        );
        assert_eq!(together.waiting().workers, 0, "every worker counted out");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_item_fails_only_its_own_caller() {
        let together = Together::<u32, u32>::new("checks", 16, 1);
        let work = |items: Vec<u32>| async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            if items.contains(&3) {
                return Err(AppError::Conflict("three is refused".to_owned()));
            }
            Ok(items)
        };
        let calls: Vec<_> = (0..6u32)
            .map(|i| {
                let together = together.clone();
                tokio::spawn(async move { together.one(i, work).await })
            })
            .collect();
        for (i, call) in calls.into_iter().enumerate() {
            let made = call.await.expect("joined");
            if i == 3 {
                let error = made.expect_err("three fails");
                assert!(error.to_string().contains("three is refused"), "{error}");
            } else {
                assert_eq!(
                    made.expect("the others are made"),
                    u32::try_from(i).expect("small")
                );
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn items_whose_callers_stopped_waiting_are_not_worked_on() {
        let together = Together::<u32, u32>::new("echoes", 16, 1);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let first_held = Arc::new(tokio::sync::Notify::new());
        let work = {
            let (seen, first_held) = (seen.clone(), first_held.clone());
            move |items: Vec<u32>| {
                let (seen, first_held) = (seen.clone(), first_held.clone());
                async move {
                    seen.lock().expect("lock").extend(items.iter().copied());
                    if items.contains(&0) {
                        first_held.notified().await;
                    }
                    Ok(items)
                }
            }
        };
        let call = |i: u32| {
            let (together, work) = (together.clone(), work.clone());
            tokio::spawn(async move { together.one(i, work).await })
        };
        // The worker is busy with 0 while 1 to 5 queue; 2 and 3 stop waiting meanwhile.
        let first = call(0);
        while !seen.lock().expect("lock").contains(&0) {
            tokio::task::yield_now().await;
        }
        let mut calls: Vec<_> = (1..=5).map(call).collect();
        while together.waiting().items.len() < 5 {
            tokio::task::yield_now().await;
        }
        let gone: Vec<_> = calls.drain(1..3).collect();
        for call in &gone {
            call.abort();
        }
        for call in gone {
            assert!(call.await.expect_err("aborted").is_cancelled());
        }
        first_held.notify_one();
        assert_eq!(first.await.expect("joined").expect("made"), 0);
        for (call, i) in calls.into_iter().zip([1, 4, 5]) {
            let made = call.await.expect("joined");
            assert_eq!(made.expect("made"), i);
        }
        // 1, 4 and 5 queued in the order their tasks ran, which two workers do not fix.
        let mut seen = seen.lock().expect("lock").clone();
        assert_eq!(seen.first(), Some(&0));
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 4, 5]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_batch_fails_its_callers_and_the_next_item_is_worked_on() {
        let together = Together::<u32, u32>::new("things", 4, 1);
        let work = |items: Vec<u32>| async move {
            assert!(!items.contains(&7), "broken");
            Ok(items)
        };
        let made = together.one(7, work).await;
        match made {
            Err(AppError::Internal(error)) => {
                assert!(error.to_string().contains("making things"), "{error}");
            }
            other => panic!("the panic is an internal error: {other:?}"),
        }
        let made = together.one(8, work).await;
        assert_eq!(made.expect("a new worker"), 8);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_that_makes_the_wrong_number_of_results_fails_with_the_counts() {
        let together = Together::<u32, u32>::new("things", 4, 1);
        let made = together
            .one(3, |_: Vec<u32>| async { Ok(Vec::new()) })
            .await;
        match made {
            Err(AppError::Internal(error)) => {
                assert_eq!(error.to_string(), "making things: 0 results for 1 item");
            }
            other => panic!("a wrong count is an internal error: {other:?}"),
        }
    }
}
