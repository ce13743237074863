//! The Health Auto Export body, read as a stream and leniently.
//!
//! The body is never held whole, nor as a generic JSON tree: it is read straight into these
//! compact types. Every field accepts any JSON value: a value of the wrong type becomes
//! [`Num::Bad`], [`Text::Bad`], [`Obj::Wrong`] or [`List::wrong`], which the conversion turns
//! into a problem for that item, so one odd point never fails a whole delivery. Unknown keys
//! (`stateOfMind`, `ecg`, `symptoms`, newer fields) are skipped without being stored.
//!
//! Lists are bounded: each kind of list keeps at most its own cap of elements and the whole
//! body at most [`BUDGET`] elements; the rest is read past (so the JSON is still checked) and
//! counted, and the conversion says so.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::time::{self, When};

/// List elements kept from one body, all lists together.
pub const BUDGET: usize = 40_000;

thread_local! {
    static REMAINING: Cell<usize> = const { Cell::new(BUDGET) };
    static EXHAUSTED: Cell<bool> = const { Cell::new(false) };
}

fn take_budget() -> bool {
    REMAINING.with(|r| {
        let left = r.get();
        if left == 0 {
            EXHAUSTED.with(|e| e.set(true));
            false
        } else {
            r.set(left - 1);
            true
        }
    })
}

/// Longest text kept from a field (names, sources, ids); longer ones are cut.
const MAX_TEXT: usize = 200;

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// What a JSON value that was not the expected one was, for messages.
fn consume_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn consume_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A number field.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Num {
    /// The key was absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// A number (or a text holding one).
    Val(f64),
    /// Something else, described.
    Bad(String),
}

impl Num {
    /// The value, if there is one.
    pub fn value(&self) -> Option<f64> {
        match self {
            Num::Val(v) => Some(*v),
            _ => None,
        }
    }
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        Ok(if v.is_finite() {
            Num::Val(v)
        } else {
            Num::Bad("an infinite number".to_owned())
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num::Val(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num::Val(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        Ok(match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Num::Val(n),
            _ => Num::Bad(format!("the text \"{}\"", truncate(v))),
        })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Num, E> {
        Ok(Num::Bad(format!("{v}")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Num, A::Error> {
        consume_map(map)?;
        Ok(Num::Bad("an object".to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Num, A::Error> {
        consume_seq(seq)?;
        Ok(Num::Bad("a list".to_owned()))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

/// A text field (numbers are taken as their text: ids are sometimes numbers).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Text {
    /// The key was absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// The text, cut at 200 characters.
    Val(String),
    /// Something else, described.
    Bad(&'static str),
}

impl Text {
    /// The text, if there is a non-empty one.
    pub fn get(&self) -> Option<&str> {
        match self {
            Text::Val(v) if !v.trim().is_empty() => Some(v.trim()),
            _ => None,
        }
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text::Val(truncate(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text::Val(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text::Val(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text::Val(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text, E> {
        Ok(Text::Bad("true/false"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
        consume_map(map)?;
        Ok(Text::Bad("an object"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text, A::Error> {
        consume_seq(seq)?;
        Ok(Text::Bad("a list"))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// A date field, parsed as it is read (see [`crate::time`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Date {
    /// The key was absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// A date Stride reads.
    Ok(When),
    /// Something else: the text as given (cut), or what it was.
    Bad(String),
}

impl Date {
    /// The parsed date, if any.
    pub fn get(&self) -> Option<When> {
        match self {
            Date::Ok(when) => Some(*when),
            _ => None,
        }
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        Ok(match time::parse(v) {
            Some(when) => Date::Ok(when),
            None => Date::Bad(format!("\"{}\"", truncate(v))),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Date, E> {
        Ok(Date::Bad(format!("the number {v}")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
        Ok(Date::Bad(format!("the number {v}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
        Ok(Date::Bad(format!("the number {v}")))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Date, E> {
        Ok(Date::Bad(format!("{v}")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Date, E> {
        Ok(Date::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Date, E> {
        Ok(Date::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
        consume_map(map)?;
        Ok(Date::Bad("an object".to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Date, A::Error> {
        consume_seq(seq)?;
        Ok(Date::Bad("a list".to_owned()))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

/// An object type read key by key.
pub trait Fields: Default {
    /// How many of these a list keeps.
    const CAP: usize;
    /// Reads the value of `key` (skipping keys it does not use).
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// An object field.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Obj<T> {
    /// The key was absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// The object.
    Ok(T),
    /// Something other than an object: what it was.
    Wrong(&'static str),
}

impl<T> Obj<T> {
    /// The object, if it is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Obj::Ok(t) => Some(t),
            _ => None,
        }
    }
}

struct ObjVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for ObjVisitor<T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Obj<T>, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key::<KeyBuf>()? {
            value.field(key.as_str(), &mut map)?;
        }
        Ok(Obj::Ok(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Obj<T>, A::Error> {
        consume_seq(seq)?;
        Ok(Obj::Wrong("a list"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a text"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a number"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("true/false"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Obj<T>, E> {
        Ok(Obj::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Obj<T>, E> {
        Ok(Obj::Null)
    }
}

impl<'de, T: Fields> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjVisitor(PhantomData))
    }
}

/// An object key, kept only if it is short (every key this plugin uses is).
struct KeyBuf(String);

impl KeyBuf {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for KeyBuf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyBuf;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyBuf, E> {
                // Long keys are never ours; keep a prefix that matches nothing.
                Ok(KeyBuf(if v.len() <= 40 {
                    v.to_owned()
                } else {
                    String::from("\u{0}long")
                }))
            }
        }
        d.deserialize_str(V)
    }
}

/// A list field, bounded.
#[derive(Debug, Clone, PartialEq)]
pub struct List<T> {
    /// The elements kept (at most the type's cap).
    pub items: Vec<T>,
    /// Elements read past because of a cap.
    pub skipped: usize,
    /// When the value was not a list: what it was.
    pub wrong: Option<&'static str>,
    /// Whether the key was there at all.
    pub present: bool,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            items: Vec::new(),
            skipped: 0,
            wrong: None,
            present: false,
        }
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for ListVisitor<T> {
    type Value = List<Obj<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = List {
            present: true,
            ..List::default()
        };
        loop {
            if list.items.len() < T::CAP && take_budget() {
                match seq.next_element::<Obj<T>>()? {
                    Some(item) => list.items.push(item),
                    None => {
                        REMAINING.with(|r| r.set(r.get() + 1));
                        break;
                    }
                }
            } else {
                match seq.next_element::<IgnoredAny>()? {
                    Some(_) => list.skipped += 1,
                    None => break,
                }
            }
        }
        Ok(list)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        consume_map(map)?;
        Ok(List::wrong("an object"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(List::wrong("a text"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(List::wrong("a number"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(List::wrong("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(List::wrong("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(List::wrong("true/false"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(List {
            present: true,
            ..List::default()
        })
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
}

impl<T> List<T> {
    fn wrong(what: &'static str) -> Self {
        List {
            wrong: Some(what),
            present: true,
            ..List::default()
        }
    }
}

impl<'de, T: Fields> Deserialize<'de> for List<Obj<T>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// Reads the next value as `T`.
fn next<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
    map.next_value::<T>()
}

/// Skips the next value.
fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The whole body: `{"data": {...}}`.
#[derive(Debug, Default)]
pub struct Body {
    /// `data`.
    pub data: Obj<Data>,
}

impl Fields for Body {
    const CAP: usize = 1;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "data" => self.data = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `data`: metrics and workouts; every other key is skipped (and named in the log).
#[derive(Debug, Default)]
pub struct Data {
    /// `data.metrics`.
    pub metrics: List<Obj<Metric>>,
    /// `data.workouts`.
    pub workouts: List<Obj<Workout>>,
    /// Other keys seen (at most 20), for the log.
    pub other_keys: Vec<String>,
}

impl Fields for Data {
    const CAP: usize = 1;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "metrics" => self.metrics = next(map)?,
            "workouts" => self.workouts = next(map)?,
            other => {
                if self.other_keys.len() < 20 {
                    self.other_keys.push(truncate(other));
                }
                skip(map)?;
            }
        }
        Ok(())
    }
}

/// One metric: `{name, units, data: [...]}`.
#[derive(Debug, Default)]
pub struct Metric {
    /// `name`, e.g. `resting_heart_rate`.
    pub name: Text,
    /// `units`, e.g. `count/min`.
    pub units: Text,
    /// `data`.
    pub data: List<Obj<Point>>,
}

impl Fields for Metric {
    const CAP: usize = 300;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "name" => self.name = next(map)?,
            "units" => self.units = next(map)?,
            // A metric Stride does not keep (heart_rate, active_energy, …) is read past
            // without spending memory or budget, when its name comes first (as it does).
            "data" => match self.name.get() {
                Some(name) if !crate::convert::keeps(name) => {
                    skip(map)?;
                    self.data.present = true;
                }
                _ => self.data = next(map)?,
            },
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// One data point of a metric (also a point of a workout's `heartRateData`).
#[derive(Debug, Default)]
pub struct Point {
    /// `date`.
    pub date: Date,
    /// `qty`.
    pub qty: Num,
    /// `Min`.
    pub min: Num,
    /// `Avg`.
    pub avg: Num,
    /// `Max`.
    pub max: Num,
    /// `source` (the device or app).
    pub source: Text,
    /// `units`, on workout heart-rate points.
    pub units: Text,
    /// The sleep fields, when the point has any.
    pub sleep: Option<Box<SleepFields>>,
}

/// The fields of a `sleep_analysis` point, in any of its three shapes.
#[derive(Debug, Default)]
pub struct SleepFields {
    /// `totalSleep` (current aggregated shape).
    pub total_sleep: Num,
    /// `asleep` (older aggregated shape; unspecified sleep in the current one).
    pub asleep: Num,
    /// `core`.
    pub core: Num,
    /// `deep`.
    pub deep: Num,
    /// `rem`.
    pub rem: Num,
    /// `awake`.
    pub awake: Num,
    /// `inBed`.
    pub in_bed: Num,
    /// `sleepStart`.
    pub sleep_start: Date,
    /// `sleepEnd`.
    pub sleep_end: Date,
    /// `inBedStart`.
    pub in_bed_start: Date,
    /// `inBedEnd`.
    pub in_bed_end: Date,
    /// `startDate` (per-stage shape).
    pub start_date: Date,
    /// `endDate` (per-stage shape).
    pub end_date: Date,
    /// `value`: the stage (per-stage shape).
    pub value: Text,
    /// `sleepSource` (older shape).
    pub sleep_source: Text,
}

impl Point {
    fn sleep(&mut self) -> &mut SleepFields {
        self.sleep.get_or_insert_with(Box::default)
    }
}

impl Fields for Point {
    const CAP: usize = 20_000;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "date" => self.date = next(map)?,
            "qty" => self.qty = next(map)?,
            "Min" | "min" => self.min = next(map)?,
            "Avg" | "avg" => self.avg = next(map)?,
            "Max" | "max" => self.max = next(map)?,
            "source" => self.source = next(map)?,
            "units" => self.units = next(map)?,
            "totalSleep" => self.sleep().total_sleep = next(map)?,
            "asleep" => self.sleep().asleep = next(map)?,
            "core" => self.sleep().core = next(map)?,
            "deep" => self.sleep().deep = next(map)?,
            "rem" => self.sleep().rem = next(map)?,
            "awake" => self.sleep().awake = next(map)?,
            "inBed" => self.sleep().in_bed = next(map)?,
            "sleepStart" => self.sleep().sleep_start = next(map)?,
            "sleepEnd" => self.sleep().sleep_end = next(map)?,
            "inBedStart" => self.sleep().in_bed_start = next(map)?,
            "inBedEnd" => self.sleep().in_bed_end = next(map)?,
            "startDate" => self.sleep().start_date = next(map)?,
            "endDate" => self.sleep().end_date = next(map)?,
            "value" => self.sleep().value = next(map)?,
            "sleepSource" => self.sleep().sleep_source = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// `{qty, units}`.
#[derive(Debug, Default)]
pub struct Qty {
    /// `qty`.
    pub qty: Num,
    /// `units`.
    pub units: Text,
}

impl Fields for Qty {
    const CAP: usize = 1;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "qty" => self.qty = next(map)?,
            "units" => self.units = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// Version 2's `heartRate`: `{min, avg, max}`, each a [`Qty`].
#[derive(Debug, Default)]
pub struct HeartRate {
    /// `min`.
    pub min: Obj<Qty>,
    /// `avg`.
    pub avg: Obj<Qty>,
    /// `max`.
    pub max: Obj<Qty>,
}

impl Fields for HeartRate {
    const CAP: usize = 1;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "min" => self.min = next(map)?,
            "avg" => self.avg = next(map)?,
            "max" => self.max = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// Version 1's `elevation`: `{ascent, descent, units}`.
#[derive(Debug, Default)]
pub struct Elevation {
    /// `ascent`.
    pub ascent: Num,
    /// `units`.
    pub units: Text,
}

impl Fields for Elevation {
    const CAP: usize = 1;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "ascent" => self.ascent = next(map)?,
            "units" => self.units = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// One point of a workout's route (version 2 `latitude`/`longitude`, version 1 `lat`/`lon`).
#[derive(Debug, Default)]
pub struct RoutePoint {
    /// `latitude` or `lat`, degrees.
    pub lat: Num,
    /// `longitude` or `lon`, degrees.
    pub lon: Num,
    /// `altitude`, metres.
    pub altitude: Num,
    /// `speed`, metres per second.
    pub speed: Num,
    /// `timestamp`.
    pub timestamp: Date,
}

impl Fields for RoutePoint {
    const CAP: usize = 40_000;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "latitude" | "lat" => self.lat = next(map)?,
            "longitude" | "lon" => self.lon = next(map)?,
            "altitude" => self.altitude = next(map)?,
            "speed" => self.speed = next(map)?,
            "timestamp" => self.timestamp = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// One workout, in export version 1 or 2.
#[derive(Debug, Default)]
pub struct Workout {
    /// `id` (version 2 only).
    pub id: Text,
    /// `name`: the workout type as Apple names it (`Outdoor Run`).
    pub name: Text,
    /// `start`.
    pub start: Date,
    /// `end`.
    pub end: Date,
    /// `duration`, seconds.
    pub duration: Num,
    /// `distance`.
    pub distance: Obj<Qty>,
    /// `elevationUp` (version 2).
    pub elevation_up: Obj<Qty>,
    /// `elevation` (version 1).
    pub elevation: Obj<Elevation>,
    /// `activeEnergyBurned` (version 2).
    pub active_energy_burned: Obj<Qty>,
    /// `activeEnergy` (version 1).
    pub active_energy: Obj<Qty>,
    /// `heartRate` (version 2).
    pub heart_rate: Obj<HeartRate>,
    /// `avgHeartRate` (version 1).
    pub avg_heart_rate: Obj<Qty>,
    /// `maxHeartRate` (version 1).
    pub max_heart_rate: Obj<Qty>,
    /// `heartRateData`.
    pub heart_rate_data: List<Obj<Point>>,
    /// `route`.
    pub route: List<Obj<RoutePoint>>,
    /// `source`, when given.
    pub source: Text,
}

impl Fields for Workout {
    const CAP: usize = 1_000;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "id" => self.id = next(map)?,
            "name" => self.name = next(map)?,
            "start" => self.start = next(map)?,
            "end" => self.end = next(map)?,
            "duration" => self.duration = next(map)?,
            "distance" => self.distance = next(map)?,
            "elevationUp" => self.elevation_up = next(map)?,
            "elevation" => self.elevation = next(map)?,
            "activeEnergyBurned" => self.active_energy_burned = next(map)?,
            "activeEnergy" => self.active_energy = next(map)?,
            "heartRate" => self.heart_rate = next(map)?,
            "avgHeartRate" => self.avg_heart_rate = next(map)?,
            "maxHeartRate" => self.max_heart_rate = next(map)?,
            "heartRateData" => self.heart_rate_data = next(map)?,
            "route" => self.route = next(map)?,
            "source" | "sourceName" => self.source = next(map)?,
            _ => skip(map)?,
        }
        Ok(())
    }
}

/// A parsed body and what reading it cost.
#[derive(Debug)]
pub struct Parsed {
    /// `data`.
    pub data: Data,
    /// Whether the element budget ran out (some lists were cut).
    pub budget_exhausted: bool,
}

/// Why a body cannot be read at all.
fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Eof if error.line() <= 1 && error.column() == 0 => {
            "the body is empty: Health Auto Export sent no data".to_owned()
        }
        Category::Io => format!("the body could not be read: {error}"),
        _ => format!(
            "the body is not valid JSON ({error}); in Health Auto Export, set the automation's \
             Export Format to JSON"
        ),
    }
}

/// Reads a delivery. `Err` is a body that is not a Health Auto Export delivery at all, with
/// the reason.
pub fn parse<R: Read>(reader: R) -> Result<Parsed, String> {
    REMAINING.with(|r| r.set(BUDGET));
    EXHAUSTED.with(|e| e.set(false));
    let mut de = serde_json::Deserializer::from_reader(reader);
    let body = Obj::<Body>::deserialize(&mut de).map_err(|e| describe(&e))?;
    de.end().map_err(|e| describe(&e))?;
    let body = match body {
        Obj::Ok(body) => body,
        Obj::Missing | Obj::Null => {
            return Err(
                "the body is `null`: expected an object like {\"data\": {\"metrics\": [...]}}"
                    .to_owned(),
            );
        }
        Obj::Wrong(what) => {
            return Err(format!(
                "the body is {what}, not an object like {{\"data\": {{\"metrics\": [...], \
                 \"workouts\": [...]}}}}"
            ));
        }
    };
    let data = match body.data {
        Obj::Ok(data) => data,
        Obj::Missing | Obj::Null => {
            return Err(
                "the body has no `data` object: this is not a Health Auto Export \
                        REST API delivery (expected {\"data\": {\"metrics\": [...]}})"
                    .to_owned(),
            );
        }
        Obj::Wrong(what) => return Err(format!("`data` is {what}, not an object")),
    };
    if let Some(what) = data.metrics.wrong {
        return Err(format!("`data.metrics` is {what}, not a list"));
    }
    if let Some(what) = data.workouts.wrong {
        return Err(format!("`data.workouts` is {what}, not a list"));
    }
    Ok(Parsed {
        data,
        budget_exhausted: EXHAUSTED.with(Cell::get),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Parsed, String> {
        parse(text.as_bytes())
    }

    #[test]
    fn reads_the_shared_example() {
        let text = include_str!("../fixtures/shared-example/body.json");
        let parsed = parse_str(text).expect("the example parses");
        assert_eq!(parsed.data.metrics.items.len(), 3);
        assert_eq!(parsed.data.workouts.items.len(), 1);
        let workout = parsed.data.workouts.items[0].get().expect("an object");
        assert_eq!(workout.route.items.len(), 1);
        assert_eq!(
            workout.distance.get().and_then(|d| d.qty.value()),
            Some(3.5)
        );
        assert!(!parsed.budget_exhausted);
    }

    #[test]
    fn wrong_types_stay_inside_their_item() {
        let parsed = parse_str(
            r#"{"data": {"metrics": [7, {"name": ["x"], "units": {}, "data": "none"},
                {"name": "weight_body_mass", "units": "kg",
                 "data": [{"date": 5, "qty": "72.5"}, {"date": "2024-02-06", "qty": {"a": 1}}]}],
              "stateOfMind": [{"deep": {"er": [1, 2]}}], "ecg": null}}"#,
        )
        .expect("parses");
        let metrics = &parsed.data.metrics.items;
        assert!(matches!(metrics[0], Obj::Wrong("a number")));
        let odd = metrics[1].get().expect("object");
        assert_eq!(odd.name, Text::Bad("a list"));
        assert_eq!(odd.units, Text::Bad("an object"));
        assert_eq!(odd.data.wrong, Some("a text"));
        let weight = metrics[2].get().expect("object");
        let points: Vec<&Point> = weight.data.items.iter().filter_map(Obj::get).collect();
        assert_eq!(points[0].date, Date::Bad("the number 5".to_owned()));
        assert_eq!(points[0].qty, Num::Val(72.5));
        assert_eq!(points[1].qty, Num::Bad("an object".to_owned()));
        assert_eq!(parsed.data.other_keys, vec!["stateOfMind", "ecg"]);
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("Date,Heart Rate\n2024-02-06,58", "not valid JSON"),
            ("[1,2]", "a list"),
            ("null", "null"),
            ("{\"metrics\": []}", "no `data`"),
            ("{\"data\": \"x\"}", "`data` is a text"),
            (
                "{\"data\": {\"metrics\": {}}}",
                "`data.metrics` is an object",
            ),
            (
                "{\"data\": {\"workouts\": 3}}",
                "`data.workouts` is a number",
            ),
            ("{\"data\": {}} trailing", "not valid JSON"),
            ("{\"data\": {\"metrics\": [}", "not valid JSON"),
        ];
        for (body, needle) in cases {
            let error = parse_str(body).err().unwrap_or_default();
            assert!(error.contains(needle), "{body:?}: {error}");
        }
    }

    #[test]
    fn deep_nesting_is_skipped_or_refused_never_overflowed() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        // Under a key the plugin does not use: skipped (serde_json skips without recursing).
        let parsed = parse_str(&format!("{{\"data\": {{\"other\": {deep}}}}}")).expect("parses");
        assert_eq!(parsed.data.other_keys, vec!["other"]);
        // Where a number belongs: that point's problem.
        let parsed = parse_str(&format!(
            "{{\"data\": {{\"metrics\": [{{\"name\": \"vo2_max\", \"data\": [{{\"qty\": {deep}}}]}}]}}}}"
        ))
        .expect("parses");
        let metric = parsed.data.metrics.items[0].get().expect("object");
        let point = metric.data.items[0].get().expect("object");
        assert_eq!(point.qty, Num::Bad("a list".to_owned()));
        // Unbalanced: not JSON.
        let error = parse_str(&format!("{{\"data\": {}", "[".repeat(100_000)))
            .err()
            .unwrap_or_default();
        assert!(error.contains("not valid JSON"), "{error}");
    }

    #[test]
    fn the_whole_body_is_bounded_too() {
        let points: Vec<String> = (0..Point::CAP)
            .map(|i| format!("{{\"date\": \"2024-02-06\", \"qty\": {i}}}"))
            .collect();
        let metric = format!(
            "{{\"name\": \"step_count\", \"units\": \"count\", \"data\": [{}]}}",
            points.join(",")
        );
        // Four full metrics: 80 000 points, over the budget of 40 000.
        let body = format!(
            "{{\"data\": {{\"metrics\": [{}]}}}}",
            vec![metric; 4].join(",")
        );
        let parsed = parse_str(&body).expect("parses");
        assert!(parsed.budget_exhausted);
        let metrics = &parsed.data.metrics;
        let kept: usize = metrics
            .items
            .iter()
            .filter_map(Obj::get)
            .map(|m| m.data.items.len())
            .sum();
        // The metric objects take budget too: the second exhausts it, the rest are skipped.
        assert_eq!((metrics.items.len(), metrics.skipped), (2, 2));
        assert_eq!(kept + metrics.items.len(), BUDGET);
        // A fresh parse starts with a full budget.
        assert!(
            !parse_str("{\"data\": {}}")
                .expect("parses")
                .budget_exhausted
        );
    }

    #[test]
    fn lists_are_capped_and_counted() {
        let points: Vec<String> = (0..(Point::CAP + 5))
            .map(|i| format!("{{\"date\": \"2024-02-06\", \"qty\": {i}}}"))
            .collect();
        let body = format!(
            "{{\"data\": {{\"metrics\": [{{\"name\": \"step_count\", \"units\": \"count\", \
             \"data\": [{}]}}]}}}}",
            points.join(",")
        );
        let parsed = parse_str(&body).expect("parses");
        let metric = parsed.data.metrics.items[0].get().expect("object");
        assert_eq!(metric.data.items.len(), Point::CAP);
        assert_eq!(metric.data.skipped, 5);
    }
}
