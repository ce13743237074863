//! What a weekly digest says: plain data, gathered by the digest service and rendered by
//! [`super::render`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One weekly digest for one recipient: an athlete's own week, or a coach's athletes' weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct Digest {
    /// The name the digest greets its recipient by.
    pub recipient_name: String,
    /// The Monday the week starts on.
    pub week_start: NaiveDate,
    /// The Sunday the week ends on (inclusive): the week just ended runs Monday..=Sunday.
    pub week_end: NaiveDate,
    /// Whether the recipient is a coach reading about their athletes.
    pub for_coach: bool,
    /// One entry for an athlete's own digest; one per athlete who granted access, for a coach.
    pub athletes: Vec<AthleteDigest>,
}

/// One athlete's week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct AthleteDigest {
    /// The athlete the section is about.
    pub athlete_id: Uuid,
    /// The athlete's display name.
    pub athlete_name: String,
    /// How load, fitness and form moved over the week; `None` when there is no load history.
    pub load: Option<LoadTrend>,
    /// Sessions logged in the week (primaries only, planned or not).
    pub sessions_done: u32,
    /// Sessions the plan scheduled in the week.
    pub sessions_planned: u32,
    /// Planned sessions a logged session completed.
    pub planned_completed: u32,
    /// Minutes of training logged in the week.
    pub minutes_done: f64,
    /// Kilometres covered in the week.
    pub distance_km: f64,
    /// Alerts raised during the week (e.g. an ACWR above the alert threshold), one line each.
    pub alerts: Vec<String>,
    /// Plan changes proposed and still waiting for the athlete's confirmation.
    pub pending_proposals: Vec<ProposalLine>,
    /// The newest insight found in the athlete's data (an association, not a cause).
    pub newest_insight: Option<String>,
}

/// Load, fitness and form at the start and the end of the week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct LoadTrend {
    /// Total training load of the week.
    pub week_load: f64,
    /// Total training load of the week before.
    pub previous_week_load: f64,
    /// Fitness (chronic load) at the start of the week.
    pub chronic_start: f64,
    /// Fitness (chronic load) at the end of the week.
    pub chronic_end: f64,
    /// Fatigue (acute load) at the end of the week.
    pub acute_end: f64,
    /// Form (training stress balance) at the start of the week.
    pub tsb_start: f64,
    /// Form (training stress balance) at the end of the week.
    pub tsb_end: f64,
    /// Acute:chronic workload ratio at the end of the week; `None` without enough history.
    pub acwr_end: Option<f64>,
}

/// A proposed plan change waiting for the athlete's confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct ProposalLine {
    /// What the change does, in one line.
    pub summary: String,
    /// Who proposed it (a rule's name, a plugin, the coach).
    pub source: String,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
}

/// The links a digest carries; built by the service, not part of the GraphQL schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestLinks {
    /// Where the recipient reads the week in Stride.
    pub open_url: String,
    /// The one-click unsubscribe URL (also sent as the `List-Unsubscribe` header).
    pub unsubscribe_url: String,
}
