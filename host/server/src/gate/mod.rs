//! The confirm-apply gate: every change a rule, plugin or coach wants in an athlete's plan
//! becomes a proposal with receipts and a before/after diff against a specific plan version.
//! Only the athlete, or a coach they gave read-write access, confirms; applying is one
//! transaction with the plan-version bump and the audit entries. Confirming twice is
//! harmless; a proposal whose plan moved on is refused as stale; proposals lapse.
//!
//! States: pending → applied (confirmed and applied in one step), or rejected, expired,
//! superseded (a newer proposal from the same source for the same target), stale.

pub mod draft;

use std::collections::HashMap;
use std::sync::Arc;
use stride_domain::text_enum;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

pub use self::draft::{ProposalDraft, Receipt, WorkoutChanges};
use crate::audit::{Actor, AuditEvent};
use crate::auth::{Accounts, Viewer};
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::training::{AppliedProposal, PlanChange, Training};
use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_domain::matching::WorkoutState;
use stride_domain::people::GrantAccess;
use stride_domain::plan::{PlannedWorkout, WorkoutKind};
use stride_domain::validation::Checks;
use stride_sandbox::contract::PlanProposal;
use stride_sandbox::services::{BoxFuture, PluginIdentity, ProposalSink};
use stride_store::{ProposalRow, Store, StoreError, StoredWorkout, Tx, User, to_json};

text_enum! {
    /// Where a proposal stands.
    #[derive(async_graphql::Enum)]
    pub enum ProposalState {
        /// Waiting for the athlete (or a coach with read-write access).
        Pending => "pending",
        /// Confirmed (applied in the same step).
        Confirmed => "confirmed",
        /// Applied to the plan.
        Applied => "applied",
        /// Declined.
        Rejected => "rejected",
        /// Lapsed unanswered.
        Expired => "expired",
        /// Replaced by a newer proposal from the same source.
        Superseded => "superseded",
        /// The plan moved on before it was confirmed.
        Stale => "stale",
    }
}

text_enum! {
    /// Who proposed.
    #[derive(async_graphql::Enum)]
    pub enum SourceKind {
        /// An adaptation rule.
        Rule => "rule",
        /// An integration plugin.
        Plugin => "plugin",
        /// A coach.
        Coach => "coach",
    }
}

/// A proposal checked and shaped, ready to be written.
struct Prepared {
    actor: Actor,
    source: Source,
    plan_version: i32,
    target: String,
    row: ProposalRow,
}

/// Who proposed, precisely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Rule, plugin or coach.
    pub kind: SourceKind,
    /// Rule name, plugin id or coach id.
    pub reference: String,
    /// Rule or plugin version.
    pub version: Option<String>,
}

/// A session's targets, as shown in a diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[graphql(name = "PlannedSession")]
pub struct Session {
    /// Kind.
    pub kind: WorkoutKind,
    /// Target duration, seconds.
    #[graphql(name = "targetDurationSeconds")]
    pub target_duration_s: Option<i32>,
    /// Target distance, metres.
    #[graphql(name = "targetDistanceMeters")]
    pub target_distance_m: Option<f64>,
    /// Intensity zone.
    pub intensity_zone: Option<i32>,
    /// Description.
    pub description: String,
}

impl From<&PlannedWorkout> for Session {
    fn from(w: &PlannedWorkout) -> Self {
        Session {
            kind: w.kind,
            target_duration_s: w.target_duration_s,
            target_distance_m: w.target_distance_m,
            intensity_zone: w.intensity_zone,
            description: w.description.clone(),
        }
    }
}

/// One workout before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[graphql(complex)]
pub struct WorkoutDiff {
    /// The scheduled workout, when one exists already.
    #[graphql(skip)]
    pub workout_id: Option<Uuid>,
    /// The day.
    pub date: NaiveDate,
    /// Before (none: a new workout).
    pub before: Option<Session>,
    /// After (none: removed).
    pub after: Option<Session>,
}

#[async_graphql::ComplexObject]
impl WorkoutDiff {
    /// The scheduled workout, when one exists already.
    async fn workout_id(&self) -> Option<async_graphql::ID> {
        self.workout_id.map(|id| async_graphql::ID(id.to_string()))
    }
}

/// What the gate stores in a proposal's `diff` column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Body {
    draft: ProposalDraft,
    changes: Vec<WorkoutDiff>,
}

/// A proposal, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The stored row.
    pub row: ProposalRow,
    /// Its state.
    pub state: ProposalState,
    /// The change as proposed.
    pub draft: ProposalDraft,
    /// Before/after of each workout it changes.
    pub changes: Vec<WorkoutDiff>,
}

impl TryFrom<ProposalRow> for Proposal {
    type Error = AppError;

    fn try_from(row: ProposalRow) -> AppResult<Self> {
        let body: Body = stride_store::parse_json("diff", &row.diff)?;
        let state = row
            .state
            .parse()
            .map_err(|e: stride_domain::UnknownValue| AppError::Internal(e.into()))?;
        Ok(Proposal {
            state,
            draft: body.draft,
            changes: body.changes,
            row,
        })
    }
}

/// Applies workout changes to a session, checking the result.
pub fn apply_changes(
    before: &PlannedWorkout,
    changes: &WorkoutChanges,
) -> Result<PlannedWorkout, stride_domain::validation::ValidationError> {
    let mut after = before.clone();
    if let Some(kind) = changes.kind {
        after.kind = kind;
    }
    if after.kind == WorkoutKind::Rest {
        after.target_duration_s = None;
        after.target_distance_m = None;
        after.intensity_zone = None;
    }
    if let Some(d) = changes.target_duration_s {
        after.target_duration_s = Some(d);
    }
    if let Some(d) = changes.target_distance_m {
        after.target_distance_m = Some(d);
    }
    if let Some(z) = changes.intensity_zone {
        after.intensity_zone = Some(z);
    }
    if let Some(text) = &changes.description {
        after.description = text.clone();
    }
    let mut checks = Checks::new();
    checks.int_range(
        "targetDurationSeconds",
        after.target_duration_s.map(i64::from),
        0,
        12 * 3600,
        "s",
    );
    checks.float_range(
        "targetDistanceMeters",
        after.target_distance_m,
        0.0,
        500_000.0,
        "m",
    );
    checks.int_range(
        "intensityZone",
        after.intensity_zone.map(i64::from),
        1,
        5,
        "",
    );
    checks.text("description", Some(&after.description), 2_000, false);
    checks.finish()?;
    Ok(after)
}

/// The gate.
#[derive(Clone)]
pub struct Gate {
    store: Store,
    clock: SharedClock,
    accounts: Accounts,
    training: Training,
    audit: crate::audit::Audit,
    events: crate::events::Events,
    pending: PendingCache,
}

/// Each athlete's pending proposals, as the Today page asks for them on every visit. Every
/// proposal filed or decided drops its athlete's entry: here at once, on other replicas
/// through the event bus ([`PendingCache::follow`]).
#[derive(Clone)]
pub struct PendingCache {
    /// A list read from the database is kept only when its athlete did not change while it
    /// was read, so a proposal filed meanwhile is never hidden by an older list.
    cache: crate::by_athlete::ByAthlete<Vec<Proposal>>,
    /// Lists that missed the cache, read together (after a restart every athlete's first
    /// visit misses).
    misses: crate::together::Together<Uuid, Vec<Proposal>>,
}

impl PendingCache {
    fn new() -> Self {
        Self {
            misses: crate::together::Together::new(
                "pending proposals",
                PENDING_BATCH,
                PENDING_READERS,
            ),
            // Ten minutes at most: a bound on what a missed notice could leave (the bus also
            // says when notices were lost, and then everything is dropped), as for home
            // screens.
            cache: crate::by_athlete::ByAthlete::new(
                100_000,
                100_000,
                crate::by_athlete::one,
                std::time::Duration::from_secs(600),
            ),
        }
    }

    fn invalidate(&self, athlete: Uuid) {
        self.cache.invalidate(athlete);
    }

    /// Follows the proposals other replicas (and this one) file and decide. Runs until the
    /// bus closes.
    pub async fn follow(self, events: crate::events::Events) {
        let mut listener = events.subscribe();
        while let Some(received) = listener.next().await {
            match received {
                crate::events::Received::Event(event) => match *event {
                    Event::ProposalFiled { athlete, .. }
                    | Event::ProposalDecided { athlete, .. } => {
                        self.invalidate(athlete.uuid());
                    }
                    _ => {}
                },
                crate::events::Received::Lagged => {
                    self.cache.invalidate_all();
                }
            }
        }
    }
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gate")
    }
}

impl Gate {
    /// The gate over `training`.
    pub fn new(
        store: Store,
        clock: SharedClock,
        accounts: Accounts,
        training: Training,
        audit: crate::audit::Audit,
        events: crate::events::Events,
    ) -> Self {
        Self {
            store,
            clock,
            accounts,
            training,
            audit,
            events,
            pending: PendingCache::new(),
        }
    }

    /// The cache of pending proposals, to follow other replicas' changes.
    pub fn pending_cache(&self) -> PendingCache {
        self.pending.clone()
    }

    fn actor_of(source: &Source) -> Actor {
        match (source.kind, source.reference.parse::<Uuid>()) {
            (SourceKind::Coach, Ok(coach)) => Actor::user(coach),
            _ => Actor::SYSTEM,
        }
    }

    /// Files a proposal for `athlete`. `Ok(None)` when the same source already proposed the
    /// same change to the same target within the last day (rules do not nag).
    pub async fn propose(
        &self,
        athlete: &User,
        source: Source,
        draft: ProposalDraft,
    ) -> AppResult<Option<Proposal>> {
        let mut filed = self.propose_many(vec![(athlete, source, draft)]).await?;
        filed.pop().expect("one outcome per proposal")
    }

    /// Files several proposals (a batch of athletes' rules), one outcome each in their order.
    /// Each is checked on its own: an impossible one is refused alone (`Err` in its place).
    /// Those that stand are written in one transaction with their audit records, so the
    /// batch takes the audit chain once. `Err` for the whole call when that write fails:
    /// then none was filed.
    pub async fn propose_many(
        &self,
        proposals: Vec<(&User, Source, ProposalDraft)>,
    ) -> AppResult<Vec<AppResult<Option<Proposal>>>> {
        let mut outcomes: Vec<AppResult<Option<Prepared>>> = Vec::with_capacity(proposals.len());
        // The same change proposed twice in one batch is filed once, as one after the other
        // would be.
        let mut seen = std::collections::HashSet::new();
        for (athlete, source, draft) in proposals {
            let prepared = match self.prepare(athlete, source, draft).await {
                Ok(Some(p)) => {
                    let key = (
                        p.row.user_id,
                        p.row.source_ref.clone(),
                        p.target.clone(),
                        p.row.diff.clone(),
                    );
                    if seen.insert(key) {
                        Ok(Some(p))
                    } else {
                        Ok(None)
                    }
                }
                other => other,
            };
            outcomes.push(prepared);
        }
        if !outcomes.iter().any(|o| matches!(o, Ok(Some(_)))) {
            return Ok(outcomes.into_iter().map(|o| o.map(|_| None)).collect());
        }
        let mut tx = self.store.begin().await?;
        // The pending proposals the batch replaces are settled first, in id order, before the
        // first audit record takes the chain's head: the order in which a decision (`reject`,
        // `confirm`) takes a proposal's row and then the head, so the two cannot deadlock.
        let mut replaced: Vec<(Uuid, usize)> = Vec::new();
        for (index, prepared) in outcomes.iter().enumerate() {
            if let Ok(Some(p)) = prepared {
                let older = self
                    .store
                    .pending_like(&mut tx, p.row.user_id, &p.source.reference, &p.target)
                    .await?;
                replaced.extend(older.into_iter().map(|id| (id, index)));
            }
        }
        replaced.sort();
        replaced.dedup_by_key(|(id, _)| *id);
        let mut settled: HashMap<usize, Vec<Uuid>> = HashMap::new();
        for (older, index) in replaced {
            let Ok(Some(by)) = &outcomes[index] else {
                continue;
            };
            if self.supersede(&mut tx, older, by.row.created_at).await? {
                settled.entry(index).or_default().push(older);
            }
        }
        for (index, prepared) in outcomes.iter().enumerate() {
            if let Ok(Some(prepared)) = prepared {
                let replaced = settled.remove(&index).unwrap_or_default();
                self.write(&mut tx, prepared, &replaced).await?;
            }
        }
        tx.commit().await?;
        let mut filed = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            filed.push(match outcome {
                Ok(Some(prepared)) => {
                    let athlete = prepared.row.user_id;
                    self.pending.invalidate(athlete);
                    self.events
                        .publish(Event::ProposalFiled {
                            athlete: AthleteId(athlete),
                            proposal: prepared.row.id,
                        })
                        .await;
                    prepared.row.try_into().map(Some)
                }
                Ok(None) => Ok(None),
                Err(error) => Err(error),
            });
        }
        Ok(filed)
    }

    /// Checks a proposal and shapes its row, reading what it needs; `Ok(None)` when it changes
    /// nothing or repeats a recent one.
    async fn prepare(
        &self,
        athlete: &User,
        source: Source,
        draft: ProposalDraft,
    ) -> AppResult<Option<Prepared>> {
        let reason = draft.reason().trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::bad_input(
                "reason",
                "must say why, in 1–500 characters",
            ));
        }
        if draft.receipts().len() > 50 {
            return Err(AppError::bad_input("receipts", "at most 50 receipts"));
        }
        let plan = self.store.active_plan(athlete.id).await?.ok_or_else(|| {
            AppError::NotFound("this athlete has no active plan to change".to_owned())
        })?;
        let today = self.training.today_for(athlete);
        let now = self.clock.now();
        let (changes, expires_at) = match &draft {
            ProposalDraft::WorkoutChange {
                workout_id,
                changes,
                ..
            } => {
                let workout = match self.store.workout(*workout_id).await {
                    Ok(w) if w.user_id == athlete.id && w.plan_id == plan.id => w,
                    Ok(_) | Err(StoreError::NotFound) => {
                        return Err(AppError::bad_input(
                            "workoutId",
                            "is not a workout of this athlete's active plan",
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
                if workout.state != WorkoutState::Planned || workout.workout.date < today {
                    return Err(AppError::bad_input(
                        "workoutId",
                        "only planned workouts from today on can change",
                    ));
                }
                let after = apply_changes(&workout.workout, changes)?;
                let diff = WorkoutDiff {
                    workout_id: Some(workout.id),
                    date: workout.workout.date,
                    before: Some(Session::from(&workout.workout)),
                    after: Some(Session::from(&after)),
                };
                (
                    vec![diff],
                    end_of_day(athlete, workout.workout.date).unwrap_or(now + TimeDelta::days(1)),
                )
            }
            ProposalDraft::PlanRegenerate {
                adjustment, reason, ..
            } => {
                let change = PlanChange {
                    availability: None,
                    adjustment: Some(adjustment.clone()),
                    reason: reason.clone(),
                };
                let preview = self.training.preview_plan_change(athlete, &change).await?;
                let diffs = preview
                    .into_iter()
                    .map(|(date, before, after)| WorkoutDiff {
                        workout_id: before.as_ref().map(|w| w.id),
                        date,
                        before: before.as_ref().map(|w| Session::from(&w.workout)),
                        after: after.as_ref().map(Session::from),
                    })
                    .collect();
                (diffs, now + TimeDelta::days(3))
            }
        };
        // A change that changes nothing is not worth anyone's decision.
        if changes.iter().all(|c| c.before == c.after) {
            return Ok(None);
        }
        let target = draft.target();
        let body = to_json(&Body {
            draft: draft.clone(),
            changes,
        });
        if self
            .store
            .proposed_since(
                athlete.id,
                &source.reference,
                &target,
                &body,
                now - TimeDelta::hours(20),
            )
            .await?
        {
            return Ok(None);
        }
        let row = ProposalRow {
            id: Uuid::now_v7(),
            user_id: athlete.id,
            plan_id: Some(plan.id),
            base_plan_version: Some(plan.version),
            source_kind: source.kind.as_str().to_owned(),
            source_ref: source.reference.clone(),
            source_version: source.version.clone(),
            kind: draft.kind().to_owned(),
            diff: body,
            receipts: to_json(&draft.receipts()),
            reason: draft.reason().to_owned(),
            state: ProposalState::Pending.as_str().to_owned(),
            expires_at,
            created_at: now,
            decided_at: None,
            decided_by: None,
            applied_at: None,
            target: Some(target.clone()),
            decision_reason: None,
        };
        Ok(Some(Prepared {
            actor: Self::actor_of(&source),
            source,
            plan_version: plan.version,
            target,
            row,
        }))
    }

    /// Settles `older` as superseded, at `at`, inside `tx`; whether it was still pending.
    async fn supersede(&self, tx: &mut Tx, older: Uuid, at: DateTime<Utc>) -> AppResult<bool> {
        Ok(self
            .store
            .settle_proposal(
                tx,
                older,
                "superseded",
                None,
                Some("a newer proposal replaced it"),
                at,
            )
            .await?)
    }

    /// Writes a checked proposal inside `tx`, with the audit records of the stored proposals it
    /// replaced (`replaced`, settled already) and of any filed earlier in the same batch for the
    /// same target, which it supersedes here.
    async fn write(&self, tx: &mut Tx, prepared: &Prepared, replaced: &[Uuid]) -> AppResult<()> {
        let Prepared {
            actor,
            source,
            plan_version,
            target,
            row,
        } = prepared;
        let (actor, now) = (*actor, row.created_at);
        for older in replaced {
            self.audit
                .record(
                    tx,
                    AuditEvent::new(actor, "proposal.supersede", "proposal", *older),
                    now,
                )
                .await?;
        }
        // Still pending now: only those this batch filed before (their rows are this
        // transaction's own).
        for older in self
            .store
            .pending_like(tx, row.user_id, &source.reference, target)
            .await?
        {
            if self.supersede(tx, older, now).await? {
                self.audit
                    .record(
                        tx,
                        AuditEvent::new(actor, "proposal.supersede", "proposal", older),
                        now,
                    )
                    .await?;
            }
        }
        self.store.insert_proposal(tx, row).await?;
        let event = AuditEvent::new(actor, "proposal.create", "proposal", row.id).reason(row.reason.clone()).payload(json!({
            "athlete": row.user_id,
            "source": { "kind": source.kind, "ref": source.reference, "version": source.version },
            "kind": row.kind,
            "plan_version": plan_version,
        }));
        self.audit.record(tx, event, now).await?;
        Ok(())
    }

    /// Tells live listeners a proposal of `athlete` was decided (or lapsed).
    async fn decided(&self, athlete: Uuid, proposal: Uuid) {
        self.pending.invalidate(athlete);
        self.events
            .publish(Event::ProposalDecided {
                athlete: AthleteId(athlete),
                proposal,
            })
            .await;
    }

    /// One proposal, for a caller that has already authorized the viewer for its athlete.
    pub(crate) async fn proposal(&self, id: Uuid) -> AppResult<Proposal> {
        self.store.proposal(id).await?.try_into()
    }

    async fn load_for(
        &self,
        viewer: &Viewer,
        id: Uuid,
        needed: GrantAccess,
    ) -> AppResult<(Proposal, User)> {
        let missing = || AppError::NotFound("proposal not found".to_owned());
        let row = match self.store.proposal(id).await {
            Ok(row) => row,
            Err(StoreError::NotFound) => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        if self
            .accounts
            .authorize_athlete(viewer, row.user_id, GrantAccess::Read)
            .await
            .is_err()
        {
            return Err(missing());
        }
        if needed == GrantAccess::ReadWrite {
            self.accounts.authorize_athlete(viewer, row.user_id, GrantAccess::ReadWrite).await.map_err(|_| {
                AppError::Forbidden("only the athlete, or a coach they gave read-write access, may decide on this".to_owned())
            })?;
        }
        let athlete = self.store.user(row.user_id).await?;
        Ok((row.try_into()?, athlete))
    }

    async fn settle(
        &self,
        proposal: &Proposal,
        to: ProposalState,
        reason: &str,
        actor: Actor,
        action: &'static str,
    ) -> AppResult<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if self
            .store
            .settle_proposal(
                &mut tx,
                proposal.row.id,
                to.as_str(),
                None,
                Some(reason),
                now,
            )
            .await?
        {
            self.audit
                .record(
                    &mut tx,
                    AuditEvent::new(actor, action, "proposal", proposal.row.id).reason(reason),
                    now,
                )
                .await?;
        }
        tx.commit().await?;
        self.decided(proposal.row.user_id, proposal.row.id).await;
        Ok(())
    }

    /// Confirms and applies a proposal. Idempotent: confirming an applied proposal returns it.
    pub async fn confirm(&self, viewer: &Viewer, id: Uuid) -> AppResult<Proposal> {
        let (proposal, athlete) = self.load_for(viewer, id, GrantAccess::ReadWrite).await?;
        match proposal.state {
            ProposalState::Applied | ProposalState::Confirmed => return Ok(proposal),
            ProposalState::Pending => {}
            other => {
                return Err(AppError::Conflict(format!(
                    "this proposal is {other}; it can no longer be confirmed"
                )));
            }
        }
        let now = self.clock.now();
        if proposal.row.expires_at <= now {
            self.settle(
                &proposal,
                ProposalState::Expired,
                "it was not confirmed in time",
                Actor::SYSTEM,
                "proposal.expire",
            )
            .await?;
            return Err(AppError::Conflict(format!(
                "this proposal expired at {}; it was not applied",
                proposal.row.expires_at
            )));
        }
        let base = proposal.row.base_plan_version.unwrap_or(0);
        let plan = self.store.active_plan(athlete.id).await?;
        let current = plan
            .as_ref()
            .filter(|p| Some(p.id) == proposal.row.plan_id)
            .map(|p| p.version);
        if current != Some(base) {
            let why = match current {
                Some(v) => format!(
                    "the plan moved on from version {base} to {v} after this was proposed; it was not applied"
                ),
                None => "the plan it was proposed for is no longer active; it was not applied"
                    .to_owned(),
            };
            self.settle(
                &proposal,
                ProposalState::Stale,
                &why,
                Actor::SYSTEM,
                "proposal.stale",
            )
            .await?;
            return Err(AppError::Conflict(why));
        }
        let applied = AppliedProposal {
            id: proposal.row.id,
            confirmed_by: viewer.actor(),
        };
        let result = match &proposal.draft {
            ProposalDraft::WorkoutChange {
                workout_id,
                changes,
                ..
            } => {
                self.apply_workout_change(&athlete, &proposal, *workout_id, changes, base, &applied)
                    .await
            }
            ProposalDraft::PlanRegenerate {
                adjustment, reason, ..
            } => {
                let change = PlanChange {
                    availability: None,
                    adjustment: Some(adjustment.clone()),
                    reason: reason.clone(),
                };
                self.training
                    .apply_plan_change(&athlete, change, viewer.actor(), Some(base), Some(&applied))
                    .await
                    .map(|_| ())
            }
        };
        match result {
            Ok(()) => {
                self.decided(athlete.id, id).await;
                self.store.proposal(id).await?.try_into()
            }
            Err(AppError::Conflict(why)) => {
                self.settle(
                    &proposal,
                    ProposalState::Stale,
                    &why,
                    Actor::SYSTEM,
                    "proposal.stale",
                )
                .await?;
                Err(AppError::Conflict(why))
            }
            Err(e) => Err(e),
        }
    }

    async fn apply_workout_change(
        &self,
        athlete: &User,
        proposal: &Proposal,
        workout_id: Uuid,
        changes: &WorkoutChanges,
        base: i32,
        applied: &AppliedProposal,
    ) -> AppResult<()> {
        let workout: StoredWorkout = self.store.workout(workout_id).await?;
        if workout.state != WorkoutState::Planned {
            return Err(AppError::Conflict(format!(
                "the workout is {} now; it was not changed",
                workout.state
            )));
        }
        let after = apply_changes(&workout.workout, changes)?;
        let plan = self.store.plan(workout.plan_id).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        // The athlete's lock first, as every writer of their planned workouts takes it.
        self.store.lock_user(&mut tx, athlete.id).await?;
        let mut new_plan = plan.plan.clone();
        if let Some(w) = new_plan
            .workouts
            .iter_mut()
            .find(|w| w.date == workout.workout.date && w.kind == workout.workout.kind)
        {
            *w = after.clone();
        }
        if !self
            .store
            .bump_plan(&mut tx, plan.id, base, &plan.request, &new_plan, now)
            .await?
        {
            return Err(AppError::Conflict(
                "the plan changed at the same moment; it was not applied".to_owned(),
            ));
        }
        let version = base + 1;
        if !self
            .store
            .rewrite_workout(&mut tx, workout.id, &after, version, now)
            .await?
        {
            return Err(AppError::Conflict(
                "the workout was completed or missed at the same moment; it was not changed"
                    .to_owned(),
            ));
        }
        let snapshot =
            to_json(&json!({ "proposal": proposal.row.id, "changes": proposal.changes }));
        self.store
            .insert_plan_version(
                &mut tx,
                plan.id,
                &stride_store::PlanVersionRow {
                    version,
                    reason: proposal.row.reason.clone(),
                    actor_id: applied.confirmed_by.user_id,
                    snapshot,
                    created_at: now,
                },
            )
            .await?;
        self.training
            .record_application(&mut tx, athlete, applied, plan.id, version, now)
            .await?;
        tx.commit().await?;
        self.training.home_cache().invalidate(athlete.id).await;
        Ok(())
    }

    /// Declines a proposal.
    pub async fn reject(
        &self,
        viewer: &Viewer,
        id: Uuid,
        reason: Option<String>,
    ) -> AppResult<Proposal> {
        let (proposal, _) = self.load_for(viewer, id, GrantAccess::ReadWrite).await?;
        if proposal.state == ProposalState::Rejected {
            return Ok(proposal);
        }
        if proposal.state != ProposalState::Pending {
            return Err(AppError::Conflict(format!(
                "this proposal is {}; it can no longer be rejected",
                proposal.state
            )));
        }
        let reason = reason
            .map(|r| crate::error::reason_text("reason", &r))
            .transpose()?;
        let now = self.clock.now();
        let reason = reason.unwrap_or_else(|| "declined".to_owned());
        let mut tx = self.store.begin().await?;
        if self
            .store
            .settle_proposal(
                &mut tx,
                id,
                "rejected",
                Some(viewer.id()),
                Some(&reason),
                now,
            )
            .await?
        {
            let event =
                AuditEvent::new(viewer.actor(), "proposal.reject", "proposal", id).reason(reason);
            self.audit.record(&mut tx, event, now).await?;
        }
        tx.commit().await?;
        self.decided(proposal.row.user_id, id).await;
        self.store.proposal(id).await?.try_into()
    }

    /// An athlete's proposals, newest first (lapsed ones are marked expired first).
    pub async fn list(
        &self,
        viewer: &Viewer,
        athlete: Uuid,
        state: Option<ProposalState>,
    ) -> AppResult<Vec<Proposal>> {
        self.accounts
            .authorize_athlete(viewer, athlete, GrantAccess::Read)
            .await?;
        if state == Some(ProposalState::Pending) {
            return self.pending_list(athlete).await;
        }
        self.expire_overdue_of(athlete).await?;
        let rows = self
            .store
            .proposals_for(athlete, state.map(ProposalState::as_str), 200)
            .await?;
        rows.into_iter().map(Proposal::try_from).collect()
    }

    /// An athlete's pending proposals, from the cache while none of them is overdue.
    async fn pending_list(&self, athlete: Uuid) -> AppResult<Vec<Proposal>> {
        let now = self.clock.now();
        if let Some(cached) = self.pending.cache.get(athlete)
            && cached.iter().all(|p| p.row.expires_at > now)
        {
            return Ok(cached.as_ref().clone());
        }
        let generation = self.pending.cache.generation(athlete);
        let read_at = std::time::Instant::now();
        // One read shared with the other lists missed meanwhile, in the usual case (nothing
        // lapsed): every first visit after a restart comes here.
        let store = self.store.clone();
        let mut list = self
            .pending
            .misses
            .one(athlete, move |athletes: Vec<Uuid>| {
                let store = store.clone();
                async move {
                    let lists = store.pending_proposals_of(&athletes, PENDING_SHOWN).await?;
                    athletes
                        .iter()
                        .map(|athlete| {
                            lists
                                .get(athlete)
                                .into_iter()
                                .flatten()
                                .cloned()
                                .map(Proposal::try_from)
                                .collect::<AppResult<Vec<Proposal>>>()
                        })
                        .collect()
                }
            })
            .await?;
        let read = || async {
            self.store
                .proposals_for(
                    athlete,
                    Some(ProposalState::Pending.as_str()),
                    PENDING_SHOWN,
                )
                .await?
                .into_iter()
                .map(Proposal::try_from)
                .collect::<AppResult<Vec<Proposal>>>()
        };
        if list.len() == PENDING_SHOWN as usize || list.iter().any(|p| p.row.expires_at <= now) {
            self.expire_overdue_of(athlete).await?;
            list = read().await?;
        }
        self.pending
            .cache
            .keep(athlete, generation, read_at, Arc::new(list.clone()));
        Ok(list)
    }

    /// Marks this athlete's lapsed pending proposals expired (a list must not show them);
    /// the whole server's expire with the nightly checks.
    async fn expire_overdue_of(&self, athlete: Uuid) -> AppResult<usize> {
        let overdue = self
            .store
            .overdue_proposals_of(athlete, self.clock.now(), 500)
            .await?;
        self.expire(overdue).await
    }

    /// A coach (or the athlete) proposes a change to one scheduled workout. Someone else's
    /// workout is "not found", like a made-up id, so ids reveal nothing.
    pub async fn propose_workout_change(
        &self,
        viewer: &Viewer,
        workout_id: Uuid,
        changes: WorkoutChanges,
        reason: &str,
    ) -> AppResult<Option<Proposal>> {
        let missing = || AppError::NotFound("workout not found".to_owned());
        let workout = self
            .store
            .workout(workout_id)
            .await
            .map_err(|_| missing())?;
        let athlete = self
            .training
            .athlete(viewer, workout.user_id, GrantAccess::Read)
            .await
            .map_err(|e| match e {
                AppError::Forbidden(_) => missing(),
                other => other,
            })?;
        // Proposing is a change request: read-only access may look, not ask.
        self.accounts
            .authorize_athlete(viewer, athlete.id, GrantAccess::ReadWrite)
            .await?;
        let draft = ProposalDraft::WorkoutChange {
            workout_id,
            changes,
            reason: crate::error::reason_text("reason", reason)?,
            receipts: Vec::new(),
        };
        let source = Source {
            kind: SourceKind::Coach,
            reference: viewer.id().to_string(),
            version: None,
        };
        self.propose(&athlete, source, draft).await
    }

    /// Pending proposals of an athlete the caller has already authorized, newest first.
    pub(crate) async fn pending_of(&self, athlete: Uuid) -> AppResult<Vec<Proposal>> {
        let rows = self
            .store
            .proposals_for(athlete, Some(ProposalState::Pending.as_str()), 50)
            .await?;
        rows.into_iter().map(Proposal::try_from).collect()
    }

    /// Marks every lapsed pending proposal expired; returns how many.
    pub async fn expire_due(&self) -> AppResult<usize> {
        let overdue = self.store.overdue_proposals(self.clock.now(), 500).await?;
        self.expire(overdue).await
    }

    /// Settles `overdue` proposals as expired.
    async fn expire(&self, overdue: Vec<stride_store::ProposalRow>) -> AppResult<usize> {
        let count = overdue.len();
        for row in overdue {
            let proposal: Proposal = row.try_into()?;
            self.settle(
                &proposal,
                ProposalState::Expired,
                "it was not confirmed in time",
                Actor::SYSTEM,
                "proposal.expire",
            )
            .await?;
        }
        Ok(count)
    }
}

/// Pending proposals listed at most (a full list may hide lapsed ones, so it is checked).
const PENDING_SHOWN: u32 = 200;

/// Athletes whose pending lists are read in one statement at most, and such reads at once.
const PENDING_BATCH: usize = 64;
const PENDING_READERS: usize = 4;

/// The instant the athlete's `date` ends, in their zone.
fn end_of_day(athlete: &User, date: NaiveDate) -> Option<DateTime<Utc>> {
    let next = date.checked_add_days(Days::new(1))?.and_hms_opt(0, 0, 0)?;
    next.and_local_timezone(athlete.profile.time_zone)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Plugin proposals enter through the same gate.
pub struct PluginProposals {
    gate: Gate,
    store: Store,
}

impl PluginProposals {
    /// Plugin proposals over `gate`.
    pub fn new(gate: Gate, store: Store) -> Arc<Self> {
        Arc::new(Self { gate, store })
    }
}

impl ProposalSink for PluginProposals {
    fn propose<'a>(
        &'a self,
        plugin: &'a PluginIdentity,
        proposal: PlanProposal,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let athlete_id: Uuid = proposal
                .athlete_id
                .parse()
                .map_err(|_| "athlete-id is not a Stride id".to_owned())?;
            let athlete = self
                .store
                .user(athlete_id)
                .await
                .map_err(|_| "no such athlete".to_owned())?;
            let mut change: serde_json::Value = serde_json::from_str(&proposal.change)
                .map_err(|e| format!("change is not JSON: {e}"))?;
            if let Some(map) = change.as_object_mut() {
                map.entry("type").or_insert_with(|| json!(proposal.kind));
                map.insert("reason".to_owned(), json!(proposal.reason));
                let receipts: serde_json::Value =
                    serde_json::from_str(&proposal.receipts).unwrap_or(json!([]));
                map.insert("receipts".to_owned(), receipts);
            }
            let draft: ProposalDraft = serde_json::from_value(change)
                .map_err(|e| format!("change is not a proposal: {e}"))?;
            let source = Source {
                kind: SourceKind::Plugin,
                reference: plugin.id.clone(),
                version: Some(plugin.version.clone()),
            };
            match self.gate.propose(&athlete, source, draft).await {
                Ok(Some(p)) => Ok(p.row.id.to_string()),
                Ok(None) => Err(
                    "nothing was proposed: the change changes nothing, or was already proposed today"
                        .to_owned(),
                ),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}
