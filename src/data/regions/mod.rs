//! Regions and what is drawn around them: GeoJSON polygons read into `geo`
//! shapes ([`geojson`]), grouped into layers of regions ([`layer`]), the set
//! of regions with the index that finds the one at a point ([`region`],
//! [`index`]), and the muted context layer ([`context`]). No drawing here.

pub mod antimeridian;
pub mod border;
pub mod border_distance;
pub mod coast;
pub mod context;
pub mod geojson;
pub mod index;
pub mod layer;
pub mod names;
pub mod region;
pub mod water;

pub use border::{BorderKind, BorderLayer, BorderLine};
pub use context::{ContextFeature, ContextKind, ContextLayer};
pub use index::RegionIndex;
pub use layer::{LayersRead, bundled_layers, layer_id_from_path, read_layer_paths, read_region_layer};
pub use region::{Assigned, LayerRegions, Region, RegionId, RegionLayer, RegionSet};
pub use water::WaterLayer;
