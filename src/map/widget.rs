//! The map widget: draws the context and region layers for a frame, turns
//! pointer and keyboard input into pan and zoom, and reports what was hovered
//! or clicked. It knows nothing of side panels: the app decides what a click
//! means.

use egui::epaint::Mesh;
use egui::{
    Align2, CursorIcon, FontId, Key, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};
use geo::{Contains, Coord};

use super::labels::{Label, LabelPlacer};
use super::markers::{EventLayer, MarkerCache, hit_test, marker_rects, paint_markers};
use super::mesh::ShapeMesh;
use super::overlay::ScaleBar;
use super::style::MapStyle;
use super::view::{MapView, Viewport};
use crate::data::{ContextKind, ContextLayer, RegionSet};
use crate::geometry::WorldRect;
use crate::spatial::Cluster;

/// How much one wheel point zooms: 100 points (about two notches) is one level.
const WHEEL_POINTS_PER_LEVEL: f64 = 100.0;
/// Points one arrow key press pans.
const KEY_PAN: f32 = 80.0;
/// Zoom below which admin-1 names of the context are hidden.
const ADMIN1_LABEL_ZOOM: f64 = 5.5;

/// Which layers the map shows (persisted with the session).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LayerVisibility {
    /// Region layers hidden, by layer id (e.g. `rostov`).
    pub hidden_layers: std::collections::BTreeSet<String>,
    /// The muted map of neighbours underneath.
    pub context: bool,
    /// Event markers.
    pub markers: bool,
    /// Region and context names.
    pub labels: bool,
}

impl Default for LayerVisibility {
    fn default() -> Self {
        Self {
            hidden_layers: std::collections::BTreeSet::new(),
            context: true,
            markers: true,
            labels: true,
        }
    }
}

impl LayerVisibility {
    /// Whether the region layer with this id is shown.
    pub fn layer_shown(&self, id: &str) -> bool {
        !self.hidden_layers.contains(id)
    }

    /// Shows or hides a region layer.
    pub fn toggle_layer(&mut self, id: &str) {
        if !self.hidden_layers.remove(id) {
            self.hidden_layers.insert(id.to_string());
        }
    }
}

/// What the map draws, derived once from the loaded data: triangulated
/// meshes in world coordinates.
pub struct MapLayers {
    regions: Vec<ShapeMesh>,
    context: Vec<Option<ShapeMesh>>,
    region_bounds: Option<WorldRect>,
}

impl MapLayers {
    /// Projects and triangulates every region and context feature.
    pub fn new(regions: &RegionSet, context: &ContextLayer) -> Self {
        Self {
            regions: regions
                .regions()
                .iter()
                .map(|r| ShapeMesh::new(&r.shape))
                .collect(),
            context: context
                .features
                .iter()
                .map(|f| (!f.shape.0.is_empty()).then(|| ShapeMesh::new(&f.shape)))
                .collect(),
            region_bounds: regions.bounds().map(|b| WorldRect::from_lonlat(&b)),
        }
    }

    /// World bounds of all regions: what "Fit" shows.
    pub fn region_bounds(&self) -> Option<WorldRect> {
        self.region_bounds
    }
}

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
}

impl MapMemory {
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
            view.center = crate::geometry::project(lonlat);
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

    fn add_zoom(&mut self, levels: f64, anchor: Option<Pos2>) {
        self.auto_fit = None;
        let remaining = self.zoom_goal.map_or(0.0, |g| g.remaining) + levels;
        self.zoom_goal = Some(ZoomGoal { remaining, anchor });
    }
}

/// What happened on the map this frame.
pub struct MapResponse {
    /// The map's own response (hover, clicks, drags).
    pub response: Response,
    /// Region under the pointer, by index in the [`RegionSet`].
    pub hovered_region: Option<usize>,
    /// Event marker or cluster under the pointer.
    pub hovered_events: Option<Cluster>,
    /// A click (not a drag) on the map this frame.
    pub clicked: Option<MapClick>,
    /// Longitude/latitude under the pointer.
    pub cursor: Option<Coord<f64>>,
    /// How the map was placed this frame.
    pub viewport: Viewport,
}

/// What a click on the map hit.
#[derive(Debug, Clone, PartialEq)]
pub enum MapClick {
    /// An event marker (one event) or a cluster (several).
    Events(Cluster),
    /// A tracked region, by index.
    Region(usize),
    /// Sea or context: nothing selectable.
    Nothing,
}

/// The map, borrowed for one frame.
pub struct MapWidget<'a> {
    regions: &'a RegionSet,
    context: &'a ContextLayer,
    layers: &'a MapLayers,
    style: &'a MapStyle,
    selected: Option<usize>,
    obstacles: Vec<Rect>,
    events: Option<EventLayer<'a>>,
    visibility: Option<&'a LayerVisibility>,
    choropleth: Option<&'a [usize]>,
}

impl<'a> MapWidget<'a> {
    /// A map of these regions over this context, drawn from `layers` (built
    /// from the same data) in `style`.
    pub fn new(
        regions: &'a RegionSet,
        context: &'a ContextLayer,
        layers: &'a MapLayers,
        style: &'a MapStyle,
    ) -> Self {
        Self {
            regions,
            context,
            layers,
            style,
            selected: None,
            obstacles: Vec::new(),
            events: None,
            visibility: None,
            choropleth: None,
        }
    }

    /// Shows only the layers `visibility` allows.
    pub fn visibility(mut self, visibility: &'a LayerVisibility) -> Self {
        self.visibility = Some(visibility);
        self
    }

    /// Colours each region by its count of events (by region index) on a
    /// sequential scale, and puts the counts on the labels.
    pub fn choropleth(mut self, counts: &'a [usize]) -> Self {
        self.choropleth = Some(counts);
        self
    }

    /// Whether the region at `index` is drawn and selectable.
    fn region_shown(&self, index: usize) -> bool {
        region_shown(self.regions, self.visibility, index)
    }

    fn shows(&self, what: impl Fn(&LayerVisibility) -> bool) -> bool {
        self.visibility.is_none_or(what)
    }

    /// Draws these events as markers above the regions.
    pub fn events(mut self, layer: EventLayer<'a>) -> Self {
        self.events = Some(layer);
        self
    }

    /// Screen areas covered by the app's own overlays (a legend), kept free of labels.
    pub fn obstacles(mut self, obstacles: impl IntoIterator<Item = Rect>) -> Self {
        self.obstacles.extend(obstacles);
        self
    }

    /// Highlights the region at this index.
    pub fn selected(mut self, selected: Option<usize>) -> Self {
        self.selected = selected;
        self
    }

    /// Takes all the space left in `ui`, handles input and paints.
    pub fn show(self, ui: &mut Ui, memory: &mut MapMemory) -> MapResponse {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let refit = memory.auto_fit.is_some_and(|size| size != rect.size());
        let mut view = match (memory.fit_to.take(), memory.view) {
            (Some(bounds), _) => {
                memory.auto_fit = None;
                MapView::fit(bounds, rect.size())
            }
            (None, Some(view)) if !refit => view,
            (None, _) => {
                memory.auto_fit = Some(rect.size());
                self.fit_view(rect)
            }
        };

        self.handle_input(ui, &response, rect, &mut view, memory);
        memory.view = Some(view);
        let viewport = Viewport::new(view, rect);
        memory.last_viewport = Some(viewport);

        let clusters: &[Cluster] = match &self.events {
            Some(layer) if self.shows(|v| v.markers) => memory.markers.clusters(layer, &viewport),
            _ => &[],
        };
        let pointer = response.hover_pos().filter(|p| rect.contains(*p));
        let cursor = pointer.map(|p| viewport.screen_to_lonlat(p));
        let hovered_events = pointer
            .and_then(|p| hit_test(clusters, &viewport, p))
            .map(|i| clusters[i].clone());
        let hovered_region = cursor
            .filter(|_| hovered_events.is_none())
            .and_then(|c| self.regions.locate_where(c, |i| self.region_shown(i)));
        let clicked = response.clicked().then(|| {
            response.interact_pointer_pos().map_or(MapClick::Nothing, |p| {
                click_at(clusters, &viewport, self.regions, self.visibility, p)
            })
        });

        if ui.is_rect_visible(rect) {
            self.paint(ui, &viewport, hovered_region, clusters);
        }
        let mut response = self.controls(ui, rect, memory, response);

        if response.dragged() {
            ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
        } else if hovered_region.is_some() || hovered_events.is_some() {
            ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
        } else if response.hovered() {
            ui.ctx().set_cursor_icon(CursorIcon::Grab);
        }
        if let (Some(cluster), Some(layer)) = (&hovered_events, &self.events)
            && !response.dragged()
        {
            response = response.on_hover_ui_at_pointer(|ui| super::markers::tooltip(ui, cluster, layer));
        } else if let Some(region) = hovered_region.and_then(|i| self.regions.get(i))
            && !response.dragged()
        {
            response = response.on_hover_ui_at_pointer(|ui| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                ui.strong(&region.name);
                if let Some(local) = &region.name_local {
                    ui.label(local);
                }
            });
        }

        MapResponse {
            response,
            hovered_region,
            hovered_events,
            clicked,
            cursor,
            viewport,
        }
    }

    fn fit_view(&self, rect: Rect) -> MapView {
        self.layers
            .region_bounds()
            .map(|bounds| MapView::fit(bounds, rect.size()))
            .unwrap_or_default()
    }

    /// Drag pans; wheel, pinch and double-click zoom around the pointer;
    /// `+`/`-`, arrows and `Home` work when no text field has the keyboard.
    fn handle_input(
        &self,
        ui: &Ui,
        response: &Response,
        rect: Rect,
        view: &mut MapView,
        memory: &mut MapMemory,
    ) {
        if response.dragged() && response.drag_delta() != Vec2::ZERO {
            view.pan(response.drag_delta());
            memory.auto_fit = None;
        }
        if let Some(pointer) = ui.input(|i| i.pointer.latest_pos())
            && response.contains_pointer()
        {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
            let levels = f64::from(scroll.y) / WHEEL_POINTS_PER_LEVEL + f64::from(pinch).log2();
            if levels != 0.0 {
                view.zoom_around(levels.exp2(), pointer, rect);
                memory.auto_fit = None;
            }
        }
        if response.double_clicked()
            && let Some(at) = response.interact_pointer_pos()
        {
            memory.add_zoom(1.0, Some(at));
        }

        if !ui.ctx().egui_wants_keyboard_input() {
            let (zoom_in, zoom_out, home, pan) = ui.input(|i| {
                let pressed = |key| i.key_pressed(key) && !i.modifiers.command;
                let mut pan = Vec2::ZERO;
                if pressed(Key::ArrowLeft) {
                    pan.x += KEY_PAN;
                }
                if pressed(Key::ArrowRight) {
                    pan.x -= KEY_PAN;
                }
                if pressed(Key::ArrowUp) {
                    pan.y += KEY_PAN;
                }
                if pressed(Key::ArrowDown) {
                    pan.y -= KEY_PAN;
                }
                (
                    pressed(Key::Plus) || pressed(Key::Equals),
                    pressed(Key::Minus),
                    pressed(Key::Home),
                    pan,
                )
            });
            if zoom_in {
                memory.add_zoom(1.0, None);
            }
            if zoom_out {
                memory.add_zoom(-1.0, None);
            }
            if home {
                *view = self.fit_view(rect);
                memory.zoom_goal = None;
                memory.auto_fit = Some(rect.size());
                return;
            }
            if pan != Vec2::ZERO {
                view.pan(pan);
                memory.auto_fit = None;
            }
        }

        // Ease a pending zoom: a fixed share of what is left each frame.
        if let Some(goal) = memory.zoom_goal {
            let dt = f64::from(ui.input(|i| i.stable_dt)).clamp(0.001, 0.1);
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
            memory.zoom_goal =
                (remaining.abs() > 1e-6 && done.abs() > 1e-9).then_some(ZoomGoal { remaining, ..goal });
            if memory.zoom_goal.is_some() {
                ui.ctx().request_repaint();
            }
        }
    }

    fn paint(&self, ui: &Ui, viewport: &Viewport, hovered: Option<usize>, clusters: &[Cluster]) {
        let rect = viewport.rect;
        let painter = ui.painter_at(rect);
        let visible = viewport.visible_world();
        let style = self.style;
        let mut shapes: Vec<Shape> = Vec::new();
        shapes.push(Shape::rect_filled(rect, 0.0, style.sea));

        // Context: land fills, then admin-1 borders under country borders.
        let show_context = self.shows(|v| v.context);
        let mut land = Mesh::default();
        for (feature, mesh) in self.context.features.iter().zip(&self.layers.context) {
            if let Some(mesh) = mesh
                && show_context
                && mesh.bounds.intersects(&visible)
            {
                mesh.fill_into(viewport, style.land(&feature.country), &mut land);
            }
        }
        shapes.push(Shape::mesh(land));
        let context_kinds: &[ContextKind] = if show_context {
            &[ContextKind::Admin1, ContextKind::Country]
        } else {
            &[]
        };
        for &kind in context_kinds {
            let stroke = match kind {
                ContextKind::Country => Stroke::new(1.2, style.country_border),
                _ => Stroke::new(0.6, style.admin1_border),
            };
            for (feature, mesh) in self.context.features.iter().zip(&self.layers.context) {
                if feature.kind == kind
                    && let Some(mesh) = mesh
                    && mesh.bounds.intersects(&visible)
                {
                    mesh.outline_into(viewport, stroke, &mut shapes);
                }
            }
        }

        // Tracked regions: fills, outlines, then the selection on top.
        let max_count = self.choropleth.and_then(|c| c.iter().copied().max()).unwrap_or(0);
        let mut fills = Mesh::default();
        for (index, mesh) in self.layers.regions.iter().enumerate() {
            if !mesh.bounds.intersects(&visible) || !self.region_shown(index) {
                continue;
            }
            let alpha = if Some(index) == self.selected {
                style.selected_fill_alpha
            } else if Some(index) == hovered {
                style.hover_fill_alpha
            } else {
                style.region_fill_alpha
            };
            let color = match self.choropleth {
                Some(counts) => {
                    let count = counts.get(index).copied().unwrap_or(0);
                    // The choropleth is read from its colours: keep them strong.
                    let alpha = alpha.saturating_add(70);
                    MapStyle::choropleth_fill(count, max_count, alpha)
                }
                None => MapStyle::region_fill(index, alpha),
            };
            mesh.fill_into(viewport, color, &mut fills);
        }
        shapes.push(Shape::mesh(fills));
        for (index, mesh) in self.layers.regions.iter().enumerate() {
            if mesh.bounds.intersects(&visible) && Some(index) != self.selected && self.region_shown(index) {
                let width = if Some(index) == hovered { 2.0 } else { 1.2 };
                let color = if self.choropleth.is_some() {
                    style.country_border
                } else {
                    MapStyle::region_color(index)
                };
                mesh.outline_into(viewport, Stroke::new(width, color), &mut shapes);
            }
        }
        if let Some(mesh) = self.selected.and_then(|i| self.layers.regions.get(i)) {
            mesh.outline_into(viewport, Stroke::new(2.5, style.selection_outline), &mut shapes);
        }

        if self.shows(|v| v.labels) {
            self.paint_labels(&painter, viewport, &marker_rects(clusters, viewport), &mut shapes);
        }
        if let Some(layer) = self.events.as_ref().filter(|_| self.shows(|v| v.markers)) {
            paint_markers(&painter, clusters, layer, viewport, style, &mut shapes);
        }
        painter.extend(shapes);

        if let Some(bar) = ScaleBar::for_viewport(viewport) {
            bar.paint(&painter, rect.left_bottom() + vec2(10.0, -10.0), style);
        }
        painter.text(
            rect.right_bottom() + vec2(-6.0, -4.0),
            Align2::RIGHT_BOTTOM,
            "Boundaries: Natural Earth",
            FontId::proportional(10.0),
            style.context_label,
        );
    }

    fn paint_labels(
        &self,
        painter: &egui::Painter,
        viewport: &Viewport,
        markers: &[Rect],
        shapes: &mut Vec<Shape>,
    ) {
        let style = self.style;
        let clip = viewport.rect.shrink(4.0);
        let mut placer = LabelPlacer::default();
        // Keep labels clear of the controls and the scale bar.
        placer.reserve(Rect::from_min_size(
            viewport.rect.right_top() + vec2(-56.0, 0.0),
            vec2(56.0, 120.0),
        ));
        placer.reserve(Rect::from_min_size(
            viewport.rect.left_bottom() + vec2(0.0, -40.0),
            vec2(160.0, 40.0),
        ));
        for obstacle in self.obstacles.iter().chain(markers) {
            placer.reserve(*obstacle);
        }
        // A region name may move off a marker at its label point.
        placer.allow_shifts(&[
            vec2(0.0, 24.0),
            vec2(0.0, -24.0),
            vec2(0.0, 36.0),
            vec2(0.0, -36.0),
        ]);

        for (index, region) in self.regions.regions().iter().enumerate() {
            let Some(mesh) = self
                .layers
                .regions
                .get(index)
                .filter(|_| self.region_shown(index))
            else {
                continue;
            };
            let extent = viewport.world_rect_to_screen(&mesh.bounds).size();
            let Some(anchor) = label_anchor(viewport, region.label_point, &mesh.bounds, &region.shape) else {
                continue;
            };
            let text = match self.choropleth {
                Some(counts) => format!("{}: {}", region.name, counts.get(index).copied().unwrap_or(0)),
                None => region.name.clone(),
            };
            placer.place(
                painter,
                clip,
                Label {
                    text: &text,
                    anchor,
                    font: FontId::proportional(14.0),
                    color: style.region_label,
                    halo: style.label_halo,
                    fits_in: Some(extent),
                },
                shapes,
            );
        }
        placer.no_shifts();
        let zoom = viewport.view.zoom;
        for kind in [ContextKind::Sea, ContextKind::Country, ContextKind::Admin1] {
            if (kind == ContextKind::Admin1 && zoom < ADMIN1_LABEL_ZOOM) || !self.shows(|v| v.context) {
                continue;
            }
            for (feature, mesh) in self.context.features.iter().zip(&self.layers.context) {
                if feature.kind != kind {
                    continue;
                }
                let (text, font, color, fits_in) = match kind {
                    ContextKind::Sea => (
                        feature.name.clone(),
                        FontId::proportional(13.0),
                        style.sea_label,
                        None,
                    ),
                    ContextKind::Country => (
                        feature.name.to_uppercase(),
                        FontId::proportional(13.0),
                        style.context_label,
                        mesh.as_ref()
                            .map(|m| viewport.world_rect_to_screen(&m.bounds).size()),
                    ),
                    ContextKind::Admin1 => (
                        feature.name.clone(),
                        FontId::proportional(11.0),
                        style.context_label,
                        mesh.as_ref()
                            .map(|m| viewport.world_rect_to_screen(&m.bounds).size()),
                    ),
                };
                let anchor = match (kind, mesh) {
                    (ContextKind::Country, Some(mesh)) => {
                        match label_anchor(viewport, feature.label_point, &mesh.bounds, &feature.shape) {
                            Some(anchor) => anchor,
                            None => continue,
                        }
                    }
                    _ => viewport.lonlat_to_screen(feature.label_point),
                };
                placer.place(
                    painter,
                    clip,
                    Label {
                        text: &text,
                        anchor,
                        font,
                        color,
                        halo: style.label_halo,
                        fits_in,
                    },
                    shapes,
                );
            }
        }
    }

    /// Zoom buttons and Fit, top right of the map, as in other map apps.
    fn controls(&self, ui: &mut Ui, rect: Rect, memory: &mut MapMemory, response: Response) -> Response {
        let size = vec2(40.0, 28.0);
        let x = rect.right() - size.x - 10.0;
        let mut y = rect.top() + 10.0;
        let buttons: [(&str, &str, f64); 3] = [
            ("+", "Zoom in (+)", 1.0),
            ("−", "Zoom out (-)", -1.0),
            ("Fit", "Fit the tracked regions (Home)", 0.0),
        ];
        for (text, hint, levels) in buttons {
            let button_rect = Rect::from_min_size(pos2(x, y), size);
            let clicked = ui
                .put(
                    button_rect,
                    egui::Button::new(egui::RichText::new(text).size(15.0)).fill(self.style.overlay_fill),
                )
                .on_hover_text(hint)
                .clicked();
            if clicked {
                if levels == 0.0 {
                    memory.view = Some(self.fit_view(rect));
                    memory.zoom_goal = None;
                    memory.auto_fit = Some(rect.size());
                } else {
                    memory.add_zoom(levels, None);
                }
            }
            y += size.y + 4.0;
        }
        response
    }
}

/// Whether the region at `index` is drawn and selectable under `visibility`
/// (every region is when there is none).
fn region_shown(regions: &RegionSet, visibility: Option<&LayerVisibility>, index: usize) -> bool {
    let Some(visibility) = visibility else {
        return true;
    };
    regions
        .get(index)
        .and_then(|r| regions.layers().get(r.layer))
        .is_none_or(|layer| visibility.layer_shown(&layer.id))
}

/// What a click at `pointer` hits, as the map answers a click: the marker
/// under it (see [`hit_test`]) among the `clusters` drawn in `viewport`, else
/// the topmost region shown (by `visibility`; all when `None`) containing the
/// point, else nothing.
pub fn click_at(
    clusters: &[Cluster],
    viewport: &Viewport,
    regions: &RegionSet,
    visibility: Option<&LayerVisibility>,
    pointer: Pos2,
) -> MapClick {
    if let Some(index) = hit_test(clusters, viewport, pointer) {
        return MapClick::Events(clusters[index].clone());
    }
    regions
        .locate_where(viewport.screen_to_lonlat(pointer), |i| {
            region_shown(regions, visibility, i)
        })
        .map_or(MapClick::Nothing, MapClick::Region)
}

/// Where a shape's label goes: its label point when on screen; otherwise,
/// when zoomed in past it, the middle of the visible part of its box if that
/// is inside the shape (so a region filling the screen stays named).
fn label_anchor(
    viewport: &Viewport,
    label_point: Coord<f64>,
    bounds: &WorldRect,
    shape: &geo::MultiPolygon<f64>,
) -> Option<Pos2> {
    let at = viewport.lonlat_to_screen(label_point);
    if viewport.rect.shrink(8.0).contains(at) {
        return Some(at);
    }
    let visible = viewport.world_rect_to_screen(bounds).intersect(viewport.rect);
    if !visible.is_positive() {
        return None;
    }
    let middle = visible.center();
    shape
        .contains(&geo::Point(viewport.screen_to_lonlat(middle)))
        .then_some(middle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::project;

    #[test]
    fn a_click_hits_the_marker_then_the_shown_region_then_nothing() {
        let regions = RegionSet::bundled().expect("regions");
        let rostov = regions.index_of("rostov").expect("rostov");
        let rect = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        let centre = geo::Coord { x: 39.72, y: 47.23 };
        let viewport = Viewport::new(
            MapView {
                center: project(centre),
                zoom: 8.0,
            },
            rect,
        );
        let at = viewport.lonlat_to_screen(centre);
        let marker = crate::spatial::event_index::test_cluster(viewport.screen_to_world(at), 3);
        let clusters = [marker.clone()];
        assert_eq!(
            click_at(&clusters, &viewport, &regions, None, at + vec2(2.0, 0.0)),
            MapClick::Events(marker)
        );
        let beside = at + vec2(100.0, 0.0);
        assert_eq!(
            click_at(&clusters, &viewport, &regions, None, beside),
            MapClick::Region(rostov)
        );
        let mut visibility = LayerVisibility::default();
        visibility.toggle_layer("rostov");
        assert_eq!(
            click_at(&clusters, &viewport, &regions, Some(&visibility), beside),
            MapClick::Nothing,
            "a hidden layer's regions are not selectable"
        );
        let sea = viewport.lonlat_to_screen(geo::Coord { x: 37.0, y: 46.3 });
        assert_eq!(click_at(&[], &viewport, &regions, None, sea), MapClick::Nothing);
    }
}
