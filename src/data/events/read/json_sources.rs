//! A record's `sources` read straight from its bytes in one pass: a list of
//! `{name, url}` objects or plain strings, or one of them on its own. An
//! item that is neither is read past and warned about by its index; the
//! record still loads.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::data::json::strings::JsonStr;

/// A source as read: its name and link, borrowed when unescaped.
pub type SourceItem<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

/// `sources`: a list of `{name, url}` objects or plain strings (or one of
/// them), read in one pass: each item a source, or `None` when it is not a
/// name or a `{name, url}` object with string members.
#[derive(Debug, Default)]
pub struct SourcesField<'a>(Vec<Option<SourceItem<'a>>>);

impl<'a> SourcesField<'a> {
    /// The sources; each item that is not one is warned about by its index.
    pub fn into_sources(self, warnings: &mut Vec<String>) -> Vec<SourceItem<'a>> {
        let mut sources = Vec::with_capacity(self.0.len());
        for (n, item) in self.0.into_iter().enumerate() {
            match item {
                Some(source) => sources.push(source),
                None => warnings.push(format!(
                    "sources[{n}] is not a name or a {{\"name\", \"url\"}} object; ignored"
                )),
            }
        }
        sources
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for SourcesField<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SourcesVisitor(PhantomData))
    }
}

/// The `sources` value: a list of items, or one item on its own, read as
/// [`SourceSeed`] reads an item.
struct SourcesVisitor<'a>(PhantomData<&'a ()>);

impl<'a> SourcesVisitor<'a> {
    /// One item on its own.
    fn one<E>(item: Result<Option<SourceItem<'a>>, E>) -> Result<SourcesField<'a>, E> {
        item.map(|item| SourcesField(vec![item]))
    }
}

impl<'de: 'a, 'a> Visitor<'de> for SourcesVisitor<'a> {
    type Value = SourcesField<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of sources or one source")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(1));
        while let Some(item) = seq.next_element_seed(SourceSeed(PhantomData))? {
            items.push(item);
        }
        Ok(SourcesField(items))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        Self::one(SourceSeed(self.0).visit_map(map))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_borrowed_str(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_str(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_i64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_f64(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Self::one(SourceSeed(self.0).visit_unit())
    }
}

/// One item of `sources`: a name, or an object with a `name` and a `url`
/// (strings or null, each given once; other members are ignored). Anything
/// else is read past as [`Member`] reads it, and gives `None`.
struct SourceSeed<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for SourceSeed<'a> {
    type Value = Option<SourceItem<'a>>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for SourceSeed<'a> {
    type Value = Option<SourceItem<'a>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a source")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let (mut name, mut url): (Option<Member<'a>>, Option<Member<'a>>) = (None, None);
        let mut readable = true;
        while let Some(key) = map.next_key::<JsonStr<'de>>()? {
            let slot = match key.as_str() {
                "name" => &mut name,
                "url" => &mut url,
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<Member<'a>>()?;
            // A member given twice, or not a string, spoils the object.
            readable &= slot.is_none() && !matches!(value, Member::Other);
            *slot = Some(value);
        }
        if !readable {
            return Ok(None);
        }
        let url = url.and_then(Member::non_blank);
        Ok(match name.and_then(Member::non_blank) {
            Some(name) => Some((name, url)),
            None => url.map(|url| (url.clone(), Some(url))),
        })
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        MemberVisitor(self.0).visit_seq(seq).map(Member::name_alone)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        MemberVisitor(self.0)
            .visit_borrowed_str(v)
            .map(Member::name_alone)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        MemberVisitor(self.0).visit_str(v).map(Member::name_alone)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        MemberVisitor(self.0).visit_bool(v).map(Member::name_alone)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        MemberVisitor(self.0).visit_i64(v).map(Member::name_alone)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        MemberVisitor(self.0).visit_u64(v).map(Member::name_alone)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        MemberVisitor(self.0).visit_f64(v).map(Member::name_alone)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        MemberVisitor(self.0).visit_unit().map(Member::name_alone)
    }
}

/// A JSON value where a string is wanted: a `name` or `url` member of a
/// source object, or a source given as a name alone.
enum Member<'a> {
    Text(JsonStr<'a>),
    Null,
    /// Not a string (read past).
    Other,
}

impl<'a> Member<'a> {
    /// The text, when it is a string that is not blank.
    fn non_blank(self) -> Option<Cow<'a, str>> {
        match self {
            Member::Text(text) => text.non_blank().is_some().then_some(text.0),
            Member::Null | Member::Other => None,
        }
    }

    /// The source it names on its own, if it is a name.
    fn name_alone(self) -> Option<SourceItem<'a>> {
        self.non_blank().map(|name| (name, None))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Member<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MemberVisitor(PhantomData))
    }
}

/// Reads a [`Member`].
struct MemberVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for MemberVisitor<'a> {
    type Value = Member<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Member::Text(JsonStr(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Member::Text(JsonStr(Cow::Owned(v.to_string()))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Member::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Member::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Member::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Member::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Member::Other)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Member::Other)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
        Ok(Member::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(json: &str) -> (Vec<(String, Option<String>)>, Vec<String>) {
        let field: SourcesField = serde_json::from_str(json).expect("JSON");
        let mut warnings = Vec::new();
        let read = field
            .into_sources(&mut warnings)
            .into_iter()
            .map(|(name, url)| (name.into_owned(), url.map(Cow::into_owned)))
            .collect();
        (read, warnings)
    }

    /// A source as `sources` gives it.
    fn owned(name: &str, url: Option<&str>) -> (String, Option<String>) {
        (name.to_string(), url.map(str::to_string))
    }

    /// Where each warning is about (`sources[3`), up to its closing bracket.
    fn warned_items(warnings: &[String]) -> Vec<&str> {
        warnings
            .iter()
            .map(|w| w.split(']').next().unwrap_or_default())
            .collect()
    }

    #[test]
    fn sources_are_names_or_objects_and_anything_else_is_warned_about() {
        let (read, warnings) = sources(
            r#"[ "Castanet", {"name": "TASS", "url": "https://tass.ru/1", "lang": "ru"},
                {"url": "https://x.org/a"}, ["Meduza", "https://meduza.io"], 7,
                {"name": 3}, "  ", {"name": "Esc\"aped"}, null ]"#,
        );
        assert_eq!(
            read,
            [
                owned("Castanet", None),
                owned("TASS", Some("https://tass.ru/1")),
                owned("https://x.org/a", Some("https://x.org/a")),
                owned("Esc\"aped", None),
            ]
        );
        assert_eq!(
            warned_items(&warnings),
            ["sources[3", "sources[4", "sources[5", "sources[6", "sources[8"]
        );
        // One source on its own, not in a list.
        assert_eq!(sources(r#" "Reuters" "#).0, [owned("Reuters", None)]);
        assert_eq!(sources(r#"{"name": "AP"}"#).0, [owned("AP", None)]);
        // Anything else on its own is one item that is not a source.
        for json in ["7", "true", r#"" ""#, r#"{"name": 1}"#] {
            let (read, warnings) = sources(json);
            assert!(read.is_empty(), "{json}");
            assert_eq!(warnings.len(), 1, "{json}");
            assert!(warnings[0].starts_with("sources[0]"), "{json}: {warnings:?}");
        }
    }

    #[test]
    fn a_source_object_needs_string_members_given_once() {
        let (read, warnings) = sources(
            r#"[ {"name": "A", "name": "B"}, {"name": null, "url": "https://u.org"},
                {"url": 5, "name": "C"}, {"n\u0061me": "D", "url": " "},
                {"name": "E", "notes": {"a": [1, {"b": null}]}, "url": "https://e.org"},
                {"name": null}, {"name": {"x": 1}}, {"url": ["https://f.org"]}, {} ]"#,
        );
        assert_eq!(
            read,
            [
                owned("https://u.org", Some("https://u.org")),
                owned("D", None),
                owned("E", Some("https://e.org")),
            ]
        );
        assert_eq!(
            warned_items(&warnings),
            [
                "sources[0",
                "sources[2",
                "sources[5",
                "sources[6",
                "sources[7",
                "sources[8"
            ]
        );
    }
}
