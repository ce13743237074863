//! Rules at work: the snapshot an athlete's rules see, the rule set in force (defaults,
//! overridden by name by a coach's team rules and then by the athlete's own), evaluation on
//! every trigger, the nightly check, simulation of drafts, and versioned, validated editing.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::defaults::{DEFAULT_RULES, version_of};
use super::jobs::NightlyCheck;
use super::snapshot::{
    ActivityView, AlertView, AthleteView, InsightView, MetricsView, ReadinessView, SignalView,
    Snapshot, StatsView, WorkoutView,
};
use super::{Fields, FixtureReport, RuleEngine, RuleError, check_fixtures, parse_fixtures};
use crate::audit::AuditEvent;
use crate::auth::{Accounts, Permission, Viewer};
use crate::error::{AppError, AppResult};
use crate::gate::{Gate, ProposalDraft, Source, SourceKind};
use crate::jobs::Jobs;
use crate::training::{AthleteDay, DayRequest, Training};
use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_domain::people::GrantAccess;
use stride_store::{DateRange, RuleRow, RuleVersionRow, Store, StoredWorkout, User, to_json};

/// Where a rule in force comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Origin {
    /// Shipped with Stride.
    Default,
    /// A coach's team rule.
    Team(Uuid),
    /// The athlete's own rule.
    Athlete(Uuid),
}

/// A rule in force for an athlete.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveRule {
    /// Name.
    pub name: String,
    /// Where it comes from.
    pub origin: Origin,
    /// The rule's id (none for defaults).
    pub rule_id: Option<Uuid>,
    /// Version label.
    pub version: String,
    /// Source.
    pub source: String,
    /// Who wrote the version in force (none for defaults).
    pub author: Option<Uuid>,
}

/// What one evaluation did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluationReport {
    /// Rules run.
    pub rules: usize,
    /// Proposals filed.
    pub proposals: Vec<Uuid>,
    /// Rules that failed, and why.
    pub failures: Vec<(String, String)>,
    /// Where the time went.
    pub timings: EvaluationTimings,
}

/// Wall time of each phase of one evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EvaluationTimings {
    /// Loading the athlete, the snapshot and the rules in force.
    pub snapshot: Duration,
    /// Compiling (when not cached), converting the snapshot and running the scripts, on the
    /// blocking thread that runs them.
    pub scripts: Duration,
    /// Handing the scripts to a blocking thread and back: waiting for a thread and a core.
    pub scripts_handoff: Duration,
    /// Filing the proposals through the gate.
    pub gate: Duration,
}

/// Where a rule being saved applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleScope {
    /// One athlete.
    Athlete(Uuid),
    /// The saving coach's team (athletes who gave them read-write access).
    Team,
}

/// The result of saving a rule version.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedRule {
    /// The rule.
    pub rule: RuleRow,
    /// The version just stored.
    pub version: RuleVersionRow,
    /// Whether it is now in force (it compiled and passed its fixtures).
    pub accepted: bool,
    /// What failed, when it did not.
    pub problems: Vec<String>,
}

/// The rules service.
#[derive(Clone)]
pub struct Rules {
    store: Store,
    clock: SharedClock,
    engine: Arc<RuleEngine>,
    checks: Arc<RuleChecks>,
    training: Training,
    gate: Gate,
    accounts: Accounts,
    jobs: Jobs,
    audit: crate::audit::Audit,
    metrics: Arc<crate::metrics::Metrics>,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rules")
    }
}

fn valid_rule_name(name: &str) -> bool {
    (1..=60).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// One athlete's snapshot to load: for whom, judged against which baselines, with which of
/// the optional fields.
struct SnapshotRequest<'a> {
    athlete: &'a User,
    baselines: stride_domain::people::Baselines,
    fields: Fields,
}

/// One athlete's evaluation, planned: the rules in force, compiled, and what they read.
struct Evaluation<'a> {
    athlete: &'a User,
    trigger: &'a str,
    rules: Vec<EffectiveRule>,
    compiled: Vec<(Result<Arc<super::CompiledRule>, RuleError>, bool)>,
    own_reads: Fields,
    others_reads: Fields,
    baselines: stride_domain::people::Baselines,
}

fn workout_view(w: &StoredWorkout) -> WorkoutView {
    WorkoutView {
        id: Some(w.id),
        date: Some(w.workout.date),
        kind: w.workout.kind.as_str().to_owned(),
        target_duration_s: w.workout.target_duration_s,
        target_distance_m: w.workout.target_distance_m,
        intensity_zone: w.workout.intensity_zone,
        description: w.workout.description.clone(),
        state: w.state.as_str().to_owned(),
    }
}

impl Rules {
    /// The service.
    #[expect(
        clippy::too_many_arguments,
        reason = "the service's collaborators, wired once at start"
    )]
    pub fn new(
        store: Store,
        clock: SharedClock,
        engine: Arc<RuleEngine>,
        training: Training,
        gate: Gate,
        accounts: Accounts,
        jobs: Jobs,
        audit: crate::audit::Audit,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> Self {
        let checks = Arc::new(RuleChecks::new(engine.limits().checks_at_once));
        Self {
            store,
            clock,
            engine,
            checks,
            training,
            gate,
            accounts,
            jobs,
            audit,
            metrics,
        }
    }

    /// Rules that failed while evaluating an athlete, newest first: (rule, version, error, when).
    pub async fn failures(
        &self,
        viewer: &Viewer,
        athlete: Uuid,
    ) -> AppResult<Vec<(String, String, String, chrono::DateTime<chrono::Utc>)>> {
        self.accounts
            .authorize_athlete(viewer, athlete, GrantAccess::Read)
            .await?;
        Ok(self.store.rule_failures(athlete, 50).await?)
    }

    /// The engine (for simulations and tools).
    pub fn engine(&self) -> &RuleEngine {
        &self.engine
    }

    /// What the athlete's rules see today, as the viewer may see it (a coach: no private
    /// activity).
    pub async fn snapshot_for(&self, viewer: &Viewer, athlete_id: Uuid) -> AppResult<Snapshot> {
        let athlete = self
            .training
            .athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        let audience = if viewer.id() == athlete_id {
            Audience::Athlete
        } else {
            Audience::Others
        };
        self.snapshot(&athlete, audience).await
    }

    /// What the athlete's rules see today, as `audience` may see it: anyone but the athlete
    /// sees no private activity (as with `activity(id)`).
    pub async fn snapshot(&self, athlete: &User, audience: Audience) -> AppResult<Snapshot> {
        let baselines = self.store.baselines(athlete.id).await?;
        let (snapshot, private) = self.full_snapshot(athlete, baselines, Fields::ALL).await?;
        Ok(match audience {
            Audience::Athlete => snapshot,
            Audience::Others => without_private(snapshot, &private),
        })
    }

    /// What each athlete's own rules see today, in their order, read together as the nightly
    /// pass reads a batch (one query per table): each the same as [`Rules::snapshot`] alone.
    pub async fn snapshots(&self, athletes: &[Uuid]) -> AppResult<Vec<Snapshot>> {
        let (users, baselines) = tokio::try_join!(
            self.store.users_by_ids(athletes),
            self.store.baselines_of(athletes),
        )?;
        let users: HashMap<Uuid, User> = users.into_iter().map(|u| (u.id, u)).collect();
        let requests = athletes
            .iter()
            .map(|id| {
                let athlete = users
                    .get(id)
                    .ok_or_else(|| AppError::NotFound(format!("no athlete {id}")))?;
                Ok(SnapshotRequest {
                    athlete,
                    baselines: baselines.get(id).copied().unwrap_or_default(),
                    fields: Fields::ALL,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(self
            .full_snapshots(&requests)
            .await?
            .into_iter()
            .map(|(snapshot, _)| snapshot)
            .collect())
    }

    /// The snapshot with everything the athlete may see, and the ids of its private
    /// activities. The recent activities and the insights are read only when `fields` has
    /// them (the others cost little beside what every rule needs); left out, they are empty.
    async fn full_snapshot(
        &self,
        athlete: &User,
        baselines: stride_domain::people::Baselines,
        fields: Fields,
    ) -> AppResult<(Snapshot, Vec<Uuid>)> {
        let mut snapshots = self
            .full_snapshots(&[SnapshotRequest {
                athlete,
                baselines,
                fields,
            }])
            .await?;
        Ok(snapshots.pop().expect("one snapshot per athlete"))
    }

    /// [`Rules::full_snapshot`] of each athlete in `requests`, in their order, read with one
    /// query per table for the whole batch. Each athlete's days are their own (today in their
    /// time zone); a query covers the union of the batch's days and each athlete keeps theirs.
    async fn full_snapshots(
        &self,
        requests: &[SnapshotRequest<'_>],
    ) -> AppResult<Vec<(Snapshot, Vec<Uuid>)>> {
        let day_requests: Vec<DayRequest<'_>> = requests
            .iter()
            .map(|r| DayRequest {
                athlete: r.athlete,
                baselines: r.baselines,
            })
            .collect();
        let wanted = |name: &str, r: &SnapshotRequest<'_>| r.fields.covers(Fields::named_in(name));
        let (days, activities, insights) = tokio::try_join!(
            self.training.days_of(&day_requests),
            // Few rules read these: each athlete whose rules do reads them on their own.
            futures::future::try_join_all(requests.iter().map(|r| async move {
                if !wanted("recent_activities", r) {
                    return Ok(Vec::new());
                }
                let today = self.training.today_for(r.athlete);
                let range = DateRange {
                    from: Some(today.checked_sub_days(Days::new(14)).unwrap_or(today)),
                    to: Some(today),
                };
                Ok::<_, AppError>(
                    self.store
                        .list_activities(r.athlete.id, range, None, 200)
                        .await?,
                )
            })),
            futures::future::try_join_all(requests.iter().map(|r| async move {
                if !wanted("insights", r) {
                    return Ok(Vec::new());
                }
                Ok::<_, AppError>(insight_views(self.store.insights(r.athlete.id).await?))
            })),
        )?;
        let mut snapshots = Vec::with_capacity(requests.len());
        for (((request, day), activities), insights) in
            requests.iter().zip(days).zip(activities).zip(insights)
        {
            let athlete = request.athlete;
            let baselines = request.baselines;
            let today = day.span.today;
            let stats = day.stats_today().cloned();
            let AthleteDay {
                readiness,
                merged,
                alerts,
                plan,
                workouts,
                ..
            } = day;
            // Without a plan there are no workouts.
            let today_workouts = workouts
                .iter()
                .filter(|w| w.workout.date == today)
                .map(workout_view)
                .collect();
            let week = workouts
                .iter()
                .filter(|w| w.workout.date >= today)
                .map(workout_view)
                .collect();
            let mut misses: Vec<WorkoutView> = workouts
                .iter()
                .filter(|w| {
                    w.workout.date < today
                        && w.state == stride_domain::matching::WorkoutState::Missed
                })
                .map(workout_view)
                .collect();
            misses.reverse();
            let private = activities
                .iter()
                .filter(|a| a.record.draft.private)
                .map(|a| a.id)
                .collect();
            let snapshot = Snapshot {
                athlete: AthleteView {
                    id: Some(athlete.id),
                    name: athlete.profile.display_name.clone(),
                    sex: athlete.profile.sex.map(|s| s.as_str().to_owned()),
                    time_zone: athlete.profile.time_zone.name().to_owned(),
                    resting_hr: baselines.resting_hr,
                    hrv_ms: baselines.hrv.map(|(v, _)| v),
                    hrv_kind: baselines.hrv.map(|(_, k)| k.as_str().to_owned()),
                    max_hr: baselines.max_hr,
                    threshold_hr: baselines.threshold_hr,
                },
                today: Some(today),
                readiness: ReadinessView {
                    light: readiness.light.map(|l| l.as_str().to_owned()),
                    confidence: readiness.confidence,
                    signals: readiness
                        .signals
                        .iter()
                        .map(|s| SignalView {
                            signal: s.signal.as_str().to_owned(),
                            light: s.light.as_str().to_owned(),
                            reason: s.reason.clone(),
                        })
                        .collect(),
                },
                metrics: MetricsView {
                    resting_hr: merged.resting_hr,
                    hrv_ms: merged.hrv.map(|(v, _)| v),
                    hrv_kind: merged.hrv.map(|(_, k)| k.as_str().to_owned()),
                    sleep_min: merged.sleep_duration_min,
                    sleep_quality: merged.sleep_quality,
                    soreness: merged.soreness,
                    stress: merged.stress,
                    mood: merged.mood,
                },
                stats: stats
                    .map(|d| StatsView {
                        acute: Some(d.acute),
                        chronic: Some(d.chronic),
                        acwr: d.acwr,
                        tsb: Some(d.tsb),
                        monotony: d.monotony,
                        strain: d.strain,
                        weekly_load: Some(d.weekly_load),
                        warming_up: d.warming_up,
                    })
                    .unwrap_or_default(),
                alerts: alerts
                    .iter()
                    .map(|a| AlertView {
                        kind: a.kind.as_str().to_owned(),
                        date: Some(a.date),
                        value: a.value,
                        threshold: a.threshold,
                    })
                    .collect(),
                plan_version: plan.as_ref().map(|p| p.version),
                plan_changed_on: plan.as_ref().map(|p| {
                    p.updated_at
                        .with_timezone(&athlete.profile.time_zone)
                        .date_naive()
                }),
                today_workouts,
                week,
                recent_activities: activities
                    .iter()
                    .map(|a| ActivityView {
                        id: Some(a.id),
                        date: Some(a.record.local_date),
                        sport: a.record.draft.sport.as_str().to_owned(),
                        duration_s: a.record.draft.duration_s,
                        distance_m: a.record.draft.distance_m,
                        rpe: a.record.draft.rpe,
                        load: a.record.load_rpe,
                    })
                    .collect(),
                misses,
                insights,
            };
            snapshots.push((snapshot, private));
        }
        Ok(snapshots)
    }

    /// The rules in force for an athlete: defaults, overridden by name by team rules of coaches
    /// with read-write access, overridden by the athlete's own.
    pub async fn effective_rules(&self, athlete: Uuid) -> AppResult<Vec<EffectiveRule>> {
        Ok(self
            .effective_rules_of(&[athlete])
            .await?
            .remove(&athlete)
            .unwrap_or_default())
    }

    /// [`Rules::effective_rules`] of each of `athletes`, read together.
    async fn effective_rules_of(
        &self,
        athletes: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Vec<EffectiveRule>>> {
        let custom_of = self.store.rules_for_athletes(athletes).await?;
        // A team rule is in force only while its coach may still keep team rules: a coach who
        // was demoted or disabled loses them with the role.
        let coaches: Vec<Uuid> = custom_of
            .values()
            .flatten()
            .filter(|(rule, _)| rule.scope_kind == "team")
            .map(|(rule, _)| rule.scope_id)
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .collect();
        let allowed: std::collections::HashSet<Uuid> = if coaches.is_empty() {
            Default::default()
        } else {
            self.store
                .users_by_ids(&coaches)
                .await?
                .into_iter()
                .filter(|u| {
                    u.disabled_at.is_none()
                        && crate::auth::role_has(u.role, Permission::ManageTeamRules)
                })
                .map(|u| u.id)
                .collect()
        };
        let mut out = HashMap::with_capacity(athletes.len());
        for athlete in athletes {
            // `get`, not `remove`: an athlete may be in the batch twice.
            let mut custom = custom_of.get(athlete).cloned().unwrap_or_default();
            custom
                .retain(|(rule, _)| rule.scope_kind != "team" || allowed.contains(&rule.scope_id));
            out.insert(*athlete, in_force(custom));
        }
        Ok(out)
    }

    /// Runs every rule in force for the athlete and files their proposals. A rule that fails
    /// is recorded and skipped; it never stops the others.
    pub async fn evaluate(&self, athlete_id: Uuid, trigger: &str) -> AppResult<EvaluationReport> {
        let mut reports = self.evaluate_batch(&[(athlete_id, trigger)]).await?;
        reports.pop().expect("one report per athlete")
    }

    /// [`Rules::evaluate`] for each `(athlete, trigger)`, one report each in their order. The
    /// athletes' snapshots and rules in force are read together, with one query per table for
    /// the whole batch; each athlete's rules then run on their own, and the batch's proposals
    /// are filed together (see [`Gate::propose_many`]). When a batch read fails, each athlete
    /// is evaluated alone, so one athlete's unreadable data fails only them.
    pub async fn evaluate_many(
        &self,
        athletes: &[(Uuid, &str)],
    ) -> Vec<AppResult<EvaluationReport>> {
        match self.evaluate_batch(athletes).await {
            Ok(reports) => reports,
            Err(error) if athletes.len() == 1 => vec![Err(error)],
            // One athlete's unreadable data must not fail the others: each alone, so every
            // error reaches its own athlete.
            Err(_) => {
                let mut reports = Vec::with_capacity(athletes.len());
                for (athlete, trigger) in athletes {
                    reports.push(self.evaluate(*athlete, trigger).await);
                }
                reports
            }
        }
    }

    async fn evaluate_batch(
        &self,
        athletes: &[(Uuid, &str)],
    ) -> AppResult<Vec<AppResult<EvaluationReport>>> {
        let started = Instant::now();
        let ids: Vec<Uuid> = athletes.iter().map(|(id, _)| *id).collect();
        let (users, rules_of, baselines_of) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.users_by_ids(&ids).await?) },
            self.effective_rules_of(&ids),
            async { Ok::<_, AppError>(self.store.baselines_of(&ids).await?) },
        )?;
        let users: HashMap<Uuid, User> = users.into_iter().map(|u| (u.id, u)).collect();
        // Each rule is compiled (or found compiled) once; what the rules in force read is all
        // that is loaded and converted. A rule the athlete did not write (a coach's) sees what
        // a coach may see: no private activity, so none can reach its proposals' receipts
        // either. Each view converts only what its own rules read.
        let mut plans = Vec::with_capacity(athletes.len());
        for (id, trigger) in athletes {
            let Some(athlete) = users.get(id) else {
                plans.push(None);
                continue;
            };
            let rules = rules_of.get(id).cloned().unwrap_or_default();
            let compiled: Vec<(Result<Arc<super::CompiledRule>, RuleError>, bool)> = rules
                .iter()
                .map(|rule| {
                    let own = rule.author.is_none_or(|author| author == *id);
                    (self.engine.compile(&rule.source), own)
                })
                .collect();
            let reads = |own: bool| {
                compiled
                    .iter()
                    .filter(|(_, o)| *o == own)
                    .filter_map(|(rule, _)| rule.as_ref().ok().map(|rule| rule.reads))
                    .fold(Fields::default(), Fields::union)
            };
            let (own_reads, others_reads) = (reads(true), reads(false));
            plans.push(Some(Evaluation {
                athlete,
                trigger,
                rules,
                compiled,
                own_reads,
                others_reads,
                baselines: baselines_of.get(id).copied().unwrap_or_default(),
            }));
        }
        let requests: Vec<SnapshotRequest<'_>> = plans
            .iter()
            .flatten()
            .map(|e| SnapshotRequest {
                athlete: e.athlete,
                baselines: e.baselines,
                fields: e.own_reads.union(e.others_reads),
            })
            .collect();
        let mut snapshots = self.full_snapshots(&requests).await?.into_iter();
        // Each athlete's share of reading the batch.
        let snapshot_share = started.elapsed() / requests.len().max(1) as u32;
        let mut scripted = Vec::with_capacity(athletes.len());
        for plan in plans {
            let Some(plan) = plan else {
                scripted.push(None);
                continue;
            };
            let (full, private) = snapshots.next().expect("one snapshot per request");
            scripted.push(Some(
                self.run_scripts(plan, full, private, snapshot_share).await,
            ));
        }
        Ok(self.file(scripted).await)
    }

    /// Runs an athlete's compiled rules on their snapshot.
    async fn run_scripts<'a>(
        &self,
        evaluation: Evaluation<'a>,
        full: Snapshot,
        private: Vec<Uuid>,
        snapshot: Duration,
    ) -> Scripted<'a> {
        let Evaluation {
            athlete,
            trigger,
            rules,
            compiled,
            own_reads,
            others_reads,
            ..
        } = evaluation;
        let mut report = EvaluationReport {
            rules: rules.len(),
            ..EvaluationReport::default()
        };
        report.timings.snapshot = snapshot;
        // The scripts are bounded (operations, time) but still CPU: they run off the async
        // runtime's schedule, all in one go.
        let scripts = Instant::now();
        let engine = self.engine.clone();
        let outcomes = off_the_runtime(move || {
            let working = Instant::now();
            let mut own_view = None;
            let mut others_view = None;
            let outcomes = compiled
                .into_iter()
                .map(|(rule, own)| {
                    let rule = rule?;
                    let view = if own {
                        own_view.get_or_insert_with(|| engine.prepare(&full, own_reads))
                    } else {
                        others_view.get_or_insert_with(|| {
                            engine.prepare(&without_private(full.clone(), &private), others_reads)
                        })
                    };
                    match view {
                        Ok(prepared) => engine
                            .run_prepared(&rule, prepared)
                            .map(|(drafts, _)| drafts),
                        Err(error) => Err(error.clone()),
                    }
                })
                .collect::<Vec<_>>();
            (outcomes, working.elapsed())
        })
        .await;
        let (outcomes, working) = outcomes.unwrap_or_else(|e| {
            let crashed = RuleError::Runtime(format!("the rules crashed: {e}"));
            (vec![Err(crashed); report.rules], Duration::ZERO)
        });
        report.timings.scripts += working;
        report.timings.scripts_handoff += scripts.elapsed().saturating_sub(working);
        Scripted {
            athlete,
            trigger,
            report,
            outcomes: rules.into_iter().zip(outcomes).collect(),
        }
    }

    /// Records the batch's failed rules and files every proposal of the batch together (one
    /// transaction, the audit chain taken once); one report per athlete, in their order.
    async fn file(&self, scripted: Vec<Option<Scripted<'_>>>) -> Vec<AppResult<EvaluationReport>> {
        let filing = Instant::now();
        let mut reports: Vec<AppResult<EvaluationReport>> = Vec::with_capacity(scripted.len());
        // What to file: (report index, rule name, rule version, draft).
        let mut drafts = Vec::new();
        let mut athletes = Vec::new();
        for (index, scripted) in scripted.into_iter().enumerate() {
            let Some(Scripted {
                athlete,
                trigger,
                mut report,
                outcomes,
            }) = scripted
            else {
                reports.push(Err(AppError::NotFound("athlete not found".to_owned())));
                athletes.push(None);
                continue;
            };
            let mut failed = None;
            for (rule, outcome) in outcomes {
                match outcome {
                    Ok(proposed) => drafts.extend(
                        proposed
                            .into_iter()
                            .map(|draft| (index, rule.name.clone(), rule.version.clone(), draft)),
                    ),
                    Err(error) => {
                        tracing::warn!(rule = %rule.name, version = %rule.version, athlete = %athlete.id, trigger, %error, "rule failed; skipped");
                        let recorded = self
                            .store
                            .record_rule_failure(
                                athlete.id,
                                &rule.name,
                                &rule.version,
                                &error.to_string(),
                                self.clock.now(),
                            )
                            .await;
                        if let Err(e) = recorded {
                            failed = Some(AppError::from(e));
                            break;
                        }
                        report.failures.push((rule.name.clone(), error.to_string()));
                    }
                }
            }
            reports.push(match failed {
                Some(error) => Err(error),
                None => Ok(report),
            });
            athletes.push(Some((athlete, trigger)));
        }
        // An athlete whose failures could not be recorded files nothing.
        drafts.retain(|(index, ..)| reports[*index].is_ok());
        let mut filers: Vec<usize> = drafts.iter().map(|(index, ..)| *index).collect();
        filers.dedup();
        let batch: Vec<(&User, Source, ProposalDraft)> = drafts
            .iter()
            .map(|(index, name, version, draft)| {
                let (athlete, _) = athletes[*index].expect("a filer was evaluated");
                let source = Source {
                    kind: SourceKind::Rule,
                    reference: name.clone(),
                    version: Some(version.clone()),
                };
                (athlete, source, draft.clone())
            })
            .collect();
        let filed = if batch.is_empty() {
            Ok(Vec::new())
        } else {
            self.gate.propose_many(batch).await
        };
        match filed {
            Err(error) => {
                let error = format!("{:#}", anyhow::Error::new(error));
                for index in &filers {
                    reports[*index] = Err(AppError::Internal(anyhow::anyhow!(
                        "filing the batch's proposals failed: {error}"
                    )));
                }
            }
            Ok(filed) => {
                for ((index, name, version, _), outcome) in drafts.iter().zip(filed) {
                    let (athlete, _) = athletes[*index].expect("a filer was evaluated");
                    let outcome = match outcome {
                        Ok(Some(proposal)) => Ok(Some(proposal.row.id)),
                        Ok(None) | Err(AppError::NotFound(_)) => Ok(None),
                        Err(AppError::BadInput(e)) => {
                            let error = format!("proposed an impossible change: {e}");
                            self.store
                                .record_rule_failure(
                                    athlete.id,
                                    name,
                                    version,
                                    &error,
                                    self.clock.now(),
                                )
                                .await
                                .map(|()| None)
                                .map_err(AppError::from)
                                .inspect(|_| {
                                    if let Ok(report) = &mut reports[*index] {
                                        report.failures.push((name.clone(), error.clone()));
                                    }
                                })
                        }
                        Err(e) => Err(e),
                    };
                    match outcome {
                        Ok(Some(id)) => {
                            if let Ok(report) = &mut reports[*index] {
                                report.proposals.push(id);
                            }
                        }
                        Ok(None) => {}
                        Err(error) => reports[*index] = Err(error),
                    }
                }
            }
        }
        // Each filer's share of the filing.
        let share = filing.elapsed() / filers.len().max(1) as u32;
        for index in &filers {
            if let Ok(report) = &mut reports[*index] {
                report.timings.gate = share;
            }
        }
        for (report, athlete) in reports.iter().zip(&athletes) {
            if let (Ok(report), Some((_, trigger))) = (report, athlete) {
                self.metrics
                    .rules_evaluated(trigger, report.rules, report.failures.len());
            }
        }
        reports
    }

    /// The nightly check for the athlete's `date` (just ended): marks missed workouts, lapses
    /// overdue proposals, and evaluates the rules.
    pub async fn nightly(&self, athlete_id: Uuid) -> AppResult<EvaluationReport> {
        let mut reports = self.nightly_many(&[athlete_id]).await;
        reports.pop().expect("one report per athlete")
    }

    /// [`Rules::nightly`] for each of `athletes`, one report each in their order: the overdue
    /// proposals are lapsed once for the batch, the rules evaluated together.
    pub async fn nightly_many(&self, athletes: &[Uuid]) -> Vec<AppResult<EvaluationReport>> {
        let failed =
            |what: &str, error: AppError| format!("{what}: {:#}", anyhow::Error::new(error));
        let users = match self.store.users_by_ids(athletes).await {
            Ok(users) => users,
            Err(error) => {
                let error = failed("reading the athletes failed", error.into());
                return athletes
                    .iter()
                    .map(|_| Err(AppError::Internal(anyhow::anyhow!("{error}"))))
                    .collect();
            }
        };
        // Each athlete's missed workouts: `None` when marked, else why not.
        let mut missed: HashMap<Uuid, Option<String>> = HashMap::new();
        for user in &users {
            let outcome = self.training.mark_missed(user).await;
            let problem = outcome
                .err()
                .map(|e| failed("marking missed workouts failed", e));
            missed.insert(user.id, problem);
        }
        let expired = self
            .gate
            .expire_due()
            .await
            .err()
            .map(|e| failed("lapsing overdue proposals failed", e));
        let ready: Vec<(Uuid, &str)> = athletes
            .iter()
            .filter(|id| expired.is_none() && matches!(missed.get(id), Some(None)))
            .map(|id| (*id, "nightly"))
            .collect();
        let mut evaluated = self.evaluate_many(&ready).await.into_iter();
        athletes
            .iter()
            .map(|id| match (missed.get(id), &expired) {
                (None, _) => Err(AppError::NotFound("athlete not found".to_owned())),
                (Some(Some(problem)), _) | (Some(None), Some(problem)) => {
                    Err(AppError::Internal(anyhow::anyhow!("{problem}")))
                }
                (Some(None), None) => evaluated.next().expect("one report per athlete ready"),
            })
            .collect()
    }

    /// Enqueues the nightly check of every athlete whose local day changed since `seen` last
    /// recorded it (each day once, whichever replica gets there first). Returns how many.
    pub async fn schedule_nightly(&self, seen: &mut HashMap<Uuid, NaiveDate>) -> AppResult<usize> {
        let now = self.clock.now();
        let mut enqueued = 0;
        for (user, zone) in self.store.user_zones().await? {
            let Ok(zone) = zone.parse::<chrono_tz::Tz>() else {
                continue;
            };
            let local = now.with_timezone(&zone).date_naive();
            if seen.get(&user) == Some(&local) {
                continue;
            }
            seen.insert(user, local);
            if self.store.claim_nightly(user, local, now).await? {
                let mut tx = self.store.begin().await?;
                self.jobs
                    .enqueue(
                        &mut tx,
                        Some(AthleteId(user)),
                        &NightlyCheck { date: local },
                        now,
                    )
                    .await?;
                // Insights are recomputed nightly too (days pass: baselines move, findings
                // age out of the window), ahead of the rules that read them.
                self.jobs
                    .enqueue(
                        &mut tx,
                        Some(AthleteId(user)),
                        &crate::insights::ComputeInsights { not_before: None },
                        now,
                    )
                    .await?;
                tx.commit().await?;
                enqueued += 1;
            }
        }
        if enqueued > 0 {
            self.jobs.wake();
        }
        Ok(enqueued)
    }

    /// Runs a draft rule on the athlete's real data and returns what it would propose, without
    /// proposing anything.
    pub async fn simulate(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        source: &str,
    ) -> AppResult<Vec<ProposalDraft>> {
        let athlete = self
            .training
            .athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        if source.len() > self.engine.limits().max_source_bytes {
            return Err(AppError::bad_input(
                "source",
                format!(
                    "is {} bytes, more than the {} a rule may have",
                    source.len(),
                    self.engine.limits().max_source_bytes
                ),
            ));
        }
        let audience = if viewer.id() == athlete_id {
            Audience::Athlete
        } else {
            Audience::Others
        };
        let snapshot = self.snapshot(&athlete, audience).await?;
        let engine = self.engine.clone();
        let source = source.to_owned();
        // A dry run changes nothing, so it is not audited.
        let result = self
            .checks
            .run(viewer.id(), move || engine.evaluate(&source, &snapshot))
            .await?;
        let drafts = result.map_err(|e| AppError::bad_input("source", e.to_string()))?;
        Ok(drafts)
    }

    /// Saves a new version of a rule (creating the rule on its first version). The version is
    /// kept whatever happens; it is put in force only if it compiles and passes its fixtures.
    pub async fn save(
        &self,
        viewer: &Viewer,
        scope: RuleScope,
        name: &str,
        source: &str,
        fixtures: &str,
    ) -> AppResult<SavedRule> {
        if !valid_rule_name(name) {
            return Err(AppError::bad_input(
                "name",
                "must be 1–60 lower-case letters, digits and dashes",
            ));
        }
        let (scope_kind, scope_id) = match scope {
            RuleScope::Athlete(athlete) => {
                self.accounts
                    .authorize_athlete(viewer, athlete, GrantAccess::ReadWrite)
                    .await?;
                ("athlete", athlete)
            }
            RuleScope::Team => {
                viewer.require(Permission::ManageTeamRules)?;
                ("team", viewer.id())
            }
        };
        let limits = self.engine.limits();
        if source.len() > limits.max_source_bytes {
            return Err(AppError::bad_input(
                "source",
                format!(
                    "is {} bytes, more than the {} a rule may have",
                    source.len(),
                    limits.max_source_bytes
                ),
            ));
        }
        if fixtures.len() > limits.max_fixtures_bytes {
            return Err(AppError::bad_input(
                "fixtures",
                format!(
                    "are {} bytes, more than the {} allowed",
                    fixtures.len(),
                    limits.max_fixtures_bytes
                ),
            ));
        }
        // Compiling and running the fixtures is CPU work: off the async runtime, a bounded
        // number at once on this server and one at a time per user.
        let (engine, checked_source, checked_fixtures) =
            (self.engine.clone(), source.to_owned(), fixtures.to_owned());
        let validation: Result<FixtureReport, RuleError> = self
            .checks
            .run(viewer.id(), move || {
                parse_fixtures(&checked_fixtures, &engine.limits())
                    .and_then(|cases| check_fixtures(&engine, &checked_source, &cases))
            })
            .await?;
        let problems = match &validation {
            Ok(report) if report.cases == 0 => vec![
                "fixtures: add at least one case (a snapshot and the proposals expected)"
                    .to_owned(),
            ],
            Ok(report) => report
                .failures
                .iter()
                .map(|(case, why)| format!("fixture `{case}`: {why}"))
                .collect(),
            Err(e) => vec![e.to_string()],
        };
        let accepted = problems.is_empty();
        let now = self.clock.now();
        let existing = self.store.rule_by_name(scope_kind, scope_id, name).await?;
        let mut tx = self.store.begin().await?;
        let rule = match existing {
            Some(rule) => rule,
            None => {
                self.store
                    .insert_rule(&mut tx, name, scope_kind, scope_id, viewer.id(), now)
                    .await?
            }
        };
        let number = self.store.next_rule_version(&mut tx, rule.id).await?;
        let version = RuleVersionRow {
            rule_id: rule.id,
            version: number,
            source: source.to_owned(),
            fixtures: fixtures.to_owned(),
            status: if accepted { "active" } else { "rejected" }.to_owned(),
            report: to_json(
                &json!({ "problems": problems, "cases": validation.as_ref().map(|r| r.cases).unwrap_or(0) }),
            ),
            created_by: Some(viewer.id()),
            created_at: now,
        };
        self.store.add_rule_version(&mut tx, &version).await?;
        let event = AuditEvent::new(viewer.actor(), if accepted { "rule.activate" } else { "rule.reject_version" }, "rule", rule.id)
            .payload(json!({ "name": name, "scope": scope_kind, "scope_id": scope_id, "version": number, "problems": problems.len() }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        let rule = self.store.rule(rule.id).await?;
        Ok(SavedRule {
            rule,
            version,
            accepted,
            problems,
        })
    }

    /// Every version of a rule the viewer may see.
    pub async fn versions(
        &self,
        viewer: &Viewer,
        rule_id: Uuid,
    ) -> AppResult<(RuleRow, Vec<RuleVersionRow>)> {
        let rule = self
            .store
            .rule(rule_id)
            .await
            .map_err(|_| AppError::NotFound("rule not found".to_owned()))?;
        let allowed = match rule.scope_kind.as_str() {
            "team" => rule.scope_id == viewer.id(),
            _ => self
                .accounts
                .authorize_athlete(viewer, rule.scope_id, GrantAccess::Read)
                .await
                .is_ok(),
        };
        if !allowed {
            return Err(AppError::NotFound("rule not found".to_owned()));
        }
        Ok((rule.clone(), self.store.rule_versions(rule.id).await?))
    }
}

/// The rules in force given an athlete's custom rules (as [`Store::rules_for_athletes`] orders
/// them, coaches' team rules already checked): the defaults, overridden by name by team rules,
/// overridden by the athlete's own.
fn in_force(custom: Vec<(RuleRow, RuleVersionRow)>) -> Vec<EffectiveRule> {
    let mut rules: BTreeMap<String, EffectiveRule> = DEFAULT_RULES
        .iter()
        .map(|r| {
            let rule = EffectiveRule {
                name: r.name.to_owned(),
                origin: Origin::Default,
                rule_id: None,
                version: version_of(r.source),
                source: r.source.to_owned(),
                author: None,
            };
            (r.name.to_owned(), rule)
        })
        .collect();
    // Team rules first (ordered by scope kind: "athlete" sorts before "team"), so reverse.
    for (rule, version) in custom.into_iter().rev() {
        let origin = if rule.scope_kind == "athlete" {
            Origin::Athlete(rule.scope_id)
        } else {
            Origin::Team(rule.scope_id)
        };
        let entry = EffectiveRule {
            name: rule.name.clone(),
            origin,
            rule_id: Some(rule.id),
            version: format!("v{}", version.version),
            source: version.source,
            author: version.created_by,
        };
        let replace = !matches!(
            rules.get(&rule.name).map(|r| &r.origin),
            Some(Origin::Athlete(_))
        );
        if replace {
            rules.insert(rule.name, entry);
        }
    }
    rules.into_values().collect()
}

/// One athlete's rules, run: what each rule proposed (or why it failed).
struct Scripted<'a> {
    athlete: &'a User,
    trigger: &'a str,
    report: EvaluationReport,
    outcomes: Vec<(EffectiveRule, Result<Vec<ProposalDraft>, RuleError>)>,
}

/// Who may see a snapshot: the athlete sees everything; anyone else no private activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The athlete themself (and the rules they wrote, and the defaults).
    Athlete,
    /// A coach, or a rule a coach wrote.
    Others,
}

/// The stored findings as rules see them (none when never computed or unreadable: a rule
/// must not fail because insights are missing).
fn insight_views(row: Option<stride_store::InsightsRow>) -> Vec<InsightView> {
    let Some(row) = row else {
        return Vec::new();
    };
    let Ok(insights) = serde_json::from_str::<stride_domain::insights::Insights>(&row.body) else {
        tracing::warn!("stored insights do not parse; rules see none");
        return Vec::new();
    };
    insights
        .findings
        .into_iter()
        .map(|f| InsightView {
            input: f.input.as_str().to_owned(),
            outcome: f.outcome.as_str().to_owned(),
            lag_days: f.lag_days,
            n: i64::from(f.n),
            r: f.r,
            r_low: f.r_low,
            r_high: f.r_high,
            effect: f.effect,
            effect_low: f.effect_low,
            effect_high: f.effect_high,
            input_low: f.input_low,
            input_high: f.input_high,
            q_value: f.q_value,
            summary: f.summary,
        })
        .collect()
}

fn without_private(mut snapshot: Snapshot, private: &[Uuid]) -> Snapshot {
    snapshot
        .recent_activities
        .retain(|a| a.id.is_none_or(|id| !private.contains(&id)));
    snapshot
}

/// Rule checks (saving with fixtures, simulating) off the async runtime: a bounded number at
/// once on this server, one at a time per user, so nobody can starve the server with them.
#[derive(Debug)]
struct RuleChecks {
    permits: Arc<tokio::sync::Semaphore>,
    busy: std::sync::Mutex<std::collections::HashSet<Uuid>>,
}

/// Releases a user's slot when their check ends, however it ends.
struct Busy<'a> {
    checks: &'a RuleChecks,
    user: Uuid,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.checks
            .busy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.user);
    }
}

impl RuleChecks {
    fn new(at_once: usize) -> Self {
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(at_once.max(1))),
            busy: std::sync::Mutex::new(std::collections::HashSet::new()),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        user: Uuid,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        if !self
            .busy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(user)
        {
            return Err(AppError::RateLimited {
                message: "one rule check at a time: yours is still running".to_owned(),
                retry_after_s: 1,
            });
        }
        let _busy = Busy { checks: self, user };
        let permit = tokio::time::timeout(
            Duration::from_secs(10),
            self.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| AppError::RateLimited {
            message: "the server is busy checking other rules; try again shortly".to_owned(),
            retry_after_s: 5,
        })?
        .map_err(|e| AppError::Internal(e.into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("a rule check crashed: {e}")))
    }
}

/// Runs CPU-bound `work` without stalling the async runtime's other tasks. On a multi-threaded
/// runtime it runs in place (`block_in_place`: the runtime moves this thread's other tasks to
/// another), which spares the caller the round trip to a blocking-pool thread; elsewhere it
/// runs on the blocking pool. A panic in `work` is returned as an error either way.
async fn off_the_runtime<R: Send + 'static>(
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    use tokio::runtime::{Handle, RuntimeFlavor};
    let in_place = Handle::try_current()
        .is_ok_and(|handle| handle.runtime_flavor() == RuntimeFlavor::MultiThread);
    if in_place {
        tokio::task::block_in_place(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|panic| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_owned())
            })
        })
    } else {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| e.to_string())
    }
}
