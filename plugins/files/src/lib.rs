//! File import: FIT, GPX and TCX files (also gzipped), and zip archives of them such as a
//! Garmin or Strava bulk export, parsed in the sandbox with `stride-formats`.
//!
//! - **Manifest**: accepts `files` uploads; reaches no host, holds no secrets.
//! - **One file**: becomes one activity (external id = SHA-256 of its content, so importing
//!   the same file again is recognised), or one problem naming the file and what is wrong.
//! - **An archive**: read entry by entry through the `upload` import (never whole into
//!   memory), zips inside it included (a Garmin export's
//!   `DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip`): an entry of an inner
//!   zip is named `inner.zip!path`. Each call handles at most `files_per_call` activity files
//!   (default 25) or `bytes_per_call` inflated bytes (default 24 MiB), then returns
//!   `next-cursor` (`stride_formats::archive::Position`: the next entry's index at each level,
//!   `/`-separated, then the bytes inflated and entries listed so far) so the host calls
//!   again: no call holds a whole export's activities. Entries that are not activity files
//!   (CSV, photos, folders) are skipped silently; every activity file that cannot be used is
//!   a problem whose item is its path inside the archive. The rest of the archive continues,
//!   except after a breach of a cap of the whole tree (a nested zip bomb), which is the last
//!   problem of the archive.
//! - **Multisport FIT files** (a triathlon) become one activity per leg, each with
//!   `parent_external_id` the file's id; the whole is not stored (as the Garmin plugin does
//!   for multisport), so time and load count once.
//! - **Caps** (settings, all optional): `max_file_bytes` (default 16 MiB here, for the
//!   sandbox's memory), `max_archive_bytes`, `max_ratio`, `max_entries`, `max_points`,
//!   `max_depth` (zips deep, default 3), `max_nested_zip_bytes` (a compressed inner zip is
//!   inflated into memory: default 24 MiB here) override `stride_formats::Limits`;
//!   `files_per_call` and `bytes_per_call` pace archives.

use std::io::{Read, Seek, SeekFrom};

use stride_formats::archive::{Entry, Position, Zip};
use stride_formats::{FormatError, Limits, Problem};
use stride_plugin_sdk::prelude::*;

/// Activity files per call on an archive.
const FILES_PER_CALL: usize = 25;
/// Inflated bytes per call on an archive.
const BYTES_PER_CALL: u64 = 24 << 20;

struct Files;

fn setting<T: std::str::FromStr>(key: &str) -> Option<T> {
    host::setting(key).and_then(|v| v.trim().parse().ok())
}

/// One activity file's default cap in the sandbox (its 64 MiB of memory holds the file, its
/// points and the records built from them).
const MAX_FILE_BYTES: u64 = 16 << 20;
/// A compressed inner zip's default cap in the sandbox: it is held in memory while read.
const MAX_NESTED_ZIP_BYTES: u64 = 24 << 20;

fn limits() -> Limits {
    let mut limits = Limits {
        max_file_bytes: MAX_FILE_BYTES,
        max_nested_zip_bytes: MAX_NESTED_ZIP_BYTES,
        ..Limits::default()
    };
    if let Some(v) = setting("max_depth") {
        limits.max_depth = v;
    }
    if let Some(v) = setting("max_nested_zip_bytes") {
        limits.max_nested_zip_bytes = v;
    }
    if let Some(v) = setting("max_file_bytes") {
        limits.max_file_bytes = v;
    }
    if let Some(v) = setting("max_archive_bytes") {
        limits.max_archive_bytes = v;
    }
    if let Some(v) = setting("max_ratio") {
        limits.max_ratio = v;
    }
    if let Some(v) = setting("max_entries") {
        limits.max_entries = v;
    }
    if let Some(v) = setting("max_points") {
        limits.max_points = v;
    }
    limits
}

fn problem(outcome: UploadOutcome, error: &FormatError) -> UploadOutcome {
    outcome.problem(error.file.clone(), error.problem.to_string())
}

fn parse_cursor(text: Option<&str>) -> Result<Position, PluginError> {
    match text {
        None => Ok(Position::default()),
        Some(text) => text.parse().map_err(PluginError::BadInput),
    }
}

/// The activities of one file: a multisport file's legs, else its one activity.
fn record_all(
    mut outcome: UploadOutcome,
    activity: Activity,
    legs: Vec<Activity>,
) -> UploadOutcome {
    let recording = stride_formats::Recording {
        whole: activity,
        legs,
    };
    for activity in recording.into_stored() {
        outcome = outcome.record(RecordItem::Activity(activity));
    }
    outcome
}

fn is_zip(head: &[u8], name: &str) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || (head.starts_with(b"PK") && name.to_ascii_lowercase().ends_with(".zip"))
}

fn read_single(name: &str, mut upload: host::Upload, limits: &Limits) -> UploadOutcome {
    let mut outcome = UploadOutcome::empty();
    outcome.items_done = 1;
    if upload.size() > limits.max_file_bytes {
        return problem(
            outcome,
            &FormatError::new(
                name,
                Problem::Refused(format!(
                    "{} bytes is more than the {} bytes allowed for one activity file",
                    upload.size(),
                    limits.max_file_bytes
                )),
            ),
        );
    }
    let bytes = match upload.read_all() {
        Ok(bytes) => bytes,
        Err(e) => {
            return problem(
                outcome,
                &FormatError::new(name, Problem::Malformed(format!("could not be read: {e}"))),
            );
        }
    };
    match stride_formats::read_recording_with(name, &bytes, limits) {
        Ok(recording) => record_all(outcome, recording.whole, recording.legs),
        Err(e) => problem(outcome, &e),
    }
}

fn read_archive(
    name: &str,
    upload: host::Upload,
    cursor: &Position,
    limits: Limits,
) -> Result<UploadOutcome, PluginError> {
    let mut outcome = UploadOutcome::empty();
    let mut zip = match Zip::open(name, upload, limits) {
        Ok(zip) => zip,
        Err(e) => {
            outcome.items_done = 1;
            return Ok(problem(outcome, &e));
        }
    };
    if *cursor != Position::default() {
        zip.resume(cursor)
            .map_err(|e| PluginError::BadInput(e.to_string()))?;
    }
    let files_per_call = setting("files_per_call")
        .filter(|n: &usize| *n > 0)
        .unwrap_or(FILES_PER_CALL);
    let bytes_per_call = setting("bytes_per_call")
        .filter(|n: &u64| *n > 0)
        .unwrap_or(BYTES_PER_CALL);
    let mut files = 0usize;
    let mut looked = 0u32;
    let start_inflated = zip.inflated();
    while files < files_per_call && zip.inflated() - start_inflated < bytes_per_call {
        let Some(entry) = zip.next_entry() else {
            break;
        };
        looked += 1;
        match entry {
            Entry::Activity { activity, legs, .. } => {
                files += 1;
                outcome = record_all(outcome, *activity, legs);
            }
            Entry::Problem(e) => {
                files += 1;
                outcome = problem(outcome, &e);
            }
            Entry::Skipped { .. } => {}
        }
    }
    outcome.items_done = looked;
    let position = zip.position();
    if !zip.is_finished() {
        outcome.next_cursor = Some(position.to_string());
    }
    log::info!(
        "{name}: from {cursor} to {position} ({} entries at the top), {files} activity files, {} problems",
        zip.len(),
        outcome.problems.len()
    );
    Ok(outcome)
}

impl Plugin for Files {
    fn manifest() -> Manifest {
        let mut manifest = Manifest::new(
            "files",
            env!("CARGO_PKG_VERSION"),
            "Activity files (FIT, GPX, TCX, zip exports)",
        );
        manifest.uploads = vec![UploadKind::Files];
        manifest
    }

    fn receive_upload(request: UploadRequest) -> Result<UploadOutcome, PluginError> {
        if !matches!(request.kind, UploadKind::Files) {
            return Err(PluginError::BadInput(
                "this plugin reads uploaded files only".to_owned(),
            ));
        }
        let name = request
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "upload".to_owned());
        let limits = limits();
        let mut upload = host::upload();
        if upload.size() == 0 {
            let mut outcome = UploadOutcome::empty();
            outcome.items_done = 1;
            return Ok(problem(outcome, &FormatError::new(&name, Problem::Empty)));
        }
        let mut head = [0u8; 4];
        let mut filled = 0;
        while filled < head.len() {
            match upload.read(&mut head[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) => return Err(PluginError::Retryable(format!("reading the upload: {e}"))),
            }
        }
        upload
            .seek(SeekFrom::Start(0))
            .map_err(|e| PluginError::Retryable(format!("reading the upload: {e}")))?;
        if is_zip(&head[..filled], &name) {
            read_archive(
                &name,
                upload,
                &parse_cursor(request.cursor.as_deref())?,
                limits,
            )
        } else {
            Ok(read_single(&name, upload, &limits))
        }
    }
}

stride_plugin_sdk::register_plugin!(Files);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let cursor = Position {
            path: vec![7, 3],
            inflated: 1234,
            listed: 40,
        };
        assert_eq!(parse_cursor(Some(&cursor.to_string())).ok(), Some(cursor));
        // A cursor of the previous version (`entry:inflated`) still reads.
        assert_eq!(
            parse_cursor(Some("7:1234")).ok(),
            Some(Position {
                path: vec![7],
                inflated: 1234,
                listed: 0
            })
        );
        assert!(parse_cursor(Some("seven")).is_err());
        assert!(parse_cursor(Some("1/x:2:3")).is_err());
        assert_eq!(parse_cursor(None).ok(), Some(Position::default()));
    }
}
