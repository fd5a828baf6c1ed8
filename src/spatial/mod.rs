//! Spatial indexes: which region contains a point, and where the events are.
//! No drawing here.

pub mod event_index;
mod region_index;

pub use event_index::{Cluster, EventIndex, cluster_level};
pub use region_index::RegionIndex;
