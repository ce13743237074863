//! Who uses Stride: roles, profiles and physiological baselines.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::{Checks, HEART_RATE_BPM, ValidationError};

text_enum! {
    /// What a user is to Stride. Code checks permissions (see `auth`), never role names.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum Role {
        /// Trains and owns their own data.
        Athlete => "athlete",
        /// Trains others who granted access (and may train themselves).
        Coach => "coach",
        /// Runs the deployment: invites, roles, plugins, ingestion, audit.
        Admin => "admin",
        /// The first account; holds every permission, including making admins.
        Owner => "owner",
    }
}

text_enum! {
    /// Sex as used by physiological formulas (Banister TRIMP coefficients).
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum Sex {
        /// Female coefficients.
        Female => "female",
        /// Male coefficients.
        Male => "male",
    }
}

text_enum! {
    /// How the athlete prefers numbers shown. Storage is always metric.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum Units {
        /// Kilometres, kilograms, metres.
        Metric => "metric",
        /// Miles, pounds, feet.
        Imperial => "imperial",
    }
}

text_enum! {
    /// Heart-rate variability statistic. Apple reports SDNN and Garmin rMSSD; the two are not
    /// comparable, so every HRV value and baseline carries its kind.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum HrvKind {
        /// Root mean square of successive differences (Garmin, Oura, most chest straps).
        Rmssd => "rmssd",
        /// Standard deviation of NN intervals (Apple Health).
        Sdnn => "sdnn",
    }
}

text_enum! {
    /// How much of an athlete's data a coach may touch.
    #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
    pub enum GrantAccess {
        /// See activities, metrics, plans and stats.
        Read => "read",
        /// Also log and edit data and confirm plan changes for the athlete.
        ReadWrite => "read_write",
    }
}

impl GrantAccess {
    /// Whether this grant allows what `needed` asks for.
    pub fn allows(self, needed: GrantAccess) -> bool {
        matches!(
            (self, needed),
            (GrantAccess::ReadWrite, _) | (GrantAccess::Read, GrantAccess::Read)
        )
    }
}

/// Which notifications a user wants. Stored as JSON; unknown keys are kept by serde defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationPrefs {
    /// Tell me when a rule or coach proposes a plan change.
    pub proposals: bool,
    /// Tell me about load and injury-risk alerts.
    pub risk_alerts: bool,
    /// A short summary each week.
    pub weekly_summary: bool,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        Self {
            proposals: true,
            risk_alerts: true,
            weekly_summary: false,
        }
    }
}

/// A user's profile: what the formulas and the calendar need to know about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Name shown to coaches and in the audit log.
    pub display_name: String,
    /// Birth date, for age-derived defaults.
    pub birth_date: Option<NaiveDate>,
    /// Sex for physiological formulas; `None` uses documented neutral defaults.
    pub sex: Option<Sex>,
    /// Body weight in kilograms.
    pub weight_kg: Option<f64>,
    /// Height in centimetres.
    pub height_cm: Option<f64>,
    /// IANA time zone; defines the athlete's "today".
    pub time_zone: chrono_tz::Tz,
    /// Display units.
    pub units: Units,
    /// Notification preferences.
    pub notifications: NotificationPrefs,
}

/// An athlete's reference values, set by hand or learned from data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Baselines {
    /// Resting heart rate, beats per minute.
    pub resting_hr: Option<i32>,
    /// HRV baseline in milliseconds, with its kind.
    pub hrv: Option<(f64, HrvKind)>,
    /// Maximum heart rate, beats per minute.
    pub max_hr: Option<i32>,
    /// Lactate-threshold heart rate, beats per minute.
    pub threshold_hr: Option<i32>,
}

/// Parses an IANA time-zone name such as `Europe/Oslo`.
pub fn parse_time_zone(name: &str) -> Result<chrono_tz::Tz, ValidationError> {
    name.parse::<chrono_tz::Tz>().map_err(|_| {
        ValidationError::single(
            "timeZone",
            format!("`{name}` is not an IANA time zone name (for example `Europe/Oslo` or `UTC`)"),
        )
    })
}

impl Profile {
    /// Checks the profile's values against what a human can be.
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.text("displayName", Some(&self.display_name), 100, true);
        checks.float_range("weightKg", self.weight_kg, 20.0, 400.0, "kg");
        checks.float_range("heightCm", self.height_cm, 50.0, 272.0, "cm");
        if let Some(birth) = self.birth_date {
            let oldest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
            if birth > today {
                checks.fail("birthDate", format!("{birth} is in the future"));
            } else if birth < oldest {
                checks.fail("birthDate", format!("{birth} is before 1900"));
            }
        }
        checks.finish()
    }
}

impl Baselines {
    /// Checks each value and that resting < threshold < max heart rate.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut checks = Checks::new();
        checks.int_range(
            "restingHeartRate",
            self.resting_hr.map(i64::from),
            20,
            150,
            "bpm",
        );
        let (lo, hi) = HEART_RATE_BPM;
        checks.int_range("maxHeartRate", self.max_hr.map(i64::from), lo, hi, "bpm");
        checks.int_range(
            "thresholdHeartRate",
            self.threshold_hr.map(i64::from),
            lo,
            hi,
            "bpm",
        );
        checks.float_range("hrvMs", self.hrv.map(|(v, _)| v), 1.0, 400.0, "ms");
        if let (Some(rest), Some(max)) = (self.resting_hr, self.max_hr)
            && rest >= max
        {
            checks.fail(
                "restingHeartRate",
                format!("{rest} bpm must be below the maximum of {max} bpm"),
            );
        }
        if let (Some(threshold), Some(max)) = (self.threshold_hr, self.max_hr)
            && threshold > max
        {
            checks.fail(
                "thresholdHeartRate",
                format!("{threshold} bpm is above the maximum of {max} bpm"),
            );
        }
        checks.finish()
    }
}
