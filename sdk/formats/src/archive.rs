//! Zip exports (Garmin's and Strava's bulk exports, or any zip of activity files), read entry
//! by entry from any `Read + Seek` so the caller decides how much to do per call.
//!
//! An entry named `*.fit`, `*.gpx`, `*.tcx` (each optionally `.gz`) is an activity file;
//! directories and every other file (`activities.csv`, photos, profile JSON) are skipped
//! without complaint. Each entry is checked before inflating (its declared size against
//! [`Limits::max_file_bytes`], the archive's running total against
//! [`Limits::max_archive_bytes`], its declared ratio against [`Limits::max_ratio`]) and again
//! while inflating (bytes are counted, so a header that lies about sizes stops at the cap).
//! A zip inside the zip is reported, not opened.

use std::io::{Read, Seek};

use stride_plugin_sdk::Activity;

use crate::error::{FormatError, Problem};
use crate::{Limits, read_file_with};

/// What one entry of an archive gave.
#[derive(Debug)]
pub enum Entry {
    /// An activity, from the entry named `name`.
    Activity {
        /// The entry's path in the archive.
        name: String,
        /// The activity.
        activity: Box<Activity>,
    },
    /// Not an activity file (a directory, a CSV, a photo): nothing to report.
    Skipped {
        /// The entry's path in the archive.
        name: String,
    },
    /// An activity file that could not be used; the error names the entry.
    Problem(FormatError),
}

/// A zip archive being read.
pub struct Zip<R: Read + Seek> {
    name: String,
    archive: zip::ZipArchive<R>,
    limits: Limits,
    inflated: u64,
}

impl<R: Read + Seek> std::fmt::Debug for Zip<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zip")
            .field("name", &self.name)
            .field("entries", &self.archive.len())
            .field("inflated", &self.inflated)
            .finish()
    }
}

/// Whether an entry's name is an activity file this crate reads.
pub fn is_activity_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    lower.ends_with(".fit") || lower.ends_with(".gpx") || lower.ends_with(".tcx")
}

impl<R: Read + Seek> Zip<R> {
    /// Opens the archive `name` (used in errors) and reads its directory.
    pub fn open(name: &str, reader: R, limits: Limits) -> Result<Self, FormatError> {
        let archive = zip::ZipArchive::new(reader).map_err(|e| {
            FormatError::new(
                name,
                Problem::Malformed(format!("not a readable zip archive: {e}")),
            )
        })?;
        if archive.len() > limits.max_entries {
            return Err(FormatError::new(
                name,
                Problem::Refused(format!(
                    "the archive lists {} entries, more than the {} allowed",
                    archive.len(),
                    limits.max_entries
                )),
            ));
        }
        Ok(Zip {
            name: name.to_owned(),
            archive,
            limits,
            inflated: 0,
        })
    }

    /// Number of entries (directories and other files included).
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    /// Whether the archive has no entries.
    pub fn is_empty(&self) -> bool {
        self.archive.len() == 0
    }

    /// Bytes inflated so far (with the total carried over from earlier calls).
    pub fn inflated(&self) -> u64 {
        self.inflated
    }

    /// Continues a total counted in earlier calls on the same archive, so
    /// [`Limits::max_archive_bytes`] holds across calls.
    pub fn resume_inflated(&mut self, bytes: u64) {
        self.inflated = bytes;
    }

    /// Reads entry `index` (0-based). An index past the end is a [`Entry::Problem`].
    pub fn entry(&mut self, index: usize) -> Entry {
        let limits = self.limits.clone();
        let archive_name = self.name.clone();
        let Some(name) = self.archive.name_for_index(index).map(str::to_owned) else {
            return Entry::Problem(FormatError::new(
                &archive_name,
                Problem::Malformed(format!("the archive has no entry {index}")),
            ));
        };
        let refuse = |why: String| Entry::Problem(FormatError::new(&name, Problem::Refused(why)));
        if name.to_ascii_lowercase().ends_with(".zip") {
            return refuse("a zip inside the zip; unpack it and upload it on its own".to_owned());
        }
        if name.ends_with('/') || !is_activity_name(&name) {
            return Entry::Skipped { name: name.clone() };
        }
        let mut file = match self.archive.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                return Entry::Problem(FormatError::new(
                    &name,
                    Problem::Malformed(format!("cannot read this entry: {e}")),
                ));
            }
        };
        if file.is_dir() {
            return Entry::Skipped { name: name.clone() };
        }
        let declared = file.size();
        let compressed = file.compressed_size().max(1);
        if declared == 0 {
            return Entry::Problem(FormatError::new(&name, Problem::Empty));
        }
        if declared > limits.max_file_bytes {
            return refuse(format!(
                "it declares {declared} bytes uncompressed, more than the {} allowed for one \
                 activity file",
                limits.max_file_bytes
            ));
        }
        if self.inflated.saturating_add(declared) > limits.max_archive_bytes {
            return refuse(format!(
                "the archive would inflate to more than {} bytes in all",
                limits.max_archive_bytes
            ));
        }
        if declared > limits.ratio_floor_bytes && declared / compressed > limits.max_ratio {
            return refuse(format!(
                "it declares {declared} bytes from {compressed} compressed, a ratio over {} \
                 (a zip bomb?)",
                limits.max_ratio
            ));
        }
        // Count while inflating: never more than declared, whatever the header says.
        let cap = declared.min(limits.max_file_bytes).min(
            compressed
                .saturating_mul(limits.max_ratio)
                .max(limits.ratio_floor_bytes),
        );
        let mut bytes = Vec::with_capacity(usize::try_from(cap).unwrap_or(0).min(1 << 24));
        let read = (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut bytes);
        drop(file);
        self.inflated = self.inflated.saturating_add(bytes.len() as u64);
        if let Err(e) = read {
            return Entry::Problem(FormatError::new(
                &name,
                Problem::Malformed(format!("cannot inflate this entry: {e}")),
            ));
        }
        if bytes.len() as u64 > cap {
            return refuse(format!(
                "it inflates to more than the {cap} bytes its header and the limits allow \
                 (a forged header or a zip bomb)"
            ));
        }
        match read_file_with(&name, &bytes, &limits) {
            Ok(activity) => Entry::Activity {
                name,
                activity: Box::new(activity),
            },
            Err(e) => Entry::Problem(e),
        }
    }
}
