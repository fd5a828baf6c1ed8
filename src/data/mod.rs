//! What borderwatch loads: region layers, the context layer and events, with
//! the checks and messages that go with them. No drawing here.
//!
//! Floors, lowest first: [`diagnostic`] and [`container`] (what every reader
//! reports in), [`json`] (text positions and the record scanner), then
//! [`regions`] and [`events`] (events are placed in regions as they are read).

pub mod area_file;
pub mod bundled;
pub mod container;
pub mod diagnostic;
pub mod events;
pub mod formats;
pub mod grouped;
pub mod json;
pub mod places;
pub mod regions;

pub use container::Container;
pub use diagnostic::{Diagnostic, LoadError, Location, Problem, Severity};
pub use events::{
    Categories, CategoryId, DatePrecision, Event, EventCategory, EventDate, EventFile, EventOrigin, EventSet,
    EventSetBuilder, EventTexts, FileSummary, LoadProgress, Placement, Precision, SourceRef, TextBlock,
};
pub use regions::{
    ContextFeature, ContextKind, ContextLayer, Region, RegionId, RegionLayer, RegionSet, WaterLayer,
};
