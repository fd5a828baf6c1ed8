//! Point-in-region lookup for clicks and for assigning events to regions.

use geo::{Contains, Coord, MultiPolygon, Rect, indexed::IntervalTreeMultiPolygon};

/// Finds the region containing a point: a bounding-box test first, then an
/// interval tree over each region's edges (fast for many queries against few
/// polygons, as when a million events are assigned).
pub struct RegionIndex {
    entries: Vec<(Rect<f64>, IntervalTreeMultiPolygon<f64>)>,
}

impl RegionIndex {
    /// Indexes the shapes (longitude/latitude) with their bounds, in order.
    pub fn new<'a>(shapes: impl IntoIterator<Item = (&'a MultiPolygon<f64>, Rect<f64>)>) -> Self {
        Self {
            entries: shapes
                .into_iter()
                .map(|(shape, bounds)| (bounds, IntervalTreeMultiPolygon::new(shape)))
                .collect(),
        }
    }

    /// The index of the last (topmost) shape containing `point` among those
    /// `include` accepts.
    pub fn locate(&self, point: Coord<f64>, include: impl Fn(usize) -> bool) -> Option<usize> {
        self.entries
            .iter()
            .enumerate()
            .rev()
            .find(|(i, (bounds, tree))| {
                bounds.min().x <= point.x
                    && point.x <= bounds.max().x
                    && bounds.min().y <= point.y
                    && point.y <= bounds.max().y
                    && include(*i)
                    && tree.contains(&point)
            })
            .map(|(i, _)| i)
    }

    /// How many shapes are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no shape is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl std::fmt::Debug for RegionIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionIndex")
            .field("shapes", &self.entries.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BoundingRect, polygon};

    #[test]
    fn topmost_containing_shape_wins_and_filters_apply() {
        let big = MultiPolygon(vec![
            polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)],
        ]);
        let small = MultiPolygon(vec![
            polygon![(x: 2., y: 2.), (x: 4., y: 2.), (x: 4., y: 4.), (x: 2., y: 4.)],
        ]);
        let shapes = [big, small];
        let index = RegionIndex::new(shapes.iter().map(|s| (s, s.bounding_rect().expect("bounds"))));
        assert_eq!(index.len(), 2);
        assert_eq!(index.locate(Coord { x: 3.0, y: 3.0 }, |_| true), Some(1));
        assert_eq!(index.locate(Coord { x: 3.0, y: 3.0 }, |i| i != 1), Some(0));
        assert_eq!(index.locate(Coord { x: 8.0, y: 8.0 }, |_| true), Some(0));
        assert_eq!(index.locate(Coord { x: 11.0, y: 8.0 }, |_| true), None);
    }
}
