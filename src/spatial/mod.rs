//! Spatial indexes: which region contains a point. No drawing here.

mod region_index;

pub use region_index::RegionIndex;
