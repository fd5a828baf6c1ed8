//! Reading ESRI Shapefiles into a [`FeatureTable`]: the shapes of the .shp
//! (records read in order, so no .shx is needed), the attributes of the .dbf
//! beside it, the coordinate system of the .prj (longitude/latitude or Web
//! Mercator; other projections are refused) and the code page of the .cpg.
//! From a folder (siblings found whatever their case) or from a zip.

use std::io::{Cursor, Read};
use std::path::Path;

use geo::orient::Direction;
use geo::{Coord, CoordsIter, LineString, MapCoordsInPlace, MultiLineString, Orient, Polygon};

use super::crs::{Crs, from_web_mercator};
use super::dbf::{file_note, read_dbf, read_prj};
use super::table::{FeatureGeometry, FeatureTable, FormatError, RowNote};

/// The .shp magic number (big-endian, first word of the header).
const FILE_CODE: i32 = 9994;
/// The only .shp version there is.
const VERSION: i32 = 1000;
/// Bytes of the .shp file header.
const SHP_HEADER: usize = 100;
/// Bytes of a record header (number and content length).
const RECORD_HEADER: usize = 8;
/// The sphere of Web Mercator (EPSG:3857), in metres.
const EARTH_RADIUS: f64 = 6_378_137.0;
/// Half the equator of Web Mercator (π R): the largest |x| there is, with a hair of slack.
const WORLD_EDGE: f64 = std::f64::consts::PI * EARTH_RADIUS * (1.0 + 1e-9);
/// Largest zip member read: a bigger one is not a Shapefile this viewer can show.
const MAX_ZIP_MEMBER: u64 = 2 << 30;
/// How many vertices of a ring vote on whether it lies inside another.
const VOTERS: usize = 5;
/// The files of one Shapefile in memory: what [`read_shapefile`] reads.
#[derive(Debug, Clone, Default)]
pub struct ShapefileParts {
    /// The shapes (.shp).
    pub shp: Vec<u8>,
    /// The attributes (.dbf), one record per shape.
    pub dbf: Option<Vec<u8>>,
    /// The coordinate system as WKT (.prj).
    pub prj: Option<String>,
    /// The code page of the .dbf texts (.cpg).
    pub cpg: Option<String>,
}

/// Whether `bytes` start like a zip (a member or an empty archive).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Reads the Shapefile whose .shp is at `path`, with the .dbf, .prj and .cpg
/// of the same name beside it (in any letter case).
pub fn read_shapefile_path(path: &Path) -> Result<FeatureTable, FormatError> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| FormatError::file(format!("cannot read {}: {e}", p.display())))
    };
    let shp = read(path)?;
    let stem = path.file_stem().unwrap_or_default();
    let stem = stem.to_string_lossy().into_owned();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let listing = std::fs::read_dir(dir);
    let listing = listing.map_err(|e| FormatError::file(format!("cannot list {}: {e}", dir.display())))?;
    let names = listing.flatten().map(|e| e.file_name().to_string_lossy().into());
    let mut names: Vec<String> = names.collect();
    names.sort();
    let find = |ext| sibling(names.iter().map(String::as_str), &stem, ext).map(|n| dir.join(n));
    let Some(dbf) = find("dbf") else {
        return Err(FormatError::file(format!(
            "{} has no .dbf beside it (a Shapefile is at least .shp, .shx and .dbf): \
             copy all the files named {stem}.* into one folder, or open the zip they came in",
            path.display()
        )));
    };
    let text = |ext| find(ext).map(|p| read(&p).map(|b| text_of(&b))).transpose();
    let (prj, cpg) = (text("prj")?, text("cpg")?);
    let dbf = Some(read(&dbf)?);
    read_shapefile(ShapefileParts { shp, dbf, prj, cpg }, &stem)
}

/// Reads every Shapefile in a zip (in any folder, skipping `__MACOSX/`),
/// each named by its stem, in the order of the zip.
pub fn read_shapefile_zip(bytes: &[u8]) -> Result<Vec<FeatureTable>, FormatError> {
    let broken = |e: zip::result::ZipError| FormatError::file(format!("the zip cannot be read: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(broken)?;
    let names: Result<Vec<String>, _> = archive.file_names().map(|n| n.map(String::from)).collect();
    let names = names.map_err(broken)?;
    let is_shp = |n: &&String| !is_mac_junk(n) && split_name(n).2.eq_ignore_ascii_case("shp");
    let shapefiles: Vec<&String> = names.iter().filter(is_shp).collect();
    if shapefiles.is_empty() {
        let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
        let shown = shown.join(", ");
        let count = names.len();
        let message = format!("the zip holds no .shp file; it holds: {shown} ({count} in all)");
        return Err(FormatError::file(message));
    }
    let mut tables = Vec::new();
    for shp_name in shapefiles {
        let (dir, stem, _) = split_name(shp_name);
        let in_dir = names.iter().filter(|n| !is_mac_junk(n) && split_name(n).0 == dir);
        let bases = in_dir.map(|n| n.get(dir.len()..).unwrap_or_default());
        let find = |ext| sibling(bases.clone(), stem, ext).map(|base| format!("{dir}{base}"));
        let Some(dbf) = find("dbf") else {
            return Err(FormatError::file(format!(
                "{shp_name} in the zip has no .dbf beside it (a Shapefile is at least .shp, .shx and .dbf): \
                 zip all the files named {stem}.* together"
            )));
        };
        let mut member = |name: &str| zip_member(&mut archive, name);
        let (shp, dbf) = (member(shp_name)?, Some(member(&dbf)?));
        let prj = find("prj").map(|n| member(&n).map(|b| text_of(&b))).transpose()?;
        let cpg = find("cpg").map(|n| member(&n).map(|b| text_of(&b))).transpose()?;
        let table = read_shapefile(ShapefileParts { shp, dbf, prj, cpg }, stem);
        tables.push(table.map_err(|e| FormatError {
            message: format!("{shp_name}: {}", e.message),
            ..e
        })?);
    }
    Ok(tables)
}

/// The bytes of the zip member `name`.
fn zip_member(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, FormatError> {
    let fail = |e: &dyn std::fmt::Display| FormatError::file(format!("cannot read {name} from the zip: {e}"));
    let file = archive.by_name(name).map_err(|e| fail(&e))?;
    let mut bytes = Vec::new();
    let read = file.take(MAX_ZIP_MEMBER + 1).read_to_end(&mut bytes);
    read.map_err(|e| fail(&e))?;
    if bytes.len() as u64 > MAX_ZIP_MEMBER {
        return Err(fail(&"it unpacks to more than 2 GiB"));
    }
    Ok(bytes)
}

/// Whether a zip member is macOS metadata (`__MACOSX/`, `._name`), not data.
fn is_mac_junk(name: &str) -> bool {
    name.starts_with("__MACOSX/") || name.contains("/__MACOSX/") || split_name(name).1.starts_with("._")
}

/// A zip member's folder (with its trailing slash), stem and extension.
fn split_name(name: &str) -> (&str, &str, &str) {
    let base_at = name.rfind(['/', '\\']).map_or(0, |p| p + 1);
    let (dir, base) = name.split_at_checked(base_at).unwrap_or(("", name));
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (dir, stem, ext),
        _ => (dir, base, ""),
    }
}

/// The name among `names` that is `stem.ext` in any letter case, preferring
/// the exact spelling.
fn sibling<'a>(names: impl Iterator<Item = &'a str> + Clone, stem: &str, ext: &str) -> Option<&'a str> {
    let exact = format!("{stem}.{ext}");
    let folded = exact.to_lowercase();
    let mut names = names;
    let exact = names.clone().find(|n| *n == exact);
    exact.or_else(|| names.find(|n| n.to_lowercase() == folded))
}

/// A .prj or .cpg as text, without a byte order mark.
fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned()
}

/// Reads one Shapefile from its parts; `name` becomes the table's name.
pub fn read_shapefile(parts: ShapefileParts, name: &str) -> Result<FeatureTable, FormatError> {
    let mut notes = Vec::new();
    let crs = parts.prj.as_deref().map(|prj| read_prj(prj, &mut notes));
    let crs = crs.transpose()?.flatten();
    let mut shapes = read_shp(&parts.shp, &mut notes)?;
    place(&mut shapes, crs)?;
    let dbf = parts.dbf.map(|bytes| read_dbf(&bytes, parts.cpg.as_deref()));
    let dbf = dbf.transpose()?;
    if dbf.is_none() {
        notes.push(file_note("no .dbf: the shapes have no attributes"));
    }
    Ok(dbf.unwrap_or_default().join(shapes, name, notes))
}

/// The shapes of a .shp, one per record: `None` for a Null shape or one that
/// cannot be read (with a note). Stops at a record whose length is corrupt.
fn read_shp(bytes: &[u8], notes: &mut Vec<RowNote>) -> Result<Vec<Option<FeatureGeometry>>, FormatError> {
    let end = shp_header(bytes, notes)?;
    let mut shapes = Vec::new();
    let mut at = SHP_HEADER;
    while at < end {
        let index = shapes.len();
        let start = at + RECORD_HEADER;
        let words = be_i32(bytes, at + 4).filter(|_| start <= end);
        let length = words.and_then(|w| usize::try_from(w).ok()).map(|w| w * 2);
        let problem = match length {
            None if start > end => format!("only {} bytes are left, too few for a record header", end - at),
            None => format!("its content length {} is negative", words.unwrap_or_default()),
            Some(len) if len < 4 => format!("its content length {len} bytes cannot hold a shape"),
            Some(len) if start + len <= end => {
                let content = bytes.get(start..start + len).unwrap_or_default();
                shapes.push(parse_shape(content, index, notes));
                at = start + len;
                continue;
            }
            Some(len) => {
                let left = end - start;
                format!("its content length {len} bytes runs past the end ({left} left)")
            }
        };
        if index == 0 {
            let message = format!("the .shp's first record cannot be read: {problem}");
            return Err(FormatError::at(0, message));
        }
        let message = format!("{problem}; stopped there, {index} records read");
        note_at(notes, index, message);
        break;
    }
    Ok(shapes)
}

/// Checks the .shp header; gives where the records end.
fn shp_header(bytes: &[u8], notes: &mut Vec<RowNote>) -> Result<usize, FormatError> {
    let actual = bytes.len();
    if actual < SHP_HEADER {
        let message = format!("the .shp is {actual} bytes, shorter than its {SHP_HEADER}-byte header");
        return Err(FormatError::file(message));
    }
    let code = be_i32(bytes, 0).unwrap_or_default();
    if code != FILE_CODE {
        let message = format!("not a .shp file: its file code is {code}, not {FILE_CODE}");
        return Err(FormatError::file(message));
    }
    let version = le_i32(bytes, 28).unwrap_or_default();
    if version != VERSION {
        let message = format!("unknown .shp version {version} (expected {VERSION})");
        return Err(FormatError::file(message));
    }
    let words = be_i32(bytes, 24).unwrap_or_default();
    let declared = usize::try_from(words).map_or(0, |w| w * 2);
    let end = if (SHP_HEADER..actual).contains(&declared) {
        declared
    } else {
        actual
    };
    if declared != actual {
        let message =
            format!("the .shp header says it is {declared} bytes, it is {actual}: read to byte {end}");
        notes.push(file_note(message));
    }
    Ok(end)
}

/// The geometry of one record's content (which starts with its shape type).
fn parse_shape(content: &[u8], index: usize, notes: &mut Vec<RowNote>) -> Option<FeatureGeometry> {
    let shape = match le_i32(content, 0).unwrap_or_default() {
        0 => Ok(None),
        1 | 11 | 21 => point_at(content, 4).map(FeatureGeometry::Point).map(Some),
        8 | 18 | 28 => multipoint(content, index, notes).map(Some),
        3 | 13 | 23 => parts(content).and_then(|p| lines(p, index, notes)).map(Some),
        5 | 15 | 25 => parts(content).and_then(|p| polygons(p, index, notes)).map(Some),
        31 => Ok(Some(FeatureGeometry::Other("MultiPatch"))),
        other => Err(format!("unknown shape type {other}")),
    };
    shape.unwrap_or_else(|problem| {
        note_at(notes, index, format!("{problem}: no geometry"));
        None
    })
}

/// The point at byte `at` of a record's content.
fn point_at(content: &[u8], at: usize) -> Result<Coord<f64>, String> {
    match (le_f64(content, at), le_f64(content, at + 8)) {
        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok(Coord { x, y }),
        (Some(_), Some(_)) => Err("a coordinate is not a number".into()),
        _ => Err("the record ends inside a point".into()),
    }
}

/// The first point of a MultiPoint, noting any others left out.
fn multipoint(content: &[u8], index: usize, notes: &mut Vec<RowNote>) -> Result<FeatureGeometry, String> {
    let count = le_i32(content, 36).unwrap_or(-1);
    let need = usize::try_from(count).map_or(usize::MAX, |n| n.saturating_mul(16).saturating_add(40));
    if count < 1 || need > content.len() {
        return Err(format!("a MultiPoint of {count} points does not fit its record"));
    }
    let first = point_at(content, 40)?;
    if count > 1 {
        let message = format!("a MultiPoint of {count} points: only the first is kept");
        note_at(notes, index, message);
    }
    Ok(FeatureGeometry::Point(first))
}

/// The parts (lines or rings) of a PolyLine or Polygon record.
fn parts(content: &[u8]) -> Result<Parts, String> {
    let count = |at| le_i32(content, at).and_then(|n| usize::try_from(n).ok());
    let (Some(part_count), Some(point_count)) = (count(36), count(40)) else {
        return Err("its part or point count is missing or negative".into());
    };
    let points_at = part_count.checked_mul(4).and_then(|n| n.checked_add(44));
    let need = points_at.and_then(|p| point_count.checked_mul(16)?.checked_add(p));
    let (Some(points_at), Some(need)) = (points_at, need) else {
        return Err("its part and point counts are impossibly large".into());
    };
    if need > content.len() {
        let message = format!("{part_count} parts of {point_count} points need {need} bytes");
        return Err(format!("{message}, the record has {}", content.len()));
    }
    let starts = (0..part_count).map(|n| count(44 + 4 * n).unwrap_or(usize::MAX));
    let mut starts: Vec<usize> = starts.collect();
    starts.push(point_count);
    if starts.windows(2).any(|w| w[0] > w[1]) {
        return Err("its parts start out of order or past its points".into());
    }
    let points = (0..point_count).map(|n| point_at(content, points_at + 16 * n));
    let points = points.collect::<Result<Vec<_>, _>>()?;
    let part = |w: &[usize]| points.get(w[0]..w[1]).unwrap_or_default().to_vec();
    Ok(starts.windows(2).map(part).collect())
}

/// A PolyLine's parts as lines, leaving out those of fewer than two points.
fn lines(parts: Parts, index: usize, notes: &mut Vec<RowNote>) -> Result<FeatureGeometry, String> {
    let total = parts.len();
    let lines = parts.into_iter().filter(|p| p.len() >= 2).map(LineString::new);
    let lines: Vec<LineString<f64>> = lines.collect();
    if lines.is_empty() {
        return Err("a PolyLine with no line of two points or more".into());
    }
    if lines.len() < total {
        let short = total - lines.len();
        let message = format!("{short} parts of fewer than two points left out");
        note_at(notes, index, message);
    }
    Ok(FeatureGeometry::Lines(MultiLineString::new(lines)))
}

/// The parts of a PolyLine or Polygon record, each a run of points.
type Parts = Vec<Vec<Coord<f64>>>;

/// One closed ring of a Polygon record, with what grouping needs.
struct Ring {
    /// The vertices, first repeated at the end.
    coords: Vec<Coord<f64>>,
    /// Signed area: positive counter-clockwise (a hole in the Shapefile convention).
    area: f64,
    /// Bounding box: min x, min y, max x, max y.
    bounds: [f64; 4],
}

impl Ring {
    /// A closed ring from a part, `None` when it has no area.
    fn new(mut coords: Vec<Coord<f64>>) -> Option<Self> {
        if coords.first() != coords.last() {
            coords.extend(coords.first().copied());
        }
        let twice: f64 = coords.windows(2).map(|w| w[0].x * w[1].y - w[1].x * w[0].y).sum();
        let area = twice / 2.0;
        let mut bounds = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for c in &coords {
            let [x0, y0, x1, y1] = bounds;
            bounds = [x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y)];
        }
        (coords.len() >= 4 && area != 0.0 && area.is_finite()).then_some(Ring { coords, area, bounds })
    }

    /// Whether `other` lies inside this ring: its box inside this box and most
    /// of a few of its vertices inside (so one may touch the boundary).
    fn holds(&self, other: &Ring) -> bool {
        let ([ax, ay, bx, by], [cx, cy, dx, dy]) = (self.bounds, other.bounds);
        if cx < ax || cy < ay || dx > bx || dy > by {
            return false;
        }
        let vertices = other.coords.len().saturating_sub(1).max(1);
        let voters = vertices.min(VOTERS);
        let voting = (0..voters).filter_map(|n| other.coords.get(n * vertices / voters));
        voting.filter(|c| contains_point(&self.coords, **c)).count() * 2 > voters
    }

    /// Whether this ring is wound clockwise: an outer ring by the Shapefile convention.
    fn is_outer(&self) -> bool {
        self.area < 0.0
    }
}

/// Whether `point` is inside the closed ring `ring` (even-odd ray casting).
fn contains_point(ring: &[Coord<f64>], point: Coord<f64>) -> bool {
    let mut inside = false;
    for edge in ring.windows(2) {
        let (a, b) = (edge[0], edge[1]);
        if (a.y > point.y) != (b.y > point.y) && point.x < a.x + (point.y - a.y) * (b.x - a.x) / (b.y - a.y) {
            inside = !inside;
        }
    }
    inside
}

/// A Polygon record's rings grouped into polygons, exteriors counter-clockwise
/// and holes clockwise.
fn polygons(parts: Parts, index: usize, notes: &mut Vec<RowNote>) -> Result<FeatureGeometry, String> {
    let mut rings = Vec::new();
    for (number, part) in parts.into_iter().enumerate() {
        match Ring::new(part) {
            Some(ring) => rings.push(ring),
            None => note_at(notes, index, format!("ring {number} has no area: left out")),
        }
    }
    if rings.is_empty() {
        return Err("a Polygon with no ring of three corners or more".into());
    }
    let parents = by_winding(&rings, index, notes).unwrap_or_else(|| {
        let message = "rings wound the other way round (outer counter-clockwise): grouped by nesting";
        note_at(notes, index, message.into());
        by_nesting(&rings)
    });
    let line = |ring: &Ring| LineString::new(ring.coords.clone());
    let with_parents = || rings.iter().zip(&parents);
    let holes = |n| {
        with_parents()
            .filter(move |(_, p)| **p == Some(n))
            .map(|(h, _)| line(h))
    };
    let outers = with_parents().enumerate().filter(|(_, (_, p))| p.is_none());
    let polygon = |(n, (ring, _))| Polygon::new(line(ring), holes(n).collect()).orient(Direction::Default);
    Ok(FeatureGeometry::Polygons(outers.map(polygon).collect()))
}

/// Each ring's outer ring by the Shapefile convention: a counter-clockwise
/// ring is a hole of the smallest clockwise ring holding it (`None` for an
/// outer ring); `None` overall when a hole holds an outer ring (reversed winding).
fn by_winding(rings: &[Ring], index: usize, notes: &mut Vec<RowNote>) -> Option<Vec<Option<usize>>> {
    let mut parents = Vec::with_capacity(rings.len());
    let mut orphans = Vec::new();
    for (number, hole) in rings.iter().enumerate() {
        if hole.is_outer() {
            parents.push(None);
            continue;
        }
        let parent = smallest(rings, |o| o.is_outer() && o.holds(hole));
        if parent.is_none() {
            if rings.iter().any(|o| o.is_outer() && hole.holds(o)) {
                return None;
            }
            orphans.push(number);
        }
        parents.push(parent);
    }
    for number in orphans {
        let message = format!("ring {number} is wound as a hole but lies in no outer ring");
        note_at(notes, index, format!("{message}: read as an outer ring"));
    }
    Some(parents)
}

/// Each ring's outer ring by nesting alone: a ring inside an odd number of
/// others is a hole of the smallest one holding it.
fn by_nesting(rings: &[Ring]) -> Vec<Option<usize>> {
    let parent = |ring: &Ring| {
        let holders = rings
            .iter()
            .filter(|o| !std::ptr::eq(*o, ring) && o.holds(ring))
            .count();
        let holder = smallest(rings, |o| !std::ptr::eq(o, ring) && o.holds(ring));
        holder.filter(|_| holders % 2 == 1)
    };
    rings.iter().map(parent).collect()
}

/// The smallest of the rings that `pick` picks.
fn smallest(rings: &[Ring], pick: impl Fn(&Ring) -> bool) -> Option<usize> {
    let picked = rings.iter().enumerate().filter(|(_, ring)| pick(ring));
    let smallest = picked.min_by(|a, b| a.1.area.abs().total_cmp(&b.1.area.abs()));
    smallest.map(|(n, _)| n)
}

/// Checks the coordinates are what the .prj says and turns Web Mercator
/// metres into degrees.
fn place(shapes: &mut [Option<FeatureGeometry>], crs: Option<Crs>) -> Result<(), FormatError> {
    let farther = |a: f64, b: f64| if b.abs() > a.abs() { b } else { a };
    let all = shapes.iter().flatten().flat_map(coords);
    let (x, y) = all.fold((0.0, 0.0), |(x, y), c| (farther(x, c.x), farther(y, c.y)));
    let degrees = x.abs() <= 180.0 + 1e-6 && y.abs() <= 90.0 + 1e-6;
    let extent = format!("x up to {}, y up to {}", shown(x), shown(y));
    match crs {
        None if !degrees => Err(FormatError::file(format!(
            "no .prj and the coordinates are not degrees ({extent}): put the .prj that came with it beside it"
        ))),
        Some(Crs::Degrees) if !degrees => Err(FormatError::file(format!(
            "the .prj says longitude/latitude but the coordinates are not degrees ({extent})"
        ))),
        Some(Crs::WebMercator) if x.abs() > WORLD_EDGE => Err(FormatError::file(format!(
            "Web Mercator beyond the world's edge ({extent})"
        ))),
        Some(Crs::WebMercator) => {
            shapes
                .iter_mut()
                .flatten()
                .for_each(|s| transform(s, from_web_mercator));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A coordinate for a message: one decimal, or an exponent when huge.
fn shown(value: f64) -> String {
    if value.abs() < 1e9 {
        format!("{value:.1}")
    } else {
        format!("{value:e}")
    }
}

/// Every coordinate of a geometry.
fn coords(shape: &FeatureGeometry) -> Box<dyn Iterator<Item = Coord<f64>> + '_> {
    match shape {
        FeatureGeometry::Point(c) => Box::new(std::iter::once(*c)),
        FeatureGeometry::Lines(lines) => Box::new(lines.coords_iter()),
        FeatureGeometry::Polygons(polygons) => Box::new(polygons.coords_iter()),
        FeatureGeometry::Other(_) => Box::new(std::iter::empty()),
    }
}

/// Applies `f` to every coordinate of a geometry.
fn transform(shape: &mut FeatureGeometry, f: fn(Coord<f64>) -> Coord<f64>) {
    match shape {
        FeatureGeometry::Point(c) => *c = f(*c),
        FeatureGeometry::Lines(lines) => lines.map_coords_in_place(f),
        FeatureGeometry::Polygons(polygons) => polygons.map_coords_in_place(f),
        FeatureGeometry::Other(_) => {}
    }
}

/// Notes `message` about record `index`.
fn note_at(notes: &mut Vec<RowNote>, index: usize, message: String) {
    let mut note = file_note(format!("record {index}: {message}"));
    note.record = Some(index);
    notes.push(note);
}

/// The `N` bytes at `at`, if the file has them.
fn bytes_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// A big-endian i32 at `at` (the .shp header and record headers).
fn be_i32(bytes: &[u8], at: usize) -> Option<i32> {
    bytes_at(bytes, at).map(i32::from_be_bytes)
}

/// A little-endian i32 at `at` (shape types and counts).
fn le_i32(bytes: &[u8], at: usize) -> Option<i32> {
    bytes_at(bytes, at).map(i32::from_le_bytes)
}

/// A little-endian f64 at `at` (coordinates).
fn le_f64(bytes: &[u8], at: usize) -> Option<f64> {
    bytes_at(bytes, at).map(f64::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use geo::{Area, Contains, Winding};

    use super::super::dbf::tests::dbf_file;
    use super::super::table::FeatureRow;
    use super::*;

    /// WKT of WGS 84 longitude/latitude as ArcGIS writes it.
    const WGS84: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

    /// A Point record's content: shape type 1, then x and y (little-endian).
    fn point(x: f64, y: f64) -> Vec<u8> {
        let mut content = 1i32.to_le_bytes().to_vec();
        content.extend(x.to_le_bytes());
        content.extend(y.to_le_bytes());
        content
    }

    /// A PolyLine (3) or Polygon (5) record's content: type, box, part and
    /// point counts, the index of each part's first point, the points.
    fn multi(kind: i32, parts: &[&[(f64, f64)]]) -> Vec<u8> {
        let points: Vec<(f64, f64)> = parts.iter().flat_map(|p| p.iter().copied()).collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
        let lowest = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut content = kind.to_le_bytes().to_vec();
        for edge in [lowest(&xs), lowest(&ys), highest(&xs), highest(&ys)] {
            content.extend(edge.to_le_bytes());
        }
        let count = |n: usize| i32::try_from(n).expect("small").to_le_bytes();
        content.extend(count(parts.len()));
        content.extend(count(points.len()));
        let mut start = 0;
        for part in parts {
            content.extend(count(start));
            start += part.len();
        }
        for (x, y) in points {
            content.extend(x.to_le_bytes());
            content.extend(y.to_le_bytes());
        }
        content
    }

    /// A .shp written from the spec: file code 9994 and the file length in
    /// 16-bit words (big-endian), version 1000 and the shape type
    /// (little-endian), a zero box, then each record: its 1-based number and
    /// content length in words (big-endian) and the content.
    fn shp_file(kind: i32, records: &[Vec<u8>]) -> Vec<u8> {
        let words = |n: usize| i32::try_from(n / 2).expect("small").to_be_bytes();
        let length = 100 + records.iter().map(|r| 8 + r.len()).sum::<usize>();
        let mut file = 9994i32.to_be_bytes().to_vec();
        file.extend([0u8; 20]);
        file.extend(words(length));
        file.extend(1000i32.to_le_bytes());
        file.extend(kind.to_le_bytes());
        file.extend([0u8; 64]);
        for (number, record) in records.iter().enumerate() {
            file.extend(i32::try_from(number + 1).expect("small").to_be_bytes());
            file.extend(words(record.len()));
            file.extend(record);
        }
        file
    }

    /// A .dbf with one text field `NAME` holding `names` (`None` marks the
    /// record deleted), in `ldid`'s code page as already encoded.
    fn names_dbf(names: &[Option<&[u8]>], ldid: u8) -> Vec<u8> {
        let records: Vec<(bool, Vec<&[u8]>)> = names
            .iter()
            .map(|n| (n.is_none(), vec![n.unwrap_or(b"gone")]))
            .collect();
        dbf_file(&[(b"NAME", b'C', 20)], &records, ldid)
    }

    /// Shapefile parts with a WGS 84 .prj.
    fn parts(shp: Vec<u8>, dbf: Vec<u8>) -> ShapefileParts {
        ShapefileParts {
            shp,
            dbf: Some(dbf),
            prj: Some(WGS84.into()),
            cpg: None,
        }
    }

    /// The polygons of a row that must have them.
    fn polygons_of(row: &FeatureRow) -> &geo::MultiPolygon<f64> {
        match &row.geometry {
            Some(FeatureGeometry::Polygons(polygons)) => polygons,
            other => panic!("expected polygons, got {other:?}"),
        }
    }

    /// A clockwise square (the Shapefile's outer winding) from `(x, y)`, side `side`.
    fn clockwise(x: f64, y: f64, side: f64) -> Vec<(f64, f64)> {
        vec![(x, y), (x, y + side), (x + side, y + side), (x + side, y), (x, y)]
    }

    /// The same square counter-clockwise (the Shapefile's hole winding).
    fn counter(x: f64, y: f64, side: f64) -> Vec<(f64, f64)> {
        clockwise(x, y, side).into_iter().rev().collect()
    }

    /// Reads polygon records with one nameless .dbf record each.
    fn read_polygons(records: &[Vec<u8>]) -> FeatureTable {
        let dbf = names_dbf(&vec![Some(&b"p"[..]); records.len()], 0);
        read_shapefile(parts(shp_file(5, records), dbf), "p").expect("readable")
    }

    #[test]
    fn polygon_with_hole_is_oriented_and_grouped() {
        let (outer, hole) = (clockwise(30.0, 50.0, 1.0), counter(30.2, 50.2, 0.2));
        let table = read_polygons(&[multi(5, &[&outer, &hole])]);
        let polygons = polygons_of(&table.rows[0]);
        assert_eq!(polygons.0.len(), 1);
        let polygon = &polygons.0[0];
        assert!(polygon.exterior().is_ccw() && polygon.exterior().is_closed());
        assert_eq!(polygon.interiors().len(), 1);
        assert!(polygon.interiors()[0].is_cw() && polygon.interiors()[0].is_closed());
        let outline = Polygon::new(polygon.exterior().clone(), vec![]);
        assert!(polygon.interiors()[0].points().all(|p| outline.contains(&p)));
        assert!((polygon.unsigned_area() - (1.0 - 0.04)).abs() < 1e-9);
        assert!(table.notes.is_empty(), "{:?}", table.notes);
    }

    #[test]
    fn holes_go_to_the_outer_ring_holding_them_whatever_the_order() {
        let (a, b) = (clockwise(30.0, 50.0, 1.0), clockwise(32.0, 50.0, 1.0));
        let (hole_a, hole_b) = (counter(30.5, 50.5, 0.1), counter(32.5, 50.5, 0.2));
        let table = read_polygons(&[multi(5, &[&hole_b, &a, &b, &hole_a])]);
        let polygons = polygons_of(&table.rows[0]);
        assert_eq!(polygons.0.len(), 2);
        for polygon in &polygons.0 {
            assert_eq!(polygon.interiors().len(), 1);
            let outline = Polygon::new(polygon.exterior().clone(), vec![]);
            assert!(outline.contains(&polygon.interiors()[0].0[0]));
        }
        let area: f64 = polygons.0.iter().map(|p| p.unsigned_area()).sum();
        assert!((area - (2.0 - 0.01 - 0.04)).abs() < 1e-9);
    }

    #[test]
    fn reversed_winding_is_grouped_by_nesting() {
        // Outer counter-clockwise and hole clockwise: the other way round.
        let (outer, hole) = (counter(30.0, 50.0, 1.0), clockwise(30.2, 50.2, 0.2));
        let table = read_polygons(&[multi(5, &[&outer, &hole])]);
        let polygons = polygons_of(&table.rows[0]);
        assert_eq!(polygons.0.len(), 1);
        assert_eq!(polygons.0[0].interiors().len(), 1);
        assert!((polygons.unsigned_area() - 0.96).abs() < 1e-9);
        assert!(polygons.0[0].exterior().is_ccw());
        assert!(
            table
                .notes
                .iter()
                .any(|n| n.record == Some(0) && n.message.contains("nesting"))
        );
    }

    #[test]
    fn hole_outside_every_outer_ring_becomes_an_outer_ring() {
        let (outer, stray) = (clockwise(30.0, 50.0, 1.0), counter(35.0, 50.0, 1.0));
        let table = read_polygons(&[multi(5, &[&outer, &stray])]);
        let polygons = polygons_of(&table.rows[0]);
        assert_eq!(polygons.0.len(), 2);
        assert!(
            polygons
                .0
                .iter()
                .all(|p| p.exterior().is_ccw() && p.interiors().is_empty())
        );
        assert!(
            table
                .notes
                .iter()
                .any(|n| n.record == Some(0) && n.message.contains("ring 1"))
        );
    }

    #[test]
    fn other_shape_types() {
        let mut multipoint = 8i32.to_le_bytes().to_vec();
        multipoint.extend([0u8; 32]);
        multipoint.extend(2i32.to_le_bytes());
        for v in [36.0f64, 50.0, 37.0, 51.0] {
            multipoint.extend(v.to_le_bytes());
        }
        let line = multi(3, &[&[(36.0, 50.0), (37.0, 51.0)], &[(38.0, 52.0)]]);
        let records = [
            0i32.to_le_bytes().to_vec(),
            multipoint,
            line,
            31i32.to_le_bytes().to_vec(),
        ];
        let dbf = names_dbf(&[Some(b"a"), Some(b"b"), Some(b"c"), Some(b"d")], 0);
        let table = read_shapefile(parts(shp_file(8, &records), dbf), "mixed").expect("readable");
        let geometry: Vec<_> = table.rows.iter().map(|r| r.geometry.clone()).collect();
        assert_eq!(geometry[0], None);
        assert_eq!(
            geometry[1],
            Some(FeatureGeometry::Point(Coord { x: 36.0, y: 50.0 }))
        );
        let expected = MultiLineString::new(vec![LineString::from(vec![(36.0, 50.0), (37.0, 51.0)])]);
        assert_eq!(geometry[2], Some(FeatureGeometry::Lines(expected)));
        assert_eq!(geometry[3], Some(FeatureGeometry::Other("MultiPatch")));
        assert!(
            table
                .notes
                .iter()
                .any(|n| n.record == Some(1) && n.message.contains("MultiPoint"))
        );
        assert!(
            table
                .notes
                .iter()
                .any(|n| n.record == Some(2) && n.message.contains("fewer than two"))
        );
    }

    /// Three points in Belgorod, Kursk and Bryansk with their names in `encode`d form.
    fn cities(encode: impl Fn(&str) -> Vec<u8>, ldid: u8, cpg: Option<&str>) -> FeatureTable {
        let names: Vec<Vec<u8>> = ["Белгород", "Курск", "Брянск"].map(&encode).into();
        let dbf = names_dbf(&names.iter().map(|n| Some(&n[..])).collect::<Vec<_>>(), ldid);
        let shp = shp_file(1, &[point(36.59, 50.6), point(36.19, 51.73), point(34.36, 53.24)]);
        let parts = ShapefileParts {
            cpg: cpg.map(String::from),
            ..parts(shp, dbf)
        };
        read_shapefile(parts, "cities").expect("readable")
    }

    #[test]
    fn cyrillic_names_by_cpg_language_driver_or_guess() {
        let cp1251 = |s: &str| encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
        for (ldid, cpg) in [(0, Some("1251")), (0xC9, None), (0, None), (0x57, None)] {
            let table = cities(cp1251, ldid, cpg);
            assert_eq!(table.fields, ["NAME"]);
            let names: Vec<_> = table.rows.iter().map(|r| table.value(r, "NAME")).collect();
            assert_eq!(
                names,
                [Some("Белгород"), Some("Курск"), Some("Брянск")],
                "{ldid} {cpg:?}"
            );
            let guessed = table
                .notes
                .iter()
                .any(|n| n.message.contains("read as Windows-1251"));
            assert_eq!(guessed, cpg.is_none() && ldid != 0xC9, "{ldid} {cpg:?}");
        }
        let utf8 = cities(|s| s.as_bytes().to_vec(), 0, None);
        assert_eq!(utf8.value(&utf8.rows[0], "NAME"), Some("Белгород"));
        assert!(utf8.notes.is_empty(), "{:?}", utf8.notes);
    }

    #[test]
    fn deleted_record_is_skipped_and_the_next_keeps_its_shape() {
        let shp = shp_file(1, &[point(36.0, 50.0), point(37.0, 51.0), point(38.0, 52.0)]);
        let dbf = names_dbf(&[Some(b"first"), None, Some(b"third")], 0);
        let table = read_shapefile(parts(shp, dbf), "deleted").expect("readable");
        assert_eq!(table.rows.len(), 2);
        let third = &table.rows[1];
        assert_eq!(third.index, 2);
        assert_eq!(table.value(third, "NAME"), Some("third"));
        assert_eq!(
            third.geometry,
            Some(FeatureGeometry::Point(Coord { x: 38.0, y: 52.0 }))
        );
    }

    #[test]
    fn record_count_mismatch_is_noted() {
        let shp = shp_file(1, &[point(36.0, 50.0), point(37.0, 51.0), point(38.0, 52.0)]);
        let short = read_shapefile(parts(shp.clone(), names_dbf(&[Some(b"a"), Some(b"b")], 0)), "s");
        let short = short.expect("readable");
        assert_eq!(short.rows.len(), 3);
        assert_eq!(short.rows[2].values, vec![None]);
        assert!(short.notes.iter().any(|n| n.message.contains("empty values")));
        let long = names_dbf(&[Some(b"a"), Some(b"b"), Some(b"c"), Some(b"d")], 0);
        let long = read_shapefile(parts(shp, long), "l").expect("readable");
        assert_eq!(long.rows.len(), 3);
        assert!(long.notes.iter().any(|n| n.message.contains("dropped")));
    }

    /// Web Mercator of a longitude/latitude, by the forward formulas
    /// x = R·λ, y = R·ln(tan(π/4 + φ/2)).
    fn forward(lon: f64, lat: f64) -> (f64, f64) {
        let r = 6_378_137.0;
        (
            r * lon.to_radians(),
            r * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0).tan().ln(),
        )
    }

    #[test]
    fn web_mercator_is_reprojected() {
        let (x, y) = forward(36.5872, 50.5954);
        let shp = shp_file(1, &[point(x, y), point(4_076_461.9, 6_549_212.2)]);
        let esri = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]"#;
        let parts = ShapefileParts {
            prj: Some(esri.into()),
            ..parts(shp, names_dbf(&[Some(b"a"), Some(b"b")], 0))
        };
        let table = read_shapefile(parts, "m").expect("readable");
        let Some(FeatureGeometry::Point(c)) = table.rows[0].geometry else {
            panic!("a point")
        };
        assert!(
            (c.x - 36.5872).abs() < 1e-9 && (c.y - 50.5954).abs() < 1e-9,
            "{c:?}"
        );
        // The sample point: λ = x/R in degrees; φ from the forward formula solved by bisection.
        let Some(FeatureGeometry::Point(c)) = table.rows[1].geometry else {
            panic!("a point")
        };
        let (mut low, mut high) = (0.0, 85.0);
        for _ in 0..100 {
            let mid = (low + high) / 2.0;
            if forward(0.0, mid).1 < 6_549_212.2 {
                low = mid
            } else {
                high = mid
            }
        }
        assert!((c.x - (4_076_461.9f64 / 6_378_137.0).to_degrees()).abs() < 1e-9);
        assert!((c.y - low).abs() < 1e-6, "{c:?} vs {low}");
        assert!((c.x - 36.62).abs() < 1e-2 && (c.y - 50.59).abs() < 1e-2);
    }

    #[test]
    fn utm_is_refused_with_its_name() {
        let utm = r#"PROJCS["WGS 84 / UTM zone 37N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",39],UNIT["metre",1],AUTHORITY["EPSG","32637"]]"#;
        let shp = shp_file(1, &[point(400_000.0, 5_600_000.0)]);
        let parts = ShapefileParts {
            prj: Some(utm.into()),
            ..parts(shp, names_dbf(&[Some(b"a")], 0))
        };
        let error = read_shapefile(parts, "utm").expect_err("refused");
        assert!(
            error.message.contains("WGS 84 / UTM zone 37N"),
            "{}",
            error.message
        );
        assert!(error.message.contains("Transverse_Mercator") && error.message.contains("EPSG:4326"));
    }

    #[test]
    fn pulkovo_is_read_with_a_note() {
        let pulkovo = r#"GEOGCS["GCS_Pulkovo_1942",DATUM["D_Pulkovo_1942",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let shp = shp_file(1, &[point(36.0, 50.0)]);
        let parts = ShapefileParts {
            prj: Some(pulkovo.into()),
            ..parts(shp, names_dbf(&[Some(b"a")], 0))
        };
        let table = read_shapefile(parts, "p").expect("readable");
        let note = table
            .notes
            .iter()
            .find(|n| n.record.is_none() && n.message.contains("Pulkovo 1942"));
        assert!(
            note.is_some_and(|n| n.message.contains("150 m")),
            "{:?}",
            table.notes
        );
    }

    #[test]
    fn metres_without_prj_are_refused() {
        let shp = shp_file(1, &[point(4_076_461.9, 6_549_212.2)]);
        let parts = ShapefileParts {
            prj: None,
            ..parts(shp.clone(), names_dbf(&[Some(b"a")], 0))
        };
        let error = read_shapefile(parts, "m").expect_err("refused");
        assert!(
            error.message.contains("no .prj") && error.message.contains("4076461.9"),
            "{}",
            error.message
        );
        let geographic = read_shapefile(parts_with(shp), "m").expect_err("refused");
        assert!(geographic.message.contains("not degrees"));
    }

    /// Parts with a WGS 84 .prj and a one-record .dbf.
    fn parts_with(shp: Vec<u8>) -> ShapefileParts {
        parts(shp, names_dbf(&[Some(b"a")], 0))
    }

    #[test]
    fn broken_shp_headers_and_records() {
        let good = shp_file(1, &[point(36.0, 50.0), point(37.0, 51.0)]);
        let mut wrong_code = good.clone();
        wrong_code[3] = 0;
        assert!(read_shapefile(parts_with(wrong_code), "x").is_err_and(|e| e.message.contains("9994")));
        // Cut inside the second record: the first is kept, the cut noted.
        let cut = read_shapefile(parts_with(good[..good.len() - 4].to_vec()), "x").expect("readable");
        assert_eq!(cut.rows.len(), 1);
        assert!(
            cut.notes
                .iter()
                .any(|n| n.record == Some(1) && n.message.contains("1 records read"))
        );
        // Cut inside the first record: nothing can be read.
        let first = read_shapefile(parts_with(good[..120].to_vec()), "x").expect_err("refused");
        assert_eq!(first.record, Some(0));
        // A polygon whose point count overruns its record: that record only.
        let mut bad = multi(5, &[&clockwise(30.0, 50.0, 1.0)]);
        bad[40] = 99;
        let table = read_polygons(&[bad, multi(5, &[&clockwise(30.0, 50.0, 1.0)])]);
        assert_eq!(table.rows[0].geometry, None);
        assert!(table.rows[1].geometry.is_some());
        assert!(table.notes.iter().any(|n| n.record == Some(0)));
    }

    /// A zip of `(name, bytes)` members.
    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in members {
            let options = zip::write::SimpleFileOptions::default();
            writer.start_file(*name, options).expect("zip entry");
            writer.write_all(bytes).expect("zip write");
        }
        writer.finish().expect("zip").into_inner()
    }

    #[test]
    fn zip_with_folders_and_macos_metadata() {
        let regions = shp_file(5, &[multi(5, &[&clockwise(30.0, 50.0, 1.0)])]);
        let towns = shp_file(1, &[point(36.0, 50.0), point(37.0, 51.0)]);
        let towns_dbf = names_dbf(&[Some("Курск".as_bytes()), Some(b"b")], 0);
        let zip = zip_of(&[
            ("data/Regions.SHP", &regions),
            ("data/regions.dbf", &names_dbf(&[Some(b"r")], 0)),
            ("data/REGIONS.prj", WGS84.as_bytes()),
            ("__MACOSX/data/._Regions.SHP", b"\x00\x05\x16\x07junk"),
            ("data/._towns.shp", b"junk"),
            ("deep/er/towns.shp", &towns),
            ("deep/er/Towns.DBF", &towns_dbf),
            ("deep/er/towns.cpg", b"UTF-8"),
        ]);
        assert!(is_zip(&zip));
        let tables = read_shapefile_zip(&zip).expect("readable");
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Regions", "towns"]);
        assert!(matches!(
            tables[0].rows[0].geometry,
            Some(FeatureGeometry::Polygons(_))
        ));
        assert_eq!(tables[1].value(&tables[1].rows[0], "NAME"), Some("Курск"));
    }

    #[test]
    fn zips_without_shapefiles_or_dbf_or_readable_bytes() {
        let other = zip_of(&[("readme.txt", b"hi"), ("map.kml", b"<kml/>")]);
        let error = read_shapefile_zip(&other).expect_err("no .shp");
        assert!(
            error.message.contains("readme.txt") && error.message.contains("map.kml"),
            "{}",
            error.message
        );
        let lonely = zip_of(&[("a/x.shp", &shp_file(1, &[point(36.0, 50.0)])), ("b/x.dbf", b"")]);
        let error = read_shapefile_zip(&lonely).expect_err("no .dbf beside");
        assert!(
            error.message.contains("has no .dbf beside it"),
            "{}",
            error.message
        );
        assert!(read_shapefile_zip(b"PK\x03\x04 not really a zip").is_err());
    }

    #[test]
    fn path_finds_siblings_in_any_case_and_needs_the_dbf() {
        let dir = std::env::temp_dir().join(format!("borderwatch-shp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let shp = dir.join("Regions.SHP");
        std::fs::write(&shp, shp_file(1, &[point(36.0, 50.0)])).expect("write");
        std::fs::write(dir.join("regions.dbf"), names_dbf(&[Some(b"r")], 0)).expect("write");
        std::fs::write(dir.join("REGIONS.PRJ"), WGS84).expect("write");
        let table = read_shapefile_path(&shp);
        std::fs::remove_file(dir.join("regions.dbf")).expect("remove");
        let missing = read_shapefile_path(&shp);
        std::fs::remove_dir_all(&dir).expect("clean up");
        let table = table.expect("readable");
        assert_eq!((table.name.as_str(), table.rows.len()), ("Regions", 1));
        let error = missing.expect_err("no .dbf");
        assert!(
            error
                .message
                .contains("has no .dbf beside it (a Shapefile is at least .shp, .shx and .dbf)")
        );
    }

    #[test]
    fn truncated_or_bit_flipped_input_never_panics() {
        let shp = shp_file(
            5,
            &[
                multi(5, &[&clockwise(30.0, 50.0, 1.0), &counter(30.2, 50.2, 0.2)]),
                multi(3, &[&[(36.0, 50.0), (37.0, 51.0)]]),
                point(36.0, 50.0),
            ],
        );
        let fields: &[(&[u8], u8, u8)] = &[
            (b"NAME", b'C', 10),
            (b"N", b'N', 5),
            (b"D", b'D', 8),
            (b"L", b'L', 1),
        ];
        let row = vec![&b"abc"[..], b"12", b"20240101", b"T"];
        let dbf = dbf_file(
            fields,
            &[(false, row.clone()), (true, row.clone()), (false, row)],
            0,
        );
        let read = |shp: &[u8], dbf: &[u8]| {
            let parts = ShapefileParts {
                shp: shp.to_vec(),
                dbf: Some(dbf.to_vec()),
                prj: None,
                cpg: None,
            };
            let _ = read_shapefile(parts, "fuzz");
        };
        for cut in 0..shp.len() {
            read(&shp[..cut], &dbf);
        }
        for cut in 0..dbf.len() {
            read(&shp, &dbf[..cut]);
        }
        for at in 0..shp.len() * 8 {
            let mut flipped = shp.clone();
            flipped[at / 8] ^= 1 << (at % 8);
            read(&flipped, &dbf);
        }
        for at in 0..dbf.len() * 8 {
            let mut flipped = dbf.clone();
            flipped[at / 8] ^= 1 << (at % 8);
            read(&shp, &flipped);
        }
        let zip = zip_of(&[("a.shp", &shp), ("a.dbf", &dbf)]);
        for at in (0..zip.len() * 8).step_by(3) {
            let mut flipped = zip.clone();
            flipped[at / 8] ^= 1 << (at % 8);
            let _ = read_shapefile_zip(&flipped);
            let _ = read_shapefile_zip(&zip[..at / 8]);
        }
    }
}
