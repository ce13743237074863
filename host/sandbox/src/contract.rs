//! What the host and a plugin exchange, in the host's own types.
//!
//! The types generated from each supported WIT version stay inside this crate (see
//! `bindings`); every call converts them at the wall into these, which follow the latest
//! version. The rest of the host never sees a generated type, so supporting an older plugin
//! API is a conversion here and nothing anywhere else.
//!
//! The serde form (Rust field and variant names) is what `stride plugin test` fixtures record.

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (UTC).
pub type TimestampMs = i64;

/// One HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// How the host runs the provider's OAuth 2 flow for a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OauthConfig {
    /// Where the athlete authorizes Stride.
    pub authorize_url: String,
    /// Where the host exchanges and refreshes tokens.
    pub token_url: String,
    /// Where the host revokes access, when the provider has such an endpoint.
    pub deauthorize_url: Option<String>,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// How scopes are joined in the authorize URL.
    pub scope_separator: String,
    /// Whether the provider expects PKCE (S256).
    pub pkce: bool,
    /// JSON pointer to the athlete's id in the token response.
    pub athlete_id_pointer: Option<String>,
    /// When the token response does not name the athlete: the URL (GET, with the new token)
    /// whose JSON does, at `athlete_id_pointer`.
    pub athlete_id_url: Option<String>,
    /// The hosts that receive the athlete's token (besides the token URL's).
    pub api_hosts: Vec<String>,
}

/// A rate window the provider enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RateWindow {
    /// Fixed windows of this many minutes aligned to the clock.
    AlignedMinutes(u32),
    /// One window per UTC day.
    UtcDay,
}

/// A budget the provider reports per application in response headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBudget {
    /// A name for admins.
    pub name: String,
    /// True if only GET requests count against it.
    pub reads_only: bool,
    /// Header carrying the limits.
    pub limit_header: String,
    /// Header carrying the usage.
    pub usage_header: String,
    /// The windows, in the order the headers list them.
    pub windows: Vec<RateWindow>,
    /// Limits until the provider reports its own.
    pub default_limits: Vec<u32>,
}

/// Data an athlete sends directly rather than a provider pushing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UploadKind {
    /// Files the athlete uploads.
    Files,
    /// A relay app posting with a relay token.
    Relay,
}

/// What a plugin is and what it may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Lower-case identifier; also the source name of its records.
    pub id: String,
    /// The plugin's own version.
    pub version: String,
    /// Shown to people.
    pub display_name: String,
    /// The provider's OAuth, when it has one.
    pub oauth: Option<OauthConfig>,
    /// Hosts it may reach.
    pub allowed_hosts: Vec<String>,
    /// The provider's rate budgets.
    pub rate_budgets: Vec<RateBudget>,
    /// Webhook kinds it handles (informational).
    pub webhook_kinds: Vec<String>,
    /// Job kinds it runs.
    pub job_kinds: Vec<String>,
    /// Secrets it may compare values against.
    pub secrets: Vec<String>,
    /// Whether it imports an athlete's history on connecting.
    pub history_import: bool,
    /// What it accepts through uploads.
    pub uploads: Vec<UploadKind>,
}

/// An incoming webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRequest {
    /// HTTP method.
    pub method: String,
    /// The path after `/webhooks/{plugin}` (empty, or starting with `/`).
    pub path: String,
    /// Query pairs.
    pub query: Vec<(String, String)>,
    /// Headers (never `Authorization` or cookies).
    pub headers: Vec<Header>,
    /// Body.
    pub body: Vec<u8>,
}

/// What to answer the caller of a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookReply {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<Header>,
    /// Body.
    pub body: Vec<u8>,
}

/// Work a plugin wants done later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewJob {
    /// The plugin's job kind.
    pub kind: String,
    /// JSON the plugin understands.
    pub payload: String,
    /// The provider's id of the athlete it concerns.
    pub athlete_external_id: Option<String>,
    /// Jobs with the same key are not queued twice while one is pending.
    pub dedupe_key: Option<String>,
    /// Not before this instant.
    pub not_before_ms: Option<TimestampMs>,
}

/// The result of handling a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookOutcome {
    /// The answer.
    pub reply: WebhookReply,
    /// The event's identity, recorded once.
    pub event_key: Option<String>,
    /// Jobs to queue the first time the event is seen.
    pub jobs: Vec<NewJob>,
}

/// The athlete a call concerns, as the plugin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AthleteRef {
    /// Stride's id.
    pub id: String,
    /// The provider's id.
    pub external_id: String,
    /// IANA time zone.
    pub time_zone: String,
}

/// A job the host asks a plugin to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRequest {
    /// The plugin's job kind.
    pub kind: String,
    /// Its payload (JSON).
    pub payload: String,
    /// Whose job it is.
    pub athlete: Option<AthleteRef>,
    /// 1 on the first run.
    pub attempt: u32,
}

/// A sport, as plugins deliver it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sport {
    /// Running.
    Run,
    /// Trail running.
    TrailRun,
    /// Walking.
    Walk,
    /// Hiking.
    Hike,
    /// Road or gravel cycling.
    Ride,
    /// Indoor cycling.
    VirtualRide,
    /// Mountain biking.
    MountainBikeRide,
    /// Swimming.
    Swim,
    /// Rowing.
    Row,
    /// Cross-country skiing.
    NordicSki,
    /// Strength training.
    Strength,
    /// Yoga, pilates, mobility.
    Yoga,
    /// Anything else.
    Other,
    /// Elliptical, stair stepper, HIIT, indoor cardio.
    Cardio,
    /// Kayak, canoe, stand-up paddle.
    Paddle,
    /// Downhill skiing and snowboarding.
    AlpineSki,
    /// Climbing and mountaineering.
    Climb,
    /// Team and racket sports.
    TeamSport,
}

/// Heart-rate variability statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HrvKind {
    /// Root mean square of successive differences.
    Rmssd,
    /// Standard deviation of NN intervals.
    Sdnn,
}

/// Time series recorded during an activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Samples {
    /// Seconds from the start.
    pub time_s: Vec<f64>,
    /// Beats per minute.
    pub heart_rate: Option<Vec<f64>>,
    /// Metres per second.
    pub speed_mps: Option<Vec<f64>>,
    /// Cumulative metres.
    pub distance_m: Option<Vec<f64>>,
    /// Metres above sea level.
    pub altitude_m: Option<Vec<f64>>,
    /// Watts.
    pub power_w: Option<Vec<f64>>,
    /// Per minute.
    pub cadence: Option<Vec<f64>>,
}

/// One lap of an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lap {
    /// Seconds from the activity's start.
    pub start_s: f64,
    /// Seconds.
    pub duration_s: f64,
    /// Metres.
    pub distance_m: Option<f64>,
    /// Beats per minute.
    pub avg_hr: Option<f64>,
    /// Beats per minute.
    pub max_hr: Option<f64>,
    /// Watts.
    pub avg_power_w: Option<f64>,
    /// Per minute.
    pub avg_cadence: Option<f64>,
}

/// An activity, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// The provider's id.
    pub external_id: String,
    /// Sport.
    pub sport: Sport,
    /// The provider's own name for the sport.
    pub sport_detail: Option<String>,
    /// Title.
    pub name: String,
    /// Start.
    pub start_ms: TimestampMs,
    /// Offset from UTC at the start, when known.
    pub utc_offset_s: Option<i32>,
    /// Elapsed seconds.
    pub duration_s: i64,
    /// Seconds in motion.
    pub moving_time_s: Option<i64>,
    /// Metres.
    pub distance_m: Option<f64>,
    /// Metres climbed.
    pub elevation_gain_m: Option<f64>,
    /// Beats per minute.
    pub avg_hr: Option<f64>,
    /// Beats per minute.
    pub max_hr: Option<f64>,
    /// Watts.
    pub avg_power_w: Option<f64>,
    /// Per minute.
    pub avg_cadence: Option<f64>,
    /// Kilocalories.
    pub energy_kcal: Option<f64>,
    /// Session RPE (CR-10), when the provider has it.
    pub rpe: Option<i32>,
    /// Hidden from coaches.
    pub private: bool,
    /// The device that recorded it.
    pub device: Option<String>,
    /// The multisport activity this is a leg of.
    pub parent_external_id: Option<String>,
    /// Recorded series.
    pub samples: Option<Samples>,
    /// Laps.
    pub laps: Vec<Lap>,
}

/// A partial update the provider announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityUpdate {
    /// The provider's id.
    pub external_id: String,
    /// New title.
    pub name: Option<String>,
    /// New sport.
    pub sport: Option<Sport>,
    /// New privacy.
    pub private: Option<bool>,
}

/// One day's summary from a device.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DailySummary {
    /// The provider's id; a re-send with the same id replaces it.
    pub summary_id: Option<String>,
    /// `YYYY-MM-DD`, the athlete's day.
    pub date: String,
    /// Beats per minute.
    pub resting_hr: Option<f64>,
    /// The device's stress score, 0–100.
    pub stress_score: Option<i32>,
    /// Body battery high, 0–100.
    pub body_battery_high: Option<i32>,
    /// Body battery low, 0–100.
    pub body_battery_low: Option<i32>,
    /// Steps.
    pub steps: Option<i64>,
    /// Active kilocalories.
    pub active_kcal: Option<f64>,
    /// Body weight, kg.
    pub weight_kg: Option<f64>,
    /// The athlete's 1–10 readiness.
    pub readiness: Option<i32>,
    /// The athlete's 1–10 stress.
    pub stress: Option<i32>,
}

/// One night's sleep.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sleep {
    /// The provider's id; a re-send with the same id replaces it.
    pub summary_id: Option<String>,
    /// The day it ended, `YYYY-MM-DD`.
    pub date: String,
    /// Fell asleep.
    pub start_ms: Option<TimestampMs>,
    /// Woke up.
    pub end_ms: Option<TimestampMs>,
    /// Minutes asleep.
    pub asleep_min: i32,
    /// Minutes in bed.
    pub in_bed_min: Option<i32>,
    /// Minutes of deep sleep.
    pub deep_min: Option<i32>,
    /// Minutes of light (core) sleep.
    pub light_min: Option<i32>,
    /// Minutes of REM sleep.
    pub rem_min: Option<i32>,
    /// Minutes awake.
    pub awake_min: Option<i32>,
    /// Device score, 0–100.
    pub score: Option<i32>,
    /// The athlete's 1–5 rating.
    pub quality: Option<i32>,
    /// False while the provider may revise it.
    pub r#final: bool,
}

/// One HRV value for a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hrv {
    /// The provider's id.
    pub summary_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Milliseconds.
    pub value_ms: f64,
    /// Which statistic.
    pub kind: HrvKind,
}

/// What a single measurement measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Measure {
    /// HRV, ms.
    Hrv,
    /// Resting heart rate, bpm.
    RestingHeartRate,
    /// Body weight, kg.
    Weight,
    /// Body fat, percent.
    BodyFat,
    /// VO2max, ml/kg/min.
    Vo2max,
    /// Breaths per minute.
    RespiratoryRate,
    /// A step count.
    Steps,
}

/// One timestamped measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// What it measures.
    pub measure: Measure,
    /// When.
    pub at_ms: TimestampMs,
    /// The value, in the measure's unit.
    pub value: f64,
    /// For HRV only.
    pub hrv_kind: Option<HrvKind>,
    /// The device or app that measured it.
    pub device: Option<String>,
}

/// Something the athlete should know or do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable kind; a newer notice of the same kind replaces the older.
    pub kind: String,
    /// What to tell the athlete.
    pub message: String,
}

/// A normalized record for the athlete of a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RecordItem {
    /// An activity, new or changed (boxed: it is by far the largest record).
    Activity(Box<Activity>),
    /// A partial update.
    ActivityUpdate(ActivityUpdate),
    /// The provider's id of a deleted activity.
    ActivityDeleted(String),
    /// A day's device summary.
    DailySummary(DailySummary),
    /// A night's sleep.
    Sleep(Sleep),
    /// A day's HRV.
    Hrv(Hrv),
    /// One timestamped measurement.
    Measurement(Measurement),
    /// A to-do for the athlete.
    Notice(Notice),
    /// The provider says the athlete revoked access (to be confirmed by the host).
    ConnectionRevoked(String),
}

/// How far a long job has come.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Pages done.
    pub pages_done: u32,
    /// Items done.
    pub items_done: u32,
    /// Total, when the plugin can guess it.
    pub total_hint: Option<u32>,
    /// A note for the athlete.
    pub note: Option<String>,
}

/// What a job produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct JobOutcome {
    /// Records.
    pub records: Vec<RecordItem>,
    /// Jobs to queue.
    pub follow_ups: Vec<NewJob>,
    /// Progress.
    pub progress: Option<Progress>,
    /// Run again at this time (a deferral).
    pub defer_until_ms: Option<TimestampMs>,
    /// Why it was deferred.
    pub defer_reason: Option<String>,
}

/// One page of a history import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRequest {
    /// Whose history.
    pub athlete: AthleteRef,
    /// The import run.
    pub run: String,
    /// 1 for the first page.
    pub page: u32,
    /// The previous page's cursor.
    pub cursor: Option<String>,
    /// 1 on the first run of this page.
    pub attempt: u32,
}

/// What one page of a history import produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryOutcome {
    /// Records.
    pub records: Vec<RecordItem>,
    /// Jobs to queue.
    pub follow_ups: Vec<NewJob>,
    /// The next page's cursor; none when done.
    pub next_cursor: Option<String>,
    /// Progress.
    pub progress: Option<Progress>,
    /// Run this page again at this time.
    pub defer_until_ms: Option<TimestampMs>,
    /// Why it was deferred.
    pub defer_reason: Option<String>,
}

/// A file upload or relay delivery, described to the plugin (the body is read through the
/// `upload` import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRequest {
    /// Whose data.
    pub athlete: AthleteRef,
    /// File or relay.
    pub kind: UploadKind,
    /// File name.
    pub name: Option<String>,
    /// Content type.
    pub content_type: Option<String>,
    /// Relay headers.
    pub headers: Vec<Header>,
    /// Body size, bytes.
    pub size: u64,
    /// Where the previous call stopped.
    pub cursor: Option<String>,
}

/// One unusable item of an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadProblem {
    /// The item (a file in an archive, a workout id).
    pub item: String,
    /// Why, in words the athlete can act on.
    pub message: String,
}

/// What one call on an upload produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UploadOutcome {
    /// Records.
    pub records: Vec<RecordItem>,
    /// Items refused.
    pub problems: Vec<UploadProblem>,
    /// Items looked at in this call.
    pub items_done: u32,
    /// Continue from here; none when done.
    pub next_cursor: Option<String>,
}

/// Why a plugin call failed, as the plugin says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PluginError {
    /// Malformed input.
    BadInput(String),
    /// The provider refused the credentials.
    Unauthorized(String),
    /// Passing; retry.
    Retryable(String),
    /// Will never succeed.
    Permanent(String),
}

/// A plan change a plugin suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanProposal {
    /// Stride athlete id.
    pub athlete_id: String,
    /// Kind of change.
    pub kind: String,
    /// Why.
    pub reason: String,
    /// JSON receipts.
    pub receipts: String,
    /// JSON change.
    pub change: String,
}

/// Why the host sent nothing back to a plugin's HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpError {
    /// Not allowed.
    Denied(String),
    /// The rate budget is spent until then.
    RateLimited(TimestampMs),
    /// No connected account.
    NotConnected(String),
    /// Over a size cap.
    TooLarge(String),
    /// No answer in time.
    Timeout,
    /// The connection failed.
    Connection(String),
    /// Malformed request.
    Invalid(String),
}

impl WebhookReply {
    /// A plain-text reply.
    pub fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![Header {
                name: "content-type".to_owned(),
                value: "text/plain; charset=utf-8".to_owned(),
            }],
            body: body.as_bytes().to_vec(),
        }
    }
}
