//! Proposals and the gate, rules (in force, versions, editing, simulation, evaluation), and
//! the audit log.

use std::time::Duration;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use serde_json::Value;

use super::{page_size, parse_id, parse_opt_id, state, viewer};
use crate::gate::{ProposalState, SourceKind, WorkoutChanges, WorkoutDiff};
use crate::rules::service::{Origin, RuleScope};
use stride_domain::plan::WorkoutKind;
use stride_store::AuditFilter;

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

/// Where a rule in force comes from.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RuleOrigin {
    /// Shipped with Stride.
    Default,
    /// A coach's team rule.
    Team,
    /// The athlete's own.
    Athlete,
}

/// A rule in force for an athlete.
#[derive(SimpleObject)]
pub struct RuleInForce {
    /// Name.
    pub name: String,
    /// Where it comes from.
    pub origin: RuleOrigin,
    /// The rule's id (null for defaults).
    pub rule_id: Option<ID>,
    /// Version label.
    pub version: String,
    /// rhai source.
    pub source: String,
}

/// One version of a rule.
#[derive(SimpleObject)]
pub struct RuleVersion {
    /// Number.
    pub version: i32,
    /// active, retired or rejected.
    pub status: String,
    /// rhai source.
    pub source: String,
    /// Fixtures (JSON).
    pub fixtures: String,
    /// Why it was not put in force.
    pub problems: Vec<String>,
    /// Author.
    pub created_by: Option<ID>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Where a rule being saved applies.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RuleScopeKind {
    /// One athlete (`athleteId`).
    Athlete,
    /// Every athlete who gave the saving coach read-write access.
    Team,
}

/// A rule version to save.
#[derive(InputObject)]
pub struct RuleInput {
    /// Name; the same name as a default rule overrides it.
    pub name: String,
    /// Athlete or team.
    pub scope: RuleScopeKind,
    /// The athlete, for athlete scope (default: the viewer).
    pub athlete_id: Option<ID>,
    /// rhai source.
    pub source: String,
    /// Fixtures: a JSON array of `{ name, snapshot, expected }`.
    pub fixtures: String,
}

/// The outcome of saving a rule version.
#[derive(SimpleObject)]
pub struct SaveRuleResult {
    /// The rule.
    pub rule_id: ID,
    /// The version stored.
    pub version: i32,
    /// Whether it is now in force.
    pub accepted: bool,
    /// Why not, when it is not.
    pub problems: Vec<String>,
}

/// What a draft rule would propose.
#[derive(SimpleObject)]
pub struct SimulatedProposal {
    /// `workout_change` or `plan_regenerate`.
    pub kind: String,
    /// Why.
    pub reason: String,
    /// The whole draft, as the rule returned it.
    pub draft: Json<Value>,
}

/// A rule that failed for an athlete.
#[derive(SimpleObject)]
pub struct RuleFailure {
    /// Rule name.
    pub rule: String,
    /// Version.
    pub version: String,
    /// What went wrong.
    pub error: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What an evaluation did.
#[derive(SimpleObject)]
pub struct Evaluation {
    /// Rules run.
    pub rules: u32,
    /// Proposals filed.
    pub proposals: Vec<ID>,
    /// Rules that failed (and were skipped).
    pub failures: Vec<String>,
}

/// One audit-log entry.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// Position in the chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who acted (null: Stride itself).
    pub actor_id: Option<ID>,
    /// Who really acted (differs under impersonation).
    pub real_actor_id: Option<ID>,
    /// What was done.
    pub action: String,
    /// Kind of target.
    pub target_kind: String,
    /// Target.
    pub target_id: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// The facts recorded.
    pub payload: Json<Value>,
    /// This entry's hash (hex).
    pub hash: String,
}

/// The result of recomputing the audit chain.
#[derive(SimpleObject)]
pub struct AuditVerification {
    /// Entries checked.
    pub checked: i64,
    /// Whether every entry matched.
    pub intact: bool,
    /// The first entry that did not match.
    pub first_broken_seq: Option<i64>,
    /// Why it did not.
    pub problem: Option<String>,
}

/// Coaching queries.
#[derive(Default)]
pub struct CoachingQuery;

#[Object]
impl CoachingQuery {
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

    /// The rules in force for an athlete: defaults, team rules, the athlete's own.
    async fn rules_in_force(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Vec<RuleInForce>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        state(ctx)
            .training
            .athlete(viewer, athlete, stride_domain::people::GrantAccess::Read)
            .await?;
        let rules = state(ctx).rules.effective_rules(athlete).await?;
        Ok(rules
            .into_iter()
            .map(|r| RuleInForce {
                name: r.name,
                origin: match r.origin {
                    Origin::Default => RuleOrigin::Default,
                    Origin::Team(_) => RuleOrigin::Team,
                    Origin::Athlete(_) => RuleOrigin::Athlete,
                },
                rule_id: r.rule_id.map(|id| ID(id.to_string())),
                version: r.version,
                source: r.source,
            })
            .collect())
    }

    /// What an athlete's rules see right now, as JSON: the input of `simulateRule`, and the
    /// shape of a rule fixture's `snapshot`, so real data can be copied into a fixture.
    async fn rule_snapshot(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Json<crate::rules::snapshot::Snapshot>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let athlete = state(ctx)
            .training
            .athlete(viewer, athlete, stride_domain::people::GrantAccess::Read)
            .await?;
        let snapshot = state(ctx).rules.snapshot(&athlete).await?;
        Ok(Json(snapshot))
    }

    /// Every version of a rule, newest first (rejected ones with their problems).
    async fn rule_versions(
        &self,
        ctx: &Context<'_>,
        rule_id: ID,
    ) -> async_graphql::Result<Vec<RuleVersion>> {
        let id = parse_id(&rule_id, "ruleId")?;
        let (_, versions) = state(ctx).rules.versions(viewer(ctx)?, id).await?;
        Ok(versions
            .into_iter()
            .map(|v| {
                let report: Value = serde_json::from_str(&v.report).unwrap_or(Value::Null);
                RuleVersion {
                    version: v.version,
                    status: v.status,
                    source: v.source,
                    fixtures: v.fixtures,
                    problems: report["problems"]
                        .as_array()
                        .map(|p| {
                            p.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                    created_by: v.created_by.map(|id| ID(id.to_string())),
                    created_at: v.created_at,
                }
            })
            .collect())
    }

    /// Rules that failed while evaluating an athlete, newest first.
    async fn rule_failures(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Vec<RuleFailure>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let rows = state(ctx).rules.failures(viewer, athlete).await?;
        Ok(rows
            .into_iter()
            .map(|(rule, version, error, at)| RuleFailure {
                rule,
                version,
                error,
                at,
            })
            .collect())
    }

    /// The audit log, newest first, narrowed by `filter`. Needs `READ_AUDIT`. Page with
    /// `first` and `after`.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEntry>> {
        let viewer = viewer(ctx)?;
        let limit = page_size(first)?;
        let before_seq = match after {
            Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
                crate::error::AppError::bad_input("after", "is not a cursor returned by this list")
            })?),
            None => None,
        };
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            actor_id: parse_opt_id(filter.actor_id.as_ref(), "filter.actorId")?,
            target_kind: filter.target_kind,
            target_id: filter.target_id,
            action: filter.action,
            since: filter.since,
            until: filter.until,
        };
        let mut rows = state(ctx)
            .audit
            .search(viewer, &filter, before_seq, limit + 1)
            .await?;
        let has_next = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let mut connection = Connection::new(before_seq.is_some(), has_next);
        connection.edges.extend(rows.into_iter().map(|e| {
            Edge::new(
                e.seq.to_string(),
                AuditEntry {
                    seq: e.seq,
                    at: e.at,
                    actor_id: e.actor_id.map(|id| ID(id.to_string())),
                    real_actor_id: e.real_actor_id.map(|id| ID(id.to_string())),
                    action: e.action,
                    target_kind: e.target_kind,
                    target_id: e.target_id,
                    reason: e.reason,
                    payload: Json(serde_json::from_str(&e.payload).unwrap_or(Value::Null)),
                    hash: hex::encode(e.hash),
                },
            )
        }));
        Ok(connection)
    }

    /// Recomputes the audit chain and names the first entry that does not match. Needs
    /// `READ_AUDIT`.
    async fn verify_audit_log(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<AuditVerification> {
        let result = state(ctx).audit.verify(viewer(ctx)?).await?;
        Ok(AuditVerification {
            checked: result.checked,
            intact: result.first_broken.is_none(),
            first_broken_seq: result.first_broken.as_ref().map(|(seq, _)| *seq),
            problem: result.first_broken.map(|(_, why)| why),
        })
    }
}

/// Narrows the audit log; every field present must match.
#[derive(InputObject, Default)]
pub struct AuditFilterInput {
    /// Who acted.
    pub actor_id: Option<ID>,
    /// What kind of thing was acted on (`proposal`, `rule`, `plan`, `user`, ...).
    pub target_kind: Option<String>,
    /// Which one.
    pub target_id: Option<String>,
    /// The action, e.g. `proposal.apply`.
    pub action: Option<String>,
    /// At or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// Coaching mutations.
#[derive(Default)]
pub struct CoachingMutation;

#[Object]
impl CoachingMutation {
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

    /// Saves a new version of a rule. It is kept either way, and put in force only if it
    /// compiles and passes its fixtures. Audited.
    async fn save_rule(
        &self,
        ctx: &Context<'_>,
        input: RuleInput,
    ) -> async_graphql::Result<SaveRuleResult> {
        let viewer = viewer(ctx)?;
        let scope = match input.scope {
            RuleScopeKind::Team => RuleScope::Team,
            RuleScopeKind::Athlete => RuleScope::Athlete(
                parse_opt_id(input.athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id()),
            ),
        };
        let saved = state(ctx)
            .rules
            .save(viewer, scope, &input.name, &input.source, &input.fixtures)
            .await?;
        Ok(SaveRuleResult {
            rule_id: ID(saved.rule.id.to_string()),
            version: saved.version.version,
            accepted: saved.accepted,
            problems: saved.problems,
        })
    }

    /// Runs a draft rule on an athlete's real data and shows what it would propose, without
    /// proposing anything.
    async fn simulate_rule(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        source: String,
    ) -> async_graphql::Result<Vec<SimulatedProposal>> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let drafts = state(ctx).rules.simulate(viewer, athlete, &source).await?;
        Ok(drafts
            .into_iter()
            .map(|d| SimulatedProposal {
                kind: d.kind().to_owned(),
                reason: d.reason().to_owned(),
                draft: Json(serde_json::to_value(&d).unwrap_or(Value::Null)),
            })
            .collect())
    }

    /// Evaluates an athlete's rules now (they also run on every new activity or metric, and
    /// nightly).
    async fn evaluate_rules(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Evaluation> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        state(ctx)
            .training
            .athlete(
                viewer,
                athlete,
                stride_domain::people::GrantAccess::ReadWrite,
            )
            .await?;
        let report = state(ctx).rules.evaluate(athlete, "manual").await?;
        Ok(Evaluation {
            rules: u32::try_from(report.rules).unwrap_or(u32::MAX),
            proposals: report
                .proposals
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            failures: report
                .failures
                .into_iter()
                .map(|(rule, why)| format!("{rule}: {why}"))
                .collect(),
        })
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
        state(ctx)
            .training
            .athlete(viewer, athlete, stride_domain::people::GrantAccess::Read)
            .await?;
        let gate = state(ctx).gate.clone();
        let since = state(ctx).clock.now();
        Ok(futures::stream::unfold(
            (gate, std::collections::BTreeSet::new(), since),
            move |(gate, mut seen, since)| async move {
                loop {
                    if let Ok(pending) = gate.pending_of(athlete).await {
                        let fresh = pending
                            .into_iter()
                            .filter(|p| p.row.created_at >= since && !seen.contains(&p.row.id))
                            .min_by_key(|p| p.row.created_at);
                        if let Some(proposal) = fresh {
                            seen.insert(proposal.row.id);
                            return Some((Proposal(proposal), (gate, seen, since)));
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            },
        ))
    }
}
