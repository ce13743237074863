//! Host bindings of each supported plugin API version, generated from the SDK's frozen WIT.
//!
//! One module per version, as Zed does for its extension API; the latest is re-exported and
//! older versions (when there are any) convert into it.

/// Plugin API 1.0.x.
#[expect(
    missing_docs,
    reason = "generated from the WIT files, which carry the documentation"
)]
pub mod since_v1_0_0 {
    wasmtime::component::bindgen!({
        path: "../sdk/wit/since_v1.0.0",
        world: "plugin",
        imports: { default: async | trappable },
        exports: { default: async },
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
    });
}

pub use since_v1_0_0::exports::stride::plugin::handler;
pub use since_v1_0_0::stride::plugin::kv::Scope as KvScope;
pub use since_v1_0_0::stride::plugin::types::*;
pub use since_v1_0_0::{Plugin as PluginWorld, PluginPre as PluginWorldPre};
