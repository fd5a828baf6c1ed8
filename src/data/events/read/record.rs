//! One JSON event record → an [`Event`]: the fields read straight from the
//! record's bytes (strings borrowed, no `serde_json::Value` on the fast path)
//! into a [`Draft`](crate::data::events::draft::Draft), which [`RecordRules`] check and place. A record that
//! fails is read again, slowly, only to say precisely which field is wrong.
//! ACLED records (API responses, or arrays of ACLED rows) go through the
//! ACLED mapping instead.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::acled::acled_draft;
use super::batch::{Flavour, TaskOutput};
use super::fields::{JsonFields, object_members};
use serde::de::DeserializeSeed;

use super::json_fields::{FeatureFields, FeatureSeed, RecordSeed, point_of};
use crate::data::container::Container;
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::events::category::Categories;
use crate::data::events::draft::RecordRules;
use crate::data::events::event::{Event, TextLayout};
use crate::data::json::strings::JsonStr;
use crate::data::json::{RecordSpan, json_message, line_column_after, shift_location, syntax_message};
use crate::data::regions::RegionSet;

/// What reading the records of one file needs to know.
pub struct RecordReader<'a> {
    file: &'a str,
    container: Container,
    flavour: Flavour,
    rules: RecordRules<'a>,
}

/// Why a record was not used.
enum Rejection {
    /// The JSON of the record is not of the expected shape.
    Json(serde_json::Error),
    /// It parses but cannot be used.
    Invalid(String),
    /// It parses but cannot be used, for each of these reasons.
    Problems(Vec<String>),
}

impl<'a> RecordReader<'a> {
    /// A reader for the records of `file` (named so in messages), kept in
    /// `container` and using the names of `flavour`, checked and placed by
    /// `rules`.
    pub fn new(file: &'a str, container: Container, flavour: Flavour, rules: RecordRules<'a>) -> Self {
        Self {
            file,
            container,
            flavour,
            rules,
        }
    }

    /// A reader for a file in borderwatch's own names, placed in `regions`.
    pub fn native(
        file: &'a str,
        container: Container,
        flavour: Flavour,
        regions: &'a RegionSet,
        file_index: u32,
    ) -> Self {
        Self::new(
            file,
            container,
            flavour,
            RecordRules::new(file, regions, file_index),
        )
    }

    /// Reads one record. `Ok(None)` when the record is rejected (the reason
    /// is in `messages`); `Err` when the file itself is broken (not UTF-8, not
    /// JSON), which stops the whole file. Warnings go to `messages`.
    pub fn read(
        &self,
        bytes: &[u8],
        span: &RecordSpan,
        output: &mut TaskOutput,
    ) -> Result<Option<Event>, LoadError> {
        let TaskOutput {
            categories,
            messages,
            texts: layout,
            ..
        } = output;
        // A record rejected after its texts were laid out leaves none there.
        let laid_out = layout.len();
        let location = || {
            Location::file(self.file)
                .at(span.line as usize, span.column as usize)
                .record(self.container.collection(), span.index)
        };
        let json = match std::str::from_utf8(bytes) {
            Ok(json) => json,
            Err(error) => {
                let (line, column) = line_column_after(&bytes[..error.valid_up_to()]);
                let mut at = shift_location(location(), line, column);
                at.record = None;
                return Err(LoadError::new(at, Problem::NotUtf8));
            }
        };
        let mut warnings = Vec::new();
        let mut result = self.read_json(json, span, categories, layout, &mut warnings);
        // Python's json.dumps writes NaN and Infinity, which JSON has not: a
        // record that is not JSON is looked at for them (only then: the scan
        // costs) and read again with null in their place, then rejected with
        // every problem named.
        if matches!(result, Err(Rejection::Json(_)))
            && let Some((cleaned, non_finite)) = non_finite_members(json)
        {
            warnings.clear();
            let again = self.read_json(&cleaned, span, categories, layout, &mut warnings);
            result = rejected_if_non_finite(again, non_finite);
        }
        if result.is_err() {
            layout.truncate(laid_out);
        }
        match result {
            Ok(event) => {
                messages.extend(
                    warnings
                        .into_iter()
                        .map(|text| Diagnostic::warning(location(), text)),
                );
                if let Some(note) = self.rules.note(&event) {
                    messages.push(Diagnostic::info(location(), note));
                }
                Ok(Some(event))
            }
            Err(Rejection::Invalid(text)) => {
                messages.push(Diagnostic::error(location(), format!("record rejected: {text}")));
                Ok(None)
            }
            Err(Rejection::Problems(problems)) => {
                messages.extend(
                    problems
                        .into_iter()
                        .map(|text| Diagnostic::error(location(), format!("record rejected: {text}"))),
                );
                Ok(None)
            }
            Err(Rejection::Json(error)) => {
                let at = shift_location(location(), error.line(), error.column());
                if error.to_string().starts_with("recursion limit exceeded") {
                    messages.push(Diagnostic::error(
                        at,
                        "record rejected: values nested more than 128 levels deep",
                    ));
                    return Ok(None);
                }
                if error.classify() != serde_json::error::Category::Data {
                    // Broken JSON: the file cannot be read as a whole.
                    let mut at = at;
                    at.record = None;
                    return Err(LoadError::new(at, Problem::Json(syntax_message(&error))));
                }
                let reason = self.diagnose(json).unwrap_or_else(|| json_message(&error));
                messages.push(Diagnostic::error(at, format!("record rejected: {reason}")));
                Ok(None)
            }
        }
    }

    fn read_json(
        &self,
        json: &str,
        span: &RecordSpan,
        categories: &mut Categories,
        layout: &mut TextLayout,
        warnings: &mut Vec<String>,
    ) -> Result<Event, Rejection> {
        let draft = match (self.container, self.flavour) {
            (Container::Features, _) => {
                let mut deserializer = serde_json::Deserializer::from_str(json);
                let feature: FeatureFields = FeatureSeed(self.rules.names())
                    .deserialize(&mut deserializer)
                    .and_then(|feature| deserializer.end().map(|()| feature))
                    .map_err(Rejection::Json)?;
                if feature.kind.as_ref().map(JsonStr::as_str) != Some("Feature") {
                    return Err(Rejection::Invalid(
                        "not a GeoJSON Feature (its \"type\" must be \"Feature\")".into(),
                    ));
                }
                let point = point_of(feature.geometry);
                let mut fields = feature.properties.unwrap_or_default();
                if fields.id.is_none() {
                    fields.id = feature.id;
                }
                let mut draft = fields.into_draft(warnings);
                match point {
                    Ok(point) => {
                        draft.lon = Some(point.x);
                        draft.lat = Some(point.y);
                    }
                    // A null geometry with the position among the properties.
                    Err(_)
                        if feature.geometry.is_none_or(|g| g.get() == "null")
                            && draft.lat.is_some()
                            && draft.lon.is_some() => {}
                    Err(problem) => return Err(Rejection::Invalid(problem)),
                }
                draft
            }
            _ if !json.starts_with('{') => {
                // Let serde_json check the syntax first: broken JSON stops the file.
                serde_json::from_str::<serde::de::IgnoredAny>(json).map_err(Rejection::Json)?;
                let found =
                    serde_json::from_str::<&RawValue>(json).map_or_else(|_| "a value".into(), describe);
                return Err(Rejection::Invalid(format!(
                    "a record must be a JSON object, found {found}"
                )));
            }
            (_, Flavour::Acled) => {
                let fields = JsonFields::parse(json).map_err(Rejection::Json)?;
                acled_draft(&fields)
            }
            (_, Flavour::Native) => {
                let mut deserializer = serde_json::Deserializer::from_str(json);
                RecordSeed(self.rules.names())
                    .deserialize(&mut deserializer)
                    .and_then(|fields| deserializer.end().map(|()| fields))
                    .map_err(Rejection::Json)?
                    .into_draft(warnings)
            }
        };
        self.rules
            .event(draft, span.index, span.line, categories, layout, warnings)
            .map_err(Rejection::Problems)
    }

    /// Says which field of a rejected record is wrong, by reading it again as
    /// a map of raw values (which never recurses, however deep the values
    /// are nested). `None` when that finds nothing more precise.
    fn diagnose(&self, json: &str) -> Option<String> {
        // In file order, a field given twice seen both times.
        fn members(json: &str) -> Option<Vec<(Cow<'_, str>, &RawValue)>> {
            object_members(json).ok()
        }
        let record = match self.container {
            Container::Features => {
                let feature = members(json)?;
                let member = |name: &str| feature.iter().rev().find(|(k, _)| k == name).map(|(_, v)| *v);
                if let Some(geometry) = member("geometry")
                    && !matches!(raw_kind(geometry), RawKind::Object | RawKind::Null)
                {
                    return Some(format!(
                        "\"geometry\" must be a GeoJSON geometry object, found {}",
                        describe(geometry)
                    ));
                }
                match member("properties") {
                    Some(properties) if raw_kind(properties) == RawKind::Object => members(properties.get())?,
                    Some(properties) if raw_kind(properties) != RawKind::Null => {
                        return Some(format!(
                            "\"properties\" must be an object, found {}",
                            describe(properties)
                        ));
                    }
                    _ => return None,
                }
            }
            _ => members(json)?,
        };
        const TEXT: [&str; 6] = ["title", "category", "place", "region", "description", "precision"];
        record.iter().find_map(|(key, value)| {
            let key = key.as_ref();
            let kind = raw_kind(value);
            let (wrong, expected) = match key {
                k if TEXT.contains(&k) => (!matches!(kind, RawKind::String | RawKind::Null), "a string"),
                "lat" | "latitude" | "lon" | "lng" | "longitude" => (
                    !matches!(kind, RawKind::Number | RawKind::String | RawKind::Null),
                    "a number (degrees)",
                ),
                "id" | "date" | "end_date" | "date_precision" | "time_precision" => (
                    !matches!(kind, RawKind::String | RawKind::Number | RawKind::Null),
                    "a string or a number",
                ),
                "actors" => (
                    match kind {
                        RawKind::Array => serde_json::from_str::<Vec<&RawValue>>(value.get())
                            .map_or(true, |items| items.iter().any(|i| raw_kind(i) != RawKind::String)),
                        other => !matches!(other, RawKind::String | RawKind::Null),
                    },
                    "a list of strings",
                ),
                _ => (false, ""),
            };
            wrong.then(|| format!("field \"{key}\" must be {expected}, found {}", describe(value)))
        })
    }
}

/// A record with `NaN` or `Infinity` values is rejected for them, and for
/// whatever else is wrong with it.
fn rejected_if_non_finite(
    result: Result<Event, Rejection>,
    non_finite: Vec<String>,
) -> Result<Event, Rejection> {
    if non_finite.is_empty() {
        return result;
    }
    match result {
        Ok(_) => Err(Rejection::Problems(non_finite)),
        Err(Rejection::Problems(more)) => {
            Err(Rejection::Problems(non_finite.into_iter().chain(more).collect()))
        }
        Err(Rejection::Invalid(more)) => Err(Rejection::Problems(
            non_finite.into_iter().chain([more]).collect(),
        )),
        Err(json_error) => Err(json_error),
    }
}

/// `NaN`, `Infinity` and `-Infinity` written as values (outside strings),
/// as Python's `json.dumps` writes them: the record's text with `null` in
/// their place and one problem for each, naming its field. `None` when the
/// record has none. Called only for a record serde_json could not read.
pub(super) fn non_finite_members(json: &str) -> Option<(String, Vec<String>)> {
    memchr::memchr2(b'N', b'I', json.as_bytes())?;
    let bytes = json.as_bytes();
    let mut cleaned = String::with_capacity(json.len());
    let mut problems = Vec::new();
    let (mut i, mut copied) = (0, 0);
    let mut in_string = false;
    let mut last_string: (usize, usize) = (0, 0);
    let mut string_start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => {
                    in_string = false;
                    last_string = (string_start, i);
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            string_start = i + 1;
            i += 1;
            continue;
        }
        let token = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|t| bytes[i..].starts_with(t.as_bytes()));
        let Some(token) = token else {
            i += 1;
            continue;
        };
        let key = json.get(last_string.0..last_string.1).unwrap_or("?");
        problems.push(format!(
            "field \"{key}\" is {token}, which is not a JSON number (Python's json.dumps writes it for a missing or infinite value)"
        ));
        cleaned.push_str(&json[copied..i]);
        cleaned.push_str("null");
        i += token.len();
        copied = i;
    }
    if problems.is_empty() {
        return None;
    }
    cleaned.push_str(&json[copied..]);
    Some((cleaned, problems))
}

/// The kind of a JSON value, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

fn raw_kind(value: &RawValue) -> RawKind {
    match value.get().as_bytes().first() {
        Some(b'n') => RawKind::Null,
        Some(b't' | b'f') => RawKind::Bool,
        Some(b'"') => RawKind::String,
        Some(b'[') => RawKind::Array,
        Some(b'{') => RawKind::Object,
        _ => RawKind::Number,
    }
}

/// A JSON value as a message names it: `the string "47.2"`, `an array`.
fn describe(value: &RawValue) -> String {
    let text = value.get();
    match raw_kind(value) {
        RawKind::Null => "null".into(),
        RawKind::Bool => text.to_string(),
        RawKind::Number => format!("the number {text}"),
        RawKind::String => match serde_json::from_str::<String>(text) {
            Ok(s) if s.chars().count() <= 40 => format!("the string \"{s}\""),
            _ => "a string".into(),
        },
        RawKind::Array => "an array".into(),
        RawKind::Object => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_are_found_outside_strings_only() {
        assert_eq!(non_finite_members(r#"{"title": "NaN Infinity", "lat": 1}"#), None);
        let (cleaned, problems) =
            non_finite_members(r#"{"title": "Учения", "lat": NaN, "lon": -Infinity, "q": "\"NaN"}"#)
                .expect("found");
        assert_eq!(
            cleaned,
            r#"{"title": "Учения", "lat": null, "lon": null, "q": "\"NaN"}"#
        );
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("field \"lat\" is NaN"), "{problems:?}");
        assert!(
            problems[1].starts_with("field \"lon\" is -Infinity"),
            "{problems:?}"
        );
        // Multi-byte text right before a capital letter does not split a character.
        assert_eq!(non_finite_members("{\"t\": \"ё\", \"Ёx\": 1, \"I\": 2}"), None);
        // Broken JSON with multi-byte text outside strings does not panic.
        assert!(non_finite_members("{\"a\": ёNaN, \"b\": Ё}").is_some());
    }
}
