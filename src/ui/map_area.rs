//! The map in the middle of the window, with the legend over it: the app
//! feeds the map its data, filter and selection, and turns what was clicked
//! into intents.

use egui::Ui;

use super::app::BorderwatchApp;
use super::focus::Focus;
use super::intent::PanelIntent;
use super::legend::{Legend, legend};
use crate::map::{EventLayer, MAX_ZOOM, MapClick, MapStyle, MapWidget};
use crate::query::EventFilter;
use crate::spatial::Cluster;
use crate::spatial::hexbin::{Density, zoom_level};

impl BorderwatchApp {
    /// Draws the map and the legend, and applies what was clicked on them.
    pub(super) fn map_area(&mut self, ui: &mut Ui) {
        let style = MapStyle::for_dark_mode(ui.visuals().dark_mode);
        let layer = EventLayer {
            events: &self.data.events,
            index: &self.data.index,
            shown: self.filtered.on_map(self.layers_shown.notional),
            // The flags change when notional markers are switched on or off.
            generation: self.generation * 2 + u64::from(self.layers_shown.notional),
            selected: self.selection.event(),
            spot: match self.selection.focus() {
                Focus::Spot(members) => members
                    .first()
                    .and_then(|&e| self.data.index.position(e as usize)),
                _ => None,
            },
        };
        let mut map = MapWidget::new(&self.data.regions, &self.data.context, &self.layers, &style)
            .selected(self.selection.region_index())
            .obstacles(self.legend_rect)
            .events(layer)
            .visibility(&self.layers_shown)
            .border_band(self.filter.near_border_m)
            .area(self.filter.area.as_ref())
            .found_place(self.found_place)
            // While files load, the status bar names the region under the
            // pointer but no tooltip does: with a software renderer the
            // tooltip's delay and fade-in took frames, each drawn on both
            // cores, from the load.
            .tooltips(!self.loader.is_loading())
            .tiles(if self.layers_shown.tiles {
                self.basemap.layer(ui.ctx())
            } else {
                None
            });
        let zoom = self.map.view().map_or(0.0, |v| v.zoom);
        let key = self.generation * 2 + u64::from(self.layers_shown.notional);
        let density = self.layers_shown.density.then(|| {
            let shown = self.filtered.on_map(self.layers_shown.notional);
            self.density.get(&self.data.index, shown, key, zoom_level(zoom))
        });
        map = map.density(density);
        if self.choropleth {
            map = map.choropleth(&self.filtered.region_counts);
        }
        let map = map.show(ui, &mut self.map);
        self.hovered = map.hovered_region;
        self.cursor = map.cursor;
        let clicked = map.clicked.map(|click| match click {
            MapClick::Events(cluster) => PanelIntent::OpenCluster(cluster),
            MapClick::Region(index) => PanelIntent::FocusRegion(index),
            MapClick::Cell(cell) => {
                let shown = self.filtered.on_map(self.layers_shown.notional);
                let members = self.density.density.members(&self.data.index, shown, cell);
                PanelIntent::FocusGroup(Focus::Hexagon(members))
            }
            MapClick::Nothing => PanelIntent::ClearSelection,
        });
        if let Some(intent) = clicked {
            self.apply(intent);
        }
        if let Some(area) = map.drawn {
            self.apply(PanelIntent::SetFilter(EventFilter {
                area: Some(area),
                ..self.wanted_filter().clone()
            }));
        }
        let (rect, intent) = legend(
            ui,
            map.viewport.rect,
            &Legend {
                data: &self.data,
                filtered: &self.filtered,
                filter: &self.filter,
                selected_region: self.selection.region_index(),
                choropleth: self.choropleth,
                notional_shown: self.layers_shown.notional,
                density_max: self.layers_shown.density.then_some(self.density.density.max),
            },
        );
        self.legend_rect = Some(rect);
        if let Some(intent) = intent {
            self.apply(intent);
        }
    }

    /// The density layer's bins as last drawn, while the layer is on.
    pub fn density(&self) -> Option<&Density> {
        self.layers_shown.density.then_some(&self.density.density)
    }

    /// One event: select it. Several at one spot (or at the deepest zoom):
    /// list them. Otherwise zoom in until they separate.
    pub(super) fn open_cluster(&mut self, cluster: &Cluster) {
        if cluster.count == 1 {
            self.select_event(cluster.first as usize);
            return;
        }
        let deepest = self.map.view().is_some_and(|v| v.zoom >= MAX_ZOOM - 0.01);
        if cluster.is_one_spot() || deepest {
            let shown = self.filtered.on_map(self.layers_shown.notional);
            let members = self.data.index.members(cluster, shown);
            self.selection.set(&self.data, Focus::Spot(members), None);
        } else {
            self.map.request_fit_world(cluster.bounds);
        }
    }
}
