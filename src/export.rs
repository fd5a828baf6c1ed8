//! Writing events out: a GeoJSON FeatureCollection of Points (which
//! borderwatch loads back as the same events), CSV in borderwatch's own
//! columns (which it loads back too), or the GIS formats (`export_gis`).
//! Streams, so a million events need no more memory than they already take.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

pub use crate::export_fields::{CSV_COLUMNS, assigned_region, csv_record, event_properties};

use crate::data::{Diagnostic, Event, EventSet, RegionSet};
use crate::load::{OnError, Sources, load_sources};
use crate::query::EventFilter;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A GeoJSON FeatureCollection of Point features.
    GeoJson,
    /// CSV with a header row.
    Csv,
    /// A GeoPackage with one point table, `events`.
    GeoPackage,
    /// KML placemarks (Google Earth).
    Kml,
    /// KML zipped (`doc.kml` in a `.kmz`).
    Kmz,
    /// GeoParquet: WKB points and typed columns.
    Parquet,
}

impl ExportFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::GeoJson => "geojson",
            Self::Csv => "csv",
            Self::GeoPackage => "gpkg",
            Self::Kml => "kml",
            Self::Kmz => "kmz",
            Self::Parquet => "parquet",
        }
    }

    /// The format's name in menus and titles.
    pub fn name(self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::Csv => "CSV",
            Self::GeoPackage => "GeoPackage",
            Self::Kml => "KML",
            Self::Kmz => "KMZ",
            Self::Parquet => "GeoParquet",
        }
    }

    /// Every format, in menu order.
    pub const ALL: [Self; 6] = [
        Self::GeoJson,
        Self::Csv,
        Self::GeoPackage,
        Self::Kml,
        Self::Kmz,
        Self::Parquet,
    ];

    /// Whether the format can only be written to a file (not a stream).
    pub fn needs_file(self) -> bool {
        matches!(self, Self::GeoPackage | Self::Parquet)
    }
}

/// What `borderwatch export` was asked to do.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// `--regions` files or folders; empty for the bundled five.
    pub regions: Vec<std::path::PathBuf>,
    /// Event files to read.
    pub events: Vec<std::path::PathBuf>,
    /// Which events to write.
    pub filter: EventFilter,
    /// GeoJSON or CSV.
    pub format: ExportFormat,
    /// What the event files' fields are (`--map`, `--date-order`, `--sources`).
    pub mapping: crate::data::events::read::ColumnMapping,
}

/// What an export did.
#[derive(Debug)]
pub struct ExportReport {
    /// Events written.
    pub written: usize,
    /// Events loaded, before the filter.
    pub loaded: usize,
    /// Every warning and error from loading.
    pub messages: Vec<Diagnostic>,
    /// How many files could not be loaded at all, or had records but gave
    /// no event.
    pub failed_files: usize,
}

impl ExportReport {
    /// Whether a file (events or `--regions`) could not be loaded, or a
    /// file with records gave no event.
    pub fn failed(&self) -> bool {
        self.failed_files > 0
    }
}

/// Loads the files as the app does and writes the events that pass the
/// filter, newest first, to `out`.
pub fn run_export(options: &ExportOptions, out: &mut impl Write) -> io::Result<ExportReport> {
    run_export_with(options, |events, regions, indices| {
        write_events(events, regions, indices.iter().copied(), options.format, out)
    })
}

/// [`run_export`] into the file at `path`, written atomically: the way to
/// write the formats that need a file (GeoPackage, Parquet), and any other.
pub fn run_export_to_path(options: &ExportOptions, path: &std::path::Path) -> io::Result<ExportReport> {
    run_export_with(options, |events, regions, indices| {
        write_events_to_path(events, regions, indices, options.format, path)
    })
}

/// Loads the files as the app does, then has `write` write the events that
/// pass the filter (their indices, newest first).
fn run_export_with(
    options: &ExportOptions,
    write: impl FnOnce(&EventSet, &RegionSet, &[usize]) -> io::Result<usize>,
) -> io::Result<ExportReport> {
    let sources = Sources::new(&options.regions, &options.events).with_mapping(options.mapping.clone());
    let loaded = match load_sources(&sources, OnError::Skip, None) {
        Ok(loaded) => loaded,
        // Skipping, with nothing to cancel it: every file was tried.
        Err(aborted) => {
            return Ok(ExportReport {
                written: 0,
                loaded: 0,
                messages: aborted.messages,
                failed_files: 1,
            });
        }
    };
    let data = &loaded.dataset;
    let mut messages = loaded.messages;
    let mut failed_files = loaded.failed;
    for file in data.events.files() {
        if file.records > 0 && file.rejected == file.records {
            failed_files += 1;
            messages.push(Diagnostic::error(
                crate::data::Location::file(&file.name),
                format!(
                    "no event loaded: all {} records were rejected (--map and --date-order may help)",
                    crate::data::grouped::thousands(file.records)
                ),
            ));
        }
    }
    let shown = data.apply(&options.filter);
    let indices: Vec<usize> = shown.indices.iter().map(|&i| i as usize).collect();
    let written = write(&data.events, &data.regions, &indices)?;
    Ok(ExportReport {
        written,
        loaded: data.events.len(),
        messages,
        failed_files,
    })
}

/// Writes a file all at once or not at all: `write` fills `path.partial`
/// beside the target (buffered), which is renamed over `path` only when every
/// byte is written and flushed. On any error the partial file is removed and
/// whatever was at `path` before stays. Both exports (the command line and
/// the window) write through here.
pub fn write_atomically<T>(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<T>,
) -> io::Result<T> {
    write_file_atomically(path, |partial| {
        let mut out = io::BufWriter::new(std::fs::File::create(partial)?);
        let value = write(&mut out)?;
        out.flush()?;
        out.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()?;
        Ok(value)
    })
}

/// Has `write` make the file at `path.partial`, then renames it over `path`;
/// on any error the partial file is removed and `path` left as it was. For
/// writers that need a file of their own (GeoPackage, Parquet).
pub fn write_file_atomically<T>(
    path: &std::path::Path,
    write: impl FnOnce(&std::path::Path) -> io::Result<T>,
) -> io::Result<T> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let result = write(&partial).and_then(|value| std::fs::rename(&partial, path).map(|()| value));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Writes the events at `indices` to the file at `path` in `format`,
/// atomically (see [`write_atomically`]); returns how many were written.
pub fn write_events_to_path(
    events: &EventSet,
    regions: &RegionSet,
    indices: &[usize],
    format: ExportFormat,
    path: &std::path::Path,
) -> io::Result<usize> {
    let indices = indices.iter().copied();
    match format {
        ExportFormat::GeoPackage | ExportFormat::Parquet => {
            write_file_atomically(path, |partial| match format {
                ExportFormat::GeoPackage => {
                    crate::export_gis::write_gpkg_events(events, regions, indices, partial)
                }
                _ => crate::export_gis::write_parquet_events(events, regions, indices, partial),
            })
        }
        _ => write_atomically(path, |mut out| {
            write_events(events, regions, indices, format, &mut out)
        }),
    }
}

/// Writes the events at `indices` of `events` in `format`; returns how many
/// were written.
pub fn write_events(
    events: &EventSet,
    regions: &RegionSet,
    indices: impl IntoIterator<Item = usize>,
    format: ExportFormat,
    out: &mut impl Write,
) -> io::Result<usize> {
    match format {
        ExportFormat::GeoJson => write_geojson(events, regions, indices, out),
        ExportFormat::Csv => write_csv(events, regions, indices, out),
        ExportFormat::Kml | ExportFormat::Kmz => {
            crate::export_gis::write_kml_events(events, regions, indices, format == ExportFormat::Kmz, out)
        }
        ExportFormat::GeoPackage | ExportFormat::Parquet => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is written to a file, not a stream", format.extension()),
        )),
    }
}

fn write_geojson(
    events: &EventSet,
    regions: &RegionSet,
    indices: impl IntoIterator<Item = usize>,
    out: &mut impl Write,
) -> io::Result<usize> {
    out.write_all(b"{\"type\": \"FeatureCollection\", \"features\": [\n")?;
    let mut written = 0;
    for index in indices {
        let Some(event) = events.get(index) else { continue };
        if written > 0 {
            out.write_all(b",\n")?;
        }
        let properties = with_region(event_properties(events, event), regions, event);
        // The id as read for the properties: not read again from the event.
        let id = properties.get("id").cloned().unwrap_or_default();
        let feature = json!({
            "type": "Feature",
            "id": id,
            "geometry": {"type": "Point", "coordinates": [event.position.x, event.position.y]},
            "properties": properties,
        });
        serde_json::to_writer(&mut *out, &feature)?;
        written += 1;
    }
    out.write_all(b"\n]}\n")?;
    Ok(written)
}

/// An event's properties with its assigned region after them.
fn with_region(mut properties: Map<String, Value>, regions: &RegionSet, event: &Event) -> Map<String, Value> {
    for (key, value) in assigned_region(regions, event) {
        let value = match key {
            _ if value.is_empty() => Value::Null,
            "border_km" => value.parse::<f64>().map_or(Value::Null, |km| json!(km)),
            _ => json!(value),
        };
        properties.insert(key.into(), value);
    }
    properties
}

fn write_csv(
    events: &EventSet,
    regions: &RegionSet,
    indices: impl IntoIterator<Item = usize>,
    out: &mut impl Write,
) -> io::Result<usize> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_COLUMNS)?;
    let mut written = 0;
    for index in indices {
        let Some(event) = events.get(index) else { continue };
        writer.write_record(csv_record(events, regions, event))?;
        written += 1;
    }
    writer.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{EventSetBuilder, RegionSet};

    fn load(regions: &RegionSet, name: &str, bytes: &[u8]) -> EventSet {
        let mut builder = EventSetBuilder::new(regions);
        builder.add_reader(name, None, bytes, None).expect("loads");
        let (set, messages) = builder.finish();
        assert!(messages.is_empty(), "{messages:?}");
        set
    }

    /// The parts of an event a round trip must keep (everything but origin).
    fn summary(events: &EventSet) -> Vec<String> {
        events
            .events()
            .iter()
            .map(|e| {
                format!("{:?}", event_properties(events, e))
                    + &format!("{:?}{:?}{:?}", e.position, e.region(), e.placement())
            })
            .collect()
    }

    #[test]
    fn geojson_and_csv_exports_load_back_as_the_same_events() {
        let regions = RegionSet::bundled().expect("regions");
        let original = EventSet::bundled(&regions).expect("sample");
        let mut tricky = EventSetBuilder::new(&regions);
        tricky
            .add_reader(
                "tricky.json",
                None,
                br#"[{"id": "t1", "title": "Comma, \"quotes\"; and\nnewline", "date": "2021-04-22T10:30:00+03:00",
                      "end_date": "2021-04-23", "category": "Sightings", "lat": 47.2, "lon": 39.7,
                      "actors": ["A; B"], "troops": 5, "precision": "exact", "sources": [{"name": "N", "url": "https://x.org/a,b"}],
                      "nested": {"k": [1, 2]}, "flag": true}]"#
                    .as_slice(),
                None,
            )
            .expect("loads");
        let tricky = tricky.finish().0;
        for set in [&original, &tricky] {
            for format in [ExportFormat::GeoJson, ExportFormat::Csv] {
                let mut bytes = Vec::new();
                let written = write_events(set, &regions, 0..set.len(), format, &mut bytes).expect("writes");
                assert_eq!(written, set.len());
                let back = load(&regions, &format!("back.{}", format.extension()), &bytes);
                if format == ExportFormat::Csv && set.len() == 1 {
                    // CSV splits actors on ';', so "A; B" comes back as two.
                    assert_eq!(back.events()[0].actors().collect::<Vec<_>>(), ["A", "B"]);
                    continue;
                }
                assert_eq!(summary(&back), summary(set), "{format:?}");
            }
        }
    }

    #[test]
    fn exports_read_texts_in_the_texts_file_and_let_them_go() {
        let regions = RegionSet::bundled().expect("regions");
        let original = EventSet::bundled(&regions).expect("sample");
        let mut moved = EventSet::bundled(&regions).expect("sample");
        moved.move_texts_to(&crate::data::events::text_file::TextFile::for_tests());
        let kept = |set: &EventSet| set.events().iter().filter(|e| e.text_block().0.is_kept()).count();
        assert_eq!(kept(&moved), 0);
        for format in [ExportFormat::GeoJson, ExportFormat::Csv, ExportFormat::Kml] {
            let write = |set: &EventSet| {
                let mut bytes = Vec::new();
                write_events(set, &regions, 0..set.len(), format, &mut bytes).expect("writes");
                bytes
            };
            let written = write(&moved);
            assert!(
                written.windows(6).any(|w| w == b"Pogono"),
                "{format:?}: texts written"
            );
            assert_eq!(written, write(&original), "{format:?}");
            assert_eq!(kept(&moved), 0, "{format:?}: no texts brought back");
        }
    }

    #[test]
    fn exports_say_which_region_each_event_is_in_and_how() {
        let regions = RegionSet::bundled().expect("regions");
        let set = load(
            &regions,
            "r.json",
            br#"[{"id": "a", "title": "t", "date": "2021-04-22", "lat": 50.595, "lon": 36.587},
                 {"id": "b", "title": "t", "date": "2021-04-22", "lat": 50.595, "lon": 36.587, "region": "belgorod"},
                 {"id": "c", "title": "t", "date": "2021-04-22", "lat": 55.75, "lon": 37.62},
                 {"id": "d", "title": "t", "date": "2021-04-22", "lat": 50.595, "lon": 36.587, "region": "crimea",
                  "precision": "notional", "date_precision": "week"}]"#,
        );
        let mut bytes = Vec::new();
        write_events(&set, &regions, 0..set.len(), ExportFormat::Csv, &mut bytes).expect("writes");
        let text = String::from_utf8(bytes).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].ends_with(",region_id,region_name,region_by,border_km,border_side"),
            "{}",
            lines[0]
        );
        // Belgorod's centre is about 36 km from the state border, in Russia.
        let border = |line: &str| {
            let fields: Vec<&str> = line.rsplitn(3, ',').collect();
            (
                fields[1].parse::<f64>().unwrap_or(f64::NAN),
                fields[0].to_string(),
            )
        };
        for (line, by) in [(lines[1], "position"), (lines[2], "file")] {
            assert!(
                line.contains(&format!(",belgorod,Belgorod Oblast,{by},")),
                "{line}"
            );
            let (km, side) = border(line);
            assert!((30.0..45.0).contains(&km) && side == "Russia", "{line}");
        }
        // Moscow: outside every region, hundreds of km from the border.
        assert!(lines[3].contains(",,,position,"), "{}", lines[3]);
        assert!(border(lines[3]).0 > 400.0, "{}", lines[3]);
        // In no region, whatever its point (in Belgorod); about Crimea.
        // …with no distance or side: its point is a stand-in.
        assert!(lines[4].ends_with(",,,notional,,"), "{}", lines[4]);
        assert!(
            lines[4].contains(",crimea,") && lines[4].contains(",notional,week,"),
            "{}",
            lines[4]
        );
        let back = load(&regions, "back.csv", text.as_bytes());
        assert_eq!(summary(&back), summary(&set));
    }

    #[test]
    fn an_atomic_write_leaves_the_old_file_when_it_fails() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.geojson");
        std::fs::write(&path, "old").expect("old file");
        let failed: io::Result<()> = write_atomically(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("still there"), "old");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no partial file left"
        );
        write_atomically(&path, |out| out.write_all(b"new")).expect("writes");
        assert_eq!(std::fs::read_to_string(&path).expect("replaced"), "new");
    }

    #[test]
    fn only_the_given_events_are_written() {
        let regions = RegionSet::bundled().expect("regions");
        let set = EventSet::bundled(&regions).expect("sample");
        let mut bytes = Vec::new();
        let written =
            write_events(&set, &regions, [0, 3, 999], ExportFormat::GeoJson, &mut bytes).expect("writes");
        assert_eq!(written, 2);
        let back = load(&regions, "two.geojson", &bytes);
        assert_eq!(back.len(), 2);
        assert!(back.index_of(set.events()[3].id()).is_some());
    }
}
