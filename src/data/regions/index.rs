//! Point-in-shape lookup for clicks and for assigning events to regions.

use geo::{Contains, Coord, LinesIter, MultiPolygon, Rect, indexed::IntervalTreeMultiPolygon};

/// Cells a shape's grid has at most: 64 KB a shape.
const MAX_CELLS: usize = 65_536;
/// Cells a shape's grid has for each of its edges, up to [`MAX_CELLS`]: with
/// fewer, a small shape's cells are mostly crossed by its edges.
const CELLS_PER_EDGE: usize = 4;
/// Cells an edge's bounding box may cover before it is traced along its
/// length instead (a long diagonal edge would mark a whole rectangle).
const BOX_CELLS: usize = 16;

/// Finds the region containing a point: a bounding-box test first, then
/// each region's [`ShapeLookup`], topmost first.
pub struct RegionIndex {
    entries: Vec<ShapeLookup>,
}

impl RegionIndex {
    /// Indexes the shapes (longitude/latitude) with their bounds, in order.
    pub fn new<'a>(shapes: impl IntoIterator<Item = (&'a MultiPolygon<f64>, Rect<f64>)>) -> Self {
        Self {
            entries: shapes
                .into_iter()
                .map(|(shape, bounds)| ShapeLookup::new(shape, bounds))
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
            .find(|(i, shape)| shape.in_bounds(point) && include(*i) && shape.contains(point))
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

/// One shape made ready for point queries. A grid over its bounds knows
/// which cells lie wholly inside or wholly outside it, so most points are
/// answered by one look-up; only points in cells an edge crosses (or comes
/// near) ask the interval tree over its edges. The answers are the tree's:
/// inside means inside by the winding rule, and a point on an edge is not
/// inside.
pub struct ShapeLookup {
    bounds: Rect<f64>,
    grid: Option<CellGrid>,
    tree: IntervalTreeMultiPolygon<f64>,
}

impl ShapeLookup {
    /// Indexes `shape` (longitude/latitude), whose bounds are `bounds`.
    pub fn new(shape: &MultiPolygon<f64>, bounds: Rect<f64>) -> Self {
        let tree = IntervalTreeMultiPolygon::new(shape);
        let grid = CellGrid::new(shape, bounds, &tree);
        Self { bounds, grid, tree }
    }

    /// Whether `point` is within the shape's bounds (edges included).
    pub fn in_bounds(&self, point: Coord<f64>) -> bool {
        self.bounds.min().x <= point.x
            && point.x <= self.bounds.max().x
            && self.bounds.min().y <= point.y
            && point.y <= self.bounds.max().y
    }

    /// Whether the shape contains `point` (not on an edge).
    pub fn contains(&self, point: Coord<f64>) -> bool {
        if !self.in_bounds(point) {
            return false;
        }
        match self.grid.as_ref().map_or(Cell::Edge, |grid| grid.cell(point)) {
            Cell::Inside => true,
            Cell::Outside => false,
            Cell::Edge => self.tree.contains(&point),
        }
    }
}

/// What is known of every point of a grid cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// An edge crosses the cell or comes near it: ask the tree.
    Edge,
    /// Every point of the cell is inside the shape.
    Inside,
    /// No point of the cell is inside the shape.
    Outside,
}

/// Cells over a shape's bounds, row by row from the south-west corner.
struct CellGrid {
    origin: Coord<f64>,
    /// Width and height of a cell, in degrees.
    size: Coord<f64>,
    columns: usize,
    rows: usize,
    cells: Vec<Cell>,
}

impl CellGrid {
    /// The grid for `shape`; `None` when its bounds have no area.
    fn new(
        shape: &MultiPolygon<f64>,
        bounds: Rect<f64>,
        tree: &IntervalTreeMultiPolygon<f64>,
    ) -> Option<Self> {
        let (width, height) = (bounds.width(), bounds.height());
        if !(width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite()) {
            return None;
        }
        let edges = shape.lines_iter().count();
        let target = (edges * CELLS_PER_EDGE).clamp(1, MAX_CELLS) as f64;
        let columns = ((target * width / height).sqrt().round() as usize).clamp(1, MAX_CELLS);
        let rows = ((target / columns as f64).round() as usize).clamp(1, MAX_CELLS / columns);
        let mut grid = Self {
            origin: bounds.min(),
            size: Coord {
                x: width / columns as f64,
                y: height / rows as f64,
            },
            columns,
            rows,
            cells: vec![Cell::Inside; columns * rows],
        };
        for line in shape.lines_iter() {
            grid.mark_edge(line.start, line.end);
        }
        grid.fill(tree);
        Some(grid)
    }

    /// The column and row of `point`, clamped to the grid.
    fn column_row(&self, point: Coord<f64>) -> (usize, usize) {
        let column = ((point.x - self.origin.x) / self.size.x).floor();
        let row = ((point.y - self.origin.y) / self.size.y).floor();
        // `as` saturates: below 0 (and NaN) give 0.
        (
            (column as usize).min(self.columns - 1),
            (row as usize).min(self.rows - 1),
        )
    }

    /// What is known of the cell holding `point`.
    fn cell(&self, point: Coord<f64>) -> Cell {
        let (column, row) = self.column_row(point);
        self.cells
            .get(row * self.columns + column)
            .copied()
            .unwrap_or(Cell::Edge)
    }

    /// Marks every cell the edge from `a` to `b` crosses or comes near. A
    /// point is filed under the cell its rounded division names, which may
    /// be the neighbour of the one it lies in by a hair; so an edge marks its
    /// cells and, past their sides, a margin of a millionth of a cell.
    fn mark_edge(&mut self, a: Coord<f64>, b: Coord<f64>) {
        let margin = Coord {
            x: self.size.x * 1e-6,
            y: self.size.y * 1e-6,
        };
        let low = self.column_row(Coord {
            x: a.x.min(b.x) - margin.x,
            y: a.y.min(b.y) - margin.y,
        });
        let high = self.column_row(Coord {
            x: a.x.max(b.x) + margin.x,
            y: a.y.max(b.y) + margin.y,
        });
        if (high.0 - low.0 + 1) * (high.1 - low.1 + 1) <= BOX_CELLS {
            self.mark_block(low, high);
            return;
        }
        // A long edge: samples along it at most half a cell apart, each
        // marking its cell and the eight around it. A cell the edge crosses
        // holds a point of it within a quarter cell of a sample, so that
        // sample's cell is the crossed one or touches it.
        let steps_x = ((b.x - a.x).abs() / self.size.x * 2.0).ceil();
        let steps_y = ((b.y - a.y).abs() / self.size.y * 2.0).ceil();
        let steps = steps_x.max(steps_y).max(1.0) as usize;
        for step in 0..=steps {
            let t = step as f64 / steps as f64;
            let (column, row) = self.column_row(Coord {
                x: a.x + (b.x - a.x) * t,
                y: a.y + (b.y - a.y) * t,
            });
            let low = (column.saturating_sub(1), row.saturating_sub(1));
            let high = ((column + 1).min(self.columns - 1), (row + 1).min(self.rows - 1));
            self.mark_block(low, high);
        }
    }

    /// Marks the cells from `low` to `high` (column, row; both included).
    fn mark_block(&mut self, low: (usize, usize), high: (usize, usize)) {
        for row in low.1..=high.1 {
            let start = row * self.columns;
            if let Some(cells) = self.cells.get_mut(start + low.0..=start + high.0) {
                cells.fill(Cell::Edge);
            }
        }
    }

    /// Settles every unmarked cell. Cells next to each other in a row that
    /// no edge comes near are all inside or all outside, so each such run
    /// asks the tree once, at its first cell's centre.
    fn fill(&mut self, tree: &IntervalTreeMultiPolygon<f64>) {
        for row in 0..self.rows {
            let mut run: Option<Cell> = None;
            for column in 0..self.columns {
                let index = row * self.columns + column;
                if self.cells[index] == Cell::Edge {
                    run = None;
                    continue;
                }
                let status = *run.get_or_insert_with(|| {
                    let centre = Coord {
                        x: self.origin.x + (column as f64 + 0.5) * self.size.x,
                        y: self.origin.y + (row as f64 + 0.5) * self.size.y,
                    };
                    if tree.contains(&centre) {
                        Cell::Inside
                    } else {
                        Cell::Outside
                    }
                });
                self.cells[index] = status;
            }
        }
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

    /// Both answers for one point: the lookup's and the tree's alone.
    fn both(lookup: &ShapeLookup, point: Coord<f64>) -> (bool, bool) {
        let tree = lookup.in_bounds(point) && lookup.tree.contains(&point);
        (lookup.contains(point), tree)
    }

    /// A point `t` of the way from `a` to `b`.
    fn between(a: Coord<f64>, b: Coord<f64>, t: f64) -> Coord<f64> {
        Coord {
            x: a.x + (b.x - a.x) * t,
            y: a.y + (b.y - a.y) * t,
        }
    }

    #[test]
    fn the_grid_answers_as_the_tree_on_the_bundled_outlines_at_vertices_edges_and_near_them() {
        let set = crate::data::RegionSet::bundled().expect("bundled regions");
        for region in set.regions() {
            let lookup = ShapeLookup::new(&region.shape, region.bounds);
            let grid = lookup.grid.as_ref().expect("a region has an area");
            // Most of a region's cells are settled, or the grid saves nothing.
            let settled = grid.cells.iter().filter(|c| **c != Cell::Edge).count();
            assert!(
                settled * 10 >= grid.cells.len() * 7,
                "{}: {settled} of {} cells settled",
                region.id,
                grid.cells.len()
            );
            let mut checked = 0;
            for line in region.shape.lines_iter() {
                // On the vertex, on the edge, and a hair to either side.
                let nudge = Coord {
                    x: (line.end.y - line.start.y) * 1e-3,
                    y: (line.start.x - line.end.x) * 1e-3,
                };
                let middle = between(line.start, line.end, 0.5);
                for point in [line.start, middle, middle + nudge, middle - nudge] {
                    let (grid_says, tree_says) = both(&lookup, point);
                    assert_eq!(grid_says, tree_says, "{}: {point:?}", region.id);
                    checked += 1;
                }
            }
            assert!(checked > 100, "{}: {checked} points", region.id);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Stars with spikes of any length (long edges across many cells, a
        /// few cells or none) and holes: anywhere in and around their bounds,
        /// the grid and the tree agree.
        #[test]
        fn the_grid_answers_as_the_tree_on_stars_with_holes(
            radii in proptest::collection::vec(0.05..10.0f64, 3..40),
            hole in 0.0..0.9f64,
            points in proptest::collection::vec((-0.1..1.1f64, -0.1..1.1f64), 200),
        ) {
            let ring = |scale: f64| -> geo::LineString<f64> {
                let n = radii.len() as f64;
                radii
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let angle = i as f64 / n * std::f64::consts::TAU;
                        Coord { x: 20.0 + scale * r * angle.cos(), y: 45.0 + scale * r * angle.sin() }
                    })
                    .collect()
            };
            let shape = MultiPolygon(vec![geo::Polygon::new(ring(1.0), vec![ring(hole * 0.1)])]);
            let bounds = shape.bounding_rect().expect("bounds");
            let lookup = ShapeLookup::new(&shape, bounds);
            for (u, v) in &points {
                let point = Coord {
                    x: bounds.min().x + u * bounds.width(),
                    y: bounds.min().y + v * bounds.height(),
                };
                let (grid_says, tree_says) = both(&lookup, point);
                proptest::prop_assert_eq!(grid_says, tree_says, "{:?}", point);
            }
            for line in shape.lines_iter() {
                for point in [line.start, between(line.start, line.end, 0.37)] {
                    let (grid_says, tree_says) = both(&lookup, point);
                    proptest::prop_assert_eq!(grid_says, tree_says, "{:?}", point);
                }
            }
        }
    }
}
