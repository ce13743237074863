//! The read-only view of one athlete that rule scripts see. Every field a script reads is
//! documented here; absent values are `()` in the script.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The athlete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AthleteView {
    /// Stride id.
    pub id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// `female`, `male` or unset.
    pub sex: Option<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Resting heart rate baseline, bpm.
    pub resting_hr: Option<i32>,
    /// HRV baseline, ms.
    pub hrv_ms: Option<f64>,
    /// `rmssd` or `sdnn`.
    pub hrv_kind: Option<String>,
    /// Maximum heart rate, bpm.
    pub max_hr: Option<i32>,
    /// Threshold heart rate, bpm.
    pub threshold_hr: Option<i32>,
}

/// A readiness signal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignalView {
    /// `hrv`, `resting_hr`, `sleep`, `soreness`, `stress`, `recent_rpe`, `mood`.
    pub signal: String,
    /// `green`, `yellow`, `red`.
    pub light: String,
    /// Why, in words.
    pub reason: String,
}

/// Today's readiness.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadinessView {
    /// `green`, `yellow`, `red`, or unset when nothing could be judged.
    pub light: Option<String>,
    /// 0–1: how many signals were present.
    pub confidence: f64,
    /// The judged signals.
    pub signals: Vec<SignalView>,
}

/// Today's merged daily metrics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsView {
    /// Resting heart rate, bpm.
    pub resting_hr: Option<i32>,
    /// HRV, ms.
    pub hrv_ms: Option<f64>,
    /// `rmssd` or `sdnn`.
    pub hrv_kind: Option<String>,
    /// Sleep, minutes.
    pub sleep_min: Option<i32>,
    /// Sleep quality 1–5.
    pub sleep_quality: Option<i32>,
    /// Soreness 1–10.
    pub soreness: Option<i32>,
    /// Stress 1–10.
    pub stress: Option<i32>,
    /// Mood 1–5.
    pub mood: Option<i32>,
}

/// Today's rolling stats.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatsView {
    /// Acute load.
    pub acute: Option<f64>,
    /// Chronic load.
    pub chronic: Option<f64>,
    /// ACWR.
    pub acwr: Option<f64>,
    /// TSB.
    pub tsb: Option<f64>,
    /// Monotony.
    pub monotony: Option<f64>,
    /// Strain.
    pub strain: Option<f64>,
    /// Load of the last 7 days.
    pub weekly_load: Option<f64>,
    /// History still shorter than the chronic window.
    pub warming_up: bool,
}

/// A risk alert of the last seven days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertView {
    /// `acwr_high` or `monotony_high`.
    pub kind: String,
    /// The day.
    pub date: Option<NaiveDate>,
    /// The value.
    pub value: f64,
    /// The threshold it crossed.
    pub threshold: f64,
}

/// A scheduled workout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkoutView {
    /// Workout id (pass the map to `change_workout`).
    pub id: Option<Uuid>,
    /// The day.
    pub date: Option<NaiveDate>,
    /// `long_run`, `intervals`, `tempo`, `easy`, `recovery`, `rest`, `strength`, `race`.
    pub kind: String,
    /// Target duration, seconds.
    pub target_duration_s: Option<i32>,
    /// Target distance, metres.
    pub target_distance_m: Option<f64>,
    /// Intensity zone 1–5.
    pub intensity_zone: Option<i32>,
    /// Description.
    pub description: String,
    /// `planned`, `completed`, `skipped`, `missed`.
    pub state: String,
}

/// A recent activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityView {
    /// Activity id.
    pub id: Option<Uuid>,
    /// Local day.
    pub date: Option<NaiveDate>,
    /// Sport.
    pub sport: String,
    /// Elapsed time, seconds.
    pub duration_s: i64,
    /// Distance, metres.
    pub distance_m: Option<f64>,
    /// Session RPE.
    pub rpe: Option<i32>,
    /// Session-RPE load.
    pub load: Option<f64>,
}

/// A finding of the athlete's insights: an input that went with a better or worse outcome in
/// their own history (an association, with its confidence interval).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InsightView {
    /// What was logged or measured (`sleep_duration`, `pre_session_carbs`, `work_stress`…).
    pub input: String,
    /// What it went with (`next_morning_readiness`, `efficiency_factor`…).
    pub outcome: String,
    /// Days between input and outcome.
    pub lag_days: i64,
    /// Observations behind it.
    pub n: i64,
    /// Correlation, with its confidence interval.
    pub r: f64,
    /// Lower bound of r.
    pub r_low: f64,
    /// Upper bound of r.
    pub r_high: f64,
    /// Change in the outcome from the input's low (25th percentile) to its high (75th).
    pub effect: f64,
    /// Lower bound of the effect.
    pub effect_low: f64,
    /// Upper bound of the effect.
    pub effect_high: f64,
    /// The input's 25th percentile.
    pub input_low: f64,
    /// The input's 75th percentile.
    pub input_high: f64,
    /// False-discovery-adjusted p-value.
    pub q_value: f64,
    /// The finding in words.
    pub summary: String,
}

/// Everything a rule sees about one athlete on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// The athlete and their baselines.
    pub athlete: AthleteView,
    /// The athlete's today.
    pub today: Option<NaiveDate>,
    /// Today's readiness.
    pub readiness: ReadinessView,
    /// Today's metrics.
    pub metrics: MetricsView,
    /// Today's stats.
    pub stats: StatsView,
    /// Alerts of the last seven days, newest first.
    pub alerts: Vec<AlertView>,
    /// Whether a plan is active, and its version.
    pub plan_version: Option<i32>,
    /// The day the plan last changed (created or regenerated), in the athlete's calendar.
    pub plan_changed_on: Option<NaiveDate>,
    /// Today's scheduled workouts.
    pub today_workouts: Vec<WorkoutView>,
    /// The next seven days' workouts, today included.
    pub week: Vec<WorkoutView>,
    /// Activities of the last fourteen days, newest first.
    pub recent_activities: Vec<ActivityView>,
    /// Workouts missed in the last fourteen days, newest first.
    pub misses: Vec<WorkoutView>,
    /// What the athlete's own history supports (see `docs/insights.md`), strongest first.
    pub insights: Vec<InsightView>,
}

impl Snapshot {
    /// The names rules read, in declaration order (what serializing a snapshot produces).
    pub const FIELDS: [&'static str; 13] = [
        "athlete",
        "today",
        "readiness",
        "metrics",
        "stats",
        "alerts",
        "plan_version",
        "plan_changed_on",
        "today_workouts",
        "week",
        "recent_activities",
        "misses",
        "insights",
    ];

    /// One field as a rhai value, exactly as converting the whole snapshot would give it.
    pub fn field_to_dynamic(&self, name: &str) -> Result<rhai::Dynamic, String> {
        let converted = match name {
            "athlete" => rhai::serde::to_dynamic(&self.athlete),
            "today" => rhai::serde::to_dynamic(self.today),
            "readiness" => rhai::serde::to_dynamic(&self.readiness),
            "metrics" => rhai::serde::to_dynamic(&self.metrics),
            "stats" => rhai::serde::to_dynamic(&self.stats),
            "alerts" => rhai::serde::to_dynamic(&self.alerts),
            "plan_version" => rhai::serde::to_dynamic(self.plan_version),
            "plan_changed_on" => rhai::serde::to_dynamic(self.plan_changed_on),
            "today_workouts" => rhai::serde::to_dynamic(&self.today_workouts),
            "week" => rhai::serde::to_dynamic(&self.week),
            "recent_activities" => rhai::serde::to_dynamic(&self.recent_activities),
            "misses" => rhai::serde::to_dynamic(&self.misses),
            "insights" => rhai::serde::to_dynamic(&self.insights),
            other => return Err(format!("the snapshot has no field `{other}`")),
        };
        converted.map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_list_is_what_a_snapshot_serializes_to_and_each_converts_alike() {
        let mut snapshot = Snapshot {
            today: NaiveDate::from_ymd_opt(2026, 12, 3),
            plan_version: Some(3),
            ..Snapshot::default()
        };
        snapshot.alerts.push(AlertView {
            kind: "acwr_high".to_owned(),
            date: snapshot.today,
            value: 1.6,
            threshold: 1.5,
        });
        let serde_json::Value::Object(whole) = serde_json::to_value(&snapshot).expect("serializes")
        else {
            panic!("a snapshot serializes to a map");
        };
        let names: Vec<&str> = whole.keys().map(String::as_str).collect();
        let mut listed = Snapshot::FIELDS.to_vec();
        listed.sort_unstable();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, listed, "Snapshot::FIELDS must name every field");
        let map = rhai::serde::to_dynamic(&snapshot)
            .expect("converts")
            .cast::<rhai::Map>();
        for name in Snapshot::FIELDS {
            let one = snapshot.field_to_dynamic(name).expect(name);
            assert_eq!(
                one.to_string(),
                map[name].to_string(),
                "{name} converts as in the whole snapshot"
            );
        }
        assert!(snapshot.field_to_dynamic("secrets").is_err());
    }
}
