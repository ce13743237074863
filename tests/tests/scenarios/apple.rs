//! Scenarios for apple (work in progress).
