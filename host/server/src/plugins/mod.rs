//! The server's side of plugins: the services a running host lends them, their
//! administration, and where this build put the bundled plugins. The sandbox itself is the
//! `stride-sandbox` crate.

pub mod admin;
pub mod services;

/// Where this build put the bundled (production) plugins.
pub const BUNDLED_PLUGINS_DIR: &str = env!("BUNDLED_PLUGINS_DIR");

/// Where this build put the guide's example and the test plugins.
pub const EXAMPLE_PLUGINS_DIR: &str = env!("EXAMPLE_PLUGINS_DIR");
