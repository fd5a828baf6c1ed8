//! Records whose fields are all text, by name: a CSV row under its header,
//! or a flat JSON object such as an ACLED API record (which gives numbers as
//! strings). borderwatch's own field names map straight onto a [`Draft`].

use std::borrow::Cow;

use serde::de::{self, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::data::events::draft::{self, Draft};
use crate::data::events::mapping::{FieldNames, Role};
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

    /// The text of the field that holds `role`, as `names` say.
    fn role_text(&self, names: &FieldNames, role: Role) -> Option<Cow<'_, str>> {
        names.key(role).and_then(|key| self.text(key))
    }

    /// The fields with text that `names` give no role, or the role of
    /// further fields (`other_fields`), in order, with that role.
    fn unread(&self, names: &FieldNames) -> Vec<(&str, Cow<'_, str>, Option<Role>)> {
        self.all()
            .into_iter()
            .filter_map(|(name, text)| {
                let role = names.role(name);
                is_unread(role).then_some((name, text, role))
            })
            .collect()
    }
}

/// Whether a field of this role (`None`: none) is left to be kept with the
/// event as it is: a field with no role, or the further fields'
/// (`other_fields`), which are kept as text when they are not a JSON object.
pub fn is_unread(role: Option<Role>) -> bool {
    matches!(role, None | Some(Role::OtherFields))
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

    /// The names of the members, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(key, _)| key.as_ref())
    }

    /// The raw JSON of a member (the last one given under `name`).
    pub fn raw(&self, name: &str) -> Option<&'a str> {
        self.members
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, raw)| raw.get())
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
        Cow::Borrowed(t) => Some(draft::trimmed(t))
            .filter(|t| !t.is_empty())
            .map(Cow::Borrowed),
        Cow::Owned(t) => {
            let trimmed = draft::trimmed(&t);
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

/// A coordinate written as text: `49.85`, or with a decimal comma
/// (`49,85`, as Russian spreadsheets write it). `None` when it is not a
/// finite number (`NaN`, `north`).
pub fn coordinate(text: &str) -> Option<f64> {
    let text = text.trim();
    let parsed = match text.parse::<f64>() {
        Ok(value) => Some(value),
        Err(_) if text.matches(',').count() == 1 && !text.contains('.') => {
            text.replace(',', ".").parse().ok()
        }
        Err(_) => None,
    };
    // Rust reads "NaN" and "inf" as numbers; no file means them as degrees.
    parsed.filter(|value| value.is_finite() && !text.contains(['n', 'N', 'i', 'I']))
}

/// A record's named text fields as a draft, each field read for what
/// `names` says it means: `actors` and `sources` are `;`-separated,
/// `source_urls` gives the sources' links in the same order, `other_fields`
/// a JSON object of further fields; any other field is kept as text.
pub fn mapped_draft<'f>(fields: &'f dyn Fields, names: &FieldNames, warnings: &mut Vec<String>) -> Draft<'f> {
    // Borrowed from the record where it holds them as written: a copy of
    // every field of every row cost more than the rest of the row's parse.
    let text = |role: Role| fields.role_text(names, role);
    let mut problems = Vec::new();
    let mut number = |role: Role| -> Option<f64> {
        let value = text(role)?;
        let degrees = coordinate(&value);
        if degrees.is_none() {
            problems.push(format!(
                "field \"{}\" must be a number (degrees), found \"{value}\"; if another field holds the {}, name it with --map {}=FIELD",
                names.label(role),
                if role == Role::Lat { "latitude" } else { "longitude" },
                role.name()
            ));
        }
        degrees
    };
    let lat = number(Role::Lat);
    let lon = number(Role::Lon);
    let list = |role: Role| -> Vec<Cow<'f, str>> {
        match text(role) {
            Some(Cow::Borrowed(t)) => t.split(';').map(|s| Cow::Borrowed(s.trim())).collect(),
            Some(Cow::Owned(t)) => t.split(';').map(|s| Cow::Owned(s.trim().to_string())).collect(),
            None => Vec::new(),
        }
    };
    let source_names = list(Role::Sources);
    let urls = list(Role::SourceUrls);
    let sources = source_names
        .into_iter()
        .enumerate()
        .map(|(n, name)| (name, urls.get(n).filter(|u| !u.is_empty()).cloned()))
        .collect();
    let mut extra: Vec<(String, serde_json::Value)> = Vec::new();
    let mut other_fields_read = false;
    if let Some(other) = text(Role::OtherFields) {
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&other) {
            Ok(map) => {
                extra.extend(map);
                other_fields_read = true;
            }
            Err(_) => warnings.push("\"other_fields\" is not a JSON object; kept as text".into()),
        }
    }
    for (name, value, role) in fields.unread(names) {
        if role.is_none() || !other_fields_read {
            extra.push((name.to_string(), serde_json::Value::String(value.into_owned())));
        }
    }
    Draft {
        id: text(Role::Id),
        title: text(Role::Title),
        date: text(Role::Date),
        end_date: text(Role::EndDate),
        category: text(Role::Category),
        lat,
        lon,
        place: text(Role::Place),
        region: text(Role::Region),
        description: text(Role::Description),
        actors: list(Role::Actors),
        troops: text(Role::Troops),
        precision: text(Role::Precision),
        date_precision: text(Role::DatePrecision),
        sources,
        extra,
        problems,
    }
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
        let keys: Vec<&str> = fields.all().into_iter().map(|(k, _)| k).collect();
        let names = FieldNames::resolve(&keys, |_| None, &Default::default()).expect("names");
        let draft = mapped_draft(&fields, &names, &mut warnings);
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
        let bad = JsonFields::parse(r#"{"title": "t", "lat": "north", "lon": "NaN"}"#).expect("object");
        let names =
            FieldNames::resolve(&["title", "lat", "lon"], |_| None, &Default::default()).expect("names");
        let draft = mapped_draft(&bad, &names, &mut warnings);
        assert_eq!(draft.problems.len(), 2, "{:?}", draft.problems);
        assert!(
            draft.problems[0].contains("\"lat\" must be a number"),
            "{:?}",
            draft.problems
        );
        assert_eq!(coordinate("49,85"), Some(49.85));
        assert_eq!(coordinate(" 49.85 "), Some(49.85));
        assert_eq!(coordinate("inf"), None);
        assert_eq!(coordinate("1,234.5"), None);
    }
}
