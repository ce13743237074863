//! Write Stride integration plugins.
//!
//! A plugin is a WebAssembly component that the Stride host runs in a sandbox. It receives
//! webhooks, runs jobs, imports athletes' history and reads their uploads; it talks to the outside world only through the host (HTTP to the
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
        // The newest frozen version; `API_VERSION` below says the same (a test checks).
        path: "wit/since_v1.1.0",
        world: "plugin",
        pub_export_macro: true,
        default_bindings_module: "stride_plugin_sdk::bindings",
    });
}

pub use bindings::stride::plugin::types::{
    Activity, ActivityUpdate, AthleteRef, DailySummary, Header, HistoryOutcome, HistoryRequest,
    Hrv, HrvKind, HttpError, HttpRequest, HttpResponse, JobOutcome, JobRequest, Lap, LogField,
    LogLevel, Manifest, Measure, Measurement, NewJob, Notice, OauthConfig, PlanProposal,
    PluginError, Progress, RateBudget, RateWindow, RecordItem, Samples, Sleep, Sport, UploadKind,
    UploadOutcome, UploadProblem, UploadRequest, WebhookOutcome, WebhookReply, WebhookRequest,
};

/// The plugin API version this SDK builds against: (major, minor, patch). It is this crate's
/// own version, the one place it is written (`Cargo.toml`); the WIT folder bound above must be
/// `since_v{major}.{minor}.{patch}` (a test checks).
pub const API_VERSION: (u16, u16, u16) = (
    parse_u16(env!("CARGO_PKG_VERSION_MAJOR")),
    parse_u16(env!("CARGO_PKG_VERSION_MINOR")),
    parse_u16(env!("CARGO_PKG_VERSION_PATCH")),
);

const fn parse_u16(text: &str) -> u16 {
    let bytes = text.as_bytes();
    let mut value: u16 = 0;
    let mut i = 0;
    while i < bytes.len() {
        value = value * 10 + (bytes[i] - b'0') as u16;
        i += 1;
    }
    value
}

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

    /// Runs one of the plugin's own jobs (one activity's download, a follow-up of an event)
    /// and returns the records it produced, follow-up jobs, progress, or a deferral.
    ///
    /// The default fails permanently, naming the job kind.
    fn run_job(job: JobRequest) -> Result<JobOutcome, PluginError> {
        Err(PluginError::Permanent(format!(
            "this plugin runs no `{}` jobs",
            job.kind
        )))
    }

    /// Imports one page of a newly connected athlete's history. The host calls it with page
    /// 1 when the athlete connects (if the manifest sets `history_import`), then again with
    /// each `next_cursor` the plugin returns, until it returns none. Progress is shown to the
    /// athlete.
    ///
    /// The default imports nothing.
    fn import_history(request: HistoryRequest) -> Result<HistoryOutcome, PluginError> {
        let _ = request;
        Ok(HistoryOutcome::done())
    }

    /// Reads something the athlete sent directly: an uploaded file, or a relay app's delivery
    /// (if the manifest lists `uploads`). Read the body with [`host::upload`]; return the
    /// records, what could not be used (per item, with a reason), and a cursor when there is
    /// more to do in another call.
    ///
    /// The default refuses.
    fn receive_upload(request: UploadRequest) -> Result<UploadOutcome, PluginError> {
        let _ = request;
        Err(PluginError::BadInput(
            "this plugin accepts no uploads".to_owned(),
        ))
    }
}

/// Everything a plugin usually needs.
pub mod prelude {
    pub use crate::host::{self, Request, Response, Scope};
    pub use crate::{
        Activity, ActivityUpdate, AthleteRef, DailySummary, HistoryOutcome, HistoryRequest, Hrv,
        HrvKind, HttpError, JobOutcome, JobRequest, Lap, Manifest, Measure, Measurement, NewJob,
        Notice, OauthConfig, PlanProposal, Plugin, PluginError, Progress, RateBudget, RateWindow,
        RecordItem, Samples, Sleep, Sport, UploadKind, UploadOutcome, UploadProblem, UploadRequest,
        WebhookOutcome, WebhookRequest,
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

    /// Calls `P::import_history` with logging set up.
    pub fn import_history<P: Plugin>(
        request: HistoryRequest,
    ) -> Result<HistoryOutcome, PluginError> {
        crate::log_backend::install();
        P::import_history(request)
    }

    /// Calls `P::receive_upload` with logging set up.
    pub fn receive_upload<P: Plugin>(request: UploadRequest) -> Result<UploadOutcome, PluginError> {
        crate::log_backend::install();
        P::receive_upload(request)
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

            fn import_history(request: $crate::HistoryRequest) -> Result<$crate::HistoryOutcome, $crate::PluginError> {
                $crate::__private::import_history::<$plugin>(request)
            }

            fn receive_upload(request: $crate::UploadRequest) -> Result<$crate::UploadOutcome, $crate::PluginError> {
                $crate::__private::receive_upload::<$plugin>(request)
            }
        }

        $crate::bindings::export!(__StridePluginExports with_types_in $crate::bindings);

        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "stride:api-version")]
        #[used]
        static __STRIDE_API_VERSION: [u8; 6] = $crate::API_VERSION_BYTES;
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bound_wit_folder_is_the_crate_version() {
        // `bindings` binds `wit/since_v1.1.0`; that folder's package must carry the version
        // the SDK embeds (from `Cargo.toml`).
        let (major, minor, patch) = super::API_VERSION;
        let folder = format!("wit/since_v{major}.{minor}.{patch}");
        let world = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(&folder)
                .join("world.wit"),
        )
        .unwrap_or_else(|e| panic!("{folder}/world.wit: {e}"));
        assert!(
            world.contains(&format!("package stride:plugin@{major}.{minor}.{patch};")),
            "{folder}/world.wit declares another version"
        );
        let lib = include_str!("lib.rs");
        assert!(
            lib.contains(&format!("path: \"{folder}\"")),
            "the bindings are not generated from {folder}"
        );
    }
}
