//! Places found by the search box: the towns of the gazetteer whose names
//! (English, Russian, Ukrainian, other spellings) match what was typed, each
//! with the region it is in; choosing one flies the map there.

use egui::Ui;

use super::intent::PanelIntent;
use crate::data::places::{Gazetteer, PlaceMatch};
use crate::data::{ContextLayer, RegionSet};

/// Places listed at most.
const LISTED: usize = 12;

/// How much of the land around a place the map shows when flying there:
/// this many kilometres each side (a town and its villages).
pub const FLY_TO_KM: f64 = 15.0;

/// The box `km` kilometres each side of `lonlat`.
pub fn area_around(lonlat: geo::Coord<f64>, km: f64) -> geo::Rect<f64> {
    let dlat = km / 111.2;
    let dlon = km / (111.2 * lonlat.y.to_radians().cos().max(0.01));
    geo::Rect::new(
        geo::Coord {
            x: lonlat.x - dlon,
            y: lonlat.y - dlat,
        },
        geo::Coord {
            x: lonlat.x + dlon,
            y: lonlat.y + dlat,
        },
    )
}

/// One place found, as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPlace {
    /// Index in the gazetteer.
    pub index: usize,
    /// "Shebekino — Belgorod Oblast, Russia · 45 194", or with the spelling
    /// that matched: "Kharkiv (Харьков) — Kharkiv, Ukraine · 1 421 125".
    pub text: String,
}

/// The places matching a search, kept until the text changes (the region of
/// each is a point-in-polygon test, not worth repeating every frame).
#[derive(Debug, Default)]
pub struct PlaceSearch {
    query: String,
    found: Vec<FoundPlace>,
}

impl PlaceSearch {
    /// The places matching `query`, looked up when it changed.
    pub fn found(
        &mut self,
        query: &str,
        gazetteer: &Gazetteer,
        regions: &RegionSet,
        context: &ContextLayer,
    ) -> &[FoundPlace] {
        if self.query != query {
            self.query = query.to_string();
            self.found = gazetteer
                .search(query, LISTED)
                .into_iter()
                .map(|m| FoundPlace {
                    index: m.index,
                    text: describe(gazetteer, &m, query, regions, context),
                })
                .collect();
        }
        &self.found
    }
}

/// How a found place is listed: its name (and the spelling that matched,
/// as typed when the place has it), where it is and how many live there.
fn describe(
    gazetteer: &Gazetteer,
    found: &PlaceMatch,
    query: &str,
    regions: &RegionSet,
    context: &ContextLayer,
) -> String {
    let place = gazetteer.place(found.index);
    let typed = query.trim().to_lowercase();
    let matched = place
        .names()
        .find(|n| n.to_lowercase() == typed)
        .unwrap_or(&found.matched);
    let mut text = place.name.to_string();
    if matched != &*place.name {
        text.push_str(&format!(" ({matched})"));
    }
    let area = match regions.locate(place.lonlat).and_then(|i| regions.get(i)) {
        Some(region) => region.name.clone(),
        None => context.area_at(place.lonlat).map_or_else(
            || place.country_code().to_string(),
            |f| area_name(&f.name, &f.country),
        ),
    };
    text.push_str(&format!(" — {area}"));
    if place.population > 0 {
        text.push_str(&format!(
            " · {}",
            super::format::group_thousands(u64::from(place.population))
        ));
    }
    text
}

/// "Kharkiv, Ukraine"; a country alone when the area is the country.
fn area_name(name: &str, country: &str) -> String {
    if name == country {
        name.to_string()
    } else {
        format!("{name}, {country}")
    }
}

/// The places button beside the search box: "Places (3)", listing them;
/// clicking one flies there. Nothing when nothing matches.
pub fn places_menu(ui: &mut Ui, found: &[FoundPlace], intent: &mut Option<PanelIntent>) {
    if found.is_empty() {
        return;
    }
    let title = format!("📍 Places ({})", found.len());
    ui.menu_button(title, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        for place in found {
            if ui.button(&place.text).clicked() {
                *intent = Some(PanelIntent::FlyToPlace(place.index));
                ui.close();
            }
        }
    })
    .response
    .on_hover_text("Towns and villages whose name matches the search (Enter flies to the first)");
}
