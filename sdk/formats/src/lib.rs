//! Activity files (FIT, GPX, TCX) parsed into the SDK's records (work in progress).
