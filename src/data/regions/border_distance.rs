//! How far a point is from the border: the geodesic distance, on the WGS84
//! ellipsoid, to the nearest point of the state border or the de facto line
//! ([`super::border::BorderLayer`]), and the band within a distance of them.
//!
//! The lines' segments are indexed as chords of the unit sphere (an R-tree
//! in three dimensions), where the nearest chord to a point is its nearest
//! segment along the sphere. Around the lines, a grid of small cells keeps
//! for each cell (made when first asked) the segments that can be nearest to
//! any point in it, nearest to its centre first, so a point's query looks at
//! a few segments and stops; beyond the grid the R-tree is asked directly.
//! Candidates are compared in a plane tangent at the point, with a small
//! margin for the ellipsoid's difference from the sphere, and the nearest
//! point found is measured along the ellipsoid: in a plane with its radii of
//! curvature up to [`PLANE_LIMIT_M`], by Karney's method (`geo`'s
//! [`Geodesic`]) beyond. tests/flows/border_distance.rs checks the results against
//! PROJ and GEOS.

use std::sync::OnceLock;

use geo::{Buffer, Coord, Distance, Geodesic, LineString, MapCoords, MultiPolygon, Point, Rect, Simplify};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::border::{BorderKind, BorderLayer};
use super::context::{ContextKind, ContextLayer};
use super::index::ShapeLookup;
use crate::geometry::{METRES_PER_DEGREE, nearest_to_origin};

/// How much further than the nearest chord a segment may be and still be the
/// nearest on the ellipsoid. The sphere and the ellipsoid (flattening 1/298)
/// disagree on distances by up to 0.7 % between opposite directions, far
/// less between segments seen in nearly the same direction, which are the
/// only ones this close; tests/flows/border_distance.rs checks the result.
const ELLIPSOID_MARGIN: f64 = 1.002;

/// A segment of a border line as a chord of the unit sphere, with its index
/// in [`BorderIndex::segments`].
type Chord = GeomWithData<Line<[f64; 3]>, u32>;

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

/// Side of a grid cell, in degrees: about 2 km by 1.4 km at 50° N.
const CELL_DEGREES: f64 = 0.02;
/// How far beyond the lines' bounds the grid reaches, in degrees; points
/// further out search the R-tree.
const GRID_MARGIN_DEGREES: f64 = 2.0;
/// Below this many metres, the last step measures in a plane with the
/// ellipsoid's radii of curvature at the middle latitude (within 3 m at
/// 100 km, 0.07 m at 30 km, whatever the direction); beyond, along the
/// geodesic.
const PLANE_LIMIT_M: f64 = 100_000.0;

/// Mean radius of the Earth, in metres: chords of the unit sphere to metres.
const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// Cells a side of a grid's block: the cells are made a block at a time,
/// where a point first asks for one of them.
const BLOCK_CELLS: usize = 16;

/// A grid over the lines' surroundings: each cell holds, once asked, the
/// segments that can be nearest to some point in it. Its cells are kept by
/// blocks of [`BLOCK_CELLS`] by [`BLOCK_CELLS`], made when a point first
/// falls in one: the whole grid made at once took 13 MB (some 400 000
/// cells), most of them never asked.
struct Grid {
    min: Coord<f64>,
    columns: usize,
    rows: usize,
    /// Blocks across the grid.
    block_columns: usize,
    blocks: Vec<OnceLock<Box<[OnceLock<Cell>]>>>,
}

/// The segments that can be nearest to some point of a grid cell, nearest
/// to its centre first, each with that distance (metres, along a chord).
struct Cell {
    /// From the centre to the farthest corner, in metres (a chord).
    reach_m: f32,
    candidates: Box<[(u32, f32)]>,
}

/// The border lines' segments, indexed for nearest-point queries.
pub struct BorderIndex {
    chords: RTree<Chord>,
    /// Each segment's line and ends (longitude/latitude).
    segments: Vec<(u32, Coord<f64>, Coord<f64>)>,
    kinds: Vec<BorderKind>,
    grid: Option<Grid>,
}

impl BorderIndex {
    /// Indexes every segment of every line of `layer`.
    pub fn new(layer: &BorderLayer) -> Self {
        let mut segments = Vec::new();
        for (index, line) in layer.lines.iter().enumerate() {
            for part in &line.line {
                segments.extend(part.lines().map(|s| (index as u32, s.start, s.end)));
            }
        }
        let chords = segments
            .iter()
            .enumerate()
            .map(|(i, (_, start, end))| {
                GeomWithData::new(Line::new(on_sphere(*start), on_sphere(*end)), i as u32)
            })
            .collect();
        let bounds = layer
            .lines
            .iter()
            .map(|l| l.bounds)
            .reduce(|a, b| crate::geometry::bounds_union(&a, &b));
        Self {
            chords: RTree::bulk_load(chords),
            segments,
            kinds: layer.lines.iter().map(|l| l.kind).collect(),
            grid: bounds.map(Grid::around),
        }
    }

    /// The nearest point of any line to `point` (longitude/latitude) and its
    /// geodesic distance; `None` when there are no lines or the point is not
    /// a finite coordinate.
    pub fn nearest(&self, point: Coord<f64>) -> Option<BorderNearest> {
        if !point.x.is_finite() || !point.y.is_finite() || self.segments.is_empty() {
            return None;
        }
        let mut best: Option<(f64, Coord<f64>, u32)> = None;
        let consider = |best: &mut Option<(f64, Coord<f64>, u32)>, segment: u32| {
            if let Some(&(line, start, end)) = self.segments.get(segment as usize) {
                let (metres, foot) = tangent_distance(point, start, end);
                if best.is_none_or(|(best_metres, _, _)| metres < best_metres) {
                    *best = Some((metres, foot, line));
                }
            }
        };
        match self.grid.as_ref().and_then(|g| g.cell_of(point)) {
            Some((cell, centre)) => {
                let cell = cell.get_or_init(|| self.cell(centre));
                for &(segment, from_centre_m) in cell.candidates.iter() {
                    // No segment further from the centre can be nearer to
                    // the point (with room for the plane's and the sphere's
                    // small differences from the ellipsoid).
                    let bound = f64::from(from_centre_m - cell.reach_m);
                    if best.is_some_and(|(best_m, _, _)| bound > best_m * 1.02 + 1.0) {
                        break;
                    }
                    consider(&mut best, segment);
                }
            }
            None => {
                for chord in self.around(on_sphere(point), 0.0) {
                    consider(&mut best, chord.data);
                }
            }
        }
        let (_, foot, line) = best?;
        Some(BorderNearest {
            metres: ellipsoid_distance(point, foot),
            line: line as usize,
            kind: self
                .kinds
                .get(line as usize)
                .copied()
                .unwrap_or(BorderKind::State),
            foot,
        })
    }

    /// Whether some line is within `metres` of `point` (geodesic, as
    /// [`Self::nearest`] measures), asked of the R-tree alone: no grid cell
    /// is made. Ranking the gazetteer's towns at start-up asked
    /// [`Self::nearest`] of some 900 blocks of cells (7.7 MB) over the
    /// whole grid, where the events are few or none.
    pub fn is_within(&self, point: Coord<f64>, metres: f64) -> bool {
        if !point.x.is_finite() || !point.y.is_finite() || metres.is_nan() || metres < 0.0 {
            return false;
        }
        let at = on_sphere(point);
        // A chord is no longer than its arc: every segment within `metres`
        // along the sphere is among these, with a margin for the
        // ellipsoid (up to 0.7 % from the sphere) and for a chord's sag
        // below its arc (L²/8R: 8 m for a segment of 20 km). Its test
        // compares it with `nearest` for every bundled place.
        let radius = metres / EARTH_RADIUS_M * 1.01 + 1e-9;
        let mut best: Option<(f64, Coord<f64>)> = None;
        for chord in self.chords.locate_within_distance(at, radius * radius) {
            if let Some(&(_, start, end)) = self.segments.get(chord.data as usize) {
                let (tangent_m, foot) = tangent_distance(point, start, end);
                if best.is_none_or(|(best_m, _)| tangent_m < best_m) {
                    best = Some((tangent_m, foot));
                }
            }
        }
        best.is_some_and(|(_, foot)| ellipsoid_distance(point, foot) <= metres)
    }

    /// Bytes the index holds on the heap: its segments and R-tree (about),
    /// and the grid's cells with the candidates of those made so far.
    pub fn heap_bytes(&self) -> usize {
        let grid = self.grid.as_ref().map_or(0, |grid| {
            let made: usize = grid
                .blocks
                .iter()
                .filter_map(OnceLock::get)
                .map(|cells| {
                    let candidates: usize = cells
                        .iter()
                        .filter_map(OnceLock::get)
                        .map(|cell| std::mem::size_of_val(&*cell.candidates))
                        .sum();
                    std::mem::size_of_val(&**cells) + candidates
                })
                .sum();
            std::mem::size_of_val(grid.blocks.as_slice()) + made
        });
        let tree = self.chords.size() * std::mem::size_of::<Chord>() * 2;
        std::mem::size_of_val(self.segments.as_slice()) + tree + grid
    }

    /// The segments that can be nearest to some point of the grid cell
    /// centred at `centre`, nearest to the centre first.
    fn cell(&self, centre: Coord<f64>) -> Cell {
        let at = on_sphere(centre);
        let half = CELL_DEGREES / 2.0;
        // The cell's farthest corner from its centre, as a chord.
        let reach = [(-half, -half), (-half, half), (half, -half), (half, half)]
            .iter()
            .map(|(dx, dy)| {
                chord(
                    at,
                    on_sphere(Coord {
                        x: centre.x + dx,
                        y: centre.y + dy,
                    }),
                )
            })
            .fold(0.0, f64::max);
        let mut candidates: Vec<(u32, f32)> = self
            .around(at, 2.0 * reach)
            .map(|chord| {
                let from_centre = rstar::PointDistance::distance_2(chord.geom(), &at).sqrt();
                (chord.data, (from_centre * EARTH_RADIUS_M) as f32)
            })
            .collect();
        candidates.sort_by(|a, b| a.1.total_cmp(&b.1));
        Cell {
            reach_m: (reach * EARTH_RADIUS_M) as f32,
            candidates: candidates.into_boxed_slice(),
        }
    }

    /// The segments whose chord distance from `at` is within `slack` (a chord
    /// length) of the nearest one's, with the ellipsoid's margin: for a point
    /// within `slack / 2` of `at`, its nearest segment is among them (by the
    /// triangle inequality in three dimensions).
    fn around(&self, at: [f64; 3], slack: f64) -> impl Iterator<Item = &Chord> {
        let radius = self.chords.nearest_neighbor(&at).map(|nearest| {
            (rstar::PointDistance::distance_2(nearest, &at).sqrt() + slack) * ELLIPSOID_MARGIN
        });
        radius
            .into_iter()
            .flat_map(move |radius| self.chords.locate_within_distance(at, radius * radius + 1e-18))
    }
}

impl Grid {
    /// A grid over `bounds` and [`GRID_MARGIN_DEGREES`] around.
    fn around(bounds: Rect<f64>) -> Self {
        let min = Coord {
            x: bounds.min().x - GRID_MARGIN_DEGREES,
            y: bounds.min().y - GRID_MARGIN_DEGREES,
        };
        let cells = |span: f64| ((span + 2.0 * GRID_MARGIN_DEGREES) / CELL_DEGREES).ceil() as usize;
        let (columns, rows) = (cells(bounds.width()), cells(bounds.height()));
        let block_columns = columns.div_ceil(BLOCK_CELLS);
        Self {
            min,
            columns,
            rows,
            block_columns,
            blocks: std::iter::repeat_with(OnceLock::new)
                .take(block_columns * rows.div_ceil(BLOCK_CELLS))
                .collect(),
        }
    }

    /// The cell holding `point` and its centre; `None` outside the grid.
    fn cell_of(&self, point: Coord<f64>) -> Option<(&OnceLock<Cell>, Coord<f64>)> {
        let column = ((point.x - self.min.x) / CELL_DEGREES).floor();
        let row = ((point.y - self.min.y) / CELL_DEGREES).floor();
        if !(0.0..self.columns as f64).contains(&column) || !(0.0..self.rows as f64).contains(&row) {
            return None;
        }
        let (column, row) = (column as usize, row as usize);
        let centre = Coord {
            x: self.min.x + (column as f64 + 0.5) * CELL_DEGREES,
            y: self.min.y + (row as f64 + 0.5) * CELL_DEGREES,
        };
        let block = self
            .blocks
            .get(row / BLOCK_CELLS * self.block_columns + column / BLOCK_CELLS)?
            .get_or_init(|| {
                std::iter::repeat_with(OnceLock::new)
                    .take(BLOCK_CELLS * BLOCK_CELLS)
                    .collect()
            });
        Some((
            block.get(row % BLOCK_CELLS * BLOCK_CELLS + column % BLOCK_CELLS)?,
            centre,
        ))
    }
}

impl std::fmt::Debug for BorderIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BorderIndex")
            .field("segments", &self.segments.len())
            .finish()
    }
}

/// The border lines with what measuring against them needs: their index
/// (built when first asked) and the countries around, to say which side of
/// the border a point is on.
#[derive(Default)]
pub struct BorderMeasure {
    layer: BorderLayer,
    index: OnceLock<BorderIndex>,
    countries: Vec<(String, ShapeLookup)>,
}

impl BorderMeasure {
    /// Measures against the context's border lines; sides are named by its
    /// countries.
    pub fn new(context: &ContextLayer) -> Self {
        Self {
            layer: context.border.clone(),
            index: OnceLock::new(),
            countries: context
                .features
                .iter()
                .filter(|f| f.kind == ContextKind::Country)
                .map(|f| (f.name.clone(), ShapeLookup::new(&f.shape, f.bounds)))
                .collect(),
        }
    }

    /// The nearest point of any border line to `point`, and how far it is.
    pub fn nearest(&self, point: Coord<f64>) -> Option<BorderNearest> {
        self.index().nearest(point)
    }

    /// Whether some line is within `metres` of `point`
    /// ([`BorderIndex::is_within`]).
    pub fn is_within(&self, point: Coord<f64>, metres: f64) -> bool {
        self.index().is_within(point, metres)
    }

    /// The index if it has been built (for the memory report).
    pub fn built_index(&self) -> Option<&BorderIndex> {
        self.index.get()
    }

    /// The index, built the first time it is needed.
    pub fn index(&self) -> &BorderIndex {
        self.index.get_or_init(|| BorderIndex::new(&self.layer))
    }

    /// The area within `metres` of any border line, in longitude/latitude:
    /// what a near-border filter keeps, to draw. The lines are simplified to
    /// [`BAND_DETAIL`] of the width; each stretch of [`BAND_STRETCH`]
    /// vertices is buffered in a plane true to scale at its own latitude
    /// (within 0.5 % over a stretch), and the stretches are joined into one
    /// shape.
    pub fn band(&self, metres: f64) -> MultiPolygon<f64> {
        let mut stretches = Vec::new();
        if metres.is_nan() || metres <= 0.0 {
            return MultiPolygon(stretches);
        }
        // Detail finer than half a hundredth of the band's width does not show in
        // it (its edge moves by at most that).
        let tolerance = metres * BAND_DETAIL / METRES_PER_DEGREE;
        for line in &self.layer.lines {
            for part in &line.line {
                let part = part.simplify(tolerance);
                for stretch in part.0.windows(BAND_STRETCH + 1).step_by(BAND_STRETCH).chain(
                    // The tail the windows do not reach (or a short line).
                    std::iter::once(&part.0[part.0.len().saturating_sub(1) / BAND_STRETCH * BAND_STRETCH..]),
                ) {
                    if stretch.is_empty() {
                        continue;
                    }
                    stretches.extend(buffer_stretch(stretch, metres));
                }
            }
        }
        geo::unary_union(&stretches)
    }

    /// What the line at `index` is called ("Russia–Ukraine state border").
    pub fn line_name(&self, index: usize) -> &str {
        self.layer.lines.get(index).map_or("", |l| l.name.as_str())
    }

    /// The country whose outline contains `point`, if any.
    pub fn country_at(&self, point: Coord<f64>) -> Option<&str> {
        self.countries
            .iter()
            .find(|(_, shape)| shape.contains(point))
            .map(|(name, _)| name.as_str())
    }
}

impl std::fmt::Debug for BorderMeasure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BorderMeasure")
            .field("lines", &self.layer.lines.len())
            .field("countries", &self.countries.len())
            .finish()
    }
}

/// Vertices per stretch of border buffered in one plane.
const BAND_STRETCH: usize = 64;
/// The band is drawn from the lines simplified to this share of its width.
const BAND_DETAIL: f64 = 0.005;

/// The area within `metres` of a run of border vertices, buffered in a plane
/// tangent at the run's middle and brought back to longitude/latitude.
fn buffer_stretch(stretch: &[Coord<f64>], metres: f64) -> MultiPolygon<f64> {
    let middle = stretch[stretch.len() / 2];
    let scale_x = middle.y.to_radians().cos() * METRES_PER_DEGREE;
    let to_plane = |c: &Coord<f64>| Coord {
        x: (c.x - middle.x) * scale_x,
        y: (c.y - middle.y) * METRES_PER_DEGREE,
    };
    let buffered = if stretch.len() == 1 {
        Point(to_plane(&stretch[0])).buffer(metres)
    } else {
        LineString(stretch.iter().map(to_plane).collect()).buffer(metres)
    };
    buffered.map_coords(|c| Coord {
        x: middle.x + c.x / scale_x,
        y: middle.y + c.y / METRES_PER_DEGREE,
    })
}

/// A longitude/latitude point on the unit sphere.
fn on_sphere(point: Coord<f64>) -> [f64; 3] {
    let (lat, lon) = (point.y.to_radians(), point.x.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The straight distance between two points on the unit sphere.
fn chord(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Metres between two points along the WGS84 ellipsoid: in a plane with the
/// ellipsoid's radii of curvature at their middle latitude when they are
/// near ([`PLANE_LIMIT_M`]), else along the geodesic (Karney's method).
fn ellipsoid_distance(a: Coord<f64>, b: Coord<f64>) -> f64 {
    const SEMI_MAJOR_M: f64 = 6_378_137.0;
    const ECCENTRICITY_2: f64 = 0.006_694_379_990_141_3;
    let middle = ((a.y + b.y) / 2.0).to_radians();
    let w = 1.0 - ECCENTRICITY_2 * middle.sin().powi(2);
    let meridian = SEMI_MAJOR_M * (1.0 - ECCENTRICITY_2) / (w * w.sqrt());
    let prime_vertical = SEMI_MAJOR_M / w.sqrt();
    let east = ((b.x - a.x + 540.0).rem_euclid(360.0) - 180.0).to_radians() * prime_vertical * middle.cos();
    let north = (b.y - a.y).to_radians() * meridian;
    // Metres, far from overflowing: `hypot`'s care costs a query a tenth.
    let plane = (east * east + north * north).sqrt();
    if plane < PLANE_LIMIT_M {
        plane
    } else {
        Geodesic.distance(Point(a), Point(b))
    }
}

/// Metres from `point` to the segment `start`–`end` (longitude/latitude)
/// in a plane tangent at the point, and the segment's nearest point: where
/// the nearest of a few segments is chosen. The east–west scale is taken at
/// the latitude halfway to the segment, which keeps the plane close to the
/// ellipsoid over hundreds of kilometres.
fn tangent_distance(point: Coord<f64>, start: Coord<f64>, end: Coord<f64>) -> (f64, Coord<f64>) {
    let middle = (point.y + (start.y + end.y) / 2.0) / 2.0;
    let scale_x = middle.to_radians().cos() * METRES_PER_DEGREE;
    let local = |c: Coord<f64>| {
        let mut east = c.x - point.x;
        if east.abs() > 180.0 {
            // Across the antimeridian, the short way round.
            east = (east + 540.0).rem_euclid(360.0) - 180.0;
        }
        Coord {
            x: east * scale_x,
            y: (c.y - point.y) * METRES_PER_DEGREE,
        }
    };
    let (a, b) = (local(start), local(end));
    let t = nearest_to_origin(a, b);
    let foot = Coord {
        x: start.x + t * (end.x - start.x),
        y: start.y + t * (end.y - start.y),
    };
    let (x, y) = (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
    ((x * x + y * y).sqrt(), foot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regions::border::BorderLine;
    use geo::{BoundingRect, Contains, MultiLineString, line_string};

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
        assert!(
            (east.metres - expected).abs() < 5.0,
            "{} vs {expected}",
            east.metres
        );
        // North of the end: the end is the nearest point.
        let north = index.nearest(Coord { x: 36.0, y: 51.3 }).expect("nearest");
        assert!((north.foot.y - 51.0).abs() < 1e-9 && (north.foot.x - 36.0).abs() < 1e-9);
        // Near the de facto line, it is the nearer one.
        let south = index.nearest(Coord { x: 33.65, y: 46.0 }).expect("nearest");
        assert_eq!((south.line, south.kind), (1, BorderKind::DeFacto));
        assert!(south.metres < 20_000.0);
        assert!(index.nearest(Coord { x: f64::NAN, y: 50.0 }).is_none());
        assert!(
            BorderIndex::new(&BorderLayer::default())
                .nearest(Coord { x: 36.0, y: 50.0 })
                .is_none()
        );
    }

    #[test]
    fn the_band_holds_the_points_within_its_distance_and_no_others() {
        let context = ContextLayer::bundled().expect("context");
        let measure = BorderMeasure::new(&context);
        let band = measure.band(10_000.0);
        assert!(!band.0.is_empty());
        let (mut inside, mut outside) = (0, 0);
        // A grid over the border's length, 0.02° apart.
        for i in 0..300 {
            for j in 0..60 {
                let point = Coord {
                    x: 31.5 + f64::from(i) * 0.03,
                    y: 46.0 + f64::from(j) * 0.11,
                };
                let Some(nearest) = measure.nearest(point) else {
                    continue;
                };
                let contained = band.contains(&Point(point));
                if nearest.metres < 9_850.0 {
                    assert!(
                        contained,
                        "{point:?} at {:.0} m is outside the band",
                        nearest.metres
                    );
                    inside += 1;
                } else if nearest.metres > 10_150.0 {
                    assert!(
                        !contained,
                        "{point:?} at {:.0} m is inside the band",
                        nearest.metres
                    );
                    outside += 1;
                }
            }
        }
        assert!(
            inside > 100 && outside > 1000,
            "{inside} inside, {outside} outside"
        );
        assert!(measure.band(0.0).0.is_empty());
    }

    #[test]
    fn the_plane_of_local_radii_agrees_with_the_geodesic_where_it_is_used() {
        for (a, b) in [
            ((36.0, 50.0), (36.3, 50.1)),
            ((39.7, 47.2), (39.7, 47.45)),
            ((33.5, 52.3), (33.9, 52.3)),
            ((34.1, 44.9), (34.0, 45.1)),
        ] {
            let (a, b) = (Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 });
            let geodesic = Geodesic.distance(Point(a), Point(b));
            let plane = ellipsoid_distance(a, b);
            assert!(geodesic < PLANE_LIMIT_M, "{geodesic}");
            assert!(
                (plane - geodesic).abs() < geodesic * 3e-5 + 0.01,
                "{plane} vs {geodesic}"
            );
        }
        // Beyond the limit it is the geodesic itself.
        let (a, b) = (Coord { x: 30.5, y: 50.45 }, Coord { x: 37.6, y: 55.75 });
        assert!(Geodesic.distance(Point(a), Point(b)) > PLANE_LIMIT_M);
        assert_eq!(ellipsoid_distance(a, b), Geodesic.distance(Point(a), Point(b)));
    }

    #[test]
    fn the_grid_finds_what_the_tree_finds() {
        let context = ContextLayer::bundled().expect("context");
        let index = BorderIndex::new(&context.border);
        let mut in_grid = 0;
        for i in 0..400 {
            // A spread of points over and beyond the grid.
            let point = Coord {
                x: 28.0 + f64::from(i % 40) * 0.37,
                y: 42.0 + f64::from(i / 40) * 1.31,
            };
            let nearest = index.nearest(point).expect("nearest");
            let (mut nearest_tangent, mut by_tree) = (f64::INFINITY, f64::INFINITY);
            for chord in index.around(on_sphere(point), 0.0) {
                let (_, start, end) = index.segments[chord.data as usize];
                let (metres, foot) = tangent_distance(point, start, end);
                if metres < nearest_tangent {
                    nearest_tangent = metres;
                    by_tree = ellipsoid_distance(point, foot);
                }
            }
            assert!(
                (nearest.metres - by_tree).abs() < 1e-6,
                "{point:?}: {} vs {by_tree}",
                nearest.metres
            );
            in_grid += usize::from(index.grid.as_ref().is_some_and(|g| g.cell_of(point).is_some()));
        }
        assert!(in_grid > 50 && in_grid < 400, "{in_grid}");
    }

    #[test]
    fn within_a_distance_agrees_with_the_nearest_point_and_makes_no_cell() {
        let context = ContextLayer::bundled().expect("context");
        let index = BorderIndex::new(&context.border);
        let unasked = index.heap_bytes();
        let gazetteer = crate::data::places::Gazetteer::bundled();
        let mut within = [0usize; 4];
        for place in gazetteer.iter() {
            let Some(nearest) = index.nearest(place.lonlat) else {
                continue;
            };
            for (count, km) in within.iter_mut().zip([1.0, 10.0, 30.0, 300.0]) {
                let metres = km * 1000.0;
                if (nearest.metres - metres).abs() < 1.0 {
                    // A tie within a metre: either answer is as good.
                    continue;
                }
                let expected = nearest.metres <= metres;
                assert_eq!(
                    index.is_within(place.lonlat, metres),
                    expected,
                    "{} at {:?}: {:.0} m from the border, asked within {metres} m",
                    place.name,
                    place.lonlat,
                    nearest.metres
                );
                *count += usize::from(expected);
            }
        }
        // Places at every distance were asked about.
        assert!(
            within[0] > 5 && within[1] > within[0] && within[2] > within[1],
            "{within:?}"
        );
        assert!(within[3] < gazetteer.iter().count(), "{within:?}");
        assert!(!index.is_within(Coord { x: f64::NAN, y: 50.0 }, 1e6));
        // Only `nearest` above made cells: a fresh index asked is_within
        // for every place holds what it held unasked.
        let fresh = BorderIndex::new(&context.border);
        for place in gazetteer.iter() {
            let _ = fresh.is_within(place.lonlat, 30_000.0);
        }
        assert_eq!(fresh.heap_bytes(), unasked);
        assert!(index.heap_bytes() > unasked);
    }

    #[test]
    fn each_cell_of_the_grid_is_its_own_and_made_only_when_asked() {
        let context = ContextLayer::bundled().expect("context");
        let index = BorderIndex::new(&context.border);
        let grid = index.grid.as_ref().expect("a grid");
        let unasked = index.heap_bytes();
        let mut cells = std::collections::HashSet::new();
        for row in 0..grid.rows {
            for column in 0..grid.columns {
                let centre = Coord {
                    x: grid.min.x + (column as f64 + 0.5) * CELL_DEGREES,
                    y: grid.min.y + (row as f64 + 0.5) * CELL_DEGREES,
                };
                let (cell, found) = grid.cell_of(centre).expect("inside the grid");
                assert!((found.x - centre.x).abs() < 1e-9 && (found.y - centre.y).abs() < 1e-9);
                assert!(
                    cells.insert(std::ptr::from_ref(cell)),
                    "cell {column}, {row} shared"
                );
            }
        }
        let cell = std::mem::size_of::<OnceLock<Cell>>();
        // Before any was asked, the grid held a slot a block, not a cell.
        assert!(
            unasked < cells.len() * cell / 10,
            "{unasked} bytes for {} cells",
            cells.len()
        );
        assert!(index.heap_bytes() >= cells.len() * cell);
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
        assert!(
            nearest.metres <= expected + 1.0,
            "{} vs {expected}",
            nearest.metres
        );
        assert!(
            nearest.metres > expected - 2_000.0,
            "{} vs {expected}",
            nearest.metres
        );
    }
}
