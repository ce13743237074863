//! Why a file could not be read: always naming the file and the problem.

use std::fmt;

/// What is wrong with a file, in words an athlete can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The file has no bytes at all.
    Empty,
    /// The content is not what the name says (`run.fit` holding a JPEG), or no format at all.
    WrongType {
        /// What the name promised (`FIT`), or `an activity file`.
        expected: String,
        /// What the first bytes look like.
        found: String,
    },
    /// The file ends before its own structure does (an interrupted copy or upload).
    Truncated(String),
    /// Structurally invalid content.
    Malformed(String),
    /// Refused on purpose: XML with a DOCTYPE or entities, a zip bomb, an archive too large.
    Refused(String),
    /// No point or summary carries a time, so the activity cannot be placed.
    NoTimestamps,
    /// FIT times counted from device power-on (below `0x10000000`), with nothing tying them
    /// to a date.
    RelativeTimestamps(u32),
    /// A point's time is earlier than the one before it.
    TimeGoesBackwards {
        /// The point's position in the file (0-based).
        index: usize,
        /// Its time, ms since the Unix epoch.
        at_ms: i64,
        /// The previous point's time.
        previous_ms: i64,
    },
    /// Every point has the same time: there is no duration.
    NoDuration(usize),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => write!(f, "the file is empty (zero bytes)"),
            Problem::WrongType { expected, found } => {
                write!(f, "this is not {expected}: its content looks like {found}")
            }
            Problem::Truncated(what) => write!(f, "the file is truncated: {what}"),
            Problem::Malformed(what) => write!(f, "the file is damaged: {what}"),
            Problem::Refused(what) => write!(f, "refused: {what}"),
            Problem::NoTimestamps => write!(
                f,
                "the file has no timestamps, so the activity cannot be placed in time \
                 (a planned route rather than a recording?)"
            ),
            Problem::RelativeTimestamps(raw) => write!(
                f,
                "its times are counted from when the device was switched on ({raw} s), not \
                 dates, and nothing in the file ties them to a date"
            ),
            Problem::TimeGoesBackwards {
                index,
                at_ms,
                previous_ms,
            } => write!(
                f,
                "point {index} is at {}, {:.1} s before the point before it ({}): the \
                 recording's times go backwards",
                crate::summary::iso(*at_ms),
                (*previous_ms - *at_ms) as f64 / 1000.0,
                crate::summary::iso(*previous_ms)
            ),
            Problem::NoDuration(n) => write!(
                f,
                "all {n} points have the same time, so the activity has no duration"
            ),
        }
    }
}

/// A file that could not be read: which file, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatError {
    /// The file's name as given (inside an archive: its path there).
    pub file: String,
    /// What is wrong.
    pub problem: Problem,
}

impl FormatError {
    /// An error about `file`.
    pub fn new(file: &str, problem: Problem) -> Self {
        FormatError {
            file: file.to_owned(),
            problem,
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.problem)
    }
}

impl std::error::Error for FormatError {}
