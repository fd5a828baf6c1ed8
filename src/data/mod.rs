//! What borderwatch loads: region layers, the context layer and (later) events,
//! with the checks and messages that go with them. No drawing here.

pub mod bundled;
pub mod context;
pub mod diagnostic;
pub mod geojson;
pub mod json;
pub mod region;

pub use context::{ContextFeature, ContextKind, ContextLayer};
pub use diagnostic::{Diagnostic, LoadError, Location, Problem, Severity};
pub use region::{Region, RegionId, RegionLayer, RegionSet};
