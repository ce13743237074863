//! Sign-up, login, the viewer's own account, and coach grants.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::NaiveDate;

use super::types::{AuthPayload, Baselines, CoachGrant, User};
use super::{parse_id, parse_opt_id, state, viewer};
use crate::auth::SignUp;
use crate::error::{AppError, AppResult};
use stride_domain::Change;
use stride_domain::people::{GrantAccess, HrvKind, Sex, Units, parse_time_zone};

/// Account queries.
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The logged-in user.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(User(viewer(ctx)?.user.clone()))
    }

    /// Set when the request runs in an impersonation session: who really acts, why, until
    /// when. Every response in such a session also carries it in `extensions.impersonation`
    /// and the `Stride-Impersonation` header.
    async fn impersonation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ImpersonationInfo>> {
        let viewer = viewer(ctx)?;
        let (Some(by), Some(imp)) = (viewer.impersonator_id, &viewer.impersonation) else {
            return Ok(None);
        };
        let admin = state(ctx).store.user(by).await.map_err(AppError::from)?;
        Ok(Some(ImpersonationInfo {
            by: User(admin),
            reason: imp.reason.clone(),
            until: imp.until,
        }))
    }

    /// The viewer's sessions that still work, most recently used first (`current` marks the
    /// one of this request).
    async fn my_sessions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LoginSession>> {
        let viewer = viewer(ctx)?;
        Ok(state(ctx)
            .accounts
            .sessions(viewer)
            .await?
            .into_iter()
            .map(|session| LoginSession {
                current: session.id == viewer.session_id,
                session,
            })
            .collect())
    }

    /// Coaches the viewer has granted access to.
    async fn my_coaches(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CoachGrant>> {
        let viewer = viewer(ctx)?;
        let grants = state(ctx).accounts.my_coaches(viewer).await?;
        Ok(grants.into_iter().map(CoachGrant).collect())
    }

    /// Athletes who granted the viewer access.
    async fn my_athletes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CoachGrant>> {
        let viewer = viewer(ctx)?;
        let grants = state(ctx).accounts.my_athletes(viewer).await?;
        Ok(grants.into_iter().map(CoachGrant).collect())
    }

    /// An athlete's baselines (default: the viewer's).
    async fn baselines(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
    ) -> async_graphql::Result<Baselines> {
        let viewer = viewer(ctx)?;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        Ok(Baselines(
            state(ctx).training.baselines(viewer, athlete).await?,
        ))
    }
}

/// Signing up with an invite.
#[derive(InputObject)]
pub struct SignUpInput {
    /// The invite token you were given.
    pub invite_token: String,
    /// Your email; you log in with it.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// Your name as others see it.
    pub display_name: String,
    /// Your IANA time zone, e.g. `Europe/Oslo` (default `UTC`).
    pub time_zone: Option<String>,
}

/// Changes to the viewer's profile. Omitted fields stay; `null` clears optional ones.
#[derive(InputObject, Default)]
pub struct ProfileInput {
    /// Name shown to others.
    pub display_name: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// Display units.
    pub units: Option<Units>,
    /// Birth date.
    pub birth_date: MaybeUndefined<NaiveDate>,
    /// Sex for physiological formulas.
    pub sex: MaybeUndefined<Sex>,
    /// Body weight, kg.
    pub weight_kg: MaybeUndefined<f64>,
    /// Height, cm.
    pub height_cm: MaybeUndefined<f64>,
    /// Notify about plan-change proposals.
    pub notify_proposals: Option<bool>,
    /// Notify about risk alerts.
    pub notify_risk_alerts: Option<bool>,
    /// Send a weekly summary.
    pub notify_weekly_summary: Option<bool>,
}

/// Changes to baselines. Omitted fields stay; `null` clears.
#[derive(InputObject, Default)]
pub struct BaselinesInput {
    /// Resting heart rate, bpm.
    pub resting_heart_rate: MaybeUndefined<i32>,
    /// HRV baseline, ms; give `hrvKind` with it.
    pub hrv_ms: MaybeUndefined<f64>,
    /// Which HRV statistic `hrvMs` is (rMSSD or SDNN).
    pub hrv_kind: Option<HrvKind>,
    /// Maximum heart rate, bpm.
    pub max_heart_rate: MaybeUndefined<i32>,
    /// Lactate-threshold heart rate, bpm.
    pub threshold_heart_rate: MaybeUndefined<i32>,
}

/// Maps a GraphQL "maybe" onto the domain's change.
pub(crate) fn change<T>(value: MaybeUndefined<T>) -> Change<T> {
    match value {
        MaybeUndefined::Undefined => Change::Keep,
        MaybeUndefined::Null => Change::Clear,
        MaybeUndefined::Value(v) => Change::Set(v),
    }
}

/// Maps an HRV value and its kind, which travel together, onto one change.
pub(crate) fn hrv_change(
    ms: MaybeUndefined<f64>,
    kind: Option<HrvKind>,
) -> AppResult<Change<(f64, HrvKind)>> {
    match (ms, kind) {
        (MaybeUndefined::Value(ms), Some(kind)) => Ok(Change::Set((ms, kind))),
        (MaybeUndefined::Value(_), None) => Err(AppError::bad_input(
            "hrvKind",
            "is required with hrvMs: say whether the value is rMSSD or SDNN",
        )),
        (MaybeUndefined::Null, _) => Ok(Change::Clear),
        (MaybeUndefined::Undefined, Some(_)) => {
            Err(AppError::bad_input("hrvMs", "is required with hrvKind"))
        }
        (MaybeUndefined::Undefined, None) => Ok(Change::Keep),
    }
}

/// Account mutations.
#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account with an invite and logs it in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        let client = super::credential_operation(ctx)?;
        let session = state(ctx)
            .accounts
            .sign_up(
                SignUp {
                    invite_token: input.invite_token,
                    email: input.email,
                    password: input.password,
                    display_name: input.display_name,
                    time_zone: input.time_zone,
                },
                &client,
            )
            .await?;
        Ok(AuthPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: User(session.user),
        })
    }

    /// Logs in; returns a bearer token.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let client = super::credential_operation(ctx)?;
        let session = state(ctx)
            .accounts
            .login(&email, &password, &client)
            .await?;
        Ok(AuthPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: User(session.user),
        })
    }

    /// Deletes the viewer's account and everything Stride holds about them, for good:
    /// activities, metrics, plans, proposals, rules, connections (each provider is told to
    /// forget the connection first), sessions and grants, in one transaction. Audit entries
    /// about them stay in the chain with their personal fields erased. Needs the password.
    /// (Download an export first if you want to keep your data: `requestDataExport`.)
    async fn delete_my_account(
        &self,
        ctx: &Context<'_>,
        password: String,
    ) -> async_graphql::Result<ErasureResult> {
        let report = state(ctx)
            .erasure
            .erase(
                viewer(ctx)?,
                crate::erasure::ErasureRequest::Own {
                    password: &password,
                },
            )
            .await?;
        Ok(ErasureResult::from(report))
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        state(ctx).accounts.logout(viewer(ctx)?).await?;
        Ok(true)
    }

    /// Ends one of the viewer's sessions (see `mySessions`). Audited.
    async fn revoke_session(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        state(ctx)
            .accounts
            .revoke_session(viewer(ctx)?, parse_id(&id, "id")?)
            .await?;
        Ok(true)
    }

    /// Ends all the viewer's sessions, but the current one unless `keepCurrent` is false.
    /// Returns how many ended. Audited.
    async fn revoke_all_sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] keep_current: bool,
    ) -> async_graphql::Result<i32> {
        let ended = state(ctx)
            .accounts
            .revoke_all_sessions(viewer(ctx)?, keep_current)
            .await?;
        Ok(i32::try_from(ended).unwrap_or(i32::MAX))
    }

    /// Changes the password, ends every session of the account and returns a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<AuthPayload> {
        super::credential_operation(ctx)?;
        let session = state(ctx)
            .accounts
            .change_password(viewer(ctx)?, &current_password, &new_password)
            .await?;
        Ok(AuthPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: User(session.user),
        })
    }

    /// Updates the viewer's profile.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        input: ProfileInput,
    ) -> async_graphql::Result<User> {
        let viewer = viewer(ctx)?;
        let mut profile = viewer.user.profile.clone();
        if let Some(name) = input.display_name {
            profile.display_name = name.trim().to_owned();
        }
        if let Some(zone) = input.time_zone {
            profile.time_zone = parse_time_zone(&zone).map_err(crate::error::AppError::from)?;
        }
        if let Some(units) = input.units {
            profile.units = units;
        }
        change(input.birth_date).apply(&mut profile.birth_date);
        change(input.sex).apply(&mut profile.sex);
        change(input.weight_kg).apply(&mut profile.weight_kg);
        change(input.height_cm).apply(&mut profile.height_cm);
        let notifications = &mut profile.notifications;
        notifications.proposals = input.notify_proposals.unwrap_or(notifications.proposals);
        notifications.risk_alerts = input
            .notify_risk_alerts
            .unwrap_or(notifications.risk_alerts);
        notifications.weekly_summary = input
            .notify_weekly_summary
            .unwrap_or(notifications.weekly_summary);
        Ok(User(
            state(ctx).training.update_profile(viewer, profile).await?,
        ))
    }

    /// Updates an athlete's baselines (default: the viewer's; a coach needs read-write access).
    async fn update_baselines(
        &self,
        ctx: &Context<'_>,
        athlete_id: Option<ID>,
        input: BaselinesInput,
    ) -> async_graphql::Result<Baselines> {
        let viewer = viewer(ctx)?;
        let training = &state(ctx).training;
        let athlete = parse_opt_id(athlete_id.as_ref(), "athleteId")?.unwrap_or(viewer.id());
        let mut baselines = training.baselines(viewer, athlete).await?;
        change(input.resting_heart_rate).apply(&mut baselines.resting_hr);
        hrv_change(input.hrv_ms, input.hrv_kind)?.apply(&mut baselines.hrv);
        change(input.max_heart_rate).apply(&mut baselines.max_hr);
        change(input.threshold_heart_rate).apply(&mut baselines.threshold_hr);
        Ok(Baselines(
            training.set_baselines(viewer, athlete, baselines).await?,
        ))
    }

    /// Gives a coach read or read-write access to the viewer's data.
    async fn grant_coach_access(
        &self,
        ctx: &Context<'_>,
        coach_email: String,
        access: GrantAccess,
    ) -> async_graphql::Result<CoachGrant> {
        Ok(CoachGrant(
            state(ctx)
                .accounts
                .grant_coach(viewer(ctx)?, &coach_email, access)
                .await?,
        ))
    }

    /// Revokes a grant (the athlete who gave it or the coach who holds it).
    async fn revoke_coach_access(
        &self,
        ctx: &Context<'_>,
        grant_id: ID,
    ) -> async_graphql::Result<CoachGrant> {
        let id = parse_id(&grant_id, "grantId")?;
        Ok(CoachGrant(
            state(ctx).accounts.revoke_grant(viewer(ctx)?, id).await?,
        ))
    }
}

/// What an erasure removed.
#[derive(async_graphql::SimpleObject)]
pub struct ErasureResult {
    /// Audit entries whose personal fields were erased (they stay in the chain).
    pub audit_entries_erased: i64,
    /// Rows removed with the account (the account itself; what cascades from it is not
    /// counted one by one).
    pub accounts_removed: i64,
    /// Invites to their email removed.
    pub invites_removed: i64,
    /// Jobs naming them removed.
    pub jobs_removed: i64,
    /// Providers told to forget the connection.
    pub providers_disconnected: Vec<String>,
}

impl From<crate::erasure::ErasureReport> for ErasureResult {
    fn from(report: crate::erasure::ErasureReport) -> Self {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        Self {
            audit_entries_erased: n(report.audit_entries),
            accounts_removed: n(report.rows.users),
            invites_removed: n(report.rows.invites),
            jobs_removed: n(report.rows.jobs),
            providers_disconnected: report.providers,
        }
    }
}

/// An admin acting as the viewer.
#[derive(async_graphql::SimpleObject)]
pub struct ImpersonationInfo {
    /// Who really acts.
    pub by: User,
    /// The reason they gave.
    pub reason: String,
    /// When the impersonation session ends.
    pub until: chrono::DateTime<chrono::Utc>,
}

/// A login session (its token is never shown again after login).
pub struct LoginSession {
    session: stride_store::Session,
    current: bool,
}

#[Object]
impl LoginSession {
    /// Session id.
    async fn id(&self) -> ID {
        ID(self.session.id.to_string())
    }

    /// Whether this is the session of the request asking.
    async fn current(&self) -> bool {
        self.current
    }

    /// The browser or app that opened it (its `User-Agent`), when known.
    async fn user_agent(&self) -> Option<&str> {
        self.session.user_agent.as_deref()
    }

    /// The address it was opened from, when known.
    async fn client_address(&self) -> Option<&str> {
        self.session.client_address.as_deref()
    }

    /// When it was opened.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.session.created_at
    }

    /// When it was last used.
    async fn last_used_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.session.last_used_at
    }

    /// When it stops working at the latest.
    async fn expires_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.session.expires_at
    }

    /// Set when an admin is acting as the user through this session.
    async fn impersonated_by(&self) -> Option<ID> {
        self.session.impersonator_id.map(|id| ID(id.to_string()))
    }

    /// Why the admin acts as the user (impersonation sessions only).
    async fn impersonation_reason(&self) -> Option<&str> {
        self.session.impersonation_reason.as_deref()
    }
}
