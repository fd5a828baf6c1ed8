//! Where a file keeps its records: shared by the readers (JSON, CSV, the GIS formats), the
//! merge of a file's events and the messages that name a record
//! (`features[3]`, `rows[12]`).

/// Where a file keeps its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    /// `[ ... ]` at the top level.
    BareArray,
    /// The `events` member of a top-level object.
    Events,
    /// The `features` member (GeoJSON FeatureCollection).
    Features,
    /// The `data` member (ACLED API responses).
    Data,
    /// The rows of a CSV file (not JSON: named here so messages read alike).
    CsvRows,
    /// The rows of a table: a GeoPackage table or a Parquet file.
    TableRows,
    /// The Placemarks of a KML or KMZ file.
    Placemarks,
    /// The shape records of a Shapefile.
    ShapeRecords,
}

impl Container {
    /// Every container.
    pub const ALL: [Self; 8] = [
        Self::BareArray,
        Self::Events,
        Self::Features,
        Self::Data,
        Self::CsvRows,
        Self::TableRows,
        Self::Placemarks,
        Self::ShapeRecords,
    ];

    /// What a record is called in messages: `events[3]`, `features[3]`.
    pub fn collection(self) -> &'static str {
        match self {
            Self::BareArray => "records",
            Self::Events => "events",
            Self::Features => "features",
            Self::Data => "data",
            Self::CsvRows | Self::TableRows => "rows",
            Self::Placemarks => "placemarks",
            Self::ShapeRecords => "shapes",
        }
    }

    /// The container a top-level member of this name holds, if any.
    pub fn from_member(key: &str) -> Option<Self> {
        match key {
            "events" => Some(Self::Events),
            "features" => Some(Self::Features),
            "data" => Some(Self::Data),
            _ => None,
        }
    }
}
