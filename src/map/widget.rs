//! The map widget: draws the context and region layers for a frame, turns
//! pointer and keyboard input into pan and zoom, and reports what was hovered
//! or clicked. It knows nothing of side panels: the app decides what a click
//! means. Its jobs live next door: state in `memory`, meshes and switches in
//! `layers`, pan and zoom in `input`, painting in `paint` and `region_labels`.

use egui::{CursorIcon, Pos2, Rect, Response, Sense, Ui};
use geo::Coord;

use super::density::cell_at;
use super::input::{controls, handle_input, tool_keys};
use super::labels::PlacedLabel;
use super::layers::{LayerVisibility, MapLayers, region_shown};
use super::markers::{EventLayer, hit_test};
use super::memory::MapMemory;
use super::tile_layer::TileLayer;
use super::tools::ToolClick;
use super::{MapStyle, Viewport};
use crate::data::{ContextLayer, RegionSet};
use crate::geometry::area::DrawnArea;
use crate::spatial::Cluster;
use crate::spatial::hexbin::{Density, HexCell};

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
    /// An area the user finished drawing this frame (to filter by).
    pub drawn: Option<DrawnArea>,
    /// The names painted this frame (regions, seas, countries, towns).
    pub labels: Vec<PlacedLabel>,
}

/// What a click on the map hit.
#[derive(Debug, Clone, PartialEq)]
pub enum MapClick {
    /// An event marker (one event) or a cluster (several).
    Events(Cluster),
    /// A tracked region, by index.
    Region(usize),
    /// A cell of the density layer.
    Cell(HexCell),
    /// Sea or context: nothing selectable.
    Nothing,
}

/// The map, borrowed for one frame.
pub struct MapWidget<'a> {
    pub(super) regions: &'a RegionSet,
    pub(super) context: &'a ContextLayer,
    pub(super) layers: &'a MapLayers,
    pub(super) style: &'a MapStyle,
    pub(super) selected: Option<usize>,
    pub(super) obstacles: Vec<Rect>,
    pub(super) events: Option<EventLayer<'a>>,
    pub(super) visibility: Option<&'a LayerVisibility>,
    pub(super) choropleth: Option<&'a [usize]>,
    /// Half the width of the band drawn along the border, in metres.
    pub(super) border_band_m: Option<u32>,
    /// The drawn area the events are filtered by, outlined.
    pub(super) area: Option<&'a DrawnArea>,
    /// Hexagon bins of the shown events, drawn instead of the markers.
    pub(super) density: Option<&'a Density>,
    /// A picture only: no buttons, no pan, zoom or tools (an exported frame).
    pub(super) still: bool,
    /// The place the map flew to (an index in the bundled gazetteer), marked.
    pub(super) found_place: Option<usize>,
    /// Raster tiles drawn under the regions, with their credit.
    pub(super) tiles: Option<(&'a mut TileLayer, &'a str)>,
    /// Whether the region or markers under a resting pointer get a tooltip.
    pub(super) tooltips: bool,
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
            border_band_m: None,
            area: None,
            density: None,
            still: false,
            found_place: None,
            tiles: None,
            tooltips: true,
        }
    }

    /// Whether a resting pointer gets a tooltip naming the region or the
    /// events under it (on by default). The status bar names the region
    /// either way; a tooltip's delay and fade-in each ask for frames.
    pub fn tooltips(mut self, shown: bool) -> Self {
        self.tooltips = shown;
        self
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

    /// Draws the band within `metres` of the border lines (what a
    /// near-border filter keeps).
    pub fn border_band(mut self, metres: Option<u32>) -> Self {
        self.border_band_m = metres;
        self
    }

    /// Draws these hexagon bins instead of the event markers; a click on a
    /// cell reports it ([`MapClick::Cell`]).
    pub fn density(mut self, density: Option<&'a Density>) -> Self {
        self.density = density;
        self
    }

    /// Draws the map as a picture: without its buttons, and deaf to the
    /// pointer and keys (for exported images).
    pub fn still(mut self) -> Self {
        self.still = true;
        self
    }

    /// Draws these raster tiles under the regions, crediting them with `credit`.
    pub fn tiles(mut self, tiles: Option<(&'a mut TileLayer, &'a str)>) -> Self {
        self.tiles = tiles;
        self
    }

    /// Marks the place of the bundled gazetteer at this index (flown to from search).
    pub fn found_place(mut self, place: Option<usize>) -> Self {
        self.found_place = place;
        self
    }

    /// Outlines the drawn area events are filtered by.
    pub fn area(mut self, area: Option<&'a DrawnArea>) -> Self {
        self.area = area;
        self
    }

    /// Whether the region at `index` is drawn and selectable.
    pub(super) fn region_shown(&self, index: usize) -> bool {
        region_shown(self.regions, self.visibility, index)
    }

    /// Whether the layer switches allow `what` (all do with no switches).
    pub(super) fn shows(&self, what: impl Fn(&LayerVisibility) -> bool) -> bool {
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
    pub fn show(mut self, ui: &mut Ui, memory: &mut MapMemory) -> MapResponse {
        let tiles = self.tiles.take();
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let regions = self.layers.region_bounds();
        let mut view = memory.view_for(regions, rect.size());
        if !self.still {
            handle_input(ui, &response, rect, &mut view, memory, regions);
        }
        let viewport = Viewport::new(view, rect);
        memory.remember(viewport);

        // With a tool in use, a click is the tool's instead.
        let tool_click = response
            .clicked()
            .then(|| response.interact_pointer_pos())
            .flatten()
            .and_then(|p| {
                memory.tool_click(
                    viewport.screen_to_lonlat(p),
                    p,
                    &viewport,
                    response.double_clicked(),
                )
            });
        let measured = tool_click.is_some();
        let mut drawn = match tool_click {
            Some(ToolClick::Finished(area)) => Some(area),
            _ => None,
        };
        let clusters: &[Cluster] = match &self.events {
            Some(layer) if self.shows(|v| v.markers) && self.density.is_none() => {
                memory.clusters_for(layer, &viewport)
            }
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
        let clicked = (response.clicked() && !measured).then(|| {
            response.interact_pointer_pos().map_or(MapClick::Nothing, |p| {
                match self.density.and_then(|d| cell_at(d, &viewport, p)) {
                    Some(cell) => MapClick::Cell(cell),
                    None => click_at(clusters, &viewport, self.regions, self.visibility, p),
                }
            })
        });

        let labels = if ui.is_rect_visible(rect) {
            let labels = self.paint(ui, &viewport, hovered_region, clusters, tiles);
            self.paint_over(&ui.painter_at(rect), &viewport, memory.tool(), cursor, &labels);
            labels
        } else {
            Vec::new()
        };
        if !self.still {
            drawn = drawn.or_else(|| tool_keys(ui, memory));
            controls(ui, rect, self.style, memory, regions);
        }
        let response = self.hover_feedback(ui, response, hovered_region, hovered_events.as_ref());

        MapResponse {
            response,
            hovered_region,
            hovered_events,
            clicked,
            cursor,
            viewport,
            drawn,
            labels,
        }
    }

    /// The pointer's shape, and a tooltip naming what is under it.
    fn hover_feedback(
        &self,
        ui: &Ui,
        response: Response,
        hovered_region: Option<usize>,
        hovered_events: Option<&Cluster>,
    ) -> Response {
        if response.dragged() {
            ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
        } else if hovered_region.is_some() || hovered_events.is_some() {
            ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
        } else if response.hovered() {
            ui.ctx().set_cursor_icon(CursorIcon::Grab);
        }
        if !self.tooltips || response.dragged() {
            response
        } else if let (Some(cluster), Some(layer)) = (hovered_events, &self.events) {
            response.on_hover_ui_at_pointer(|ui| super::markers::tooltip(ui, cluster, layer))
        } else if let Some(region) = hovered_region.and_then(|i| self.regions.get(i)) {
            response.on_hover_ui_at_pointer(|ui| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                ui.strong(&region.name);
                if let Some(local) = &region.name_local {
                    ui.label(local);
                }
            })
        } else {
            response
        }
    }
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

#[cfg(test)]
mod tests {
    use egui::vec2;

    use super::*;
    use crate::map::{MapView, project};

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
