//! The side files of a Shapefile: the attributes (.dbf, a dBASE III/IV
//! table, its text decoded by the code page the .cpg or the language driver
//! byte names, else a guess: UTF-8 when every text is valid UTF-8, else
//! Windows-1251), joined to the shapes; and the coordinate system (.prj).

use encoding_rs::{Encoding, IBM866, UTF_8, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252};

use super::crs::{Crs, crs_from_epsg};
use super::table::{FeatureGeometry, FeatureRow, FeatureTable, FormatError, RowNote};

/// Bytes before the first field descriptor.
const HEADER: usize = 32;
/// Bytes of one field descriptor.
const DESCRIPTOR: usize = 32;
/// The byte that ends the field descriptors.
const TERMINATOR: u8 = 0x0D;
/// The deletion flag of a deleted record.
const DELETED: u8 = b'*';

/// The attribute table of a Shapefile: record `i` goes with shape record `i`.
#[derive(Debug, Clone, Default)]
pub struct DbfTable {
    /// The field names, in order.
    pub fields: Vec<String>,
    /// One entry per record, in file order: `None` when the record is marked
    /// deleted, else one value per field (`None` when empty or null).
    pub records: Vec<Option<Vec<Option<String>>>>,
    /// Things skipped or repaired.
    pub notes: Vec<RowNote>,
}

impl DbfTable {
    /// The table `name`: shape `i` with record `i`, deleted records skipped,
    /// after `notes` about the shapes.
    pub fn join(self, shapes: Vec<Option<FeatureGeometry>>, name: &str, notes: Vec<RowNote>) -> FeatureTable {
        let mut notes = notes;
        notes.extend(self.notes);
        let (shape_count, record_count) = (shapes.len(), self.records.len());
        let counts = format!("the .shp has {shape_count} records but the .dbf {record_count}");
        if record_count < shape_count && !self.fields.is_empty() {
            let kept = shape_count - record_count;
            let message = format!("{counts}: the last {kept} shapes are kept with empty values");
            notes.push(file_note(message));
        } else if record_count > shape_count {
            let dropped = record_count - shape_count;
            let message = format!("{counts}: the last {dropped} .dbf records, with no shape, are dropped");
            notes.push(file_note(message));
        }
        let width = self.fields.len();
        let mut records = self.records.into_iter();
        let mut rows = Vec::with_capacity(shape_count);
        for (index, geometry) in shapes.into_iter().enumerate() {
            // A deleted record takes its shape with it; indices stay the file's.
            match records.next() {
                Some(None) => {}
                Some(Some(values)) => rows.push(FeatureRow {
                    index,
                    values,
                    geometry,
                }),
                None => rows.push(FeatureRow {
                    index,
                    values: vec![None; width],
                    geometry,
                }),
            }
        }
        let deleted = shape_count - rows.len();
        if deleted > 0 {
            let message = format!("{deleted} records marked deleted in the .dbf were skipped");
            notes.push(file_note(message));
        }
        FeatureTable {
            name: name.to_owned(),
            fields: self.fields,
            rows,
            notes,
        }
    }
}

/// One field descriptor: where its bytes are in a record and how to read them.
#[derive(Debug, Clone)]
struct Field {
    /// The name as stored (before decoding).
    name: Vec<u8>,
    /// The type letter (`C`, `N`, `F`, `L`, `D`, `M`, ...).
    kind: u8,
    /// Offset in the record, counting the deletion flag.
    offset: usize,
    /// Width in bytes.
    length: usize,
}

/// Reads a .dbf; `cpg` is the text of the .cpg beside it, if any.
pub fn read_dbf(bytes: &[u8], cpg: Option<&str>) -> Result<DbfTable, FormatError> {
    let (count, header_len, record_len) = header(bytes)?;
    let mut fields = descriptors(bytes, header_len);
    lay_out(&mut fields, record_len)?;
    let mut notes = Vec::new();
    let body = bytes.get(header_len..).unwrap_or_default();
    let whole = body.len() / record_len;
    if whole < count {
        notes.push(file_note(format!(
            "the .dbf says it has {count} records but holds only {whole}: it is cut off"
        )));
    }
    let raw: Vec<&[u8]> = body.chunks_exact(record_len).take(count.min(whole)).collect();
    let ldid = bytes.get(29).copied().unwrap_or(0);
    let encoding = choose_encoding(cpg, ldid, || all_utf8(&fields, &raw), &mut notes);
    let mut decoder = Decoder {
        encoding,
        bad_text: false,
        notes,
    };
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(n, f)| decoder.name(n, &f.name))
        .collect();
    note_unread_fields(&fields, &names, &mut decoder.notes);
    let records = raw
        .iter()
        .enumerate()
        .map(|(index, record)| match record.first() {
            Some(&DELETED) => None,
            _ => Some(
                fields
                    .iter()
                    .zip(&names)
                    .map(|(f, name)| decoder.value(index, f, name, record))
                    .collect(),
            ),
        })
        .collect();
    if decoder.bad_text {
        let name = encoding.name();
        decoder.notes.push(file_note(format!(
            "some .dbf texts are not valid {name}: their bad bytes read as \u{FFFD}"
        )));
    }
    Ok(DbfTable {
        fields: names,
        records,
        notes: decoder.notes,
    })
}

/// The record count, header length and record length, checked against the file.
fn header(bytes: &[u8]) -> Result<(usize, usize, usize), FormatError> {
    if bytes.len() < HEADER {
        return Err(FormatError::file(format!(
            "the .dbf is {} bytes, shorter than its {HEADER}-byte header",
            bytes.len()
        )));
    }
    let count = le_u32(bytes, 4).unwrap_or(0) as usize;
    let header_len = usize::from(le_u16(bytes, 8).unwrap_or(0));
    let record_len = usize::from(le_u16(bytes, 10).unwrap_or(0));
    if header_len < HEADER + 1 || header_len > bytes.len() {
        return Err(FormatError::file(format!(
            "the .dbf header length {header_len} does not fit the file ({} bytes): not a dBASE table",
            bytes.len()
        )));
    }
    if record_len == 0 {
        return Err(FormatError::file("the .dbf header gives a record length of 0"));
    }
    Ok((count, header_len, record_len))
}

/// The field descriptors, up to the terminator or the end of the header.
fn descriptors(bytes: &[u8], header_len: usize) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut at = HEADER;
    while at + DESCRIPTOR <= header_len {
        let Some(d) = bytes
            .get(at..at + DESCRIPTOR)
            .and_then(|d| <&[u8; DESCRIPTOR]>::try_from(d).ok())
        else {
            break;
        };
        if d[0] == TERMINATOR {
            break;
        }
        let name = d.split_at(11).0;
        let name = name.split(|&b| b == 0).next().unwrap_or_default();
        // Clipper and FoxPro keep long text widths' high byte in the decimals byte.
        let high = if d[11] == b'C' { usize::from(d[17]) << 8 } else { 0 };
        fields.push(Field {
            name: name.to_vec(),
            kind: d[11],
            offset: 0,
            length: usize::from(d[16]) | high,
        });
        at += DESCRIPTOR;
    }
    fields
}

/// Places the fields in the record, checking they fit its length.
fn lay_out(fields: &mut [Field], record_len: usize) -> Result<(), FormatError> {
    let plain: usize = fields.iter().map(|f| f.length & 0xFF).sum::<usize>() + 1;
    let wide: usize = fields.iter().map(|f| f.length).sum::<usize>() + 1;
    // The wide reading only when the header agrees: dBASE uses the byte for decimals.
    let use_wide = wide == record_len && plain != record_len;
    let mut offset = 1;
    for field in fields.iter_mut() {
        if !use_wide {
            field.length &= 0xFF;
        }
        field.offset = offset;
        offset += field.length;
    }
    if offset > record_len {
        return Err(FormatError::file(format!(
            "the .dbf fields need {offset} bytes per record but its header says {record_len}"
        )));
    }
    Ok(())
}

/// One file note per field whose values are not read (memo and binary types).
fn note_unread_fields(fields: &[Field], names: &[String], notes: &mut Vec<RowNote>) {
    for (field, name) in fields.iter().zip(names) {
        let message = match field.kind {
            b'C' | b'N' | b'F' | b'L' | b'D' => continue,
            b'M' => format!("field {name} is a memo field (its text is in a .dbt file): not read"),
            other => format!("field {name} has type '{}', which is not read", char::from(other)),
        };
        notes.push(file_note(message));
    }
}

/// The code page: the .cpg's, else the language driver's, else a guess.
fn choose_encoding(
    cpg: Option<&str>,
    ldid: u8,
    utf8_ok: impl FnOnce() -> bool,
    notes: &mut Vec<RowNote>,
) -> &'static Encoding {
    if let Some(label) = cpg
        .map(|c| c.trim_start_matches('\u{FEFF}').trim())
        .filter(|c| !c.is_empty())
    {
        match cpg_encoding(label) {
            Some(encoding) => return encoding,
            None => notes.push(file_note(format!(
                "the .cpg names code page '{label}', which is unknown"
            ))),
        }
    }
    match ldid {
        0xC9 => return WINDOWS_1251,
        0x26 | 0x65 => return IBM866,
        0x03 => return WINDOWS_1252,
        0xC8 => return WINDOWS_1250,
        _ => {}
    }
    if utf8_ok() {
        return UTF_8;
    }
    notes.push(file_note("no code page given: read as Windows-1251 (Cyrillic)"));
    WINDOWS_1251
}

/// The encoding a .cpg names (`UTF-8`, `1251`, `ANSI 1251`, `cp866`, `88591`...).
fn cpg_encoding(label: &str) -> Option<&'static Encoding> {
    let lower = label.to_ascii_lowercase();
    let bare = ["ansi ", "oem ", "cp", "windows-"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim();
    let digits = !bare.is_empty() && bare.bytes().all(|b| b.is_ascii_digit());
    let name = match bare {
        "65001" => "utf-8".to_owned(),
        "866" => "ibm866".to_owned(),
        "20866" => "koi8-r".to_owned(),
        "21866" => "koi8-u".to_owned(),
        _ if digits && bare.starts_with("8859") => format!("iso-8859-{}", bare.get(4..).unwrap_or_default()),
        _ if digits && bare.starts_with("2859") => format!("iso-8859-{}", bare.get(4..).unwrap_or_default()),
        _ if digits => format!("windows-{bare}"),
        _ => lower.clone(),
    };
    Encoding::for_label(name.as_bytes()).filter(|e| e.is_ascii_compatible())
}

/// Whether every field name and text value is UTF-8 (a character cut at the
/// end of a field counts as UTF-8: fixed widths split them).
fn all_utf8(fields: &[Field], records: &[&[u8]]) -> bool {
    let names = fields.iter().all(|f| utf8_prefix(&f.name).is_some());
    names
        && records.iter().all(|record| {
            fields
                .iter()
                .filter(|f| f.kind == b'C')
                .all(|f| utf8_prefix(field_bytes(record, f)).is_some())
        })
}

/// The bytes as UTF-8, without a last character cut short; `None` if invalid.
fn utf8_prefix(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(bytes.get(..e.valid_up_to())?).ok(),
        Err(_) => None,
    }
}

/// A field's bytes in a record (empty when the record is short).
fn field_bytes<'a>(record: &'a [u8], field: &Field) -> &'a [u8] {
    record
        .get(field.offset..field.offset + field.length)
        .unwrap_or_default()
}

/// Decodes names and values with one code page, collecting notes.
struct Decoder {
    /// The code page of the texts.
    encoding: &'static Encoding,
    /// Whether some text had bytes invalid in the code page.
    bad_text: bool,
    /// Notes so far.
    notes: Vec<RowNote>,
}

impl Decoder {
    /// Trimmed text, `None` when empty.
    fn text(&mut self, bytes: &[u8]) -> Option<String> {
        let end = bytes
            .iter()
            .rposition(|&b| b != b' ' && b != 0)
            .map_or(0, |p| p + 1);
        let start = bytes.iter().position(|&b| b != b' ').unwrap_or(end).min(end);
        let bytes = bytes.get(start..end).unwrap_or_default();
        if bytes.is_empty() {
            return None;
        }
        if self.encoding == UTF_8
            && let Some(text) = utf8_prefix(bytes)
        {
            return Some(text.to_owned());
        }
        let (text, had_errors) = self.encoding.decode_without_bom_handling(bytes);
        self.bad_text |= had_errors;
        Some(text.into_owned())
    }

    /// A field's name, or `field<n>` when it has none.
    fn name(&mut self, n: usize, bytes: &[u8]) -> String {
        self.text(bytes).unwrap_or_else(|| format!("field{}", n + 1))
    }

    /// The value of `field` in record `index`, as the table gives it.
    fn value(&mut self, index: usize, field: &Field, name: &str, record: &[u8]) -> Option<String> {
        let bytes = field_bytes(record, field);
        match field.kind {
            b'C' => self.text(bytes),
            b'N' | b'F' => self.text(bytes).filter(|t| !t.bytes().all(|b| b == b'*')),
            b'L' => self.text(bytes).and_then(|t| logical(&t)),
            b'D' => {
                let text = self.text(bytes)?;
                let date = date(&text);
                if date.is_none() && !text.bytes().all(|b| b == b'0') {
                    self.notes.push(RowNote {
                        record: Some(index),
                        message: format!("record {index}: field {name}: '{text}' is not a date (YYYYMMDD)"),
                    });
                    return Some(text);
                }
                date
            }
            _ => None,
        }
    }
}

/// `true`/`false` for a dBASE logical, `None` for `?` or anything else.
fn logical(text: &str) -> Option<String> {
    match text.chars().next()? {
        'T' | 't' | 'Y' | 'y' => Some("true".into()),
        'F' | 'f' | 'N' | 'n' => Some("false".into()),
        _ => None,
    }
}

/// `YYYY-MM-DD` from a valid `YYYYMMDD`.
fn date(text: &str) -> Option<String> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = text.split_at(4);
    let (month, day) = rest.split_at(2);
    let valid = matches!(month.parse::<u8>(), Ok(1..=12)) && matches!(day.parse::<u8>(), Ok(1..=31));
    valid.then(|| format!("{year}-{month}-{day}"))
}

/// A note about the file as a whole.
pub(super) fn file_note(message: impl Into<String>) -> RowNote {
    RowNote {
        record: None,
        message: message.into(),
    }
}

/// A little-endian u16 at `at`.
fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

/// A little-endian u32 at `at`.
fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Web Mercator projection names, folded (lower case, letters and digits only).
const WEB_PROJECTIONS: &str = "mercatorauxiliarysphere popularvisualisationpseudomercator \
                               popularvisualizationpseudomercator";
/// Datums close enough to WGS 84 to say nothing about, folded.
const WGS84_LIKE: &str = "wgs1984 wgs84 worldgeodeticsystem1984 etrs1989 etrs89 \
                          europeanterrestrialreferencesystem1989";

/// Reads a .prj (WKT 1 or 2): `None` when empty, else geographic or Web Mercator;
/// other projections are refused, datums other than WGS 84/ETRS89 noted.
pub fn read_prj(text: &str, notes: &mut Vec<RowNote>) -> Result<Option<Crs>, FormatError> {
    let text = text.trim_start_matches('\u{FEFF}').trim();
    let upper = text.to_ascii_uppercase();
    let compact: String = upper
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .collect();
    let code = last_code(&compact);
    if compact.is_empty() {
        return Ok(None);
    } else if !compact.contains(['[', '(']) {
        // A bare code (`EPSG:4326`), as some tools write.
        let start: String = text.chars().take(40).collect();
        let unknown = || FormatError::file(format!("the .prj names no system this reader knows: {start}"));
        return code.and_then(crs_from_epsg).map(Some).ok_or_else(unknown);
    }
    let named = |at: Option<usize>| at.and_then(|at| quoted(text, at));
    if let Some(at) = keyword(&upper, &["PROJCS", "PROJCRS", "PROJECTEDCRS"]) {
        let name = quoted(text, at).unwrap_or("unnamed");
        let projection = named(keyword(&upper, &["PROJECTION", "METHOD"])).unwrap_or("unknown");
        let is_web = WEB_PROJECTIONS.split(' ').any(|w| fold(projection) == w)
            || ["pseudomercator", "webmercator"]
                .iter()
                .any(|w| fold(name).contains(w))
            || code.and_then(crs_from_epsg) == Some(Crs::WebMercator);
        if is_web {
            return Ok(Some(Crs::WebMercator));
        }
        return Err(FormatError::file(format!(
            "projected coordinates ({name}, projection {projection}): reproject to WGS 84 (EPSG:4326) first, \
             e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp"
        )));
    }
    if keyword(&upper, &["GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS"]).is_none() {
        let start: String = text.chars().take(40).collect();
        let message =
            format!("the .prj is neither longitude/latitude (GEOGCS) nor projected (PROJCS): {start}");
        return Err(FormatError::file(message));
    }
    let datum = named(keyword(&upper, &["DATUM", "ENSEMBLE"])).unwrap_or("");
    if !datum.is_empty() && !WGS84_LIKE.split(' ').any(|s| fold(datum).contains(s)) {
        let shown = datum.strip_prefix("D_").unwrap_or(datum).replace('_', " ");
        notes.push(file_note(match fold(datum).contains("pulkovo") {
            true => format!("{shown}: read as WGS 84, positions may be off by up to ~150 m"),
            false => format!("datum {shown}: read as WGS 84 without a datum shift, positions may be off"),
        }));
    }
    Ok(Some(Crs::Degrees))
}

/// The EPSG (or ESRI) code a compacted WKT ends with: its own authority,
/// which follows those of its parts.
fn last_code(compact: &str) -> Option<i64> {
    let after = |key: &&str| compact.rfind(key).map(|at| at + key.len());
    let at = ["EPSG,", "ESRI,", "EPSG:"].iter().filter_map(after).max()?;
    let digits: String = compact
        .get(at..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A name folded for comparing: ASCII letters and digits, lower case.
fn fold(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Where the text after the first `KEYWORD[` (or `KEYWORD(`) of any of
/// `keywords` starts, in `upper` (a whole word: `BASEGEOGCRS` is not `GEOGCRS`).
fn keyword(upper: &str, keywords: &[&str]) -> Option<usize> {
    let opening = |(at, word): (usize, &str)| {
        let before = upper.get(..at).and_then(|s| s.chars().next_back());
        let rest = upper.get(at + word.len()..)?.trim_start();
        let whole = !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        (whole && rest.starts_with(['[', '('])).then(|| upper.len() - rest.len() + 1)
    };
    keywords
        .iter()
        .find_map(|word| upper.match_indices(word).find_map(opening))
}

/// The quoted name at `at` in `text` (after the keyword's bracket).
fn quoted(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?.trim_start().strip_prefix('"')?;
    rest.get(..rest.find('"')?)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A dBASE III table written by hand from the spec: a 32-byte header
    /// (version 3, a date, the record count, header and record lengths, the
    /// language driver at byte 29), 32-byte field descriptors (name NUL-padded
    /// to 11 bytes, type, 4 reserved bytes, length, decimals, 14 reserved),
    /// 0x0D, then each record with its deletion flag (`*` deleted, else a
    /// space), text left-aligned and numbers right-aligned, and 0x1A.
    pub(in crate::data::formats) fn dbf_file(
        fields: &[(&[u8], u8, u8)],
        records: &[(bool, Vec<&[u8]>)],
        ldid: u8,
    ) -> Vec<u8> {
        let record_len = 1 + fields.iter().map(|f| usize::from(f.2)).sum::<usize>();
        let header_len = 32 + 32 * fields.len() + 1;
        let mut out = vec![3, 124, 1, 31];
        out.extend(u32::try_from(records.len()).expect("few records").to_le_bytes());
        out.extend(u16::try_from(header_len).expect("small header").to_le_bytes());
        out.extend(u16::try_from(record_len).expect("short records").to_le_bytes());
        out.extend([0u8; 17]);
        out.push(ldid);
        out.extend([0u8; 2]);
        for (name, kind, length) in fields {
            let mut descriptor = [0u8; 32];
            descriptor[..name.len()].copy_from_slice(name);
            descriptor[11] = *kind;
            descriptor[16] = *length;
            out.extend(descriptor);
        }
        out.push(0x0D);
        for (deleted, values) in records {
            out.push(if *deleted { b'*' } else { b' ' });
            for ((_, kind, length), value) in fields.iter().zip(values) {
                let width = usize::from(*length);
                let value = &value[..value.len().min(width)];
                let pad = vec![b' '; width - value.len()];
                if matches!(kind, b'N' | b'F') {
                    out.extend(&pad);
                    out.extend_from_slice(value);
                } else {
                    out.extend_from_slice(value);
                    out.extend(&pad);
                }
            }
        }
        out.push(0x1A);
        out
    }

    /// Reads a table that must be readable.
    fn read(bytes: &[u8], cpg: Option<&str>) -> DbfTable {
        read_dbf(bytes, cpg).expect("a readable .dbf")
    }

    #[test]
    fn values_of_each_type() {
        let fields: &[(&[u8], u8, u8)] = &[
            (b"POP", b'N', 10),
            (b"AREA", b'F', 12),
            (b"OK", b'L', 1),
            (b"DAY", b'D', 8),
            (b"NOTE", b'M', 10),
        ];
        let records = vec![
            (false, vec![&b"123"[..], b"12.500", b"T", b"20240131", b"12"]),
            (false, vec![&b"**********"[..], b"", b"?", b"", b""]),
            (false, vec![&b"-7"[..], b"1.5", b"n", b"2024-1-1", b""]),
        ];
        let table = read(&dbf_file(fields, &records, 0), None);
        assert_eq!(table.fields, ["POP", "AREA", "OK", "DAY", "NOTE"]);
        let text = |v: &[Option<&str>]| Some(v.iter().map(|s| s.map(String::from)).collect::<Vec<_>>());
        assert_eq!(
            table.records[0],
            text(&[
                Some("123"),
                Some("12.500"),
                Some("true"),
                Some("2024-01-31"),
                None
            ])
        );
        assert_eq!(table.records[1], text(&[None, None, None, None, None]));
        assert_eq!(
            table.records[2],
            text(&[Some("-7"), Some("1.5"), Some("false"), Some("2024-1-1"), None])
        );
        assert!(
            table
                .notes
                .iter()
                .any(|n| n.record == Some(2) && n.message.contains("not a date"))
        );
        assert!(
            table
                .notes
                .iter()
                .any(|n| n.record.is_none() && n.message.contains("memo"))
        );
    }

    #[test]
    fn code_pages_from_cpg_labels() {
        let name = encoding_rs::WINDOWS_1251.encode("Белгород").0;
        let bytes = dbf_file(&[(b"NAME", b'C', 20)], &[(false, vec![&name[..]])], 0);
        for label in [
            "1251",
            "CP1251",
            "windows-1251",
            "ANSI 1251",
            "\u{FEFF}cp1251\r\n",
        ] {
            let table = read(&bytes, Some(label));
            assert_eq!(
                table.records[0],
                Some(vec![Some("Белгород".to_owned())]),
                "{label}"
            );
            assert!(table.notes.is_empty(), "{label}: {:?}", table.notes);
        }
        let oem = encoding_rs::IBM866.encode("Курск").0;
        let bytes = dbf_file(&[(b"NAME", b'C', 20)], &[(false, vec![&oem[..]])], 0);
        assert_eq!(
            read(&bytes, Some("866")).records[0],
            Some(vec![Some("Курск".to_owned())])
        );
        assert_eq!(
            read(&bytes, None).records[0],
            Some(vec![Some(encoding_rs::WINDOWS_1251.decode(&oem).0.into())])
        );
        let unknown = read(&bytes, Some("klingon"));
        assert!(unknown.notes.iter().any(|n| n.message.contains("klingon")));
    }

    #[test]
    fn utf8_cut_in_a_character_is_still_utf8() {
        let name = "Белгород".as_bytes();
        // 15 bytes hold seven letters and half of the eighth.
        let bytes = dbf_file(&[(b"NAME", b'C', 15)], &[(false, vec![name])], 0);
        let table = read(&bytes, None);
        assert_eq!(table.records[0], Some(vec![Some("Белгоро".to_owned())]));
        assert!(table.notes.is_empty(), "{:?}", table.notes);
    }

    #[test]
    fn clipper_wide_text_fields() {
        let mut bytes = dbf_file(&[(b"LONG", b'C', 44)], &[(false, vec![&b"wide"[..]])], 0);
        // Make the field 300 bytes wide the Clipper way: length 44 + 1 * 256.
        bytes[32 + 17] = 1;
        let record_len = 1 + 300_u16;
        bytes[10..12].copy_from_slice(&record_len.to_le_bytes());
        let end = bytes.len() - 1;
        bytes.splice(end..end, vec![b' '; 256]);
        assert_eq!(read(&bytes, None).records[0], Some(vec![Some("wide".to_owned())]));
    }

    #[test]
    fn broken_headers_are_errors() {
        assert!(read_dbf(b"short", None).is_err());
        let mut bytes = dbf_file(&[(b"A", b'C', 5)], &[(false, vec![&b"x"[..]])], 0);
        bytes[10] = 2; // records said to be 2 bytes, the field needs 5
        assert!(read_dbf(&bytes, None).is_err());
    }

    #[test]
    fn prj_kinds() {
        let mut notes = Vec::new();
        let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(read_prj(wgs, &mut notes), Ok(Some(Crs::Degrees)));
        assert!(notes.is_empty());
        let wkt2 = r#"PROJCRS["WGS 84 / Pseudo-Mercator",BASEGEOGCRS["WGS 84",ENSEMBLE["World Geodetic System 1984 ensemble"]],CONVERSION["Popular Visualisation Pseudo-Mercator",METHOD["Popular Visualisation Pseudo Mercator",ID["EPSG",1024]]]]"#;
        assert_eq!(read_prj(wkt2, &mut notes), Ok(Some(Crs::WebMercator)));
        assert_eq!(read_prj("  \n", &mut notes), Ok(None));
        assert_eq!(read_prj("EPSG:3857", &mut notes), Ok(Some(Crs::WebMercator)));
        let by_code =
            r#"PROJCS["Popular",GEOGCS["WGS 84"],PROJECTION["Mercator_1SP"],AUTHORITY["EPSG","3857"]]"#;
        assert_eq!(read_prj(by_code, &mut notes), Ok(Some(Crs::WebMercator)));
        assert!(read_prj("EPSG:32637", &mut notes).is_err());
        let local = read_prj(r#"LOCAL_CS["site grid"]"#, &mut notes);
        assert!(local.is_err_and(|e| e.message.contains("LOCAL_CS")));
    }
}
