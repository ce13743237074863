//! Cache deadlines spread out by key.
//!
//! A cache whose entries all live the same time forgets together what it learned together:
//! after a restart every athlete's first visit fills the caches in the same few seconds, and
//! one time limit later every entry is read from the database again in the same few seconds,
//! each reader waiting behind the others. [`Spread`] keeps each entry between three quarters
//! of the limit and all of it, chosen by bits of its key that are uniform (a token hash's, a
//! UUID's random tail), so those reads come a few at a time over the last quarter instead.

use std::time::Duration;

use uuid::Uuid;

/// A key with bits that are uniform over keys (so deadlines chosen by them spread evenly).
pub(crate) trait SpreadKey {
    /// Sixteen uniform bits of the key.
    fn spread_bits(&self) -> u16;
}

/// A hash (a session token's SHA-256): its first two bytes.
impl SpreadKey for [u8] {
    fn spread_bits(&self) -> u16 {
        match self {
            [a, b, ..] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from(*a),
            [] => 0,
        }
    }
}

/// A UUID's last two bytes: random in versions 4 and 7 (a version 7's first bytes are its
/// time, which would put entries made together together again).
impl SpreadKey for Uuid {
    fn spread_bits(&self) -> u16 {
        let bytes = self.as_bytes();
        u16::from_be_bytes([bytes[14], bytes[15]])
    }
}

/// Keeps each entry between three quarters of the limit and all of it, counted from when its
/// value was read (the caches check the deadline as they look an entry up).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spread(pub(crate) Duration);

impl Spread {
    /// How long an entry with `bits` is kept.
    pub(crate) fn ttl(&self, bits: u16) -> Duration {
        let quarter = self.0 / 4;
        self.0 - quarter + quarter.mul_f64(f64::from(bits) / f64::from(u16::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_fall_in_the_last_quarter_of_the_limit_by_key() {
        let spread = Spread(Duration::from_secs(60));
        assert_eq!(spread.ttl(0), Duration::from_secs(45));
        assert_eq!(spread.ttl(u16::MAX), Duration::from_secs(60));
        assert_eq!(spread.ttl(0x8000).as_secs(), 52);
        // Real token hashes and UUIDs (version 7, made in the same millisecond) land all over
        // the quarter, not in one second of it.
        let hashes =
            (0..200).map(|i| crate::auth::secrets::token_hash(&format!("token-{i}")).spread_bits());
        let uuids = (0..200).map(|_| Uuid::now_v7().spread_bits());
        for bits in [hashes.collect::<Vec<_>>(), uuids.collect()] {
            let seconds: std::collections::HashSet<u64> =
                bits.iter().map(|b| spread.ttl(*b).as_secs()).collect();
            assert!(seconds.iter().all(|s| (45..=60).contains(s)), "{seconds:?}");
            assert!(seconds.len() >= 12, "{seconds:?}");
        }
    }
}
