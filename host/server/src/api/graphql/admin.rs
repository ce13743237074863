//! Administration: invites, users and roles. Every call checks an explicit permission.

use async_graphql::{Context, ID, Object};

use super::types::{AuthPayload, Invite, InvitePayload, User};
use super::{parse_id, state, viewer};
use crate::auth::Permission;
use stride_domain::people::Role;

/// Admin queries.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Every invite, newest first. Needs `INVITE_USERS`.
    async fn invites(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Invite>> {
        let invites = state(ctx).accounts.invites(viewer(ctx)?).await?;
        Ok(invites.into_iter().map(Invite::from).collect())
    }

    /// Every account. Needs `MANAGE_USERS`.
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let users = state(ctx).accounts.users(viewer(ctx)?).await?;
        Ok(users.into_iter().map(User).collect())
    }
}

/// Admin mutations.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Issues an invite; the token in the answer is shown only once. Inviting admins or owners
    /// needs `MANAGE_ADMINS`.
    async fn create_invite(
        &self,
        ctx: &Context<'_>,
        role: Role,
        email: Option<String>,
        expires_in_hours: Option<i32>,
    ) -> async_graphql::Result<InvitePayload> {
        let ttl = expires_in_hours.map(|h| u32::try_from(h).unwrap_or(0));
        let issued = state(ctx)
            .accounts
            .create_invite(viewer(ctx)?, role, email.as_deref(), ttl)
            .await?;
        Ok(InvitePayload {
            token: issued.token,
            invite: Invite::from(issued.invite),
        })
    }

    /// Withdraws an unused invite.
    async fn revoke_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = parse_id(&id, "id")?;
        state(ctx).accounts.revoke_invite(viewer(ctx)?, id).await?;
        Ok(true)
    }

    /// Changes a user's role. Needs `MANAGE_USERS`; admin and owner roles need `MANAGE_ADMINS`.
    async fn set_user_role(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        role: Role,
        reason: Option<String>,
    ) -> async_graphql::Result<User> {
        let id = parse_id(&user_id, "userId")?;
        Ok(User(
            state(ctx)
                .accounts
                .set_role(viewer(ctx)?, id, role, reason)
                .await?,
        ))
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    async fn set_user_disabled(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        disabled: bool,
        reason: Option<String>,
    ) -> async_graphql::Result<User> {
        let id = parse_id(&user_id, "userId")?;
        Ok(User(
            state(ctx)
                .accounts
                .set_disabled(viewer(ctx)?, id, disabled, reason)
                .await?,
        ))
    }

    /// Grants an admin a permission beyond the admin role, such as `IMPERSONATE`. Needs
    /// `MANAGE_ADMINS`. Audited.
    async fn grant_permission(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        permission: Permission,
        reason: Option<String>,
    ) -> async_graphql::Result<User> {
        let id = parse_id(&user_id, "userId")?;
        Ok(User(
            state(ctx)
                .accounts
                .set_permission(viewer(ctx)?, id, permission, true, reason)
                .await?,
        ))
    }

    /// Withdraws a permission granted with `grantPermission`. Audited.
    async fn revoke_permission(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        permission: Permission,
        reason: Option<String>,
    ) -> async_graphql::Result<User> {
        let id = parse_id(&user_id, "userId")?;
        Ok(User(
            state(ctx)
                .accounts
                .set_permission(viewer(ctx)?, id, permission, false, reason)
                .await?,
        ))
    }

    /// Opens a session acting as another user, to see exactly what they see. Needs
    /// `IMPERSONATE` (the owner's, or granted to an admin); impersonating an admin or owner
    /// also needs `MANAGE_ADMINS`. It needs a reason, lasts `minutes` (default 30, at most
    /// `auth.impersonation_max_minutes`), shows in every response, cannot change the password
    /// or make secrets (invites, relay tokens), and everything done in it is audited with both
    /// identities. Use the returned token; `stopImpersonation` ends it early.
    async fn start_impersonation(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        reason: String,
        minutes: Option<i32>,
    ) -> async_graphql::Result<AuthPayload> {
        let id = parse_id(&user_id, "userId")?;
        let minutes = minutes.map(|m| u32::try_from(m).unwrap_or(0));
        let client = ctx
            .data_opt::<super::RequestInfo>()
            .map(|info| info.client.clone())
            .unwrap_or_default();
        let session = state(ctx)
            .accounts
            .start_impersonation(viewer(ctx)?, id, &reason, minutes, &client)
            .await?;
        Ok(AuthPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: User(session.user),
        })
    }

    /// Erases another account and everything about it (see `deleteMyAccount`). Needs
    /// `MANAGE_USERS` (and `MANAGE_ADMINS` for an admin or owner) and a reason, kept in the
    /// audit log's erasure record.
    async fn erase_user(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        reason: String,
    ) -> async_graphql::Result<super::account::ErasureResult> {
        let id = parse_id(&user_id, "userId")?;
        let report = state(ctx)
            .erasure
            .erase(
                viewer(ctx)?,
                crate::erasure::ErasureRequest::Admin {
                    user_id: id,
                    reason: &reason,
                },
            )
            .await?;
        Ok(report.into())
    }

    /// Ends the impersonation session this request runs in. Audited.
    async fn stop_impersonation(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        state(ctx).accounts.stop_impersonation(viewer(ctx)?).await?;
        Ok(true)
    }
}
