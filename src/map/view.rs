//! What part of the world the map shows ([`MapView`], kept between frames and
//! restarts) and the one place that converts between screen and world for a
//! frame ([`Viewport`]).

use egui::{Pos2, Rect, Vec2, pos2};
use geo::Coord;

use crate::geometry::{WorldPoint, WorldRect, project, unproject};

/// Screen points per world unit at zoom 0 (the world is one 256-point tile).
pub const TILE_SIZE: f64 = 256.0;
/// The most zoomed-out view: the whole of Europe fits.
pub const MIN_ZOOM: f64 = 3.0;
/// The most zoomed-in view: about 10 m per point, finer than the 1:10m data.
pub const MAX_ZOOM: f64 = 14.0;
/// Mean equatorial circumference of the WGS84 ellipsoid, in metres.
const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;

/// The state of the map's camera: the world point at the centre of the map
/// and the zoom level (as in slippy maps: each level doubles the scale).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapView {
    /// World point shown at the middle of the map.
    pub center: WorldPoint,
    /// Zoom level, [`MIN_ZOOM`]..=[`MAX_ZOOM`].
    pub zoom: f64,
}

impl Default for MapView {
    fn default() -> Self {
        Self {
            center: WorldPoint::new(0.5, 0.5),
            zoom: MIN_ZOOM,
        }
    }
}

impl MapView {
    /// The view that shows `bounds` in a map of `size` points, with a margin.
    pub fn fit(bounds: WorldRect, size: Vec2) -> Self {
        let (width, height) = bounds.size();
        let margin = 0.9;
        let scale_x = f64::from(size.x.max(1.0)) * margin / width.max(1e-12);
        let scale_y = f64::from(size.y.max(1.0)) * margin / height.max(1e-12);
        let zoom = (scale_x.min(scale_y) / TILE_SIZE).log2();
        Self {
            center: bounds.center(),
            zoom: zoom.clamp(MIN_ZOOM, MAX_ZOOM),
        }
    }

    /// Points per world unit.
    pub fn scale(&self) -> f64 {
        TILE_SIZE * self.zoom.exp2()
    }

    /// Zooms by `factor` (>1 zooms in) keeping the world point under `anchor`
    /// (a screen position in `rect`) where it is, as map apps do for the wheel.
    pub fn zoom_around(&mut self, factor: f64, anchor: Pos2, rect: Rect) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let before = Viewport::new(*self, rect);
        let anchored = before.screen_to_world(anchor);
        self.zoom = (self.zoom + factor.log2()).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = Viewport::new(*self, rect);
        let moved = after.screen_to_world(anchor);
        self.center.x += anchored.x - moved.x;
        self.center.y += anchored.y - moved.y;
        self.clamp_center();
    }

    /// Moves the map with the pointer: content follows a drag of `delta` points.
    pub fn pan(&mut self, delta: Vec2) {
        let scale = self.scale();
        self.center.x -= f64::from(delta.x) / scale;
        self.center.y -= f64::from(delta.y) / scale;
        self.clamp_center();
    }

    fn clamp_center(&mut self) {
        self.center.x = self.center.x.clamp(0.0, 1.0);
        self.center.y = self.center.y.clamp(0.0, 1.0);
    }

    /// Whether the two views differ by less than a hundredth of a point.
    pub fn approx_eq(&self, other: &MapView) -> bool {
        let scale = self.scale();
        (self.zoom - other.zoom).abs() < 1e-6
            && ((self.center.x - other.center.x) * scale).abs() < 0.01
            && ((self.center.y - other.center.y) * scale).abs() < 0.01
    }
}

/// Screen ↔ world for one frame: a [`MapView`] placed in a screen rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// The map's rectangle on screen.
    pub rect: Rect,
    /// The view it shows.
    pub view: MapView,
    scale: f64,
}

impl Viewport {
    /// The viewport showing `view` in `rect`.
    pub fn new(view: MapView, rect: Rect) -> Self {
        Self {
            rect,
            view,
            scale: view.scale(),
        }
    }

    /// Points per world unit.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Screen position of a world point.
    #[inline]
    pub fn world_to_screen(&self, p: WorldPoint) -> Pos2 {
        let c = self.rect.center();
        pos2(
            (f64::from(c.x) + (p.x - self.view.center.x) * self.scale) as f32,
            (f64::from(c.y) + (p.y - self.view.center.y) * self.scale) as f32,
        )
    }

    /// World point at a screen position.
    pub fn screen_to_world(&self, p: Pos2) -> WorldPoint {
        let c = self.rect.center();
        WorldPoint::new(
            self.view.center.x + f64::from(p.x - c.x) / self.scale,
            self.view.center.y + f64::from(p.y - c.y) / self.scale,
        )
    }

    /// Screen position of a longitude/latitude.
    pub fn lonlat_to_screen(&self, lonlat: Coord<f64>) -> Pos2 {
        self.world_to_screen(project(lonlat))
    }

    /// Longitude/latitude at a screen position.
    pub fn screen_to_lonlat(&self, p: Pos2) -> Coord<f64> {
        unproject(self.screen_to_world(p))
    }

    /// The world box visible in the map rectangle.
    pub fn visible_world(&self) -> WorldRect {
        WorldRect {
            min: self.screen_to_world(self.rect.min),
            max: self.screen_to_world(self.rect.max),
        }
    }

    /// Ground metres per screen point at a latitude (Mercator stretches
    /// distances by 1/cos(latitude)).
    pub fn metres_per_point(&self, latitude: f64) -> f64 {
        EARTH_CIRCUMFERENCE_M * latitude.to_radians().cos() / self.scale
    }

    /// The screen rectangle of a world box.
    pub fn world_rect_to_screen(&self, r: &WorldRect) -> Rect {
        Rect::from_two_pos(self.world_to_screen(r.min), self.world_to_screen(r.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect() -> Rect {
        Rect::from_min_size(pos2(10.0, 20.0), egui::vec2(800.0, 600.0))
    }

    #[test]
    fn screen_world_round_trip() {
        let vp = Viewport::new(
            MapView {
                center: project(Coord { x: 38.0, y: 49.0 }),
                zoom: 6.3,
            },
            rect(),
        );
        let rostov = Coord { x: 39.72, y: 47.23 };
        let screen = vp.lonlat_to_screen(rostov);
        let back = vp.screen_to_lonlat(screen);
        // f32 screen positions: within a hundredth of a point ≈ 20 m here.
        assert!((back.x - rostov.x).abs() < 1e-3 && (back.y - rostov.y).abs() < 1e-3);
        assert_eq!(vp.lonlat_to_screen(unproject(vp.view.center)), rect().center());
    }

    #[test]
    fn zoom_around_keeps_the_anchor_fixed_and_respects_limits() {
        let mut view = MapView {
            center: WorldPoint::new(0.6, 0.34),
            zoom: 6.0,
        };
        let anchor = pos2(200.0, 500.0);
        let under = Viewport::new(view, rect()).screen_to_world(anchor);
        view.zoom_around(2.0, anchor, rect());
        assert!((view.zoom - 7.0).abs() < 1e-12);
        let after = Viewport::new(view, rect()).screen_to_world(anchor);
        assert!((after.x - under.x).abs() < 1e-12 && (after.y - under.y).abs() < 1e-12);

        view.zoom_around(1e9, anchor, rect());
        assert_eq!(view.zoom, MAX_ZOOM);
        view.zoom_around(1e-9, anchor, rect());
        assert_eq!(view.zoom, MIN_ZOOM);
        view.zoom_around(f64::NAN, anchor, rect());
        assert_eq!(view.zoom, MIN_ZOOM);
    }

    #[test]
    fn fit_shows_the_whole_box() {
        let bounds = WorldRect::from_lonlat(&geo::Rect::new(
            Coord { x: 32.0, y: 44.0 },
            Coord { x: 44.0, y: 54.0 },
        ));
        let view = MapView::fit(bounds, rect().size());
        let vp = Viewport::new(view, rect());
        let shown = vp.world_rect_to_screen(&bounds);
        assert!(rect().contains_rect(shown), "{shown:?} in {:?}", rect());
        // ...and fills it in at least one direction.
        assert!(shown.width() > 0.85 * rect().width() || shown.height() > 0.85 * rect().height());
    }

    #[test]
    fn pan_moves_content_with_the_pointer() {
        let mut view = MapView {
            center: WorldPoint::new(0.6, 0.34),
            zoom: 6.0,
        };
        let p = WorldPoint::new(0.601, 0.341);
        let before = Viewport::new(view, rect()).world_to_screen(p);
        view.pan(egui::vec2(30.0, -12.0));
        let after = Viewport::new(view, rect()).world_to_screen(p);
        assert!((after - before - egui::vec2(30.0, -12.0)).length() < 1e-3);
    }

    #[test]
    fn metres_per_point_shrink_towards_the_poles() {
        let vp = Viewport::new(
            MapView {
                center: WorldPoint::new(0.5, 0.5),
                zoom: 0.0,
            },
            rect(),
        );
        let equator = vp.metres_per_point(0.0);
        assert!((equator - 156_543.03).abs() < 0.1);
        assert!((vp.metres_per_point(60.0) - equator / 2.0).abs() < 0.01);
    }
}
