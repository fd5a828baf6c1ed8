//! What an exported event carries, whatever the format: borderwatch's own
//! fields ([`event_properties`], the GeoJSON export's), the region the app
//! assigned it ([`assigned_region`]) and the CSV columns that hold both
//! ([`CSV_COLUMNS`], [`csv_record`]; the GIS formats write them too).

use serde_json::{Map, Value, json};

use crate::data::{Event, EventSet, Placement, RegionSet};

/// The properties of an event as a record of borderwatch's own fields
/// (what docs/events.md describes), its other fields after them.
pub fn event_properties(events: &EventSet, event: &Event) -> Map<String, Value> {
    // Read once and let go: an export does not bring every event's texts
    // back into memory from the texts' file.
    let texts = event.read_texts();
    let mut properties = Map::new();
    properties.insert("id".into(), json!(texts.id()));
    properties.insert("title".into(), json!(texts.title()));
    properties.insert("date".into(), json!(event.date.to_iso()));
    if let Some(end) = event.end_date {
        properties.insert("end_date".into(), json!(end.to_iso()));
    }
    properties.insert("category".into(), json!(events.categories().name(event.category)));
    let mut text = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            properties.insert(key.into(), json!(value));
        }
    };
    text("place", texts.place());
    text("region", texts.declared_region());
    text("description", texts.description());
    text("precision", event.precision().map(|p| p.name()));
    text(
        "date_precision",
        event.date_is_coarse().then(|| event.date_precision().name()),
    );
    let actors: Vec<&str> = texts.actors().collect();
    if !actors.is_empty() {
        properties.insert("actors".into(), json!(actors));
    }
    if let Some(troops) = event.troops() {
        properties.insert("troops".into(), json!(troops));
    }
    let sources: Vec<Value> = texts
        .sources()
        .map(|s| match s.url {
            Some(url) => json!({"name": s.name, "url": url}),
            None => json!({"name": s.name}),
        })
        .collect();
    if !sources.is_empty() {
        properties.insert("sources".into(), Value::Array(sources));
    }
    if let Some(extra) = &event.extra {
        for (key, value) in extra.map() {
            properties.entry(key).or_insert(value);
        }
    }
    properties
}

/// What the app worked out about an event's region, as export writes it:
/// `region_id` and `region_name` (empty outside every region) and
/// `region_by`, how it was decided (`file`: the file's `region` field;
/// `position`: its coordinates; `coast`: the sea just off that region's
/// coast; `notional`: not placed, its point a stand-in); `border_km`, the
/// geodesic distance to the nearest border line, and `border_side`, the
/// country (or, in none, the tracked region) the point is in. Loading a file
/// ignores them and works them out again.
pub fn assigned_region(regions: &RegionSet, event: &Event) -> [(&'static str, String); 5] {
    let region = event.region().and_then(|i| regions.get(i as usize));
    let by = match event.placement() {
        Placement::Declared => "file",
        Placement::Position => "position",
        Placement::Coastal { .. } => "coast",
        Placement::Notional { .. } => "notional",
    };
    // A notional event's point is a stand-in: no distance, no side.
    let placed = !event.is_notional();
    let border = placed.then(|| regions.border().nearest(event.position)).flatten();
    let km = border.map(|n| format!("{:.3}", n.metres / 1000.0));
    [
        ("region_id", region.map(|r| r.id.to_string()).unwrap_or_default()),
        ("region_name", region.map(|r| r.name.clone()).unwrap_or_default()),
        ("region_by", by.to_string()),
        ("border_km", km.unwrap_or_default()),
        (
            "border_side",
            placed
                .then(|| regions.side_of(event.position))
                .flatten()
                .unwrap_or_default()
                .to_string(),
        ),
    ]
}

/// borderwatch's CSV columns, in order.
pub const CSV_COLUMNS: [&str; 22] = [
    "id",
    "title",
    "date",
    "end_date",
    "category",
    "lat",
    "lon",
    "place",
    "region",
    "description",
    "actors",
    "troops",
    "precision",
    "date_precision",
    "sources",
    "source_urls",
    "other_fields",
    "region_id",
    "region_name",
    "region_by",
    "border_km",
    "border_side",
];

/// An event as a record of [`CSV_COLUMNS`].
pub fn csv_record(events: &EventSet, regions: &RegionSet, event: &Event) -> [String; 22] {
    let joined = |items: Vec<&str>| items.join("; ");
    // Read once and let go, as in `event_properties`.
    let texts = event.read_texts();
    let sources: Vec<_> = texts.sources().collect();
    let other = event
        .extra
        .as_ref()
        .map(|extra| extra.json().to_string())
        .unwrap_or_default();
    let [
        (_, region_id),
        (_, region_name),
        (_, region_by),
        (_, border_km),
        (_, border_side),
    ] = assigned_region(regions, event);
    [
        texts.id().to_string(),
        texts.title().to_string(),
        event.date.to_iso(),
        event.end_date.map(|d| d.to_iso()).unwrap_or_default(),
        events.categories().name(event.category).to_string(),
        event.position.y.to_string(),
        event.position.x.to_string(),
        texts.place().unwrap_or_default().to_string(),
        texts.declared_region().unwrap_or_default().to_string(),
        texts.description().unwrap_or_default().to_string(),
        joined(texts.actors().collect()),
        event.troops().map(|t| t.to_string()).unwrap_or_default(),
        event
            .precision()
            .map(|p| p.name().to_string())
            .unwrap_or_default(),
        event.date_precision().name().to_string(),
        joined(sources.iter().map(|s| s.name).collect()),
        joined(sources.iter().map(|s| s.url.unwrap_or_default()).collect()),
        other,
        region_id,
        region_name,
        region_by,
        border_km,
        border_side,
    ]
}
