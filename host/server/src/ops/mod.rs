//! Operating a deployment from the command line: backups and restores.

pub mod backup;
mod pg_tools;
