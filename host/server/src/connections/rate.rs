//! The providers' application-wide rate budgets, shared by every replica through the
//! database: a request reserves a slot in each of its budget's windows before it is sent (so
//! replicas together never exceed a limit), and the provider's own usage headers correct the
//! count afterwards. A full window makes the request wait for its reset instead of failing.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, Weak};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::config::PluginSettings;
use stride_domain::clock::SharedClock;
use stride_sandbox::PluginHost;
use stride_sandbox::contract::{RateBudget, RateWindow};
use stride_sandbox::net::InboundResponse;
use stride_sandbox::services::{BoxFuture, RateGovernor};
use stride_store::{RateSlot, Store};

/// Budgets kept in the database.
pub struct SharedRateBudget {
    store: Store,
    clock: SharedClock,
    plugins: Weak<PluginHost>,
    settings: Arc<BTreeMap<String, PluginSettings>>,
    /// The count and limit this replica last saw stored for each provider's budget window
    /// (only the current window of each). Stored counts only rise within a window, so a
    /// provider's report at or below what was seen changes nothing and is not written.
    seen: SeenWindows,
    /// Requests reserved ahead and not sent yet.
    leases: Leases,
}

/// The most requests a replica reserves ahead in one window.
const MOST_AHEAD: i32 = 32;

/// Requests this replica reserved ahead in the shared budget and has not sent yet.
///
/// Reserving one request at a time costs a write transaction per request (on SQLite, on the
/// one writer that every webhook and stored activity shares). Where the limits are large, a
/// replica reserves a block instead and sends the rest of it without asking again (see
/// [`Leases::block`] for its size; at most [`MOST_AHEAD`]). One block at a time: concurrent
/// requests that find none wait for the one being reserved. What a replica reserved and had
/// not sent when its shortest window ends still counts as used in every window, which the
/// block's size bounds to 1% of each limit per replica. Where a limit is under 200
/// (Strava's default read budget is 100 per 15 minutes and 1,000 a day), requests are counted
/// one at a time, as before.
#[derive(Debug, Default)]
struct Leases {
    held: Mutex<HashMap<LeaseKey, Lease>>,
    /// Taken while a block is reserved, so concurrent requests do not each reserve one.
    refill: tokio::sync::Mutex<()>,
}

/// A provider and the windows a request counts in (budget, window kind, window start).
type LeaseKey = (String, Vec<(String, String, DateTime<Utc>)>);

#[derive(Debug, Clone, Copy)]
struct Lease {
    /// Requests reserved and not sent.
    left: i32,
    /// When the first of its windows ends (the lease is worthless after).
    ends: DateTime<Utc>,
}

impl Leases {
    fn key(provider: &str, slots: &[RateSlot]) -> LeaseKey {
        (
            provider.to_owned(),
            slots
                .iter()
                .map(|s| (s.budget.clone(), s.window_kind.clone(), s.window_start))
                .collect(),
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LeaseKey, Lease>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many requests to reserve at once in these windows, each given as its limit and
    /// length. A block left over when the shortest window ends stays counted in the longer
    /// ones, once for each of the shortest windows they span; so each window's limit is
    /// shared among those: the block is 1% of `limit × shortest ÷ length` for the tightest
    /// window, at least 1 and at most [`MOST_AHEAD`]. Strava's defaults (100 per 15 minutes,
    /// 1,000 a day) give 1.
    fn block(windows: &[(i32, i64)]) -> i32 {
        let Some(shortest) = windows.iter().map(|(_, len)| (*len).max(1)).min() else {
            return 1;
        };
        let tightest = windows
            .iter()
            .map(|(limit, len)| i64::from(*limit) * shortest / (*len).max(1) / 100)
            .min()
            .unwrap_or(1);
        i32::try_from(tightest.clamp(1, i64::from(MOST_AHEAD))).unwrap_or(1)
    }

    /// Takes one request reserved ahead, if there is one.
    fn take(&self, key: &LeaseKey, now: DateTime<Utc>) -> bool {
        let mut leases = self.lock();
        match leases.get_mut(key) {
            Some(lease) if lease.left > 0 && now < lease.ends => {
                lease.left -= 1;
                true
            }
            _ => false,
        }
    }

    /// Keeps `left` requests reserved ahead (and forgets leases whose windows have ended).
    fn add(&self, key: LeaseKey, left: i32, ends: DateTime<Utc>, now: DateTime<Utc>) {
        let mut leases = self.lock();
        leases.retain(|_, lease| now < lease.ends);
        if left > 0 {
            let lease = leases.entry(key).or_insert(Lease { left: 0, ends });
            lease.left += left;
        }
    }

    /// Gives up a provider's requests reserved ahead: the provider reported more use than
    /// this replica knew of, so what is left is asked for again.
    fn forget(&self, provider: &str) {
        self.lock().retain(|(p, _), _| p != provider);
    }
}

/// The stored count and limit of each provider's budget windows, as last seen by this replica.
#[derive(Debug, Default)]
struct SeenWindows(Mutex<HashMap<(String, String, String), Seen>>);

impl SeenWindows {
    fn seen_key(provider: &str, slot: &RateSlot) -> (String, String, String) {
        (
            provider.to_owned(),
            slot.budget.clone(),
            slot.window_kind.clone(),
        )
    }

    /// Remembers a window's stored count and limit.
    fn saw(&self, provider: &str, slot: &RateSlot, usage: i32, limit: i32) {
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = seen.entry(Self::seen_key(provider, slot)).or_insert(Seen {
            start: slot.window_start,
            usage,
            limit,
        });
        if entry.start == slot.window_start {
            entry.usage = entry.usage.max(usage);
            entry.limit = limit;
        } else if entry.start < slot.window_start {
            *entry = Seen {
                start: slot.window_start,
                usage,
                limit,
            };
        }
    }

    /// The limit last seen stored for a window, if it is the window seen.
    fn limit(&self, provider: &str, slot: &RateSlot) -> Option<i32> {
        let seen = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.get(&Self::seen_key(provider, slot))
            .filter(|s| s.start == slot.window_start)
            .map(|s| s.limit)
    }

    /// Whether a provider's report would change nothing stored, as far as this replica saw.
    fn already_seen(&self, provider: &str, slot: &RateSlot, usage: i32, limit: i32) -> bool {
        let seen = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.get(&Self::seen_key(provider, slot))
            .is_some_and(|s| s.start == slot.window_start && usage <= s.usage && limit == s.limit)
    }
}

/// A window's stored count and limit, as last seen here.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seen {
    start: DateTime<Utc>,
    usage: i32,
    limit: i32,
}

/// A window of a budget at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowAt {
    /// Stored kind label (`m15`, `day`, `s10`).
    pub kind: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End (the reset).
    pub end: DateTime<Utc>,
}

/// The window containing `now`: aligned to the epoch (so 15-minute windows reset at :00,
/// :15, :30 and :45 UTC, and days at midnight UTC), or `override_s` seconds long.
pub fn window_at(window: &RateWindow, override_s: Option<u64>, now: DateTime<Utc>) -> WindowAt {
    let (kind, length) = match (override_s, window) {
        (Some(seconds), _) => (format!("s{seconds}"), seconds.max(1) as i64),
        (None, RateWindow::AlignedMinutes(minutes)) => {
            (format!("m{minutes}"), i64::from((*minutes).max(1)) * 60)
        }
        (None, RateWindow::UtcDay) => ("day".to_owned(), 86_400),
    };
    let epoch = now.timestamp();
    let start = epoch - epoch.rem_euclid(length);
    let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or(now);
    WindowAt {
        kind,
        start: at(start),
        end: at(start + length),
    }
}

/// Parses a provider's comma-separated per-window numbers ("37,1250").
pub fn parse_counts(value: &str) -> Vec<Option<i32>> {
    value
        .split(',')
        .map(|part| part.trim().parse::<i32>().ok())
        .collect()
}

impl SharedRateBudget {
    /// Budgets for the plugins of `plugins`, with deployment overrides from `settings`.
    pub fn new(
        store: Store,
        clock: SharedClock,
        plugins: Weak<PluginHost>,
        settings: BTreeMap<String, PluginSettings>,
    ) -> Self {
        Self {
            store,
            clock,
            plugins,
            settings: Arc::new(settings),
            seen: SeenWindows::default(),
            leases: Leases::default(),
        }
    }

    fn budgets(&self, provider: &str, method: &str) -> Vec<RateBudget> {
        let Some(host) = self.plugins.upgrade() else {
            return Vec::new();
        };
        let Some(plugin) = host.get(provider) else {
            return Vec::new();
        };
        let read = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
        plugin
            .manifest
            .rate_budgets
            .iter()
            .filter(|b| read || !b.reads_only)
            .cloned()
            .collect()
    }

    fn slots(
        &self,
        provider: &str,
        budget: &RateBudget,
        now: DateTime<Utc>,
    ) -> Vec<(RateSlot, DateTime<Utc>)> {
        let settings = self.settings.get(provider);
        budget
            .windows
            .iter()
            .enumerate()
            .map(|(i, window)| {
                let override_s = settings
                    .and_then(|s| s.rate_window_seconds.get(&budget.name))
                    .and_then(|w| w.get(i).copied());
                let at = window_at(window, override_s, now);
                let limit = settings
                    .and_then(|s| s.rate_limits.get(&budget.name))
                    .and_then(|l| l.get(i).copied())
                    .or_else(|| budget.default_limits.get(i).copied())
                    .unwrap_or(u32::MAX);
                let slot = RateSlot {
                    budget: budget.name.clone(),
                    window_kind: at.kind,
                    window_start: at.start,
                    limit: i32::try_from(limit).unwrap_or(i32::MAX),
                };
                (slot, at.end)
            })
            .collect()
    }
}

impl RateGovernor for SharedRateBudget {
    fn admit<'a>(&'a self, provider: &'a str, method: &'a str) -> BoxFuture<'a, Result<(), i64>> {
        Box::pin(async move {
            let now = self.clock.now();
            let mut slots = Vec::new();
            let mut ends = Vec::new();
            for budget in self.budgets(provider, method) {
                for (slot, end) in self.slots(provider, &budget, now) {
                    slots.push(slot);
                    ends.push(end);
                }
            }
            if slots.is_empty() {
                return Ok(());
            }
            let key = Leases::key(provider, &slots);
            if self.leases.take(&key, now) {
                return Ok(());
            }
            // Each window's limit as stored (a provider may have reported a lower one) and its
            // length.
            let windows: Vec<(i32, i64)> = slots
                .iter()
                .zip(&ends)
                .map(|(slot, end)| {
                    let limit = self
                        .seen
                        .limit(provider, slot)
                        .map_or(slot.limit, |seen| seen.min(slot.limit));
                    (limit, (*end - slot.window_start).num_seconds())
                })
                .collect();
            let mut block = Leases::block(&windows);
            // One block at a time; whoever waited may find the one just reserved.
            let _refill = if block > 1 {
                let guard = self.leases.refill.lock().await;
                if self.leases.take(&key, now) {
                    return Ok(());
                }
                Some(guard)
            } else {
                None
            };
            let mut reserved = self
                .store
                .reserve_rate_block(provider, &slots, block, now)
                .await;
            if block > 1 && matches!(reserved, Ok(Err(_))) {
                // Less room than a block: one request may still fit.
                block = 1;
                reserved = self.store.reserve_rate(provider, &slots, now).await;
            }
            match reserved {
                Ok(Ok(counts)) => {
                    for (slot, (usage, limit)) in slots.iter().zip(counts) {
                        self.seen.saw(provider, slot, usage, limit);
                    }
                    let ends = ends.iter().copied().min().unwrap_or(now);
                    self.leases.add(key, block - 1, ends, now);
                    Ok(())
                }
                Ok(Err(full)) => {
                    let reset = ends
                        .get(full)
                        .copied()
                        .unwrap_or(now + TimeDelta::minutes(15));
                    tracing::info!(provider, budget = %slots[full].budget, window = %slots[full].window_kind, %reset, "holding back: rate window full");
                    Err(reset.timestamp_millis())
                }
                Err(error) => {
                    // Without the shared count we cannot promise to stay within the limit.
                    tracing::warn!(provider, %error, "rate budget unavailable; holding requests back");
                    Err((now + TimeDelta::seconds(30)).timestamp_millis())
                }
            }
        })
    }

    fn observe<'a>(
        &'a self,
        provider: &'a str,
        method: &'a str,
        response: &'a InboundResponse,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let now = self.clock.now();
            let header = |name: &str| {
                response
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            let mut observed = Vec::new();
            for budget in self.budgets(provider, method) {
                let usage = header(&budget.usage_header)
                    .map(parse_counts)
                    .unwrap_or_default();
                let limits = header(&budget.limit_header)
                    .map(parse_counts)
                    .unwrap_or_default();
                for (i, (slot, _)) in self.slots(provider, &budget, now).into_iter().enumerate() {
                    let reported_limit = limits.get(i).copied().flatten();
                    let reported_usage = match (usage.get(i).copied().flatten(), response.status) {
                        (Some(used), _) => Some(used),
                        // A 429 without usage headers: treat the window as spent.
                        (None, 429) => Some(reported_limit.unwrap_or(slot.limit)),
                        (None, _) => None,
                    };
                    let limit = reported_limit.map_or(slot.limit, |l| l.min(slot.limit));
                    if let Some(used) = reported_usage
                        && !self.seen.already_seen(provider, &slot, used, limit)
                    {
                        observed.push((slot, used, limit));
                    }
                }
            }
            if observed.is_empty() {
                return;
            }
            // The provider counted more than this replica knew of: what it reserved ahead is
            // given up, before the write and again after it (a block reserved meanwhile was
            // counted on top of a count the write replaces).
            self.leases.forget(provider);
            let written = self.store.observe_rate(provider, &observed, now).await;
            self.leases.forget(provider);
            match written {
                Ok(stored) => {
                    for row in stored {
                        let slot = RateSlot {
                            budget: row.budget,
                            window_kind: row.window_kind,
                            window_start: row.window_start,
                            limit: row.usage_limit,
                        };
                        self.seen.saw(provider, &slot, row.usage, row.usage_limit);
                    }
                }
                Err(error) => {
                    tracing::warn!(provider, %error, "could not record the provider's rate usage");
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_skipped_only_when_it_changes_nothing_seen() {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 2, 10, 15, 0)
            .single()
            .expect("instant");
        let slot = |start| RateSlot {
            budget: "read".to_owned(),
            window_kind: "m15".to_owned(),
            window_start: start,
            limit: 100,
        };
        let seen = SeenWindows::default();
        assert!(
            !seen.already_seen("strava", &slot(start), 0, 100),
            "nothing seen yet"
        );
        seen.saw("strava", &slot(start), 7, 100);
        assert!(seen.already_seen("strava", &slot(start), 7, 100));
        assert!(seen.already_seen("strava", &slot(start), 3, 100));
        assert!(
            !seen.already_seen("strava", &slot(start), 8, 100),
            "a higher count"
        );
        assert!(
            !seen.already_seen("strava", &slot(start), 7, 90),
            "another limit"
        );
        assert!(
            !seen.already_seen("garmin", &slot(start), 1, 100),
            "another provider"
        );
        // A lower count seen later (an older read) does not lower what was seen.
        seen.saw("strava", &slot(start), 5, 100);
        assert!(seen.already_seen("strava", &slot(start), 7, 100));
        // The next window replaces the last; an older window never replaces a newer one.
        let next = start + TimeDelta::minutes(15);
        assert!(!seen.already_seen("strava", &slot(next), 0, 100));
        seen.saw("strava", &slot(next), 1, 100);
        seen.saw("strava", &slot(start), 50, 100);
        assert!(seen.already_seen("strava", &slot(next), 1, 100));
        assert!(
            !seen.already_seen("strava", &slot(start), 7, 100),
            "the old window is gone"
        );
    }

    #[test]
    fn requests_reserved_ahead_are_handed_out_once_within_their_windows() {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 2, 10, 15, 0)
            .single()
            .expect("instant");
        let slot = |limit, start| RateSlot {
            budget: "read".to_owned(),
            window_kind: "m15".to_owned(),
            window_start: start,
            limit,
        };
        // 1% of each limit shared among the shortest windows it spans; at least one and at
        // most MOST_AHEAD.
        let quarter = 900;
        let day = 86_400;
        assert_eq!(
            Leases::block(&[(100, quarter), (1_000, day)]),
            1,
            "Strava's default"
        );
        assert_eq!(Leases::block(&[(199, quarter)]), 1);
        assert_eq!(Leases::block(&[(600, quarter)]), 6);
        // 96 quarter hours a day: 1% of 96,000 a day is 10 per quarter hour.
        assert_eq!(Leases::block(&[(5_000, quarter), (96_000, day)]), 10);
        assert_eq!(
            Leases::block(&[(100_000, quarter), (1_000_000, day)]),
            MOST_AHEAD
        );
        assert_eq!(Leases::block(&[]), 1);

        let leases = Leases::default();
        let ends = start + TimeDelta::minutes(15);
        let now = start + TimeDelta::minutes(1);
        let key = Leases::key("strava", &[slot(600, start)]);
        assert!(!leases.take(&key, now), "nothing reserved yet");
        leases.add(key.clone(), 2, ends, now);
        assert!(leases.take(&key, now));
        assert!(leases.take(&key, now));
        assert!(
            !leases.take(&key, now),
            "each reserved request is sent once"
        );
        // Another window (the next quarter hour) or provider has its own.
        leases.add(key.clone(), 1, ends, now);
        let next = Leases::key("strava", &[slot(600, ends)]);
        assert!(!leases.take(&next, now));
        assert!(!leases.take(&Leases::key("garmin", &[slot(600, start)]), now));
        // Nothing is handed out once its window has ended.
        assert!(!leases.take(&key, ends));
        // A provider's report of more use gives up what was reserved ahead.
        leases.add(key.clone(), 3, ends, now);
        leases.forget("strava");
        assert!(!leases.take(&key, now));
    }

    #[test]
    fn fifteen_minute_windows_reset_on_the_quarter_hour_and_days_at_midnight() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 10, 22, 41)
            .single()
            .expect("instant");
        let quarter = window_at(&RateWindow::AlignedMinutes(15), None, now);
        assert_eq!(
            quarter.start,
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 0)
                .single()
                .expect("t")
        );
        assert_eq!(
            quarter.end,
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 30, 0)
                .single()
                .expect("t")
        );
        assert_eq!(quarter.kind, "m15");
        let day = window_at(&RateWindow::UtcDay, None, now);
        assert_eq!(
            day.start,
            Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
                .single()
                .expect("t")
        );
        assert_eq!(
            day.end,
            Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0)
                .single()
                .expect("t")
        );
        assert_eq!(window_at(&RateWindow::UtcDay, Some(10), now).kind, "s10");
    }

    #[test]
    fn strava_usage_headers_parse_per_window() {
        assert_eq!(parse_counts("37,1250"), vec![Some(37), Some(1250)]);
        assert_eq!(parse_counts("x, 5"), vec![None, Some(5)]);
    }
}
