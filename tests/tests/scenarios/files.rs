//! Scenarios for files (work in progress).
