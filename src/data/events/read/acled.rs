//! ACLED exports → events. ACLED (the Armed Conflict Location & Event Data
//! project) publishes CSV exports and an API whose JSON gives every value as
//! a string; both use the same column names, recognised here by
//! `event_id_cnty` and `event_date`. The mapping is documented in
//! docs/events.md.

use std::borrow::Cow;

use super::fields::Fields;
use crate::data::events::category::EventCategory;
use crate::data::events::draft::Draft;

/// Whether column or member names are ACLED's.
pub fn is_acled<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let names: Vec<&str> = names.into_iter().map(str::trim).collect();
    names.contains(&"event_id_cnty") && names.contains(&"event_date")
}

/// ACLED fields kept with the event, under these names.
const KEPT: [(&str, &str); 6] = [
    ("sub_event_type", "subcategory"),
    ("event_type", "acled_event_type"),
    ("fatalities", "fatalities"),
    ("admin1", "admin1"),
    ("admin2", "admin2"),
    ("country", "country"),
];

/// The names ACLED gives the fields borderwatch needs (for messages).
pub const ACLED_NAMES: [&str; 4] = ["event_id_cnty", "event_date", "latitude", "longitude"];

/// An ACLED record as a draft event; the date is left as written, for the
/// file's rules to read in the file's order of day and month.
pub fn acled_draft(fields: &dyn Fields) -> Draft<'static> {
    let text = |name: &str| fields.text(name).map(|t| t.into_owned());
    let event_type = text("event_type");
    let sub_event_type = text("sub_event_type");
    let location = text("location");
    let mut problems = Vec::new();
    let mut coordinate = |name: &str| -> Option<f64> {
        let value = text(name)?;
        let degrees = super::fields::coordinate(&value);
        if degrees.is_none() {
            problems.push(format!(
                "field \"{name}\" must be a number (degrees), found \"{value}\""
            ));
        }
        degrees
    };
    let lat = coordinate("latitude");
    let lon = coordinate("longitude");
    let title = match (&sub_event_type, &location) {
        (Some(kind), Some(place)) => format!("{kind} in {place}"),
        (Some(kind), None) => kind.clone(),
        (None, Some(place)) => format!("{} in {place}", event_type.as_deref().unwrap_or("Event")),
        (None, None) => event_type.clone().unwrap_or_else(|| "ACLED event".into()),
    };
    let actors = actors(fields);
    let sources = text("source")
        .iter()
        .flat_map(|t| t.split(';'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| (Cow::Owned(s.to_string()), None))
        .collect();
    let precision = text("geo_precision").and_then(|p| match p.as_str() {
        "1" => Some("exact"),
        "2" => Some("approximate"),
        "3" => Some("region"),
        _ => None,
    });
    // ACLED's time_precision: 1 the day is known, 2 the week, 3 the month.
    let date_precision = text("time_precision").and_then(|p| match p.trim() {
        "1" => Some("day"),
        "2" => Some("week"),
        "3" => Some("month"),
        _ => None,
    });
    let extra = kept_fields(fields);
    Draft {
        id: text("event_id_cnty").map(Cow::Owned),
        title: Some(Cow::Owned(title)),
        date: text("event_date").map(Cow::Owned),
        end_date: None,
        category: Some(Cow::Owned(category(
            event_type.as_deref().unwrap_or(""),
            sub_event_type.as_deref().unwrap_or(""),
        ))),
        lat,
        lon,
        place: location.map(Cow::Owned),
        region: None,
        description: text("notes").map(Cow::Owned),
        actors,
        troops: None,
        precision: precision.map(Cow::Borrowed),
        date_precision: date_precision.map(Cow::Borrowed),
        sources,
        extra,
        problems,
    }
}

/// The actors of every actor column, each once, in column order.
fn actors(fields: &dyn Fields) -> Vec<Cow<'static, str>> {
    let mut actors: Vec<Cow<'static, str>> = Vec::new();
    for column in ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2"] {
        for actor in fields.text(column).iter().flat_map(|t| t.split(';')) {
            let actor = actor.trim();
            if !actor.is_empty() && !actors.iter().any(|a| a == actor) {
                actors.push(Cow::Owned(actor.to_string()));
            }
        }
    }
    actors
}

/// The ACLED fields kept with the event ([`KEPT`]), counts as numbers.
fn kept_fields(fields: &dyn Fields) -> Vec<(String, serde_json::Value)> {
    let mut extra = Vec::new();
    for (column, name) in KEPT {
        if let Some(value) = fields.text(column) {
            let value = match value.parse::<i64>() {
                Ok(number) if column == "fatalities" => serde_json::json!(number),
                _ => serde_json::Value::String(value.into_owned()),
            };
            extra.push((name.to_string(), value));
        }
    }
    extra
}

/// The borderwatch category of an ACLED event type and sub-event type; a
/// type with no counterpart is kept as ACLED writes it.
pub fn category(event_type: &str, sub_event_type: &str) -> String {
    let known = match event_type.trim() {
        "Explosions/Remote violence" => Some(EventCategory::Strike),
        "Battles" | "Violence against civilians" | "Riots" => Some(EventCategory::Incident),
        "Strategic developments" => Some(match sub_event_type.trim() {
            "Headquarters or base established" => EventCategory::Deployment,
            "Agreement" => EventCategory::Statement,
            "Disrupted weapons use" | "Looting/property destruction" => EventCategory::Incident,
            _ => EventCategory::Other,
        }),
        "" => Some(EventCategory::Other),
        _ => None,
    };
    match known {
        Some(category) => category.name().to_string(),
        None => event_type.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::events::read::fields::JsonFields;

    #[test]
    fn event_types_map_to_categories_or_stay_as_written() {
        assert_eq!(
            category("Explosions/Remote violence", "Shelling/artillery/missile attack"),
            "strike"
        );
        assert_eq!(category("Battles", "Armed clash"), "incident");
        assert_eq!(
            category("Strategic developments", "Headquarters or base established"),
            "deployment"
        );
        assert_eq!(category("Strategic developments", "Agreement"), "statement");
        assert_eq!(category("Strategic developments", "Arrests"), "other");
        assert_eq!(category("Protests", "Peaceful protest"), "Protests");
    }

    #[test]
    fn acled_precision_codes_map_to_place_and_date_precision() {
        let draft_with = |geo: &str, time: &str| {
            let json = format!(
                r#"{{"event_id_cnty": "RUS1", "event_date": "2024-08-14", "latitude": "50.4", "longitude": "36.9",
                    "geo_precision": "{geo}", "time_precision": "{time}"}}"#
            );
            let record = JsonFields::parse(&json).expect("object");
            let draft = acled_draft(&record);
            (
                draft.precision.map(|p| p.into_owned()),
                draft.date_precision.map(|p| p.into_owned()),
            )
        };
        let some = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
        assert_eq!(draft_with("1", "1"), some("exact", "day"));
        assert_eq!(draft_with("2", "2"), some("approximate", "week"));
        assert_eq!(draft_with("3", "3"), some("region", "month"));
        // A code ACLED does not define is left unsaid, not guessed.
        assert_eq!(draft_with("7", "9"), (None, None));
    }

    #[test]
    fn an_api_record_with_numbers_as_strings_maps_to_a_draft() {
        let record = JsonFields::parse(
            r#"{"event_id_cnty": "RUS12345", "event_date": "2024-08-12", "year": "2024",
                "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
                "actor1": "Military Forces of Ukraine (2019-)", "assoc_actor_1": "",
                "actor2": "Civilians (Russia)", "assoc_actor_2": "Farmers (Russia); Civilians (Russia)",
                "admin1": "Belgorod", "admin2": "Shebekinskiy", "location": "Shebekino",
                "latitude": "50.4077", "longitude": "36.8932", "geo_precision": "1", "time_precision": "1",
                "source": "Ministry of Defence of Russia; Telegram", "notes": "A drone hit a car.",
                "fatalities": "0", "country": "Russia", "tags": ""}"#,
        )
        .expect("object");
        let draft = acled_draft(&record);
        assert_eq!(draft.id.as_deref(), Some("RUS12345"));
        assert_eq!(draft.title.as_deref(), Some("Air/drone strike in Shebekino"));
        assert_eq!(draft.date.as_deref(), Some("2024-08-12"));
        assert!(draft.problems.is_empty());
        assert_eq!(draft.category.as_deref(), Some("strike"));
        assert_eq!((draft.lat, draft.lon), (Some(50.4077), Some(36.8932)));
        assert_eq!(draft.precision.as_deref(), Some("exact"));
        assert_eq!(
            draft.actors,
            [
                "Military Forces of Ukraine (2019-)",
                "Civilians (Russia)",
                "Farmers (Russia)"
            ]
        );
        assert_eq!(draft.sources.len(), 2);
        assert_eq!(draft.description.as_deref(), Some("A drone hit a car."));
        assert!(
            draft
                .extra
                .contains(&("fatalities".to_string(), serde_json::json!(0)))
        );
        assert!(
            draft
                .extra
                .contains(&("subcategory".to_string(), serde_json::json!("Air/drone strike")))
        );
        assert!(
            draft
                .extra
                .contains(&("admin2".to_string(), serde_json::json!("Shebekinskiy")))
        );

        let bad = JsonFields::parse(r#"{"event_id_cnty": "X", "latitude": "north"}"#).expect("object");
        assert!(acled_draft(&bad).problems[0].contains("\"latitude\" must be a number"));
        assert!(is_acled(["data_id", "event_id_cnty", "event_date"]));
    }
}
