//! ACLED exports → events. ACLED (the Armed Conflict Location & Event Data
//! project) publishes CSV exports and an API whose JSON gives every value as
//! a string; both use the same column names, recognised here by
//! `event_id_cnty` and `event_date`. The mapping is documented in
//! docs/events.md.

use std::borrow::Cow;

use super::fields::Fields;
use crate::data::events::category::EventCategory;
use crate::data::events::date::days_in_month;
use crate::data::events::draft::Draft;

/// Whether column or member names are ACLED's.
pub fn is_acled<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let names: Vec<&str> = names.into_iter().map(str::trim).collect();
    names.contains(&"event_id_cnty") && names.contains(&"event_date")
}

/// ACLED fields kept with the event, under these names.
const KEPT: [(&str, &str); 7] = [
    ("sub_event_type", "subcategory"),
    ("event_type", "acled_event_type"),
    ("fatalities", "fatalities"),
    ("time_precision", "time_precision"),
    ("admin1", "admin1"),
    ("admin2", "admin2"),
    ("country", "country"),
];

/// An ACLED record as a draft event.
pub fn acled_draft(fields: &dyn Fields) -> Result<Draft<'static>, String> {
    let text = |name: &str| fields.text(name).map(|t| t.into_owned());
    let event_type = text("event_type");
    let sub_event_type = text("sub_event_type");
    let location = text("location");
    let date = match text("event_date") {
        Some(date) => parse_acled_date(&date).ok_or_else(|| {
            format!(
                "field \"event_date\": \"{date}\" is not a date ACLED writes (2025-05-16, 16 May 2025 or 16-05-2025)"
            )
        })?,
        None => return Err("missing required field \"event_date\"".into()),
    };
    let coordinate = |name: &str| -> Result<Option<f64>, String> {
        match text(name) {
            None => Ok(None),
            Some(value) => value
                .parse::<f64>()
                .map(Some)
                .map_err(|_| format!("field \"{name}\" must be a number (degrees), found \"{value}\"")),
        }
    };
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
    let extra = kept_fields(fields);
    Ok(Draft {
        id: text("event_id_cnty").map(Cow::Owned),
        title: Some(Cow::Owned(title)),
        date: Some(Cow::Owned(date)),
        end_date: None,
        category: Some(Cow::Owned(category(
            event_type.as_deref().unwrap_or(""),
            sub_event_type.as_deref().unwrap_or(""),
        ))),
        lat: coordinate("latitude")?,
        lon: coordinate("longitude")?,
        place: location.map(Cow::Owned),
        region: None,
        description: text("notes").map(Cow::Owned),
        actors,
        troops: None,
        precision: precision.map(Cow::Borrowed),
        sources,
        extra,
    })
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
                Ok(number) if matches!(column, "fatalities" | "time_precision") => serde_json::json!(number),
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

/// An ACLED date as ISO `YYYY-MM-DD`: `2025-05-16`, `16 May 2025`,
/// `16-May-2025`, `16-05-2025` or `16/05/2025`.
pub fn parse_acled_date(text: &str) -> Option<String> {
    let text = text.trim();
    let parts: Vec<&str> = text
        .split([' ', '-', '/', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let number = |s: &str| s.parse::<u32>().ok();
    let (year, month, day) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [d, m, y] if y.len() == 4 => {
            let month = number(m).or_else(|| month_number(m))?;
            (number(y)?, month, number(d)?)
        }
        _ => return None,
    };
    let year = i32::try_from(year).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// January → 1, from a full or three-letter English name in any case.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = name.to_ascii_lowercase();
    if name.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&name) && (name.len() == 3 || name.len() == m.len()))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::events::read::fields::JsonFields;

    #[test]
    fn acled_dates_in_every_export_form() {
        assert_eq!(parse_acled_date("2025-05-16").as_deref(), Some("2025-05-16"));
        assert_eq!(parse_acled_date("16 May 2025").as_deref(), Some("2025-05-16"));
        assert_eq!(parse_acled_date("16 may 2025").as_deref(), Some("2025-05-16"));
        assert_eq!(parse_acled_date("16-May-2025").as_deref(), Some("2025-05-16"));
        assert_eq!(
            parse_acled_date("6 September 2024").as_deref(),
            Some("2024-09-06")
        );
        assert_eq!(parse_acled_date("16-05-2025").as_deref(), Some("2025-05-16"));
        assert_eq!(parse_acled_date("16/05/2025").as_deref(), Some("2025-05-16"));
        for bad in [
            "31 Feb 2025",
            "2025-13-01",
            "16 Mai 2025",
            "May 2025",
            "16-05-25",
            "",
            "Sept 16 2025",
        ] {
            assert_eq!(parse_acled_date(bad), None, "{bad}");
        }
    }

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
        let draft = acled_draft(&record).expect("maps");
        assert_eq!(draft.id.as_deref(), Some("RUS12345"));
        assert_eq!(draft.title.as_deref(), Some("Air/drone strike in Shebekino"));
        assert_eq!(draft.date.as_deref(), Some("2024-08-12"));
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

        let bad = JsonFields::parse(r#"{"event_id_cnty": "X", "event_date": "someday"}"#).expect("object");
        assert!(acled_draft(&bad).expect_err("bad date").contains("\"someday\""));
        assert!(is_acled(["data_id", "event_id_cnty", "event_date"]));
    }
}
