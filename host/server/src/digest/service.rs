//! The weekly digest: what it says (built for one week from the stored data), when each
//! person gets it (their local weekday and hour), and sending it by email as a durable job,
//! once per person and week across restarts and replicas.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::mail::{MailError, Mailer};
use super::model::{AthleteDigest, Digest, DigestLinks, LoadTrend, ProposalLine};
use super::render::render;
use crate::auth::{Accounts, Viewer};
use crate::error::{AppError, AppResult};
use crate::insights::InsightsService;
use crate::jobs::{Handler, JobKind, JobMeta, Jobs, Verdict};
use crate::training::Training;
use stride_domain::clock::SharedClock;
use stride_domain::ids::AthleteId;
use stride_domain::matching::WorkoutState;
use stride_domain::people::GrantAccess;
use stride_domain::plan::WorkoutKind;
use stride_domain::stats::AlertKind;
use stride_sandbox::services::BoxFuture;
use stride_store::{DateRange, DigestSettingsRow, Store, User};

/// When digests are scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigestConfig {
    /// How often each replica looks for digests that are due, seconds.
    pub check_s: u64,
    /// The weekday a digest arrives on until the person picks one (1 Monday … 7 Sunday).
    pub default_weekday: i32,
    /// The local hour it arrives at until the person picks one.
    pub default_hour: i32,
}

impl Default for DigestConfig {
    fn default() -> Self {
        Self {
            check_s: 300,
            default_weekday: 1,
            default_hour: 7,
        }
    }
}

/// Sends one person's digest of the week starting `week_start` (a Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendDigest {
    /// Monday of the week it covers.
    pub week_start: NaiveDate,
}

impl JobKind for SendDigest {
    const NAME: &'static str = "digest.send";
    const PRIORITY: i32 = 2;

    fn dedupe_key(&self, athlete: Option<AthleteId>) -> Option<String> {
        athlete.map(|a| format!("digest:{a}:{}", self.week_start))
    }
}

/// Someone's digest settings as they see them.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestPreferences {
    /// Emailed each week (the profile's `notifications.weekly_summary`).
    pub email: bool,
    /// ISO weekday, 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    /// Local hour, 0–23.
    pub hour: i32,
    /// Whether this server can send email at all.
    pub email_configured: bool,
}

/// The digest service.
#[derive(Clone)]
pub struct Digests {
    store: Store,
    clock: SharedClock,
    accounts: Accounts,
    training: Training,
    insights: InsightsService,
    jobs: Jobs,
    mailer: Option<Mailer>,
    public_url: String,
    config: DigestConfig,
    /// The week each person's digest was last claimed for, here or (found claimed) on another
    /// replica: each is tried once a week, not at every check.
    claimed: Arc<Mutex<HashMap<Uuid, NaiveDate>>>,
}

impl std::fmt::Debug for Digests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Digests")
    }
}

/// Monday of the week `date` falls in.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
        .unwrap_or(date)
}

fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl Digests {
    /// The service. `mailer` is `None` when no SMTP server is configured (digests stay
    /// in-app).
    #[expect(
        clippy::too_many_arguments,
        reason = "the services a digest reads from"
    )]
    pub fn new(
        store: Store,
        clock: SharedClock,
        accounts: Accounts,
        training: Training,
        insights: InsightsService,
        jobs: Jobs,
        mailer: Option<Mailer>,
        public_url: String,
        config: DigestConfig,
    ) -> Self {
        Self {
            store,
            clock,
            accounts,
            training,
            insights,
            jobs,
            mailer,
            public_url,
            config,
            claimed: Arc::default(),
        }
    }

    /// The viewer's digest settings.
    pub async fn preferences(&self, viewer: &Viewer) -> AppResult<DigestPreferences> {
        let stored = self.store.digest_settings(viewer.id()).await?;
        Ok(self.view(&viewer.user, stored.as_ref()))
    }

    fn view(&self, user: &User, stored: Option<&DigestSettingsRow>) -> DigestPreferences {
        DigestPreferences {
            email: user.profile.notifications.weekly_summary,
            weekday: stored.map_or(self.config.default_weekday, |s| s.weekday),
            hour: stored.map_or(self.config.default_hour, |s| s.hour),
            email_configured: self.mailer.is_some(),
        }
    }

    /// Changes when the viewer's digest arrives and whether it is emailed.
    pub async fn set_preferences(
        &self,
        viewer: &Viewer,
        email: Option<bool>,
        weekday: Option<i32>,
        hour: Option<i32>,
    ) -> AppResult<DigestPreferences> {
        if let Some(day) = weekday
            && !(1..=7).contains(&day)
        {
            return Err(AppError::bad_input(
                "weekday",
                format!("{day} is not a weekday: 1 is Monday, 7 is Sunday"),
            ));
        }
        if let Some(h) = hour
            && !(0..=23).contains(&h)
        {
            return Err(AppError::bad_input(
                "hour",
                format!("{h} is not an hour of the day (0–23)"),
            ));
        }
        let now = self.clock.now();
        let current = self.store.digest_settings(viewer.id()).await?;
        let row = self
            .store
            .put_digest_settings(
                &DigestSettingsRow {
                    user_id: viewer.id(),
                    weekday: weekday.unwrap_or(
                        current
                            .as_ref()
                            .map_or(self.config.default_weekday, |c| c.weekday),
                    ),
                    hour: hour.unwrap_or(
                        current
                            .as_ref()
                            .map_or(self.config.default_hour, |c| c.hour),
                    ),
                    unsubscribe_token: new_token(),
                    updated_at: now,
                },
                false,
            )
            .await?;
        let mut user = viewer.user.clone();
        if let Some(email) = email
            && email != user.profile.notifications.weekly_summary
        {
            let mut profile = user.profile.clone();
            profile.notifications.weekly_summary = email;
            user = self.store.update_profile(user.id, &profile, now).await?;
            self.accounts.user_changed(user.id).await;
        }
        Ok(self.view(&user, Some(&row)))
    }

    /// Turns the weekly email off for whoever the link's token belongs to. Returns whether
    /// the token was known (an unknown or old token changes nothing).
    pub async fn unsubscribe(&self, token: &str) -> AppResult<bool> {
        if token.len() > 128 {
            return Ok(false);
        }
        let Some(user_id) = self.store.digest_token_owner(token).await? else {
            return Ok(false);
        };
        let user = self.store.user(user_id).await?;
        if user.profile.notifications.weekly_summary {
            let mut profile = user.profile.clone();
            profile.notifications.weekly_summary = false;
            self.store
                .update_profile(user.id, &profile, self.clock.now())
                .await?;
            self.accounts.user_changed(user.id).await;
        }
        tracing::info!(user = %user_id, "weekly digest email turned off from its link");
        Ok(true)
    }

    /// The viewer's digest of the week starting on `week_start`'s Monday (default: the last
    /// complete week in their time zone).
    pub async fn for_viewer(
        &self,
        viewer: &Viewer,
        week_start: Option<NaiveDate>,
    ) -> AppResult<Digest> {
        let today = self.training.today_for(&viewer.user);
        let week_start = match week_start {
            Some(day) => monday_of(day),
            None => monday_of(today)
                .checked_sub_days(Days::new(7))
                .unwrap_or(today),
        };
        self.build(&viewer.user, week_start).await
    }

    /// Builds someone's digest of one week: their own training when they train, and one part
    /// per athlete who gave them access when they coach.
    pub async fn build(&self, user: &User, week_start: NaiveDate) -> AppResult<Digest> {
        let week_start = monday_of(week_start);
        let week_end = week_start
            .checked_add_days(Days::new(6))
            .unwrap_or(week_start);
        let grants = self.store.grants_to_coach(user.id).await?;
        let mut athletes = Vec::new();
        let own = self.athlete_part(user, week_start, week_end, true).await?;
        let trains = own.sessions_done > 0 || own.sessions_planned > 0 || own.load.is_some();
        if trains || grants.is_empty() {
            athletes.push(own);
        }
        let mut seen = HashSet::from([user.id]);
        for grant in grants {
            if !seen.insert(grant.athlete_id) {
                continue;
            }
            // Checked again as the service would for any read (a disabled account, a grant
            // revoked meanwhile).
            let viewer = Viewer {
                user: user.clone(),
                session_id: Uuid::nil(),
                impersonator_id: None,
                impersonation: None,
            };
            if self
                .accounts
                .authorize_athlete(&viewer, grant.athlete_id, GrantAccess::Read)
                .await
                .is_err()
            {
                continue;
            }
            let athlete = self.store.user(grant.athlete_id).await?;
            athletes.push(
                self.athlete_part(&athlete, week_start, week_end, false)
                    .await?,
            );
        }
        Ok(Digest {
            recipient_name: user.profile.display_name.clone(),
            week_start,
            week_end,
            for_coach: athletes.iter().any(|a| a.athlete_id != user.id),
            athletes,
        })
    }

    async fn athlete_part(
        &self,
        athlete: &User,
        week_start: NaiveDate,
        week_end: NaiveDate,
        own: bool,
    ) -> AppResult<AthleteDigest> {
        let before = week_start
            .checked_sub_days(Days::new(8))
            .unwrap_or(week_start);
        let (stats, (alerts, _), activities, plan, pending, insights) = tokio::try_join!(
            async {
                Ok::<_, AppError>(
                    self.store
                        .stats_between(None, athlete.id, before, week_end)
                        .await?,
                )
            },
            self.training
                .alerts_and_series(athlete.id, week_start, week_end),
            async {
                Ok::<_, AppError>(
                    self.store
                        .list_activities(
                            athlete.id,
                            DateRange {
                                from: Some(week_start),
                                to: Some(week_end),
                            },
                            None,
                            1_000,
                        )
                        .await?,
                )
            },
            async { Ok::<_, AppError>(self.store.active_plan(athlete.id).await?) },
            async {
                Ok::<_, AppError>(
                    self.store
                        .proposals_for(athlete.id, Some("pending"), 20)
                        .await?,
                )
            },
            self.insights.stored(athlete.id),
        )?;
        let day_before = week_start.pred_opt();
        let start = stats.iter().rev().find(|d| Some(d.date) <= day_before);
        let end = stats.iter().rev().find(|d| d.date <= week_end);
        let week_load: f64 = stats
            .iter()
            .filter(|d| d.date >= week_start && d.date <= week_end)
            .map(|d| d.load)
            .sum();
        let previous_start = week_start
            .checked_sub_days(Days::new(7))
            .unwrap_or(week_start);
        let previous_week_load: f64 = stats
            .iter()
            .filter(|d| d.date >= previous_start && d.date < week_start)
            .map(|d| d.load)
            .sum();
        let load = end.map(|end| LoadTrend {
            week_load,
            previous_week_load,
            chronic_start: start.map_or(0.0, |s| s.chronic),
            chronic_end: end.chronic,
            acute_end: end.acute,
            tsb_start: start.map_or(0.0, |s| s.tsb),
            tsb_end: end.tsb,
            acwr_end: end.acwr,
        });
        // A coach's digest leaves out what the athlete keeps private.
        let counted: Vec<_> = activities
            .iter()
            .filter(|a| own || !a.record.draft.private)
            .collect();
        let minutes_done = counted
            .iter()
            .map(|a| a.record.draft.duration_s as f64 / 60.0)
            .sum();
        let distance_km = counted
            .iter()
            .filter_map(|a| a.record.draft.distance_m)
            .sum::<f64>()
            / 1_000.0;
        let (sessions_planned, planned_completed) = match plan {
            Some(plan) => {
                let workouts = self
                    .store
                    .plan_workouts(plan.id, week_start, week_end)
                    .await?;
                let planned: Vec<_> = workouts
                    .iter()
                    .filter(|w| w.workout.kind != WorkoutKind::Rest)
                    .collect();
                let done = planned
                    .iter()
                    .filter(|w| w.state == WorkoutState::Completed)
                    .count();
                (planned.len(), done)
            }
            None => (0, 0),
        };
        Ok(AthleteDigest {
            athlete_id: athlete.id,
            athlete_name: athlete.profile.display_name.clone(),
            load,
            sessions_done: u32::try_from(counted.len()).unwrap_or(u32::MAX),
            sessions_planned: u32::try_from(sessions_planned).unwrap_or(u32::MAX),
            planned_completed: u32::try_from(planned_completed).unwrap_or(u32::MAX),
            minutes_done,
            distance_km,
            alerts: alerts
                .iter()
                .map(|a| match a.kind {
                    AlertKind::AcwrHigh => format!(
                        "{}: acute:chronic load ratio {:.2}, above {:.2}",
                        a.date.format("%a %-d %b"),
                        a.value,
                        a.threshold
                    ),
                    AlertKind::MonotonyHigh => format!(
                        "{}: training monotony {:.2}, above {:.2}",
                        a.date.format("%a %-d %b"),
                        a.value,
                        a.threshold
                    ),
                })
                .collect(),
            pending_proposals: pending
                .iter()
                .map(|p| ProposalLine {
                    summary: p.reason.clone(),
                    source: match p.source_kind.as_str() {
                        "rule" => format!("rule {}", p.source_ref),
                        "plugin" => format!("plugin {}", p.source_ref),
                        _ => "coach".to_owned(),
                    },
                    created_at: p.created_at,
                })
                .collect(),
            newest_insight: insights
                .and_then(|s| s.insights.findings.into_iter().next())
                .map(|f| f.summary),
        })
    }

    /// The links in someone's digest email.
    fn links(&self, token: &str) -> DigestLinks {
        let base = self.public_url.trim_end_matches('/');
        DigestLinks {
            open_url: format!("{base}/"),
            unsubscribe_url: format!("{base}/digest/unsubscribe?token={token}"),
        }
    }

    /// Queues the digest of everyone whose chosen local weekday and hour has come this week
    /// and whose last week's digest is not queued yet. A week's digest is claimed in the
    /// database with its job, so it is queued once whichever replica gets there first, and a
    /// server that was down sends it late rather than never (until the next one is due).
    /// Returns how many were queued.
    pub async fn schedule(&self) -> AppResult<usize> {
        if self.mailer.is_none() {
            return Ok(0);
        }
        let now = self.clock.now();
        let mut queued = 0;
        for (user, zone, weekday, hour) in self.store.digest_recipients().await? {
            let Ok(zone) = zone.parse::<chrono_tz::Tz>() else {
                continue;
            };
            let weekday = weekday.unwrap_or(self.config.default_weekday).clamp(1, 7);
            let hour = hour.unwrap_or(self.config.default_hour).clamp(0, 23);
            let local = now.with_timezone(&zone).naive_local();
            let this_monday = monday_of(local.date());
            let due_day = this_monday
                .checked_add_days(Days::new(u64::try_from(weekday - 1).unwrap_or(0)))
                .unwrap_or(this_monday);
            let due = due_day.and_time(
                NaiveTime::from_hms_opt(u32::try_from(hour).unwrap_or(0), 0, 0)
                    .unwrap_or(NaiveTime::MIN),
            );
            if local < due {
                continue;
            }
            let Some(week_start) = this_monday.checked_sub_days(Days::new(7)) else {
                continue;
            };
            if self.claimed_for(user) == Some(week_start) {
                continue;
            }
            let mut tx = self.store.begin().await?;
            let claimed = self
                .store
                .claim_digest_week(&mut tx, user, week_start, now)
                .await?;
            self.claimed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(user, week_start);
            if claimed {
                self.jobs
                    .enqueue(
                        &mut tx,
                        Some(AthleteId(user)),
                        &SendDigest { week_start },
                        now,
                    )
                    .await?;
                tx.commit().await?;
                queued += 1;
            }
        }
        if queued > 0 {
            self.jobs.wake();
        }
        Ok(queued)
    }

    fn claimed_for(&self, user: Uuid) -> Option<NaiveDate> {
        self.claimed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&user)
            .copied()
    }

    /// How often [`Digests::schedule`] runs.
    pub fn check_every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.config.check_s.max(1))
    }

    async fn send(&self, user_id: Uuid, week_start: NaiveDate) -> AppResult<Verdict> {
        let Some(mailer) = &self.mailer else {
            self.store
                .finish_digest_send(
                    user_id,
                    week_start,
                    "skipped",
                    Some("email is not configured"),
                    None,
                )
                .await?;
            return Ok(Verdict::Done);
        };
        match self.store.digest_send(user_id, week_start).await? {
            Some(send) if send.state == "queued" => {}
            // Sent (or given up) already: a retry after a crash between sending and marking
            // must not send twice.
            _ => return Ok(Verdict::Done),
        }
        let user = match self.store.user(user_id).await {
            Ok(user) => user,
            Err(stride_store::StoreError::NotFound) => return Ok(Verdict::Done),
            Err(e) => return Err(e.into()),
        };
        // Unsubscribed or disabled after it was queued: honoured.
        if !user.profile.notifications.weekly_summary || user.disabled_at.is_some() {
            self.store
                .finish_digest_send(user_id, week_start, "skipped", Some("unsubscribed"), None)
                .await?;
            return Ok(Verdict::Done);
        }
        let settings = match self.store.digest_settings(user_id).await? {
            Some(settings) => settings,
            None => {
                self.store
                    .put_digest_settings(
                        &DigestSettingsRow {
                            user_id,
                            weekday: self.config.default_weekday,
                            hour: self.config.default_hour,
                            unsubscribe_token: new_token(),
                            updated_at: self.clock.now(),
                        },
                        false,
                    )
                    .await?
            }
        };
        let digest = self.build(&user, week_start).await?;
        let links = self.links(&settings.unsubscribe_token);
        let rendered = render(&digest, &links);
        match mailer
            .send_digest(&user.profile.display_name, &user.email, &rendered, &links)
            .await
        {
            Ok(()) => {
                self.store
                    .finish_digest_send(user_id, week_start, "sent", None, Some(self.clock.now()))
                    .await?;
                tracing::info!(user = %user_id, week = %week_start, "weekly digest sent");
                Ok(Verdict::Done)
            }
            Err(MailError::Permanent(reason)) => {
                self.store
                    .finish_digest_send(user_id, week_start, "failed", Some(&reason), None)
                    .await?;
                Ok(Verdict::Fail(format!(
                    "the mail server refused the digest: {reason}"
                )))
            }
            Err(MailError::Transient(reason)) => Ok(Verdict::Retry(format!(
                "the mail server could not take the digest yet: {reason}"
            ))),
        }
    }

    /// Someone's recent digest emails, newest week first.
    pub async fn sends(&self, viewer: &Viewer) -> AppResult<Vec<stride_store::DigestSendRow>> {
        Ok(self.store.digest_sends(viewer.id(), 12).await?)
    }
}

impl Handler<SendDigest> for Digests {
    fn run<'a>(&'a self, job: SendDigest, meta: &'a JobMeta) -> BoxFuture<'a, Verdict> {
        Box::pin(async move {
            let Some(user) = meta.athlete else {
                return Verdict::Fail("a digest needs its recipient".to_owned());
            };
            match self.send(user.uuid(), job.week_start).await {
                Ok(verdict) => verdict,
                Err(AppError::Internal(error)) => Verdict::Retry(format!("{error:#}")),
                Err(error) => Verdict::Retry(error.to_string()),
            }
        })
    }
}

/// A week as people read it: "30 Nov – 6 Dec 2026".
pub fn week_label(week_start: NaiveDate) -> String {
    format!(
        "{} – {}",
        week_start.format("%-d %b"),
        week_start
            .checked_add_days(Days::new(6))
            .unwrap_or(week_start)
            .format("%-d %b %Y")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let wed = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        assert_eq!(
            monday_of(wed),
            NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
        );
        let mon = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        assert_eq!(monday_of(mon), mon);
        let sun = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        assert_eq!(monday_of(sun), mon);
        assert_eq!(week_label(mon), "30 Nov – 6 Dec 2026");
    }
}
