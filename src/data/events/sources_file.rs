//! A TimeMap (Forensic Architecture / Bellingcat) sources file: the events of
//! a TimeMap export name their sources by id (`"sources": ["SRC12"]`), and
//! this file says what each id is: a title, and the paths and urls of the
//! media. Each path or url becomes one of the event's sources.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::data::diagnostic::{LoadError, Location, Problem};
use crate::data::json::strip_bom;

/// Source ids → the sources they stand for (a name, and a link when there is one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceCatalog {
    entries: HashMap<String, Vec<(String, Option<String>)>>,
}

impl SourceCatalog {
    /// The sources an id stands for.
    pub fn get(&self, id: &str) -> Option<&[(String, Option<String>)]> {
        self.entries.get(id).map(Vec::as_slice)
    }

    /// How many ids it knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it knows none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads the file at `path`.
    pub fn read_path(path: &Path) -> Result<Self, LoadError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| LoadError::new(Location::file(&name), Problem::Io(e.to_string())))?;
        Self::read(&name, &bytes)
    }

    /// Reads a sources file: an object of entries by id, or an array of
    /// entries with an `id` each. An entry names itself by `title` (or
    /// `name`, or its id) and links by `url` and `paths`.
    pub fn read(file: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let value: Value = serde_json::from_slice(strip_bom(bytes)).map_err(|error| {
            LoadError::new(
                Location::file(file).at(error.line(), error.column()),
                Problem::Json(crate::data::json::syntax_message(&error)),
            )
        })?;
        let entries: Vec<(String, &Value)> = match &value {
            Value::Object(map) => map.iter().map(|(id, entry)| (id.clone(), entry)).collect(),
            Value::Array(items) => items
                .iter()
                .filter_map(|entry| Some((text(entry.get("id")?)?, entry)))
                .collect(),
            _ => {
                return Err(LoadError::new(
                    Location::file(file),
                    Problem::Invalid(
                        "a TimeMap sources file is an object of sources by id, or an array of sources with an \"id\""
                            .into(),
                    ),
                ));
            }
        };
        let mut catalog = Self::default();
        for (id, entry) in entries {
            let name = ["title", "name"]
                .iter()
                .find_map(|k| entry.get(*k).and_then(text))
                .unwrap_or_else(|| id.clone());
            let mut links: Vec<String> = Vec::new();
            let paths = entry.get("paths").and_then(Value::as_array).into_iter().flatten();
            for link in entry.get("url").into_iter().chain(paths).filter_map(text) {
                if !links.contains(&link) {
                    links.push(link);
                }
            }
            let sources = if links.is_empty() {
                vec![(name, None)]
            } else {
                links.into_iter().map(|link| (name.clone(), Some(link))).collect()
            };
            catalog.entries.insert(id, sources);
        }
        Ok(catalog)
    }
}

/// A string or number as trimmed text, `None` when blank.
fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_by_id_and_arrays_of_entries_both_read() {
        let by_id = br#"{"SRC1": {"id": "SRC1", "title": "Video of a convoy", "paths": ["https://a.org/1.mp4", "https://a.org/2.jpg"], "url": "https://a.org/post"},
                         "SRC2": {"id": "SRC2", "paths": []}}"#;
        let catalog = SourceCatalog::read("sources.json", by_id).expect("reads");
        let one = catalog.get("SRC1").expect("SRC1");
        assert_eq!(one.len(), 3);
        assert_eq!(
            one[0],
            (
                "Video of a convoy".to_string(),
                Some("https://a.org/post".to_string())
            )
        );
        assert_eq!(catalog.get("SRC2"), Some(&[("SRC2".to_string(), None)][..]));
        let array = br#"[{"id": 7, "name": "Post", "url": "https://b.org"}]"#;
        let catalog = SourceCatalog::read("s.json", array).expect("reads");
        assert_eq!(catalog.get("7").map(<[_]>::len), Some(1));
        assert!(SourceCatalog::read("s.json", b"[1,").is_err());
        assert!(SourceCatalog::read("s.json", b"\"x\"").is_err());
    }
}
