//! The host's job handler: plugin jobs go to ingestion, rule evaluations and nightly checks
//! to the rules service.

use crate::ingest::Ingest;
use crate::jobs::{JobHandler, PLUGIN_JOB, Verdict};
use crate::plugins::services::BoxFuture;
use crate::rules::service::{EVALUATE_JOB, NIGHTLY_JOB, Rules};
use crate::store::JobRow;

/// Dispatches jobs by kind.
#[derive(Debug, Clone)]
pub struct HostJobs {
    /// Plugin jobs.
    pub ingest: Ingest,
    /// Rules and nightly checks.
    pub rules: Rules,
}

impl JobHandler for HostJobs {
    fn handle<'a>(&'a self, job: &'a JobRow) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            let Some(athlete) = job.user_id else {
                return match job.kind.as_str() {
                    PLUGIN_JOB => self.ingest.handle(job).await,
                    other => Verdict::Fail(format!("a `{other}` job needs an athlete")),
                };
            };
            let trigger = serde_json::from_str::<serde_json::Value>(&job.payload)
                .ok()
                .and_then(|v| v["trigger"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "manual".to_owned());
            let result = match job.kind.as_str() {
                PLUGIN_JOB => return self.ingest.handle(job).await,
                EVALUATE_JOB => self.rules.evaluate(athlete, &trigger).await,
                NIGHTLY_JOB => self.rules.nightly(athlete).await,
                other => return Verdict::Fail(format!("no handler for `{other}` jobs")),
            };
            match result {
                Ok(report) => {
                    tracing::info!(athlete = %athlete, rules = report.rules, proposals = report.proposals.len(), failures = report.failures.len(), "rules evaluated");
                    Verdict::Done
                }
                Err(error) => Verdict::Retry(error.to_string()),
            }
        })
    }
}
