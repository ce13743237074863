//! Dates as Health Auto Export writes them.
//!
//! - `2024-02-06 14:30:00 -0800` (the documented `yyyy-MM-dd HH:mm:ss Z`),
//! - 12-hour forms with the iPhone's region settings: `2024-09-21 7:57:00 am +1000`, with a
//!   plain, no-break (U+00A0) or narrow no-break space (U+202F) before `am`/`pm`, any case,
//!   `a.m.` too,
//! - ISO 8601 (`2024-02-06T14:30:00-08:00`, `…Z`), optional seconds and fractions,
//! - date only (`2024-02-06`), as aggregated sleep is dated.
//!
//! A time without a UTC offset is refused: the instant would be a guess.

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// An instant and the UTC offset it was written with (which decides its calendar day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Milliseconds since the Unix epoch, UTC.
    pub ms: i64,
    /// Offset from UTC, seconds (east positive).
    pub offset_s: i32,
}

impl Stamp {
    /// The calendar day (days since 1970-01-01) in the stamp's own offset.
    pub fn local_day(&self) -> i64 {
        (self.ms + i64::from(self.offset_s) * 1000).div_euclid(DAY_MS)
    }
}

/// A parsed date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A full timestamp with its offset.
    At(Stamp),
    /// A calendar day without a time (days since 1970-01-01).
    Day(i64),
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number, as `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A small cursor over the characters of a date.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let n = self
            .rest
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if n < min {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        head.parse().ok()
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(tail) => {
                self.rest = tail;
                true
            }
            None => false,
        }
    }

    /// Skips spaces of any width the iPhone uses; whether any were skipped.
    fn spaces(&mut self) -> bool {
        let trimmed = self
            .rest
            .trim_start_matches([' ', '\u{a0}', '\u{202f}', '\u{2009}', '\t']);
        let skipped = trimmed.len() != self.rest.len();
        self.rest = trimmed;
        skipped
    }

    /// `am`, `pm`, `a.m.`, `p.m.` in any case: `Some(true)` for pm.
    fn meridiem(&mut self) -> Option<bool> {
        let lower: String = self.rest.chars().take(4).collect::<String>().to_lowercase();
        for (text, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
            if lower.starts_with(text) {
                self.rest = &self.rest[text.len()..];
                return Some(pm);
            }
        }
        None
    }

    /// `Z`, `UTC`, `GMT`, `+hhmm`, `+hh:mm`, `+hh`: seconds east of UTC.
    fn offset(&mut self) -> Option<i32> {
        for name in ["Z", "z", "UTC", "GMT"] {
            if let Some(tail) = self.rest.strip_prefix(name) {
                self.rest = tail;
                // `GMT+2`, `UTC-05:00` are offsets too.
                if self.rest.is_empty() {
                    return Some(0);
                }
            }
        }
        let sign = if self.eat('+') {
            1
        } else if self.eat('-') || self.eat('\u{2212}') {
            -1
        } else {
            return None;
        };
        let hours = self.digits(1, 2)?;
        let minutes = if self.rest.is_empty() {
            0
        } else {
            self.eat(':');
            self.digits(2, 2)?
        };
        if hours > 18 || minutes > 59 {
            return None;
        }
        Some(sign * (hours as i32 * 3600 + minutes as i32 * 60))
    }
}

/// Parses one date as Health Auto Export writes it; `None` when it is not one.
pub fn parse(text: &str) -> Option<When> {
    let mut c = Cursor { rest: text.trim() };
    let year = c.digits(4, 4)?;
    if !c.eat('-') {
        return None;
    }
    let month = c.digits(1, 2)?;
    if !c.eat('-') {
        return None;
    }
    let day = c.digits(1, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(i64::from(year), month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    if c.rest.is_empty() {
        return Some(When::Day(days));
    }
    if !(c.eat('T') || c.spaces()) {
        return None;
    }
    let mut hour = c.digits(1, 2)?;
    if !c.eat(':') {
        return None;
    }
    let minute = c.digits(2, 2)?;
    let mut second = 0;
    let mut millis = 0;
    if c.eat(':') {
        second = c.digits(2, 2)?;
        if c.eat('.') || c.eat(',') {
            let before = c.rest.len();
            let fraction = c.digits(1, 9)?;
            let places = (before - c.rest.len()) as u32;
            millis = (u64::from(fraction) * 1000 / 10u64.pow(places)) as i64;
        }
    }
    c.spaces();
    if let Some(pm) = c.meridiem() {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, false) => h,
            (h, true) => h + 12,
        };
        c.spaces();
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_s = c.offset()?;
    if !c.rest.trim().is_empty() {
        return None;
    }
    let local_ms = days * DAY_MS
        + i64::from(hour) * 3_600_000
        + i64::from(minute) * 60_000
        + i64::from(second.min(59)) * 1000
        + millis;
    Some(When::At(Stamp {
        ms: local_ms - i64::from(offset_s) * 1000,
        offset_s,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Epoch milliseconds, computed independently of the parser (Python:
    /// `datetime.fromisoformat(...).timestamp() * 1000`).
    fn at(text: &str) -> Stamp {
        match parse(text) {
            Some(When::At(stamp)) => stamp,
            other => panic!("{text:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn the_documented_form() {
        // 2024-02-06T14:30:00-08:00 = 2024-02-06T22:30:00Z = 1707258600 s.
        assert_eq!(
            at("2024-02-06 14:30:00 -0800"),
            Stamp {
                ms: 1_707_258_600_000,
                offset_s: -8 * 3600
            }
        );
        // 2024-02-06T07:00:00-08:00 = 1707231600 s.
        assert_eq!(at("2024-02-06 07:00:00 -0800").ms, 1_707_231_600_000);
    }

    #[test]
    fn twelve_hour_forms_with_every_space() {
        // 2024-09-21T07:57:00+10:00 = 2024-09-20T21:57:00Z = 1726869420 s.
        let expected = Stamp {
            ms: 1_726_869_420_000,
            offset_s: 36_000,
        };
        for text in [
            "2024-09-21 7:57:00 am +1000",
            "2024-09-21 7:57:00\u{202f}am +1000",
            "2024-09-21 7:57:00\u{a0}AM +1000",
            "2024-09-21 07:57:00 a.m. +10:00",
            "2024-09-21 7:57am +1000",
        ] {
            assert_eq!(at(text), expected, "{text:?}");
        }
        // 12 pm is noon, 12 am is midnight.
        assert_eq!(
            at("2024-09-21 12:00:00\u{202f}pm +0000").ms,
            at("2024-09-21 12:00:00 +0000").ms
        );
        assert_eq!(
            at("2024-09-21 12:30:00 am +0000").ms,
            at("2024-09-21 00:30:00 +0000").ms
        );
        assert_eq!(
            at("2024-09-21 1:05:00 PM -0500").ms,
            at("2024-09-21 13:05:00 -0500").ms
        );
        assert_eq!(parse("2024-09-21 13:05:00 pm +0000"), None);
        assert_eq!(parse("2024-09-21 0:05:00 am +0000"), None);
    }

    #[test]
    fn iso_forms_and_fractions() {
        assert_eq!(at("2024-02-06T22:30:00Z").ms, 1_707_258_600_000);
        assert_eq!(at("2024-02-06T14:30:00-08:00").ms, 1_707_258_600_000);
        assert_eq!(at("2024-02-06T22:30:00.250Z").ms, 1_707_258_600_250);
        assert_eq!(at("2024-02-06 22:30:00 UTC").ms, 1_707_258_600_000);
    }

    #[test]
    fn date_only_and_refusals() {
        // 2024-02-06 is day 19759 since 1970-01-01 (1707177600 / 86400).
        assert_eq!(parse("2024-02-06"), Some(When::Day(19_759)));
        for bad in [
            "",
            "yesterday",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-02-06 14:30:00",
            "2024-02-06 25:30:00 +0000",
            "2024-02-06 14:30:00 +2500",
            "2024-02-06 14:30:00 -0800 trailing",
            "06/02/2024 14:30",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse("2024-02-29"), Some(When::Day(19_782)));
    }

    #[test]
    fn the_local_day_follows_the_points_own_offset() {
        // 23:30 at -0800 is already the next day in UTC, but its own day is the 6th.
        let late = at("2024-02-06 23:30:00 -0800");
        assert_eq!(format_day(late.local_day()), "2024-02-06");
        assert_eq!(format_day(late.ms.div_euclid(DAY_MS)), "2024-02-07");
        let early = at("2024-02-07 00:30:00 +1000");
        assert_eq!(format_day(early.local_day()), "2024-02-07");
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 59, 60, 19_759, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(format_day(0), "1970-01-01");
    }
}
