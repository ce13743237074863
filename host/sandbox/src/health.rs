//! What admins see about a plugin's health: recent failures and the circuit breaker.
//!
//! Repeated failures open the breaker: calls are refused at once, without instantiating the
//! plugin, until the cool-down passes; then one trial call is let through (half-open) and its
//! outcome closes or re-opens the breaker. Admins can reset it.

use std::collections::VecDeque;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use stride_domain::text_enum;

text_enum! {
    /// The state of a plugin's circuit breaker.
    pub enum BreakerState {
        /// Calls flow.
        Closed => "closed",
        /// Calls are refused until the cool-down ends.
        Open => "open",
        /// The cool-down ended; the next call is a trial.
        HalfOpen => "half_open",
    }
}

text_enum! {
    /// What kind of failure a call ended in.
    pub enum FailureKind {
        /// The plugin trapped (panic, unreachable, bad memory access).
        Trap => "trap",
        /// It ran past its deadline.
        Deadline => "deadline",
        /// It spent its CPU budget running guest code (a busy loop).
        CpuLimit => "cpu_limit",
        /// It exceeded its memory limit.
        MemoryLimit => "memory_limit",
        /// Its stack overflowed (e.g. runaway recursion).
        StackOverflow => "stack_overflow",
        /// It returned an error.
        PluginError => "plugin_error",
        /// The host failed while serving it.
        Host => "host",
    }
}

/// One failed call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Plugin version that failed.
    pub version: String,
    /// Which export (`run-job:backfill`, `handle-webhook`).
    pub call: String,
    /// Failure class.
    pub kind: FailureKind,
    /// What happened.
    pub message: String,
    /// The wasm backtrace, when there is one.
    pub backtrace: Option<String>,
}

/// Breaker settings.
#[derive(Debug, Clone, Copy)]
pub struct BreakerSettings {
    /// Consecutive failures that open the breaker.
    pub failures_to_open: u32,
    /// How long it stays open.
    pub cool_down: TimeDelta,
    /// How many recent failures to keep.
    pub keep_failures: usize,
}

/// Health of one plugin on this host.
#[derive(Debug, Clone, Default)]
pub struct Health {
    consecutive_failures: u32,
    open_until: Option<DateTime<Utc>>,
    trial_in_flight: bool,
    /// Calls made.
    pub calls: u64,
    /// Calls failed.
    pub failures: u64,
    /// Most recent failures, newest last.
    pub recent: VecDeque<Failure>,
}

impl Health {
    /// The breaker state at `now`.
    pub fn state(&self, now: DateTime<Utc>) -> BreakerState {
        match self.open_until {
            Some(until) if now < until => BreakerState::Open,
            Some(_) => BreakerState::HalfOpen,
            None => BreakerState::Closed,
        }
    }

    /// When the breaker closes for trial, if open.
    pub fn open_until(&self) -> Option<DateTime<Utc>> {
        self.open_until
    }

    /// Consecutive failures so far.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// Whether a call may start now; in half-open state only one trial at a time.
    pub fn admit(&mut self, now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
        match self.state(now) {
            BreakerState::Closed => Ok(()),
            BreakerState::Open => Err(self.open_until.unwrap_or(now)),
            BreakerState::HalfOpen if self.trial_in_flight => Err(now),
            BreakerState::HalfOpen => {
                self.trial_in_flight = true;
                Ok(())
            }
        }
    }

    /// Records a successful call: the breaker closes.
    pub fn succeeded(&mut self) {
        self.calls += 1;
        self.consecutive_failures = 0;
        self.open_until = None;
        self.trial_in_flight = false;
    }

    /// Records a failed call; opens the breaker after enough consecutive failures (or when a
    /// half-open trial fails).
    pub fn failed(&mut self, failure: Failure, settings: &BreakerSettings) {
        self.calls += 1;
        self.failures += 1;
        self.consecutive_failures += 1;
        let at = failure.at;
        let was_trial = std::mem::take(&mut self.trial_in_flight);
        if was_trial || self.consecutive_failures >= settings.failures_to_open {
            self.open_until = Some(at + settings.cool_down);
        }
        self.recent.push_back(failure);
        while self.recent.len() > settings.keep_failures {
            self.recent.pop_front();
        }
    }

    /// Closes the breaker (admin reset).
    pub fn reset(&mut self) {
        self.consecutive_failures = 0;
        self.open_until = None;
        self.trial_in_flight = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(at: DateTime<Utc>) -> Failure {
        Failure {
            at,
            version: "1.0.0".into(),
            call: "run-job:x".into(),
            kind: FailureKind::Trap,
            message: "boom".into(),
            backtrace: None,
        }
    }

    #[test]
    fn opens_after_repeated_failures_then_trials_once() {
        let settings = BreakerSettings {
            failures_to_open: 3,
            cool_down: TimeDelta::seconds(60),
            keep_failures: 2,
        };
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let mut health = Health::default();
        for _ in 0..3 {
            assert!(health.admit(t0).is_ok());
            health.failed(failure(t0), &settings);
        }
        assert_eq!(health.state(t0), BreakerState::Open);
        assert!(health.admit(t0 + TimeDelta::seconds(30)).is_err());
        assert_eq!(
            health.recent.len(),
            2,
            "only the most recent failures are kept"
        );
        let later = t0 + TimeDelta::seconds(61);
        assert_eq!(health.state(later), BreakerState::HalfOpen);
        assert!(health.admit(later).is_ok());
        assert!(health.admit(later).is_err(), "one trial at a time");
        health.failed(failure(later), &settings);
        assert_eq!(
            health.state(later),
            BreakerState::Open,
            "a failed trial re-opens"
        );
        health.reset();
        assert_eq!(health.state(later), BreakerState::Closed);
        assert!(health.admit(later).is_ok());
        health.succeeded();
        assert_eq!(health.consecutive_failures(), 0);
    }
}
