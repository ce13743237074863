//! The weekly digest in the app: this week's summary, when it arrives, and whether it is
//! emailed.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::{state, viewer};
use crate::digest::DigestPreferences;
use crate::digest::model::Digest;

/// When the weekly digest arrives and whether it is emailed.
#[derive(SimpleObject, Debug, Clone)]
pub struct DigestSettings {
    /// Emailed each week (off unless turned on; the link in each email turns it off).
    pub email: bool,
    /// ISO weekday it arrives on, 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    /// Local hour it arrives at, 0–23.
    pub hour: i32,
    /// Whether this server can send email (an administrator sets `mail.smtp_url`).
    pub email_configured: bool,
}

impl From<DigestPreferences> for DigestSettings {
    fn from(p: DigestPreferences) -> Self {
        Self {
            email: p.email,
            weekday: p.weekday,
            hour: p.hour,
            email_configured: p.email_configured,
        }
    }
}

/// One week's digest email.
#[derive(SimpleObject, Debug, Clone)]
pub struct DigestEmail {
    /// Monday of the week it covers.
    pub week_start: NaiveDate,
    /// `queued`, `sent`, `skipped` or `failed`.
    pub state: String,
    /// Why it was skipped or failed.
    pub detail: Option<String>,
    /// When the mail server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
}

/// Digest queries.
#[derive(Default)]
pub struct DigestQuery;

#[Object]
impl DigestQuery {
    /// The viewer's weekly digest: their own week and, for a coach, each athlete who gave
    /// access. `weekOf` is any day of the week wanted (default: the last complete week).
    async fn weekly_digest(
        &self,
        ctx: &Context<'_>,
        week_of: Option<NaiveDate>,
    ) -> async_graphql::Result<Digest> {
        Ok(state(ctx).digests.for_viewer(viewer(ctx)?, week_of).await?)
    }

    /// When the viewer's digest arrives and whether it is emailed.
    async fn digest_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<DigestSettings> {
        Ok(state(ctx).digests.preferences(viewer(ctx)?).await?.into())
    }

    /// The viewer's recent digest emails, newest week first.
    async fn digest_emails(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DigestEmail>> {
        Ok(state(ctx)
            .digests
            .sends(viewer(ctx)?)
            .await?
            .into_iter()
            .map(|s| DigestEmail {
                week_start: s.week_start,
                state: s.state,
                detail: s.detail,
                sent_at: s.sent_at,
            })
            .collect())
    }
}

/// Digest mutations.
#[derive(Default)]
pub struct DigestMutation;

#[Object]
impl DigestMutation {
    /// Changes when the viewer's weekly digest arrives (local `weekday` 1–7 and `hour` 0–23)
    /// and whether it is emailed. Omitted fields stay.
    async fn update_digest_settings(
        &self,
        ctx: &Context<'_>,
        email: Option<bool>,
        weekday: Option<i32>,
        hour: Option<i32>,
    ) -> async_graphql::Result<DigestSettings> {
        Ok(state(ctx)
            .digests
            .set_preferences(viewer(ctx)?, email, weekday, hour)
            .await?
            .into())
    }
}
