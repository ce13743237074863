//! Erasing a person (the right to erasure): their account and everything about them goes, in
//! one transaction, on either backend, after their providers are told to forget the
//! connection.
//!
//! The audit log keeps every entry (the chain must stay whole), but an entry about the person
//! loses its personal fields: the actor or target when it was them, the reason and the payload.
//! Entries are hashed so that this breaks nothing: version 2 covers the personal fields through
//! a salted digest (`audit::personal_digest`), erasure removes the salt with the fields, and
//! the erasure's own entry lists the positions it blanked, so the verifier accepts exactly
//! those and no others.

use serde_json::json;
use uuid::Uuid;

use crate::audit::{Actor, Audit, AuditEvent, seq_ranges};
use crate::auth::{Permission, Viewer, secrets};
use crate::connections::Connections;
use crate::error::{AppError, AppResult};
use crate::events::{Event, Events};
use stride_domain::clock::SharedClock;
use stride_domain::people::Role;
use stride_store::{ConnectionStatus, ErasedAuditFields, ErasedRows, Store, StoreError};

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureReport {
    /// Audit entries whose personal fields were blanked.
    pub audit_entries: u64,
    /// Rows removed, by where they were.
    pub rows: ErasedRows,
    /// Providers told to forget the connection.
    pub providers: Vec<String>,
}

/// Who asks for an erasure, and how they proved it.
#[derive(Debug)]
pub enum ErasureRequest<'a> {
    /// The account holder, with their password.
    Own {
        /// Their current password.
        password: &'a str,
    },
    /// An admin, for another account, with the reason kept in the log.
    Admin {
        /// Whose account.
        user_id: Uuid,
        /// Why (required).
        reason: &'a str,
    },
}

/// Names shorter than this are not searched for in audit payloads (a short name would match
/// unrelated text).
const MIN_NAME_NEEDLE: usize = 5;

/// The erasure service.
#[derive(Debug, Clone)]
pub struct Erasure {
    store: Store,
    clock: SharedClock,
    audit: Audit,
    connections: Connections,
    events: Events,
}

impl Erasure {
    /// Builds the service.
    pub fn new(
        store: Store,
        clock: SharedClock,
        audit: Audit,
        connections: Connections,
        events: Events,
    ) -> Self {
        Self {
            store,
            clock,
            audit,
            connections,
            events,
        }
    }

    /// Erases an account: the holder's own (with their password) or another's (an admin with
    /// `MANAGE_USERS`; `MANAGE_ADMINS` for an admin or owner; a reason). Never under
    /// impersonation; never the last owner.
    pub async fn erase(
        &self,
        viewer: &Viewer,
        request: ErasureRequest<'_>,
    ) -> AppResult<ErasureReport> {
        viewer.refuse_under_impersonation("erasing an account")?;
        let (user_id, actor, reason) = match request {
            ErasureRequest::Own { password } => {
                let stored = self.store.password_hash(viewer.id()).await?;
                if !secrets::verify_password(password.to_owned(), stored).await? {
                    return Err(AppError::bad_input("password", "is not your password"));
                }
                // The person's own id must not stay in the log: the erasure is Stride's act.
                (
                    viewer.id(),
                    Actor::SYSTEM,
                    "the account holder deleted their account".to_owned(),
                )
            }
            ErasureRequest::Admin { user_id, reason } => {
                viewer.require(Permission::ManageUsers)?;
                let reason = crate::error::reason_text("reason", reason)?;
                if reason.is_empty() {
                    return Err(AppError::bad_input(
                        "reason",
                        "say why this account is erased; it is kept in the audit log",
                    ));
                }
                if user_id == viewer.id() {
                    return Err(AppError::bad_input(
                        "userId",
                        "to delete your own account use deleteMyAccount",
                    ));
                }
                (user_id, viewer.actor(), reason)
            }
        };
        let user = match self.store.user(user_id).await {
            Ok(user) => user,
            Err(StoreError::NotFound) => {
                return Err(AppError::NotFound("user not found".to_owned()));
            }
            Err(e) => return Err(e.into()),
        };
        if user_id != viewer.id() && matches!(user.role, Role::Admin | Role::Owner) {
            viewer.require(Permission::ManageAdmins)?;
        }
        if user.role == Role::Owner {
            let owners = self
                .store
                .list_users()
                .await?
                .iter()
                .filter(|u| u.role == Role::Owner && u.disabled_at.is_none())
                .count();
            if owners <= 1 {
                return Err(AppError::Forbidden(
                    "this is the deployment's only owner; make another owner first".to_owned(),
                ));
            }
        }

        // Providers first, while the tokens still work; one that cannot be reached does not
        // keep the person in Stride.
        let mut providers = Vec::new();
        for connection in self.store.connections_of(user_id).await? {
            if connection.status == ConnectionStatus::Revoked {
                continue;
            }
            match self
                .connections
                .disconnect_user(&user, actor, &connection.provider, "account erased")
                .await
            {
                Ok(()) => providers.push(connection.provider.clone()),
                Err(error) => {
                    tracing::warn!(provider = %connection.provider, %error, "could not disconnect before erasure; the connection is removed anyway");
                }
            }
        }

        let now = self.clock.now();
        let mut needles = vec![user.id.to_string(), user.email.clone()];
        let name = user.profile.display_name.trim();
        if name.chars().count() >= MIN_NAME_NEEDLE {
            needles.push(name.to_owned());
        }
        let mut tx = self.store.begin().await?;
        let entries = self
            .store
            .audit_entries_about(&mut tx, user_id, &needles)
            .await?;
        let id_text = user_id.to_string();
        let mut seqs = Vec::with_capacity(entries.len());
        for entry in &entries {
            let kept = ErasedAuditFields {
                actor_id: entry.actor_id.filter(|id| *id != user_id),
                real_actor_id: entry.real_actor_id.filter(|id| *id != user_id),
                target_id: entry.target_id.clone().filter(|t| *t != id_text),
            };
            self.store
                .erase_audit_entry(&mut tx, entry.seq, &kept, now)
                .await?;
            seqs.push(entry.seq);
        }
        let rows = self
            .store
            .erase_user_rows(&mut tx, user_id, &user.email)
            .await?;
        let event = AuditEvent {
            actor,
            action: "account.erase",
            target_kind: "user",
            target_id: None,
            reason: Some(reason),
            payload: json!({
                "erased": seq_ranges(&seqs),
                "entries": seqs.len(),
                "rows": rows,
                "providers": providers,
            }),
        };
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.events
            .publish(Event::SessionsEnded {
                user: user_id,
                session: None,
            })
            .await;
        // Every replica drops what it cached of the athlete (home screen, recent activities).
        self.events
            .publish(Event::AthleteChanged {
                athlete: stride_domain::ids::AthleteId(user_id),
            })
            .await;
        Ok(ErasureReport {
            audit_entries: seqs.len() as u64,
            rows,
            providers,
        })
    }
}
