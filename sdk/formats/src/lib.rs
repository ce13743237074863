//! Activity files for Stride plugins: FIT, GPX and TCX (also gzipped, also in zip exports)
//! parsed into the SDK's [`Activity`] records, safely.
//!
//! # API (stable: the file-import and Garmin plugins call it)
//!
//! - [`read_file`]`(name, bytes) -> Result<Activity, FormatError>`: one activity file, by its
//!   name and content (`run.fit`, `ride.gpx.gz`, `lap.tcx`). The content decides, not the
//!   name: a file whose bytes are not what its extension says is refused
//!   ([`Problem::WrongType`]), and a file with an unknown extension is sniffed.
//!   [`read_file_with`] takes explicit [`Limits`].
//! - [`fit::read`], [`gpx::read`], [`tcx::read`]`(bytes)`: one format, uncompressed
//!   (`fit::read_named(name, bytes)` and friends to name the file in errors).
//! - [`archive::Zip`]: a zip export (Garmin or Strava bulk export) read entry by entry from
//!   any `Read + Seek`, so a caller can stop after N entries and continue later
//!   ([`archive::Zip::next_entry`], [`archive::Zip::position`], [`archive::Zip::resume`]).
//!   Zips inside the zip are read too (to [`Limits::max_depth`], caps across the whole tree),
//!   and a walk continues in a later call from its [`archive::Position`].
//! - [`read_recording_with`]: like [`read_file_with`], keeping the legs of a multisport FIT
//!   file ([`Recording`]: the whole, and one activity per leg pointing at it).
//! - [`gunzip`]: gzip with the size and ratio caps.
//! - Every error is a [`FormatError`] naming the file and the [`Problem`]; nothing panics,
//!   and memory and time are bounded by [`Limits`].
//!
//! # What an activity holds
//!
//! - `external_id`: SHA-256 of the (decompressed) file, hex — the same file imported twice,
//!   gzipped or not, is the same activity.
//! - `sport` from the file (FIT `sport`/`sub_sport`, GPX `<type>`, TCX `Sport`), the file's
//!   own words in `sport_detail`; `device` from FIT `file_id`, GPX `creator`, TCX `Creator`.
//! - `start_ms`, `utc_offset_s` (FIT `activity.local_timestamp`, or an offset written in GPX or
//!   TCX times), `duration_s` (elapsed), `moving_time_s`, `distance_m`, `elevation_gain_m`,
//!   heart rate, power, cadence, `energy_kcal`, every point as samples, and laps.
//! - The device's own summary (FIT session, TCX lap totals) wins when present; otherwise the
//!   numbers are computed from the points. How moving time (auto-pause below
//!   [`summary::AUTO_PAUSE_SPEED_MPS`] or across gaps over [`summary::PAUSE_GAP_S`]) and
//!   elevation gain (hysteresis of [`summary::ELEVATION_HYSTERESIS_M`]) are computed is in
//!   [`summary`].
//!
//! # Refused
//!
//! Empty files, truncated files, content that does not match its extension, XML with a
//! DOCTYPE or entity references (billion laughs, external entities: never expanded, never
//! fetched), archives and gzip streams that inflate beyond [`Limits`] (declared sizes are
//! checked before inflating and bytes are counted while inflating), more points than
//! [`Limits::max_points`], times that go backwards, FIT times relative to device power-on with
//! no correlation to a date, files without any time, and files whose points all share one
//! time (10,000 identical points are one point, so no duration). Repeated times are dropped
//! (the first point is kept).

pub mod archive;
mod error;
pub mod fit;
mod fit_records;
pub mod gpx;
pub mod summary;
pub mod tcx;
mod xml;

use std::io::Read;

pub use error::{FormatError, Problem};
pub use stride_plugin_sdk::Activity;

/// Size, ratio and count caps. Every field can be changed; [`Limits::default`] suits the
/// plugin sandbox (64 MiB of memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest single activity file once decompressed, bytes (default 32 MiB).
    pub max_file_bytes: u64,
    /// Most bytes a whole archive may inflate to, bytes (default 4 GiB).
    pub max_archive_bytes: u64,
    /// Highest compression ratio (uncompressed ÷ compressed) accepted for an entry or a gzip
    /// stream larger than [`Limits::ratio_floor_bytes`] (default 100; activity files compress
    /// 3–20×).
    pub max_ratio: u64,
    /// Below this many uncompressed bytes the ratio is not checked (default 1 MiB).
    pub ratio_floor_bytes: u64,
    /// Most entries an archive may list (default 100,000).
    pub max_entries: usize,
    /// Most points one file may hold (default 200,000: 55 hours at one a second).
    pub max_points: usize,
    /// Most zips deep an archive is read, the upload itself being the first (default 3: an
    /// export, the zips in it, and zips in those).
    pub max_depth: usize,
    /// Largest compressed inner zip inflated into memory to be read, bytes (default 256 MiB;
    /// an inner zip stored without compression is read in place, whatever its size).
    pub max_nested_zip_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 32 << 20,
            max_archive_bytes: 4 << 30,
            max_ratio: 100,
            ratio_floor_bytes: 1 << 20,
            max_entries: 100_000,
            max_points: 200_000,
            max_depth: 3,
            max_nested_zip_bytes: 256 << 20,
        }
    }
}

/// The formats this crate recognises by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Garmin FIT.
    Fit,
    /// GPX.
    Gpx,
    /// Garmin TCX.
    Tcx,
    /// gzip-compressed data.
    Gzip,
    /// A zip archive.
    Zip,
}

/// What `bytes` are, from their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Some(Format::Gzip)
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(Format::Zip)
    } else if fit::looks_like_fit(bytes) {
        Some(Format::Fit)
    } else if gpx::looks_like_gpx(bytes) {
        Some(Format::Gpx)
    } else if tcx::looks_like_tcx(bytes) {
        Some(Format::Tcx)
    } else {
        None
    }
}

/// The first element's local name, skipping the XML declaration, comments, a DOCTYPE and
/// processing instructions, looking at most at the first 64 KiB.
fn xml_root(bytes: &[u8]) -> Option<&[u8]> {
    let head = &bytes[..bytes.len().min(64 << 10)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut i = 0;
    while i < head.len() {
        let b = head[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b != b'<' {
            return None;
        }
        let rest = &head[i + 1..];
        if rest.starts_with(b"?") || rest.starts_with(b"!--") {
            let close: &[u8] = if rest.starts_with(b"?") {
                b"?>"
            } else {
                b"-->"
            };
            let end = head[i..].windows(close.len()).position(|w| w == close)?;
            i += end + close.len();
            continue;
        }
        if rest.starts_with(b"!") {
            // A DOCTYPE: skip it (bracketed internal subset included); the XML reader refuses it.
            let mut depth = 0i32;
            let mut j = i + 1;
            while j < head.len() {
                match head[j] {
                    b'[' => depth += 1,
                    b']' => depth -= 1,
                    b'>' if depth <= 0 => break,
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        let end = rest
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
            .unwrap_or(rest.len());
        let name = &rest[..end];
        let local = match name.iter().rposition(|c| *c == b':') {
            Some(p) => &name[p + 1..],
            None => name,
        };
        return Some(local);
    }
    None
}

pub(crate) fn xml_root_is(bytes: &[u8], root: &[u8]) -> bool {
    xml_root(bytes) == Some(root)
}

/// Words for what `bytes` look like, for [`Problem::WrongType`].
pub fn describe_magic(bytes: &[u8]) -> String {
    let known: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"BZh", "bzip2 data"),
        (b"\xfd7zXZ", "xz data"),
    ];
    if bytes.is_empty() {
        return "nothing (zero bytes)".to_owned();
    }
    match sniff(bytes) {
        Some(Format::Fit) => return "a FIT file".to_owned(),
        Some(Format::Gpx) => return "a GPX file".to_owned(),
        Some(Format::Tcx) => return "a TCX file".to_owned(),
        Some(Format::Gzip) => return "gzip-compressed data".to_owned(),
        Some(Format::Zip) => return "a zip archive".to_owned(),
        None => {}
    }
    if let Some((_, what)) = known.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return (*what).to_owned();
    }
    if let Some(root) = xml_root(bytes) {
        return format!("XML whose root is <{}>", String::from_utf8_lossy(root));
    }
    let head = &bytes[..bytes.len().min(512)];
    if std::str::from_utf8(head)
        .is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()))
    {
        let start: String = String::from_utf8_lossy(head).chars().take(24).collect();
        return format!("text starting {:?}", start.trim());
    }
    "unrecognised binary data".to_owned()
}

/// Decompresses gzip `bytes` (one or more members) under `limits`: at most
/// [`Limits::max_file_bytes`], and at most [`Limits::max_ratio`] times the compressed size once
/// past [`Limits::ratio_floor_bytes`]; counted while inflating, so a bomb stops early.
pub fn gunzip(file: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, FormatError> {
    if bytes.is_empty() {
        return Err(FormatError::new(file, Problem::Empty));
    }
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(FormatError::new(
            file,
            Problem::WrongType {
                expected: "gzip-compressed data".to_owned(),
                found: describe_magic(bytes),
            },
        ));
    }
    let by_ratio = (bytes.len() as u64)
        .saturating_mul(limits.max_ratio)
        .max(limits.ratio_floor_bytes);
    let cap = limits.max_file_bytes.min(by_ratio);
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| {
            let problem = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                Problem::Truncated("the gzip stream ends early".to_owned())
            } else {
                Problem::Malformed(format!("gzip: {e}"))
            };
            FormatError::new(file, problem)
        })?;
    if out.len() as u64 > cap {
        let why = if cap < limits.max_file_bytes {
            format!(
                "it inflates to more than {}× its compressed size (a zip bomb?)",
                limits.max_ratio
            )
        } else {
            format!(
                "it inflates to more than {} bytes, the limit for one activity file",
                limits.max_file_bytes
            )
        };
        return Err(FormatError::new(file, Problem::Refused(why)));
    }
    Ok(out)
}

/// Reads one activity file (FIT, GPX, TCX, or any of them gzipped) with the default
/// [`Limits`]. `name` is used in errors and as a hint; the content decides.
pub fn read_file(name: &str, bytes: &[u8]) -> Result<Activity, FormatError> {
    read_file_with(name, bytes, &Limits::default())
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Like [`read_file`], with explicit limits.
pub fn read_file_with(name: &str, bytes: &[u8], limits: &Limits) -> Result<Activity, FormatError> {
    read_recording_with(name, bytes, limits).map(|r| r.whole)
}

/// What one activity file holds: one activity, or for a multisport FIT file (several
/// `session` messages: swim, transition, bike, transition, run) the whole and its legs.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The whole file. For a multisport file: the parent, spanning every leg (sport
    /// [`stride_plugin_sdk::Sport::Other`], `sport_detail` `multisport: …`, totals summed over
    /// the legs).
    pub whole: Activity,
    /// A multisport file's legs in order, each with its own sport, start, totals, the points
    /// and laps in its time range, `external_id` `<whole's id>-<n>` (from 1), and
    /// `parent_external_id` the whole's id. Empty for a file with one session.
    pub legs: Vec<Activity>,
}

impl Recording {
    /// The activities to store, as the Garmin plugin does for multisport: the legs, whose
    /// `parent_external_id` names the whole (the whole itself is not stored, so its time and
    /// load are not counted twice); a file without legs is its one activity.
    pub fn into_stored(self) -> Vec<Activity> {
        if self.legs.is_empty() {
            vec![self.whole]
        } else {
            self.legs
        }
    }
}

/// Like [`read_file_with`], keeping a multisport file's legs (see [`Recording`]).
pub fn read_recording_with(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Recording, FormatError> {
    if bytes.is_empty() {
        return Err(FormatError::new(name, Problem::Empty));
    }
    let ext = extension(name);
    let expected = match ext.as_str() {
        "fit" => Some(Format::Fit),
        "gpx" => Some(Format::Gpx),
        "tcx" => Some(Format::Tcx),
        "gz" | "gzip" => Some(Format::Gzip),
        "zip" => Some(Format::Zip),
        _ => None,
    };
    let found = sniff(bytes);
    let looks_xml = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'<');
    // XML whose root is not visible in its head (a huge DOCTYPE, say) still goes to the XML
    // reader, which gives the precise reason; anything recognisably else is the wrong type.
    let mismatch = match (expected, found) {
        (Some(e), Some(f)) => e != f,
        (Some(Format::Gpx | Format::Tcx), None) => !looks_xml,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if mismatch {
        return Err(FormatError::new(
            name,
            Problem::WrongType {
                expected: format!("a {} file", ext.to_ascii_uppercase()),
                found: describe_magic(bytes),
            },
        ));
    }
    if (bytes.len() as u64) > limits.max_file_bytes {
        return Err(FormatError::new(
            name,
            Problem::Refused(format!(
                "{} bytes is more than the {} bytes allowed for one activity file",
                bytes.len(),
                limits.max_file_bytes
            )),
        ));
    }
    match found.or(expected) {
        Some(Format::Gzip) => {
            let inner = gunzip(name, bytes, limits)?;
            let stem = name
                .rsplit_once('.')
                .map(|(s, _)| s)
                .filter(|s| s.contains('.'))
                .unwrap_or("");
            if inner.is_empty() {
                return Err(FormatError::new(name, Problem::Empty));
            }
            match sniff(&inner) {
                Some(Format::Fit | Format::Gpx | Format::Tcx) => {}
                _ if !stem.is_empty() => {}
                _ => {
                    return Err(FormatError::new(
                        name,
                        Problem::WrongType {
                            expected: "a gzipped FIT, GPX or TCX file".to_owned(),
                            found: format!("gzip holding {}", describe_magic(&inner)),
                        },
                    ));
                }
            }
            // Errors keep the name the athlete knows (`run.fit.gz`).
            let inner_name = if stem.is_empty() { name } else { stem };
            read_plain(name, inner_name, &inner, limits)
        }
        Some(Format::Zip) => Err(FormatError::new(
            name,
            Problem::WrongType {
                expected: "one activity file".to_owned(),
                found: "a zip archive (read it with stride_formats::archive::Zip)".to_owned(),
            },
        )),
        _ => read_plain(name, name, bytes, limits),
    }
}

fn read_plain(
    file: &str,
    hint: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Recording, FormatError> {
    let single = |activity: Result<Activity, FormatError>| {
        activity.map(|whole| Recording {
            whole,
            legs: Vec::new(),
        })
    };
    if bytes.is_empty() {
        return Err(FormatError::new(file, Problem::Empty));
    }
    let expected = match extension(hint).as_str() {
        "fit" => Some(Format::Fit),
        "gpx" => Some(Format::Gpx),
        "tcx" => Some(Format::Tcx),
        _ => None,
    };
    match sniff(bytes).or(expected) {
        Some(Format::Fit) => fit::read_recording_named(file, bytes),
        Some(Format::Gpx) => single(gpx::read_named(file, bytes, limits)),
        Some(Format::Tcx) => single(tcx::read_named(file, bytes, limits)),
        _ => Err(FormatError::new(
            file,
            Problem::WrongType {
                expected: "a FIT, GPX or TCX file".to_owned(),
                found: describe_magic(bytes),
            },
        )),
    }
}
