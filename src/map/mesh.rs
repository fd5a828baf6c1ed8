//! Polygons triangulated once into world coordinates, then only moved and
//! scaled per frame. egui fills only convex paths, so concave regions with
//! holes go through earcut (geo's `TriangulateEarcut`) when data loads.

use std::sync::OnceLock;

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2, Shape, Stroke};
use geo::{BoundingRect, LineString, MapCoords, MultiLineString, MultiPolygon, Simplify, TriangulateEarcut};

use super::view::{TILE_SIZE, Viewport};
use crate::geometry::{WorldPoint, WorldRect, project};

/// Outline points closer than this (in screen points) to the previous one are
/// dropped: invisible detail that would only cost tessellation.
const OUTLINE_TOLERANCE: f32 = 0.6;

/// Zoom levels below which a shape is drawn from a simplified copy: one copy
/// per level, each exact to [`LEVEL_TOLERANCE`] screen points at its zoom.
/// Past the last level the full shape is drawn.
const SIMPLIFIED_ZOOMS: std::ops::RangeInclusive<i32> = 3..=9;

/// How far (in screen points, at the level's zoom) a simplified level of a
/// filled shape may stray from the full shape.
const LEVEL_TOLERANCE: f64 = 0.4;

/// How far (in screen points, at the level's zoom) a simplified level of a
/// line (a border, a river) may stray from the full line: one point, the
/// threshold QGIS simplifies its layers to by default. Shapes keep
/// [`LEVEL_TOLERANCE`], so that neighbouring fills do not part; a line's
/// every point costs software OpenGL about six triangles of a frame.
const LINE_TOLERANCE: f64 = 1.0;

/// A filled shape ready to draw: triangles and outline rings in world
/// coordinates, full and simplified for lower zooms, so a frame at the start
/// view does not move every vertex of a 10 m coastline.
#[derive(Debug, Clone)]
pub struct ShapeMesh {
    /// The full shape, projected.
    projected: Vec<geo::Polygon<f64>>,
    /// Coarsest first; the last is the full shape, with no scale limit.
    levels: Vec<Level>,
    /// World bounds, for culling.
    pub bounds: WorldRect,
}

/// One level of detail of a shape, simplified from the full shape and
/// triangulated when first drawn: start-up pays only for the levels the
/// first view needs.
#[derive(Debug, Clone)]
struct Level {
    /// Drawn while the view's scale (screen points per world unit) is at most this.
    max_scale: f64,
    /// How far (world units) it may stray from the full shape; 0 for the full shape.
    tolerance: f64,
    mesh: OnceLock<MeshLevel>,
}

impl Level {
    fn mesh(&self, full: &[geo::Polygon<f64>]) -> &MeshLevel {
        self.mesh.get_or_init(|| {
            if self.tolerance > 0.0 {
                MeshLevel::new(&simplify_polygons(full, self.tolerance))
            } else {
                MeshLevel::new(full)
            }
        })
    }
}

/// A level triangulated: what a frame draws.
#[derive(Debug, Clone)]
struct MeshLevel {
    positions: Vec<WorldPoint>,
    indices: Vec<u32>,
    rings: Vec<Vec<WorldPoint>>,
    /// Each ring's world bounds, to skip rings out of view unprojected.
    ring_bounds: Vec<WorldRect>,
}

impl MeshLevel {
    /// Triangulates `polygons` (already projected).
    fn new(polygons: &[geo::Polygon<f64>]) -> Self {
        let mut positions = Vec::new();
        let mut indices = Vec::new();
        let mut rings = Vec::new();
        for polygon in polygons {
            // Triangulated in projected space so triangles stay valid on screen.
            let raw = polygon.earcut_triangles_raw();
            let base = positions.len() as u32;
            positions.extend(raw.vertices.iter().map(|v| WorldPoint::new(v[0], v[1])));
            indices.extend(raw.triangle_indices.iter().map(|&i| base + i as u32));
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                let mut points: Vec<WorldPoint> = ring.coords().map(|c| WorldPoint::new(c.x, c.y)).collect();
                points.pop(); // the closing point repeats the first
                rings.push(points);
            }
        }
        let ring_bounds = rings.iter().map(|ring| bounds_of(ring.iter().copied())).collect();
        Self {
            positions,
            indices,
            rings,
            ring_bounds,
        }
    }

    #[cfg(test)]
    fn point_count(&self) -> usize {
        self.rings.iter().map(Vec::len).sum()
    }
}

impl ShapeMesh {
    /// Projects a longitude/latitude shape; the simplified copies for the
    /// lower zoom levels and the full triangulation are made when first drawn.
    pub fn new(shape: &MultiPolygon<f64>) -> Self {
        let projected: Vec<geo::Polygon<f64>> = shape
            .0
            .iter()
            .map(|polygon| {
                polygon.map_coords(|c| {
                    let p = project(c);
                    geo::Coord { x: p.x, y: p.y }
                })
            })
            .collect();
        let bounds = bounds_of(
            projected
                .iter()
                .flat_map(|p| p.exterior().coords())
                .map(|c| WorldPoint::new(c.x, c.y)),
        );
        let levels = level_scales(LEVEL_TOLERANCE)
            .map(|(max_scale, tolerance)| Level {
                max_scale,
                tolerance,
                mesh: OnceLock::new(),
            })
            .collect();
        Self {
            projected,
            levels,
            bounds,
        }
    }

    /// The full shape.
    fn full(&self) -> Option<&MeshLevel> {
        self.levels.last().map(|level| level.mesh(&self.projected))
    }

    /// The level of detail drawn at `viewport`'s scale.
    fn level(&self, viewport: &Viewport) -> Option<&MeshLevel> {
        let scale = viewport.scale();
        self.levels
            .iter()
            .find(|level| scale <= level.max_scale)
            .map(|level| level.mesh(&self.projected))
    }

    /// Number of triangles of the full shape.
    pub fn triangle_count(&self) -> usize {
        self.full().map_or(0, |full| full.indices.len() / 3)
    }

    /// Appends the filled shape, placed by `viewport`, to `mesh`.
    pub fn fill_into(&self, viewport: &Viewport, color: Color32, mesh: &mut Mesh) {
        let Some(level) = self.level(viewport) else {
            return;
        };
        let base = mesh.vertices.len() as u32;
        mesh.vertices.extend(level.positions.iter().map(|&p| Vertex {
            pos: viewport.world_to_screen(p),
            uv: WHITE_UV,
            color,
        }));
        mesh.indices.extend(level.indices.iter().map(|&i| base + i));
    }

    /// Appends anti-aliased outlines of the rings in view to `shapes`: only
    /// the runs of each ring that cross the map, without points closer
    /// together than the eye can see.
    pub fn outline_into(&self, viewport: &Viewport, stroke: Stroke, shapes: &mut Vec<Shape>) {
        let Some(level) = self.level(viewport) else {
            return;
        };
        let margin = stroke.width + 2.0;
        let visible = viewport.rect.expand(margin);
        let world = viewport
            .visible_world()
            .expand(f64::from(margin) / viewport.scale());
        let mut runs = Vec::new();
        for (ring, bounds) in level.rings.iter().zip(&level.ring_bounds) {
            if !bounds.intersects(&world) {
                continue;
            }
            let mut points = screen_ring(viewport, ring);
            if points.len() < 3 {
                continue;
            }
            // Drawn as open paths (back to the start when whole): epaint cuts
            // the sharp corners of open paths, while a closed path's miters
            // grow without bound at hairpins (spits, inlets) into spikes.
            points.push(points[0]);
            visible_runs(&points, visible, &mut runs);
        }
        shapes.extend(runs.into_iter().map(|run| Shape::line(run, stroke)));
    }
}

/// The levels of detail a shape or a line is drawn at, coarsest first: the
/// largest scale (screen points per world unit) each is drawn to, and how
/// far (world units) it may stray from the full shape, which comes last,
/// with no scale limit and nothing simplified.
fn level_scales(tolerance: f64) -> impl Iterator<Item = (f64, f64)> {
    SIMPLIFIED_ZOOMS
        .map(move |zoom| {
            let max_scale = TILE_SIZE * 2f64.powi(zoom);
            (max_scale, tolerance / max_scale)
        })
        .chain(std::iter::once((f64::INFINITY, 0.0)))
}

/// Open polylines drawn at the detail their zoom shows: the full lines, and
/// copies simplified for lower zooms, each made when first drawn. Each line
/// is simplified on its own and keeps its ends, so lines that meet at their
/// ends (the borders between junctions) still meet.
#[derive(Debug)]
pub struct LineLevels {
    /// The full lines, projected: drawn past the simplified levels, and
    /// what each of them is simplified from.
    full: LineMesh,
    /// Coarsest first, as [`level_scales`] gives them (less the full
    /// level): the largest scale each is drawn to, how far it may stray,
    /// and its lines once made.
    simplified: Vec<(f64, f64, OnceLock<LineMesh>)>,
    /// World bounds, for culling.
    pub bounds: WorldRect,
}

impl LineLevels {
    /// Projects every line of a longitude/latitude multi-line.
    pub fn new(lines: &MultiLineString<f64>) -> Self {
        Self::from_projected(
            lines
                .0
                .iter()
                .map(|line| line.coords().map(|&c| project(c)).collect())
                .collect(),
        )
    }

    /// Lines already in world coordinates.
    pub(super) fn from_projected(projected: Vec<Vec<WorldPoint>>) -> Self {
        Self {
            bounds: bounds_of(projected.iter().flatten().copied()),
            full: LineMesh::from_projected(projected),
            simplified: level_scales(LINE_TOLERANCE)
                .filter(|&(_, tolerance)| tolerance > 0.0)
                .map(|(max_scale, tolerance)| (max_scale, tolerance, OnceLock::new()))
                .collect(),
        }
    }

    /// The lines drawn at `viewport`'s scale.
    pub(super) fn level(&self, viewport: &Viewport) -> &LineMesh {
        let scale = viewport.scale();
        match self.simplified.iter().find(|(max_scale, ..)| scale <= *max_scale) {
            Some((_, tolerance, lines)) => {
                lines.get_or_init(|| LineMesh::from_projected(simplified(&self.full.lines, *tolerance)))
            }
            None => &self.full,
        }
    }

    /// The full lines, projected.
    #[cfg(test)]
    pub(super) fn projected(&self) -> &[Vec<WorldPoint>] {
        &self.full.lines
    }

    /// The lines on screen under `viewport`, at its level of detail (see
    /// [`LineMesh::screen_lines`]).
    pub fn screen_lines(&self, viewport: &Viewport, margin: f32) -> Vec<Vec<Pos2>> {
        self.level(viewport).screen_lines(viewport, margin)
    }

    /// Appends the lines in view to `shapes`, anti-aliased, without points
    /// closer together than the eye can see.
    pub fn outline_into(&self, viewport: &Viewport, stroke: Stroke, shapes: &mut Vec<Shape>) {
        let runs = self.screen_lines(viewport, stroke.width + 2.0);
        shapes.extend(runs.into_iter().map(|run| Shape::line(run, stroke)));
    }
}

/// `lines` simplified (Ramer–Douglas–Peucker, which keeps each line's ends)
/// to within `tolerance` world units; lines that shrink to a speck are
/// dropped.
fn simplified(lines: &[Vec<WorldPoint>], tolerance: f64) -> Vec<Vec<WorldPoint>> {
    lines
        .iter()
        .filter_map(|line| {
            let string: LineString<f64> = line.iter().map(|p| geo::Coord { x: p.x, y: p.y }).collect();
            let kept: Vec<WorldPoint> = string
                .simplify(tolerance)
                .coords()
                .map(|c| WorldPoint::new(c.x, c.y))
                .collect();
            let (width, height) = bounds_of(kept.iter().copied()).size();
            (kept.len() >= 2 && (width > tolerance || height > tolerance)).then_some(kept)
        })
        .collect()
}

/// Open polylines projected once into world coordinates: one level of a
/// [`LineLevels`].
#[derive(Debug, Clone)]
pub(super) struct LineMesh {
    lines: Vec<Vec<WorldPoint>>,
    /// Each line's world bounds, to skip lines out of view unprojected.
    line_bounds: Vec<WorldRect>,
}

impl LineMesh {
    /// Lines already in world coordinates.
    fn from_projected(lines: Vec<Vec<WorldPoint>>) -> Self {
        let line_bounds = lines.iter().map(|line| bounds_of(line.iter().copied())).collect();
        Self { lines, line_bounds }
    }

    /// How many points its lines have.
    #[cfg(test)]
    pub(super) fn point_count(&self) -> usize {
        self.lines.iter().map(Vec::len).sum()
    }

    /// The lines, in world coordinates.
    #[cfg(test)]
    pub(super) fn lines(&self) -> &[Vec<WorldPoint>] {
        &self.lines
    }

    /// The lines on screen under `viewport`, without invisible detail, cut to
    /// the runs that cross the visible rectangle (grown by `margin`).
    pub fn screen_lines(&self, viewport: &Viewport, margin: f32) -> Vec<Vec<Pos2>> {
        let visible = viewport.rect.expand(margin);
        let world = viewport
            .visible_world()
            .expand(f64::from(margin) / viewport.scale());
        let mut runs = Vec::new();
        for (line, bounds) in self.lines.iter().zip(&self.line_bounds) {
            if !bounds.intersects(&world) {
                continue;
            }
            let mut points = screen_ring(viewport, line);
            if let (Some(&last), Some(&kept)) = (line.last(), points.last()) {
                // The end of an open line is kept exactly.
                let end = viewport.world_to_screen(last);
                if end != kept {
                    points.push(end);
                }
            }
            visible_runs(&points, visible, &mut runs);
        }
        runs
    }
}

/// The polygons simplified (Ramer–Douglas–Peucker) to within `epsilon` world
/// units; rings that shrink below a triangle or to a speck are dropped, and a
/// polygon whose exterior goes with it.
fn simplify_polygons(polygons: &[geo::Polygon<f64>], epsilon: f64) -> Vec<geo::Polygon<f64>> {
    let keep = |ring: &LineString<f64>| -> Option<LineString<f64>> {
        let simplified = ring.simplify(epsilon);
        let rect = simplified.bounding_rect()?;
        (simplified.0.len() >= 4 && (rect.width() > epsilon || rect.height() > epsilon)).then_some(simplified)
    };
    polygons
        .iter()
        .filter_map(|polygon| {
            let exterior = keep(polygon.exterior())?;
            let interiors = polygon.interiors().iter().filter_map(keep).collect();
            Some(geo::Polygon::new(exterior, interiors))
        })
        .collect()
}

/// Appends to `runs` the runs of consecutive segments of `points` that touch
/// `visible`: a path mostly off screen costs the tessellator only its part
/// in view.
fn visible_runs(points: &[Pos2], visible: egui::Rect, runs: &mut Vec<Vec<Pos2>>) {
    let mut run: Vec<Pos2> = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if visible.intersects(egui::Rect::from_two_pos(a, b)) {
            if run.is_empty() {
                run.push(a);
            }
            run.push(b);
        } else if run.len() >= 2 {
            runs.push(std::mem::take(&mut run));
        } else {
            run.clear();
        }
    }
    if run.len() >= 2 {
        runs.push(run);
    }
}

/// A ring on screen with near-duplicate points dropped.
fn screen_ring(viewport: &Viewport, ring: &[WorldPoint]) -> Vec<Pos2> {
    let mut points: Vec<Pos2> = Vec::with_capacity(ring.len());
    for &p in ring {
        let s = viewport.world_to_screen(p);
        match points.last() {
            Some(last) if (s - *last).length_sq() < OUTLINE_TOLERANCE * OUTLINE_TOLERANCE => {}
            _ => points.push(s),
        }
    }
    points
}

/// The world rectangle holding `points`.
pub(super) fn bounds_of(points: impl Iterator<Item = WorldPoint>) -> WorldRect {
    let mut rect = WorldRect {
        min: WorldPoint::new(f64::INFINITY, f64::INFINITY),
        max: WorldPoint::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
    };
    for p in points {
        rect.min.x = rect.min.x.min(p.x);
        rect.min.y = rect.min.y.min(p.y);
        rect.max.x = rect.max.x.max(p.x);
        rect.max.y = rect.max.y.max(p.y);
    }
    rect
}

/// `shapes` tessellated as epaint tessellates a frame at one pixel a point
/// (feathering on): what the map's tests count triangles and measure
/// reaches in.
#[cfg(test)]
pub(super) fn tessellated(shapes: impl IntoIterator<Item = Shape>) -> Mesh {
    let options = egui::epaint::TessellationOptions::default();
    let mut tessellator = egui::epaint::Tessellator::new(1.0, options, [1, 1], Vec::new());
    let mut mesh = Mesh::default();
    for shape in shapes {
        tessellator.tessellate_shape(shape, &mut mesh);
    }
    mesh
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::view::MapView;
    use geo::polygon;

    /// Area of the triangles on screen, by the shoelace formula.
    fn mesh_area(mesh: &Mesh) -> f32 {
        mesh.indices
            .chunks(3)
            .map(|t| {
                let [a, b, c] = [0, 1, 2].map(|k| mesh.vertices[t[k] as usize].pos);
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn concave_polygon_with_hole_fills_exactly_its_area() {
        // A "C" shape (concave) around a square hole elsewhere.
        let shape = MultiPolygon(vec![polygon![
            exterior: [(x: 30.0, y: 50.0), (x: 34.0, y: 50.0), (x: 34.0, y: 51.0), (x: 31.0, y: 51.0),
                       (x: 31.0, y: 52.0), (x: 34.0, y: 52.0), (x: 34.0, y: 53.0), (x: 30.0, y: 53.0)],
            interiors: [[(x: 30.2, y: 50.2), (x: 30.8, y: 50.2), (x: 30.8, y: 50.8), (x: 30.2, y: 50.8)]],
        ]]);
        let mesh = ShapeMesh::new(&shape);
        assert!(mesh.triangle_count() >= 8);
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(1000.0, 1000.0));
        let viewport = Viewport::new(MapView::fit(mesh.bounds, rect.size()), rect);
        let mut out = Mesh::default();
        mesh.fill_into(&viewport, Color32::RED, &mut out);
        // The same area computed from the outline rings on screen.
        let ring_area = |ring: &[WorldPoint]| {
            let pts: Vec<Pos2> = ring.iter().map(|&p| viewport.world_to_screen(p)).collect();
            let mut sum = 0.0;
            for i in 0..pts.len() {
                let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                sum += a.x * b.y - b.x * a.y;
            }
            (sum / 2.0).abs()
        };
        let full = mesh.full().expect("the full level");
        let expected = ring_area(&full.rings[0]) - ring_area(&full.rings[1]);
        let filled = mesh_area(&out);
        assert!(
            (filled - expected).abs() / expected < 1e-3,
            "{filled} vs {expected}"
        );
    }

    #[test]
    fn outlines_drop_invisible_detail_when_zoomed_out() {
        // A ring with 1000 points along a 0.01° wiggle.
        let ring: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let t = i as f64 / 1000.0 * std::f64::consts::TAU;
                (35.0 + t.cos(), 48.0 + t.sin() + 0.01 * (t * 200.0).sin())
            })
            .collect();
        let shape = MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])]);
        let mesh = ShapeMesh::new(&shape);
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let mut view = MapView::fit(mesh.bounds, rect.size());
        view.zoom = 3.0;
        let mut shapes = Vec::new();
        mesh.outline_into(
            &Viewport::new(view, rect),
            Stroke::new(1.0, Color32::BLACK),
            &mut shapes,
        );
        let Some(Shape::Path(path)) = shapes.first() else {
            panic!("one closed path expected, got {shapes:?}");
        };
        assert!(path.points.len() < 200, "{} points kept", path.points.len());
        assert!(path.points.len() >= 3);
    }

    #[test]
    fn outlines_with_hairpins_stay_beside_their_ring() {
        // A spit: out along a thin finger and back, nearly a 180° turn.
        let ring = vec![
            (35.0, 48.0),
            (36.0, 48.0),
            (36.0, 48.5),
            (35.5, 48.5),
            (40.0, 48.5001),
            (35.5, 48.5002),
            (35.0, 48.5),
        ];
        let shape = MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])]);
        let mesh = ShapeMesh::new(&shape);
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let viewport = Viewport::new(MapView::fit(mesh.bounds, rect.size()), rect);
        let mut shapes = Vec::new();
        mesh.outline_into(&viewport, Stroke::new(2.0, Color32::BLACK), &mut shapes);
        let screen: Vec<Pos2> = mesh.full().expect("the full level").rings[0]
            .iter()
            .map(|&p| viewport.world_to_screen(p))
            .collect();
        let allowed = egui::Rect::from_points(&screen).expand(6.0);
        let mut tessellator = egui::epaint::Tessellator::new(
            1.0,
            egui::epaint::TessellationOptions::default(),
            [1, 1],
            Vec::new(),
        );
        let mut out = Mesh::default();
        for shape in shapes {
            tessellator.tessellate_shape(shape, &mut out);
        }
        assert!(!out.vertices.is_empty());
        for vertex in &out.vertices {
            assert!(
                allowed.contains(vertex.pos),
                "{:?} spikes out of {allowed:?}",
                vertex.pos
            );
        }
    }

    #[test]
    fn zoomed_out_a_coast_is_drawn_from_fewer_points_with_the_same_area() {
        // A coast of 20 000 points wiggling by ~50 m, like a 10 m source.
        let ring: Vec<(f64, f64)> = (0..20_000)
            .map(|i| {
                let t = i as f64 / 20_000.0 * std::f64::consts::TAU;
                (
                    36.0 + 4.0 * t.cos(),
                    47.0 + 3.0 * t.sin() + 0.0005 * (t * 3000.0).sin(),
                )
            })
            .collect();
        let shape = MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])]);
        let mesh = ShapeMesh::new(&shape);
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(1000.0, 800.0));
        let drawn_at = |zoom: f64| {
            let view = MapView {
                center: mesh.bounds.center(),
                zoom,
            };
            let viewport = Viewport::new(view, rect);
            let mut out = Mesh::default();
            mesh.fill_into(&viewport, Color32::RED, &mut out);
            let full = mesh.full().expect("the full level");
            let ring: Vec<Pos2> = full.rings[0]
                .iter()
                .map(|&p| viewport.world_to_screen(p))
                .collect();
            let perimeter: f32 = ring.windows(2).map(|w| (w[1] - w[0]).length()).sum();
            let mut exact = 0.0;
            for i in 0..ring.len() {
                let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                exact += (a.x * b.y - b.x * a.y) / 2.0;
            }
            (
                mesh_area(&out),
                exact.abs(),
                perimeter,
                mesh.level(&viewport).map_or(0, MeshLevel::point_count),
            )
        };
        let (_, _, _, full_points) = drawn_at(13.0);
        assert_eq!(full_points, 20_000, "zoomed in, every point");
        for zoom in [3.0, 5.7, 8.0] {
            let (area, exact, perimeter, points) = drawn_at(zoom);
            assert!(points * 10 < full_points, "zoom {zoom}: {points} points");
            // Within the tolerance all along the outline: at most a band of
            // the tolerance's width, in screen points.
            let allowed = perimeter * LEVEL_TOLERANCE as f32;
            assert!(
                (area - exact).abs() <= allowed,
                "zoom {zoom}: {area} vs {exact} (± {allowed})"
            );
        }
    }

    #[test]
    fn only_the_part_of_an_outline_in_view_is_drawn() {
        // A long coast, 2000 points over 20°, seen zoomed in on its middle.
        let mut ring: Vec<(f64, f64)> = (0..2000).map(|i| (25.0 + f64::from(i) * 0.01, 47.0)).collect();
        ring.extend([(45.0, 46.0), (25.0, 46.0)]);
        let shape = MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])]);
        let mesh = ShapeMesh::new(&shape);
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let view = MapView {
            center: project(geo::Coord { x: 35.0, y: 47.0 }),
            zoom: 12.0,
        };
        let viewport = Viewport::new(view, rect);
        let mut shapes = Vec::new();
        mesh.outline_into(&viewport, Stroke::new(1.0, Color32::BLACK), &mut shapes);
        let points: Vec<Pos2> = shapes
            .iter()
            .flat_map(|shape| match shape {
                Shape::Path(path) => path.points.clone(),
                other => panic!("a path expected, got {other:?}"),
            })
            .collect();
        // At zoom 12 the screen spans ~0.07°: a handful of the 0.01° steps.
        assert!((2..40).contains(&points.len()), "{} points drawn", points.len());
        let near = rect.expand(100.0);
        assert!(points.iter().all(|p| near.contains(*p)), "{points:?}");
    }

    #[test]
    fn a_border_line_is_drawn_within_a_point_of_itself_with_far_fewer_points() {
        let context = crate::data::ContextLayer::bundled().expect("bundled context");
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(940.0, 617.0));
        for border in &context.border.lines {
            let levels = LineLevels::new(&border.line);
            let full: usize = levels.projected().iter().map(Vec::len).sum();
            for zoom in [4.0, 5.7, 7.3, 9.0, 11.0] {
                let view = MapView {
                    center: levels.bounds.center(),
                    zoom,
                };
                let viewport = Viewport::new(view, rect);
                let level = levels.level(&viewport);
                // Only lines smaller than the level's tolerance are left out
                // (none past the simplified levels).
                let tolerance = levels
                    .simplified
                    .iter()
                    .find(|(max_scale, ..)| viewport.scale() <= *max_scale)
                    .map_or(0.0, |&(_, tolerance, _)| tolerance);
                let lines: Vec<&Vec<WorldPoint>> = levels
                    .projected()
                    .iter()
                    .filter(|line| {
                        let (width, height) = bounds_of(line.iter().copied()).size();
                        width > tolerance || height > tolerance
                    })
                    .collect();
                assert_eq!(
                    level.lines.len(),
                    lines.len(),
                    "zoom {zoom}: only specks left out"
                );
                let mut drawn = 0;
                for (kept, line) in level.lines.iter().zip(lines) {
                    assert_eq!((kept.first(), kept.last()), (line.first(), line.last()));
                    drawn += kept.len();
                    // Each point of the full line, on screen, within a point
                    // of the segment of the kept line that spans it.
                    let mut at = 0;
                    for pair in kept.windows(2) {
                        let [a, b] = [pair[0], pair[1]].map(|p| viewport.world_to_screen(p));
                        let end = line[at..]
                            .iter()
                            .position(|p| *p == pair[1])
                            .expect("kept points are the line's")
                            + at;
                        for p in &line[at..=end] {
                            let p = viewport.world_to_screen(*p);
                            let off = distance_to_segment(p, a, b);
                            assert!(
                                off <= LINE_TOLERANCE as f32 + 1e-3,
                                "zoom {zoom}: {off} points off"
                            );
                        }
                        at = end;
                    }
                }
                if zoom < 6.0 {
                    assert!(drawn * 3 < full, "zoom {zoom}: {drawn} points of {full}");
                } else if zoom > 10.0 {
                    assert_eq!(drawn, full, "zoom {zoom}: past the levels, the full line");
                }
            }
        }
    }

    fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
        let ab = b - a;
        let t = if ab.length_sq() > 0.0 {
            ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0)
        } else {
            0.0
        };
        p.distance(a + ab * t)
    }

    #[test]
    fn border_lines_keep_their_ends_and_drop_lines_off_screen() {
        let lines = MultiLineString(vec![
            geo::LineString::from(vec![(35.0, 50.0), (35.000_01, 50.0), (36.0, 50.5)]),
            geo::LineString::from(vec![(60.0, 60.0), (61.0, 61.0)]),
        ]);
        let mesh = LineLevels::new(&lines);
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let first = WorldRect::from_lonlat(&geo::Rect::new((34.0, 49.0), (37.0, 51.0)));
        let viewport = Viewport::new(MapView::fit(first, rect.size()), rect);
        let on_screen = mesh.screen_lines(&viewport, 4.0);
        assert_eq!(on_screen.len(), 1, "the line at 60° N is off screen");
        let line = &on_screen[0];
        // The near-duplicate second point is dropped, both ends are kept.
        assert_eq!(line.len(), 2);
        assert_eq!(
            line[0],
            viewport.world_to_screen(project(geo::Coord { x: 35.0, y: 50.0 }))
        );
        assert_eq!(
            line[1],
            viewport.world_to_screen(project(geo::Coord { x: 36.0, y: 50.5 }))
        );
    }
}
