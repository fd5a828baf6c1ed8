//! What the fields of a JSON event file mean, decided once from its first
//! block: the names of its first record (or of a Feature's `properties`),
//! what `--map` says, and the order of day and month from the date values
//! of the block's records.

use std::sync::Arc;

use super::batch::Flavour;
use super::fields::{Fields, JsonFields};

use super::record::{RecordReader, non_finite_members};
use crate::data::container::Container;
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::events::date_forms::DateOrder;
use crate::data::events::draft::RecordRules;
use crate::data::events::mapping::{ColumnMapping, FieldNames, Role, file_date_order};
use crate::data::events::sources_file::SourceCatalog;
use crate::data::json::RecordBlock;
use crate::data::regions::RegionSet;

/// Date values looked at to decide the order of day and month.
const DATE_SAMPLE: usize = 20_000;

/// What a JSON file's reader needs to know besides its records.
pub struct JsonFile<'a> {
    pub file: &'a str,
    pub container: Container,
    pub regions: &'a RegionSet,
    pub file_index: u32,
    pub mapping: &'a ColumnMapping,
    pub catalog: Option<Arc<SourceCatalog>>,
}

/// The reader for a JSON file's records, with what it says once about the
/// file (fields read by meaning, the order of its dates). `Err` when `--map`
/// names a field the first record lacks.
pub fn json_file_reader<'a>(
    spec: JsonFile<'a>,
    block: &RecordBlock,
) -> Result<(RecordReader<'a>, Vec<Diagnostic>), LoadError> {
    let JsonFile {
        file,
        container,
        regions,
        file_index,
        mapping,
        catalog,
    } = spec;
    let first = block
        .records
        .first()
        .map_or(&[][..], |span| block.record_bytes(span));
    let flavour = match Flavour::detect(container, first) {
        Flavour::Acled if mapping.fields.is_empty() => Flavour::Acled,
        _ => Flavour::Native,
    };
    let first_fields = record_text(first).and_then(|json| fields_of(container, &json));
    let names = match &first_fields {
        Some(fields) if flavour == Flavour::Native => {
            let keys: Vec<&str> = fields.keys();
            let at = block.records.first().map_or(Location::file(file), |span| {
                Location::file(file).at(span.line as usize, span.column as usize)
            });
            FieldNames::resolve(&keys, |key| fields.text(key), mapping)
                .map_err(|message| LoadError::new(at, Problem::Invalid(message)))?
        }
        _ => FieldNames::native_schema(),
    };
    let mut messages = Vec::new();
    let described = names.described();
    if !described.is_empty() {
        messages.push(Diagnostic::info(
            Location::file(file),
            format!("fields read by meaning: {described}; set --map to choose others"),
        ));
    }
    let date_key = match flavour {
        Flavour::Acled => Some("event_date".to_string()),
        Flavour::Native => Some(names.key(Role::Date).unwrap_or("date").to_string()),
    };
    let date_values = date_values(container, block, date_key.as_deref());
    let (order, note) = file_date_order(
        &names.label(Role::Date),
        date_values.iter().map(String::as_str),
        mapping.date_order,
        (flavour == Flavour::Acled).then_some(DateOrder::Dmy),
    );
    if let Some((severity, message)) = note {
        messages.push(Diagnostic {
            severity,
            location: Location::file(file),
            message,
        });
    }
    let rules = RecordRules::new(file, regions, file_index)
        .with_names(names)
        .with_date_order(order)
        .with_catalog(catalog);
    Ok((RecordReader::new(file, container, flavour, rules), messages))
}

/// A record's bytes as text, `NaN` and `Infinity` read as null.
fn record_text(bytes: &[u8]) -> Option<String> {
    let json = std::str::from_utf8(bytes).ok()?;
    Some(non_finite_members(json).map_or_else(|| json.to_string(), |(cleaned, _)| cleaned))
}

/// A record's own fields: a Feature's `properties`, or the record itself.
fn fields_of(container: Container, json: &str) -> Option<OwnedFields> {
    let json = if container == Container::Features {
        JsonFields::parse(json).ok()?.raw("properties")?.to_string()
    } else {
        json.to_string()
    };
    let keys = JsonFields::parse(&json)
        .ok()?
        .keys()
        .map(str::to_string)
        .collect();
    Some(OwnedFields { json, keys })
}

/// A record's JSON text and its names, its values read when asked.
struct OwnedFields {
    json: String,
    keys: Vec<String>,
}

impl OwnedFields {
    fn keys(&self) -> Vec<&str> {
        self.keys.iter().map(String::as_str).collect()
    }

    fn text(&self, key: &str) -> Option<String> {
        let fields = JsonFields::parse(&self.json).ok()?;
        fields.text(key).map(|t| t.into_owned())
    }
}

/// The text of `key` in the block's records (at most [`DATE_SAMPLE`]), for
/// deciding the order of day and month. Only read when the first record's
/// date could be `NN/NN/YYYY`: ISO files pay nothing.
fn date_values(container: Container, block: &RecordBlock, key: Option<&str>) -> Vec<String> {
    let Some(key) = key else { return Vec::new() };
    let value = |span| {
        let json = record_text(block.record_bytes(span))?;
        fields_of(container, &json)?.text(key)
    };
    let first = block.records.first().and_then(value);
    if !first
        .as_deref()
        .is_some_and(crate::data::events::date_forms::has_numeric_day_month)
    {
        return first.into_iter().collect();
    }
    block.records.iter().take(DATE_SAMPLE).filter_map(value).collect()
}
