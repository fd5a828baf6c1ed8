//! Where tiles come from: an XYZ URL template, an MBTiles or a PMTiles package, parsed from the
//! string a user types, with its attribution and zoom range.

use std::path::PathBuf;

use super::{TileId, mbtiles, pmtiles};

/// The OpenStreetMap standard tile layer (subject to its tile usage policy).
pub const OSM_TEMPLATE: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// The deepest zoom assumed for an XYZ server, which says nothing about its range (OSM's is 19).
pub const XYZ_DEFAULT_MAX_ZOOM: u8 = 19;

const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// Why a string is not a tile source.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    /// Neither a URL template nor a package file.
    #[error(
        "not a tile source: {0:?} (expected an http(s) URL template with {{z}}, {{x}} and {{y}}, \
         or a .mbtiles or .pmtiles file)"
    )]
    Unrecognised(String),
    /// A URL template without a required placeholder.
    #[error("tile URL template {template:?} has no {placeholder} placeholder")]
    MissingPlaceholder {
        /// The template as given.
        template: String,
        /// The placeholder it lacks, e.g. `{z}`.
        placeholder: &'static str,
    },
    /// A URL template with a placeholder this viewer cannot fill (e.g. an API key).
    #[error("tile URL template {template:?} has an unknown placeholder {placeholder}")]
    UnknownPlaceholder {
        /// The template as given.
        template: String,
        /// The placeholder, braces included.
        placeholder: String,
    },
}

/// A source of raster map tiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileSource {
    /// A tile server: `{z}`, `{x}`, `{y}` (or `{-y}` for TMS rows) and optionally `{s}`
    /// (subdomain a, b or c) are replaced per tile.
    Xyz {
        /// The URL template, e.g. [`OSM_TEMPLATE`].
        template: String,
    },
    /// An MBTiles package (SQLite) of raster tiles.
    MbTiles(PathBuf),
    /// A PMTiles v3 archive of raster tiles.
    PmTiles(PathBuf),
}

/// What a source says about itself: shown under the map and used to pick zoom levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Text the map must show with the tiles, if the source names one.
    pub attribution: Option<String>,
    /// The deepest zoom level with tiles.
    pub max_zoom: u8,
}

/// Why a source's description could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InfoError {
    /// The MBTiles package could not be opened.
    #[error(transparent)]
    MbTiles(#[from] mbtiles::MbTilesError),
    /// The PMTiles archive could not be opened.
    #[error(transparent)]
    PmTiles(#[from] pmtiles::PmTilesError),
}

impl std::str::FromStr for TileSource {
    type Err = SourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TileSource {
    /// The source a user string names: an `http://` or `https://` template, or a path ending in
    /// `.mbtiles` or `.pmtiles` (any case). The file itself is opened only when tiles are read.
    pub fn parse(input: &str) -> Result<Self, SourceError> {
        let s = input.trim();
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            validate_template(s)?;
            Ok(Self::Xyz {
                template: s.to_owned(),
            })
        } else if lower.ends_with(".mbtiles") {
            Ok(Self::MbTiles(PathBuf::from(s)))
        } else if lower.ends_with(".pmtiles") {
            Ok(Self::PmTiles(PathBuf::from(s)))
        } else {
            Err(SourceError::Unrecognised(s.to_owned()))
        }
    }

    /// The OpenStreetMap standard layer.
    pub fn osm() -> Self {
        Self::Xyz {
            template: OSM_TEMPLATE.to_owned(),
        }
    }

    /// A short stable name for this source (FNV-1a of its template or path), used as its
    /// directory in the disk cache so that two servers never share tiles.
    pub fn key(&self) -> String {
        let text = match self {
            Self::Xyz { template } => template.clone(),
            Self::MbTiles(p) | Self::PmTiles(p) => p.to_string_lossy().into_owned(),
        };
        format!("{:016x}", super::cache::fnv1a64(text.as_bytes()))
    }

    /// The URL of a tile for an XYZ source (`None` for packages).
    pub fn url(&self, id: TileId) -> Option<String> {
        match self {
            Self::Xyz { template } => Some(expand_template(template, id)),
            _ => None,
        }
    }

    /// Attribution and zoom range; opens a package file to read them (cheap: header/metadata).
    pub fn info(&self) -> Result<SourceInfo, InfoError> {
        match self {
            Self::Xyz { template } => Ok(SourceInfo {
                attribution: xyz_attribution(template),
                max_zoom: XYZ_DEFAULT_MAX_ZOOM,
            }),
            Self::MbTiles(path) => {
                let pkg = mbtiles::MbTiles::open(path)?;
                Ok(SourceInfo {
                    attribution: pkg.attribution().map(str::to_owned),
                    max_zoom: pkg.max_zoom(),
                })
            }
            Self::PmTiles(path) => {
                let pkg = pmtiles::PmTiles::open(path)?;
                Ok(SourceInfo {
                    attribution: pkg.attribution().map(str::to_owned),
                    max_zoom: pkg.max_zoom(),
                })
            }
        }
    }
}

fn xyz_attribution(template: &str) -> Option<String> {
    let lower = template.to_ascii_lowercase();
    lower
        .contains("openstreetmap.org")
        .then(|| OSM_ATTRIBUTION.to_owned())
}

/// The placeholders a template may use; anything else in braces is rejected up front so that a
/// typo fails when the source is chosen, not as thousands of 404s.
const KNOWN_PLACEHOLDERS: [&str; 5] = ["{z}", "{x}", "{y}", "{-y}", "{s}"];

fn validate_template(template: &str) -> Result<(), SourceError> {
    let missing = |placeholder| SourceError::MissingPlaceholder {
        template: template.to_owned(),
        placeholder,
    };
    if !template.contains("{z}") {
        return Err(missing("{z}"));
    }
    if !template.contains("{x}") {
        return Err(missing("{x}"));
    }
    if !template.contains("{y}") && !template.contains("{-y}") {
        return Err(missing("{y}"));
    }
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let tail = &rest[start..];
        let end = tail.find('}').map_or(tail.len(), |e| e + 1);
        let placeholder = &tail[..end];
        if !KNOWN_PLACEHOLDERS.contains(&placeholder) {
            return Err(SourceError::UnknownPlaceholder {
                template: template.to_owned(),
                placeholder: placeholder.to_owned(),
            });
        }
        rest = &tail[end..];
    }
    Ok(())
}

/// Fills a validated template for one tile. `{s}` depends only on the tile, so a tile always
/// comes from the same subdomain and HTTP caches along the way stay useful.
pub fn expand_template(template: &str, id: TileId) -> String {
    let subdomains = ["a", "b", "c"];
    let s = subdomains[((u64::from(id.x) + u64::from(id.y)) % 3) as usize];
    let tms = id.tms_y();
    template
        .replace("{z}", &id.z.to_string())
        .replace("{x}", &id.x.to_string())
        .replace("{-y}", &tms.to_string())
        .replace("{y}", &id.y.to_string())
        .replace("{s}", s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(z: u8, x: u32, y: u32) -> TileId {
        TileId { z, x, y }
    }

    #[test]
    fn parses_templates_and_packages() {
        assert_eq!(TileSource::parse(OSM_TEMPLATE), Ok(TileSource::osm()));
        assert_eq!(
            TileSource::parse("  /data/Kursk.MBTILES "),
            Ok(TileSource::MbTiles(PathBuf::from("/data/Kursk.MBTILES")))
        );
        assert_eq!(
            "C:\\maps\\ru.pmtiles".parse::<TileSource>(),
            Ok(TileSource::PmTiles(PathBuf::from("C:\\maps\\ru.pmtiles")))
        );
    }

    #[test]
    fn rejects_bad_strings_with_clear_errors() {
        let err = TileSource::parse("https://example.com/{x}/{y}.png").unwrap_err();
        assert!(matches!(
            err,
            SourceError::MissingPlaceholder {
                placeholder: "{z}",
                ..
            }
        ));
        assert!(err.to_string().contains("no {z} placeholder"), "{err}");
        let err = TileSource::parse("https://example.com/{z}/{x}.png").unwrap_err();
        assert!(matches!(
            err,
            SourceError::MissingPlaceholder {
                placeholder: "{y}",
                ..
            }
        ));
        let err = TileSource::parse("https://e.com/{z}/{x}/{y}.png?key={apikey}").unwrap_err();
        assert!(err.to_string().contains("{apikey}"), "{err}");
        let err = TileSource::parse("https://e.com/{z}/{x}/{y}{.png").unwrap_err();
        assert!(matches!(err, SourceError::UnknownPlaceholder { .. }), "{err}");
        let err = TileSource::parse("/data/map.geojson").unwrap_err();
        assert!(err.to_string().contains("map.geojson"), "{err}");
        assert!(TileSource::parse("ftp://x/{z}/{x}/{y}").is_err());
        assert!(TileSource::parse("").is_err());
    }

    #[test]
    fn expands_placeholders_including_subdomain_and_tms() {
        let src = TileSource::parse("https://{s}.tile.example/{z}/{x}/{y}.png").unwrap();
        assert_eq!(src.url(t(3, 4, 1)).unwrap(), "https://c.tile.example/3/4/1.png");
        assert_eq!(src.url(t(3, 4, 2)).unwrap(), "https://a.tile.example/3/4/2.png");
        assert_eq!(src.url(t(3, 4, 3)).unwrap(), "https://b.tile.example/3/4/3.png");
        let tms = TileSource::parse("http://h/{z}/{x}/{-y}.jpg").unwrap();
        assert_eq!(tms.url(t(3, 4, 1)).unwrap(), "http://h/3/4/6.jpg");
        assert_eq!(tms.url(t(0, 0, 0)).unwrap(), "http://h/0/0/0.jpg");
        assert_eq!(TileSource::MbTiles("a.mbtiles".into()).url(t(0, 0, 0)), None);
    }

    #[test]
    fn osm_attribution_and_stable_keys() {
        let osm = TileSource::osm().info().unwrap();
        assert_eq!(osm.attribution.as_deref(), Some("© OpenStreetMap contributors"));
        assert_eq!(osm.max_zoom, 19);
        let other = TileSource::parse("https://tiles.example/{z}/{x}/{y}.png").unwrap();
        assert_eq!(other.info().unwrap().attribution, None);
        assert_eq!(TileSource::osm().key(), TileSource::osm().key());
        assert_ne!(TileSource::osm().key(), other.key());
        assert_eq!(TileSource::osm().key().len(), 16);
    }
}
