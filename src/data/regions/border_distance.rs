//! How far a point is from the border: the geodesic distance, on the WGS84
//! ellipsoid, to the nearest point of the state border or the de facto line
//! ([`super::border::BorderLayer`]), found through an R-tree of the lines'
//! segments.
//!
//! The segments are indexed with longitude scaled by the cosine of
//! [`INDEX_LATITUDE`]; the index distance of a segment is therefore a lower
//! bound of its true distance once scaled by the worst cosine between the
//! point and the border ([`lower_bound_factor`]). Segments are taken nearest
//! first until that bound passes the best distance found; each is measured in
//! a plane tangent at the point, and the distance to the nearest point found
//! is then measured again along the ellipsoid (Karney's method, `geo`'s
//! [`Geodesic`]).

use geo::{Coord, Distance, Geodesic, Line, Point};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::border::{BorderKind, BorderLayer};

/// Metres in a degree of latitude (mean, WGS84).
const METRES_PER_DEGREE: f64 = 111_195.0;
/// The segments are indexed with longitude scaled by the cosine of this
/// latitude (the border runs from 46° to 52.4° N).
const INDEX_LATITUDE: f64 = 49.0;
/// Relative slack when comparing a segment's lower bound with the best
/// distance so far (rounding only).
const TOLERANCE: f64 = 1e-9;

/// A segment of a border line, in index coordinates, with the line's index.
type Segment = GeomWithData<Line<f64>, u32>;

/// The nearest point of the border to some point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BorderNearest {
    /// Geodesic distance, in metres.
    pub metres: f64,
    /// Index of the line in the [`BorderLayer`] it was built from.
    pub line: usize,
    /// Whether that line is the state border or the de facto line.
    pub kind: BorderKind,
    /// The nearest point on the line (longitude/latitude).
    pub foot: Coord<f64>,
}

/// The border lines' segments, indexed for nearest-point queries.
pub struct BorderIndex {
    segments: RTree<Segment>,
    kinds: Vec<BorderKind>,
    /// The largest |latitude| of any segment.
    max_latitude: f64,
}

impl BorderIndex {
    /// Indexes every segment of every line of `layer`.
    pub fn new(layer: &BorderLayer) -> Self {
        let mut segments = Vec::new();
        let mut max_latitude: f64 = 0.0;
        for (index, line) in layer.lines.iter().enumerate() {
            for part in &line.line {
                for segment in part.lines() {
                    max_latitude = max_latitude.max(segment.start.y.abs()).max(segment.end.y.abs());
                    let indexed = Line::new(to_index(segment.start), to_index(segment.end));
                    segments.push(GeomWithData::new(indexed, index as u32));
                }
            }
        }
        Self {
            segments: RTree::bulk_load(segments),
            kinds: layer.lines.iter().map(|l| l.kind).collect(),
            max_latitude,
        }
    }

    /// Whether there is no line to measure to.
    pub fn is_empty(&self) -> bool {
        self.segments.size() == 0
    }

    /// The nearest point of any line to `point` (longitude/latitude) and its
    /// geodesic distance; `None` when there are no lines or the point is not
    /// a finite coordinate.
    pub fn nearest(&self, point: Coord<f64>) -> Option<BorderNearest> {
        if !point.x.is_finite() || !point.y.is_finite() {
            return None;
        }
        let factor = lower_bound_factor(point.y, self.max_latitude);
        let mut best: Option<(f64, Coord<f64>, u32)> = None;
        let at = Point(to_index(point));
        for (segment, distance_2) in self.segments.nearest_neighbor_iter_with_distance_2(&at) {
            let bound = distance_2.sqrt() * METRES_PER_DEGREE * factor;
            if best.is_some_and(|(metres, _, _)| bound > metres * (1.0 + TOLERANCE)) {
                break;
            }
            let (metres, foot) = tangent_distance(point, segment.geom());
            if best.is_none_or(|(best_metres, _, _)| metres < best_metres) {
                best = Some((metres, foot, segment.data));
            }
        }
        let (_, foot, line) = best?;
        Some(BorderNearest {
            metres: Geodesic.distance(Point(point), Point(foot)),
            line: line as usize,
            kind: self.kinds.get(line as usize).copied().unwrap_or(BorderKind::State),
            foot,
        })
    }
}

impl std::fmt::Debug for BorderIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BorderIndex")
            .field("segments", &self.segments.size())
            .finish()
    }
}

/// Longitude/latitude to index coordinates (degrees of latitude both ways).
fn to_index(point: Coord<f64>) -> Coord<f64> {
    Coord {
        x: point.x * INDEX_LATITUDE.to_radians().cos(),
        y: point.y,
    }
}

/// Index coordinates back to longitude/latitude.
fn from_index(point: Coord<f64>) -> Coord<f64> {
    Coord {
        x: point.x / INDEX_LATITUDE.to_radians().cos(),
        y: point.y,
    }
}

/// What an index distance is at least worth in true distance, as a share:
/// east–west distances between the point and the border shrink with the
/// cosine of the highest latitude between them (north–south ones are exact).
fn lower_bound_factor(latitude: f64, border_max_latitude: f64) -> f64 {
    let highest = latitude.abs().max(border_max_latitude).min(89.9);
    // Slightly under, for the ellipsoid's flattening (≤ 0.7 % here).
    (highest.to_radians().cos() / INDEX_LATITUDE.to_radians().cos()).min(1.0) * 0.99
}

/// Metres from `point` to a segment in index coordinates, in a plane tangent
/// at the point, and the segment's nearest point (longitude/latitude).
fn tangent_distance(point: Coord<f64>, segment: &Line<f64>) -> (f64, Coord<f64>) {
    let (start, end) = (from_index(segment.start), from_index(segment.end));
    let mid_latitude = |c: Coord<f64>| ((point.y + c.y) / 2.0).to_radians().cos();
    // The east–west scale at the latitude halfway to the segment keeps the
    // plane close to the ellipsoid over hundreds of kilometres.
    let scale_x = mid_latitude(start).max(mid_latitude(end)) * METRES_PER_DEGREE;
    let local = |c: Coord<f64>| Coord {
        x: (c.x - point.x) * scale_x,
        y: (c.y - point.y) * METRES_PER_DEGREE,
    };
    let (a, b) = (local(start), local(end));
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (-(a.x * dx + a.y * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let foot = Coord {
        x: start.x + t * (end.x - start.x),
        y: start.y + t * (end.y - start.y),
    };
    ((a.x + t * dx).hypot(a.y + t * dy), foot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regions::border::BorderLine;
    use geo::{BoundingRect, MultiLineString, line_string};

    fn layer(lines: Vec<(BorderKind, MultiLineString<f64>)>) -> BorderLayer {
        BorderLayer {
            lines: lines
                .into_iter()
                .map(|(kind, line)| BorderLine {
                    kind,
                    name: String::new(),
                    bounds: line.bounding_rect().expect("bounds"),
                    line,
                })
                .collect(),
        }
    }

    #[test]
    fn the_nearest_point_is_found_on_a_segment_or_at_its_end() {
        // A meridian segment at 36° E from 50° to 51° N, and a short de facto
        // line far south.
        let index = BorderIndex::new(&layer(vec![
            (
                BorderKind::State,
                MultiLineString(vec![line_string![(x: 36.0, y: 50.0), (x: 36.0, y: 51.0)]]),
            ),
            (
                BorderKind::DeFacto,
                MultiLineString(vec![line_string![(x: 33.6, y: 46.1), (x: 33.7, y: 46.2)]]),
            ),
        ]));
        // Due east of the middle: the foot is level with the point.
        let east = index.nearest(Coord { x: 36.5, y: 50.5 }).expect("nearest");
        assert_eq!((east.line, east.kind), (0, BorderKind::State));
        assert!((east.foot.y - 50.5).abs() < 1e-3, "{east:?}");
        let expected = Geodesic.distance(Point::new(36.5, 50.5), Point::new(36.0, 50.5));
        assert!((east.metres - expected).abs() < 5.0, "{} vs {expected}", east.metres);
        // North of the end: the end is the nearest point.
        let north = index.nearest(Coord { x: 36.0, y: 51.3 }).expect("nearest");
        assert!((north.foot.y - 51.0).abs() < 1e-9 && (north.foot.x - 36.0).abs() < 1e-9);
        // Near the de facto line, it is the nearer one.
        let south = index.nearest(Coord { x: 33.65, y: 46.0 }).expect("nearest");
        assert_eq!((south.line, south.kind), (1, BorderKind::DeFacto));
        assert!(south.metres < 20_000.0);
        assert!(index.nearest(Coord { x: f64::NAN, y: 50.0 }).is_none());
        assert!(BorderIndex::new(&BorderLayer::default()).nearest(Coord { x: 36.0, y: 50.0 }).is_none());
    }

    #[test]
    fn far_points_still_find_the_true_nearest_stretch() {
        // Two lines: one 3° of longitude east at 52° N, one 2.5° of latitude
        // south. At 52° N a degree of longitude is ~68.6 km, a degree of
        // latitude ~111 km: the east line is nearer (~206 km vs ~278 km),
        // though the index (scaled for 49° N) sees it at ~219 km.
        let index = BorderIndex::new(&layer(vec![
            (
                BorderKind::State,
                MultiLineString(vec![line_string![(x: 33.0, y: 51.0), (x: 33.0, y: 53.0)]]),
            ),
            (
                BorderKind::State,
                MultiLineString(vec![line_string![(x: 29.0, y: 49.5), (x: 31.0, y: 49.5)]]),
            ),
        ]));
        let nearest = index.nearest(Coord { x: 30.0, y: 52.0 }).expect("nearest");
        assert_eq!(nearest.line, 0);
        let expected = Geodesic.distance(Point::new(30.0, 52.0), Point::new(33.0, 52.0));
        // The foot on a meridian is a little south of 52° (the great circle);
        // the true minimum is at most the distance to (33, 52).
        assert!(nearest.metres <= expected + 1.0, "{} vs {expected}", nearest.metres);
        assert!(nearest.metres > expected - 2_000.0, "{} vs {expected}", nearest.metres);
    }
}
