//! borderwatch's own JSON fields read straight from a record's bytes, strings
//! borrowed from the input: an event object's members, a GeoJSON Feature's
//! members and Point (the `sources` list is read by [`super::json_sources`]).

use std::borrow::Cow;

use geo::Coord;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::fields::coordinate;
use super::json_sources::SourcesField;
use crate::data::events::draft::Draft;
use crate::data::events::mapping::{FieldNames, Role};
use crate::data::json::json_message;
use crate::data::json::strings::{JsonId, JsonStr, StringList};

/// The position of a GeoJSON Point geometry.
pub fn point_of(geometry: Option<&RawValue>) -> Result<Coord<f64>, String> {
    #[derive(Deserialize)]
    struct Geometry<'a> {
        #[serde(rename = "type", borrow)]
        kind: JsonStr<'a>,
        #[serde(default, borrow)]
        coordinates: Option<&'a RawValue>,
    }
    let Some(geometry) = geometry.filter(|g| g.get() != "null") else {
        return Err("the feature has no geometry; events need a Point".into());
    };
    let geometry: Geometry = serde_json::from_str(geometry.get())
        .map_err(|error| format!("\"geometry\": {}", json_message(&error)))?;
    if geometry.kind.as_str() != "Point" {
        return Err(format!(
            "the geometry is a {}; events need a Point",
            geometry.kind.as_str()
        ));
    }
    let position = geometry
        .coordinates
        .and_then(|raw| serde_json::from_str::<Position>(raw.get()).ok());
    match position {
        Some(Position(Some(point))) => Ok(point),
        _ => Err("the Point has no [longitude, latitude] coordinates".into()),
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
pub struct FeatureFields<'a> {
    pub kind: Option<JsonStr<'a>>,
    pub id: Option<JsonId<'a>>,
    pub geometry: Option<&'a RawValue>,
    pub properties: Option<RecordFields<'a>>,
}

/// Reads a Feature whose properties' fields mean what `names` says.
pub struct FeatureSeed<'s>(pub &'s FieldNames);

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_> {
    type Value = FeatureFields<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct FeatureVisitor<'s>(&'s FieldNames);
        impl<'de> Visitor<'de> for FeatureVisitor<'_> {
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
                        "properties" => {
                            feature.properties = map.next_value_seed(OptionalRecord(self.0))?;
                        }
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(feature)
            }
        }
        deserializer.deserialize_map(FeatureVisitor(self.0))
    }
}

/// `properties`: a record, or null.
struct OptionalRecord<'s>(&'s FieldNames);

impl<'de> DeserializeSeed<'de> for OptionalRecord<'_> {
    type Value = Option<RecordFields<'de>>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct OptionVisitor<'s>(&'s FieldNames);
        impl<'de> Visitor<'de> for OptionVisitor<'_> {
            type Value = Option<RecordFields<'de>>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                RecordSeed(self.0).deserialize(deserializer).map(Some)
            }
        }
        deserializer.deserialize_option(OptionVisitor(self.0))
    }
}

/// A coordinate as written: a number, or a string holding one (many tools
/// write `"49.85"`); `Bad` keeps a string that is not a number, for the message.
#[derive(Debug, Clone, PartialEq)]
pub enum Coordinate {
    Degrees(f64),
    Bad(String),
}

impl<'de> Deserialize<'de> for Coordinate {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CoordinateVisitor;
        impl<'de> Visitor<'de> for CoordinateVisitor {
            type Value = Coordinate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number (degrees)")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Coordinate, E> {
                Ok(Coordinate::Degrees(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Coordinate, E> {
                Ok(Coordinate::Degrees(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Coordinate, E> {
                Ok(Coordinate::Degrees(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Coordinate, E> {
                Ok(match coordinate(v) {
                    Some(degrees) => Coordinate::Degrees(degrees),
                    None => Coordinate::Bad(v.to_string()),
                })
            }
        }
        deserializer.deserialize_any(CoordinateVisitor)
    }
}

/// An event record's fields, borrowed from the file where possible.
#[derive(Default)]
pub struct RecordFields<'a> {
    pub id: Option<JsonId<'a>>,
    pub title: Option<JsonStr<'a>>,
    /// A string, or a number (Unix seconds).
    pub date: Option<JsonId<'a>>,
    pub end_date: Option<JsonId<'a>>,
    pub category: Option<JsonStr<'a>>,
    pub lat: Option<(Cow<'a, str>, Coordinate)>,
    pub lon: Option<(Cow<'a, str>, Coordinate)>,
    pub place: Option<JsonStr<'a>>,
    pub region: Option<JsonStr<'a>>,
    pub description: Option<JsonStr<'a>>,
    pub actors: Option<StringList<'a>>,
    pub troops: Option<&'a RawValue>,
    pub precision: Option<JsonStr<'a>>,
    /// A string, or a number (ACLED's codes).
    pub date_precision: Option<JsonId<'a>>,
    pub sources: Option<SourcesField<'a>>,
    pub extra: Vec<(String, Value)>,
    /// Which known fields were met (one bit each), to notice one given twice.
    pub seen: u16,
    /// Known fields given more than once.
    pub repeated: Vec<&'static str>,
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
    pub fn into_draft(self, warnings: &mut Vec<String>) -> Draft<'a> {
        for name in &self.repeated {
            warnings.push(format!(
                "field \"{name}\" is given more than once; the last one is used"
            ));
        }
        let mut problems = Vec::new();
        let mut degrees = |value: Option<(Cow<'a, str>, Coordinate)>, role: Role| match value {
            Some((_, Coordinate::Degrees(degrees))) => Some(degrees),
            Some((key, Coordinate::Bad(text))) => {
                let found = if text.chars().count() <= 40 {
                    format!("the string \"{text}\"")
                } else {
                    "a string".into()
                };
                let what = if role == Role::Lat {
                    "latitude"
                } else {
                    "longitude"
                };
                problems.push(format!(
                    "field \"{key}\" must be a number (degrees), found {found}; if another field holds the {what}, name it with --map {}=FIELD",
                    role.name()
                ));
                None
            }
            None => None,
        };
        let lat = degrees(self.lat, Role::Lat);
        let lon = degrees(self.lon, Role::Lon);
        Draft {
            problems,
            id: self.id.map(|id| id.0),
            title: self.title.map(|t| t.0),
            date: self.date.map(|t| t.0),
            end_date: self.end_date.map(|t| t.0),
            category: self.category.map(|t| t.0),
            lon,
            lat,
            place: self.place.map(|t| t.0),
            region: self.region.map(|t| t.0),
            description: self.description.map(|t| t.0),
            actors: self
                .actors
                .map(|list| list.0.into_iter().map(|a| a.0).collect())
                .unwrap_or_default(),
            troops: self.troops.map(|raw| Cow::Borrowed(raw.get())),
            precision: self.precision.map(|t| t.0),
            date_precision: self.date_precision.map(|t| t.0),
            sources: self
                .sources
                .map(|sources| sources.into_sources(warnings))
                .unwrap_or_default(),
            extra: self.extra,
        }
    }
}

impl<'de> Deserialize<'de> for RecordFields<'de> {
    /// A record in borderwatch's own names.
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RecordSeed(&FieldNames::native_schema()).deserialize(deserializer)
    }
}

impl<'de> RecordFields<'de> {
    /// Reads the value of a field whose meaning is `role`.
    fn read_role<A: MapAccess<'de>>(
        &mut self,
        role: Role,
        key: JsonStr<'de>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let r = self;
        match role {
            Role::Id => {
                r.mark(0, "id");
                r.id = map.next_value()?;
            }
            Role::Title => {
                r.mark(1, "title");
                r.title = map.next_value()?;
            }
            Role::Date => {
                r.mark(2, "date");
                r.date = map.next_value()?;
            }
            Role::EndDate => {
                r.mark(3, "end_date");
                r.end_date = map.next_value()?;
            }
            Role::Category => {
                r.mark(4, "category");
                r.category = map.next_value()?;
            }
            Role::Lat => {
                r.mark(5, "lat");
                let value: Option<Coordinate> = map.next_value()?;
                r.lat = value.map(|v| (key.0, v));
            }
            Role::Lon => {
                r.mark(6, "lon");
                let value: Option<Coordinate> = map.next_value()?;
                r.lon = value.map(|v| (key.0, v));
            }
            Role::Place => {
                r.mark(7, "place");
                r.place = map.next_value()?;
            }
            Role::Region => {
                r.mark(8, "region");
                r.region = map.next_value()?;
            }
            Role::Description => {
                r.mark(9, "description");
                r.description = map.next_value()?;
            }
            Role::Actors => {
                r.mark(10, "actors");
                r.actors = map.next_value()?;
            }
            Role::Troops => {
                r.mark(11, "troops");
                r.troops = map.next_value()?;
            }
            Role::Precision => {
                r.mark(12, "precision");
                r.precision = map.next_value()?;
            }
            Role::DatePrecision => {
                r.mark(14, "date_precision");
                r.date_precision = map.next_value()?;
            }
            Role::Sources => {
                r.mark(13, "sources");
                r.sources = map.next_value()?;
            }
            Role::Derived => {
                map.next_value::<de::IgnoredAny>()?;
            }
            Role::SourceUrls | Role::OtherFields => {
                let value: Value = map.next_value()?;
                r.extra.push((key.0.into_owned(), value));
            }
        }
        Ok(())
    }
}

/// Reads a record whose fields mean what `names` says (borderwatch's own
/// names by a `match` on the key; other files' by their resolved names).
pub struct RecordSeed<'s>(pub &'s FieldNames);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = RecordFields<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct RecordVisitor<'s>(&'s FieldNames);
        impl<'de> Visitor<'de> for RecordVisitor<'_> {
            type Value = RecordFields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut r = RecordFields::default();
                while let Some(key) = map.next_key::<JsonStr<'de>>()? {
                    match self.0.role(key.as_str()) {
                        Some(role) => r.read_role(role, key, &mut map)?,
                        None => {
                            let value: Value = map.next_value()?;
                            r.extra.push((key.0.into_owned(), value));
                        }
                    }
                }
                Ok(r)
            }
        }
        deserializer.deserialize_map(RecordVisitor(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_on_past_sources_it_cannot_use() {
        let record = r#"{"id": "x", "sources": [[{"name": "nested"}], {"name": ["A"]}, "B"],
            "title": "After the sources", "lat": 50.5, "lon": 36.5}"#;
        let fields: RecordFields = serde_json::from_str(record).expect("a record");
        let mut warnings = Vec::new();
        let draft = fields.into_draft(&mut warnings);
        assert_eq!(draft.title.as_deref(), Some("After the sources"));
        assert_eq!(draft.lat, Some(50.5));
        let names: Vec<&str> = draft.sources.iter().map(|(name, _)| name.as_ref()).collect();
        assert_eq!(names, ["B"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
