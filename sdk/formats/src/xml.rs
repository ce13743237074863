//! A guarded walk over an XML document for the GPX and TCX readers.
//!
//! Hostile XML is refused rather than tamed: a document with a DOCTYPE (where entities and
//! external references are declared) is refused outright, so no entity is ever expanded and
//! nothing outside the file is ever fetched (the "billion laughs" and external-entity
//! attacks); a reference to any entity other than XML's five predefined ones and character
//! references is refused too, as is nesting deeper than [`MAX_DEPTH`].

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{FormatError, Problem};

/// Deepest element nesting accepted (GPX and TCX need about ten).
pub const MAX_DEPTH: usize = 64;

/// What the walk reports.
pub(crate) enum Step<'a> {
    /// An element opened, with its attributes (local names, unescaped values).
    Open(&'a [(String, String)]),
    /// An element closed, with its own text (trimmed).
    Close(&'a str),
}

/// Appends `bytes` to `out` as text (invalid UTF-8 replaced).
fn push_text(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// Strings kept between elements so that a long track allocates none per point: `len` are in
/// use, the rest are spare capacity.
struct Slots<T> {
    items: Vec<T>,
    len: usize,
}

impl<T: Default> Slots<T> {
    fn new() -> Self {
        Self {
            items: Vec::new(),
            len: 0,
        }
    }

    /// The next slot, cleared by `clear` (reusing its allocation).
    fn push(&mut self, clear: impl FnOnce(&mut T)) -> &mut T {
        if self.len == self.items.len() {
            self.items.push(T::default());
        } else {
            clear(&mut self.items[self.len]);
        }
        self.len += 1;
        &mut self.items[self.len - 1]
    }

    fn in_use(&self) -> &[T] {
        &self.items[..self.len]
    }
}

/// Walks `bytes`, calling `visit(stack, step)` where `stack` holds the local names of the
/// open elements, the current one last.
pub(crate) fn walk(
    file: &str,
    bytes: &[u8],
    mut visit: impl FnMut(&[String], Step<'_>) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let malformed = |what: String| FormatError::new(file, Problem::Malformed(what));
    // The slice reader borrows events from `bytes` instead of copying each into a buffer.
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let mut stack: Slots<String> = Slots::new();
    let mut text = String::new();
    let mut attrs: Slots<(String, String)> = Slots::new();
    let mut seen_root = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            malformed(format!(
                "invalid XML near byte {}: {e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::DocType(_) => {
                return Err(FormatError::new(
                    file,
                    Problem::Refused(
                        "XML with a DOCTYPE is not accepted (it can declare entities that \
                         expand without bound or read other files); GPX and TCX never need one"
                            .to_owned(),
                    ),
                ));
            }
            Event::GeneralRef(r) => {
                if let Some(c) = r
                    .resolve_char_ref()
                    .map_err(|e| malformed(format!("{e}")))?
                {
                    text.push(c);
                } else {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    match name.as_str() {
                        "amp" => text.push('&'),
                        "lt" => text.push('<'),
                        "gt" => text.push('>'),
                        "quot" => text.push('"'),
                        "apos" => text.push('\''),
                        _ => {
                            return Err(FormatError::new(
                                file,
                                Problem::Refused(format!(
                                    "the XML refers to an entity `&{name};`; entities are \
                                     not accepted"
                                )),
                            ));
                        }
                    }
                }
            }
            Event::Start(e) => {
                seen_root = true;
                push_text(stack.push(String::clear), e.local_name().as_ref());
                if stack.len > MAX_DEPTH {
                    return Err(FormatError::new(
                        file,
                        Problem::Refused(format!("elements nested deeper than {MAX_DEPTH} levels")),
                    ));
                }
                collect_attrs(&e, &mut attrs).map_err(malformed)?;
                text.clear();
                visit(stack.in_use(), Step::Open(attrs.in_use()))?;
            }
            Event::Empty(e) => {
                seen_root = true;
                push_text(stack.push(String::clear), e.local_name().as_ref());
                collect_attrs(&e, &mut attrs).map_err(malformed)?;
                visit(stack.in_use(), Step::Open(attrs.in_use()))?;
                visit(stack.in_use(), Step::Close(""))?;
                stack.len -= 1;
                text.clear();
            }
            Event::End(_) => {
                visit(stack.in_use(), Step::Close(text.trim()))?;
                stack.len = stack.len.saturating_sub(1);
                text.clear();
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| malformed(format!("{e}")))?;
                text.push_str(&s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| malformed(format!("{e}")))?;
                text.push_str(&s);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if let Some(open) = stack.in_use().last() {
        return Err(FormatError::new(
            file,
            Problem::Truncated(format!("the XML ends inside <{open}>")),
        ));
    }
    if !seen_root {
        return Err(malformed("no XML element at all".to_owned()));
    }
    Ok(())
}

fn collect_attrs(
    e: &quick_xml::events::BytesStart<'_>,
    out: &mut Slots<(String, String)>,
) -> Result<(), String> {
    out.len = 0;
    for attr in e.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?;
        let (k, v) = out.push(|(k, v)| {
            k.clear();
            v.clear();
        });
        push_text(k, attr.key.local_name().as_ref());
        v.push_str(&value);
    }
    Ok(())
}

/// An attribute's value by local name.
pub(crate) fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A number from element text; empty or unparsable text is `None`.
pub(crate) fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// An ISO-8601 / RFC 3339 time: (ms since the epoch, offset seconds). A time without a zone
/// is taken as UTC (GPX and TCX times are UTC by their schemas).
pub(crate) fn time(text: &str) -> Option<(i64, i32)> {
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some((t.timestamp_millis(), t.offset().local_minus_utc()));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some((naive.and_utc().timestamp_millis(), 0))
}
