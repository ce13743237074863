//! Live subscriptions, pushed from the event bus instead of polling the database.
//!
//! Every delivery is checked again: the session must still be live and the viewer must still
//! be allowed to see the athlete, or the stream ends. It also ends at once when the viewer's
//! session ends or their access to the athlete is revoked. Each connection and each user may
//! hold only so many subscriptions (`graphql.max_subscriptions_per_connection`,
//! `..._per_user`).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use chrono::{DateTime, Utc};
use futures::Stream;
use uuid::Uuid;

use stride_domain::people::GrantAccess;

use super::ingestion::Backfill;
use super::proposals::Proposal;
use crate::app::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Listener, Received};

/// The subscriptions open on one WebSocket connection.
#[derive(Debug, Clone, Default)]
pub struct ConnectionSubscriptions(Arc<AtomicUsize>);

/// The subscriptions each user holds on this replica.
#[derive(Debug, Clone, Default)]
pub struct UserSubscriptions(Arc<Mutex<HashMap<Uuid, usize>>>);

impl UserSubscriptions {
    /// How many subscriptions `user` holds on this replica now.
    pub fn held_by(&self, user: Uuid) -> usize {
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        held.get(&user).copied().unwrap_or(0)
    }
}

/// One subscription's place; freed when the stream ends.
pub struct Slot {
    connection: Option<ConnectionSubscriptions>,
    users: UserSubscriptions,
    user: Uuid,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(connection) = &self.connection {
            connection.0.fetch_sub(1, Ordering::SeqCst);
        }
        let mut users = self.users.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = users.get_mut(&self.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                users.remove(&self.user);
            }
        }
    }
}

/// Takes a subscription place for `viewer`, or says why there is none.
pub fn reserve(ctx: &Context<'_>, app: &AppState, viewer: &Viewer) -> AppResult<Slot> {
    let limits = &app.config.graphql;
    let connection = ctx.data_opt::<ConnectionSubscriptions>().cloned();
    if let Some(connection) = &connection {
        let open = connection.0.fetch_add(1, Ordering::SeqCst);
        if open >= limits.max_subscriptions_per_connection {
            connection.0.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::RateLimited {
                message: format!(
                    "this connection already holds {open} subscriptions, the most it may"
                ),
                retry_after_s: 0,
            });
        }
    }
    let users = app.subscriptions.clone();
    {
        let mut held = users.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = held.entry(viewer.id()).or_default();
        if *count >= limits.max_subscriptions_per_user {
            let open = *count;
            drop(held);
            if let Some(connection) = &connection {
                connection.0.fetch_sub(1, Ordering::SeqCst);
            }
            return Err(AppError::RateLimited {
                message: format!("you already hold {open} subscriptions, the most one user may"),
                retry_after_s: 0,
            });
        }
        *count += 1;
    }
    Ok(Slot {
        connection,
        users,
        user: viewer.id(),
    })
}

/// Whether `event` ends a viewer's streams: their session ended, or an athlete took their
/// access away.
fn ends(event: &Event, viewer: &Viewer, athlete: Uuid) -> bool {
    match event {
        Event::SessionsEnded { user, session } => {
            *user == viewer.id() && session.is_none_or(|s| s == viewer.session_id)
        }
        Event::AccessEnded { athlete: a, coach } => a.uuid() == athlete && *coach == viewer.id(),
        _ => false,
    }
}

/// The viewer, checked again: still a live session, still allowed to read `athlete`.
async fn still_allowed(app: &AppState, viewer: &Viewer, athlete: Uuid) -> Option<Viewer> {
    let viewer = app.accounts.recheck(viewer).await.ok()?;
    app.accounts
        .authorize_athlete(&viewer, athlete, GrantAccess::Read)
        .await
        .ok()?;
    Some(viewer)
}

struct ProposalFeed {
    app: AppState,
    viewer: Viewer,
    athlete: Uuid,
    listener: Listener,
    since: DateTime<Utc>,
    seen: BTreeSet<Uuid>,
    ready: VecDeque<Proposal>,
    checked: bool,
    _slot: Slot,
}

impl ProposalFeed {
    /// Pending proposals filed since the stream began that it has not delivered (after the bus
    /// lagged).
    async fn catch_up(&mut self) {
        if let Ok(pending) = self.app.gate.pending_of(self.athlete).await {
            let mut fresh: Vec<_> = pending
                .into_iter()
                .filter(|p| p.row.created_at >= self.since && !self.seen.contains(&p.row.id))
                .collect();
            fresh.sort_by_key(|p| p.row.created_at);
            for proposal in fresh {
                self.seen.insert(proposal.row.id);
                self.ready.push_back(Proposal(proposal));
            }
        }
    }

    async fn next(mut self) -> Option<(Proposal, Self)> {
        if !self.checked {
            // The session may have ended between the connection's handshake and this
            // stream's listener: look once now that the listener hears every later end.
            self.checked = true;
            self.viewer = still_allowed(&self.app, &self.viewer, self.athlete).await?;
        }
        loop {
            if let Some(proposal) = self.ready.pop_front() {
                return Some((proposal, self));
            }
            let received = self.listener.next().await?;
            match received {
                Received::Lagged => {
                    self.viewer = still_allowed(&self.app, &self.viewer, self.athlete).await?;
                    self.catch_up().await;
                }
                Received::Event(event) => {
                    if ends(&event, &self.viewer, self.athlete) {
                        return None;
                    }
                    match &*event {
                        Event::ProposalFiled { athlete, proposal }
                            if athlete.uuid() == self.athlete && !self.seen.contains(proposal) =>
                        {
                            self.viewer =
                                still_allowed(&self.app, &self.viewer, self.athlete).await?;
                            if let Ok(found) = self.app.gate.proposal(*proposal).await {
                                self.seen.insert(*proposal);
                                self.ready.push_back(Proposal(found));
                            }
                        }
                        Event::UserChanged { user } if *user == self.viewer.id() => {
                            self.viewer =
                                still_allowed(&self.app, &self.viewer, self.athlete).await?;
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// New proposals for `athlete`, as they are filed.
pub fn proposals(
    ctx: &Context<'_>,
    app: &AppState,
    viewer: &Viewer,
    athlete: Uuid,
) -> AppResult<impl Stream<Item = Proposal> + use<>> {
    let slot = reserve(ctx, app, viewer)?;
    let feed = ProposalFeed {
        listener: app.events.subscribe(),
        app: app.clone(),
        viewer: viewer.clone(),
        athlete,
        since: app.clock.now(),
        seen: BTreeSet::new(),
        ready: VecDeque::new(),
        checked: false,
        _slot: slot,
    };
    Ok(futures::stream::unfold(feed, ProposalFeed::next))
}

struct BackfillFeed {
    app: AppState,
    viewer: Viewer,
    provider: String,
    listener: Listener,
    last: Option<Backfill>,
    finished: bool,
    _slot: Slot,
}

impl BackfillFeed {
    /// The current state, when it differs from what was last delivered.
    async fn changed(&mut self) -> Option<Option<Backfill>> {
        let row = self
            .app
            .connections
            .backfill(&self.viewer, &self.provider)
            .await
            .ok()?;
        let current = row.map(Backfill::from);
        if current.is_some() && current != self.last {
            return Some(current);
        }
        Some(None)
    }

    async fn next(mut self) -> Option<(Backfill, Self)> {
        if self.finished {
            return None;
        }
        if self.last.is_none() {
            // As for proposals: a session that ended before the listener existed.
            self.viewer = self.app.accounts.recheck(&self.viewer).await.ok()?;
        }
        if self.last.is_none()
            && let Some(Some(current)) = self.changed().await
        {
            return Some(self.deliver(current));
        }
        loop {
            let received = self.listener.next().await?;
            let relevant = match &received {
                Received::Lagged => true,
                Received::Event(event) => {
                    if ends(event, &self.viewer, self.viewer.id()) {
                        return None;
                    }
                    match &**event {
                        Event::BackfillMoved { athlete, provider } => {
                            athlete.uuid() == self.viewer.id() && *provider == self.provider
                        }
                        _ => false,
                    }
                }
            };
            if relevant {
                self.viewer = self.app.accounts.recheck(&self.viewer).await.ok()?;
                if let Some(current) = self.changed().await? {
                    return Some(self.deliver(current));
                }
            }
        }
    }

    fn deliver(mut self, current: Backfill) -> (Backfill, Self) {
        self.finished = matches!(current.status.as_str(), "done" | "failed");
        self.last = Some(current.clone());
        (current, self)
    }
}

/// The viewer's history import from `provider`, each time it moves, until it is done. An
/// unknown provider is refused at once rather than waited on forever.
pub async fn backfill(
    ctx: &Context<'_>,
    app: &AppState,
    viewer: &Viewer,
    provider: String,
) -> AppResult<impl Stream<Item = Backfill> + use<>> {
    let imports = app
        .plugins
        .get(&provider)
        .is_some_and(|p| p.manifest.history_import);
    let started = app.connections.backfill(viewer, &provider).await?.is_some();
    if !imports && !started {
        return Err(AppError::NotFound(format!(
            "`{provider}` imports no history here"
        )));
    }
    let slot = reserve(ctx, app, viewer)?;
    let feed = BackfillFeed {
        listener: app.events.subscribe(),
        app: app.clone(),
        viewer: viewer.clone(),
        provider,
        last: None,
        finished: false,
        _slot: slot,
    };
    Ok(futures::stream::unfold(feed, BackfillFeed::next))
}
