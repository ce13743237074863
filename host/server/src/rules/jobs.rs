//! The rules' durable jobs: an evaluation after an athlete's data changed, and each athlete's
//! nightly check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use stride_domain::ids::AthleteId;

use super::service::Rules;
use crate::jobs::{BatchHandler, JobKind, JobMeta, Verdict};
use stride_sandbox::services::BoxFuture;

/// Evaluates an athlete's rules. Changes that arrive while one is still queued join it (the
/// dedupe key is unique among waiting jobs only), so a burst of writes is one evaluation, and
/// a change that arrives while one runs queues the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluateRules {
    /// What changed (`activity`, `metrics`, `plan`), shown in the evaluation's log.
    pub trigger: String,
}

impl JobKind for EvaluateRules {
    const NAME: &'static str = "rules.evaluate";
    const PRIORITY: i32 = 5;

    fn dedupe_key(&self, athlete: Option<AthleteId>) -> Option<String> {
        athlete.map(|a| format!("rules:{a}"))
    }
}

/// An athlete's nightly check once their local `date` has ended: misses, expiries, rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NightlyCheck {
    /// The athlete's day that began (the check covers the one before).
    pub date: NaiveDate,
}

impl JobKind for NightlyCheck {
    const NAME: &'static str = "athlete.nightly";
    const PRIORITY: i32 = 5;

    fn dedupe_key(&self, athlete: Option<AthleteId>) -> Option<String> {
        athlete.map(|a| format!("nightly:{a}:{}", self.date))
    }
}

fn finish(
    result: crate::error::AppResult<super::service::EvaluationReport>,
    athlete: AthleteId,
) -> Verdict {
    match result {
        Ok(report) => {
            tracing::info!(athlete = %athlete, rules = report.rules, proposals = report.proposals.len(), failures = report.failures.len(), "rules evaluated");
            Verdict::Done
        }
        Err(error) => Verdict::Retry(error.to_string()),
    }
}

/// The jobs' athletes, in order; a job without one fails on its own.
fn athletes_of<K>(jobs: &[(K, JobMeta)], what: &str) -> (Vec<AthleteId>, Vec<Option<Verdict>>) {
    let mut athletes = Vec::with_capacity(jobs.len());
    let verdicts = jobs
        .iter()
        .map(|(_, meta)| match meta.athlete {
            Some(athlete) => {
                athletes.push(athlete);
                None
            }
            None => Some(Verdict::Fail(format!("{what} needs an athlete"))),
        })
        .collect();
    (athletes, verdicts)
}

/// Each job's verdict: its own when it had one already, else the next of `results`.
fn verdicts(
    early: Vec<Option<Verdict>>,
    athletes: Vec<AthleteId>,
    results: Vec<crate::error::AppResult<super::service::EvaluationReport>>,
) -> Vec<Verdict> {
    let mut results = athletes.into_iter().zip(results);
    early
        .into_iter()
        .map(|verdict| {
            verdict.unwrap_or_else(|| {
                let (athlete, result) = results.next().expect("one result per athlete");
                finish(result, athlete)
            })
        })
        .collect()
}

impl BatchHandler<EvaluateRules> for Rules {
    fn run_batch<'a>(&'a self, jobs: Vec<(EvaluateRules, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            let (athletes, early) = athletes_of(&jobs, "a rules evaluation");
            let triggers: Vec<&str> = jobs
                .iter()
                .filter(|(_, meta)| meta.athlete.is_some())
                .map(|(job, _)| job.trigger.as_str())
                .collect();
            let batch: Vec<(uuid::Uuid, &str)> = athletes
                .iter()
                .zip(triggers)
                .map(|(athlete, trigger)| (athlete.uuid(), trigger))
                .collect();
            let results = self.evaluate_many(&batch).await;
            verdicts(early, athletes, results)
        })
    }
}

impl BatchHandler<NightlyCheck> for Rules {
    fn run_batch<'a>(&'a self, jobs: Vec<(NightlyCheck, JobMeta)>) -> BoxFuture<'a, Vec<Verdict>> {
        Box::pin(async move {
            let (athletes, early) = athletes_of(&jobs, "a nightly check");
            let ids: Vec<uuid::Uuid> = athletes.iter().map(|a| a.uuid()).collect();
            let results = self.nightly_many(&ids).await;
            verdicts(early, athletes, results)
        })
    }
}
