//! The optional logs (life load, daily nutrition, a session's fuelling) as people enter and
//! read them: authorized here, written through `records`.

use chrono::NaiveDate;
use uuid::Uuid;

use super::Training;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::records::{DayLogPatch, SessionLogPatch};
use stride_domain::people::GrantAccess;
use stride_store::{DayLogRow, SessionLogRow};

/// The most days one read of day logs returns.
const MAX_LOG_DAYS: i64 = 400;

impl Training {
    /// Logs (or amends) what the athlete chose to record about a day (for `athlete_id`, a
    /// coach with read-write access).
    pub async fn log_day_inputs(
        &self,
        viewer: &Viewer,
        athlete_id: Option<Uuid>,
        date: NaiveDate,
        patch: DayLogPatch,
    ) -> AppResult<DayLogRow> {
        let athlete = self
            .athlete(
                viewer,
                athlete_id.unwrap_or(viewer.id()),
                GrantAccess::ReadWrite,
            )
            .await?;
        let audit = Self::on_behalf(viewer, athlete.id, "day_log.log", "user", athlete.id);
        self.records
            .log_day_inputs(&athlete, date, patch, audit)
            .await
    }

    /// What the athlete logged about days in `from..=to` (at most 400 days), oldest first.
    pub async fn day_logs(
        &self,
        viewer: &Viewer,
        athlete_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<DayLogRow>> {
        self.accounts
            .authorize_athlete(viewer, athlete_id, GrantAccess::Read)
            .await?;
        if from > to {
            return Err(AppError::bad_input(
                "from",
                format!("{from} is after `to` ({to})"),
            ));
        }
        if (to - from).num_days() >= MAX_LOG_DAYS {
            return Err(AppError::bad_input(
                "to",
                format!("at most {MAX_LOG_DAYS} days at once; ask for a shorter range"),
            ));
        }
        Ok(self.store.day_logs_between(athlete_id, from, to).await?)
    }

    /// Logs (or amends) the fuelling of one session.
    pub async fn log_session_fuel(
        &self,
        viewer: &Viewer,
        activity_id: Uuid,
        patch: SessionLogPatch,
    ) -> AppResult<SessionLogRow> {
        let activity = self
            .activity(viewer, activity_id, GrantAccess::ReadWrite)
            .await?;
        let owner = activity.record.user_id;
        let audit = Self::on_behalf(viewer, owner, "session_log.log", "activity", activity.id);
        self.records
            .log_session_fuel(owner, activity.id, patch, audit)
            .await
    }

    /// The fuelling of each of `activities` that has any: its own log, else the newest of
    /// another copy of the same workout. The caller has checked the viewer's access.
    pub async fn session_fuels(
        &self,
        activities: &[Uuid],
    ) -> AppResult<std::collections::HashMap<Uuid, SessionLogRow>> {
        Ok(self.store.session_logs_for(activities).await?)
    }
}
