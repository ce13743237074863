//! End-to-end scenarios against a real server on port 0 and a real database. Run on SQLite by
//! default; set `STRIDE_TEST_DATABASE_URL=postgres://…` to run the same scenarios on
//! PostgreSQL.

mod access;
mod accounts;
mod apple;
mod audit_log;
mod devices;
mod digest;
mod files;
mod garmin;
mod gate;
mod http;
mod insights;
mod jobs;
mod load;
mod metrics;
mod operations;
mod pagination;
mod plugins;
mod privacy_export;
mod records;
mod roles;
mod schema;
mod security;
mod strava;
mod training;
mod validation;
