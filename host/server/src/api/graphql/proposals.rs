//! Proposals and the gate: listing, confirming, rejecting, a coach's proposals, and the live
//! subscription.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use serde_json::Value;

use super::{parse_id, parse_opt_id, state, viewer};
use crate::gate::{ProposalState, SourceKind, WorkoutChanges, WorkoutDiff};
use stride_domain::plan::WorkoutKind;

/// A proposed change to an athlete's plan, waiting for (or past) their decision.
pub struct Proposal(pub crate::gate::Proposal);

/// Who proposed.
#[derive(SimpleObject)]
pub struct ProposalSource {
    /// Rule, plugin or coach.
    pub kind: SourceKind,
    /// Rule name, plugin id or coach id.
    pub reference: String,
    /// Rule or plugin version.
    pub version: Option<String>,
}

/// One fact a proposal rests on.
#[derive(SimpleObject)]
pub struct ProposalReceipt {
    /// What it is.
    pub label: String,
    /// Its value.
    pub value: Json<Value>,
    /// The day it belongs to.
    pub date: Option<NaiveDate>,
    /// The activity it comes from.
    pub activity_id: Option<ID>,
}

#[Object]
impl Proposal {
    /// Proposal id.
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }

    /// Whose plan.
    async fn athlete_id(&self) -> ID {
        ID(self.0.row.user_id.to_string())
    }

    /// Where it stands.
    async fn state(&self) -> ProposalState {
        self.0.state
    }

    /// Who proposed it.
    async fn source(&self) -> ProposalSource {
        ProposalSource {
            kind: self.0.row.source_kind.parse().unwrap_or(SourceKind::Rule),
            reference: self.0.row.source_ref.clone(),
            version: self.0.row.source_version.clone(),
        }
    }

    /// `workout_change` or `plan_regenerate`.
    async fn kind(&self) -> &str {
        &self.0.row.kind
    }

    /// Why, in plain language.
    async fn reason(&self) -> &str {
        &self.0.row.reason
    }

    /// What it rests on: dates, values, activities.
    async fn receipts(&self) -> Vec<ProposalReceipt> {
        self.0
            .draft
            .receipts()
            .iter()
            .map(|r| ProposalReceipt {
                label: r.label.clone(),
                value: Json(r.value.clone()),
                date: r.date,
                activity_id: r.activity_id.map(|id| ID(id.to_string())),
            })
            .collect()
    }

    /// Each workout before and after.
    async fn changes(&self) -> Vec<WorkoutDiff> {
        self.0.changes.clone()
    }

    /// The plan version it was computed against.
    async fn base_plan_version(&self) -> Option<i32> {
        self.0.row.base_plan_version
    }

    /// When it was proposed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }

    /// When it lapses.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.row.expires_at
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.decided_at
    }

    /// Who decided.
    async fn decided_by(&self) -> Option<ID> {
        self.0.row.decided_by.map(|id| ID(id.to_string()))
    }

    /// Why it was rejected, went stale or expired.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.row.decision_reason.as_deref()
    }

    /// When it was applied.
    async fn applied_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.applied_at
    }
}

/// Changes to one workout (absent fields stay; `REST` clears the targets).
#[derive(InputObject)]
pub struct WorkoutChangesInput {
    /// New kind.
    pub kind: Option<WorkoutKind>,
    /// New target duration, seconds.
    pub target_duration_seconds: Option<i32>,
    /// New target distance, metres.
    pub target_distance_meters: Option<f64>,
    /// New intensity zone, 1–5.
    pub intensity_zone: Option<i32>,
    /// New description.
    pub description: Option<String>,
}

/// Proposal queries.
#[derive(Default)]
pub struct ProposalQuery;

#[Object]
impl ProposalQuery {
    /// An athlete's proposals (default: the viewer's), newest first.
    async fn proposals(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        state: Option<ProposalState>,
    ) -> async_graphql::Result<Vec<Proposal>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(super::state(ctx)
            .gate
            .list(viewer, athlete, state)
            .await?
            .into_iter()
            .map(Proposal)
            .collect())
    }
}

/// Proposal mutations.
#[derive(Default)]
pub struct ProposalMutation;

#[Object]
impl ProposalMutation {
    /// Confirms a proposal, which applies it (the athlete, or a coach with read-write access).
    /// Confirming again is harmless.
    async fn confirm_proposal(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Proposal> {
        let id = parse_id(&id, "id")?;
        Ok(Proposal(state(ctx).gate.confirm(viewer(ctx)?, id).await?))
    }

    /// Declines a proposal.
    async fn reject_proposal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<Proposal> {
        let id = parse_id(&id, "id")?;
        Ok(Proposal(
            state(ctx).gate.reject(viewer(ctx)?, id, reason).await?,
        ))
    }

    /// A coach proposes a change to one of an athlete's workouts; the athlete (or a coach with
    /// read-write access) confirms it.
    async fn propose_workout_change(
        &self,
        ctx: &Context<'_>,
        workout_id: ID,
        changes: WorkoutChangesInput,
        reason: String,
    ) -> async_graphql::Result<Option<Proposal>> {
        let workout_id = parse_id(&workout_id, "workoutId")?;
        let changes = WorkoutChanges {
            kind: changes.kind,
            target_duration_s: changes.target_duration_seconds,
            target_distance_m: changes.target_distance_meters,
            intensity_zone: changes.intensity_zone,
            description: changes.description,
        };
        Ok(state(ctx)
            .gate
            .propose_workout_change(viewer(ctx)?, workout_id, changes, &reason)
            .await?
            .map(Proposal))
    }
}

/// Live proposals.
#[derive(Default)]
pub struct ProposalSubscription;

#[Subscription]
impl ProposalSubscription {
    /// New proposals for an athlete (default: the viewer), as they are filed.
    async fn proposal_created(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = Proposal>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let app = state(ctx);
        app.accounts
            .authorize_athlete(viewer, athlete, stride_domain::people::GrantAccess::Read)
            .await?;
        Ok(super::live::proposals(ctx, app, viewer, athlete)?)
    }
}
