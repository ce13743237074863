//! What Stride holds about a person, handed back to them.
//!
//! [`export`]: an athlete (or an admin on their behalf, audited) asks for everything Stride
//! holds about them; a durable job builds a documented zip archive (JSON files and a
//! README), stores it in the database in chunks so that any replica can serve it, and reports
//! its progress as it goes. Archives expire after `ExportSettings::keep_days`.

pub mod export;

pub use export::{BuildExport, ExportSettings, Exports};
