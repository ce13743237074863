//! Rules: those in force, their versions and failures, what a rule sees, editing,
//! simulation and evaluation.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{parse_id, parse_opt_id, state, viewer};
use crate::rules::service::{Origin, RuleScope};

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

/// Rule queries.
#[derive(Default)]
pub struct RuleQuery;

#[Object]
impl RuleQuery {
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
        Ok(Json(state(ctx).rules.snapshot_for(viewer, athlete).await?))
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
}

/// Rule mutations.
#[derive(Default)]
pub struct RuleMutation;

#[Object]
impl RuleMutation {
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
