//! The borders between the context layer's countries and regions, each
//! drawn once. Neighbours share their borders, so drawing each feature's
//! rings drew every inland border twice (four fifths of the countries'
//! edges, three fifths of the admin-1 regions'), and the admin-1 borders
//! along a country's border a third time under it. Software OpenGL holds
//! every triangle of a frame until it is done, and each point of a line
//! costs about six.

use std::collections::{HashMap, HashSet};

use geo::{Coord, MultiPolygon};

use super::mesh::LineLevels;
use crate::geometry::project;

/// A point of an edge, by its coordinates' bits: rings that share a border
/// share its points exactly.
type PointKey = (u64, u64);

fn key(c: Coord<f64>) -> PointKey {
    (c.x.to_bits(), c.y.to_bits())
}

/// The edges of some polygons' rings, each once whichever way round and
/// however many rings hold it, in the order first met.
#[derive(Debug, Default)]
pub struct RingEdges {
    points: Vec<Coord<f64>>,
    index: HashMap<PointKey, usize, foldhash::fast::RandomState>,
    edges: Vec<(usize, usize)>,
    seen: HashSet<(usize, usize), foldhash::fast::RandomState>,
}

impl RingEdges {
    /// The edges of every ring of `shapes`.
    pub fn of<'a>(shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let mut edges = Self::default();
        for polygon in shapes.into_iter().flat_map(|shape| &shape.0) {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for line in ring.lines() {
                    edges.add(line.start, line.end);
                }
            }
        }
        edges
    }

    fn point(&mut self, c: Coord<f64>) -> usize {
        *self.index.entry(key(c)).or_insert_with(|| {
            self.points.push(c);
            self.points.len() - 1
        })
    }

    fn add(&mut self, a: Coord<f64>, b: Coord<f64>) {
        let (a, b) = (self.point(a), self.point(b));
        if a != b && self.seen.insert((a.min(b), a.max(b))) {
            self.edges.push((a, b));
        }
    }

    /// Whether the edge from `a` to `b` (either way round) is one of these.
    pub fn contains(&self, a: Coord<f64>, b: Coord<f64>) -> bool {
        match (self.index.get(&key(a)), self.index.get(&key(b))) {
            (Some(&a), Some(&b)) => self.seen.contains(&(a.min(b), a.max(b))),
            _ => false,
        }
    }

    /// These edges less those `other` holds.
    pub fn without(&self, other: &RingEdges) -> Self {
        let mut kept = Self::default();
        for &(a, b) in &self.edges {
            let (a, b) = (self.points[a], self.points[b]);
            if !other.contains(a, b) {
                kept.add(a, b);
            }
        }
        kept
    }

    /// How many edges there are.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Whether there are none.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The edges joined into lines that run from one junction (where three
    /// or more edges meet, or one ends) to the next; a ring with no junction
    /// is one line, back to its start. Each edge is in one line once.
    pub fn lines(&self) -> Vec<Vec<Coord<f64>>> {
        let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.points.len()];
        for (edge, &(a, b)) in self.edges.iter().enumerate() {
            adjacent[a].push((b, edge));
            adjacent[b].push((a, edge));
        }
        let mut used = vec![false; self.edges.len()];
        let walk = |from: usize, to: usize, edge: usize, used: &mut Vec<bool>| {
            used[edge] = true;
            let mut line = vec![self.points[from], self.points[to]];
            let mut at = to;
            while adjacent[at].len() == 2 {
                let Some(&(next, edge)) = adjacent[at].iter().find(|(_, e)| !used[*e]) else {
                    break; // a ring, back at its start
                };
                used[edge] = true;
                line.push(self.points[next]);
                at = next;
            }
            line
        };
        let mut lines = Vec::new();
        for (from, edges) in adjacent.iter().enumerate() {
            if edges.len() == 2 {
                continue;
            }
            for &(to, edge) in edges {
                if !used[edge] {
                    lines.push(walk(from, to, edge, &mut used));
                }
            }
        }
        for (edge, &(a, b)) in self.edges.iter().enumerate() {
            if !used[edge] {
                lines.push(walk(a, b, edge, &mut used));
            }
        }
        lines
    }
}

/// The lines of `edges` ready to draw, projected: full and simplified for
/// lower zooms, each simplified between its junctions so that the lines
/// meeting there still meet.
pub fn shared_outlines(edges: &RingEdges) -> LineLevels {
    LineLevels::from_projected(
        edges
            .lines()
            .iter()
            .map(|line| line.iter().map(|&c| project(c)).collect())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use egui::{Color32, Pos2, Shape, Stroke};
    use geo::polygon;

    use super::*;
    use crate::data::{ContextKind, ContextLayer};
    use crate::map::mesh::ShapeMesh;
    use crate::map::view::{MapView, Viewport};

    /// The edges of `lines`, each as its two ends' bits, lower first; and
    /// whether any came twice.
    fn edges_of(lines: &[Vec<Coord<f64>>]) -> (HashSet<(PointKey, PointKey)>, bool) {
        let mut edges = HashSet::new();
        let mut twice = false;
        for line in lines {
            for pair in line.windows(2) {
                let (a, b) = (key(pair[0]), key(pair[1]));
                twice |= !edges.insert((a.min(b), a.max(b)));
            }
        }
        (edges, twice)
    }

    /// Every edge of the rings of `shapes`, worked out without `RingEdges`.
    fn ring_edges<'a>(shapes: impl Iterator<Item = &'a MultiPolygon<f64>>) -> HashSet<(PointKey, PointKey)> {
        let mut edges = HashSet::new();
        for polygon in shapes.flat_map(|shape| &shape.0) {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for pair in ring.0.windows(2) {
                    let (a, b) = (key(pair[0]), key(pair[1]));
                    if a != b {
                        edges.insert((a.min(b), a.max(b)));
                    }
                }
            }
        }
        edges
    }

    #[test]
    fn two_squares_sharing_an_edge_give_each_edge_once_in_three_lines() {
        let left = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        // Wound the other way, so the shared edge runs the other way too.
        let right = MultiPolygon(vec![
            polygon![(x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 0.0)],
        ]);
        let edges = RingEdges::of([&left, &right]);
        assert_eq!(edges.len(), 7);
        let lines = edges.lines();
        // From one junction, (1, 0) or (1, 1), to the other: round the
        // left square, along the shared edge, round the right one.
        assert_eq!(lines.len(), 3, "{lines:?}");
        let (drawn, twice) = edges_of(&lines);
        assert!(!twice, "{lines:?}");
        assert_eq!(drawn, ring_edges([&left, &right].into_iter()));
        for line in &lines {
            for end in [line[0], line[line.len() - 1]] {
                assert_eq!(end.x, 1.0, "{line:?} ends at a junction");
            }
        }
    }

    #[test]
    fn a_ring_alone_is_one_line_back_to_its_start_and_edges_can_be_taken_away() {
        let island = MultiPolygon(vec![
            polygon![(x: 5.0, y: 5.0), (x: 6.0, y: 5.0), (x: 6.0, y: 6.0)],
        ]);
        let lines = RingEdges::of([&island]).lines();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), 4);
        assert_eq!(lines[0].first(), lines[0].last());

        let square = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        let half = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
        ]);
        let rest = RingEdges::of([&square]).without(&RingEdges::of([&half]));
        // The square's left and top edges: one line, from (1, 1) to (0, 0).
        assert_eq!(rest.len(), 2);
        assert_eq!(rest.lines().len(), 1);
        assert!(RingEdges::default().is_empty());
    }

    #[test]
    fn the_context_borders_are_every_edge_of_its_rings_once() {
        let context = ContextLayer::bundled().expect("bundled context");
        let shapes = |kind| {
            context
                .features
                .iter()
                .filter(move |f| f.kind == kind)
                .map(|f| &f.shape)
        };
        let countries = ring_edges(shapes(ContextKind::Country));
        let admin1: HashSet<_> = ring_edges(shapes(ContextKind::Admin1))
            .difference(&countries)
            .copied()
            .collect();
        let country_edges = RingEdges::of(shapes(ContextKind::Country));
        let admin1_edges = RingEdges::of(shapes(ContextKind::Admin1)).without(&country_edges);
        for (edges, expected) in [(&country_edges, &countries), (&admin1_edges, &admin1)] {
            let lines = edges.lines();
            let (drawn, twice) = edges_of(&lines);
            assert!(!twice, "an edge drawn twice");
            assert_eq!(&drawn, expected);
            let ring_points: usize = lines.iter().map(Vec::len).sum();
            assert!(
                ring_points < 2 * expected.len(),
                "{ring_points} points for {} edges",
                expected.len()
            );
        }
        // Nearly all of the admin-1 regions' edges are a country's or another region's.
        let all_admin1 = ring_edges(shapes(ContextKind::Admin1));
        assert!(
            admin1.len() * 3 < all_admin1.len(),
            "{} of {}",
            admin1.len(),
            all_admin1.len()
        );
    }

    #[test]
    fn simplified_levels_keep_the_junctions_and_draw_far_fewer_triangles() {
        let context = ContextLayer::bundled().expect("bundled context");
        let shapes = || {
            context
                .features
                .iter()
                .filter(|f| f.kind == ContextKind::Country)
                .map(|f| &f.shape)
        };
        let edges = RingEdges::of(shapes());
        let outlines = shared_outlines(&edges);
        let ends: HashSet<PointKey> = outlines
            .projected()
            .iter()
            .flat_map(|line| [line[0], line[line.len() - 1]])
            .map(|p| key(Coord { x: p.x, y: p.y }))
            .collect();
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(940.0, 617.0));
        let meshes: Vec<ShapeMesh> = shapes().map(ShapeMesh::new).collect();
        // On a border, midway along the longest line.
        let longest = outlines
            .projected()
            .iter()
            .max_by_key(|line| line.len())
            .expect("lines");
        let center = longest[longest.len() / 2];
        let stroke = Stroke::new(1.2, Color32::GRAY);
        for zoom in [3.5, 5.7, 8.0, 11.0] {
            let view = MapView { center, zoom };
            let viewport = Viewport::new(view, rect);
            let level = outlines.level(&viewport);
            for line in level.lines() {
                for end in [line[0], line[line.len() - 1]] {
                    assert!(
                        ends.contains(&key(Coord { x: end.x, y: end.y })),
                        "zoom {zoom}: {end:?} is not a junction"
                    );
                }
            }
            assert!(level.point_count() <= outlines.projected().iter().map(Vec::len).sum());
            // Drawn as before (each country's rings) and as now.
            let mut before = Vec::new();
            for mesh in &meshes {
                mesh.outline_into(&viewport, stroke, &mut before);
            }
            let mut now = Vec::new();
            outlines.outline_into(&viewport, stroke, &mut now);
            let (before, now) = (triangles(before), triangles(now));
            assert!(now > 0);
            assert!(
                now * 10 < before * 8,
                "zoom {zoom}: {now} triangles against {before}"
            );
        }
    }

    fn triangles(shapes: Vec<Shape>) -> usize {
        crate::map::mesh::tessellated(shapes).indices.len() / 3
    }
}
