//! The `borderwatch` command: parses the command line, then starts the app
//! or runs a headless command.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use borderwatch::check::{CheckOptions, run_check};
use borderwatch::data::EventDate;
use borderwatch::data::area_file::read_area;
use borderwatch::data::events::DateOrder;
use borderwatch::data::events::read::{ColumnMapping, Role};
use borderwatch::export::{ExportFormat, ExportOptions, run_export, run_export_to_path};
use borderwatch::geometry::area::DrawnArea;
use borderwatch::query::EventFilter;
use borderwatch::query::filter::CategorySelection;
use borderwatch::render::PlaybackOutput;
use borderwatch::render_command::{
    PictureError, PictureOptions, PictureReport, PlaybackSpec, run_render, run_report,
};
use borderwatch::ui::StartupProbe;
use borderwatch::{APP_NAME, BorderwatchApp, StartupOptions};

/// A map of military activity in the Russian regions bordering Ukraine.
#[derive(Debug, Parser)]
#[command(name = "borderwatch", version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Region layer to show instead of the bundled five: a GeoJSON file, or a
    /// folder of .geojson/.json files. Repeatable.
    #[arg(long, value_name = "PATH")]
    regions: Vec<PathBuf>,
    /// Event file to show instead of the bundled sample: JSON records,
    /// GeoJSON points, CSV or TSV (borderwatch's columns or an ACLED export),
    /// or an ACLED API response; see docs/events.md. Repeatable.
    #[arg(long, value_name = "FILE")]
    events: Vec<PathBuf>,
    /// Draw raster tiles under the regions from this XYZ template
    /// (https://…/{z}/{x}/{y}.png) or local .mbtiles/.pmtiles package.
    #[arg(long, value_name = "SOURCE")]
    tiles: Option<String>,
    /// Open the map on this town or village (any spelling: Kharkov, Харків).
    #[arg(long, value_name = "NAME")]
    place: Option<String>,
    /// Time the start: print when the window opened, when the events were
    /// drawn and when the search and border indexes were built, with the
    /// memory the process peaked at, then quit (scripts/measure-window.sh).
    #[arg(long)]
    measure_startup: bool,
    #[command(flatten)]
    mapping: MappingArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load event files as the app would and report per region, then every
    /// warning and error. Exit status: 0 every file loaded, 1 a file could
    /// not be loaded, 2 usage error.
    Check(CheckArgs),
    /// Write the events that pass the filter as GeoJSON or CSV (both load
    /// back into borderwatch). Exit status: 0 written, 1 a file could not be
    /// loaded or the output could not be written, 2 usage error.
    Export(ExportArgs),
    /// Draw the playback as an animated GIF (`-o out.gif`) or numbered PNGs
    /// (`-o folder`): the map, legend, scale bar and each frame's dates,
    /// from --from (or the first event) to --to (or the last), --step days
    /// apart. Exit status: 0 written, 1 nothing loaded or the output could
    /// not be written, 2 usage error.
    Render(RenderArgs),
    /// Draw a one-page PNG report: the map of the filtered events with its
    /// legend, the filter in words, the counts per region and category.
    /// Exit status as for render.
    Report(ReportArgs),
}

/// What both picture commands take.
#[derive(Debug, Args)]
struct PictureArgs {
    /// Region layer instead of the bundled five (file or folder). Repeatable.
    #[arg(long, value_name = "PATH")]
    regions: Vec<PathBuf>,
    /// Image size in pixels.
    #[arg(long, value_name = "WxH", default_value = "1280x800", value_parser = parse_size)]
    size: (u32, u32),
    /// Draw in the dark theme.
    #[arg(long)]
    dark: bool,
    /// Where to write.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
    #[command(flatten)]
    mapping: MappingArgs,
    /// Event files to read (JSON, GeoJSON points, CSV/TSV, ACLED, GeoPackage,
    /// KML/KMZ, Shapefile or a zip of them, Parquet/GeoParquet).
    #[arg(required = true, value_name = "EVENTS")]
    events: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct RenderArgs {
    /// Time between frames: days (`7`, `7d`) or weeks (`2w`).
    #[arg(long, value_name = "SPAN", default_value = "7d", value_parser = parse_span)]
    step: i32,
    /// Days each frame shows (`30d`, `4w`); the step when not given.
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    window: Option<i32>,
    /// Each frame shows everything from the first day on.
    #[arg(long, conflicts_with = "window")]
    cumulative: bool,
    /// How long each GIF frame shows, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    frame_ms: u32,
    #[command(flatten)]
    picture: PictureArgs,
}

#[derive(Debug, Args)]
struct ReportArgs {
    #[command(flatten)]
    picture: PictureArgs,
}

/// `960x600` as pixels, each side 64 to 8192.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let parsed = text
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((w, h)) if (64..=8192).contains(&w) && (64..=8192).contains(&h) => Ok((w, h)),
        _ => Err(format!(
            "\"{text}\" is not a size like 1280x800 (64 to 8192 pixels a side)"
        )),
    }
}

/// `7`, `7d` (days) or `2w` (weeks) as days, 1 to 3660.
fn parse_span(text: &str) -> Result<i32, String> {
    let text = text.trim();
    let (number, days) = match text.strip_suffix(['w', 'W']) {
        Some(weeks) => (weeks, 7),
        None => (text.strip_suffix(['d', 'D']).unwrap_or(text), 1),
    };
    match number.trim().parse::<i32>() {
        Ok(n) if n >= 1 && n * days <= 3660 => Ok(n * days),
        _ => Err(format!(
            "\"{text}\" is not a span like 7d or 2w (1 day to 10 years)"
        )),
    }
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Region layer instead of the bundled five (file or folder). Repeatable.
    #[arg(long, value_name = "PATH")]
    regions: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    format: ExportFormatArg,
    /// Where to write (`-` for standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
    #[command(flatten)]
    mapping: MappingArgs,
    /// Event files to read (JSON, GeoJSON points, CSV/TSV, ACLED, GeoPackage,
    /// KML/KMZ, Shapefile or a zip of them, Parquet/GeoParquet).
    #[arg(required = true, value_name = "EVENTS")]
    events: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormatArg {
    Geojson,
    Csv,
    /// A GeoPackage (one point table, `events`); needs `-o FILE`.
    Gpkg,
    Kml,
    Kmz,
    /// GeoParquet (WKB points); needs `-o FILE`.
    Parquet,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Region layer instead of the bundled five (file or folder). Repeatable.
    #[arg(long, value_name = "PATH")]
    regions: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    filter: FilterArgs,
    #[command(flatten)]
    mapping: MappingArgs,
    /// Event files to check (JSON, GeoJSON points, CSV/TSV, ACLED).
    #[arg(required = true, value_name = "EVENTS")]
    events: Vec<PathBuf>,
}

/// What the event files' fields are, when borderwatch cannot tell by itself.
#[derive(Debug, Args)]
struct MappingArgs {
    /// Which of the files' fields hold what: lat=Y,lon=X,date=when,title=headline
    /// (also id, end_date, category, place, region, description, actors,
    /// sources, precision, date_precision).
    #[arg(long = "map", value_name = "ROLE=FIELD,...", value_parser = parse_map)]
    map: Option<FieldMap>,
    /// The order of day and month in dates written NN/NN/YYYY: dmy or mdy.
    /// Without it each file's own dates decide, and a file whose dates
    /// could be either is refused.
    #[arg(long, value_name = "ORDER", value_parser = parse_date_order)]
    date_order: Option<DateOrder>,
    /// A TimeMap sources file (JSON): the events' `sources` ids are looked up
    /// in it, each source's url and paths becoming the event's sources.
    #[arg(long = "sources", value_name = "FILE")]
    sources: Option<PathBuf>,
    /// The property that names the regions of --regions layers (otherwise
    /// the usual ones are tried: name_en, name_latin, NAME_1, ADMIN_1,
    /// shapeName, name, ..., Latin script first).
    #[arg(long, value_name = "PROPERTY")]
    name_field: Option<String>,
    /// The layer to read from a file that holds several: a GeoPackage's
    /// table, a zip's Shapefile (by its name without .shp).
    #[arg(long, value_name = "NAME")]
    layer: Option<String>,
}

impl MappingArgs {
    fn to_mapping(&self) -> ColumnMapping {
        ColumnMapping {
            fields: self.map.clone().map(|m| m.0).unwrap_or_default(),
            date_order: self.date_order,
            timemap_sources: self.sources.clone(),
            name_field: self.name_field.clone(),
            layer: self.layer.clone(),
        }
    }
}

/// `--map`'s pairs, as one value.
#[derive(Debug, Clone)]
struct FieldMap(Vec<(Role, String)>);

fn parse_map(text: &str) -> Result<FieldMap, String> {
    ColumnMapping::parse_map(text).map(FieldMap)
}

fn parse_date_order(text: &str) -> Result<DateOrder, String> {
    DateOrder::parse(text).ok_or_else(|| format!("\"{text}\" is not dmy or mdy"))
}

/// The filter options shared by the headless commands.
#[derive(Debug, Args)]
struct FilterArgs {
    /// First day to count (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    from: Option<i32>,
    /// Last day to count (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    to: Option<i32>,
    /// Count only this category. Repeatable.
    #[arg(long, value_name = "NAME")]
    category: Vec<String>,
    /// Count only events whose title, description, place, actors or sources
    /// contain every word of TEXT (ignoring case).
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Count only events located to a town or better: precision exact,
    /// approximate or not given (not region or notional).
    #[arg(long)]
    located: bool,
    /// Count only events within KM kilometres of the Russia–Ukraine state
    /// border or the Crimea de facto line (geodesic distance, either side).
    #[arg(long, value_name = "KM", value_parser = parse_km)]
    near_border: Option<u32>,
    /// Count only events whose point is inside the polygon (or saved circle)
    /// of this GeoJSON file: an area saved from the window, or any polygon
    /// layer (its first polygon's outer ring).
    #[arg(long, value_name = "FILE", value_parser = parse_area)]
    area: Option<DrawnArea>,
}

/// An area filter read from a GeoJSON file; what was left out of it is said
/// on stderr.
fn parse_area(text: &str) -> Result<DrawnArea, String> {
    let bytes = std::fs::read(text).map_err(|e| format!("{text}: cannot read the file: {e}"))?;
    let (area, warnings) = read_area(text, &bytes).map_err(|e| e.to_string())?;
    for warning in warnings {
        eprintln!("{warning}");
    }
    Ok(area)
}

/// Kilometres (`10`, `2.5`) as whole metres.
fn parse_km(text: &str) -> Result<u32, String> {
    match text.trim().parse::<f64>() {
        Ok(km) if km.is_finite() && (0.0..=20_000.0).contains(&km) => Ok((km * 1000.0).round() as u32),
        _ => Err(format!("\"{text}\" is not a distance in km from 0 to 20000")),
    }
}

impl FilterArgs {
    fn validate(&self) -> Result<(), &'static str> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from > to => Err("--from is after --to"),
            _ => Ok(()),
        }
    }

    fn to_filter(&self) -> EventFilter {
        EventFilter {
            from_day: self.from,
            to_day: self.to,
            categories: if self.category.is_empty() {
                CategorySelection::default()
            } else {
                CategorySelection::Only(self.category.iter().map(|c| c.trim().to_lowercase()).collect())
            },
            text: self.search.clone().unwrap_or_default(),
            located_only: self.located,
            near_border_m: self.near_border,
            area: self.area.clone(),
            ..EventFilter::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_day(text: &str) -> Result<i32, String> {
    EventDate::parse_iso(text)
        .map(|d| d.day())
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let started = Instant::now();
    // geo's own warnings ("polygon had no winding order") would reach stderr
    // outside borderwatch's messages; what matters of them is reported there.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn,geo=error")).init();
    let cli = Cli::parse();
    if cli.command.is_some() {
        // A command reads its files once and is done: its texts would only
        // be written to the texts' file to be read back.
        borderwatch::data::events::text_file::TextFile::keep_texts_in_memory();
    }
    match cli.command {
        Some(Command::Check(args)) => check(&args),
        Some(Command::Export(args)) => export(&args),
        Some(Command::Render(args)) => render(&args),
        Some(Command::Report(args)) => report(&args),
        None => run_app(
            StartupOptions {
                regions: cli.regions,
                events: cli.events,
                mapping: cli.mapping.to_mapping(),
                tiles: cli.tiles,
                place: cli.place,
                event_cache: borderwatch::data::events::EventCache::user(),
            },
            cli.measure_startup.then_some(started),
        ),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    if let Err(message) = args.filter.validate() {
        eprintln!("borderwatch check: {message}");
        return ExitCode::from(2);
    }
    let report = run_check(&CheckOptions {
        regions: args.regions.clone(),
        events: args.events.clone(),
        filter: args.filter.to_filter(),
        mapping: args.mapping.to_mapping(),
    });
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Text => report.write_text(&mut out),
        Format::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
    };
    // A closed pipe (`| head`) is not a failure of the check.
    if let Err(error) = written
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("borderwatch check: cannot write the report: {error}");
    }
    ExitCode::from(report.exit_code())
}

fn export(args: &ExportArgs) -> ExitCode {
    if let Err(message) = args.filter.validate() {
        eprintln!("borderwatch export: {message}");
        return ExitCode::from(2);
    }
    let options = ExportOptions {
        regions: args.regions.clone(),
        events: args.events.clone(),
        filter: args.filter.to_filter(),
        format: match args.format {
            ExportFormatArg::Geojson => ExportFormat::GeoJson,
            ExportFormatArg::Csv => ExportFormat::Csv,
            ExportFormatArg::Gpkg => ExportFormat::GeoPackage,
            ExportFormatArg::Kml => ExportFormat::Kml,
            ExportFormatArg::Kmz => ExportFormat::Kmz,
            ExportFormatArg::Parquet => ExportFormat::Parquet,
        },
        mapping: args.mapping.to_mapping(),
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && options.format.needs_file() {
        eprintln!(
            "borderwatch export: {} is written to a file: give -o FILE.{}",
            options.format.name(),
            options.format.extension()
        );
        return ExitCode::from(2);
    }
    let result = if to_stdout {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        run_export(&options, &mut out).and_then(|report| out.flush().map(|()| report))
    } else {
        // Written beside the target and renamed, so a failed export never
        // leaves half a file where a good one was.
        run_export_to_path(&options, &args.output)
    };
    match result {
        Ok(report) => {
            for message in &report.messages {
                eprintln!("{message}");
            }
            if !to_stdout {
                eprintln!(
                    "borderwatch export: wrote {} of {} events to {}",
                    report.written,
                    report.loaded,
                    args.output.display()
                );
            }
            ExitCode::from(u8::from(report.failed()))
        }
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "borderwatch export: cannot write {}: {error}",
                args.output.display()
            );
            ExitCode::from(1)
        }
    }
}

impl PictureArgs {
    fn options(&self) -> PictureOptions {
        PictureOptions {
            regions: self.regions.clone(),
            events: self.events.clone(),
            mapping: self.mapping.to_mapping(),
            filter: self.filter.to_filter(),
            size: egui::vec2(self.size.0 as f32, self.size.1 as f32),
            dark: self.dark,
        }
    }
}

fn render(args: &RenderArgs) -> ExitCode {
    if let Err(message) = args.picture.filter.validate() {
        eprintln!("borderwatch render: {message}");
        return ExitCode::from(2);
    }
    let spec = PlaybackSpec {
        step_days: args.step,
        window_days: args.window,
        cumulative: args.cumulative,
        frame_ms: args.frame_ms,
    };
    let output = PlaybackOutput::for_path(args.picture.output.clone());
    let result = run_render(&args.picture.options(), &spec, &output);
    picture_outcome("render", "frames", &args.picture.output, result)
}

fn report(args: &ReportArgs) -> ExitCode {
    if let Err(message) = args.picture.filter.validate() {
        eprintln!("borderwatch report: {message}");
        return ExitCode::from(2);
    }
    let result = run_report(&args.picture.options(), &args.picture.output);
    picture_outcome("report", "page", &args.picture.output, result)
}

/// Says what a picture command did, and its exit status.
fn picture_outcome(
    command: &str,
    what: &str,
    output: &std::path::Path,
    result: Result<PictureReport, PictureError>,
) -> ExitCode {
    match result {
        Ok(report) => {
            for message in &report.messages {
                eprintln!("{message}");
            }
            eprintln!(
                "borderwatch {command}: wrote {} {what} of {} events to {}",
                report.written,
                report.loaded,
                output.display()
            );
            ExitCode::from(u8::from(report.failed_files > 0 || report.written == 0))
        }
        Err(PictureError::NoEvents(messages)) => {
            for message in &messages {
                eprintln!("{message}");
            }
            eprintln!("borderwatch {command}: no events loaded: nothing written");
            ExitCode::from(1)
        }
        Err(PictureError::Render(error)) => {
            eprintln!(
                "borderwatch {command}: cannot write {}: {error}",
                output.display()
            );
            ExitCode::from(1)
        }
    }
}

/// The window; with `measured`, a fresh start (no saved session) timed from then.
fn run_app(options: StartupOptions, measured: Option<Instant>) -> ExitCode {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(APP_NAME)
            .with_app_id(APP_NAME)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    // The files start loading before the window opens: opening it (the
    // OpenGL context, the fonts) took a quarter of a second the load can use.
    let mut app = BorderwatchApp::loading(&options);
    let result = eframe::run_native(
        APP_NAME,
        native,
        Box::new(move |creation| {
            // A measured start is a fresh one: no saved session.
            if measured.is_none()
                && let Some(storage) = creation.storage
            {
                app.restore(storage);
            }
            app.show_startup_choices(&options);
            let app: Box<dyn eframe::App> = match measured {
                Some(started) => Box::new(StartupProbe::new(app, started)),
                None => Box::new(app),
            };
            Ok(app)
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("borderwatch: cannot open the window: {error}");
            ExitCode::FAILURE
        }
    }
}
