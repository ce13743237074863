//! The rules' durable jobs: an evaluation after an athlete's data changed, and each athlete's
//! nightly check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use stride_domain::ids::AthleteId;

use super::service::Rules;
use crate::jobs::{Handler, JobKind, JobMeta, Verdict};
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

impl Handler<EvaluateRules> for Rules {
    fn run<'a>(&'a self, job: EvaluateRules, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            let Some(athlete) = meta.athlete else {
                return Verdict::Fail("a rules evaluation needs an athlete".to_owned());
            };
            finish(self.evaluate(athlete.uuid(), &job.trigger).await, athlete)
        })
    }
}

impl Handler<NightlyCheck> for Rules {
    fn run<'a>(&'a self, _job: NightlyCheck, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            let Some(athlete) = meta.athlete else {
                return Verdict::Fail("a nightly check needs an athlete".to_owned());
            };
            finish(self.nightly(athlete.uuid()).await, athlete)
        })
    }
}
