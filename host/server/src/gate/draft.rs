//! What a rule, plugin or coach may propose, before the gate turns it into a proposal.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use stride_domain::plan::{Adjustment, WorkoutKind};

/// One fact a proposal rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// What it is ("HRV today", "ACWR").
    pub label: String,
    /// The value.
    pub value: Value,
    /// The day it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The activity it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_id: Option<Uuid>,
}

/// Changes to one scheduled workout; absent fields stay. Turning a workout into `rest`
/// clears its targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkoutChanges {
    /// New kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkoutKind>,
    /// New target duration, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_duration_s: Option<i32>,
    /// New target distance, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_distance_m: Option<f64>,
    /// New intensity zone, 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity_zone: Option<i32>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A proposed change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProposalDraft {
    /// Change one scheduled workout.
    WorkoutChange {
        /// The workout.
        workout_id: Uuid,
        /// What to change.
        changes: WorkoutChanges,
        /// Why, in plain language.
        reason: String,
        /// What it rests on.
        #[serde(default)]
        receipts: Vec<Receipt>,
    },
    /// Regenerate the plan from today with an adjustment.
    PlanRegenerate {
        /// Lower volume, or redistribute a missed long run.
        adjustment: Adjustment,
        /// Why, in plain language.
        reason: String,
        /// What it rests on.
        #[serde(default)]
        receipts: Vec<Receipt>,
    },
}

impl ProposalDraft {
    /// The draft's kind as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            ProposalDraft::WorkoutChange { .. } => "workout_change",
            ProposalDraft::PlanRegenerate { .. } => "plan_regenerate",
        }
    }

    /// What it targets, so a newer proposal from the same source supersedes an older one.
    pub fn target(&self) -> String {
        match self {
            ProposalDraft::WorkoutChange { workout_id, .. } => format!("workout:{workout_id}"),
            ProposalDraft::PlanRegenerate { .. } => "plan".to_owned(),
        }
    }

    /// Why.
    pub fn reason(&self) -> &str {
        match self {
            ProposalDraft::WorkoutChange { reason, .. }
            | ProposalDraft::PlanRegenerate { reason, .. } => reason,
        }
    }

    /// What it rests on.
    pub fn receipts(&self) -> &[Receipt] {
        match self {
            ProposalDraft::WorkoutChange { receipts, .. }
            | ProposalDraft::PlanRegenerate { receipts, .. } => receipts,
        }
    }
}
