//! An area drawn on the map to filter events: a polygon of clicked points or
//! a circle of a given radius around a point. Containment follows what the
//! map draws (polygon edges are straight on the Web Mercator map; a circle
//! holds what is within its radius along the ellipsoid); areas are geodesic.

use geo::{Coord, Destination, Distance, Geodesic, GeodesicArea, LineString, Point, Polygon};

use super::{WorldPoint, project};

/// Vertices of the polygon that stands in for a circle when drawn, saved
/// or measured.
const CIRCLE_VERTICES: usize = 128;

/// A drawn area, in longitude/latitude.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DrawnArea {
    /// A polygon through these points (the ring is closed implicitly).
    Polygon(Vec<Coord<f64>>),
    /// Everything within `radius_m` metres of `centre`.
    Circle {
        /// The centre.
        centre: Coord<f64>,
        /// The radius, metres along the ellipsoid.
        radius_m: f64,
    },
}

impl DrawnArea {
    /// The outline as a ring of points (a circle's by geodesic
    /// destinations), not repeating the first point.
    pub fn outline(&self) -> Vec<Coord<f64>> {
        match self {
            Self::Polygon(points) => points.clone(),
            Self::Circle { centre, radius_m } => (0..CIRCLE_VERTICES)
                .map(|i| {
                    let bearing = i as f64 * 360.0 / CIRCLE_VERTICES as f64;
                    Geodesic.destination(Point(*centre), bearing, *radius_m).0
                })
                .collect(),
        }
    }

    /// The area on the WGS84 ellipsoid, in km² (Karney's method over the
    /// outline).
    pub fn area_km2(&self) -> f64 {
        let mut ring = self.outline();
        if let Some(&first) = ring.first() {
            ring.push(first);
        }
        // geo counts the other side of a ring in one orientation (the rest of
        // the Earth); a drawn area is never the bigger side.
        let area =
            |ring: Vec<Coord<f64>>| Polygon::new(LineString::new(ring), vec![]).geodesic_area_unsigned();
        let reversed: Vec<Coord<f64>> = ring.iter().rev().copied().collect();
        area(ring).min(area(reversed)) / 1e6
    }

    /// Whether the shape can hold anything: a polygon of 3 points or more,
    /// a circle of a positive radius, all coordinates finite.
    pub fn is_valid(&self) -> bool {
        match self {
            Self::Polygon(points) => {
                points.len() >= 3 && points.iter().all(|c| c.x.is_finite() && c.y.is_finite())
            }
            Self::Circle { centre, radius_m } => {
                centre.x.is_finite() && centre.y.is_finite() && radius_m.is_finite() && *radius_m > 0.0
            }
        }
    }

    /// The shape ready for many containment tests.
    pub fn test(&self) -> AreaTest {
        match self {
            Self::Polygon(points) => {
                let ring: Vec<WorldPoint> = points.iter().map(|&c| project(c)).collect();
                let (mut min, mut max) = (
                    Coord {
                        x: f64::MAX,
                        y: f64::MAX,
                    },
                    Coord {
                        x: f64::MIN,
                        y: f64::MIN,
                    },
                );
                for c in points {
                    min = Coord {
                        x: min.x.min(c.x),
                        y: min.y.min(c.y),
                    };
                    max = Coord {
                        x: max.x.max(c.x),
                        y: max.y.max(c.y),
                    };
                }
                AreaTest::Polygon {
                    ring: Ring::new(ring),
                    min,
                    max,
                }
            }
            Self::Circle { centre, radius_m } => AreaTest::Circle {
                centre: *centre,
                radius_m: *radius_m,
            },
        }
    }
}

/// A [`DrawnArea`] prepared for testing many points.
#[derive(Debug, Clone)]
pub enum AreaTest {
    /// The ring projected to the map, and its longitude/latitude box.
    Polygon {
        /// The ring on the Web Mercator plane.
        ring: Ring,
        /// South-west corner of the box.
        min: Coord<f64>,
        /// North-east corner of the box.
        max: Coord<f64>,
    },
    /// A circle.
    Circle {
        /// The centre.
        centre: Coord<f64>,
        /// The radius, metres along the ellipsoid.
        radius_m: f64,
    },
}

impl AreaTest {
    /// Whether `point` (longitude/latitude) is inside.
    pub fn contains(&self, point: Coord<f64>) -> bool {
        match self {
            Self::Polygon { ring, min, max } => {
                point.x >= min.x
                    && point.x <= max.x
                    && point.y >= min.y
                    && point.y <= max.y
                    && ring.contains(project(point))
            }
            Self::Circle { centre, radius_m } => circle_contains(*centre, *radius_m, point),
        }
    }
}

/// Most rows a ring's edges are sorted into.
const MAX_ROWS: usize = 4096;

/// A ring on the plane with its edges sorted into horizontal rows, so that
/// a point is tested against the edges of its own row only: a loaded
/// oblast outline has thousands of edges, and a million events each
/// crossing them all would hold the window for seconds.
#[derive(Debug, Clone)]
pub struct Ring {
    points: Vec<WorldPoint>,
    top: f64,
    bottom: f64,
    row_height: f64,
    /// The edges (by their first point) that reach into each row.
    rows: Vec<Vec<u32>>,
}

impl Ring {
    /// Sorts the edges of the ring through `points` (closed implicitly).
    pub fn new(points: Vec<WorldPoint>) -> Self {
        let top = points.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
        let bottom = points.iter().map(|p| p.y).fold(f64::NEG_INFINITY, f64::max);
        let count = (points.len() / 4).clamp(1, MAX_ROWS);
        let row_height = ((bottom - top) / count as f64).max(f64::MIN_POSITIVE);
        let mut ring = Self {
            points,
            top,
            bottom,
            row_height,
            rows: vec![Vec::new(); count],
        };
        for i in 0..ring.points.len() {
            let (a, b) = ring.edge(i);
            let (first, last) = (ring.row(a.y.min(b.y)), ring.row(a.y.max(b.y)));
            for row in &mut ring.rows[first..=last] {
                row.push(i as u32);
            }
        }
        ring
    }

    /// The edge from point `i` to the next.
    fn edge(&self, i: usize) -> (WorldPoint, WorldPoint) {
        let next = if i + 1 == self.points.len() { 0 } else { i + 1 };
        (self.points[i], self.points[next])
    }

    /// The row holding height `y` (clamped to the ring's rows).
    fn row(&self, y: f64) -> usize {
        let row = ((y - self.top) / self.row_height).floor().max(0.0) as usize;
        row.min(self.rows.len() - 1)
    }

    /// Whether `p` is inside, by the even-odd rule (a point on the boundary
    /// may fall either way). Every edge that crosses the horizontal line
    /// through `p` reaches into `p`'s row, so the row's edges decide.
    pub fn contains(&self, p: WorldPoint) -> bool {
        if self.points.len() < 3 || !(self.top..=self.bottom).contains(&p.y) {
            return false;
        }
        let mut inside = false;
        for &i in &self.rows[self.row(p.y)] {
            let (a, b) = self.edge(i as usize);
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
                inside = !inside;
            }
        }
        inside
    }
}

/// Even-odd rule on the plane, every edge tested: what [`Ring::contains`]
/// answers faster (kept as its test's oracle).
#[cfg(test)]
fn ring_contains(ring: &[WorldPoint], p: WorldPoint) -> bool {
    let mut inside = false;
    let mut previous = match ring.last() {
        Some(&last) => last,
        None => return false,
    };
    for &current in ring {
        if (current.y > p.y) != (previous.y > p.y) {
            let x = current.x + (p.y - current.y) * (previous.x - current.x) / (previous.y - current.y);
            if p.x < x {
                inside = !inside;
            }
        }
        previous = current;
    }
    inside
}

/// Within `radius_m` along the ellipsoid. The sphere's distance (within
/// 0.6 % of the ellipsoid's) settles all but the points near the edge,
/// which Karney's method decides.
fn circle_contains(centre: Coord<f64>, radius_m: f64, point: Coord<f64>) -> bool {
    let lat_span = radius_m / super::METRES_PER_DEGREE * 1.01;
    if (point.y - centre.y).abs() > lat_span {
        return false;
    }
    let rough = geo::Haversine.distance(Point(centre), Point(point));
    if rough < radius_m * 0.993 {
        true
    } else if rough > radius_m * 1.007 {
        false
    } else {
        Geodesic.distance(Point(centre), Point(point)) <= radius_m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn areas_agree_with_geographiclib() {
        // Expected: Python geographiclib 2.1, Geodesic.WGS84.Polygon over the
        // same ring (an independent implementation of Karney's method).
        let square = DrawnArea::Polygon(vec![c(36.0, 50.0), c(37.0, 50.0), c(37.0, 51.0), c(36.0, 51.0)]);
        assert!(
            (square.area_km2() - GEOGRAPHICLIB_SQUARE_KM2).abs() < 0.01,
            "{}",
            square.area_km2()
        );
        let circle = DrawnArea::Circle {
            centre: c(36.5873, 50.5954),
            radius_m: 25_000.0,
        };
        // A 128-gon inside the circle: within 0.05 % of π r² on the ellipsoid.
        let area = circle.area_km2();
        assert!((area - GEOGRAPHICLIB_CIRCLE_KM2).abs() < 0.01, "{area}");
        assert!(
            (area / (std::f64::consts::PI * 625.0) - 1.0).abs() < 0.002,
            "{area}"
        );
    }

    const GEOGRAPHICLIB_SQUARE_KM2: f64 = 7_892.061_583;
    const GEOGRAPHICLIB_CIRCLE_KM2: f64 = 1_962.704_473;

    #[test]
    fn a_concave_polygon_holds_its_inside_only() {
        // A "U" open to the north: the notch between the arms is outside.
        let u = DrawnArea::Polygon(vec![
            c(36.0, 50.0),
            c(37.0, 50.0),
            c(37.0, 51.0),
            c(36.7, 51.0),
            c(36.7, 50.3),
            c(36.3, 50.3),
            c(36.3, 51.0),
            c(36.0, 51.0),
        ])
        .test();
        assert!(u.contains(c(36.1, 50.8)), "west arm");
        assert!(u.contains(c(36.9, 50.8)), "east arm");
        assert!(u.contains(c(36.5, 50.1)), "base");
        assert!(!u.contains(c(36.5, 50.8)), "notch");
        assert!(!u.contains(c(35.9, 50.5)), "west of it");
        assert!(!u.contains(c(36.5, 51.2)), "north of it");
    }

    #[test]
    fn a_ring_sorted_into_rows_answers_as_every_edge_does() {
        // A star of 3,000 points (spikes and notches on every row), and
        // points over its box and beyond.
        let points: Vec<WorldPoint> = (0..3_000)
            .map(|i| {
                let angle = i as f64 / 3_000.0 * std::f64::consts::TAU;
                let radius = if i % 2 == 0 {
                    0.01
                } else {
                    0.004 + 0.003 * (i as f64 * 0.7).sin().abs()
                };
                WorldPoint::new(0.6 + radius * angle.cos(), 0.33 + radius * angle.sin())
            })
            .collect();
        let ring = Ring::new(points.clone());
        let mut seed = 7u64;
        let mut inside = 0;
        for _ in 0..50_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let x = 0.588 + (seed >> 33) as f64 / f64::from(u32::MAX) * 0.024;
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let y = 0.317 + (seed >> 33) as f64 / f64::from(u32::MAX) * 0.026;
            let p = WorldPoint::new(x, y);
            assert_eq!(ring.contains(p), ring_contains(&points, p), "{p:?}");
            inside += usize::from(ring.contains(p));
        }
        assert!(inside > 1_000 && inside < 49_000, "{inside}");
        assert!(!Ring::new(points[..2].to_vec()).contains(WorldPoint::new(0.6, 0.33)));
    }

    #[test]
    fn a_circle_holds_what_is_within_its_radius_on_the_ellipsoid() {
        let centre = c(36.5873, 50.5954);
        let circle = DrawnArea::Circle {
            centre,
            radius_m: 30_000.0,
        }
        .test();
        // Shebekino is 30,115.8 m from Belgorod (geographiclib): just outside
        // 30 km, inside 30.2 km.
        let shebekino = c(36.8932, 50.4077);
        assert!(!circle.contains(shebekino));
        let wider = DrawnArea::Circle {
            centre,
            radius_m: 30_200.0,
        }
        .test();
        assert!(wider.contains(shebekino));
        assert!(circle.contains(centre));
        assert!(!circle.contains(c(36.5873, 51.0)), "45 km north");
    }

    #[test]
    fn validates() {
        let circle = DrawnArea::Circle {
            centre: c(36.5873, 50.5954),
            radius_m: 25_000.0,
        };
        assert!(circle.is_valid());
        assert!(!DrawnArea::Polygon(vec![c(1.0, 1.0), c(2.0, 2.0)]).is_valid());
        assert!(
            !DrawnArea::Circle {
                centre: c(1.0, 1.0),
                radius_m: 0.0
            }
            .is_valid()
        );
        assert_eq!(circle.outline().len(), CIRCLE_VERTICES);
    }
}
