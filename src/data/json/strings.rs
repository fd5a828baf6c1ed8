//! Small serde types for reading JSON without copying: strings borrowed from
//! the input when they have no escapes, ids that may be strings or numbers,
//! and lists that may be a single string.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// A JSON string, borrowed from the input when possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonStr<'a>(pub Cow<'a, str>);

impl JsonStr<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text trimmed, or `None` when it is blank.
    pub fn non_blank(&self) -> Option<&str> {
        let text = self.0.trim();
        (!text.is_empty()).then_some(text)
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for JsonStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
            type Value = JsonStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
    }
}

/// An id given as a string or a number; numbers keep the digits written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonId<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for JsonId<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for IdVisitor<'a> {
            type Value = JsonId<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JsonId(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonId(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(JsonId(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(JsonId(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(JsonId(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_any(IdVisitor(std::marker::PhantomData))
    }
}

/// A list of strings, also accepting a single string as a one-item list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringList<'a>(pub Vec<JsonStr<'a>>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for StringList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ListVisitor<'a> {
            type Value = StringList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StringList(vec![JsonStr(Cow::Borrowed(v))]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StringList(vec![JsonStr(Cow::Owned(v.to_string()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(2).min(64));
                while let Some(item) = seq.next_element::<JsonStr<'a>>()? {
                    items.push(item);
                }
                Ok(StringList(items))
            }
        }
        deserializer.deserialize_any(ListVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_borrow_unless_escaped() {
        let plain: JsonStr = serde_json::from_str("\"Rostov\"").expect("string");
        assert!(matches!(plain.0, Cow::Borrowed("Rostov")));
        let escaped: JsonStr = serde_json::from_str("\"Rostov\\u002don\"").expect("string");
        assert_eq!(escaped.as_str(), "Rostov-on");
        assert!(serde_json::from_str::<JsonStr>("5").is_err());
        assert_eq!(JsonStr(Cow::Borrowed("  ")).non_blank(), None);
    }

    #[test]
    fn ids_may_be_numbers_and_lists_may_be_one_string() {
        let id: JsonId = serde_json::from_str("42").expect("number id");
        assert_eq!(id.0, "42");
        let list: StringList = serde_json::from_str("\"Shoigu\"").expect("one string");
        assert_eq!(list.0.len(), 1);
        let list: StringList = serde_json::from_str("[\"a\", \"b\"]").expect("list");
        assert_eq!(list.0.len(), 2);
        assert!(serde_json::from_str::<StringList>("[1]").is_err());
        assert!(serde_json::from_str::<JsonId>("[1]").is_err());
    }
}
