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

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// Walks `bytes`, calling `visit(stack, step)` where `stack` holds the local names of the
/// open elements, the current one last.
pub(crate) fn walk(
    file: &str,
    bytes: &[u8],
    mut visit: impl FnMut(&[String], Step<'_>) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let malformed = |what: String| FormatError::new(file, Problem::Malformed(what));
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
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
                stack.push(local(e.local_name().as_ref()));
                if stack.len() > MAX_DEPTH {
                    return Err(FormatError::new(
                        file,
                        Problem::Refused(format!("elements nested deeper than {MAX_DEPTH} levels")),
                    ));
                }
                collect_attrs(&e, &mut attrs).map_err(malformed)?;
                text.clear();
                visit(&stack, Step::Open(&attrs))?;
            }
            Event::Empty(e) => {
                seen_root = true;
                stack.push(local(e.local_name().as_ref()));
                collect_attrs(&e, &mut attrs).map_err(malformed)?;
                visit(&stack, Step::Open(&attrs))?;
                visit(&stack, Step::Close(""))?;
                stack.pop();
                text.clear();
            }
            Event::End(_) => {
                visit(&stack, Step::Close(text.trim()))?;
                stack.pop();
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
        buf.clear();
    }
    if let Some(open) = stack.last() {
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
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    out.clear();
    for attr in e.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?;
        out.push((local(attr.key.local_name().as_ref()), value.into_owned()));
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
