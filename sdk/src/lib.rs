//! Write Stride integration plugins.
//!
//! A plugin is a WebAssembly component that the Stride host runs in a sandbox. It receives
//! webhooks and runs jobs; it talks to the outside world only through the host (HTTP to the
//! hosts its manifest names, with tokens the host attaches), and it returns normalized
//! records that the host validates and stores.
//!
//! ```no_run
//! use stride_plugin_sdk::prelude::*;
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn manifest() -> Manifest {
//!         Manifest::new("hello", env!("CARGO_PKG_VERSION"), "Hello")
//!     }
//! }
//!
//! stride_plugin_sdk::register_plugin!(Hello);
//! ```
//!
//! See `GUIDE.md` beside this crate for a walk-through.

pub mod host;
mod log_backend;
mod records;

/// Raw bindings generated from the WIT world. Plugin code normally needs only the prelude;
/// these are public so `register_plugin!` can reach them from the plugin crate.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/since_v1.0.0",
        world: "plugin",
        pub_export_macro: true,
        default_bindings_module: "stride_plugin_sdk::bindings",
    });
}

pub use bindings::stride::plugin::types::{
    Activity, ActivityUpdate, AthleteRef, DailyMetrics, Header, Hrv, HrvKind, HttpError,
    HttpRequest, HttpResponse, JobOutcome, JobRequest, LogField, LogLevel, Manifest, NewJob,
    OauthConfig, PlanProposal, PluginError, Progress, RateBudget, RateWindow, RecordItem, Samples,
    Sleep, Sport, WebhookOutcome, WebhookReply, WebhookRequest,
};

/// The plugin API version this SDK builds against: (major, minor, patch).
pub const API_VERSION: (u16, u16, u16) = (1, 0, 0);

/// [`API_VERSION`] as the six big-endian bytes of the `stride:api-version` custom section the
/// host reads before it compiles a plugin.
pub const API_VERSION_BYTES: [u8; 6] = {
    let (major, minor, patch) = API_VERSION;
    let (a, b, c) = (
        major.to_be_bytes(),
        minor.to_be_bytes(),
        patch.to_be_bytes(),
    );
    [a[0], a[1], b[0], b[1], c[0], c[1]]
};

/// What a plugin implements. Only [`Plugin::manifest`] is required; the other methods have
/// defaults that refuse politely, so a plugin implements just what it handles.
///
/// The host creates a fresh instance for every call: keep state in [`host::kv`], not in
/// statics.
pub trait Plugin {
    /// Who the plugin is and what it may do: its id, the hosts it may reach, its OAuth
    /// endpoints, the job kinds it runs and the secrets it may compare against.
    fn manifest() -> Manifest;

    /// Handles a webhook delivered to `/webhooks/{id}`. Answer quickly: verify, name the
    /// event (`event_key`) and enqueue jobs; do the slow work in [`Plugin::run_job`].
    ///
    /// The default answers `404 Not Found`.
    fn handle_webhook(request: WebhookRequest) -> Result<WebhookOutcome, PluginError> {
        let _ = request;
        Ok(WebhookOutcome::text(404, "this plugin accepts no webhooks"))
    }

    /// Runs one job (a backfill page, one activity's download, …) and returns the records it
    /// produced, follow-up jobs, progress, or a deferral.
    ///
    /// The default fails permanently, naming the job kind.
    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        Err(PluginError::Permanent(format!(
            "this plugin runs no `{}` jobs",
            job.kind
        )))
    }
}

/// Everything a plugin usually needs.
pub mod prelude {
    pub use crate::host::{self, Request, Response, Scope};
    pub use crate::{
        Activity, ActivityUpdate, AthleteRef, DailyMetrics, Hrv, HrvKind, HttpError, JobOutcome,
        JobRequest, Manifest, NewJob, OauthConfig, PlanProposal, Plugin, PluginError, Progress,
        RateBudget, RateWindow, RecordItem, Samples, Sleep, Sport, WebhookOutcome, WebhookRequest,
    };
}

/// Glue between the generated export and a [`Plugin`]; used by [`register_plugin!`].
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// Calls `P::manifest` with logging set up.
    pub fn manifest<P: Plugin>() -> Manifest {
        crate::log_backend::install();
        let mut manifest = P::manifest();
        manifest.version = manifest.version.trim().to_owned();
        manifest
    }

    /// Calls `P::handle_webhook` with logging set up.
    pub fn handle_webhook<P: Plugin>(
        request: WebhookRequest,
    ) -> Result<WebhookOutcome, PluginError> {
        crate::log_backend::install();
        P::handle_webhook(request)
    }

    /// Calls `P::run_job` with logging set up.
    pub fn run_job<P: Plugin>(job: JobRequest) -> Result<JobOutcome, PluginError> {
        crate::log_backend::install();
        P::run_job(job)
    }
}

/// Registers a type implementing [`Plugin`] as this component's exports and embeds the API
/// version the host checks. Call it once, at the crate root.
#[macro_export]
macro_rules! register_plugin {
    ($plugin:ty) => {
        #[doc(hidden)]
        pub struct __StridePluginExports;

        impl $crate::bindings::exports::stride::plugin::handler::Guest for __StridePluginExports {
            fn describe() -> $crate::Manifest {
                $crate::__private::manifest::<$plugin>()
            }

            fn handle_webhook(request: $crate::WebhookRequest) -> Result<$crate::WebhookOutcome, $crate::PluginError> {
                $crate::__private::handle_webhook::<$plugin>(request)
            }

            fn run_job(job: $crate::JobRequest) -> Result<$crate::JobOutcome, $crate::PluginError> {
                $crate::__private::run_job::<$plugin>(job)
            }
        }

        $crate::bindings::export!(__StridePluginExports with_types_in $crate::bindings);

        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "stride:api-version")]
        #[used]
        static __STRIDE_API_VERSION: [u8; 6] = $crate::API_VERSION_BYTES;
    };
}
