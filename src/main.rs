//! The `borderwatch` command: parses the command line, then starts the app.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use borderwatch::{APP_NAME, BorderwatchApp, StartupOptions};

/// A map of military activity in the Russian regions bordering Ukraine.
#[derive(Debug, Parser)]
#[command(name = "borderwatch", version, about)]
struct Cli {
    /// Region layer to show instead of the bundled five: a GeoJSON file, or a
    /// folder of .geojson/.json files. Repeatable.
    #[arg(long, value_name = "PATH")]
    regions: Vec<PathBuf>,
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    let options = StartupOptions { regions: cli.regions };
    run_app(options)
}

fn run_app(options: StartupOptions) -> ExitCode {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(APP_NAME)
            .with_app_id(APP_NAME)
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        APP_NAME,
        native,
        Box::new(move |_creation| Ok(Box::new(BorderwatchApp::new(&options)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("borderwatch: cannot open the window: {error}");
            ExitCode::FAILURE
        }
    }
}
