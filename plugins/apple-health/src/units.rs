//! Units as Health Auto Export writes them (they follow the iPhone's region and Health
//! settings), converted to the units Stride stores. Nothing is assumed: an unknown unit is an
//! error naming it.

/// What a value measures, and so which units it may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Beats per minute.
    HeartRate,
    /// Milliseconds (heart-rate variability).
    Interval,
    /// Kilograms.
    Mass,
    /// Percent.
    Percent,
    /// ml/kg/min.
    Vo2,
    /// Breaths per minute.
    BreathRate,
    /// A count (steps).
    Count,
    /// Minutes (sleep; Health Auto Export sends hours).
    Duration,
    /// Metres (distance).
    Distance,
    /// Metres (elevation).
    Height,
    /// Kilocalories.
    Energy,
    /// Metres per second.
    Speed,
}

impl Dimension {
    /// The units Stride reads for it, for messages.
    pub fn known(self) -> &'static str {
        match self {
            Dimension::HeartRate => "bpm, count/min",
            Dimension::Interval => "ms, s",
            Dimension::Mass => "kg, lb, g, st",
            Dimension::Percent => "%",
            Dimension::Vo2 => "ml/(kg·min)",
            Dimension::BreathRate => "count/min, breaths/min",
            Dimension::Count => "count, steps",
            Dimension::Duration => "hr, min, s",
            Dimension::Distance => "m, km, mi, yd, ft",
            Dimension::Height => "m, ft, km, mi",
            Dimension::Energy => "kcal, kJ, Cal",
            Dimension::Speed => "m/s, km/h, mph",
        }
    }
}

/// Lower-case, without spaces, brackets or multiplication dots.
fn normalize(unit: &str) -> String {
    unit.chars()
        .filter(|c| !matches!(c, ' ' | '(' | ')' | '·' | '⋅' | '•' | '*' | '\u{a0}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The factor that turns a value in `unit` into Stride's unit for `dimension`; `None` when
/// `unit` is not one Stride knows for it.
pub fn factor(dimension: Dimension, unit: &str) -> Option<f64> {
    let unit = normalize(unit);
    let unit = unit.as_str();
    let f = match dimension {
        Dimension::HeartRate => match unit {
            "bpm" | "count/min" | "beats/min" | "/min" => 1.0,
            "count/s" | "hz" => 60.0,
            _ => return None,
        },
        Dimension::Interval => match unit {
            "ms" => 1.0,
            "s" | "sec" => 1000.0,
            _ => return None,
        },
        Dimension::Mass => match unit {
            "kg" => 1.0,
            "g" => 0.001,
            "lb" | "lbs" => 0.453_592_37,
            "st" => 6.350_293_18,
            _ => return None,
        },
        Dimension::Percent => match unit {
            "%" => 1.0,
            _ => return None,
        },
        Dimension::Vo2 => match unit {
            "ml/kgmin" | "ml/kg/min" | "ml/minkg" | "ml/min/kg" | "ml/kg·min" => 1.0,
            _ => return None,
        },
        Dimension::BreathRate => match unit {
            "count/min" | "breaths/min" | "brpm" | "/min" => 1.0,
            _ => return None,
        },
        Dimension::Count => match unit {
            "count" | "steps" | "" => 1.0,
            _ => return None,
        },
        Dimension::Duration => match unit {
            "hr" | "h" | "hrs" | "hour" | "hours" => 60.0,
            "min" | "mins" | "minutes" => 1.0,
            "s" | "sec" => 1.0 / 60.0,
            _ => return None,
        },
        Dimension::Distance | Dimension::Height => match unit {
            "m" | "meter" | "meters" | "metre" | "metres" => 1.0,
            "km" => 1000.0,
            "mi" | "mile" | "miles" => 1_609.344,
            "yd" | "yard" | "yards" => 0.9144,
            "ft" | "foot" | "feet" => 0.3048,
            "cm" => 0.01,
            _ => return None,
        },
        Dimension::Energy => match unit {
            // Apple's "Cal" is the food calorie, a kilocalorie.
            "kcal" => 1.0,
            "kj" => 1.0 / 4.184,
            _ => return None,
        },
        Dimension::Speed => match unit {
            "m/s" | "mps" => 1.0,
            "km/h" | "km/hr" | "kph" => 1.0 / 3.6,
            "mi/h" | "mi/hr" | "mph" => 0.447_04,
            _ => return None,
        },
    };
    Some(f)
}

/// Converts `value` given in `unit` into Stride's unit for `dimension`.
///
/// `Cal` (capital C, Apple's food calorie) is a kilocalorie; `cal` (a small calorie) is refused:
/// nobody exports energy in it, and a guess would be off by a thousand.
pub fn convert(dimension: Dimension, unit: &str, value: f64) -> Option<f64> {
    if dimension == Dimension::Energy && unit.trim() == "Cal" {
        return Some(value);
    }
    factor(dimension, unit).map(|f| value * f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9 * b.abs().max(1.0))
    }

    #[test]
    fn heart_rate_units_are_both_read() {
        assert_eq!(convert(Dimension::HeartRate, "bpm", 58.0), Some(58.0));
        assert_eq!(convert(Dimension::HeartRate, "count/min", 58.0), Some(58.0));
        assert_eq!(convert(Dimension::HeartRate, "Count/Min", 58.0), Some(58.0));
        assert_eq!(convert(Dimension::HeartRate, "ms", 58.0), None);
    }

    #[test]
    fn mass_distance_energy() {
        // 1 lb = 0.45359237 kg exactly (international pound); 165 lb = 74.8427410500 kg.
        assert!(close(convert(Dimension::Mass, "lb", 165.0), 74.842_741_05));
        assert!(close(convert(Dimension::Mass, "kg", 72.4), 72.4));
        // 1 mi = 1609.344 m exactly; 3.5 mi = 5632.704 m.
        assert!(close(convert(Dimension::Distance, "mi", 3.5), 5_632.704));
        assert!(close(convert(Dimension::Distance, "km", 5.2), 5_200.0));
        // 1 kcal = 4.184 kJ (thermochemical); 1464.4 kJ = 350 kcal.
        assert!(close(convert(Dimension::Energy, "kJ", 1_464.4), 350.0));
        assert!(close(convert(Dimension::Energy, "kcal", 350.0), 350.0));
        assert!(close(convert(Dimension::Energy, "Cal", 350.0), 350.0));
        assert_eq!(convert(Dimension::Energy, "cal", 350.0), None);
        // 100 ft = 30.48 m.
        assert!(close(convert(Dimension::Height, "ft", 100.0), 30.48));
    }

    #[test]
    fn vo2_spellings() {
        for unit in [
            "ml/(kg·min)",
            "mL/(kg·min)",
            "ml/kg/min",
            "mL/min·kg",
            "ml/(kg*min)",
        ] {
            assert_eq!(convert(Dimension::Vo2, unit, 48.2), Some(48.2), "{unit}");
        }
        assert_eq!(convert(Dimension::Vo2, "l/min", 3.5), None);
    }

    #[test]
    fn sleep_hours_become_minutes() {
        assert!(close(convert(Dimension::Duration, "hr", 7.5), 450.0));
        assert!(close(convert(Dimension::Duration, "min", 450.0), 450.0));
        assert!(close(convert(Dimension::Duration, "s", 27_000.0), 450.0));
        assert_eq!(convert(Dimension::Duration, "days", 1.0), None);
    }

    #[test]
    fn unknown_units_are_refused_not_guessed() {
        assert_eq!(convert(Dimension::Mass, "stone-ish", 11.0), None);
        assert_eq!(convert(Dimension::Distance, "", 1.0), None);
        assert_eq!(convert(Dimension::Interval, "bpm", 1.0), None);
        assert_eq!(convert(Dimension::Percent, "fraction", 0.2), None);
    }
}
