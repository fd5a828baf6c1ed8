//! KML and KMZ (zipped KML) as Google Earth, Google My Maps and QGIS write
//! them: every Placemark read into a [`FeatureTable`] row with its
//! ExtendedData, name, description, time and folder as fields; point events
//! written back so that reading the file again gives the same fields.

use std::collections::HashMap;
use std::io::{self, Cursor, Read, Write};

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Orient, Polygon, orient::Direction};
use roxmltree::{Document, Node, ParsingOptions};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::table::{FeatureGeometry, FeatureRow, FeatureTable, FormatError, PointRow, RowNote};

/// The KML 2.2 namespace the writer declares (the reader ignores namespaces).
const KML_NAMESPACE: &str = "http://www.opengis.net/kml/2.2";
/// Deepest MultiGeometry nesting read, so a crafted file cannot exhaust the stack.
const MAX_NESTING: usize = 64;
/// Largest KML unpacked from a KMZ, so a zip bomb stops instead of filling memory.
const MAX_KML_BYTES: u64 = 1 << 30;
/// What joins the names of nested folders in the `folder` field.
const FOLDER_SEPARATOR: &str = " / ";

/// Reads a KML document: one row per Placemark (any nesting), in document
/// order. A document without placemarks gives zero rows; text that is not
/// UTF-8 XML, or XML that is not KML, is an error.
pub fn read_kml(bytes: &[u8]) -> Result<FeatureTable, FormatError> {
    let text = utf8_text(bytes)?;
    // DTDs are allowed: roxmltree bounds entity expansion and never fetches external ones.
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let document = Document::parse_with_options(text, options).map_err(|e| xml_error(text, &e))?;
    let root = document.root_element();
    let placemarks: Vec<Node> = root.descendants().filter(|n| is(n, "Placemark")).collect();
    let root_name = root.tag_name().name();
    if root_name != "kml" && placemarks.is_empty() {
        return Err(FormatError::file(format!(
            "not KML: the root is <{root_name}>, with no Placemark"
        )));
    }
    let mut table = FeatureTable {
        name: document_name(root),
        ..FeatureTable::default()
    };
    let mut columns = Columns::default();
    for (index, placemark) in placemarks.into_iter().enumerate() {
        let values = placemark_values(placemark, &mut columns);
        let geometry = placemark_geometry(index, placemark, &mut table.notes);
        table.rows.push(FeatureRow {
            index,
            values,
            geometry,
        });
    }
    // Rows read before a column first appeared lack it.
    for row in &mut table.rows {
        row.values.resize(columns.names.len(), None);
    }
    table.fields = columns.names;
    Ok(table)
}

/// Reads a KMZ: the zip's `doc.kml`, else its first `.kml` at the top level,
/// else its first `.kml` anywhere, as [`read_kml`] does.
pub fn read_kmz(bytes: &[u8]) -> Result<FeatureTable, FormatError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| FormatError::file(format!("not a readable KMZ (zip) file: {e}")))?;
    // Entries whose names cannot be decoded cannot be the KML: skip them.
    let names: Vec<(usize, String)> = (0..archive.len())
        .filter_map(|i| Some((i, archive.name_for_index(i)?.ok()?.into_owned())))
        .collect();
    let Some((index, name)) = pick_kml(&names) else {
        let listed: Vec<&str> = names.iter().take(5).map(|(_, n)| n.as_str()).collect();
        let listed = listed.join(", ");
        return Err(FormatError::file(format!(
            "the KMZ holds no .kml file ({listed}...)"
        )));
    };
    let unpack_error = |e: &dyn std::fmt::Display| FormatError::file(format!("{name} in the KMZ: {e}"));
    let mut entry = archive.by_index(*index).map_err(|e| unpack_error(&e))?;
    let mut kml = Vec::new();
    // The zip reader checks the CRC at the end, so a damaged entry is an error here.
    let read = entry.by_ref().take(MAX_KML_BYTES + 1).read_to_end(&mut kml);
    read.map_err(|e| unpack_error(&e))?;
    if kml.len() as u64 > MAX_KML_BYTES {
        return Err(unpack_error(&format!("over {MAX_KML_BYTES} bytes unpacked")));
    }
    read_kml(&kml).map_err(|e| FormatError {
        record: e.record,
        message: format!("{name} in the KMZ: {}", e.message),
    })
}

/// The KMZ entry to read, by the rules of [`read_kmz`].
fn pick_kml(names: &[(usize, String)]) -> Option<&(usize, String)> {
    let is_kml = |name: &str| name.to_ascii_lowercase().ends_with(".kml");
    let top_level = |name: &str| !name.contains(['/', '\\']);
    names
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| names.iter().find(|(_, n)| top_level(n) && is_kml(n)))
        .or_else(|| names.iter().find(|(_, n)| is_kml(n)))
}

/// The bytes as UTF-8 text without a byte order mark, or why they are not.
fn utf8_text(bytes: &[u8]) -> Result<&str, FormatError> {
    let utf16 = [&b"\xFF\xFE"[..], b"\xFE\xFF", b"<\0", b"\0<"];
    if utf16.iter().any(|start| bytes.starts_with(start)) {
        return Err(FormatError::file("the file is UTF-16; only UTF-8 KML is read"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(encoding) = declared_encoding(bytes) {
        let utf8 = ["utf-8", "utf8", "us-ascii", "ascii"];
        if !utf8.iter().any(|e| encoding.eq_ignore_ascii_case(e)) {
            return Err(FormatError::file(format!(
                "the XML declares encoding {encoding}; only UTF-8 KML can be read"
            )));
        }
    }
    let offset = |e: std::str::Utf8Error| e.valid_up_to();
    std::str::from_utf8(bytes).map_err(|e| FormatError::file(format!("not UTF-8: bad byte at {}", offset(e))))
}

/// The `encoding` of the XML declaration at the start of `bytes`, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    // The declaration is ASCII and short; a lossy look at the head is enough.
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(300))?);
    let declaration = head.strip_prefix("<?xml")?.split("?>").next()?;
    let (_, after) = declaration.split_once("encoding")?;
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after.get(1..)?.split(quote).next()?;
    Some(value.trim().to_owned())
}

/// A parse error, with the placemark it happened in when there is one.
fn xml_error(text: &str, error: &roxmltree::Error) -> FormatError {
    let message = format!("not readable XML: {error}");
    let position = error.pos();
    let line_start: usize = text
        .split_inclusive('\n')
        .take(position.row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = text.get(line_start..).unwrap_or("");
    let column = position.col.saturating_sub(1) as usize;
    let in_line = line.char_indices().nth(column).map_or(line.len(), |(i, _)| i);
    match open_placemark(text.get(..line_start + in_line).unwrap_or(text)) {
        Some(index) => FormatError::at(index, format!("placemark {index}: {message}")),
        None => FormatError::file(message),
    }
}

/// The index of the Placemark still open at the end of `before`, by
/// counting start and end tags (not namespace-prefixed ones: rare in KML).
fn open_placemark(before: &str) -> Option<usize> {
    let opened = before.matches("<Placemark").count();
    let closed = before.matches("</Placemark").count() + before.matches("<Placemark/>").count();
    (opened > closed).then(|| opened - 1)
}

/// Whether `node` is a KML geometry element (a Placemark's or a MultiGeometry's member).
fn is_geometry(node: &Node) -> bool {
    const KINDS: &str = "Point LineString LinearRing Polygon MultiGeometry Track MultiTrack Model";
    node.is_element() && KINDS.split(' ').any(|kind| kind == node.tag_name().name())
}

/// Whether `node` is an element with this local name, whatever its namespace.
fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// The first child element of `node` with this local name.
fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| is(c, name))
}

/// All the text in `node` (CDATA included), trimmed; `None` when blank.
fn text(node: Node) -> Option<String> {
    let joined = all_text(node);
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// All the text in `node`, as written.
fn all_text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The `name` of the document's first Document element, else "".
fn document_name(root: Node) -> String {
    root.descendants()
        .find(|n| is(n, "Document"))
        .and_then(|d| child(d, "name"))
        .and_then(text)
        .unwrap_or_default()
}

/// The field names of a table being read, with where each one is.
#[derive(Default)]
struct Columns {
    /// The names, in order of first appearance.
    names: Vec<String>,
    /// The column of each name.
    by_name: HashMap<String, usize>,
}

impl Columns {
    /// Sets field `name` of a row, unless an earlier source already gave it a
    /// value; `keep_empty` makes the column exist even for no value.
    fn put(&mut self, values: &mut Vec<Option<String>>, name: &str, value: Option<String>, keep_empty: bool) {
        if value.is_none() && !keep_empty {
            return;
        }
        // A lookup before inserting: most calls find the name and need no allocation.
        let column = self.by_name.get(name).copied().unwrap_or_else(|| {
            self.names.push(name.to_owned());
            self.by_name.insert(name.to_owned(), self.names.len() - 1);
            self.names.len() - 1
        });
        values.resize(values.len().max(column + 1), None);
        if let Some(slot) = values.get_mut(column)
            && slot.is_none()
        {
            *slot = value;
        }
    }
}

/// A placemark's fields: its ExtendedData first, then the KML elements
/// ExtendedData did not already give a value for.
fn placemark_values(placemark: Node, columns: &mut Columns) -> Vec<Option<String>> {
    let mut values = Vec::new();
    if let Some(extended) = child(placemark, "ExtendedData") {
        for data in extended.descendants() {
            let name = data.attribute("name").map(str::trim).filter(|n| !n.is_empty());
            if let Some(name) = name {
                if is(&data, "Data") {
                    columns.put(&mut values, name, child(data, "value").and_then(text), true);
                } else if is(&data, "SimpleData") {
                    columns.put(&mut values, name, text(data), true);
                }
            }
        }
    }
    let element = |name: &str| child(placemark, name).and_then(text);
    columns.put(&mut values, "title", element("name"), false);
    columns.put(&mut values, "description", element("description"), false);
    if let Some(stamp) = child(placemark, "TimeStamp") {
        columns.put(&mut values, "date", child(stamp, "when").and_then(text), false);
    }
    if let Some(span) = child(placemark, "TimeSpan") {
        columns.put(&mut values, "date", child(span, "begin").and_then(text), false);
        columns.put(&mut values, "end_date", child(span, "end").and_then(text), false);
    }
    // Innermost first, as ancestors come.
    let folders: Vec<Option<String>> = placemark
        .ancestors()
        .filter(|n| is(n, "Folder"))
        .map(|f| child(f, "name").and_then(text))
        .collect();
    columns.put(&mut values, "category", folders.first().cloned().flatten(), false);
    let path: Vec<String> = folders.into_iter().rev().flatten().collect();
    let path = (!path.is_empty()).then(|| path.join(FOLDER_SEPARATOR));
    columns.put(&mut values, "folder", path, false);
    values
}

/// One simple geometry found in a Placemark.
enum Part {
    /// A Point's position.
    Point(Coord<f64>),
    /// A LineString or a lone LinearRing.
    Line(LineString<f64>),
    /// A Polygon.
    Polygon(Polygon<f64>),
    /// Something with no usable shape, by KML name.
    Other(&'static str),
}

/// A placemark's geometry; an unreadable one is `None` with a note naming
/// the placemark and what was wrong.
fn placemark_geometry(index: usize, placemark: Node, notes: &mut Vec<RowNote>) -> Option<FeatureGeometry> {
    let node = placemark.children().find(is_geometry)?;
    let label = match child(placemark, "name").and_then(text) {
        Some(name) => format!("placemark {index} ({name})"),
        None => format!("placemark {index}"),
    };
    let mut parts = Vec::new();
    let (geometry, note) = match collect_parts(node, 0, &mut parts) {
        Ok(()) => classify(parts),
        Err(problem) => (None, Some(format!("{problem}; loaded without geometry"))),
    };
    if let Some(note) = note {
        let message = format!("{label}: {note}");
        notes.push(RowNote {
            record: Some(index),
            message,
        });
    }
    geometry
}

/// Adds the simple geometries of `node` (a MultiGeometry's, recursively) to `parts`.
fn collect_parts(node: Node, depth: usize, parts: &mut Vec<Part>) -> Result<(), String> {
    match node.tag_name().name() {
        "Point" => {
            let first = positions(node)?.first().copied();
            parts.push(Part::Point(first.ok_or("a Point without a position")?));
        }
        "LineString" | "LinearRing" => {
            let line = positions(node)?;
            if line.len() < 2 {
                return Err(format!("a line of {} position(s)", line.len()));
            }
            parts.push(Part::Line(LineString::new(line)));
        }
        "Polygon" => parts.push(Part::Polygon(polygon(node)?)),
        "MultiGeometry" => {
            if depth >= MAX_NESTING {
                return Err(format!("MultiGeometry nested deeper than {MAX_NESTING}"));
            }
            for member in node.children().filter(is_geometry) {
                collect_parts(member, depth + 1, parts)?;
            }
        }
        "Track" => parts.push(Part::Other("gx:Track")),
        "MultiTrack" => parts.push(Part::Other("gx:MultiTrack")),
        _ => parts.push(Part::Other("Model")),
    }
    Ok(())
}

/// The geometry the parts make, and a note when some were dropped.
fn classify(parts: Vec<Part>) -> (Option<FeatureGeometry>, Option<String>) {
    let count = parts.len();
    let (mut points, mut lines, mut polygons, mut other) = (Vec::new(), Vec::new(), Vec::new(), None);
    for part in parts {
        match part {
            Part::Point(point) => points.push(point),
            Part::Line(line) => lines.push(line),
            Part::Polygon(polygon) => polygons.push(polygon),
            Part::Other(name) => other = other.or(Some(name)),
        }
    }
    let geometry = match (other, points.first()) {
        _ if count == 0 => None,
        (Some(name), _) if count == 1 => Some(FeatureGeometry::Other(name)),
        (Some(_), _) => Some(FeatureGeometry::Other("MultiGeometry")),
        (None, Some(first)) if points.len() == count => {
            let note =
                (count > 1).then(|| format!("MultiGeometry of {count} points: only the first is kept"));
            return (Some(FeatureGeometry::Point(*first)), note);
        }
        _ if lines.len() == count => Some(FeatureGeometry::Lines(MultiLineString::new(lines))),
        _ if polygons.len() == count => {
            // KML winds rings either way; the project wants exteriors CCW, holes CW.
            let polygons = MultiPolygon::new(polygons).orient(Direction::Default);
            Some(FeatureGeometry::Polygons(polygons))
        }
        _ => Some(FeatureGeometry::Other("MultiGeometry")),
    };
    (geometry, None)
}

/// A Polygon from its outer and inner LinearRings (closed by `geo`).
fn polygon(node: Node) -> Result<Polygon<f64>, String> {
    let rings = |boundary: Node| -> Result<Vec<LineString<f64>>, String> {
        boundary
            .children()
            .filter(|n| is(n, "LinearRing"))
            .map(ring)
            .collect()
    };
    let outer = child(node, "outerBoundaryIs").ok_or("a Polygon without outerBoundaryIs")?;
    let exterior = rings(outer)?
        .into_iter()
        .next()
        .ok_or("an outerBoundaryIs without LinearRing")?;
    let mut holes = Vec::new();
    for inner in node.children().filter(|n| is(n, "innerBoundaryIs")) {
        holes.extend(rings(inner)?);
    }
    Ok(Polygon::new(exterior, holes))
}

/// A polygon ring, at least a triangle.
fn ring(node: Node) -> Result<LineString<f64>, String> {
    let ring = positions(node)?;
    if ring.len() < 3 {
        return Err(format!("a polygon ring of {} position(s)", ring.len()));
    }
    Ok(LineString::new(ring))
}

/// The positions in the `coordinates` child of `node`.
fn positions(node: Node) -> Result<Vec<Coord<f64>>, String> {
    let coordinates = child(node, "coordinates")
        .ok_or_else(|| format!("a {} without coordinates", node.tag_name().name()))?;
    parse_coordinates(&all_text(coordinates))
}

/// Parses KML `lon,lat[,alt]` tuples separated by whitespace; whitespace
/// next to a comma is tolerated (`36.5, 50.1`).
fn parse_coordinates(text: &str) -> Result<Vec<Coord<f64>>, String> {
    let separator = |c: char| c == ',' || c.is_whitespace();
    let mut coords = Vec::new();
    let mut numbers: Vec<&str> = Vec::with_capacity(3);
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let end = rest.find(separator).unwrap_or(rest.len());
        let (number, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
        numbers.push(number);
        let after = after.trim_start();
        match after.strip_prefix(',') {
            Some(next) => rest = next.trim_start(),
            None => {
                coords.push(position(&numbers)?);
                numbers.clear();
                rest = after;
            }
        }
    }
    // A tuple ended by a trailing comma.
    if !numbers.is_empty() {
        coords.push(position(&numbers)?);
    }
    Ok(coords)
}

/// One `lon,lat[,alt]` tuple, checked to be numbers on the globe.
fn position(numbers: &[&str]) -> Result<Coord<f64>, String> {
    let tuple = numbers.join(",");
    let bad = |why: &str| format!("bad coordinate `{tuple}`: {why}");
    let mut parsed = Vec::with_capacity(3);
    for text in numbers {
        let number = text.parse::<f64>().ok().filter(|v| v.is_finite());
        parsed.push(number.ok_or_else(|| bad(&format!("`{text}` is not a number")))?);
    }
    let ([x, y] | [x, y, _]) = parsed[..] else {
        return Err(bad("not lon,lat[,alt]"));
    };
    if !(-180.0..=180.0).contains(&x) {
        return Err(bad("longitude outside ±180"));
    }
    if !(-90.0..=90.0).contains(&y) {
        return Err(bad("latitude outside ±90"));
    }
    Ok(Coord { x, y })
}

/// Writes point rows as a KML 2.2 document named `name`: one Placemark per
/// row with `<name>`, `<description>` and time from the `title`,
/// `description`, `date` and `end_date` columns, and every non-empty column
/// in ExtendedData, so [`read_kml`] gives the same fields back. Returns the
/// number of placemarks written.
pub fn write_kml(
    out: &mut dyn Write,
    name: &str,
    columns: &[&str],
    rows: &mut dyn Iterator<Item = PointRow>,
) -> io::Result<usize> {
    let mut text = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"{KML_NAMESPACE}\">\n");
    text.push_str("<Document>\n");
    if !name.trim().is_empty() {
        text += &format!("  <name>{}</name>\n", escape(name, false));
    }
    out.write_all(text.as_bytes())?;
    let special = ["title", "description", "date", "end_date"].map(|k| columns.iter().position(|c| *c == k));
    let mut written = 0;
    for row in rows {
        text.clear();
        placemark(&mut text, columns, special, &row);
        out.write_all(text.as_bytes())?;
        written += 1;
    }
    out.write_all(b"</Document>\n</kml>\n")?;
    Ok(written)
}

/// Wraps a KML document as `doc.kml` in a deflated zip: a KMZ.
pub fn kmz_bytes(kml: &[u8]) -> io::Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("doc.kml", options)?;
    zip.write_all(kml)?;
    Ok(zip.finish()?.into_inner())
}

/// Appends one row as a Placemark; `special` holds the columns of title,
/// description, date and end date, written as KML elements too.
fn placemark(text: &mut String, columns: &[&str], special: [Option<usize>; 4], row: &PointRow) {
    let value = |column: Option<usize>| {
        let value = column
            .and_then(|c| row.values.get(c))
            .filter(|v| !v.trim().is_empty());
        value.map(|v| escape(v, false))
    };
    let [title, description, date, end_date] = special.map(value);
    text.push_str("  <Placemark>\n");
    if let Some(title) = title {
        *text += &format!("    <name>{title}</name>\n");
    }
    if let Some(description) = description {
        *text += &format!("    <description>{description}</description>\n");
    }
    match (date, end_date) {
        (begin, Some(end)) => {
            let begin = begin.map(|b| format!("<begin>{b}</begin>")).unwrap_or_default();
            *text += &format!("    <TimeSpan>{begin}<end>{end}</end></TimeSpan>\n");
        }
        (Some(when), None) => *text += &format!("    <TimeStamp><when>{when}</when></TimeStamp>\n"),
        (None, None) => {}
    }
    let filled = columns.iter().zip(&row.values);
    let data: String = filled
        .filter(|(c, v)| !c.trim().is_empty() && !v.trim().is_empty())
        .map(|(c, v)| {
            format!(
                "      <Data name=\"{}\"><value>{}</value></Data>\n",
                escape(c, true),
                escape(v, false)
            )
        })
        .collect();
    if !data.is_empty() {
        *text += &format!("    <ExtendedData>\n{data}    </ExtendedData>\n");
    }
    let Coord { x, y } = row.position;
    // A position that is no number cannot be written as KML: the placemark goes without.
    if x.is_finite() && y.is_finite() {
        // `{}` prints the shortest text that reads back as the same f64.
        *text += &format!("    <Point><coordinates>{x},{y}</coordinates></Point>\n");
    }
    text.push_str("  </Placemark>\n");
}

/// `value` escaped for XML, without the characters XML 1.0 forbids.
/// Carriage returns (and in attributes tabs and newlines) become character
/// references, since parsers would otherwise normalise them away.
fn escape(value: &str, attribute: bool) -> String {
    let mut text = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => text.push_str("&amp;"),
            '<' => text.push_str("&lt;"),
            '>' => text.push_str("&gt;"),
            '"' => text.push_str("&quot;"),
            '\'' => text.push_str("&apos;"),
            '\r' => text.push_str("&#13;"),
            '\n' if attribute => text.push_str("&#10;"),
            '\t' if attribute => text.push_str("&#9;"),
            '\t' | '\n' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => text.push(c),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use geo::{Coord, Winding};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;

    /// A document in the style of a Google Earth / My Maps export, written by hand.
    const EARTH: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
	<name>Belgorod incidents.kmz</name>
	<Style id="s_red"><IconStyle><scale>1.1</scale><Icon><href>http://maps.google.com/mapfiles/kml/pushpin/red-pushpin.png</href></Icon></IconStyle></Style>
	<StyleMap id="m_red"><Pair><key>normal</key><styleUrl>#s_red</styleUrl></Pair></StyleMap>
	<Schema name="incident" id="incident_schema">
		<SimpleField type="int" name="troops"></SimpleField>
		<SimpleField type="string" name="source"></SimpleField>
	</Schema>
	<Folder>
		<name>Belgorod oblast</name>
		<open>1</open>
		<Folder>
			<name>Drone strikes</name>
			<Placemark>
				<name>Shebekino</name>
				<description><![CDATA[<b>Strike</b> on a substation & depot]]></description>
				<TimeSpan><begin>2024-03-12</begin><end>2024-03-14T06:00:00Z</end></TimeSpan>
				<styleUrl>#m_red</styleUrl>
				<ExtendedData>
					<SchemaData schemaUrl="#incident_schema">
						<SimpleData name="troops">12</SimpleData>
						<SimpleData name="source">  Telegram  </SimpleData>
					</SchemaData>
				</ExtendedData>
				<Point><gx:drawOrder>1</gx:drawOrder><coordinates>36.9917,50.4099,0</coordinates></Point>
			</Placemark>
			<Placemark>
				<name>Grayvoron</name>
				<TimeStamp><when>2024-05-01T10:00:00Z</when></TimeStamp>
				<ExtendedData>
					<Data name="category"><value>shelling</value></Data>
					<Data name="troops"><displayName>Troops</displayName><value></value></Data>
					<Data name="title"><value>Grayvoron (town)</value></Data>
				</ExtendedData>
				<Point><coordinates>
					35.4735, 50.4784
				</coordinates></Point>
			</Placemark>
		</Folder>
		<Placemark>
			<name>Exclusion zone</name>
			<Polygon><extrude>0</extrude>
				<outerBoundaryIs><LinearRing><coordinates>
					36.0,50.0,0 36.0,51.0,0 37.0,51.0,0 37.0,50.0,0 36.0,50.0,0
				</coordinates></LinearRing></outerBoundaryIs>
				<innerBoundaryIs><LinearRing><coordinates>36.4,50.4 36.6,50.4 36.6,50.6 36.4,50.6</coordinates></LinearRing></innerBoundaryIs>
			</Polygon>
		</Placemark>
	</Folder>
	<Folder>
		<name>Kursk oblast</name>
		<Placemark>
			<name>Two fields</name>
			<MultiGeometry>
				<Polygon><outerBoundaryIs><LinearRing><coordinates>35,51 36,51 36,52 35,51</coordinates></LinearRing></outerBoundaryIs></Polygon>
				<Polygon><outerBoundaryIs><LinearRing><coordinates>37,51 37,52 38,51 37,51</coordinates></LinearRing></outerBoundaryIs></Polygon>
			</MultiGeometry>
		</Placemark>
		<Placemark>
			<MultiGeometry>
				<LineString><tessellate>1</tessellate><coordinates>35,51 35.5,51.5</coordinates></LineString>
				<LineString><coordinates>36,51	36.5,51.2
37,51.4</coordinates></LineString>
			</MultiGeometry>
		</Placemark>
	</Folder>
	<Placemark>
		<description>   </description>
		<gx:Track><when>2024-01-01T00:00:00Z</when><gx:coord>36 50 0</gx:coord></gx:Track>
	</Placemark>
</Document>
</kml>
"##;

    fn field<'a>(table: &'a FeatureTable, index: usize, name: &str) -> Option<&'a str> {
        table.value(&table.rows[index], name)
    }

    #[test]
    fn reads_a_google_earth_style_document() {
        let table = read_kml(EARTH.as_bytes()).expect("reads");
        assert_eq!(table.name, "Belgorod incidents.kmz");
        let expected_fields = [
            "troops",
            "source",
            "title",
            "description",
            "date",
            "end_date",
            "category",
            "folder",
        ];
        assert_eq!(table.fields, expected_fields);
        assert_eq!(table.rows.len(), 6);
        assert!(table.rows.iter().enumerate().all(|(i, r)| r.index == i));
        assert!(table.rows.iter().all(|r| r.values.len() == expected_fields.len()));
        assert!(table.notes.is_empty(), "{:?}", table.notes);

        assert_eq!(field(&table, 0, "troops"), Some("12"));
        assert_eq!(field(&table, 0, "source"), Some("Telegram"));
        assert_eq!(field(&table, 0, "title"), Some("Shebekino"));
        assert_eq!(
            field(&table, 0, "description"),
            Some("<b>Strike</b> on a substation & depot")
        );
        assert_eq!(field(&table, 0, "date"), Some("2024-03-12"));
        assert_eq!(field(&table, 0, "end_date"), Some("2024-03-14T06:00:00Z"));
        assert_eq!(field(&table, 0, "category"), Some("Drone strikes"));
        assert_eq!(
            field(&table, 0, "folder"),
            Some("Belgorod oblast / Drone strikes")
        );
        assert_eq!(
            table.rows[0].geometry,
            Some(FeatureGeometry::Point(Coord {
                x: 36.9917,
                y: 50.4099
            }))
        );

        // ExtendedData wins over <name> and over the folder; an empty Data is None.
        assert_eq!(field(&table, 1, "title"), Some("Grayvoron (town)"));
        assert_eq!(field(&table, 1, "category"), Some("shelling"));
        assert_eq!(field(&table, 1, "troops"), None);
        assert_eq!(field(&table, 1, "source"), None);
        assert_eq!(field(&table, 1, "date"), Some("2024-05-01T10:00:00Z"));
        assert_eq!(field(&table, 1, "end_date"), None);
        assert_eq!(
            field(&table, 1, "folder"),
            Some("Belgorod oblast / Drone strikes")
        );
        assert_eq!(
            table.rows[1].geometry,
            Some(FeatureGeometry::Point(Coord {
                x: 35.4735,
                y: 50.4784
            }))
        );

        assert_eq!(field(&table, 2, "title"), Some("Exclusion zone"));
        assert_eq!(field(&table, 2, "category"), Some("Belgorod oblast"));
        assert_eq!(field(&table, 2, "folder"), Some("Belgorod oblast"));
        let Some(FeatureGeometry::Polygons(zone)) = &table.rows[2].geometry else {
            panic!("not polygons: {:?}", table.rows[2].geometry)
        };
        assert_eq!(zone.0.len(), 1);
        let exterior = zone.0[0].exterior();
        assert!(exterior.is_closed() && exterior.is_ccw() && exterior.0.len() == 5);
        for corner in [(36.0, 50.0), (36.0, 51.0), (37.0, 51.0), (37.0, 50.0)] {
            assert!(exterior.0.contains(&Coord::from(corner)));
        }
        let holes = zone.0[0].interiors();
        assert_eq!(holes.len(), 1);
        assert!(holes[0].is_closed() && holes[0].is_cw() && holes[0].0.len() == 5);

        assert_eq!(field(&table, 3, "title"), Some("Two fields"));
        assert_eq!(field(&table, 3, "category"), Some("Kursk oblast"));
        let Some(FeatureGeometry::Polygons(fields)) = &table.rows[3].geometry else {
            panic!("not polygons: {:?}", table.rows[3].geometry)
        };
        assert_eq!(fields.0.len(), 2);
        assert!(
            fields
                .0
                .iter()
                .all(|p| p.exterior().is_ccw() && p.exterior().is_closed())
        );

        assert_eq!(field(&table, 4, "title"), None);
        assert_eq!(field(&table, 4, "category"), Some("Kursk oblast"));
        let Some(FeatureGeometry::Lines(lines)) = &table.rows[4].geometry else {
            panic!("not lines: {:?}", table.rows[4].geometry)
        };
        assert_eq!(lines.0.len(), 2);
        assert_eq!(
            lines.0[1].0,
            vec![(36.0, 51.0).into(), (36.5, 51.2).into(), (37.0, 51.4).into()]
        );

        assert!(table.rows[5].values.iter().all(Option::is_none));
        assert_eq!(table.rows[5].geometry, Some(FeatureGeometry::Other("gx:Track")));
    }

    #[test]
    fn a_bad_coordinate_drops_only_that_geometry() {
        let kml = r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
            <Placemark><name>Good</name><Point><coordinates>36.5,50.5</coordinates></Point></Placemark>
            <Placemark><name>Bad one</name><Point><coordinates>36.5,95.0</coordinates></Point></Placemark>
            <Placemark><Point><coordinates>37,51,0</coordinates></Point></Placemark>
            <Placemark><LineString><coordinates>36,50 abc,50</coordinates></LineString></Placemark>
            <Placemark><Point><coordinates>200,50</coordinates></Point></Placemark>
            </Document></kml>"#;
        let table = read_kml(kml.as_bytes()).expect("reads");
        assert_eq!(table.rows.len(), 5);
        assert_eq!(
            table.rows[0].geometry,
            Some(FeatureGeometry::Point(Coord { x: 36.5, y: 50.5 }))
        );
        assert_eq!(
            table.rows[2].geometry,
            Some(FeatureGeometry::Point(Coord { x: 37.0, y: 51.0 }))
        );
        for bad in [1, 3, 4] {
            assert_eq!(table.rows[bad].geometry, None);
        }
        assert_eq!(field(&table, 1, "title"), Some("Bad one"));
        assert_eq!(table.notes.len(), 3);
        let note = |record: usize| {
            table
                .notes
                .iter()
                .find(|n| n.record == Some(record))
                .expect("a note")
        };
        assert!(note(1).message.contains("placemark 1") && note(1).message.contains("Bad one"));
        assert!(note(1).message.contains("36.5,95.0"));
        assert!(note(3).message.contains("abc"));
        assert!(note(4).message.contains("200,50"));
    }

    #[test]
    fn reads_geometry_kinds_and_coordinate_spacing() {
        let kml = r#"<kml><Placemark><MultiGeometry><Point><coordinates>1,2</coordinates></Point>
            <Point><coordinates>3,4</coordinates></Point></MultiGeometry></Placemark>
            <Placemark><MultiGeometry><Point><coordinates>1,2</coordinates></Point>
            <LineString><coordinates>1,2 3,4</coordinates></LineString></MultiGeometry></Placemark>
            <Placemark><Model><Link><href>tank.dae</href></Link></Model></Placemark>
            <Placemark><LineString><coordinates>  1 ,2 , 10
               3,  4	5, 6 ,</coordinates></LineString></Placemark>
            <Placemark><name>no geometry</name></Placemark>
            <Placemark><MultiGeometry/></Placemark></kml>"#;
        let table = read_kml(kml.as_bytes()).expect("reads");
        assert_eq!(
            table.rows[0].geometry,
            Some(FeatureGeometry::Point(Coord { x: 1.0, y: 2.0 }))
        );
        assert_eq!(table.notes.len(), 1);
        assert_eq!(table.notes[0].record, Some(0));
        assert_eq!(
            table.rows[1].geometry,
            Some(FeatureGeometry::Other("MultiGeometry"))
        );
        assert_eq!(table.rows[2].geometry, Some(FeatureGeometry::Other("Model")));
        let line = MultiLineString::new(vec![LineString::from(vec![(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)])]);
        assert_eq!(table.rows[3].geometry, Some(FeatureGeometry::Lines(line)));
        assert_eq!(table.rows[4].geometry, None);
        assert_eq!(table.rows[5].geometry, None);
    }

    #[test]
    fn namespaces_bom_and_empty_documents() {
        let prefixed = "\u{FEFF}<?xml version='1.0' encoding='utf-8'?>\
            <k:kml xmlns:k=\"http://www.opengis.net/kml/2.2\"><k:Document><k:name>P</k:name>\
            <k:Placemark><k:name>A</k:name><k:Point><k:coordinates>1,2</k:coordinates></k:Point>\
            </k:Placemark></k:Document></k:kml>";
        let old = "<kml xmlns=\"http://earth.google.com/kml/2.1\"><Placemark><name>A</name>\
            <Point><coordinates>1,2</coordinates></Point></Placemark></kml>";
        for kml in [prefixed, old] {
            let table = read_kml(kml.as_bytes()).expect("reads");
            assert_eq!(table.fields, ["title"]);
            assert_eq!(field(&table, 0, "title"), Some("A"));
            assert_eq!(
                table.rows[0].geometry,
                Some(FeatureGeometry::Point(Coord { x: 1.0, y: 2.0 }))
            );
        }
        assert_eq!(read_kml(prefixed.as_bytes()).expect("reads").name, "P");
        let empty = read_kml(b"<kml><Document><name>x</name></Document></kml>").expect("reads");
        assert_eq!((empty.name.as_str(), empty.rows.len()), ("x", 0));
        // A bare Document root with placemarks is still read.
        let bare = read_kml(b"<Document><Placemark><name>a</name></Placemark></Document>").expect("reads");
        assert_eq!(bare.rows.len(), 1);
    }

    #[test]
    fn refuses_what_is_not_utf8_kml() {
        let message = |bytes: &[u8]| read_kml(bytes).expect_err("refused").message;
        let cp1251 = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><kml><Placemark><name>\xcc</name></Placemark></kml>";
        assert!(message(cp1251).contains("windows-1251"));
        assert!(message(b"<kml><Placemark><name>\xcc\xcc</name></Placemark></kml>").contains("UTF-8"));
        assert!(message(b"\xFF\xFE<\0k\0m\0l\0>\0").contains("UTF-16"));
        assert!(message(b"<html><body><p>hi</p></body></html>").contains("html"));
        assert!(message(b"hello, world").contains("XML"));
        assert!(message(b"").contains("XML"));
        let broken = b"<kml><Document><Placemark><name>a</name></Placemark>\n\
            <Placemark><name>b</nam></Placemark></Document></kml>";
        assert_eq!(read_kml(broken).expect_err("refused").record, Some(1));
    }

    /// Rows with tricky text and coordinates, and the columns they fill.
    fn tricky_rows() -> (Vec<&'static str>, Vec<PointRow>) {
        let columns = vec![
            "title",
            "description",
            "date",
            "end_date",
            "category",
            "troops",
            "note",
        ];
        let text = |values: [&str; 7]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
        let rows = vec![
            PointRow {
                position: Coord {
                    x: 37.61730000000001,
                    y: 55.75582600000001,
                },
                values: text([
                    "Strike on \"Depot\" <7> & 'yard'",
                    "Line one\nline two\r\nline three\ttab",
                    "2024-03-12",
                    "2024-03-14T06:00:00Z",
                    "обстрел",
                    "120",
                    "Белгород, ул. Щорса",
                ]),
            },
            PointRow {
                position: Coord { x: -0.0, y: 1e-7 },
                values: text(["", "", "2024-05-01", "", "drone", "", "  padded  "]),
            },
            PointRow {
                position: Coord {
                    x: 179.99999999999997,
                    y: -89.5,
                },
                values: text(["only title", "", "", "2024-06-01", "", "0", ""]),
            },
        ];
        (columns, rows)
    }

    /// Checks that `table` holds `rows` as the reader promises: trimmed
    /// values, empty as None, bit-identical positions.
    fn assert_same(table: &FeatureTable, columns: &[&str], rows: &[PointRow]) {
        assert_eq!(table.rows.len(), rows.len());
        for (read, written) in table.rows.iter().zip(rows) {
            for (column, value) in columns.iter().zip(&written.values) {
                let expected = Some(value.trim()).filter(|v| !v.is_empty());
                assert_eq!(
                    table.value(read, column),
                    expected,
                    "row {} column {column}",
                    read.index
                );
            }
            let Some(FeatureGeometry::Point(point)) = read.geometry else {
                panic!("no point: {:?}", read.geometry)
            };
            assert_eq!(point.x.to_bits(), written.position.x.to_bits());
            assert_eq!(point.y.to_bits(), written.position.y.to_bits());
        }
        assert!(table.notes.is_empty(), "{:?}", table.notes);
    }

    #[test]
    fn round_trips_through_kml_and_kmz() {
        let (columns, rows) = tricky_rows();
        let mut kml = Vec::new();
        let written = write_kml(
            &mut kml,
            "Events & <more>",
            &columns,
            &mut rows.clone().into_iter(),
        )
        .expect("writes");
        assert_eq!(written, rows.len());
        let table = read_kml(&kml).expect("reads back");
        assert_eq!(table.name, "Events & <more>");
        assert_same(&table, &columns, &rows);
        // Every non-empty column comes back, in the written order.
        assert_eq!(table.fields, columns);

        let kmz = kmz_bytes(&kml).expect("zips");
        assert!(kmz.starts_with(b"PK"));
        assert_same(&read_kmz(&kmz).expect("reads KMZ"), &columns, &rows);
    }

    #[test]
    fn writer_fills_the_kml_elements() {
        let (columns, rows) = tricky_rows();
        let mut kml = Vec::new();
        write_kml(&mut kml, "", &columns, &mut rows.clone().into_iter()).expect("writes");
        let text = String::from_utf8(kml).expect("UTF-8");
        let document = Document::parse(&text).expect("well-formed XML");
        let root = document.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.opengis.net/kml/2.2")
        );
        let placemarks: Vec<Node> = root.descendants().filter(|n| is(n, "Placemark")).collect();
        assert_eq!(placemarks.len(), 3);
        let text_at = |node: Node, path: &[&str]| -> Option<String> {
            let mut here = node;
            for step in path {
                here = here.children().find(|c| c.tag_name().name() == *step)?;
            }
            Some(
                here.descendants()
                    .filter_map(|n| n.is_text().then(|| n.text()).flatten())
                    .collect(),
            )
        };
        let first = placemarks[0];
        assert_eq!(
            text_at(first, &["name"]).as_deref(),
            Some("Strike on \"Depot\" <7> & 'yard'")
        );
        assert_eq!(
            text_at(first, &["description"]).as_deref(),
            Some("Line one\nline two\r\nline three\ttab")
        );
        assert_eq!(
            text_at(first, &["TimeSpan", "begin"]).as_deref(),
            Some("2024-03-12")
        );
        assert_eq!(
            text_at(first, &["TimeSpan", "end"]).as_deref(),
            Some("2024-03-14T06:00:00Z")
        );
        assert_eq!(
            text_at(placemarks[1], &["TimeStamp", "when"]).as_deref(),
            Some("2024-05-01")
        );
        assert_eq!(text_at(placemarks[1], &["name"]), None);
        assert_eq!(text_at(placemarks[2], &["TimeSpan", "begin"]), None);
        assert_eq!(
            text_at(placemarks[2], &["TimeSpan", "end"]).as_deref(),
            Some("2024-06-01")
        );
        let data = first.descendants().filter(|n| is(n, "Data")).count();
        assert_eq!(data, 7);
        assert!(root.descendants().all(|n| !is(&n, "Folder")));
    }

    #[test]
    fn writer_drops_characters_xml_forbids() {
        let columns = ["title", "note\u{1}"];
        let row = PointRow {
            position: Coord { x: 30.0, y: 50.0 },
            values: vec!["a\u{0}b\u{8}c\u{1F}d\u{FFFE}e".to_owned(), "x\u{B}y".to_owned()],
        };
        let mut kml = Vec::new();
        write_kml(&mut kml, "n\u{2}", &columns, &mut std::iter::once(row)).expect("writes");
        let forbidden = |b: &u8| *b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r');
        assert!(!kml.iter().any(forbidden));
        let table = read_kml(&kml).expect("reads back");
        assert_eq!(table.name, "n");
        assert_eq!(table.fields, ["title", "note"]);
        assert_eq!(field(&table, 0, "title"), Some("abcde"));
        assert_eq!(field(&table, 0, "note"), Some("xy"));
    }

    /// The (name, content) entries of a zip.
    type Entries<'a> = Vec<(&'a str, &'a [u8])>;

    /// A zip of these (name, content) entries, made with the zip crate.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, content) in entries {
            zip.start_file(*name, options).expect("entry");
            zip.write_all(content).expect("content");
        }
        zip.finish().expect("zip").into_inner()
    }

    #[test]
    fn reads_the_right_kml_out_of_a_kmz() {
        let named = |name: &str| format!("<kml><Document><name>{name}</name></Document></kml>");
        let (doc, top, deep) = (named("doc"), named("top"), named("deep"));
        let icon: &[u8] = b"\x89PNG not really";
        let cases: [(Entries, &str); 3] = [
            (
                vec![
                    ("files/icon.png", icon),
                    ("sub/deep.kml", deep.as_bytes()),
                    ("top.KML", top.as_bytes()),
                    ("doc.kml", doc.as_bytes()),
                ],
                "doc",
            ),
            (
                vec![("sub/deep.kml", deep.as_bytes()), ("top.kml", top.as_bytes())],
                "top",
            ),
            (
                vec![("files/icon.png", icon), ("sub/deep.kml", deep.as_bytes())],
                "deep",
            ),
        ];
        for (entries, expected) in cases {
            assert_eq!(read_kmz(&zip_of(&entries)).expect("reads").name, expected);
        }
        let earth = read_kmz(&zip_of(&[("doc.kml", EARTH.as_bytes())])).expect("reads");
        assert_eq!(earth.rows.len(), 6);

        let none = read_kmz(&zip_of(&[("files/icon.png", icon)])).expect_err("no kml");
        assert!(none.message.contains(".kml") && none.message.contains("icon.png"));
        assert!(
            read_kmz(EARTH.as_bytes())
                .expect_err("not a zip")
                .message
                .contains("zip")
        );
        let bad_kml = read_kmz(&zip_of(&[("doc.kml", b"<kml><Placemark>")])).expect_err("bad kml");
        assert!(bad_kml.message.contains("doc.kml"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 5000;
        let kml = format!(
            "<kml><Placemark>{}<Point><coordinates>1,2</coordinates></Point>{}</Placemark></kml>",
            "<MultiGeometry>".repeat(depth),
            "</MultiGeometry>".repeat(depth)
        );
        let table = read_kml(kml.as_bytes()).expect("reads");
        assert_eq!(table.rows[0].geometry, None);
        assert_eq!(table.notes.len(), 1);
        assert!(table.notes[0].message.contains("nested"));
    }

    #[test]
    fn damaged_input_never_panics() {
        let kml = EARTH.as_bytes();
        let kmz = kmz_bytes(kml).expect("zips");
        assert_eq!(read_kml(kml).expect("intact").rows.len(), 6);
        assert_eq!(read_kmz(&kmz).expect("intact").rows.len(), 6);
        for cut in 0..kml.len() {
            let _ = read_kml(&kml[..cut]);
        }
        for cut in 0..kmz.len() {
            let _ = read_kmz(&kmz[..cut]);
        }
        // A fixed linear congruential sequence picks the bits to flip.
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let (mut text, mut zip) = (kml.to_vec(), kmz.clone());
            let at = (seed >> 33) as usize;
            text[at % kml.len()] ^= 1 << (seed % 8);
            zip[at % kmz.len()] ^= 1 << (seed % 8);
            let _ = read_kml(&text);
            let _ = read_kmz(&zip);
        }
    }
}
