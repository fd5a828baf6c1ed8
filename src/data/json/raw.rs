//! A JSON text held in memory (a region layer), taken apart without
//! building values: its kind from the first byte, and the records of an array
//! borrowed with their index.

use serde_json::value::RawValue;

/// The first non-whitespace byte of the text, which tells an object from an array.
pub fn first_significant_byte(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

/// A record taken out of a JSON array without parsing it yet.
pub struct RawRecord<'a> {
    /// 0-based position in the array.
    pub index: usize,
    /// The record's JSON text.
    pub json: &'a RawValue,
}

/// Numbers the elements of a borrowed array.
pub fn number_records<'a>(items: Vec<&'a RawValue>) -> Vec<RawRecord<'a>> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, json)| RawRecord { index, json })
        .collect()
}
