//! What borderwatch loads: region layers, the context layer and events, with
//! the checks and messages that go with them. No drawing here.

pub mod acled;
pub mod bundled;
pub mod context;
pub mod csv_file;
pub mod date;
pub mod diagnostic;
pub mod draft;
pub mod event;
pub mod event_file;
pub mod event_set;
pub mod fields;
pub mod geojson;
pub mod json;
pub mod json_records;
mod json_str;
pub mod record;
pub mod region;

pub use context::{ContextFeature, ContextKind, ContextLayer};
pub use date::EventDate;
pub use diagnostic::{Diagnostic, LoadError, Location, Problem, Severity};
pub use event::{
    Categories, CategoryId, Event, EventCategory, EventOrigin, EventTexts, Precision, SourceRef,
};
pub use event_file::{FileSummary, LoadProgress};
pub use event_set::{EventFile, EventSet, EventSetBuilder};
pub use region::{Region, RegionId, RegionLayer, RegionSet};
