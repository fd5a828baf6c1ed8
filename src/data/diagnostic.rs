//! Messages about input files: where a problem is (file, line, column,
//! record) and what it is. The app's messages panel and `borderwatch check`
//! show the same [`Diagnostic`]s.

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing wrong: how a record was read or placed.
    Info,
    /// Something was skipped or guessed; the rest loaded.
    Warning,
    /// A record or a whole file could not be used.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// Where in an input file something is. Every part but the file is optional:
/// a parser says what it knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file as the user named it (or `bundled:<name>` for built-in data).
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column (in bytes, as serde_json counts).
    pub column: Option<usize>,
    /// 0-based index of the feature or record within its collection.
    pub record: Option<usize>,
    /// What the records are called in this file (`features`, `events`, `rows`),
    /// so the location reads as a path: `features[3]`.
    #[serde(skip)]
    pub collection: &'static str,
}

impl Location {
    /// A location naming only the file.
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            ..Self::default()
        }
    }

    /// This location with a line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// This location with a record index in the named collection.
    pub fn record(mut self, collection: &'static str, index: usize) -> Self {
        self.collection = collection;
        self.record = Some(index);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, ":{line}:{column}")?,
            (Some(line), None) => write!(f, ":{line}")?,
            _ => {}
        }
        if let Some(index) = self.record {
            write!(f, ": {}[{index}]", self.collection)?;
        }
        Ok(())
    }
}

/// A warning or error about an input file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Where the problem is.
    #[serde(flatten)]
    pub location: Location,
    /// What the problem is, and where it helps, how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// Information at `location`.
    pub fn info(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Info,
            location,
            message: message.into(),
        }
    }

    /// A warning at `location`.
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            location,
            message: message.into(),
        }
    }

    /// An error at `location`.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.severity, self.message)
    }
}

/// A file that could not be loaded at all. Whatever was loaded before stays.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct LoadError {
    /// Where the problem is (boxed: errors travel in `Result`s on hot paths).
    pub location: Box<Location>,
    /// What it is.
    pub problem: Problem,
}

impl LoadError {
    /// An error at `location`.
    pub fn new(location: Location, problem: Problem) -> Self {
        Self {
            location: Box::new(location),
            problem,
        }
    }
}

impl From<LoadError> for Diagnostic {
    fn from(error: LoadError) -> Self {
        Diagnostic::error(*error.location, error.problem.to_string())
    }
}

/// Why a file or a record could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// The file could not be opened or read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// Zero bytes, or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// A byte sequence that is not UTF-8.
    #[error("the file is not UTF-8 text (save it as UTF-8)")]
    NotUtf8,
    /// serde_json's complaint, without its position (that is in the location).
    #[error("not valid JSON: {0}")]
    Json(String),
    /// A TopoJSON `Topology` object.
    #[error(
        "TopoJSON is not supported; convert to GeoJSON (for example `ogr2ogr -f GeoJSON out.geojson in.topojson`)"
    )]
    TopoJson,
    /// A FeatureCollection with no features.
    #[error("the feature collection is empty")]
    EmptyCollection,
    /// Features, but none with a Polygon or MultiPolygon geometry.
    #[error("no Polygon or MultiPolygon features (found {found})")]
    NoPolygons {
        /// What was found instead, e.g. `3 Point, 1 LineString`.
        found: String,
    },
    /// Coordinates outside longitude/latitude range.
    #[error(
        "coordinate [{x}, {y}] is outside the longitude/latitude range; the data looks projected{}; reproject it to WGS84 longitude/latitude (EPSG:4326), for example `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`",
        crs.as_deref().map(|name| format!(" (its crs is {name})")).unwrap_or_default()
    )]
    Projected {
        /// The first coordinate out of range.
        x: f64,
        /// Its second value.
        y: f64,
        /// The file's `crs` name, when it has one.
        crs: Option<String>,
    },
    /// The user stopped the load.
    #[error("loading was cancelled")]
    Cancelled,
    /// Anything else, said in words.
    #[error("{0}")]
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_reads_as_file_line_column_and_record_path() {
        let location = Location::file("a.geojson").at(3, 7).record("features", 2);
        assert_eq!(location.to_string(), "a.geojson:3:7: features[2]");
        assert_eq!(Location::file("b.json").to_string(), "b.json");
    }

    #[test]
    fn projected_problem_names_the_crs_when_known() {
        let problem = Problem::Projected {
            x: 4_400_000.0,
            y: 6_000_000.0,
            crs: Some("EPSG:3857".into()),
        };
        let text = problem.to_string();
        assert!(text.contains("looks projected (its crs is EPSG:3857)"), "{text}");
        let without = Problem::Projected {
            x: 500.0,
            y: 1.0,
            crs: None,
        };
        assert!(!without.to_string().contains("its crs"));
    }
}
