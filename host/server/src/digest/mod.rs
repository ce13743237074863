//! The weekly digest: what it says (`model`), how it reads (`render`), sending it (`mail`),
//! and when each person gets it (`service`).

pub mod mail;
pub mod model;
pub mod render;
mod service;

pub use service::{DigestConfig, DigestPreferences, Digests, SendDigest, monday_of, week_label};
