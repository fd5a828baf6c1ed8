//! Well-Known Binary geometries (ISO/OGC WKB and PostGIS EWKB), as GeoPackage
//! and GeoParquet store them: reading any of the seven simple-feature types in
//! either byte order, with or without Z/M, into a [`FeatureGeometry`]; writing
//! the points and polygons borderwatch exports.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Orient, Polygon, orient::Direction};

use super::table::FeatureGeometry;

/// EWKB flag: every coordinate has a Z value.
const EWKB_Z: u32 = 0x8000_0000;
/// EWKB flag: every coordinate has an M value.
const EWKB_M: u32 = 0x4000_0000;
/// EWKB flag: a 4-byte SRID follows the type.
const EWKB_SRID: u32 = 0x2000_0000;
/// Collections nested deeper than this are refused, so a crafted blob cannot exhaust the stack.
const MAX_DEPTH: usize = 32;
/// The smallest encoded geometry: byte order, type and a zero count.
const MIN_GEOMETRY_BYTES: usize = 9;

/// What one WKB geometry (or a collection's members) contained, flattened.
#[derive(Default)]
struct Parts {
    points: Vec<Coord<f64>>,
    lines: Vec<LineString<f64>>,
    polygons: Vec<Polygon<f64>>,
}

/// A position in a WKB blob, with the byte order of the geometry being read.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    little: bool,
}

impl Cursor<'_> {
    /// The next `N` bytes, or an error saying how far the blob reaches.
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let end = self.pos.saturating_add(N);
        let slice = self.bytes.get(self.pos..end).ok_or_else(|| self.short(end))?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        self.pos = end;
        Ok(out)
    }

    /// The error for a blob that ends before byte `needed`.
    fn short(&self, needed: usize) -> String {
        format!("WKB ends after {} of {} bytes", self.bytes.len(), needed)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self) -> Result<f64, String> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count of items of at least `item_bytes` each, checked against the bytes left
    /// so that a corrupt count never makes us allocate more than the blob could hold.
    fn count(&mut self, item_bytes: usize) -> Result<usize, String> {
        let count = self.u32()? as usize;
        let needed = count.saturating_mul(item_bytes).saturating_add(self.pos);
        if needed > self.bytes.len() {
            return Err(self.short(needed));
        }
        Ok(count)
    }

    /// One coordinate of `dims` ordinates; Z and M are read and dropped.
    fn coord(&mut self, dims: usize) -> Result<Coord<f64>, String> {
        // Checked whole so that a short point says how long it should have been.
        let end = self.pos.saturating_add(dims * 8);
        if end > self.bytes.len() {
            return Err(self.short(end));
        }
        let x = self.f64()?;
        let y = self.f64()?;
        for _ in 2..dims {
            self.f64()?;
        }
        Ok(Coord { x, y })
    }

    /// A point list (a LineString body or a ring).
    fn line(&mut self, dims: usize) -> Result<LineString<f64>, String> {
        let count = self.count(dims * 8)?;
        let mut coords = Vec::with_capacity(count);
        for _ in 0..count {
            coords.push(finite(self.coord(dims)?)?);
        }
        Ok(LineString::new(coords))
    }

    /// A Polygon body: its rings, the first the exterior. `None` when empty.
    fn polygon(&mut self, dims: usize) -> Result<Option<Polygon<f64>>, String> {
        let count = self.count(4)?;
        let mut rings = Vec::with_capacity(count);
        for _ in 0..count {
            rings.push(self.line(dims)?);
        }
        let mut rings = rings.into_iter();
        let Some(exterior) = rings.next().filter(|ring| !ring.0.is_empty()) else {
            return Ok(None);
        };
        // Polygon::new closes every ring; orient gives exterior CCW, holes CW.
        Ok(Some(
            Polygon::new(exterior, rings.filter(|r| !r.0.is_empty()).collect()).orient(Direction::Default),
        ))
    }

    /// The byte order, type code and SRID of a geometry header: the base type (1..=17)
    /// and the number of ordinates per coordinate.
    fn header(&mut self) -> Result<(u32, usize), String> {
        let [order] = self.take::<1>()?;
        self.little = match order {
            0 => false,
            1 => true,
            other => return Err(format!("bad WKB byte order {other} at byte {}", self.pos - 1)),
        };
        let code = self.u32()?;
        if code & EWKB_SRID != 0 {
            self.u32()?;
        }
        let base = code & !(EWKB_Z | EWKB_M | EWKB_SRID);
        let (kind, iso) = (base % 1000, base / 1000);
        if iso > 3 || kind == 0 || kind > 17 {
            return Err(format!("unknown WKB geometry type {code}"));
        }
        let z = code & EWKB_Z != 0 || iso == 1 || iso == 3;
        let m = code & EWKB_M != 0 || iso == 2 || iso == 3;
        Ok((kind, 2 + usize::from(z) + usize::from(m)))
    }

    /// One geometry, its contents added to `parts`; returns its base type.
    fn geometry(&mut self, parts: &mut Parts, depth: usize) -> Result<u32, String> {
        if depth > MAX_DEPTH {
            return Err(format!("WKB collections nested deeper than {MAX_DEPTH}"));
        }
        let (kind, dims) = self.header()?;
        match kind {
            1 => {
                let point = self.coord(dims)?;
                // WKB has no empty point: writers store NaN, NaN instead.
                if !(point.x.is_nan() && point.y.is_nan()) {
                    parts.points.push(finite(point)?);
                }
            }
            2 => {
                let line = self.line(dims)?;
                if !line.0.is_empty() {
                    parts.lines.push(line);
                }
            }
            // A Triangle is laid out as a Polygon, a TIN or PolyhedralSurface as a collection.
            3 | 17 => parts.polygons.extend(self.polygon(dims)?),
            4..=7 | 15 | 16 => {
                let count = self.count(MIN_GEOMETRY_BYTES)?;
                for _ in 0..count {
                    self.geometry(parts, depth + 1)?;
                }
            }
            // A curve's body cannot be skipped without parsing it: only a lone one is named.
            other if depth > 0 => {
                return Err(format!(
                    "unsupported WKB geometry type {} in a collection",
                    type_name(other)
                ));
            }
            _ => {}
        }
        Ok(kind)
    }
}

/// `coord` if both its ordinates are numbers: NaN or infinity would draw nonsense
/// (and make winding order meaningless).
fn finite(coord: Coord<f64>) -> Result<Coord<f64>, String> {
    if coord.x.is_finite() && coord.y.is_finite() {
        Ok(coord)
    } else {
        Err(format!(
            "WKB coordinate ({}, {}) is not a finite number",
            coord.x, coord.y
        ))
    }
}

/// The simple-feature name of a WKB base type.
fn type_name(kind: u32) -> &'static str {
    const NAMES: [&str; 18] = [
        "Geometry",
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        "CircularString",
        "CompoundCurve",
        "CurvePolygon",
        "MultiCurve",
        "MultiSurface",
        "Curve",
        "Surface",
        "PolyhedralSurface",
        "TIN",
        "Triangle",
    ];
    NAMES.get(kind as usize).copied().unwrap_or("Geometry")
}

/// The name of an empty geometry of base type `kind`, for [`FeatureGeometry::Other`].
fn empty_name(kind: u32) -> &'static str {
    match kind {
        1 => "empty Point",
        2 => "empty LineString",
        3 => "empty Polygon",
        4 => "empty MultiPoint",
        5 => "empty MultiLineString",
        6 => "empty MultiPolygon",
        15 => "empty PolyhedralSurface",
        16 => "empty TIN",
        17 => "empty Triangle",
        _ => "empty GeometryCollection",
    }
}

/// Reads one WKB (or EWKB) geometry. Points (and the first point of a MultiPoint),
/// lines and polygons are kept; a collection gives its polygons, else its lines, else
/// its first point; empty and curved geometries give [`FeatureGeometry::Other`].
pub fn read_wkb(bytes: &[u8]) -> Result<FeatureGeometry, String> {
    let mut cursor = Cursor {
        bytes,
        pos: 0,
        little: true,
    };
    let mut parts = Parts::default();
    let kind = cursor.geometry(&mut parts, 0)?;
    Ok(if !parts.polygons.is_empty() {
        FeatureGeometry::Polygons(MultiPolygon::new(parts.polygons))
    } else if !parts.lines.is_empty() {
        FeatureGeometry::Lines(MultiLineString::new(parts.lines))
    } else if let Some(point) = parts.points.first() {
        FeatureGeometry::Point(*point)
    } else if matches!(kind, 8..=14) {
        FeatureGeometry::Other(type_name(kind))
    } else {
        FeatureGeometry::Other(empty_name(kind))
    })
}

/// Appends a little-endian 2D WKB Point (21 bytes).
pub fn write_point_wkb(out: &mut Vec<u8>, point: Coord<f64>) {
    out.push(1);
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&point.x.to_le_bytes());
    out.extend_from_slice(&point.y.to_le_bytes());
}

/// Appends a little-endian 2D WKB MultiPolygon, rings as they are in `shape`.
pub fn write_polygons_wkb(out: &mut Vec<u8>, shape: &MultiPolygon<f64>) {
    out.push(1);
    out.extend_from_slice(&6u32.to_le_bytes());
    write_count(out, shape.0.len());
    for polygon in &shape.0 {
        out.push(1);
        out.extend_from_slice(&3u32.to_le_bytes());
        write_count(out, 1 + polygon.interiors().len());
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            write_count(out, ring.0.len());
            for coord in &ring.0 {
                out.extend_from_slice(&coord.x.to_le_bytes());
                out.extend_from_slice(&coord.y.to_le_bytes());
            }
        }
    }
}

/// A WKB count; no in-memory shape has more than 2^32 parts.
fn write_count(out: &mut Vec<u8>, count: usize) {
    out.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    /// Builds WKB by hand, as the OGC spec lays it out, in either byte order.
    struct Wkb {
        out: Vec<u8>,
        little: bool,
    }

    impl Wkb {
        fn new(little: bool) -> Self {
            Self {
                out: Vec::new(),
                little,
            }
        }
        fn header(mut self, code: u32) -> Self {
            self.out.push(u8::from(self.little));
            self.u32(code)
        }
        fn u32(mut self, v: u32) -> Self {
            let b = if self.little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            };
            self.out.extend_from_slice(&b);
            self
        }
        fn f(mut self, values: &[f64]) -> Self {
            for v in values {
                let b = if self.little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                self.out.extend_from_slice(&b);
            }
            self
        }
        fn raw(mut self, bytes: &[u8]) -> Self {
            self.out.extend_from_slice(bytes);
            self
        }
        fn point(little: bool, x: f64, y: f64) -> Vec<u8> {
            Self::new(little).header(1).f(&[x, y]).out
        }
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn spec_point_in_both_orders() {
        // POINT(1 2) as printed in the OGC Simple Features spec and PostGIS docs.
        assert_eq!(
            read_wkb(&hex("0101000000000000000000F03F0000000000000040")),
            Ok(FeatureGeometry::Point(coord! { x: 1.0, y: 2.0 }))
        );
        assert_eq!(
            read_wkb(&hex("00000000013FF00000000000004000000000000000")),
            Ok(FeatureGeometry::Point(coord! { x: 1.0, y: 2.0 }))
        );
        for little in [true, false] {
            let got = read_wkb(&Wkb::point(little, 36.25, 50.5)).expect("point");
            assert_eq!(got, FeatureGeometry::Point(coord! { x: 36.25, y: 50.5 }));
        }
    }

    #[test]
    fn z_m_and_ewkb_variants_drop_extra_ordinates() {
        let want = Ok(FeatureGeometry::Point(coord! { x: 3.0, y: 4.0 }));
        for little in [true, false] {
            assert_eq!(
                read_wkb(&Wkb::new(little).header(1001).f(&[3.0, 4.0, 9.0]).out),
                want
            );
            assert_eq!(
                read_wkb(&Wkb::new(little).header(2001).f(&[3.0, 4.0, 9.0]).out),
                want
            );
            assert_eq!(
                read_wkb(&Wkb::new(little).header(3001).f(&[3.0, 4.0, 9.0, 8.0]).out),
                want
            );
            assert_eq!(
                read_wkb(&Wkb::new(little).header(0x8000_0001).f(&[3.0, 4.0, 9.0]).out),
                want
            );
            assert_eq!(
                read_wkb(&Wkb::new(little).header(0x4000_0001).f(&[3.0, 4.0, 9.0]).out),
                want
            );
            let ewkb = Wkb::new(little)
                .header(0xE000_0001)
                .u32(4326)
                .f(&[3.0, 4.0, 9.0, 8.0])
                .out;
            assert_eq!(read_wkb(&ewkb), want);
            let line = Wkb::new(little)
                .header(1002)
                .u32(2)
                .f(&[0.0, 1.0, 5.0, 2.0, 3.0, 5.0])
                .out;
            let want_line = MultiLineString::new(vec![LineString::from(vec![(0.0, 1.0), (2.0, 3.0)])]);
            assert_eq!(read_wkb(&line), Ok(FeatureGeometry::Lines(want_line)));
        }
    }

    #[test]
    fn polygon_is_closed_and_oriented() {
        // Clockwise, unclosed exterior with a counter-clockwise hole.
        let exterior = [0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0, 0.0];
        let hole = [2.0, 2.0, 4.0, 2.0, 4.0, 4.0, 2.0, 4.0, 2.0, 2.0];
        for little in [true, false] {
            let wkb = Wkb::new(little)
                .header(3)
                .u32(2)
                .u32(4)
                .f(&exterior)
                .u32(5)
                .f(&hole)
                .out;
            let Ok(FeatureGeometry::Polygons(shape)) = read_wkb(&wkb) else {
                panic!("not polygons")
            };
            let want = polygon!(
                exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)],
                interiors: [[(x: 2.0, y: 2.0), (x: 2.0, y: 4.0), (x: 4.0, y: 4.0), (x: 4.0, y: 2.0), (x: 2.0, y: 2.0)]],
            );
            use geo::Winding;
            assert_eq!(shape.0.len(), 1);
            assert!(shape.0[0].exterior().is_ccw() && shape.0[0].interiors()[0].is_cw());
            assert!(shape.0[0].exterior().is_closed() && shape.0[0].interiors()[0].is_closed());
            let same_ring = |a: &LineString<f64>, b: &LineString<f64>| {
                let mut a: Vec<_> = a.0[1..].iter().map(|c| (c.x, c.y)).collect();
                let mut b: Vec<_> = b.0[1..].iter().map(|c| (c.x, c.y)).collect();
                a.sort_by(|p, q| p.partial_cmp(q).expect("finite"));
                b.sort_by(|p, q| p.partial_cmp(q).expect("finite"));
                a == b
            };
            assert!(same_ring(shape.0[0].exterior(), want.exterior()));
            assert!(same_ring(&shape.0[0].interiors()[0], &want.interiors()[0]));
        }
    }

    #[test]
    fn multi_types_and_mixed_byte_orders() {
        // A little-endian MultiPoint whose members are big- and little-endian.
        let multipoint = Wkb::new(true)
            .header(4)
            .u32(2)
            .raw(&Wkb::point(false, 5.0, 6.0))
            .raw(&Wkb::point(true, 7.0, 8.0))
            .out;
        assert_eq!(
            read_wkb(&multipoint),
            Ok(FeatureGeometry::Point(coord! { x: 5.0, y: 6.0 }))
        );
        assert_eq!(
            read_wkb(&Wkb::new(false).header(4).u32(0).out),
            Ok(FeatureGeometry::Other("empty MultiPoint"))
        );

        let line = |little| Wkb::new(little).header(2).u32(2).f(&[1.0, 1.0, 2.0, 2.0]).out;
        let mls = Wkb::new(false)
            .header(5)
            .u32(2)
            .raw(&line(true))
            .raw(&line(false))
            .out;
        let Ok(FeatureGeometry::Lines(lines)) = read_wkb(&mls) else {
            panic!("not lines")
        };
        assert_eq!(lines.0.len(), 2);
        assert_eq!(lines.0[1], LineString::from(vec![(1.0, 1.0), (2.0, 2.0)]));

        let square = |little, x: f64| {
            let ring = [x, 0.0, x + 1.0, 0.0, x + 1.0, 1.0, x, 1.0, x, 0.0];
            Wkb::new(little).header(3).u32(1).u32(5).f(&ring).out
        };
        let mp = Wkb::new(true)
            .header(6)
            .u32(2)
            .raw(&square(false, 0.0))
            .raw(&square(true, 5.0))
            .out;
        let Ok(FeatureGeometry::Polygons(shape)) = read_wkb(&mp) else {
            panic!("not polygons")
        };
        assert_eq!(shape.0.len(), 2);
        assert_eq!(shape.0[1].exterior().0[0], coord! { x: 5.0, y: 0.0 });

        // A collection gives its polygons first, else lines, else points.
        let gc = |parts: &[&[u8]]| {
            let mut w = Wkb::new(true).header(7).u32(parts.len() as u32);
            for p in parts {
                w = w.raw(p);
            }
            read_wkb(&w.out)
        };
        let point = Wkb::point(true, 9.0, 9.0);
        assert!(
            matches!(gc(&[&point, &line(true), &square(false, 0.0)]), Ok(FeatureGeometry::Polygons(p)) if p.0.len() == 1)
        );
        assert!(matches!(
            gc(&[&point, &line(true)]),
            Ok(FeatureGeometry::Lines(_))
        ));
        assert_eq!(
            gc(&[&point]),
            Ok(FeatureGeometry::Point(coord! { x: 9.0, y: 9.0 }))
        );
        assert_eq!(gc(&[]), Ok(FeatureGeometry::Other("empty GeometryCollection")));
    }

    #[test]
    fn empty_and_unsupported_geometries_are_named() {
        for little in [true, false] {
            let empty = Wkb::point(little, f64::NAN, f64::NAN);
            assert_eq!(read_wkb(&empty), Ok(FeatureGeometry::Other("empty Point")));
            assert_eq!(
                read_wkb(&Wkb::new(little).header(3).u32(0).out),
                Ok(FeatureGeometry::Other("empty Polygon"))
            );
            let curve = Wkb::new(little).header(8).u32(3).f(&[0.0; 6]).out;
            assert_eq!(read_wkb(&curve), Ok(FeatureGeometry::Other("CircularString")));
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let point = Wkb::point(true, 1.0, 2.0);
        assert_eq!(
            read_wkb(&point[..12]),
            Err("WKB ends after 12 of 21 bytes".to_string())
        );
        assert_eq!(
            read_wkb(&Wkb::new(true).header(99).f(&[0.0, 0.0]).out),
            Err("unknown WKB geometry type 99".into())
        );
        assert!(
            read_wkb(&[7, 1, 0, 0, 0])
                .expect_err("order")
                .contains("byte order 7")
        );
        assert!(read_wkb(&[]).is_err());
        // A count of 2^31 points must be refused before anything is allocated.
        let huge = Wkb::new(true).header(2).u32(1 << 31).f(&[0.0, 0.0]).out;
        assert!(
            read_wkb(&huge)
                .expect_err("huge")
                .starts_with("WKB ends after 25 of")
        );
        let huge_multi = Wkb::new(false).header(7).u32(u32::MAX).out;
        assert!(read_wkb(&huge_multi).is_err());
        // NaN or infinite coordinates (which made geo's orientation panic) are refused.
        let ring = [0.0, 0.0, f64::NAN, 1.0, 1.0, 1.0, 0.0, 0.0];
        let nan_polygon = Wkb::new(true).header(3).u32(1).u32(4).f(&ring).out;
        assert!(
            read_wkb(&nan_polygon)
                .expect_err("NaN")
                .contains("not a finite number")
        );
        assert!(read_wkb(&Wkb::point(false, f64::INFINITY, 1.0)).is_err());
        // Collections nested beyond reason are refused rather than recursed into.
        let mut deep = Vec::new();
        for _ in 0..10_000 {
            deep.extend(Wkb::new(true).header(7).u32(1).out);
        }
        deep.extend(Wkb::point(true, 0.0, 0.0));
        assert!(read_wkb(&deep).expect_err("deep").contains("nested"));
    }

    #[test]
    fn written_geometries_read_back_bit_identical() {
        let point = coord! { x: 37.617_298_123_456_78, y: -55.755_825_987_654_32 };
        let mut out = Vec::new();
        write_point_wkb(&mut out, point);
        assert_eq!(out.len(), 21);
        assert_eq!(out, Wkb::point(true, point.x, point.y));
        let Ok(FeatureGeometry::Point(back)) = read_wkb(&out) else {
            panic!("not a point")
        };
        assert_eq!(
            (back.x.to_bits(), back.y.to_bits()),
            (point.x.to_bits(), point.y.to_bits())
        );

        let shape = MultiPolygon::new(vec![
            polygon!(
                exterior: [(x: 30.1, y: 50.2), (x: 31.3, y: 50.2), (x: 31.3, y: 51.7), (x: 30.1, y: 51.7)],
                interiors: [[(x: 30.5, y: 50.5), (x: 30.5, y: 51.0), (x: 31.0, y: 51.0), (x: 30.5, y: 50.5)]],
            ),
            polygon![(x: 40.0, y: 40.0), (x: 41.0, y: 40.0), (x: 40.5, y: 41.0)],
        ]);
        let shape = shape.orient(Direction::Default);
        let mut out = Vec::new();
        write_polygons_wkb(&mut out, &shape);
        assert_eq!(read_wkb(&out), Ok(FeatureGeometry::Polygons(shape)));
    }

    #[test]
    fn truncated_or_flipped_blobs_never_panic() {
        let ring = [0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0];
        let polygon = Wkb::new(false)
            .header(1003)
            .u32(1)
            .u32(4)
            .f(&[ring.as_slice(), &[0.0; 4]].concat())
            .out;
        let samples = [
            Wkb::point(true, 1.0, 2.0),
            Wkb::new(true)
                .header(0xA000_0006)
                .u32(4326)
                .u32(1)
                .raw(&polygon)
                .out,
            Wkb::new(true)
                .header(7)
                .u32(2)
                .raw(&Wkb::point(false, 3.0, 4.0))
                .raw(&polygon)
                .out,
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for sample in &samples {
            for len in 0..sample.len() {
                assert!(
                    read_wkb(&sample[..len]).is_err(),
                    "truncated at {len} should fail"
                );
            }
            for _ in 0..5_000 {
                let mut bytes = sample.clone();
                for _ in 0..1 + seed % 3 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let bit = (seed % (bytes.len() as u64 * 8)) as usize;
                    bytes[bit / 8] ^= 1 << (bit % 8);
                }
                let _ = read_wkb(&bytes);
            }
        }
    }
}
