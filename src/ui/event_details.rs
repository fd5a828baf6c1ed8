//! The details of one event: everything its record said, with links to its
//! sources (http and https only, opened in the system browser).

use egui::{RichText, Ui};
use serde_json::Value;

use super::format::{format_lonlat, format_offshore, group_thousands};
use super::intent::PanelIntent;
use crate::data::{Event, EventSet, Placement, RegionSet};
use crate::map::MapStyle;

/// Draws the details of the event at `index`.
pub fn event_details(
    ui: &mut Ui,
    events: &EventSet,
    regions: &RegionSet,
    index: usize,
    intent: &mut Option<PanelIntent>,
) {
    let Some(event) = events.get(index) else {
        return;
    };
    ui.horizontal(|ui| {
        category_dot(ui, event);
        ui.label(RichText::new(events.categories().name(event.category)).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("Close")
                .on_hover_text("Close the details (Esc clears the whole selection)")
                .clicked()
            {
                *intent = Some(PanelIntent::CloseEvent);
            }
            let placed = !event.is_notional();
            let show = ui
                .add_enabled(placed, egui::Button::new("Show on map").small())
                .on_disabled_hover_text("Notional: its point only stands in for where it was said");
            if show.clicked() {
                *intent = Some(PanelIntent::CentreOn(index));
            }
        });
    });
    ui.add(egui::Label::new(RichText::new(event.title()).heading()).wrap());
    ui.label(RichText::new(date_range(event)).size(14.0));
    ui.add_space(4.0);

    egui::Grid::new("event-facts")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| facts(ui, events, regions, event));

    if let Some(description) = event.description() {
        ui.add_space(6.0);
        ui.add(egui::Label::new(description).wrap().selectable(true));
    }

    sources(ui, event);

    if let Some(extra) = event.extra.as_ref().map(|extra| extra.map()) {
        ui.add_space(6.0);
        egui::CollapsingHeader::new(format!("Other fields ({})", extra.len()))
            .default_open(true)
            .show(ui, |ui| fields_grid(ui, "event-extra", extra.iter()));
    }
}

/// The rows of the facts grid: place, coordinates, region, precision,
/// troops, actors, id and where the record came from.
fn facts(ui: &mut Ui, events: &EventSet, regions: &RegionSet, event: &Event) {
    if let Some(place) = event.place() {
        row(ui, "Place", place);
    }
    row(ui, "Coordinates", &format_lonlat(event.position));
    if let Some(text) = border_text(regions, event) {
        row(ui, "Border", &text);
    }
    let region = match event.region().and_then(|r| regions.get(r as usize)) {
        Some(region) => region.name.clone(),
        None if event.is_notional() => "None: not placed (notional)".to_string(),
        None => "Outside tracked regions".to_string(),
    };
    row(ui, "Region", &region);
    let mut about = None;
    match event.placement() {
        Placement::Coastal { offshore_m } => row(ui, "Placed", &format_offshore(offshore_m)),
        Placement::Declared => row(ui, "Placed", "by the file's region field"),
        Placement::Notional { about: index } => {
            about = index;
            if let Some(region) = index.and_then(|r| regions.get(r as usize)) {
                row(ui, "About", &region.name);
            }
        }
        Placement::Position => {}
    }
    if let Some(declared) = event.declared_region()
        && regions.index_of(declared).map(|i| i as u32) != event.region().or(about)
    {
        row(ui, "Region in file", declared);
    }
    if let Some(precision) = event.precision() {
        let text = match precision {
            crate::data::Precision::Exact => "exact",
            crate::data::Precision::Approximate => "approximate",
            crate::data::Precision::Region => "region (drawn at the region's label point)",
            crate::data::Precision::Notional => "notional: the point only stands in for where it was said",
            crate::data::Precision::Gazetteer => {
                "gazetteer: the file named the place; the point is that town's"
            }
        };
        row(ui, "Precision", text);
    }
    if let Some(troops) = event.troops() {
        row(ui, "Troops", &group_thousands(u64::from(troops)));
    }
    let actors: Vec<&str> = event.actors().collect();
    if !actors.is_empty() {
        row(ui, "Actors", &actors.join(", "));
    }
    row(ui, "Id", event.id());
    let origin = format!(
        "{}:{} (record {})",
        events.file_name(event),
        event.origin.line,
        event.origin.record
    );
    row(ui, "From", &origin);
}

/// How far the event's point is from the nearest border line, and on which
/// side: `6.4 km from the Russia–Ukraine state border, in Russia`. A
/// notional event's point is only a stand-in: `None`.
pub fn border_text(regions: &RegionSet, event: &Event) -> Option<String> {
    if event.is_notional() {
        return None;
    }
    let nearest = regions.border().nearest(event.position)?;
    let km = nearest.metres / 1000.0;
    let distance = if km < 10.0 {
        format!("{km:.1} km")
    } else {
        format!("{} km", group_thousands(km.round() as u64))
    };
    let line = regions.border().line_name(nearest.line);
    let line = if line.is_empty() { "the border" } else { line };
    let side = match regions.side_of(event.position) {
        Some(side) => format!(", in {side}"),
        None => ", at sea".to_string(),
    };
    Some(format!("{distance} from the {line}{side}"))
}

/// The event's sources: web links open in the browser, others are only shown.
fn sources(ui: &mut Ui, event: &Event) {
    let sources: Vec<_> = event.sources().collect();
    if !sources.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Sources").strong());
        for source in sources {
            match source.web_url() {
                Some(url) => {
                    ui.hyperlink_to(source.name, url).on_hover_text(url);
                }
                None => {
                    ui.add(egui::Label::new(format!("• {}", source.name)).wrap());
                    if let Some(url) = source.url {
                        // Not http(s): shown, never opened.
                        ui.weak(format!("  {url} (not a web link)"));
                    }
                }
            }
        }
    }
}

/// A striped grid of JSON fields: key, then the value as a user reads it.
pub fn fields_grid<'a>(ui: &mut Ui, id: &str, fields: impl Iterator<Item = (&'a String, &'a Value)>) {
    egui::Grid::new(id).num_columns(2).striped(true).show(ui, |ui| {
        for (key, value) in fields {
            row(ui, key, &value_text(value));
        }
    });
}

/// `2021-04-22`, `2021-04-22 – 2021-05-01` for lasting events, or the span
/// a coarse date stands for: `week of 12 April 2021`, `April 2021`.
pub fn date_range(event: &Event) -> String {
    let start = if event.date_is_coarse() {
        event.date_precision().describe(event.date.day())
    } else {
        event.date.to_string()
    };
    match event.end_date {
        Some(end) if end != event.date => format!("{start} – {end}"),
        _ => start,
    }
}

fn row(ui: &mut Ui, key: &str, value: &str) {
    ui.label(RichText::new(key).weak());
    ui.add(egui::Label::new(value).wrap().selectable(true));
    ui.end_row();
}

/// A dot in the event's category colour.
pub fn category_dot(ui: &mut Ui, event: &Event) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter()
        .circle_filled(rect.center(), 5.5, MapStyle::category_id_color(event.category));
}

/// A JSON value as a user reads it: strings without quotes.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}
