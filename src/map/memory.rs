//! The map's state between frames, as walkers keeps it: the view (saved
//! with the session) and the gestures under way (not saved).

use egui::{Pos2, Rect, Vec2};
use geo::Coord;

use super::markers::{EventLayer, MarkerCache};
use super::tools::{MapTool, ToolClick, ToolKind};
use super::{MapView, Viewport, WorldRect, project};
use crate::spatial::Cluster;

/// A zoom still under way (from a button, key or double-click), eased over a
/// few frames.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ZoomGoal {
    /// Zoom levels still to go (+ in, - out).
    remaining: f64,
    /// Screen point that stays put; `None` for the map's centre.
    anchor: Option<Pos2>,
}

/// The map's state between frames: the view (persisted) and gestures in
/// progress (not persisted).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct MapMemory {
    view: Option<MapView>,
    #[serde(skip)]
    zoom_goal: Option<ZoomGoal>,
    #[serde(skip)]
    fit_to: Option<WorldRect>,
    #[serde(skip)]
    last_viewport: Option<Viewport>,
    #[serde(skip)]
    markers: MarkerCache,
    /// The map size the regions were last fitted to, while the user has not
    /// moved the view since: the fit follows the map's size until then.
    #[serde(skip)]
    auto_fit: Option<Vec2>,
    /// The ruler or drawing tool in use.
    #[serde(skip)]
    tool: Option<MapTool>,
}

impl MapMemory {
    /// The ruler's points while measuring (`None` when not measuring).
    pub fn ruler(&self) -> Option<&[Coord<f64>]> {
        match &self.tool {
            Some(MapTool::Ruler(points)) => Some(points),
            _ => None,
        }
    }

    /// The tool in use, if any.
    pub fn tool(&self) -> Option<&MapTool> {
        self.tool.as_ref()
    }

    /// Starts measuring, or ends it (forgetting the points).
    pub fn toggle_ruler(&mut self) {
        self.toggle_tool(ToolKind::Ruler);
    }

    /// Starts a tool of this kind (ending any other), or ends it when it is
    /// the one in use.
    pub fn toggle_tool(&mut self, kind: ToolKind) {
        self.tool = match &self.tool {
            Some(tool) if tool.kind() == kind => None,
            _ => Some(MapTool::new(kind)),
        };
    }

    /// Ends the tool in use, forgetting its points.
    pub fn end_tool(&mut self) {
        self.tool = None;
    }

    /// Gives a click to the tool in use; `None` when there is none (the
    /// click selects). A finished area ends the tool.
    pub(super) fn tool_click(
        &mut self,
        point: Coord<f64>,
        at: Pos2,
        viewport: &Viewport,
        double: bool,
    ) -> Option<ToolClick> {
        let click = self.tool.as_mut()?.click(point, at, viewport, double);
        if matches!(click, ToolClick::Finished(_)) {
            self.tool = None;
        }
        Some(click)
    }

    /// The current view, once the map has been shown.
    pub fn view(&self) -> Option<MapView> {
        self.view
    }

    /// Sets the view (e.g. restored from a saved session).
    pub fn set_view(&mut self, view: MapView) {
        self.view = Some(view);
        self.zoom_goal = None;
        self.auto_fit = None;
    }

    /// Fits the tracked regions on the next frame.
    pub fn request_fit(&mut self) {
        self.view = None;
        self.zoom_goal = None;
    }

    /// Fits a longitude/latitude box on the next frame.
    pub fn request_fit_to(&mut self, bounds: &geo::Rect<f64>) {
        self.fit_to = Some(WorldRect::from_lonlat(bounds));
        self.zoom_goal = None;
    }

    /// Fits a world box on the next frame (a cluster being zoomed into).
    pub fn request_fit_world(&mut self, bounds: WorldRect) {
        self.fit_to = Some(bounds);
        self.zoom_goal = None;
    }

    /// Zooms by `levels` (+ in, - out) around the map's centre, eased.
    pub fn request_zoom(&mut self, levels: f64) {
        self.add_zoom(levels, None);
    }

    /// Centres the map on a longitude/latitude, keeping the zoom.
    pub fn center_on(&mut self, lonlat: Coord<f64>) {
        self.auto_fit = None;
        if let Some(view) = &mut self.view {
            view.center = project(lonlat);
        }
    }

    /// The event clusters drawn last frame.
    pub fn clusters(&self) -> &[Cluster] {
        self.markers.current()
    }

    /// Screen ↔ world of the last frame drawn: where things are on screen now.
    pub fn last_viewport(&self) -> Option<Viewport> {
        self.last_viewport
    }

    /// Adds `levels` to the eased zoom, around `anchor` (the map's centre
    /// when `None`).
    pub(super) fn add_zoom(&mut self, levels: f64, anchor: Option<Pos2>) {
        self.auto_fit = None;
        let remaining = self.zoom_goal.map_or(0.0, |g| g.remaining) + levels;
        self.zoom_goal = Some(ZoomGoal { remaining, anchor });
    }

    /// The user moved the view by hand: it no longer follows the map's size.
    pub(super) fn moved_by_user(&mut self) {
        self.auto_fit = None;
    }

    /// The view for a map of `size` this frame: a box asked for, else the
    /// view kept, else `regions` fitted. The fit is redone while the map
    /// resizes, until the user moves the view. The one place "fit the
    /// regions" is worked out: `Home`, the Fit button and a new map all
    /// come here.
    pub(super) fn view_for(&mut self, regions: Option<WorldRect>, size: Vec2) -> MapView {
        let refit = self.auto_fit.is_some_and(|fitted| fitted != size);
        match (self.fit_to.take(), self.view) {
            (Some(bounds), _) => {
                self.auto_fit = None;
                MapView::fit(bounds, size)
            }
            (None, Some(view)) if !refit => view,
            (None, _) => {
                self.auto_fit = Some(size);
                regions
                    .map(|bounds| MapView::fit(bounds, size))
                    .unwrap_or_default()
            }
        }
    }

    /// Fits `regions` to a map of `size` now, ending any zoom under way;
    /// the view it keeps and returns.
    pub(super) fn fit_regions(&mut self, regions: Option<WorldRect>, size: Vec2) -> MapView {
        self.request_fit();
        let view = self.view_for(regions, size);
        self.view = Some(view);
        view
    }

    /// Moves a pending zoom on by one frame of `dt` seconds: a fixed share
    /// of what is left. Whether it is still under way.
    pub(super) fn ease_zoom(&mut self, view: &mut MapView, rect: Rect, dt: f64) -> bool {
        let Some(goal) = self.zoom_goal else {
            return false;
        };
        let step = if goal.remaining.abs() < 0.01 {
            goal.remaining
        } else {
            goal.remaining * (1.0 - (-dt * 18.0).exp())
        };
        let anchor = goal.anchor.unwrap_or(rect.center());
        let before = view.zoom;
        view.zoom_around(step.exp2(), anchor, rect);
        let done = view.zoom - before;
        let remaining = goal.remaining - step;
        // Stop at the zoom limits instead of pushing against them forever.
        self.zoom_goal =
            (remaining.abs() > 1e-6 && done.abs() > 1e-9).then_some(ZoomGoal { remaining, ..goal });
        self.zoom_goal.is_some()
    }

    /// Keeps the view drawn this frame, and where it was drawn.
    pub(super) fn remember(&mut self, viewport: Viewport) {
        self.view = Some(viewport.view);
        self.last_viewport = Some(viewport);
    }

    /// The clusters of `layer` for this frame's `viewport`, rebuilt only
    /// when either changed.
    pub(super) fn clusters_for(&mut self, layer: &EventLayer<'_>, viewport: &Viewport) -> &[Cluster] {
        self.markers.clusters(layer, viewport)
    }
}

#[cfg(test)]
mod tests {
    use egui::vec2;

    use super::*;
    use crate::map::WorldPoint;

    fn regions() -> Option<WorldRect> {
        Some(WorldRect {
            min: WorldPoint::new(0.55, 0.33),
            max: WorldPoint::new(0.60, 0.36),
        })
    }

    #[test]
    fn the_fit_follows_the_map_size_until_the_user_moves_the_view() {
        let mut memory = MapMemory::default();
        let small = memory.view_for(regions(), vec2(400.0, 300.0));
        memory.remember(Viewport::new(
            small,
            Rect::from_min_size(Pos2::ZERO, vec2(400.0, 300.0)),
        ));
        let large = memory.view_for(regions(), vec2(800.0, 600.0));
        assert!(large.zoom > small.zoom, "a larger map is fitted again");
        memory.remember(Viewport::new(
            large,
            Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
        ));
        memory.moved_by_user();
        assert_eq!(memory.view_for(regions(), vec2(400.0, 300.0)), large);
    }

    #[test]
    fn fitting_the_regions_ends_a_zoom_under_way() {
        let mut memory = MapMemory::default();
        let size = vec2(800.0, 600.0);
        let fitted = memory.view_for(regions(), size);
        memory.request_zoom(2.0);
        assert_eq!(memory.fit_regions(regions(), size), fitted);
        assert_eq!(memory.view(), Some(fitted));
        let mut view = fitted;
        let rect = Rect::from_min_size(Pos2::ZERO, size);
        assert!(!memory.ease_zoom(&mut view, rect, 0.016), "no zoom left to ease");
        assert_eq!(view, fitted);
    }
}
