//! One JSON event record → an [`Event`]: the fields read straight from the
//! record's bytes (strings borrowed, no `serde_json::Value` on the fast path)
//! into a [`Draft`], which [`RecordRules`] check and place. A record that
//! fails is read again, slowly, only to say precisely which field is wrong.
//! ACLED records (API responses, or arrays of ACLED rows) go through the
//! ACLED mapping instead.

use std::borrow::Cow;

use geo::Coord;
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::acled::acled_draft;
use super::diagnostic::{Diagnostic, LoadError, Location, Problem};
use super::draft::{Draft, RecordRules};
use super::event::{Categories, Event};
use super::fields::JsonFields;
use super::json::json_message;
use super::json_records::{Container, RecordSpan, shift_location};
use super::json_str::{JsonId, JsonStr, StringList};
use super::region::RegionSet;

/// Which field names the records of a file use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// borderwatch's own (see docs/events.md).
    Native,
    /// ACLED's export columns (`event_id_cnty`, `event_date`, ...).
    Acled,
}

impl Flavour {
    /// The flavour of a file's records, from its container and first record.
    pub fn detect(container: Container, first_record: &[u8]) -> Self {
        let acled = memchr::memmem::find(first_record, b"\"event_id_cnty\"").is_some();
        match container {
            Container::Data => Self::Acled,
            Container::Features => Self::Native,
            _ if acled => Self::Acled,
            _ => Self::Native,
        }
    }
}

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
}

impl<'a> RecordReader<'a> {
    /// A reader for the records of `file` (named so in messages), kept in
    /// `container` and using the names of `flavour`; events are placed in
    /// `regions` and remember `file_index`.
    pub fn new(
        file: &'a str,
        container: Container,
        flavour: Flavour,
        regions: &'a RegionSet,
        file_index: u32,
    ) -> Self {
        Self {
            file,
            container,
            flavour,
            rules: RecordRules::new(file, regions, file_index),
        }
    }

    /// Reads one record. `Ok(None)` when the record is rejected (the reason
    /// is in `messages`); `Err` when the file itself is broken (not UTF-8, not
    /// JSON), which stops the whole file. Warnings go to `messages`.
    pub fn read(
        &self,
        bytes: &[u8],
        span: &RecordSpan,
        categories: &mut Categories,
        messages: &mut Vec<Diagnostic>,
    ) -> Result<Option<Event>, LoadError> {
        let location = || {
            Location::file(self.file)
                .at(span.line as usize, span.column as usize)
                .record(self.container.collection(), span.index)
        };
        let json = match std::str::from_utf8(bytes) {
            Ok(json) => json,
            Err(error) => {
                let (line, column) = line_column(&bytes[..error.valid_up_to()]);
                let mut at = shift_location(location(), line, column);
                at.record = None;
                return Err(LoadError::new(at, Problem::NotUtf8));
            }
        };
        let mut warnings = Vec::new();
        match self.read_json(json, span, categories, &mut warnings) {
            Ok(event) => {
                messages.extend(
                    warnings
                        .into_iter()
                        .map(|text| Diagnostic::warning(location(), text)),
                );
                Ok(Some(event))
            }
            Err(Rejection::Invalid(text)) => {
                messages.push(Diagnostic::error(location(), format!("record rejected: {text}")));
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
        warnings: &mut Vec<String>,
    ) -> Result<Event, Rejection> {
        let draft = match (self.container, self.flavour) {
            (Container::Features, _) => {
                let feature: FeatureFields = serde_json::from_str(json).map_err(Rejection::Json)?;
                if feature.kind.as_ref().map(JsonStr::as_str) != Some("Feature") {
                    return Err(Rejection::Invalid(
                        "not a GeoJSON Feature (its \"type\" must be \"Feature\")".into(),
                    ));
                }
                let point = point_of(feature.geometry)?;
                let mut fields = feature.properties.unwrap_or_default();
                if fields.id.is_none() {
                    fields.id = feature.id;
                }
                let mut draft = fields.into_draft(warnings);
                draft.lon = Some(point.x);
                draft.lat = Some(point.y);
                draft
            }
            _ if !json.starts_with('{') => {
                // Let serde_json check the syntax first: broken JSON stops the file.
                serde_json::from_str::<de::IgnoredAny>(json).map_err(Rejection::Json)?;
                let found =
                    serde_json::from_str::<&RawValue>(json).map_or_else(|_| "a value".into(), describe);
                return Err(Rejection::Invalid(format!(
                    "a record must be a JSON object, found {found}"
                )));
            }
            (_, Flavour::Acled) => {
                let fields = JsonFields::parse(json).map_err(Rejection::Json)?;
                acled_draft(&fields).map_err(Rejection::Invalid)?
            }
            (_, Flavour::Native) => serde_json::from_str::<RecordFields>(json)
                .map_err(Rejection::Json)?
                .into_draft(warnings),
        };
        self.rules
            .event(draft, span.index, span.line, categories, warnings)
            .map_err(Rejection::Invalid)
    }

    /// Says which field of a rejected record is wrong, by reading it again as
    /// a map of raw values (which never recurses, however deep the values
    /// are nested). `None` when that finds nothing more precise.
    fn diagnose(&self, json: &str) -> Option<String> {
        // In file order, a field given twice seen both times.
        fn members(json: &str) -> Option<Vec<(Cow<'_, str>, &RawValue)>> {
            super::fields::object_members(json).ok()
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
        const TEXT: [&str; 8] = [
            "title",
            "date",
            "end_date",
            "category",
            "place",
            "region",
            "description",
            "precision",
        ];
        record.iter().find_map(|(key, value)| {
            let key = key.as_ref();
            let kind = raw_kind(value);
            let (wrong, expected) = match key {
                k if TEXT.contains(&k) => (!matches!(kind, RawKind::String | RawKind::Null), "a string"),
                "lat" | "latitude" | "lon" | "lng" | "longitude" => (
                    !matches!(kind, RawKind::Number | RawKind::Null),
                    "a number (degrees)",
                ),
                "id" => (
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

/// serde_json's complaint about broken JSON. The text it read is a whole
/// value (the scanner found its end), so running out of input means a
/// malformed literal such as `tru`, not a short file.
pub fn syntax_message(error: &serde_json::Error) -> String {
    if error.classify() == serde_json::error::Category::Eof {
        "not a valid JSON value".to_string()
    } else {
        json_message(error)
    }
}

/// 1-based line and column just after `bytes`.
fn line_column(bytes: &[u8]) -> (usize, usize) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
    (line, bytes.len() - start + 1)
}

/// A source as read: its name and link, borrowed when unescaped.
type SourceItem<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

/// `sources`: a list of `{name, url}` objects or plain strings (or one of them).
fn read_sources<'a>(raw: &'a RawValue, warnings: &mut Vec<String>) -> Vec<SourceItem<'a>> {
    /// A source given as an object.
    #[derive(Deserialize)]
    struct Object<'a> {
        #[serde(borrow, default)]
        name: Option<JsonStr<'a>>,
        #[serde(borrow, default)]
        url: Option<JsonStr<'a>>,
    }
    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).unwrap_or_else(|_| vec![raw]);
    let mut sources = Vec::with_capacity(items.len());
    for (n, item) in items.into_iter().enumerate() {
        // A name or an object, told apart by the first byte rather than by
        // trying one then the other (which buffers every object and builds
        // an error for each).
        let text = item.get();
        let source = match text.trim_start().as_bytes().first() {
            Some(b'"') => serde_json::from_str::<JsonStr>(text)
                .ok()
                .filter(|name| name.non_blank().is_some())
                .map(|name| (name.0, None)),
            Some(b'{') => serde_json::from_str::<Object>(text)
                .ok()
                .and_then(|Object { name, url }| {
                    let url = url.filter(|u| u.non_blank().is_some());
                    match name.filter(|n| n.non_blank().is_some()) {
                        Some(name) => Some((name.0, url.map(|u| u.0))),
                        None => url.map(|url| (url.0.clone(), Some(url.0))),
                    }
                }),
            _ => None,
        };
        match source {
            Some(source) => sources.push(source),
            None => warnings.push(format!(
                "sources[{n}] is not a name or a {{\"name\", \"url\"}} object; ignored"
            )),
        }
    }
    sources
}

/// The position of a GeoJSON Point geometry.
fn point_of(geometry: Option<&RawValue>) -> Result<Coord<f64>, Rejection> {
    #[derive(Deserialize)]
    struct Geometry<'a> {
        #[serde(rename = "type", borrow)]
        kind: JsonStr<'a>,
        #[serde(default, borrow)]
        coordinates: Option<&'a RawValue>,
    }
    let Some(geometry) = geometry.filter(|g| g.get() != "null") else {
        return Err(Rejection::Invalid(
            "the feature has no geometry; events need a Point".into(),
        ));
    };
    let geometry: Geometry = serde_json::from_str(geometry.get())
        .map_err(|error| Rejection::Invalid(format!("\"geometry\": {}", json_message(&error))))?;
    if geometry.kind.as_str() != "Point" {
        return Err(Rejection::Invalid(format!(
            "the geometry is a {}; events need a Point",
            geometry.kind.as_str()
        )));
    }
    let position = geometry
        .coordinates
        .and_then(|raw| serde_json::from_str::<Position>(raw.get()).ok());
    match position {
        Some(Position(Some(point))) => Ok(point),
        _ => Err(Rejection::Invalid(
            "the Point has no [longitude, latitude] coordinates".into(),
        )),
    }
}

/// A GeoJSON position: the first two numbers (longitude, latitude); any
/// altitude after them is ignored. `None` when there are fewer than two.
struct Position(Option<Coord<f64>>);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PositionVisitor;
        impl<'de> Visitor<'de> for PositionVisitor {
            type Value = Position;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("[longitude, latitude]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let x = seq.next_element::<f64>()?;
                let y = seq.next_element::<f64>()?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Position(x.zip(y).map(|(x, y)| Coord { x, y })))
            }
        }
        deserializer.deserialize_seq(PositionVisitor)
    }
}

/// A Feature's members that matter for events.
#[derive(Default)]
struct FeatureFields<'a> {
    kind: Option<JsonStr<'a>>,
    id: Option<JsonId<'a>>,
    geometry: Option<&'a RawValue>,
    properties: Option<RecordFields<'a>>,
}

impl<'de> Deserialize<'de> for FeatureFields<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FeatureVisitor;
        impl<'de> Visitor<'de> for FeatureVisitor {
            type Value = FeatureFields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a GeoJSON Feature object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut feature = FeatureFields::default();
                while let Some(key) = map.next_key::<JsonStr<'de>>()? {
                    match key.as_str() {
                        "type" => feature.kind = map.next_value()?,
                        "id" => feature.id = map.next_value()?,
                        "geometry" => feature.geometry = map.next_value()?,
                        "properties" => feature.properties = map.next_value()?,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(feature)
            }
        }
        deserializer.deserialize_map(FeatureVisitor)
    }
}

/// An event record's fields, borrowed from the file where possible.
#[derive(Default)]
struct RecordFields<'a> {
    id: Option<JsonId<'a>>,
    title: Option<JsonStr<'a>>,
    date: Option<JsonStr<'a>>,
    end_date: Option<JsonStr<'a>>,
    category: Option<JsonStr<'a>>,
    lat: Option<f64>,
    lon: Option<f64>,
    place: Option<JsonStr<'a>>,
    region: Option<JsonStr<'a>>,
    description: Option<JsonStr<'a>>,
    actors: Option<StringList<'a>>,
    troops: Option<&'a RawValue>,
    precision: Option<JsonStr<'a>>,
    sources: Option<&'a RawValue>,
    extra: Vec<(String, Value)>,
    /// Which known fields were met (one bit each), to notice one given twice.
    seen: u16,
    /// Known fields given more than once.
    repeated: Vec<&'static str>,
}

impl<'a> RecordFields<'a> {
    /// Notes that the field numbered `bit` was met.
    fn mark(&mut self, bit: u16, name: &'static str) {
        if self.seen & (1 << bit) != 0 && !self.repeated.contains(&name) {
            self.repeated.push(name);
        }
        self.seen |= 1 << bit;
    }

    /// The fields as a draft; `sources` given in a form that cannot be read,
    /// and fields given twice, are warned about.
    fn into_draft(self, warnings: &mut Vec<String>) -> Draft<'a> {
        for name in &self.repeated {
            warnings.push(format!(
                "field \"{name}\" is given more than once; the last one is used"
            ));
        }
        Draft {
            id: self.id.map(|id| id.0),
            title: self.title.map(|t| t.0),
            date: self.date.map(|t| t.0),
            end_date: self.end_date.map(|t| t.0),
            category: self.category.map(|t| t.0),
            lon: self.lon,
            lat: self.lat,
            place: self.place.map(|t| t.0),
            region: self.region.map(|t| t.0),
            description: self.description.map(|t| t.0),
            actors: self
                .actors
                .map(|list| list.0.into_iter().map(|a| a.0).collect())
                .unwrap_or_default(),
            troops: self.troops.map(|raw| Cow::Borrowed(raw.get())),
            precision: self.precision.map(|t| t.0),
            sources: self
                .sources
                .map(|raw| read_sources(raw, warnings))
                .unwrap_or_default(),
            extra: self.extra,
        }
    }
}

impl<'de> Deserialize<'de> for RecordFields<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordVisitor;
        impl<'de> Visitor<'de> for RecordVisitor {
            type Value = RecordFields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut r = RecordFields::default();
                while let Some(key) = map.next_key::<JsonStr<'de>>()? {
                    match key.as_str() {
                        "id" => {
                            r.mark(0, "id");
                            r.id = map.next_value()?;
                        }
                        "title" => {
                            r.mark(1, "title");
                            r.title = map.next_value()?;
                        }
                        "date" => {
                            r.mark(2, "date");
                            r.date = map.next_value()?;
                        }
                        "end_date" => {
                            r.mark(3, "end_date");
                            r.end_date = map.next_value()?;
                        }
                        "category" => {
                            r.mark(4, "category");
                            r.category = map.next_value()?;
                        }
                        "lat" | "latitude" => {
                            r.mark(5, "lat");
                            r.lat = map.next_value()?;
                        }
                        "lon" | "lng" | "longitude" => {
                            r.mark(6, "lon");
                            r.lon = map.next_value()?;
                        }
                        "place" => {
                            r.mark(7, "place");
                            r.place = map.next_value()?;
                        }
                        "region" => {
                            r.mark(8, "region");
                            r.region = map.next_value()?;
                        }
                        "description" => {
                            r.mark(9, "description");
                            r.description = map.next_value()?;
                        }
                        "actors" => {
                            r.mark(10, "actors");
                            r.actors = map.next_value()?;
                        }
                        "troops" => {
                            r.mark(11, "troops");
                            r.troops = map.next_value()?;
                        }
                        "precision" => {
                            r.mark(12, "precision");
                            r.precision = map.next_value()?;
                        }
                        "sources" => {
                            r.mark(13, "sources");
                            r.sources = map.next_value()?;
                        }
                        _ => {
                            let value: Value = map.next_value()?;
                            r.extra.push((key.0.into_owned(), value));
                        }
                    }
                }
                Ok(r)
            }
        }
        deserializer.deserialize_map(RecordVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(json: &str) -> (Vec<(String, Option<String>)>, Vec<String>) {
        let raw: &RawValue = serde_json::from_str(json).expect("JSON");
        let mut warnings = Vec::new();
        let read = read_sources(raw, &mut warnings)
            .into_iter()
            .map(|(name, url)| (name.into_owned(), url.map(Cow::into_owned)))
            .collect();
        (read, warnings)
    }

    #[test]
    fn sources_are_names_or_objects_and_anything_else_is_warned_about() {
        let (read, warnings) = sources(
            r#"[ "Castanet", {"name": "TASS", "url": "https://tass.ru/1", "lang": "ru"},
                {"url": "https://x.org/a"}, ["Meduza", "https://meduza.io"], 7,
                {"name": 3}, "  ", {"name": "Esc\"aped"}, null ]"#,
        );
        let owned = |name: &str, url: Option<&str>| (name.to_string(), url.map(str::to_string));
        assert_eq!(
            read,
            [
                owned("Castanet", None),
                owned("TASS", Some("https://tass.ru/1")),
                owned("https://x.org/a", Some("https://x.org/a")),
                owned("Esc\"aped", None),
            ]
        );
        let ignored: Vec<&str> = warnings
            .iter()
            .map(|w| w.split(']').next().unwrap_or_default())
            .collect();
        assert_eq!(
            ignored,
            ["sources[3", "sources[4", "sources[5", "sources[6", "sources[8"]
        );
        // One source on its own, not in a list.
        assert_eq!(sources(r#" "Reuters" "#).0, [owned("Reuters", None)]);
        assert_eq!(sources(r#"{"name": "AP"}"#).0, [owned("AP", None)]);
    }
}
