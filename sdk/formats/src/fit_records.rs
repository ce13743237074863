//! The fast path for the bulk of a FIT file: its `record` messages (one per second of the
//! activity), read straight from the bytes.
//!
//! `fitparser` decodes each message into named, scaled fields through the whole FIT profile,
//! allocating as it goes; for a 47-minute run that is most of the time spent on the file. The
//! points need only a dozen plain fields, so [`split`] walks the file's framing itself, reads
//! those fields from every `record` message, and hands back the other messages (sessions,
//! laps, the device, the time correlation: a few dozen) as a smaller FIT stream for
//! `fitparser` to decode as before.
//!
//! Anything this reader does not handle exactly as `fitparser` would gives `None`, and the
//! caller decodes the whole file the slow way: a compressed-timestamp header (its time counts
//! from the previous message's, which `fitparser` tracks), a `record` field whose profile
//! expands it into the fields read here (`compressed_speed_distance`), an array or an unknown
//! base type in a field read here, a bad checksum or a cut-off message (so the slow path
//! reports it in its own words).

use crate::summary::Point;

/// The FIT profile's `record` message.
const RECORD: u16 = 20;

/// The points of every `record` message, and the rest of the file as a FIT stream.
pub(crate) struct Split {
    /// Raw FIT seconds and the point, in file order.
    pub points: Vec<(Option<i64>, Point)>,
    /// Every segment of the file (chained files included) without its `record` messages, with
    /// sizes and checksums recomputed.
    pub rest: Vec<u8>,
}

/// Splits `bytes` (a whole FIT file whose header was checked) into its points and the rest,
/// or `None` when only the full decoder can read it exactly (see the module docs).
pub(crate) fn split(bytes: &[u8]) -> Option<Split> {
    let mut points = Vec::new();
    let mut rest = Vec::with_capacity(4096);
    let mut at = 0;
    while at < bytes.len() {
        let header_len = usize::from(*bytes.get(at)?);
        let header = bytes.get(at..at.checked_add(header_len)?)?;
        if header_len < 12 || &header[8..12] != b".FIT" {
            return None;
        }
        if header_len >= 14 {
            let stored = u16::from_le_bytes([header[12], header[13]]);
            if stored != 0 && crc(0, &header[..header_len - 2]) != stored {
                return None;
            }
        }
        let data_len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let data_start = at + header_len;
        let data_end = data_start.checked_add(data_len)?;
        let stored = u16::from_le_bytes([*bytes.get(data_end)?, *bytes.get(data_end + 1)?]);
        if crc(0, &bytes[at..data_end]) != stored {
            return None;
        }
        let out_at = rest.len();
        rest.extend_from_slice(header);
        if header_len >= 14 {
            // No header checksum (zero means none): the header's size field changes below.
            rest[out_at + 12] = 0;
            rest[out_at + 13] = 0;
        }
        let out_data = rest.len();
        messages(&bytes[data_start..data_end], &mut points, &mut rest)?;
        let out_len = u32::try_from(rest.len() - out_data).ok()?;
        rest[out_at + 4..out_at + 8].copy_from_slice(&out_len.to_le_bytes());
        let checksum = crc(0, &rest[out_at..]);
        rest.extend_from_slice(&checksum.to_le_bytes());
        at = data_end + 2;
    }
    Some(Split { points, rest })
}

/// A definition message: what the data messages of one local type hold.
#[derive(Clone)]
struct Definition {
    global: u16,
    big_endian: bool,
    /// (field number, size, base type with its flag bits masked as `fitparser` does).
    fields: Vec<(u8, u8, u8)>,
    /// Bytes of a data message after its header.
    len: usize,
}

/// Walks one segment's messages: points from `record` messages, everything else copied.
fn messages(data: &[u8], points: &mut Vec<(Option<i64>, Point)>, rest: &mut Vec<u8>) -> Option<()> {
    let mut local: [Option<Definition>; 16] = Default::default();
    let mut i = 0;
    while i < data.len() {
        let header = data[i];
        if header & 0x80 != 0 {
            // A compressed timestamp: its time is an offset from the last message's.
            return None;
        }
        let slot = usize::from(header & 0x0F);
        if header & 0x40 != 0 {
            let fixed = data.get(i + 1..i + 6)?;
            let big_endian = match fixed[1] {
                0 => false,
                1 => true,
                _ => return None,
            };
            let global = if big_endian {
                u16::from_be_bytes([fixed[2], fixed[3]])
            } else {
                u16::from_le_bytes([fixed[2], fixed[3]])
            };
            let count = usize::from(fixed[4]);
            let mut end = i + 6 + 3 * count;
            let raw_fields = data.get(i + 6..end)?;
            let fields: Vec<(u8, u8, u8)> = raw_fields
                .chunks_exact(3)
                .map(|f| (f[0], f[1], f[2] & 0x9F))
                .collect();
            let mut len: usize = fields.iter().map(|f| usize::from(f.1)).sum();
            if header & 0x20 != 0 {
                let developer = usize::from(*data.get(end)?);
                let dev_fields = data.get(end + 1..end + 1 + 3 * developer)?;
                len += dev_fields
                    .chunks_exact(3)
                    .map(|f| usize::from(f[1]))
                    .sum::<usize>();
                end += 1 + 3 * developer;
            }
            if global == RECORD && fields.iter().any(|f| f.0 == 8) {
                // `compressed_speed_distance`: accumulated into speed and distance by the
                // profile.
                return None;
            }
            rest.extend_from_slice(&data[i..end]);
            local[slot] = Some(Definition {
                global,
                big_endian,
                fields,
                len,
            });
            i = end;
        } else {
            let definition = local[slot].as_ref()?;
            let end = i.checked_add(1 + definition.len)?;
            let body = data.get(i + 1..end)?;
            if definition.global == RECORD {
                points.push(record(definition, body)?);
            } else {
                rest.extend_from_slice(&data[i..end]);
            }
            i = end;
        }
    }
    Some(())
}

/// One `record` message: raw FIT seconds and the point, scaled as the FIT profile says.
fn record(definition: &Definition, body: &[u8]) -> Option<(Option<i64>, Point)> {
    let mut point = Point::default();
    let mut time = None;
    let (mut altitude, mut enhanced_altitude) = (None, None);
    let (mut speed, mut enhanced_speed) = (None, None);
    let (mut cadence, mut fraction) = (None, None);
    let mut at = 0;
    for &(number, size, base) in &definition.fields {
        let bytes = &body[at..at + usize::from(size)];
        at += usize::from(size);
        if !matches!(number, 0..=7 | 53 | 73 | 78 | 253) {
            continue;
        }
        let value = value(base, bytes, definition.big_endian)?;
        match number {
            253 => time = value.map(|v| v as i64),
            0 => point.lat = value,
            1 => point.lon = value,
            2 => altitude = value.map(|v| v / 5.0 - 500.0),
            3 => point.hr = value,
            4 => cadence = value,
            5 => point.dist = value.map(|v| v / 100.0),
            6 => speed = value.map(|v| v / 1000.0),
            7 => point.power = value,
            53 => fraction = value.map(|v| v / 128.0),
            73 => enhanced_speed = value.map(|v| v / 1000.0),
            78 => enhanced_altitude = value.map(|v| v / 5.0 - 500.0),
            _ => {}
        }
    }
    point.lat = point.lat.map(|v| v * crate::fit::SEMICIRCLE_DEG);
    point.lon = point.lon.map(|v| v * crate::fit::SEMICIRCLE_DEG);
    point.alt = enhanced_altitude.or(altitude);
    point.speed = enhanced_speed.or(speed);
    point.cad = cadence.map(|c| c + fraction.unwrap_or(0.0));
    Some((time, point))
}

/// A scalar field's value (`Some(None)` when the file marks it invalid), or `None` when it is
/// not a scalar of a known numeric type.
fn value(base: u8, bytes: &[u8], big_endian: bool) -> Option<Option<f64>> {
    macro_rules! read {
        ($t:ty) => {{
            let raw: [u8; std::mem::size_of::<$t>()] = bytes.try_into().ok()?;
            if big_endian {
                <$t>::from_be_bytes(raw)
            } else {
                <$t>::from_le_bytes(raw)
            }
        }};
    }
    /// The value unless it is the base type's "invalid" marker.
    fn unless<T: PartialEq + Into<f64>>(value: T, invalid: T) -> Option<f64> {
        (value != invalid).then(|| value.into())
    }
    let value = match base {
        // enum, uint8, byte
        0x00 | 0x02 | 0x0D => unless(read!(u8), 0xFF),
        0x01 => unless(read!(i8), 0x7F),
        0x83 => unless(read!(i16), 0x7FFF),
        0x84 => unless(read!(u16), 0xFFFF),
        0x85 => unless(read!(i32), 0x7FFF_FFFF),
        0x86 => unless(read!(u32), 0xFFFF_FFFF),
        0x88 => Some(f64::from(read!(f32))).filter(|v| v.is_finite()),
        0x89 => Some(read!(f64)).filter(|v| v.is_finite()),
        // uint8z, uint16z, uint32z: zero is invalid
        0x0A => unless(read!(u8), 0),
        0x8B => unless(read!(u16), 0),
        0x8C => unless(read!(u32), 0),
        _ => return None,
    };
    Some(value)
}

/// FIT's CRC-16, continued from `crc` over `data`.
pub(crate) fn crc(crc: u16, data: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    data.iter().fold(crc, |mut crc, &byte| {
        let t = TABLE[usize::from(crc & 0xF)];
        crc = ((crc >> 4) & 0x0FFF) ^ t ^ TABLE[usize::from(byte & 0xF)];
        let t = TABLE[usize::from(crc & 0xF)];
        ((crc >> 4) & 0x0FFF) ^ t ^ TABLE[usize::from(byte >> 4)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_fits() {
        // The FIT SDK's check value for its CRC-16 over "123456789".
        assert_eq!(crc(0, b"123456789"), 0xBB3D);
    }

    #[test]
    fn a_compressed_timestamp_header_is_left_to_the_full_decoder() {
        let mut file = vec![12, 0x10, 0, 0, 0, 0, 0, 0, b'.', b'F', b'I', b'T'];
        let data = [0x80u8];
        file[4] = data.len() as u8;
        file.extend_from_slice(&data);
        let checksum = crc(0, &file);
        file.extend_from_slice(&checksum.to_le_bytes());
        assert!(split(&file).is_none());
    }
}
