//! Reading `places.json` into [`Place`]s. Every record is checked field by
//! field and nothing is skipped: a bad record fails the whole file with its
//! index and the field at fault, so a broken asset is caught by its test
//! rather than by a place silently missing from search.

use std::collections::HashMap;

use geo::Coord;
use serde::Deserialize;
use serde_json::Value;

use super::{Place, PlacesError};

/// The record layout this reader understands, in order.
const FIELDS: [&str; 9] = [
    "geonameid",
    "name",
    "name_local",
    "lat",
    "lon",
    "population",
    "country",
    "part_of",
    "other_names",
];

/// The top level of the file. Records stay as loose JSON values so that a
/// bad one is reported by index and field, not by a serde type error.
#[derive(Deserialize)]
struct PlacesFile {
    fields: Vec<String>,
    places: Vec<Value>,
}

/// Parses and checks the places in `text`; `file` only names it in errors.
pub(super) fn places_from_json(text: &str, file: &str) -> Result<Vec<Place>, PlacesError> {
    let parsed: PlacesFile = serde_json::from_str(text).map_err(|e| json_error(&e, file))?;
    if parsed.fields != FIELDS {
        let problem = format!("expected {FIELDS:?}, found {:?}", parsed.fields);
        return Err(PlacesError::Fields {
            file: file.to_owned(),
            problem,
        });
    }
    let record_error = |index: usize, problem: String| PlacesError::Record {
        file: file.to_owned(),
        index,
        problem,
    };
    let places = parsed
        .places
        .iter()
        .enumerate()
        .map(|(index, value)| place_from(value).map_err(|problem| record_error(index, problem)))
        .collect::<Result<Vec<_>, _>>()?;
    check_links(&places).map_err(|(index, problem)| record_error(index, problem))?;
    Ok(places)
}

/// serde_json's error as file:line:column, with its own " at line L column C"
/// suffix removed so the position is not printed twice.
fn json_error(error: &serde_json::Error, file: &str) -> PlacesError {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    PlacesError::Json {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// One record, or what is wrong with it (naming the field).
fn place_from(value: &Value) -> Result<Place, String> {
    let Value::Array(items) = value else {
        return Err(format!(
            "expected an array of {} fields, found {}",
            FIELDS.len(),
            describe(value)
        ));
    };
    let [id, name, local, lat, lon, population, country, part_of, others] = items.as_slice() else {
        return Err(format!("expected {} fields, found {}", FIELDS.len(), items.len()));
    };
    let id = whole(id, "geonameid", 1, u32::MAX.into())?;
    let name = text(name, "name")?;
    if name.trim().is_empty() {
        return Err("name: empty".to_owned());
    }
    let lat = degrees(lat, "lat", 90.0)?;
    let lon = degrees(lon, "lon", 180.0)?;
    Ok(Place {
        id: u32::try_from(id).map_err(|_| "geonameid: too large".to_owned())?,
        name: name.into(),
        name_local: text(local, "name_local")?.into(),
        lonlat: Coord { x: lon, y: lat },
        population: u32::try_from(whole(population, "population", 0, u32::MAX.into())?)
            .map_err(|_| "population: too large".to_owned())?,
        country: country_code(country)?,
        part_of: part_of_value(part_of)?,
        other_names: other_names(others)?,
    })
}

/// A whole number within `min..=max`.
fn whole(value: &Value, field: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{field}: expected a whole number {min}..={max}, found {}",
            describe(value)
        )),
    }
}

/// A string field.
fn text<'v>(value: &'v Value, field: &str) -> Result<&'v str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("{field}: expected a string, found {}", describe(value)))
}

/// A latitude or longitude: a finite number within ±`limit` degrees.
fn degrees(value: &Value, field: &str, limit: f64) -> Result<f64, String> {
    match value.as_f64() {
        Some(d) if d.is_finite() && d.abs() <= limit => Ok(d),
        _ => Err(format!(
            "{field}: expected degrees within ±{limit}, found {}",
            describe(value)
        )),
    }
}

/// Two ASCII uppercase letters, as ISO 3166-1 alpha-2 codes are written.
fn country_code(value: &Value) -> Result<[u8; 2], String> {
    let found = || {
        format!(
            "country: expected a two-letter code such as \"UA\", found {}",
            describe(value)
        )
    };
    match value.as_str().map(str::as_bytes) {
        Some(&[a, b]) if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok([a, b]),
        _ => Err(found()),
    }
}

/// 0, -1, or a positive GeoNames id (checked against the file in [`check_links`]).
fn part_of_value(value: &Value) -> Result<i64, String> {
    match value.as_i64() {
        Some(n) if n >= -1 => Ok(n),
        _ => Err(format!(
            "part_of: expected 0, -1 or a geonameid, found {}",
            describe(value)
        )),
    }
}

/// The alternate names: an array of strings (may be empty).
fn other_names(value: &Value) -> Result<Box<[Box<str>]>, String> {
    let Value::Array(items) = value else {
        return Err(format!(
            "other_names: expected an array of strings, found {}",
            describe(value)
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| text(item, &format!("other_names[{i}]")).map(Box::from))
        .collect()
}

/// Ids are unique and every `part_of` id names another place in the file, so
/// a district always has its city to hand. Errors carry the record index.
fn check_links(places: &[Place]) -> Result<(), (usize, String)> {
    let mut by_id = HashMap::with_capacity(places.len());
    for (index, place) in places.iter().enumerate() {
        if let Some(first) = by_id.insert(place.id, index) {
            return Err((index, format!("geonameid {} repeats places[{first}]", place.id)));
        }
    }
    for (index, place) in places.iter().enumerate() {
        let Ok(city) = u32::try_from(place.part_of) else {
            continue;
        };
        if city != 0 && (city == place.id || !by_id.contains_key(&city)) {
            return Err((
                index,
                format!("part_of: {city} is not the geonameid of another place"),
            ));
        }
    }
    Ok(())
}

/// A short description of a JSON value for error messages: its type, and the
/// value itself when it is a scalar (long strings cut, so messages stay short).
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("{n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string {:?}…", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}
