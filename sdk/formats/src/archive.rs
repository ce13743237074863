//! Zip exports (Garmin's and Strava's bulk exports, or any zip of activity files), read entry
//! by entry from any `Read + Seek` so the caller decides how much to do per call.
//!
//! An entry named `*.fit`, `*.gpx`, `*.tcx` (each optionally `.gz`) is an activity file;
//! directories and every other file (`activities.csv`, photos, profile JSON) are skipped
//! without complaint.
//!
//! **Zips inside the zip** (Garmin's export holds
//! `DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip`, each holding many
//! `.fit` files) are read too, depth first, down to [`Limits::max_depth`] zips deep (the
//! upload itself is the first). An entry inside an inner zip is named by its path there after
//! the inner zip's own path and a `!`:
//! `DI_CONNECT/…/UploadedFiles_0-_Part1.zip!123.fit`. An inner zip stored without compression
//! is read in place; a compressed one is inflated into memory, at most
//! [`Limits::max_nested_zip_bytes`].
//!
//! **Caps across the whole tree.** Each entry (activity file or inner zip) is checked before
//! inflating: its declared size against [`Limits::max_file_bytes`] (an inner zip: against
//! [`Limits::max_nested_zip_bytes`]), the running total of every byte inflated anywhere in the
//! tree against [`Limits::max_archive_bytes`], and its ratio against [`Limits::max_ratio`],
//! where the ratio of an entry of an inner zip is multiplied by the ratios of the zips it is
//! inside (what it stands for per byte of the upload). Every archive's entries count towards
//! one [`Limits::max_entries`]. Bytes are counted again while inflating, so a header that lies
//! about sizes stops at the cap. An activity file that breaks a cap of its own is one problem
//! and the rest continues; a breach of a cap of the whole tree (the total, the entry count,
//! the depth, an inner zip's ratio: a nested zip bomb) is one problem naming the path inside
//! the archive, and the walk stops there.
//!
//! A walk can stop after any entry and continue in a later call from its [`Position`] (the
//! next entry's index at each level, and the totals so far).

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

use stride_plugin_sdk::Activity;

use crate::error::{FormatError, Problem};
use crate::{Limits, read_recording_with};

/// Separates an inner zip's path from a path inside it in entry names: `Part1.zip!123.fit`.
pub const NESTED_SEPARATOR: char = '!';

/// What one entry of an archive gave.
#[derive(Debug)]
pub enum Entry {
    /// An activity file, from the entry named `name`.
    Activity {
        /// The entry's path in the archive (`inner.zip!path` inside an inner zip).
        name: String,
        /// The file's activity (for a multisport FIT file: the whole, parent of `legs`).
        activity: Box<Activity>,
        /// A multisport FIT file's legs (see [`crate::Recording`]); empty otherwise.
        legs: Vec<Activity>,
    },
    /// Not an activity file (a directory, a CSV, a photo): nothing to report.
    Skipped {
        /// The entry's path in the archive.
        name: String,
    },
    /// An activity file (or an inner zip) that could not be used; the error names the entry.
    Problem(FormatError),
}

/// Where a walk stands: the next entry's index in each open archive, outermost first, and
/// the totals so far. Written as text (`4/17:123456:40`: entry 17 of the zip that is entry 3
/// of the upload, 123,456 bytes inflated, 40 entries listed by inner zips; `7:1234` in an
/// archive without inner zips) for a cursor between calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// The next entry's index at each level; `[]` is the start.
    pub path: Vec<usize>,
    /// Bytes inflated so far across the tree.
    pub inflated: u64,
    /// Entries listed so far by the inner zips opened (the outermost archive's are counted
    /// when it is opened).
    pub listed: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path: Vec<String> = self.path.iter().map(usize::to_string).collect();
        let path = if path.is_empty() {
            "0".to_owned()
        } else {
            path.join("/")
        };
        write!(f, "{path}:{}", self.inflated)?;
        if self.listed > 0 {
            write!(f, ":{}", self.listed)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Position {
    type Err = String;

    /// Parses `path:inflated[:listed]` (the older `entry:inflated` included).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("not a position in an archive: {text}");
        let mut parts = text.split(':');
        let path = parts.next().ok_or_else(bad)?;
        let path = path
            .split('/')
            .map(|p| p.parse::<usize>().map_err(|_| bad()))
            .collect::<Result<Vec<_>, _>>()?;
        let inflated = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let listed = match parts.next() {
            Some(n) => n.parse().map_err(|_| bad())?,
            None => 0,
        };
        if parts.next().is_some() || path.len() > 64 {
            return Err(bad());
        }
        Ok(Position {
            path,
            inflated,
            listed,
        })
    }
}

/// Where an archive's bytes are: a window on the upload, or an inner zip inflated into memory.
enum Base<R> {
    Shared(Rc<RefCell<R>>),
    Memory(Rc<[u8]>),
}

impl<R> Clone for Base<R> {
    fn clone(&self) -> Self {
        match self {
            Base::Shared(r) => Base::Shared(Rc::clone(r)),
            Base::Memory(b) => Base::Memory(Rc::clone(b)),
        }
    }
}

/// `len` bytes of a base from `start`, readable and seekable on their own.
struct Window<R> {
    base: Base<R>,
    start: u64,
    len: u64,
    pos: u64,
}

impl<R: Read + Seek> Read for Window<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.pos >= self.len {
            return Ok(0);
        }
        let want = usize::try_from(self.len - self.pos)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let at = self.start.saturating_add(self.pos);
        let n = match &self.base {
            Base::Shared(reader) => {
                let mut reader = reader
                    .try_borrow_mut()
                    .map_err(|_| io::Error::other("the archive is being read twice at once"))?;
                reader.seek(SeekFrom::Start(at))?;
                reader.read(&mut buf[..want])?
            }
            Base::Memory(bytes) => {
                let from = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
                let to = from.saturating_add(want).min(bytes.len());
                let n = to - from;
                buf[..n].copy_from_slice(&bytes[from..to]);
                n
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R> Seek for Window<R> {
    fn seek(&mut self, from: SeekFrom) -> io::Result<u64> {
        let target = match from {
            SeekFrom::Start(n) => i128::from(n),
            SeekFrom::End(n) => i128::from(self.len) + i128::from(n),
            SeekFrom::Current(n) => i128::from(self.pos) + i128::from(n),
        };
        self.pos = u64::try_from(target)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

/// One open archive of the tree.
struct Level<R> {
    /// `""` for the upload, `path/inner.zip!` inside an inner zip.
    prefix: String,
    archive: zip::ZipArchive<Window<R>>,
    /// The next entry to read.
    next: usize,
    /// Bytes of this archive per byte of the upload, at most: the product of the ratios of
    /// the zips it is inside (1 for the upload).
    expansion: f64,
    /// Where the archive's bytes are (its window's base and start), for inner zips stored
    /// in it without compression.
    base: Base<R>,
    start: u64,
}

/// A zip archive being read, inner zips included.
pub struct Zip<R: Read + Seek> {
    name: String,
    levels: Vec<Level<R>>,
    limits: Limits,
    inflated: u64,
    /// Entries listed by the outermost archive.
    top_listed: u64,
    /// Entries listed by inner zips.
    listed: u64,
    stopped: bool,
}

impl<R: Read + Seek> fmt::Debug for Zip<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Zip")
            .field("name", &self.name)
            .field("position", &self.position())
            .field("stopped", &self.stopped)
            .finish()
    }
}

/// Whether an entry's name is an activity file this crate reads.
pub fn is_activity_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    lower.ends_with(".fit") || lower.ends_with(".gpx") || lower.ends_with(".tcx")
}

/// Whether an entry's name is a zip archive.
pub fn is_zip_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

/// What reading one entry led to.
enum Step<R> {
    Entry(Entry),
    /// An inner zip to read next.
    Descend(Level<R>),
    /// A cap of the whole tree is broken: report this and stop.
    Stop(FormatError),
}

impl<R: Read + Seek> Zip<R> {
    /// Opens the archive `name` (used in errors) and reads its directory.
    pub fn open(name: &str, reader: R, limits: Limits) -> Result<Self, FormatError> {
        let mut reader = reader;
        let len = reader.seek(SeekFrom::End(0)).map_err(|e| {
            FormatError::new(name, Problem::Malformed(format!("cannot be read: {e}")))
        })?;
        let root = Rc::new(RefCell::new(reader));
        let base = Base::Shared(root);
        let window = Window {
            base: base.clone(),
            start: 0,
            len,
            pos: 0,
        };
        let archive = zip::ZipArchive::new(window).map_err(|e| {
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
        let top_listed = archive.len() as u64;
        Ok(Zip {
            name: name.to_owned(),
            levels: vec![Level {
                prefix: String::new(),
                archive,
                next: 0,
                expansion: 1.0,
                base,
                start: 0,
            }],
            limits,
            inflated: 0,
            top_listed,
            listed: 0,
            stopped: false,
        })
    }

    /// Number of entries of the outermost archive (directories and other files included).
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, |l| l.archive.len())
    }

    /// Whether the outermost archive has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes inflated so far across the tree (with the total carried over by [`Zip::resume`]).
    pub fn inflated(&self) -> u64 {
        self.inflated
    }

    /// Whether every entry has been read (or the walk stopped at a cap of the whole tree).
    pub fn is_finished(&self) -> bool {
        self.stopped || self.levels.iter().all(|l| l.next >= l.archive.len())
    }

    /// Where the walk stands, to [`Zip::resume`] in a later call.
    pub fn position(&self) -> Position {
        // Inner zips already read to their end are not reopened on resuming.
        let mut depth = self.levels.len();
        while depth > 1 && self.levels[depth - 1].next >= self.levels[depth - 1].archive.len() {
            depth -= 1;
        }
        Position {
            path: self.levels[..depth].iter().map(|l| l.next).collect(),
            inflated: self.inflated,
            listed: self.listed,
        }
    }

    /// Continues a walk from `position` (taken from an earlier call on the same archive):
    /// the inner zips it was in are opened again (their bytes already counted), and the
    /// totals carry on, so the caps hold across calls.
    pub fn resume(&mut self, position: &Position) -> Result<(), FormatError> {
        let name = self.name.clone();
        let bad = |why: String| {
            FormatError::new(
                &name,
                Problem::Malformed(format!("cannot continue at {position}: {why}")),
            )
        };
        self.levels.truncate(1);
        self.stopped = false;
        self.inflated = position.inflated;
        self.listed = position.listed;
        for (depth, &next) in position.path.iter().enumerate() {
            if depth > 0 {
                let Some(parent) = self.levels.last() else {
                    return Err(bad("no archive is open".to_owned()));
                };
                let Some(index) = parent.next.checked_sub(1) else {
                    return Err(bad("no inner zip before this entry".to_owned()));
                };
                let inflated = self.inflated;
                match self.inner_zip(index, true) {
                    Ok(level) => self.levels.push(level),
                    Err(e) => return Err(bad(e.to_string())),
                }
                self.inflated = inflated;
            }
            let Some(level) = self.levels.last_mut() else {
                return Err(bad("no archive is open".to_owned()));
            };
            if next > level.archive.len() {
                return Err(bad(format!(
                    "entry {next} of an archive of {}",
                    level.archive.len()
                )));
            }
            level.next = next;
        }
        Ok(())
    }

    /// The next entry, depth first through inner zips; `None` when the walk is over.
    pub fn next_entry(&mut self) -> Option<Entry> {
        loop {
            if self.stopped {
                return None;
            }
            let level = self.levels.last_mut()?;
            if level.next >= level.archive.len() {
                if self.levels.len() == 1 {
                    return None;
                }
                self.levels.pop();
                continue;
            }
            let index = level.next;
            level.next += 1;
            match self.read(index) {
                Step::Entry(entry) => return Some(entry),
                Step::Descend(level) => self.levels.push(level),
                Step::Stop(e) => {
                    self.stopped = true;
                    return Some(Entry::Problem(e));
                }
            }
        }
    }

    /// Reads entry `index` of the innermost open archive.
    fn read(&mut self, index: usize) -> Step<R> {
        let Some(level) = self.levels.last_mut() else {
            return Step::Entry(Entry::Skipped {
                name: self.name.clone(),
            });
        };
        let Some(inner) = level.archive.name_for_index(index).map(str::to_owned) else {
            return Step::Entry(Entry::Problem(FormatError::new(
                &self.name,
                Problem::Malformed(format!("the archive has no entry {index}")),
            )));
        };
        let name = format!("{}{inner}", level.prefix);
        if inner.ends_with('/') {
            return Step::Entry(Entry::Skipped { name });
        }
        if is_zip_name(&inner) {
            return match self.inner_zip(index, false) {
                Ok(level) => Step::Descend(level),
                Err(Stop::Entry(e)) => Step::Entry(Entry::Problem(e)),
                Err(Stop::Tree(e)) => Step::Stop(e),
            };
        }
        if !is_activity_name(&inner) {
            return Step::Entry(Entry::Skipped { name });
        }
        let bytes = match self.inflate(index, &name, self.limits.max_file_bytes, "activity file") {
            Ok(bytes) => bytes,
            Err(Stop::Entry(e)) => return Step::Entry(Entry::Problem(e)),
            Err(Stop::Tree(e)) => return Step::Stop(e),
        };
        match read_recording_with(&name, &bytes, &self.limits) {
            Ok(recording) => Step::Entry(Entry::Activity {
                name,
                activity: Box::new(recording.whole),
                legs: recording.legs,
            }),
            Err(e) => Step::Entry(Entry::Problem(e)),
        }
    }

    /// Opens entry `index` of the innermost archive as an inner zip. `again`: it was opened
    /// in an earlier call, so its bytes and entries are already counted.
    fn inner_zip(&mut self, index: usize, again: bool) -> Result<Level<R>, Stop> {
        let limits = self.limits.clone();
        let depth = self.levels.len() + 1;
        let Some(level) = self.levels.last_mut() else {
            return Err(Stop::Tree(FormatError::new(
                &self.name,
                Problem::Malformed("no archive is open".to_owned()),
            )));
        };
        let inner = level
            .archive
            .name_for_index(index)
            .unwrap_or("?")
            .to_owned();
        let name = format!("{}{inner}", level.prefix);
        let tree = |why: String| Stop::Tree(FormatError::new(&name, Problem::Refused(why)));
        if depth > limits.max_depth {
            return Err(tree(format!(
                "a zip inside {} zips; zips are read {} deep at most, the upload being the \
                 first (a nested zip bomb?)",
                depth - 1,
                limits.max_depth
            )));
        }
        let parent_expansion = level.expansion;
        let (stored, start, declared, compressed, base) = {
            let file = level.archive.by_index_raw(index).map_err(|e| {
                Stop::Entry(FormatError::new(
                    &name,
                    Problem::Malformed(format!("cannot read this inner zip: {e}")),
                ))
            })?;
            (
                file.compression() == zip::CompressionMethod::Stored && !file.encrypted(),
                file.data_start(),
                file.size(),
                file.compressed_size(),
                level.base.clone(),
            )
        };
        let window_start = level.start;
        let (base, start, len) = match (stored, start) {
            // Stored: read in place, nothing inflated.
            (true, Some(start)) => (base, window_start.saturating_add(start), compressed),
            _ => {
                let bytes = if again {
                    // Counted when first opened; only the per-entry checks apply.
                    let inflated = self.inflated;
                    self.inflated = 0;
                    let bytes =
                        self.inflate(index, &name, limits.max_nested_zip_bytes, "inner zip");
                    self.inflated = inflated;
                    bytes?
                } else {
                    self.inflate(index, &name, limits.max_nested_zip_bytes, "inner zip")?
                };
                let len = bytes.len() as u64;
                (Base::Memory(Rc::from(bytes)), 0, len)
            }
        };
        let expansion = parent_expansion * (declared as f64 / compressed.max(1) as f64).max(1.0);
        let window = Window {
            base: base.clone(),
            start,
            len,
            pos: 0,
        };
        let archive = zip::ZipArchive::new(window).map_err(|e| {
            Stop::Entry(FormatError::new(
                &name,
                Problem::Malformed(format!("not a readable zip archive: {e}")),
            ))
        })?;
        if !again {
            self.listed = self.listed.saturating_add(archive.len() as u64);
            let all = self.top_listed.saturating_add(self.listed);
            if all > limits.max_entries as u64 {
                return Err(tree(format!(
                    "the archives list {all} entries in all with this one, more than the {} \
                     allowed",
                    limits.max_entries
                )));
            }
        }
        Ok(Level {
            prefix: format!("{name}{NESTED_SEPARATOR}"),
            archive,
            next: 0,
            expansion,
            base,
            start,
        })
    }

    /// Inflates entry `index` of the innermost archive, at most `max_bytes`, under the caps
    /// of the whole tree. `what` names the kind of entry in messages.
    fn inflate(
        &mut self,
        index: usize,
        name: &str,
        max_bytes: u64,
        what: &str,
    ) -> Result<Vec<u8>, Stop> {
        let limits = &self.limits;
        let entry = |problem| Stop::Entry(FormatError::new(name, problem));
        let refuse = |why: String| entry(Problem::Refused(why));
        let tree = |why: String| Stop::Tree(FormatError::new(name, Problem::Refused(why)));
        let Some(level) = self.levels.last_mut() else {
            return Err(entry(Problem::Malformed("no archive is open".to_owned())));
        };
        let expansion = level.expansion;
        let mut file = level
            .archive
            .by_index(index)
            .map_err(|e| entry(Problem::Malformed(format!("cannot read this entry: {e}"))))?;
        let declared = file.size();
        let compressed = file.compressed_size().max(1);
        if declared == 0 {
            return Err(entry(Problem::Empty));
        }
        if declared > max_bytes {
            return Err(refuse(format!(
                "it declares {declared} bytes uncompressed, more than the {max_bytes} allowed for \
                 one {what}"
            )));
        }
        if self.inflated.saturating_add(declared) > limits.max_archive_bytes {
            return Err(tree(format!(
                "the archive would inflate to more than {} bytes in all",
                limits.max_archive_bytes
            )));
        }
        let ratio = declared as f64 / compressed as f64;
        if declared > limits.ratio_floor_bytes && ratio > limits.max_ratio as f64 {
            let why = format!(
                "it declares {declared} bytes from {compressed} compressed, a ratio over {} \
                 (a zip bomb?)",
                limits.max_ratio
            );
            // A bomb in an activity file spoils that file; an inner zip's, the whole tree.
            return Err(if what == "inner zip" {
                tree(why)
            } else {
                refuse(why)
            });
        }
        if declared > limits.ratio_floor_bytes && ratio * expansion > limits.max_ratio as f64 {
            return Err(tree(format!(
                "it declares {declared} bytes from {compressed} compressed inside zips that \
                 already inflate {expansion:.0}×: over {}× the upload's bytes in all (a nested \
                 zip bomb?)",
                limits.max_ratio
            )));
        }
        // Count while inflating: never more than declared, whatever the header says.
        let cap = declared.min(max_bytes).min(
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
            return Err(entry(Problem::Malformed(format!(
                "cannot inflate this entry: {e}"
            ))));
        }
        if bytes.len() as u64 > cap {
            return Err(refuse(format!(
                "it inflates to more than the {cap} bytes its header and the limits allow \
                 (a forged header or a zip bomb)"
            )));
        }
        Ok(bytes)
    }
}

/// Why an entry stops: itself only, or the whole tree.
enum Stop {
    Entry(FormatError),
    Tree(FormatError),
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Entry(e) | Stop::Tree(e) => e.fmt(f),
        }
    }
}
