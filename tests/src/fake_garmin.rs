//! A fake Garmin Connect (Health and Activity APIs) for tests (work in progress).
