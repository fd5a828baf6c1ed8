//! Event markers: the shown events clustered for the current zoom level,
//! cached until the level, the filter or the area in view changes; painted as
//! dots (one event) and count bubbles (several); hit-tested by distance on
//! screen, topmost first.

use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke};

use super::discs::DiscAtlas;
use super::style::MapStyle;
use super::view::Viewport;
use crate::data::{CategoryId, EventSet, Precision};
use crate::geometry::{WorldPoint, WorldRect};
use crate::spatial::{Cluster, EventIndex, cluster_level};

/// Radius of a single event's dot, in points.
pub const DOT_RADIUS: f32 = 6.0;
/// Extra points around a marker that still count as hitting it.
const HIT_SLOP: f32 = 3.0;

/// The events the map shows, borrowed for a frame.
#[derive(Clone, Copy)]
pub struct EventLayer<'a> {
    /// The events, for tooltips.
    pub events: &'a EventSet,
    /// Where the events are.
    pub index: &'a EventIndex,
    /// One flag per event: whether the filter shows it.
    pub shown: &'a [bool],
    /// Changes whenever `shown` (or the events) change, so cached clusters
    /// are rebuilt.
    pub generation: u64,
    /// The selected event, ringed.
    pub selected: Option<usize>,
    /// A spot whose events are listed, ringed.
    pub spot: Option<WorldPoint>,
}

/// Clusters kept between frames.
#[derive(Debug, Clone, Default)]
pub struct MarkerCache {
    /// Quadtree level and data generation the clusters were made for.
    key: Option<(u32, u64)>,
    /// The world area they cover (more than the view, so small pans reuse them).
    area: Option<WorldRect>,
    clusters: Vec<Cluster>,
}

impl MarkerCache {
    /// The clusters for `viewport`, rebuilt only when the zoom level, the
    /// data or (beyond a margin) the area in view changed.
    pub fn clusters(&mut self, layer: &EventLayer<'_>, viewport: &Viewport) -> &[Cluster] {
        let key = (cluster_level(viewport.view.zoom), layer.generation);
        let visible = viewport.visible_world();
        let covered = self.key == Some(key) && self.area.is_some_and(|area| contains(&area, &visible));
        if !covered {
            let area = expand(&visible, 0.5);
            self.clusters = layer.index.clusters(key.0, &area, layer.shown);
            self.key = Some(key);
            self.area = Some(area);
        }
        &self.clusters
    }

    /// The clusters made last, without rebuilding.
    pub fn current(&self) -> &[Cluster] {
        &self.clusters
    }
}

/// `outer` contains `inner`.
fn contains(outer: &WorldRect, inner: &WorldRect) -> bool {
    outer.min.x <= inner.min.x
        && outer.min.y <= inner.min.y
        && outer.max.x >= inner.max.x
        && outer.max.y >= inner.max.y
}

/// `rect` grown by `share` of its size on every side.
fn expand(rect: &WorldRect, share: f64) -> WorldRect {
    let (w, h) = rect.size();
    WorldRect {
        min: WorldPoint::new(rect.min.x - w * share, rect.min.y - h * share),
        max: WorldPoint::new(rect.max.x + w * share, rect.max.y + h * share),
    }
}

/// The radius of a marker for `count` events.
pub fn marker_radius(count: u32) -> f32 {
    if count <= 1 {
        DOT_RADIUS
    } else {
        10.0 + 4.0 * (count as f32).log10()
    }
}

/// A count as a bubble shows it: `7`, `950`, `1.2k`, `45k`, `1.3M`.
pub fn short_count(count: u32) -> String {
    match count {
        0..=999 => count.to_string(),
        1_000..=9_999 => format!("{:.1}k", f64::from(count) / 1e3),
        10_000..=999_999 => format!("{}k", count / 1_000),
        _ => format!("{:.1}M", f64::from(count) / 1e6),
    }
}

/// Paints the clusters in view, then a ring around the selected event.
pub fn paint_markers(
    painter: &egui::Painter,
    clusters: &[Cluster],
    layer: &EventLayer<'_>,
    viewport: &Viewport,
    style: &MapStyle,
    shapes: &mut Vec<Shape>,
) {
    let visible = viewport.rect.expand(30.0);
    let font = FontId::proportional(11.0);
    let atlas = DiscAtlas::for_context(painter.ctx());
    for cluster in clusters {
        let at = viewport.world_to_screen(cluster.center);
        if !visible.contains(at) {
            continue;
        }
        let color = MapStyle::category_color(cluster.main_slot());
        let radius = marker_radius(cluster.count);
        if cluster.count == 1 {
            let precision = layer
                .events
                .get(cluster.first as usize)
                .and_then(|e| e.precision());
            let ground = viewport.metres_per_point(crate::geometry::unproject(cluster.center).y);
            paint_single(at, color, precision, ground, style, shapes);
            continue;
        }
        let kinds = cluster.categories.iter().filter(|&&n| n > 0).count();
        let (fill, text_color) = if kinds == 1 {
            (color, Color32::WHITE)
        } else {
            (style.cluster_fill, style.overlay_text)
        };
        // Each bubble's discs, then its ring and count, so that a bubble
        // over another hides all of it.
        let mut discs = atlas.mesh();
        if cluster.is_one_spot() {
            // A stack: a second bubble behind, offset up and right.
            let behind = at + egui::vec2(2.5, -2.5);
            add_bubble(&atlas, &mut discs, behind, radius, fill, style);
        }
        add_bubble(&atlas, &mut discs, at, radius, fill, style);
        shapes.push(Shape::mesh(discs));
        if kinds > 1 {
            // Mixed categories: a neutral bubble ringed by each category's share.
            category_ring(at, radius - 2.5, &cluster.categories, cluster.count, shapes);
        }
        let galley = painter.layout_no_wrap(short_count(cluster.count), font.clone(), text_color);
        let rect = Align2::CENTER_CENTER.anchor_size(at, galley.size());
        shapes.push(Shape::galley(rect.min, galley, text_color));
    }
    if let Some(spot) = layer.spot {
        let at = viewport.world_to_screen(spot);
        shapes.push(Shape::circle_stroke(
            at,
            22.0,
            Stroke::new(2.5, style.marker_selection),
        ));
    }
    // Ringed where it is drawn; a notional event the map leaves out is not.
    let drawn = layer
        .selected
        .filter(|&e| layer.shown.get(e).copied().unwrap_or(false));
    if let Some(position) = drawn.and_then(|e| layer.index.position(e)) {
        let at = viewport.world_to_screen(position);
        shapes.push(Shape::circle_stroke(
            at,
            DOT_RADIUS + 4.0,
            Stroke::new(3.0, style.marker_selection),
        ));
        shapes.push(Shape::circle_stroke(
            at,
            DOT_RADIUS + 6.5,
            Stroke::new(1.5, style.marker_outline),
        ));
    }
}

/// Width of a bubble's outline, outside its radius.
const BUBBLE_OUTLINE: f32 = 1.5;

/// A count bubble of `radius` about `at`: a disc of the outline's colour
/// [`BUBBLE_OUTLINE`] wider, under one of `fill`. Four triangles, where
/// egui's circle with an outline is about 300 (29 000 at the start view of a
/// million events).
fn add_bubble(
    atlas: &DiscAtlas,
    mesh: &mut egui::Mesh,
    at: Pos2,
    radius: f32,
    fill: Color32,
    style: &MapStyle,
) {
    atlas.add_disc(mesh, at, radius + BUBBLE_OUTLINE, style.marker_outline);
    atlas.add_disc(mesh, at, radius, fill);
}

/// How far from its point an `approximate` event may be, in metres: a
/// town and its outskirts, a firing range. The map rings such markers with
/// a circle this wide on the ground.
pub const APPROXIMATE_RADIUS_M: f64 = 5_000.0;

/// What a marker's shape means, for its tooltip and the legend.
pub fn precision_note(precision: Precision) -> Option<&'static str> {
    match precision {
        Precision::Exact => None,
        Precision::Approximate => Some("Approximate: within about 5 km (the ring)"),
        Precision::Region => Some("Placed only to its region: drawn at the region's label point"),
        Precision::Notional => Some("Notional: no place known; the point only stands in"),
        Precision::Gazetteer => Some(
            "Placed from the gazetteer: the file named the town, not its coordinates (the ring: about 5 km)",
        ),
    }
}

/// One event's marker, drawn as its precision says: a solid dot where it is
/// located; ringed by its uncertainty where approximate; a hollow diamond
/// for one placed only to its region (at the region's label point); a
/// dashed ring for a notional one (at its stand-in point, when shown).
pub fn paint_single(
    at: Pos2,
    color: Color32,
    precision: Option<Precision>,
    metres_per_point: f64,
    style: &MapStyle,
    shapes: &mut Vec<Shape>,
) {
    let outline = Stroke::new(1.5, style.marker_outline);
    match precision {
        None | Some(Precision::Exact) => {
            shapes.push(Shape::circle_filled(at, DOT_RADIUS, color));
            shapes.push(Shape::circle_stroke(at, DOT_RADIUS, outline));
        }
        // A town's point stands for the whole town: ringed like an approximate one.
        Some(Precision::Approximate | Precision::Gazetteer) => {
            let ring = (APPROXIMATE_RADIUS_M / metres_per_point.max(1e-9)) as f32;
            let ring = ring.clamp(DOT_RADIUS + 4.0, 160.0);
            shapes.push(Shape::circle_filled(at, ring, color.gamma_multiply(0.16)));
            shapes.push(Shape::circle_stroke(
                at,
                ring,
                Stroke::new(1.5, color.gamma_multiply(0.8)),
            ));
            shapes.push(Shape::circle_filled(at, DOT_RADIUS - 1.0, color));
            shapes.push(Shape::circle_stroke(at, DOT_RADIUS - 1.0, outline));
        }
        Some(Precision::Region) => {
            let r = DOT_RADIUS + 2.0;
            let diamond = vec![
                at + egui::vec2(0.0, -r),
                at + egui::vec2(r, 0.0),
                at + egui::vec2(0.0, r),
                at + egui::vec2(-r, 0.0),
            ];
            shapes.push(Shape::convex_polygon(
                diamond.clone(),
                style.cluster_fill,
                outline,
            ));
            shapes.push(Shape::closed_line(diamond, Stroke::new(2.5, color)));
        }
        Some(Precision::Notional) => {
            shapes.push(Shape::circle_filled(at, DOT_RADIUS, style.cluster_fill));
            let dashes = 8;
            for k in 0..dashes {
                let a0 = std::f32::consts::TAU * k as f32 / dashes as f32;
                let a1 = a0 + std::f32::consts::TAU / dashes as f32 * 0.55;
                let point = |a: f32| at + DOT_RADIUS * egui::vec2(a.cos(), a.sin());
                shapes.push(Shape::line_segment(
                    [point(a0), point(a1)],
                    Stroke::new(2.0, color),
                ));
            }
        }
    }
}

/// What hovering a marker tells: the event's title, date and place, or a
/// cluster's size and categories and what a click will do.
pub fn tooltip(ui: &mut egui::Ui, cluster: &Cluster, layer: &EventLayer<'_>) {
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
    ui.set_max_width(320.0);
    if cluster.count == 1 {
        if let Some(event) = layer.events.get(cluster.first as usize) {
            ui.strong(event.title());
            let mut line = if event.date_is_coarse() {
                event.date_precision().describe(event.date.day())
            } else {
                event.date.to_string()
            };
            if let Some(place) = event.place() {
                line.push_str(" · ");
                line.push_str(place);
            }
            ui.label(line);
            if let Some(note) = event.precision().and_then(precision_note) {
                ui.weak(note);
            }
            ui.weak(layer.events.categories().name(event.category));
        }
        return;
    }
    ui.strong(format!("{} events", cluster.count));
    let names = layer.events.categories();
    let mut slots: Vec<(usize, u32)> = (0..CategoryId::SLOTS)
        .map(|slot| (slot, cluster.categories[slot]))
        .filter(|(_, n)| *n > 0)
        .collect();
    slots.sort_by_key(|&(slot, n)| (std::cmp::Reverse(n), slot));
    for (slot, n) in slots {
        let name = if slot + 1 < CategoryId::SLOTS {
            names.name(CategoryId(slot as u16))
        } else {
            "other kinds"
        };
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter()
                .circle_filled(rect.center(), 5.0, MapStyle::category_color(slot));
            ui.label(format!("{n} {name}"));
        });
    }
    ui.weak(if cluster.is_one_spot() {
        "All at one spot: click to list them"
    } else {
        "Click to zoom in"
    });
}

/// Arcs around `center`, one per category slot, as long as its share of
/// `count`, starting at twelve o'clock.
fn category_ring(
    center: Pos2,
    radius: f32,
    categories: &[u32; CategoryId::SLOTS],
    count: u32,
    shapes: &mut Vec<Shape>,
) {
    let mut angle = -std::f32::consts::FRAC_PI_2;
    for (slot, &n) in categories.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let sweep = std::f32::consts::TAU * n as f32 / count.max(1) as f32;
        let steps = ((sweep / 0.3).ceil() as usize).max(2);
        let points: Vec<Pos2> = (0..=steps)
            .map(|k| {
                let a = angle + sweep * k as f32 / steps as f32;
                center + radius * egui::vec2(a.cos(), a.sin())
            })
            .collect();
        shapes.push(Shape::line(
            points,
            Stroke::new(4.0, MapStyle::category_color(slot)),
        ));
        angle += sweep;
    }
}

/// Screen rectangles of the markers in view, for labels to keep clear of.
pub fn marker_rects(clusters: &[Cluster], viewport: &Viewport) -> Vec<egui::Rect> {
    clusters
        .iter()
        .map(|c| {
            let at = viewport.world_to_screen(c.center);
            egui::Rect::from_center_size(at, egui::Vec2::splat(2.0 * marker_radius(c.count)))
        })
        .filter(|r| viewport.rect.intersects(*r))
        .collect()
}

/// The cluster under `pointer`: the nearest whose marker it touches,
/// preferring the one drawn last (on top) when they tie.
pub fn hit_test(clusters: &[Cluster], viewport: &Viewport, pointer: Pos2) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (index, cluster) in clusters.iter().enumerate() {
        let at = viewport.world_to_screen(cluster.center);
        let reach = marker_radius(cluster.count) + HIT_SLOP;
        let distance = at.distance(pointer);
        if distance <= reach && best.is_none_or(|(_, d)| distance <= d) {
            best = Some((index, distance));
        }
    }
    best.map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bubble_is_its_fill_in_an_outline_in_four_triangles() {
        for (style, ppp) in [(MapStyle::light(), 1.0), (MapStyle::dark(), 1.5)] {
            let background = style.land_russia;
            let mut renderer =
                crate::render::Renderer::new(egui::vec2(120.0, 120.0), ppp).with_background(background);
            let at = Pos2::new(60.0, 60.0);
            let radius = marker_radius(45_000);
            let mut triangles = 0;
            let image = renderer.frame(|ui| {
                let atlas = DiscAtlas::for_context(ui.ctx());
                let mut mesh = atlas.mesh();
                add_bubble(&atlas, &mut mesh, at, radius, Color32::RED, &style);
                triangles = mesh.indices.len() / 3;
                ui.painter().add(Shape::mesh(mesh));
            });
            assert_eq!(triangles, 4);
            // Along the radius to the right: the fill, the outline outside
            // the radius, then the map.
            let pixel = |distance: f32| {
                let x = ((at.x + distance) * ppp) as usize;
                image.pixels[(at.y * ppp) as usize * image.size[0] + x]
            };
            let near = |a: Color32, b: Color32| {
                a.to_array()
                    .iter()
                    .zip(b.to_array())
                    .all(|(x, y)| x.abs_diff(y) <= 24)
            };
            for (distance, expected, what) in [
                (0.0, Color32::RED, "the middle"),
                (radius - 1.0, Color32::RED, "inside the edge"),
                (radius + BUBBLE_OUTLINE / 2.0, style.marker_outline, "the outline"),
                (radius + BUBBLE_OUTLINE + 1.2, background, "the map beyond"),
            ] {
                let got = pixel(distance);
                assert!(near(got, expected), "{what} at {ppp}: {got:?}, not {expected:?}");
            }
        }
    }

    #[test]
    fn counts_are_short_and_bubbles_grow_with_them() {
        assert_eq!(short_count(7), "7");
        assert_eq!(short_count(950), "950");
        assert_eq!(short_count(1_234), "1.2k");
        assert_eq!(short_count(45_678), "45k");
        assert_eq!(short_count(1_250_000), "1.2M");
        assert!(marker_radius(1) < marker_radius(2));
        assert!(marker_radius(10) < marker_radius(10_000));
        assert!(marker_radius(1_000_000) < 40.0);
    }

    #[test]
    fn the_cache_is_reused_for_small_pans_and_rebuilt_on_zoom_or_filter_change() {
        use crate::geometry::project;
        use crate::map::view::MapView;
        let regions = crate::data::RegionSet::bundled().expect("regions");
        let set = crate::data::EventSet::bundled(&regions).expect("sample");
        let index = EventIndex::new(&set);
        let shown = vec![true; set.len()];
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let mut view = MapView {
            center: project(geo::Coord { x: 38.0, y: 49.0 }),
            zoom: 6.2,
        };
        let layer = EventLayer {
            events: &set,
            index: &index,
            shown: &shown,
            generation: 1,
            selected: None,
            spot: None,
        };
        let mut cache = MarkerCache::default();
        let first: u32 = cache
            .clusters(&layer, &Viewport::new(view, rect))
            .iter()
            .map(|c| c.count)
            .sum();
        assert!(first > 0);
        let area = cache.area;
        view.pan(egui::vec2(40.0, 0.0));
        cache.clusters(&layer, &Viewport::new(view, rect));
        assert_eq!(cache.area, area, "a small pan reuses the clusters");
        view.zoom = 7.2;
        cache.clusters(&layer, &Viewport::new(view, rect));
        assert_ne!(cache.area, area, "a new zoom level rebuilds them");
        let hidden = vec![false; set.len()];
        let filtered = EventLayer {
            shown: &hidden,
            generation: 2,
            ..layer
        };
        assert!(cache.clusters(&filtered, &Viewport::new(view, rect)).is_empty());
    }

    #[test]
    fn hit_testing_finds_the_marker_under_the_pointer() {
        use crate::map::view::MapView;
        let rect = egui::Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let viewport = Viewport::new(
            MapView {
                center: WorldPoint::new(0.6, 0.35),
                zoom: 8.0,
            },
            rect,
        );
        let cluster = crate::spatial::event_index::test_cluster;
        let a = cluster(viewport.screen_to_world(egui::pos2(400.0, 300.0)), 1);
        let b = cluster(viewport.screen_to_world(egui::pos2(420.0, 300.0)), 50);
        let clusters = [a, b];
        assert_eq!(hit_test(&clusters, &viewport, egui::pos2(401.0, 301.0)), Some(0));
        assert_eq!(hit_test(&clusters, &viewport, egui::pos2(425.0, 300.0)), Some(1));
        assert_eq!(hit_test(&clusters, &viewport, egui::pos2(200.0, 200.0)), None);
    }
}
