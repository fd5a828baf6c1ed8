//! MBTiles packages (SQLite): raster tiles stored by TMS row, described by a `metadata` table.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{MAX_ZOOM, TileId};

/// An MBTiles failure, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum MbTilesError {
    /// SQLite could not open or query the file (missing, not a database, no `tiles` table...).
    #[error("MBTiles {path}: {source}")]
    Sqlite {
        /// The package.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The package holds vector tiles.
    #[error("MBTiles {path}: vector tiles are not supported: use a raster package")]
    Vector {
        /// The package.
        path: PathBuf,
    },
    /// The package declares a tile format that is not PNG, JPEG or WebP.
    #[error("MBTiles {path}: tile format {format:?} is not supported (png, jpg or webp)")]
    Format {
        /// The package.
        path: PathBuf,
        /// The `format` metadata value.
        format: String,
    },
}

/// An open MBTiles package. Not `Sync` (one SQLite connection): read it from one thread.
#[derive(Debug)]
pub struct MbTiles {
    path: PathBuf,
    conn: Connection,
    max_zoom: u8,
    attribution: Option<String>,
}

impl MbTiles {
    /// Opens a package read-only, checking that it holds raster tiles.
    pub fn open(path: &Path) -> Result<Self, MbTilesError> {
        let sql = |source| MbTilesError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        // Read-only also keeps SQLite from creating an empty database for a mistyped path.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        // Preparing the tile query proves the `tiles` table (or view) exists, up front.
        conn.prepare("SELECT tile_data FROM tiles WHERE zoom_level = 0 AND tile_column = 0 AND tile_row = 0")
            .map_err(sql)?;
        let format = metadata(&conn, "format").map_err(sql)?;
        if let Some(format) = format {
            match format.trim().to_ascii_lowercase().as_str() {
                "png" | "jpg" | "jpeg" | "webp" => {}
                "pbf" | "mvt" => return Err(MbTilesError::Vector { path: path.into() }),
                _ => {
                    return Err(MbTilesError::Format {
                        path: path.into(),
                        format,
                    });
                }
            }
        }
        let declared = metadata(&conn, "maxzoom").map_err(sql)?;
        let max_zoom = match declared.and_then(|z| z.trim().parse::<u8>().ok()) {
            Some(z) => z,
            // `maxzoom` is optional in the spec: ask the tiles themselves.
            None => conn
                .query_row("SELECT MAX(zoom_level) FROM tiles", [], |r| {
                    r.get::<_, Option<i64>>(0)
                })
                .map_err(sql)?
                .and_then(|z| u8::try_from(z).ok())
                .unwrap_or(0),
        };
        let attribution = metadata(&conn, "attribution")
            .map_err(sql)?
            .filter(|a| !a.trim().is_empty());
        Ok(Self {
            path: path.to_path_buf(),
            conn,
            max_zoom: max_zoom.min(MAX_ZOOM),
            attribution,
        })
    }

    /// The package file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The deepest zoom level (metadata `maxzoom`, else the deepest tile present).
    pub fn max_zoom(&self) -> u8 {
        self.max_zoom
    }

    /// The `attribution` metadata, if any.
    pub fn attribution(&self) -> Option<&str> {
        self.attribution.as_deref()
    }

    /// The encoded tile, `None` if the package has none there.
    pub fn tile(&self, id: TileId) -> Result<Option<Vec<u8>>, MbTilesError> {
        if !id.is_valid() {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            // Not `prepare_cached`: that needs rusqlite's `cache` feature, off in the main crate.
            .prepare(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            )
            .map_err(|source| self.error(source))?;
        stmt.query_row((id.z, id.x, id.tms_y()), |row| row.get::<_, Vec<u8>>(0))
            .optional()
            .map_err(|source| self.error(source))
    }

    fn error(&self, source: rusqlite::Error) -> MbTilesError {
        MbTilesError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }
}

/// A `metadata` value; a package without the table simply has no metadata.
fn metadata(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'metadata')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    conn.query_row("SELECT value FROM metadata WHERE name = ?1", [name], |r| {
        r.get::<_, Option<String>>(0)
    })
    .optional()
    .map(Option::flatten)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes a package; `tiles` are (XYZ id, bytes) and are stored under TMS rows.
    pub(crate) fn write_mbtiles(path: &Path, meta: &[(&str, &str)], tiles: &[(TileId, Vec<u8>)]) {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
        )
        .unwrap();
        for (k, v) in meta {
            conn.execute("INSERT INTO metadata VALUES (?1, ?2)", (k, v))
                .unwrap();
        }
        for (id, data) in tiles {
            let row = (1u32 << id.z) - 1 - id.y;
            conn.execute(
                "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                (id.z, id.x, row, data),
            )
            .unwrap();
        }
    }

    fn t(z: u8, x: u32, y: u32) -> TileId {
        TileId { z, x, y }
    }

    #[test]
    fn reads_tiles_with_tms_flip_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mbtiles");
        let tiles = [(t(2, 1, 0), b"north".to_vec()), (t(2, 1, 3), b"south".to_vec())];
        write_mbtiles(
            &path,
            &[("format", "png"), ("attribution", "© Test"), ("maxzoom", "2")],
            &tiles,
        );
        let pkg = MbTiles::open(&path).unwrap();
        // Row 3 in TMS is the northernmost row at z2, i.e. XYZ y = 0.
        let row: u32 = pkg
            .conn
            .query_row(
                "SELECT tile_row FROM tiles WHERE tile_data = x'6e6f727468'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(row, 3);
        assert_eq!(pkg.tile(t(2, 1, 0)).unwrap().as_deref(), Some(&b"north"[..]));
        assert_eq!(pkg.tile(t(2, 1, 3)).unwrap().as_deref(), Some(&b"south"[..]));
        assert_eq!(pkg.tile(t(2, 1, 1)).unwrap(), None);
        assert_eq!(pkg.tile(t(2, 9, 9)).unwrap(), None);
        assert_eq!(pkg.attribution(), Some("© Test"));
        assert_eq!(pkg.max_zoom(), 2);
    }

    #[test]
    fn max_zoom_falls_back_to_the_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.mbtiles");
        write_mbtiles(&path, &[], &[(t(5, 0, 0), vec![1]), (t(7, 0, 0), vec![2])]);
        let pkg = MbTiles::open(&path).unwrap();
        assert_eq!((pkg.max_zoom(), pkg.attribution()), (7, None));
    }

    #[test]
    fn clear_errors_for_vector_missing_and_non_packages() {
        let dir = tempfile::tempdir().unwrap();
        let vector = dir.path().join("v.mbtiles");
        write_mbtiles(&vector, &[("format", "pbf")], &[]);
        let err = MbTiles::open(&vector).unwrap_err().to_string();
        assert!(
            err.contains("vector tiles are not supported: use a raster package"),
            "{err}"
        );
        assert!(err.contains("v.mbtiles"), "{err}");
        let missing = dir.path().join("nope.mbtiles");
        let err = MbTiles::open(&missing).unwrap_err().to_string();
        assert!(err.contains("nope.mbtiles"), "{err}");
        assert!(!missing.exists(), "opening must not create the file");
        let text = dir.path().join("t.mbtiles");
        std::fs::write(&text, b"not sqlite at all, just some text that is long enough").unwrap();
        assert!(
            MbTiles::open(&text)
                .unwrap_err()
                .to_string()
                .contains("t.mbtiles")
        );
        let empty_db = dir.path().join("e.mbtiles");
        Connection::open(&empty_db)
            .unwrap()
            .execute_batch("CREATE TABLE x (a)")
            .unwrap();
        assert!(
            MbTiles::open(&empty_db)
                .unwrap_err()
                .to_string()
                .contains("e.mbtiles")
        );
    }
}
