//! File import (work in progress: only its manifest so far).

use stride_plugin_sdk::prelude::*;

struct Plugin_;

impl Plugin for Plugin_ {
    fn manifest() -> Manifest {
        Manifest::new("files", env!("CARGO_PKG_VERSION"), "File import")
    }
}

stride_plugin_sdk::register_plugin!(Plugin_);
