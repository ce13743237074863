//! Stride, the application: the GraphQL API, the services behind it, background jobs and the
//! `stride` command line.
//!
//! The layers below are crates of their own, so the compiler keeps the dependencies pointing
//! one way (see `DESIGN.md` at the repository's root): `stride-domain` (pure training
//! science), `stride-store` (the only SQL) and `stride-sandbox` (the WebAssembly plugin host).
//! Here: [`records`] (the one write path for athlete data), [`training`] (reading and
//! logging it), [`ingest`] (webhooks and plugin jobs), [`rules`], [`gate`], [`audit`],
//! [`auth`], [`connections`], [`jobs`] and [`api`].

pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
mod by_athlete;
pub mod cli;
pub mod config;
pub mod connections;
pub mod digest;
pub mod erasure;
pub mod error;
pub mod events;
pub mod gate;
pub mod ingest;
pub mod insights;
pub mod jobs;
pub mod metrics;
pub mod ops;
pub mod plugins;
pub mod privacy;
pub mod records;
pub mod rules;
mod spread;
pub mod telemetry;
mod together;
pub mod training;

pub use app::{AppState, Application};
