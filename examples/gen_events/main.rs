//! Writes a realistic, deterministic event file for tests and benchmarks.
//!
//! ```sh
//! cargo run --release --example gen_events -- --count 1000000 --seed 7 --out events.json
//! cargo run --release --example gen_events -- --count 500 --format geojson > events.geojson
//! ```
//!
//! The generator itself is in `generator.rs`.

mod generator;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use generator::{Format, Generator};

const USAGE: &str = "\
Usage: gen_events --count N [--seed S] [--out FILE] [--format json|geojson]

Writes N made-up events (deterministic for a seed) as an event file that
borderwatch loads: {\"events\": [...]} with one record per line, or a GeoJSON
FeatureCollection of Points with --format geojson.

Options:
  --count N         number of events (required)
  --seed S          seed of the random generator (default 1)
  --out FILE        write to FILE instead of stdout
  --format FORMAT   json (default) or geojson
  -h, --help        show this help";

// ---------------------------------------------------------------------------
// Command line

#[derive(Debug, PartialEq, Eq)]
struct Options {
    count: u64,
    seed: u64,
    out: Option<String>,
    format: Format,
}

#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Run(Options),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut count = None;
    let mut seed = 1;
    let mut out = None;
    let mut format = Format::Json;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Parsed::Help);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_string(), Some(value.to_string())),
            _ => (arg.clone(), None),
        };
        if !matches!(name.as_str(), "--count" | "--seed" | "--out" | "--format") {
            return Err(format!("unknown argument '{arg}'"));
        }
        let value = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("{name} needs a value")),
        };
        match name.as_str() {
            "--count" => {
                count = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("--count must be a whole number, not '{value}'"))?,
                )
            }
            "--seed" => {
                seed = value
                    .parse::<u64>()
                    .map_err(|_| format!("--seed must be a whole number, not '{value}'"))?
            }
            "--out" if value.is_empty() => return Err("--out needs a file name".to_string()),
            "--out" => out = Some(value),
            _ => {
                format = match value.as_str() {
                    "json" => Format::Json,
                    "geojson" => Format::GeoJson,
                    _ => return Err(format!("--format must be json or geojson, not '{value}'")),
                }
            }
        }
    }
    let count = count.ok_or("--count is required")?;
    Ok(Parsed::Run(Options {
        count,
        seed,
        out,
        format,
    }))
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("gen_events: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let result = match &options.out {
        Some(path) => match File::create(path) {
            Ok(file) => write_file(file, &options),
            Err(error) => {
                eprintln!("gen_events: cannot create {path}: {error}");
                return ExitCode::FAILURE;
            }
        },
        None => write_file(io::stdout().lock(), &options),
    };
    match result {
        Ok(bytes) => {
            eprintln!(
                "gen_events: {} events, {} bytes in {:.2} s",
                options.count,
                bytes,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("gen_events: write error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the whole file; returns the number of bytes written.
fn write_file(out: impl Write, options: &Options) -> io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, Counting { inner: out, bytes: 0 });
    let mut generator = Generator::new(options.seed);
    generator.write_all(&mut w, options.count, options.format)?;
    let counting = w.into_inner().map_err(|e| e.into_error())?;
    let Counting { mut inner, bytes } = counting;
    inner.flush()?;
    Ok(bytes)
}

/// Counts what passes through.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Parsed, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let run = |count, seed, out: Option<&str>, format| {
            Ok(Parsed::Run(Options {
                count,
                seed,
                out: out.map(String::from),
                format,
            }))
        };
        assert_eq!(args(&["--count", "10"]), run(10, 1, None, Format::Json));
        assert_eq!(
            args(&[
                "--count=5",
                "--seed",
                "9",
                "--out",
                "x.json",
                "--format",
                "geojson"
            ]),
            run(5, 9, Some("x.json"), Format::GeoJson)
        );
        assert_eq!(args(&["--count", "1", "--help"]), Ok(Parsed::Help));
        for bad in [
            &[][..],
            &["--count"],
            &["--count", "-3"],
            &["--count", "ten"],
            &["--count", "1", "--seed", "x"],
            &["--count", "1", "--format", "csv"],
            &["--count", "1", "--out", ""],
            &["--count", "1", "extra"],
            &["--verbose"],
        ] {
            assert!(args(bad).is_err(), "{bad:?}");
        }
    }
}
