//! The coastal rule: a point in no region, in the sea, within
//! [`COASTAL_REACH_M`] of a tracked region's coast and nearer to that coast
//! than to any other land, belongs to that region.
//!
//! Events at coastal towns are often geocoded to a town centre or a harbour
//! that the outlines draw a few hundred metres into the water (Sevastopol's
//! centre sits on its bay). A point on land is never moved: land that is not
//! a tracked region (Ukraine, Kursk, Krasnodar, …) is tested first, so an
//! event a metre inside Ukraine stays outside every Russian oblast.

use geo::Intersects;
use geo::{Coord, Line, MultiPolygon, Rect};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::index::ShapeLookup;
use crate::geometry::{METRES_PER_DEGREE, bounds_union, nearest_to_origin};

/// How far off a coast a point may be and still count as in its region, in
/// metres: beyond the few hundred metres town centres and harbours are drawn
/// off the coast, short of open water.
pub const COASTAL_REACH_M: f64 = 2_000.0;

/// The edges are indexed with longitude scaled by the cosine of this
/// latitude, so that index distances are close to true ones in the area.
const INDEX_LATITUDE: f64 = 48.0;
/// Search the index this much further than the reach: its scale is exact only
/// at [`INDEX_LATITUDE`] (the area spans 43–55° N).
const SEARCH_MARGIN: f64 = 1.3;

/// Whose boundary an edge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The tracked region at this index.
    Region(usize),
    /// Land that is not tracked.
    Other,
}

/// An edge of some land's outline, in index coordinates.
type Edge = GeomWithData<Line<f64>, Owner>;

/// Finds the region whose coast a point in the sea lies off.
pub struct CoastIndex {
    edges: RTree<Edge>,
    /// Land that is not a tracked region, with its bounds.
    other_land: Vec<ShapeLookup>,
}

impl CoastIndex {
    /// Indexes the outlines of the tracked `regions` and of the `other_land`
    /// (neighbouring regions and countries) whose bounds come near them.
    pub fn new<'a>(
        regions: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
        other_land: impl IntoIterator<Item = (&'a MultiPolygon<f64>, Rect<f64>)>,
    ) -> Self {
        let mut edges = Vec::new();
        let mut near: Option<Rect<f64>> = None;
        for (index, shape) in regions.into_iter().enumerate() {
            if let Some(bounds) = geo::BoundingRect::bounding_rect(shape) {
                near = Some(near.map_or(bounds, |n| bounds_union(&n, &bounds)));
            }
            push_edges(shape, Owner::Region(index), &mut edges);
        }
        let reach = COASTAL_REACH_M * SEARCH_MARGIN / METRES_PER_DEGREE / INDEX_LATITUDE.to_radians().cos();
        let near = near.map(|n| {
            Rect::new(
                Coord {
                    x: n.min().x - reach,
                    y: n.min().y - reach,
                },
                Coord {
                    x: n.max().x + reach,
                    y: n.max().y + reach,
                },
            )
        });
        let mut land = Vec::new();
        for (shape, bounds) in other_land {
            if near.is_some_and(|near| near.intersects(&bounds)) {
                push_edges(shape, Owner::Other, &mut edges);
                land.push(ShapeLookup::new(shape, bounds));
            }
        }
        Self {
            edges: RTree::bulk_load(edges),
            other_land: land,
        }
    }

    /// For a point in no tracked region: the region it lies off and the
    /// distance to its coast in metres, when the point is in the sea (on no
    /// other land), within [`COASTAL_REACH_M`] of that coast, and nearer to it
    /// than to any other land. Where the nearest coast is shared (a land
    /// border reaching the sea), nothing is claimed.
    pub fn offshore(&self, point: Coord<f64>) -> Option<(usize, f64)> {
        let at = to_index(point);
        let radius = COASTAL_REACH_M * SEARCH_MARGIN / METRES_PER_DEGREE;
        let mut nearest: Option<(Owner, f64)> = None;
        let mut tied_with_other = false;
        for edge in self.edges.locate_within_distance(geo::Point(at), radius * radius) {
            let metres = distance_m(point, edge.geom());
            match nearest {
                Some((_, best)) if metres > best + 1.0 => {}
                Some((owner, best)) if metres >= best - 1.0 => {
                    // Within a metre of the best: the same stretch of outline.
                    tied_with_other |= owner != edge.data;
                    if metres < best {
                        nearest = Some((edge.data, metres));
                    }
                }
                _ => {
                    tied_with_other = false;
                    nearest = Some((edge.data, metres));
                }
            }
        }
        let (Owner::Region(region), metres) = nearest? else {
            return None;
        };
        if tied_with_other || metres > COASTAL_REACH_M || self.on_other_land(point) {
            return None;
        }
        Some((region, metres))
    }

    /// Whether the point is on land that is not tracked.
    fn on_other_land(&self, point: Coord<f64>) -> bool {
        self.other_land.iter().any(|land| land.contains(point))
    }
}

impl std::fmt::Debug for CoastIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoastIndex")
            .field("edges", &self.edges.size())
            .field("other_land", &self.other_land.len())
            .finish()
    }
}

/// Adds every ring edge of `shape`, in index coordinates.
fn push_edges(shape: &MultiPolygon<f64>, owner: Owner, edges: &mut Vec<Edge>) {
    for polygon in shape {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for line in ring.lines() {
                let line = Line::new(to_index(line.start), to_index(line.end));
                edges.push(GeomWithData::new(line, owner));
            }
        }
    }
}

/// Longitude/latitude to index coordinates (degrees of latitude both ways).
fn to_index(point: Coord<f64>) -> Coord<f64> {
    Coord {
        x: point.x * INDEX_LATITUDE.to_radians().cos(),
        y: point.y,
    }
}

/// Metres from `point` (longitude/latitude) to an edge in index coordinates,
/// in a plane tangent at the point: exact enough over a few kilometres.
fn distance_m(point: Coord<f64>, edge: &Line<f64>) -> f64 {
    let scale_x = point.y.to_radians().cos() / INDEX_LATITUDE.to_radians().cos() * METRES_PER_DEGREE;
    let local = |c: Coord<f64>| {
        let index = to_index(point);
        Coord {
            x: (c.x - index.x) * scale_x,
            y: (c.y - index.y) * METRES_PER_DEGREE,
        }
    };
    let (a, b) = (local(edge.start), local(edge.end));
    let t = nearest_to_origin(a, b);
    (a.x + t * (b.x - a.x)).hypot(a.y + t * (b.y - a.y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BoundingRect, polygon};

    /// A square island of region 0 beside a square of other land, sharing
    /// the edge x = 1 (degrees), at 45° N.
    fn index() -> CoastIndex {
        let region = MultiPolygon(vec![
            polygon![(x: 0., y: 45.), (x: 1., y: 45.), (x: 1., y: 46.), (x: 0., y: 46.)],
        ]);
        let other = MultiPolygon(vec![
            polygon![(x: 1., y: 45.), (x: 2., y: 45.), (x: 2., y: 46.), (x: 1., y: 46.)],
        ]);
        let bounds = other.bounding_rect().expect("bounds");
        CoastIndex::new([&region], [(&other, bounds)])
    }

    #[test]
    fn a_point_just_off_the_coast_belongs_to_the_region() {
        let index = index();
        // 0.01° south of the south coast: about 1.1 km.
        let (region, metres) = index.offshore(Coord { x: 0.5, y: 44.99 }).expect("coastal");
        assert_eq!(region, 0);
        assert!((metres - 1_112.0).abs() < 5.0, "{metres}");
        // West of the west coast by 0.02° of longitude at 45.5° N: about 1.56 km.
        let (_, metres) = index.offshore(Coord { x: -0.02, y: 45.5 }).expect("coastal");
        assert!((metres - 1_559.0).abs() < 10.0, "{metres}");
    }

    #[test]
    fn far_points_other_land_and_shared_coasts_are_not_claimed() {
        let index = index();
        assert_eq!(index.offshore(Coord { x: 0.5, y: 44.9 }), None, "11 km out");
        assert_eq!(
            index.offshore(Coord { x: 1.001, y: 45.5 }),
            None,
            "on the other land, 80 m from the region"
        );
        assert_eq!(
            index.offshore(Coord { x: 1.5, y: 44.995 }),
            None,
            "off the other land's coast"
        );
        assert_eq!(
            index.offshore(Coord { x: 1.0, y: 44.995 }),
            None,
            "off the point where the land border meets the sea"
        );
    }
}
