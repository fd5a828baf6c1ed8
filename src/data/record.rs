//! One event record → an [`Event`]: the fields read straight from the
//! record's bytes (strings borrowed, no `serde_json::Value` on the fast path),
//! checked, and placed in a region. A record that fails is read again, slowly,
//! only to say precisely which field is wrong.

use std::collections::HashMap;

use geo::Coord;
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::date::EventDate;
use super::diagnostic::{Diagnostic, LoadError, Location, Problem};
use super::event::{
    Categories, CategoryId, Event, EventCategory, EventOrigin, EventTexts, Precision, SourceRef,
};
use super::json::json_message;
use super::json_records::{Container, RecordSpan, shift_location};
use super::json_str::{JsonId, JsonStr, StringList};
use super::region::RegionSet;

/// What reading the records of one file needs to know.
pub struct RecordReader<'a> {
    file: &'a str,
    container: Container,
    regions: &'a RegionSet,
    region_ids: HashMap<&'a str, u32>,
    file_index: u32,
    stem: String,
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
    /// `container`; events are placed in `regions` and remember `file_index`.
    pub fn new(file: &'a str, container: Container, regions: &'a RegionSet, file_index: u32) -> Self {
        Self {
            file,
            container,
            regions,
            region_ids: regions
                .regions()
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i as u32))
                .collect(),
            file_index,
            stem: file_stem(file),
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
        let (fields, point) = match self.container {
            Container::Features => {
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
                (fields, Some(point))
            }
            _ => {
                if !json.starts_with('{') {
                    // Let serde_json check the syntax first: broken JSON stops the file.
                    serde_json::from_str::<de::IgnoredAny>(json).map_err(Rejection::Json)?;
                    let found =
                        serde_json::from_str::<&RawValue>(json).map_or_else(|_| "a value".into(), describe);
                    return Err(Rejection::Invalid(format!(
                        "a record must be a JSON object, found {found}"
                    )));
                }
                (
                    serde_json::from_str::<RecordFields>(json).map_err(Rejection::Json)?,
                    None,
                )
            }
        };
        self.build_event(fields, point, span, categories, warnings)
    }

    fn build_event(
        &self,
        fields: RecordFields<'_>,
        point: Option<Coord<f64>>,
        span: &RecordSpan,
        categories: &mut Categories,
        warnings: &mut Vec<String>,
    ) -> Result<Event, Rejection> {
        let Some(title) = fields.title.as_ref().and_then(JsonStr::non_blank) else {
            return Err(Rejection::Invalid("missing required field \"title\"".into()));
        };
        let date = match fields.date.as_ref().and_then(JsonStr::non_blank) {
            Some(text) => {
                EventDate::parse_iso(text).map_err(|e| Rejection::Invalid(format!("field \"date\": {e}")))?
            }
            None => return Err(Rejection::Invalid("missing required field \"date\"".into())),
        };
        let position = match point {
            Some(point) => point,
            None => match (fields.lon, fields.lat) {
                (Some(lon), Some(lat)) => Coord { x: lon, y: lat },
                (None, None) => {
                    return Err(Rejection::Invalid(
                        "missing coordinates: give \"lat\" and \"lon\" in degrees".into(),
                    ));
                }
                (None, Some(_)) => return Err(Rejection::Invalid("missing required field \"lon\"".into())),
                (Some(_), None) => return Err(Rejection::Invalid("missing required field \"lat\"".into())),
            },
        };
        check_position(position).map_err(Rejection::Invalid)?;

        let end_date = match fields.end_date.as_ref().and_then(JsonStr::non_blank) {
            None => None,
            Some(text) => match EventDate::parse_iso(text) {
                Ok(end) if end < date => {
                    warnings.push(format!(
                        "\"end_date\" {end} is before \"date\" {date}; end date ignored"
                    ));
                    None
                }
                Ok(end) => Some(end),
                Err(error) => {
                    warnings.push(format!("field \"end_date\": {error}; end date ignored"));
                    None
                }
            },
        };
        let category = match fields.category.as_ref().and_then(JsonStr::non_blank) {
            Some(name) => categories.intern(name),
            None => CategoryId::known(EventCategory::Other),
        };
        let precision = fields
            .precision
            .as_ref()
            .and_then(JsonStr::non_blank)
            .and_then(|name| {
                let precision = Precision::from_name(name);
                if precision.is_none() {
                    warnings.push(format!(
                        "\"precision\" \"{name}\" is not one of exact, approximate, region; ignored"
                    ));
                }
                precision
            });
        let troops = fields.troops.and_then(|raw| {
            let troops = whole_number(raw.get());
            if troops.is_none() && raw.get() != "null" {
                warnings.push(format!(
                    "\"troops\" must be a whole number, found {}; ignored",
                    raw.get()
                ));
            }
            troops
        });
        let sources = fields
            .sources
            .map(|raw| read_sources(raw, warnings))
            .unwrap_or_default();
        let declared_region = fields.region.as_ref().and_then(JsonStr::non_blank);
        let region = self.assign_region(declared_region, position, warnings);
        let generated;
        let id = match fields
            .id
            .as_ref()
            .map(|id| id.0.trim())
            .filter(|id| !id.is_empty())
        {
            Some(id) => id,
            None => {
                generated = format!("{}#{}", self.stem, span.index);
                &generated
            }
        };
        let texts = EventTexts {
            id,
            title,
            place: fields.place.as_ref().and_then(JsonStr::non_blank),
            description: fields.description.as_ref().and_then(JsonStr::non_blank),
            declared_region,
            actors: fields
                .actors
                .as_ref()
                .map(|list| list.0.iter().filter_map(JsonStr::non_blank).collect())
                .unwrap_or_default(),
            sources: sources
                .iter()
                .map(|(name, url)| SourceRef {
                    name: name.as_str(),
                    url: url.as_ref().map(JsonStr::as_str),
                })
                .collect(),
        };
        let mut event = Event::new(&texts, date, position);
        event.end_date = end_date;
        event.category = category;
        event.precision = precision;
        event.troops = troops;
        event.region = region;
        event.extra = (!fields.extra.is_empty()).then(|| Box::new(fields.extra.into_iter().collect()));
        event.origin = EventOrigin {
            file: self.file_index,
            record: span.index as u32,
            line: span.line,
        };
        Ok(event)
    }

    /// The region an event belongs to: the declared one when it is loaded
    /// (warning if the coordinates say otherwise), else the one containing it.
    fn assign_region(
        &self,
        declared: Option<&str>,
        position: Coord<f64>,
        warnings: &mut Vec<String>,
    ) -> Option<u32> {
        let located = self.regions.locate(position).map(|i| i as u32);
        let Some(declared) = declared else {
            return located;
        };
        let Some(&index) = self.region_ids.get(declared) else {
            warnings.push(format!(
                "\"region\" \"{declared}\" is not a loaded region; placed by its coordinates in {}",
                self.region_name(located)
            ));
            return located;
        };
        if located != Some(index) {
            warnings.push(format!(
                "\"region\" is \"{declared}\" but the coordinates are in {}; kept in \"{declared}\"",
                self.region_name(located)
            ));
        }
        Some(index)
    }

    fn region_name(&self, index: Option<u32>) -> String {
        index
            .and_then(|i| self.regions.get(i as usize))
            .map_or_else(|| "no tracked region".to_string(), |r| format!("\"{}\"", r.id))
    }

    /// Says which field of a rejected record is wrong, by reading it again as
    /// a map of raw values (which never recurses, however deep the values
    /// are nested). `None` when that finds nothing more precise.
    fn diagnose(&self, json: &str) -> Option<String> {
        type RawMap<'a> = Vec<(String, &'a RawValue)>;
        fn members(json: &str) -> Option<RawMap<'_>> {
            let map: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(json).ok()?;
            Some(map.into_iter().collect())
        }
        let record = match self.container {
            Container::Features => {
                let feature = members(json)?;
                let member = |name: &str| feature.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
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
            let key = key.as_str();
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

/// Checks that a position is WGS84 longitude/latitude.
fn check_position(position: Coord<f64>) -> Result<(), String> {
    if (-90.0..=90.0).contains(&position.y) && (-180.0..=180.0).contains(&position.x) {
        Ok(())
    } else {
        Err(format!(
            "coordinates lat {}, lon {} are outside WGS84 degrees (latitude -90..90, longitude -180..180)",
            position.y, position.x
        ))
    }
}

/// 1-based line and column just after `bytes`.
fn line_column(bytes: &[u8]) -> (usize, usize) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
    (line, bytes.len() - start + 1)
}

/// The file name without folders and extension, for generated ids.
pub fn file_stem(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let name = name.strip_prefix("bundled:").unwrap_or(name);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

/// A non-negative whole number written as an integer or as an integral float.
fn whole_number(json: &str) -> Option<u64> {
    if let Ok(n) = json.parse::<u64>() {
        return Some(n);
    }
    let f: f64 = json.parse().ok()?;
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1e18).then_some(f as u64)
}

/// A source as read: its name and link, borrowed when unescaped.
type SourceItem<'a> = (JsonStr<'a>, Option<JsonStr<'a>>);

/// `sources`: a list of `{name, url}` objects or plain strings (or one of them).
fn read_sources<'a>(raw: &'a RawValue, warnings: &mut Vec<String>) -> Vec<SourceItem<'a>> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item<'a> {
        Name(#[serde(borrow)] JsonStr<'a>),
        Object {
            #[serde(borrow, default)]
            name: Option<JsonStr<'a>>,
            #[serde(borrow, default)]
            url: Option<JsonStr<'a>>,
        },
    }
    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).unwrap_or_else(|_| vec![raw]);
    let mut sources = Vec::with_capacity(items.len());
    for (n, item) in items.into_iter().enumerate() {
        let source = match serde_json::from_str::<Item>(item.get()) {
            Ok(Item::Name(name)) => name.non_blank().is_some().then_some((name, None)),
            Ok(Item::Object { name, url }) => {
                let url = url.filter(|u| u.non_blank().is_some());
                match name.filter(|n| n.non_blank().is_some()) {
                    Some(name) => Some((name, url)),
                    None => url.map(|url| (url.clone(), Some(url))),
                }
            }
            Err(_) => None,
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
                        "id" => r.id = map.next_value()?,
                        "title" => r.title = map.next_value()?,
                        "date" => r.date = map.next_value()?,
                        "end_date" => r.end_date = map.next_value()?,
                        "category" => r.category = map.next_value()?,
                        "lat" | "latitude" => r.lat = map.next_value()?,
                        "lon" | "lng" | "longitude" => r.lon = map.next_value()?,
                        "place" => r.place = map.next_value()?,
                        "region" => r.region = map.next_value()?,
                        "description" => r.description = map.next_value()?,
                        "actors" => r.actors = map.next_value()?,
                        "troops" => r.troops = map.next_value()?,
                        "precision" => r.precision = map.next_value()?,
                        "sources" => r.sources = map.next_value()?,
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
