//! Where the events are: a Morton-ordered index of their positions for
//! clustering and hit-testing. (Which region contains a point is answered by
//! [`crate::data::regions::RegionIndex`].) No drawing here.

pub mod event_index;
pub mod hexbin;

pub use event_index::{Cluster, EventIndex, cluster_level};
