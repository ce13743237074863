//! Scenarios for garmin (work in progress).
