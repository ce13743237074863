//! Stride host: the server and the `stride` command line.
//!
//! Parts, each with one job (see `DESIGN.md`): [`domain`] (pure training science),
//! [`store`] (the only SQL), [`audit`] (the hash-chained log), [`auth`] (accounts and
//! access), [`training`] (athlete data), [`plugins`] (the WebAssembly sandbox), [`api`]
//! (GraphQL and HTTP).

// Declared first: its `text_enum!` macro is used by the parts below.
#[macro_use]
pub mod domain;

pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connections;
pub mod error;
pub mod gate;
pub mod ingest;
pub mod jobs;
pub mod plugins;
pub mod rules;
pub mod store;
pub mod telemetry;
pub mod training;

pub use app::{AppState, Application};
