//! What admins do with plugins: list them with their health, switch them off and on, reload
//! them and reset their breakers. Every change is audited and needs `MANAGE_PLUGINS`.

use std::sync::Arc;

use serde_json::json;

use crate::audit::AuditEvent;
use crate::auth::{Permission, Viewer};
use crate::error::{AppError, AppResult};
use stride_domain::clock::SharedClock;
use stride_sandbox::{PluginHost, PluginStatus};
use stride_store::{PluginFailureRow, Store};

/// Plugin administration.
#[derive(Debug, Clone)]
pub struct PluginAdmin {
    host: Arc<PluginHost>,
    store: Store,
    clock: SharedClock,
    audit: crate::audit::Audit,
}

impl PluginAdmin {
    /// Administration over `host`.
    pub fn new(
        host: Arc<PluginHost>,
        store: Store,
        clock: SharedClock,
        audit: crate::audit::Audit,
    ) -> Self {
        Self {
            host,
            store,
            clock,
            audit,
        }
    }

    /// Every loaded plugin with its health.
    pub fn list(&self, viewer: &Viewer) -> AppResult<Vec<PluginStatus>> {
        viewer.require(Permission::ManagePlugins)?;
        Ok(self.host.statuses())
    }

    /// One plugin with its health.
    pub fn status(&self, viewer: &Viewer, id: &str) -> AppResult<PluginStatus> {
        viewer.require(Permission::ManagePlugins)?;
        self.host
            .statuses()
            .into_iter()
            .find(|s| s.plugin.manifest.id == id)
            .ok_or_else(|| AppError::NotFound(format!("no plugin `{id}` is loaded")))
    }

    /// Recorded failures of a plugin across every replica, newest first.
    pub async fn failures(
        &self,
        viewer: &Viewer,
        id: &str,
        limit: u32,
    ) -> AppResult<Vec<PluginFailureRow>> {
        viewer.require(Permission::ManagePlugins)?;
        Ok(self.store.plugin_failures(id, limit.clamp(1, 200)).await?)
    }

    /// Files that failed to load.
    pub fn load_errors(&self, viewer: &Viewer) -> AppResult<Vec<stride_sandbox::LoadError>> {
        viewer.require(Permission::ManagePlugins)?;
        Ok(self.host.load_errors())
    }

    /// Switches a plugin off (calls are refused) or back on.
    pub async fn set_enabled(
        &self,
        viewer: &Viewer,
        id: &str,
        enabled: bool,
        reason: &str,
    ) -> AppResult<PluginStatus> {
        viewer.require(Permission::ManagePlugins)?;
        let reason = &crate::error::reason_text("reason", reason)?;
        if self.host.get(id).is_none() {
            return Err(AppError::NotFound(format!("no plugin `{id}` is loaded")));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.store
            .set_plugin_enabled(&mut tx, id, enabled, reason, now)
            .await?;
        let action = if enabled {
            "plugin.enable"
        } else {
            "plugin.disable"
        };
        let event = AuditEvent::new(viewer.actor(), action, "plugin", id).reason(reason);
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        self.host.set_enabled(id, enabled, reason);
        self.status(viewer, id)
    }

    /// Rescans the plugin directory: new and changed plugins load, removed ones unload;
    /// calls already running finish on the version they started with.
    pub async fn reload(&self, viewer: &Viewer) -> AppResult<Vec<PluginStatus>> {
        viewer.require(Permission::ManagePlugins)?;
        let before: Vec<(String, String)> = self
            .host
            .statuses()
            .iter()
            .map(|s| (s.plugin.manifest.id.clone(), s.plugin.content_hash.clone()))
            .collect();
        self.host.reload_all().await;
        let after: Vec<(String, String)> = self
            .host
            .statuses()
            .iter()
            .map(|s| (s.plugin.manifest.id.clone(), s.plugin.content_hash.clone()))
            .collect();
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let event = AuditEvent::new(viewer.actor(), "plugin.reload", "plugin", "*").payload(json!({
            "before": before.iter().map(|(id, hash)| format!("{id}@{}", &hash[..12.min(hash.len())])).collect::<Vec<_>>(),
            "after": after.iter().map(|(id, hash)| format!("{id}@{}", &hash[..12.min(hash.len())])).collect::<Vec<_>>(),
            "load_errors": self.host.load_errors().len(),
        }));
        self.audit.record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(self.host.statuses())
    }

    /// Closes a plugin's circuit breaker.
    pub async fn reset_breaker(&self, viewer: &Viewer, id: &str) -> AppResult<PluginStatus> {
        viewer.require(Permission::ManagePlugins)?;
        if self.host.get(id).is_none() {
            return Err(AppError::NotFound(format!("no plugin `{id}` is loaded")));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        self.audit
            .record(
                &mut tx,
                AuditEvent::new(viewer.actor(), "plugin.reset_breaker", "plugin", id),
                now,
            )
            .await?;
        tx.commit().await?;
        self.host.reset_breaker(id);
        self.status(viewer, id)
    }
}
