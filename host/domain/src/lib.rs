//! Stride's training science and plan logic.
//!
//! Everything here is plain data and deterministic functions: no I/O, no async, no database,
//! no sandbox, no scripts. Computations never read a clock: callers pass "now" and "today"
//! in. (The [`clock`] module only *defines* the one source of "now" that the layers above
//! share, so tests can move time.) Tests for this crate need no database and no server:
//! `cargo test -p stride-domain` builds none of the heavy crates.
//!
//! With the `graphql` feature (the server turns it on), output types also derive their
//! GraphQL shape (`async_graphql::SimpleObject`, `Enum`) so the API shows exactly what the
//! domain computed, receipts included, without mirror types.

#[macro_use]
mod text_enum;

pub mod activity;
pub mod clock;
pub mod duplicates;
pub mod efficiency;
pub mod ids;
pub mod insights;
pub mod load;
pub mod matching;
pub mod metrics;
pub mod people;
pub mod plan;
pub mod readiness;
pub mod records;
pub mod stats;
pub mod validation;

pub use text_enum::UnknownValue;

/// A requested change to one optional value: leave it, clear it, or set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Change<T> {
    /// Leave the stored value as it is.
    #[default]
    Keep,
    /// Remove the stored value.
    Clear,
    /// Replace the stored value.
    Set(T),
}

impl<T> Change<T> {
    /// Applies the change to `slot`.
    pub fn apply(self, slot: &mut Option<T>) {
        match self {
            Change::Keep => {}
            Change::Clear => *slot = None,
            Change::Set(value) => *slot = Some(value),
        }
    }
}
