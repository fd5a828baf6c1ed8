//! The data compiled into the binary, so that `borderwatch` starts with no
//! arguments from any directory. The files in `assets/` are the source.

/// The five tracked region layers, north to south, as `(layer id, GeoJSON)`.
pub const REGION_LAYERS: [(&str, &str); 5] = [
    ("bryansk", include_str!("../../assets/regions/bryansk.geojson")),
    ("belgorod", include_str!("../../assets/regions/belgorod.geojson")),
    ("voronezh", include_str!("../../assets/regions/voronezh.geojson")),
    ("rostov", include_str!("../../assets/regions/rostov.geojson")),
    ("crimea", include_str!("../../assets/regions/crimea.geojson")),
];

/// Neighbouring admin-1 regions, countries and sea names, drawn for orientation.
pub const CONTEXT: &str = include_str!("../../assets/context/context.geojson");

/// The Russia–Ukraine state border and the de facto line at Perekop.
pub const BORDER: &str = include_str!("../../assets/borders/border.geojson");

/// How the bundled sample events are named in messages.
pub const SAMPLE_EVENTS_NAME: &str = "bundled:assets/events/sample.json";

/// Sample events built from the two news articles the project grew from.
pub const SAMPLE_EVENTS: &str = include_str!("../../assets/events/sample.json");
