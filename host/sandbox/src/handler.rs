//! Calling a 1.1 plugin's handler with its types checked once, when it is loaded.
//!
//! The generated bindings find and type-check every function the handler exports each time
//! an instance is made (`PluginIndices::load`), although a call uses only one of them. With
//! the records a job returns in its types, that checking was about a fifth of a plugin call.
//! Here the place of each function the host calls on its hot paths (webhooks, jobs, history
//! pages) is found once per plugin, and its types are checked once against the component,
//! whose instances all share them; each call then only instantiates and calls. Everything
//! else (the manifest, uploads) goes through the generated bindings as before.

#![expect(
    unsafe_code,
    reason = "`TypedFunc::new_unchecked` on functions whose types `Handler::load` checked"
)]

use wasmtime::Store;
use wasmtime::component::{ComponentExportIndex, Instance, TypedFunc};

use crate::bindings::since_v1_1_0::{Plugin, PluginPre, stride::plugin::types as t};
use crate::imports::CallState;

/// The handler interface's name in a 1.1 component.
const HANDLER: &str = "stride:plugin/handler@1.1.0";

/// A 1.1 plugin, pre-instantiated, with the places of the functions called on hot paths.
pub(crate) struct Handler {
    pre: PluginPre<CallState>,
    handle_webhook: ComponentExportIndex,
    run_job: ComponentExportIndex,
    import_history: ComponentExportIndex,
}

/// The result of a handler function: the plugin's own answer or its error.
type Answer<T> = wasmtime::Result<Result<T, t::PluginError>>;

impl Handler {
    /// Finds the handler's functions in the component, instantiates it once to check their
    /// types and reads the plugin's manifest. A handler exists only after this check passed,
    /// which is what makes the unchecked calls below sound.
    pub(crate) async fn load(
        pre: PluginPre<CallState>,
        store: &mut Store<CallState>,
    ) -> wasmtime::Result<(Self, t::Manifest)> {
        let component = pre.instance_pre().component();
        let handler = component
            .get_export_index(None, HANDLER)
            .ok_or_else(|| wasmtime::Error::msg(format!("no `{HANDLER}` export")))?;
        let find = |name: &str| {
            component
                .get_export_index(Some(&handler), name)
                .ok_or_else(|| wasmtime::Error::msg(format!("the handler exports no `{name}`")))
        };
        let this = Self {
            handle_webhook: find("handle-webhook")?,
            run_job: find("run-job")?,
            import_history: find("import-history")?,
            pre,
        };
        let instance = this
            .pre
            .instance_pre()
            .instantiate_async(&mut *store)
            .await?;
        // The same checks as the unchecked calls' types below, one each.
        instance
            .get_typed_func::<(&t::WebhookRequest,), (Result<t::WebhookOutcome, t::PluginError>,)>(
                &mut *store,
                &this.handle_webhook,
            )?;
        instance.get_typed_func::<(&t::JobRequest,), (Result<t::JobOutcome, t::PluginError>,)>(
            &mut *store,
            &this.run_job,
        )?;
        instance
            .get_typed_func::<(&t::HistoryRequest,), (Result<t::HistoryOutcome, t::PluginError>,)>(
                &mut *store,
                &this.import_history,
            )?;
        let manifest = Plugin::new(&mut *store, &instance)?
            .stride_plugin_handler()
            .call_describe(&mut *store)
            .await?;
        Ok((this, manifest))
    }

    /// The generated bindings, for the calls that are not on a hot path.
    pub(crate) fn bindings(&self) -> &PluginPre<CallState> {
        &self.pre
    }

    /// A fresh instance and the function at `index` in it.
    async fn function(
        &self,
        store: &mut Store<CallState>,
        index: &ComponentExportIndex,
    ) -> wasmtime::Result<wasmtime::component::Func> {
        let instance: Instance = self
            .pre
            .instance_pre()
            .instantiate_async(&mut *store)
            .await?;
        instance
            .get_func(&mut *store, index)
            .ok_or_else(|| wasmtime::Error::msg("the plugin's instance lacks a handler function"))
    }

    /// `handle-webhook` in a fresh instance.
    pub(crate) async fn handle_webhook(
        &self,
        store: &mut Store<CallState>,
        request: &t::WebhookRequest,
    ) -> Answer<t::WebhookOutcome> {
        let func = self.function(store, &self.handle_webhook).await?;
        // SAFETY: `load` checked this export against exactly these types, and every instance
        // of the component has the same types.
        let typed = unsafe {
            TypedFunc::<(&t::WebhookRequest,), (Result<t::WebhookOutcome, t::PluginError>,)>::new_unchecked(func)
        };
        Ok(typed.call_async(&mut *store, (request,)).await?.0)
    }

    /// `run-job` in a fresh instance.
    pub(crate) async fn run_job(
        &self,
        store: &mut Store<CallState>,
        job: &t::JobRequest,
    ) -> Answer<t::JobOutcome> {
        let func = self.function(store, &self.run_job).await?;
        // SAFETY: as in `handle_webhook`.
        let typed = unsafe {
            TypedFunc::<(&t::JobRequest,), (Result<t::JobOutcome, t::PluginError>,)>::new_unchecked(
                func,
            )
        };
        Ok(typed.call_async(&mut *store, (job,)).await?.0)
    }

    /// `import-history` in a fresh instance.
    pub(crate) async fn import_history(
        &self,
        store: &mut Store<CallState>,
        request: &t::HistoryRequest,
    ) -> Answer<t::HistoryOutcome> {
        let func = self.function(store, &self.import_history).await?;
        // SAFETY: as in `handle_webhook`.
        let typed = unsafe {
            TypedFunc::<(&t::HistoryRequest,), (Result<t::HistoryOutcome, t::PluginError>,)>::new_unchecked(func)
        };
        Ok(typed.call_async(&mut *store, (request,)).await?.0)
    }
}
