//! Relay tokens: how a phone app that posts an athlete's data (Health Auto Export for Apple
//! Health) proves whose data it is. A token is shown once, kept only as its SHA-256, scoped
//! to one plugin, revocable, audited, and notes when it was last used.

use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Connections;
use crate::audit::AuditEvent;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use stride_sandbox::contract::UploadKind;
use stride_store::{RelayToken, User};

/// Prefix of every relay token, so a leaked one is recognisable (and scannable) as Stride's.
const TOKEN_PREFIX: &str = "stride_relay_";

/// Most live relay tokens one athlete may hold.
const MAX_LIVE_TOKENS: usize = 20;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Connections {
    /// Makes a relay token for the viewer's data through `plugin`. The token is in the answer
    /// and nowhere else: only its hash is kept. Audited.
    pub async fn create_relay_token(
        &self,
        viewer: &Viewer,
        plugin: &str,
        name: &str,
    ) -> AppResult<(RelayToken, String)> {
        viewer.refuse_under_impersonation("making a relay token (it is a secret)")?;
        let accepts_relay = self
            .plugins
            .get(plugin)
            .is_some_and(|p| p.manifest.uploads.contains(&UploadKind::Relay));
        if !accepts_relay {
            return Err(AppError::bad_input(
                "plugin",
                format!("no installed plugin `{plugin}` accepts relay deliveries"),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::bad_input(
                "name",
                "must be 1–100 characters (e.g. \"iPhone\")",
            ));
        }
        let live = self
            .store
            .relay_tokens_of(viewer.id())
            .await?
            .into_iter()
            .filter(|t| t.revoked_at.is_none())
            .count();
        if live >= MAX_LIVE_TOKENS {
            return Err(AppError::Conflict(format!(
                "you already have {live} relay tokens; revoke one you no longer use first"
            )));
        }
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut secret);
        let token = format!(
            "{TOKEN_PREFIX}{}",
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, secret)
        );
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let stored = self
            .store
            .insert_relay_token(&mut tx, viewer.id(), plugin, name, &hash(&token), now)
            .await?;
        let event = AuditEvent::new(
            viewer.actor(),
            "relay_token.create",
            "relay_token",
            stored.id,
        )
        .payload(json!({ "plugin": plugin, "name": name }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok((stored, token))
    }

    /// The viewer's relay tokens (never the tokens themselves).
    pub async fn relay_tokens(&self, viewer: &Viewer) -> AppResult<Vec<RelayToken>> {
        Ok(self.store.relay_tokens_of(viewer.id()).await?)
    }

    /// Revokes one of the viewer's relay tokens: the relay's next delivery is refused. Audited.
    pub async fn revoke_relay_token(&self, viewer: &Viewer, id: Uuid) -> AppResult<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !self
            .store
            .revoke_relay_token(&mut tx, viewer.id(), id, now)
            .await?
        {
            return Err(AppError::NotFound(
                "no such relay token (or it is already revoked)".to_owned(),
            ));
        }
        let event = AuditEvent::new(viewer.actor(), "relay_token.revoke", "relay_token", id);
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The athlete a relay delivery to `plugin` is for, from its token. Unknown, revoked and
    /// other plugins' tokens are all refused alike.
    pub async fn relay_athlete(&self, plugin: &str, token: &str) -> AppResult<(User, RelayToken)> {
        let refused = || {
            AppError::Unauthenticated(
                "this relay token is not valid (revoked, mistyped, or made for another integration); make a new one in Stride under Connections".to_owned(),
            )
        };
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
            return Err(refused());
        }
        let stored = self
            .store
            .relay_token_by_hash(&hash(token))
            .await?
            .filter(|t| t.revoked_at.is_none() && t.plugin == plugin)
            .ok_or_else(refused)?;
        let user = self.store.user(stored.user_id).await?;
        if user.disabled_at.is_some() {
            return Err(refused());
        }
        self.store
            .touch_relay_token(stored.id, self.clock.now())
            .await?;
        Ok((user, stored))
    }
}
