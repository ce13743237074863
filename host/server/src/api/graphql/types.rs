//! GraphQL output types. Each wraps a stored record and exposes it in the API's vocabulary
//! (camelCase, explicit units in names).

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::{state, viewer};
use crate::auth::{Permission, permissions_of};
use stride_domain::activity::Sport;
use stride_domain::people::{GrantAccess, HrvKind, Role, Sex, Units};
use stride_store as store;

/// A Stride account.
pub struct User(pub store::User);

#[Object]
impl User {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Login email.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Name shown to others.
    async fn display_name(&self) -> &str {
        &self.0.profile.display_name
    }

    /// Role.
    async fn role(&self) -> Role {
        self.0.role
    }

    /// What the role allows beyond managing one's own data, and what was granted to this
    /// account explicitly (see `grantedPermissions`).
    async fn permissions(&self) -> Vec<Permission> {
        let mut all = permissions_of(self.0.role).to_vec();
        for p in Permission::ALL {
            if !all.contains(p) && self.0.granted_permissions.iter().any(|g| g == p.as_str()) {
                all.push(*p);
            }
        }
        all
    }

    /// Permissions granted to this account beyond its role's (admins only; e.g. `IMPERSONATE`).
    async fn granted_permissions(&self) -> Vec<Permission> {
        Permission::ALL
            .iter()
            .copied()
            .filter(|p| self.0.granted_permissions.iter().any(|g| g == p.as_str()))
            .collect()
    }

    /// IANA time zone; defines the athlete's "today".
    async fn time_zone(&self) -> &str {
        self.0.profile.time_zone.name()
    }

    /// Display units.
    async fn units(&self) -> Units {
        self.0.profile.units
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When an admin disabled the account, if they did.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }

    /// Personal details; only the user and coaches they granted access may read them.
    async fn profile(&self, ctx: &Context<'_>) -> async_graphql::Result<AthleteProfile> {
        let viewer = viewer(ctx)?;
        state(ctx)
            .accounts
            .authorize_athlete(viewer, self.0.id, GrantAccess::Read)
            .await?;
        Ok(AthleteProfile(self.0.profile.clone()))
    }

    /// Physiological baselines; same access as `profile`.
    async fn baselines(&self, ctx: &Context<'_>) -> async_graphql::Result<Baselines> {
        let viewer = viewer(ctx)?;
        Ok(Baselines(
            state(ctx).training.baselines(viewer, self.0.id).await?,
        ))
    }
}

/// Personal details used by the formulas and the calendar.
pub struct AthleteProfile(pub stride_domain::people::Profile);

#[Object]
impl AthleteProfile {
    /// Birth date.
    async fn birth_date(&self) -> Option<NaiveDate> {
        self.0.birth_date
    }

    /// Sex for physiological formulas.
    async fn sex(&self) -> Option<Sex> {
        self.0.sex
    }

    /// Body weight, kg.
    async fn weight_kg(&self) -> Option<f64> {
        self.0.weight_kg
    }

    /// Height, cm.
    async fn height_cm(&self) -> Option<f64> {
        self.0.height_cm
    }

    /// Notification preferences.
    async fn notifications(&self) -> NotificationPreferences {
        NotificationPreferences {
            proposals: self.0.notifications.proposals,
            risk_alerts: self.0.notifications.risk_alerts,
            weekly_summary: self.0.notifications.weekly_summary,
        }
    }
}

/// Which notifications the user wants.
#[derive(SimpleObject)]
pub struct NotificationPreferences {
    /// Plan-change proposals.
    pub proposals: bool,
    /// Load and injury-risk alerts.
    pub risk_alerts: bool,
    /// A weekly summary.
    pub weekly_summary: bool,
}

/// An athlete's reference values.
pub struct Baselines(pub stride_domain::people::Baselines);

#[Object]
impl Baselines {
    /// Resting heart rate, bpm.
    async fn resting_heart_rate(&self) -> Option<i32> {
        self.0.resting_hr
    }

    /// HRV baseline, ms.
    async fn hrv_ms(&self) -> Option<f64> {
        self.0.hrv.map(|(ms, _)| ms)
    }

    /// Which HRV statistic `hrvMs` is.
    async fn hrv_kind(&self) -> Option<HrvKind> {
        self.0.hrv.map(|(_, kind)| kind)
    }

    /// Maximum heart rate, bpm.
    async fn max_heart_rate(&self) -> Option<i32> {
        self.0.max_hr
    }

    /// Lactate-threshold heart rate, bpm.
    async fn threshold_heart_rate(&self) -> Option<i32> {
        self.0.threshold_hr
    }
}

/// A new session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization: Bearer <token>`; shown only now.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// The logged-in user.
    pub user: User,
}

/// Where an invite stands.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum InviteStatus {
    /// Can still be used.
    Pending,
    /// Someone signed up with it.
    Used,
    /// Past its expiry.
    Expired,
    /// Withdrawn by an admin.
    Revoked,
}

/// An invitation to sign up.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Invite {
    /// Invite id.
    pub id: ID,
    /// The only email that may use it, if locked.
    pub email: Option<String>,
    /// Role the new account gets.
    pub role: Role,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used.
    pub used_at: Option<DateTime<Utc>>,
    /// When it was withdrawn.
    pub revoked_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub inner: store::Invite,
}

#[ComplexObject]
impl Invite {
    /// Pending, used, expired or revoked, as of now.
    async fn status(&self, ctx: &Context<'_>) -> InviteStatus {
        let now = state(ctx).clock.now();
        if self.inner.revoked_at.is_some() {
            InviteStatus::Revoked
        } else if self.inner.used_at.is_some() {
            InviteStatus::Used
        } else if self.inner.expires_at <= now {
            InviteStatus::Expired
        } else {
            InviteStatus::Pending
        }
    }
}

impl From<store::Invite> for Invite {
    fn from(invite: store::Invite) -> Self {
        Invite {
            id: ID(invite.id.to_string()),
            email: invite.email.clone(),
            role: invite.role,
            created_at: invite.created_at,
            expires_at: invite.expires_at,
            used_at: invite.used_at,
            revoked_at: invite.revoked_at,
            inner: invite,
        }
    }
}

/// A new invite with its token.
#[derive(SimpleObject)]
pub struct InvitePayload {
    /// Give this to the invitee; it is shown only now.
    pub token: String,
    /// The invite.
    pub invite: Invite,
}

/// Access an athlete gave a coach.
pub struct CoachGrant(pub store::CoachGrant);

#[Object]
impl CoachGrant {
    /// Grant id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Read or read-write.
    async fn access(&self) -> GrantAccess {
        self.0.access
    }

    /// When it was granted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// The athlete who granted access.
    async fn athlete(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        grant_party(ctx, self.0.athlete_id).await
    }

    /// The coach who holds it.
    async fn coach(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        grant_party(ctx, self.0.coach_id).await
    }
}

async fn grant_party(ctx: &Context<'_>, id: uuid::Uuid) -> async_graphql::Result<User> {
    let loader =
        ctx.data::<async_graphql::dataloader::DataLoader<super::loaders::GrantPartyLoader>>()?;
    match loader.load_one(id).await? {
        Some(user) => Ok(User(user)),
        None => Err(crate::error::AppError::NotFound("user not found".to_owned()).into()),
    }
}

/// Something the athlete did.
pub struct Activity(pub store::StoredActivity);

#[Object]
impl Activity {
    /// Activity id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Whose activity.
    async fn athlete_id(&self) -> ID {
        ID(self.0.record.user_id.to_string())
    }

    /// `manual` or the plugin that delivered it.
    async fn source(&self) -> &str {
        &self.0.record.source
    }

    /// The provider's id for it.
    async fn external_id(&self) -> Option<&str> {
        self.0.record.external_id.as_deref()
    }

    /// Sport.
    async fn sport(&self) -> Sport {
        self.0.record.draft.sport
    }

    /// Title.
    async fn name(&self) -> &str {
        &self.0.record.draft.name
    }

    /// When it started.
    async fn start_time(&self) -> DateTime<Utc> {
        self.0.record.draft.start_time
    }

    /// The athlete's calendar day it started on.
    async fn local_date(&self) -> NaiveDate {
        self.0.record.local_date
    }

    /// Offset from UTC where and when it started, seconds.
    async fn utc_offset_seconds(&self) -> i32 {
        self.0.record.utc_offset_s
    }

    /// Elapsed time, seconds.
    async fn duration_seconds(&self) -> i64 {
        self.0.record.draft.duration_s
    }

    /// Moving time, seconds.
    async fn moving_time_seconds(&self) -> Option<i64> {
        self.0.record.draft.moving_time_s
    }

    /// Distance, metres.
    async fn distance_meters(&self) -> Option<f64> {
        self.0.record.draft.distance_m
    }

    /// Ascent, metres.
    async fn elevation_gain_meters(&self) -> Option<f64> {
        self.0.record.draft.elevation_gain_m
    }

    /// Average heart rate, bpm, as precise as its source gave it (one decimal).
    async fn average_heart_rate(&self) -> Option<f64> {
        self.0.record.draft.avg_hr
    }

    /// Maximum heart rate, bpm (one decimal).
    async fn max_heart_rate(&self) -> Option<f64> {
        self.0.record.draft.max_hr
    }

    /// Session RPE, CR-10.
    async fn rpe(&self) -> Option<i32> {
        self.0.record.draft.rpe
    }

    /// How it felt, 1–5.
    async fn feeling(&self) -> Option<i32> {
        self.0.record.draft.feeling
    }

    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.record.draft.notes.as_deref()
    }

    /// Hidden from coaches when true.
    async fn private(&self) -> bool {
        self.0.record.draft.private
    }

    /// Session load from RPE: RPE × minutes (Foster's session-RPE).
    async fn rpe_load(&self) -> Option<f64> {
        self.0.record.load_rpe
    }

    /// Banister TRIMP from heart rate.
    async fn trimp(&self) -> Option<f64> {
        self.0.record.load_trimp
    }

    /// How the loads were computed: the inputs, coefficients and minutes used, and notes on
    /// anything missing.
    async fn load_detail(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        self.0
            .record
            .load_detail
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .map(async_graphql::Json)
    }

    /// The source's own name for the sport (`TRAIL_RUNNING`, `Outdoor Run`), as it gave it.
    async fn sport_detail(&self) -> Option<&str> {
        self.0.record.extras.sport_detail.as_deref()
    }

    /// The device that recorded it, when the source said.
    async fn device(&self) -> Option<&str> {
        self.0.record.extras.device.as_deref()
    }

    /// For one leg of a multisport activity: the source's id of the whole.
    async fn parent_external_id(&self) -> Option<&str> {
        self.0.record.extras.parent_external_id.as_deref()
    }

    /// Average power, W.
    async fn average_power_watts(&self) -> Option<f64> {
        self.0.record.extras.avg_power_w
    }

    /// Average cadence, per minute as the device counts it (steps for running, revolutions
    /// for cycling).
    async fn average_cadence(&self) -> Option<f64> {
        self.0.record.extras.avg_cadence
    }

    /// Energy, kcal.
    async fn energy_kcal(&self) -> Option<f64> {
        self.0.record.extras.energy_kcal
    }

    /// Laps or splits, in order.
    async fn laps(&self) -> Vec<ActivityLap> {
        self.0
            .record
            .extras
            .laps
            .iter()
            .cloned()
            .map(ActivityLap)
            .collect()
    }

    /// When this is another source's copy of a workout already stored: the id of the copy
    /// that counts (only that one is in load, stats and the plan). Null for the primary.
    async fn duplicate_of(&self) -> Option<ID> {
        self.0.duplicate_of.map(|id| ID(id.to_string()))
    }

    /// The other copies of this workout from other sources (empty for a copy itself).
    async fn copies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Activity>> {
        let viewer = super::viewer(ctx)?;
        Ok(state(ctx)
            .training
            .activity_copies(viewer, &self.0)
            .await?
            .into_iter()
            .map(Activity)
            .collect())
    }

    /// When its source last delivered it.
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.record.received_at
    }

    /// Whether time-series samples were recorded.
    async fn has_samples(&self) -> bool {
        self.0.has_samples
    }

    /// The time series recorded during it, thinned to at most `maxPoints` samples spread
    /// evenly over the whole activity (2–10,000, default 1,000), for charts. Null without
    /// samples.
    async fn samples(
        &self,
        ctx: &Context<'_>,
        max_points: Option<i32>,
    ) -> async_graphql::Result<Option<ActivitySamples>> {
        let max_points = max_points.unwrap_or(1_000);
        if !(2..=10_000).contains(&max_points) {
            return Err(crate::error::AppError::bad_input(
                "maxPoints",
                format!("must be between 2 and 10000, not {max_points}"),
            )
            .into());
        }
        let samples = state(ctx).training.activity_samples(&self.0).await?;
        Ok(samples
            .map(|s| ActivitySamples(s.downsampled(usize::try_from(max_points).unwrap_or(1_000)))))
    }

    /// Efficiency factor and aerobic decoupling, when samples were recorded.
    async fn efficiency(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<stride_domain::efficiency::Efficiency>> {
        Ok(state(ctx).training.activity_efficiency(&self.0).await?)
    }

    /// The fuelling logged for this session (or another copy of the same workout), if any.
    /// Optional: log it with `logSessionFuel`.
    async fn fuel(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::insights::SessionFuel>> {
        // Batched with the other activities of the response.
        let loader =
            ctx.data::<async_graphql::dataloader::DataLoader<super::loaders::FuelLoader>>()?;
        Ok(loader
            .load_one(self.0.id)
            .await?
            .map(super::insights::SessionFuel))
    }

    /// First stored.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One lap (or split) of an activity.
pub struct ActivityLap(pub stride_domain::activity::Lap);

#[Object]
impl ActivityLap {
    /// Seconds from the activity's start.
    async fn start_seconds(&self) -> f64 {
        self.0.start_s
    }

    /// Length, seconds.
    async fn duration_seconds(&self) -> f64 {
        self.0.duration_s
    }

    /// Distance, m.
    async fn distance_meters(&self) -> Option<f64> {
        self.0.distance_m
    }

    /// Average heart rate, bpm.
    async fn average_heart_rate(&self) -> Option<f64> {
        self.0.avg_hr
    }

    /// Maximum heart rate, bpm.
    async fn max_heart_rate(&self) -> Option<f64> {
        self.0.max_hr
    }

    /// Average power, W.
    async fn average_power_watts(&self) -> Option<f64> {
        self.0.avg_power_w
    }

    /// Average cadence, per minute.
    async fn average_cadence(&self) -> Option<f64> {
        self.0.avg_cadence
    }
}

/// One night's sleep as a device measured it.
pub struct SleepNight(pub stride_domain::metrics::SleepDetail);

#[Object]
impl SleepNight {
    /// Time in bed, minutes.
    async fn in_bed_minutes(&self) -> Option<i32> {
        self.0.in_bed_min
    }

    /// Deep sleep, minutes.
    async fn deep_minutes(&self) -> Option<i32> {
        self.0.deep_min
    }

    /// Light (core) sleep, minutes.
    async fn light_minutes(&self) -> Option<i32> {
        self.0.light_min
    }

    /// REM sleep, minutes.
    async fn rem_minutes(&self) -> Option<i32> {
        self.0.rem_min
    }

    /// Awake in bed, minutes.
    async fn awake_minutes(&self) -> Option<i32> {
        self.0.awake_min
    }

    /// The device's sleep score, 0–100.
    async fn score(&self) -> Option<i32> {
        self.0.score
    }

    /// Fell asleep (or went to bed).
    async fn start(&self) -> Option<DateTime<Utc>> {
        self.0.start
    }

    /// Woke up.
    async fn end(&self) -> Option<DateTime<Utc>> {
        self.0.end
    }

    /// False while the device may still revise the night (Garmin's tentative sleep).
    async fn is_final(&self) -> bool {
        self.0.r#final
    }
}

/// Time series of an activity: one value per entry of `timeSeconds` in every channel
/// present.
pub struct ActivitySamples(pub stride_domain::efficiency::Samples);

#[Object]
impl ActivitySamples {
    /// Seconds since the start.
    async fn time_seconds(&self) -> &[f64] {
        &self.0.time_s
    }

    /// Heart rate, bpm.
    async fn heart_rate(&self) -> Option<&[f64]> {
        self.0.heart_rate.as_deref()
    }

    /// Speed, m/s.
    async fn speed_mps(&self) -> Option<&[f64]> {
        self.0.speed_mps.as_deref()
    }

    /// Cumulative distance, m.
    async fn distance_meters(&self) -> Option<&[f64]> {
        self.0.distance_m.as_deref()
    }

    /// Altitude, m.
    async fn altitude_meters(&self) -> Option<&[f64]> {
        self.0.altitude_m.as_deref()
    }

    /// Power, W.
    async fn power_watts(&self) -> Option<&[f64]> {
        self.0.power_w.as_deref()
    }

    /// Cadence, per minute.
    async fn cadence(&self) -> Option<&[f64]> {
        self.0.cadence.as_deref()
    }
}

/// How the athlete slept, recovered and felt on one day, from one source.
pub struct DailyMetrics(pub store::DailyMetricsRecord);

#[Object]
impl DailyMetrics {
    /// Entry id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Whose metrics.
    async fn athlete_id(&self) -> ID {
        ID(self.0.user_id.to_string())
    }

    /// The athlete's calendar day.
    async fn date(&self) -> NaiveDate {
        self.0.date
    }

    /// `manual` or the plugin that delivered them.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// Resting heart rate, bpm.
    async fn resting_heart_rate(&self) -> Option<i32> {
        self.0.values.resting_hr
    }

    /// Heart-rate variability, ms.
    async fn hrv_ms(&self) -> Option<f64> {
        self.0.values.hrv.map(|(ms, _)| ms)
    }

    /// Which HRV statistic `hrvMs` is.
    async fn hrv_kind(&self) -> Option<HrvKind> {
        self.0.values.hrv.map(|(_, kind)| kind)
    }

    /// Body weight, kg.
    async fn weight_kg(&self) -> Option<f64> {
        self.0.values.weight_kg
    }

    /// Sleep duration, minutes.
    async fn sleep_duration_minutes(&self) -> Option<i32> {
        self.0.values.sleep_duration_min
    }

    /// Sleep quality, 1–5.
    async fn sleep_quality(&self) -> Option<i32> {
        self.0.values.sleep_quality
    }

    /// Self-rated readiness, 1–10.
    async fn readiness(&self) -> Option<i32> {
        self.0.values.readiness
    }

    /// Muscle soreness, 1–10.
    async fn soreness(&self) -> Option<i32> {
        self.0.values.soreness
    }

    /// Life stress, 1–10.
    async fn stress(&self) -> Option<i32> {
        self.0.values.stress
    }

    /// Mood, 1–5.
    async fn mood(&self) -> Option<i32> {
        self.0.values.mood
    }

    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.values.notes.as_deref()
    }

    /// The night's sleep in detail (stages, score), when a device measured it.
    async fn sleep(&self) -> Option<SleepNight> {
        self.0.values.detail.sleep.clone().map(SleepNight)
    }

    /// The device's stress score for the day, 0–100 (not the athlete's own 1–10 `stress`).
    async fn stress_score(&self) -> Option<i32> {
        self.0.values.detail.stress_score
    }

    /// Garmin's Body Battery: the day's highest value, 0–100.
    async fn body_battery_high(&self) -> Option<i32> {
        self.0.values.detail.body_battery_high
    }

    /// Garmin's Body Battery: the day's lowest value, 0–100.
    async fn body_battery_low(&self) -> Option<i32> {
        self.0.values.detail.body_battery_low
    }

    /// Steps.
    async fn steps(&self) -> Option<i64> {
        self.0.values.detail.steps
    }

    /// Active energy, kcal.
    async fn active_kcal(&self) -> Option<f64> {
        self.0.values.detail.active_kcal
    }

    /// VO2max estimate, ml/kg/min.
    async fn vo2max(&self) -> Option<f64> {
        self.0.values.detail.vo2max
    }

    /// Respiratory rate, breaths per minute.
    async fn respiratory_rate(&self) -> Option<f64> {
        self.0.values.detail.respiratory_rate
    }

    /// Body fat, percent.
    async fn body_fat_percent(&self) -> Option<f64> {
        self.0.values.detail.body_fat_pct
    }

    /// First stored.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
