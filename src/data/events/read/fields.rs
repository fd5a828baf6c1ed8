//! Records whose fields are all text, by name: a CSV row under its header,
//! or a flat JSON object such as an ACLED API record (which gives numbers as
//! strings). borderwatch's own field names map straight onto a [`Draft`].

use std::borrow::Cow;

use serde::de::{self, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::data::events::draft::Draft;
use crate::data::json::strings::JsonStr;

/// Named text fields.
pub trait Fields {
    /// The text of a field, trimmed; `None` when it is absent, empty or null.
    fn text(&self, name: &str) -> Option<Cow<'_, str>>;

    /// Every field with its text, in order (for fields kept as written).
    fn all(&self) -> Vec<(&str, Cow<'_, str>)>;

    /// The first of `names` that has text.
    fn first(&self, names: &[&str]) -> Option<Cow<'_, str>> {
        names.iter().find_map(|name| self.text(name))
    }
}

/// A flat JSON object's members, values kept raw until asked for.
pub struct JsonFields<'a> {
    members: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> JsonFields<'a> {
    /// Reads the members of a JSON object.
    pub fn parse(json: &'a str) -> Result<Self, serde_json::Error> {
        object_members(json).map(|members| Self { members })
    }
}

/// The members of a JSON object in file order, a key given twice kept twice,
/// values left raw.
pub fn object_members(json: &str) -> Result<Vec<(Cow<'_, str>, &RawValue)>, serde_json::Error> {
    struct MembersVisitor;
    impl<'de> Visitor<'de> for MembersVisitor {
        type Value = Vec<(Cow<'de, str>, &'de RawValue)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(key) = map.next_key::<JsonStr<'de>>()? {
                members.push((key.0, map.next_value::<&RawValue>()?));
            }
            Ok(members)
        }
    }
    struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);
    impl<'de> serde::Deserialize<'de> for Members<'de> {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_map(MembersVisitor).map(Members)
        }
    }
    serde_json::from_str::<Members<'_>>(json).map(|members| members.0)
}

/// The text of a raw JSON value: a string unescaped, a number or boolean as
/// written, nothing for null; arrays and objects as their JSON text.
fn raw_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    let value: Cow<'_, str> = match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<Cow<'_, str>>(text).ok()?,
        Some(b'n') => return None,
        _ => Cow::Borrowed(text),
    };
    trimmed(value)
}

/// The text trimmed, `None` when blank.
pub fn trimmed(text: Cow<'_, str>) -> Option<Cow<'_, str>> {
    match text {
        Cow::Borrowed(t) => Some(t.trim()).filter(|t| !t.is_empty()).map(Cow::Borrowed),
        Cow::Owned(t) => {
            let trimmed = t.trim();
            if trimmed.is_empty() {
                None
            } else if trimmed.len() == t.len() {
                Some(Cow::Owned(t))
            } else {
                Some(Cow::Owned(trimmed.to_string()))
            }
        }
    }
}

impl Fields for JsonFields<'_> {
    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        self.members
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, raw)| raw_text(raw))
    }

    fn all(&self) -> Vec<(&str, Cow<'_, str>)> {
        self.members
            .iter()
            .filter_map(|(key, raw)| raw_text(raw).map(|text| (key.as_ref(), text)))
            .collect()
    }
}

/// Columns with a meaning in borderwatch's own CSV (and their aliases).
const NATIVE_COLUMNS: [&str; 19] = [
    "id",
    "title",
    "date",
    "end_date",
    "category",
    "lat",
    "latitude",
    "lon",
    "lng",
    "longitude",
    "place",
    "region",
    "description",
    "actors",
    "troops",
    "precision",
    "sources",
    "source_urls",
    "other_fields",
];

/// Whether CSV column names are borderwatch's own (title, date and
/// coordinates at least).
pub fn is_native<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let names: Vec<&str> = names.into_iter().map(str::trim).collect();
    let has = |n: &str| names.contains(&n);
    has("title")
        && has("date")
        && (has("lat") || has("latitude"))
        && (has("lon") || has("lng") || has("longitude"))
}

/// A row in borderwatch's own columns as a draft: `actors` and `sources`
/// are `;`-separated, `source_urls` gives the sources' links in the same
/// order, `other_fields` a JSON object of further fields; any other column
/// is kept as text.
pub fn native_draft(fields: &dyn Fields, warnings: &mut Vec<String>) -> Result<Draft<'static>, String> {
    let text = |name: &str| fields.text(name).map(|t| Cow::Owned(t.into_owned()));
    let number = |names: &[&str]| -> Result<Option<f64>, String> {
        let Some(value) = fields.first(names) else {
            return Ok(None);
        };
        value.parse::<f64>().map(Some).map_err(|_| {
            format!(
                "field \"{}\" must be a number (degrees), found \"{value}\"",
                names[0]
            )
        })
    };
    let list = |name: &str| -> Vec<String> {
        fields
            .text(name)
            .map(|t| t.split(';').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let names = list("sources");
    let urls = list("source_urls");
    let sources = names
        .into_iter()
        .enumerate()
        .map(|(n, name)| {
            let url = urls.get(n).filter(|u| !u.is_empty()).cloned().map(Cow::Owned);
            (Cow::Owned(name), url)
        })
        .collect();
    let mut extra: Vec<(String, serde_json::Value)> = Vec::new();
    if let Some(other) = fields.text("other_fields") {
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&other) {
            Ok(map) => extra.extend(map),
            Err(_) => warnings.push("\"other_fields\" is not a JSON object; kept as text".into()),
        }
    }
    for (name, value) in fields.all() {
        if !NATIVE_COLUMNS.contains(&name) || (name == "other_fields" && extra.is_empty()) {
            extra.push((name.to_string(), serde_json::Value::String(value.into_owned())));
        }
    }
    Ok(Draft {
        id: text("id"),
        title: text("title"),
        date: text("date"),
        end_date: text("end_date"),
        category: text("category"),
        lat: number(&["lat", "latitude"])?,
        lon: number(&["lon", "lng", "longitude"])?,
        place: text("place"),
        region: text("region"),
        description: text("description"),
        actors: list("actors").into_iter().map(Cow::Owned).collect(),
        troops: text("troops"),
        precision: text("precision"),
        sources,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_members_read_as_text() {
        let fields =
            JsonFields::parse(r#"{"a": " x ", "b": 12.5, "c": null, "d": "", "e": "\u00e9", "f": [1]}"#)
                .expect("object");
        assert_eq!(fields.text("a").as_deref(), Some("x"));
        assert_eq!(fields.text("b").as_deref(), Some("12.5"));
        assert_eq!(fields.text("c"), None);
        assert_eq!(fields.text("d"), None);
        assert_eq!(fields.text("e").as_deref(), Some("é"));
        assert_eq!(fields.text("f").as_deref(), Some("[1]"));
        assert_eq!(fields.text("zzz"), None);
        assert_eq!(fields.first(&["zzz", "b"]).as_deref(), Some("12.5"));
        assert!(JsonFields::parse("[1]").is_err());
    }

    #[test]
    fn native_columns_make_a_draft_and_others_are_kept() {
        let fields = JsonFields::parse(
            r#"{"title": "t", "date": "2021-04-22", "lat": "47.2", "lon": "39.7", "actors": "A; B",
                "sources": "One; Two", "source_urls": "https://one.org;", "other_fields": "{\"n\": 3}", "colour": "red"}"#,
        )
        .expect("object");
        let mut warnings = Vec::new();
        let draft = native_draft(&fields, &mut warnings).expect("draft");
        assert!(warnings.is_empty());
        assert_eq!(draft.lat, Some(47.2));
        assert_eq!(draft.actors, ["A", "B"]);
        assert_eq!(draft.sources[0], ("One".into(), Some("https://one.org".into())));
        assert_eq!(draft.sources[1], ("Two".into(), None));
        assert_eq!(draft.extra.len(), 2);
        assert!(draft.extra.contains(&("n".to_string(), serde_json::json!(3))));
        assert!(
            draft
                .extra
                .contains(&("colour".to_string(), serde_json::json!("red")))
        );
        let bad = JsonFields::parse(r#"{"title": "t", "lat": "north"}"#).expect("object");
        let error = native_draft(&bad, &mut warnings).expect_err("not a number");
        assert!(error.contains("\"lat\" must be a number"), "{error}");
        assert!(is_native(["id", "title", "date", "latitude", "lng"]));
        assert!(!is_native(["title", "date", "lat"]));
    }
}
