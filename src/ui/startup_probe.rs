//! `borderwatch --measure-startup`: the window as a user starts it, timed.
//! The app runs exactly as it would (the files read on their thread, the
//! indexes built, the map drawn); this wrapper watches it from outside and,
//! once the data is drawn, every index a search or filter needs is built and
//! the files read are kept in the event cache, prints when each happened and
//! the memory the process peaked at, then closes the window. `scripts/measure-window.sh` runs it for the README's
//! performance table.

use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use egui::Ui;

use super::BorderwatchApp;
use crate::dataset::Dataset;

/// How often the watcher looks at the background work.
const WATCH_EVERY: Duration = Duration::from_millis(5);

/// The app, and when each stage of its start was first seen.
pub struct StartupProbe {
    app: BorderwatchApp,
    started: Instant,
    first_frame: Option<f64>,
    data_drawn: Option<(f64, Memory)>,
    /// The data watched after it was drawn, and what the watcher saw of
    /// the work behind it; `None` until it is started.
    background: Option<(Weak<Dataset>, Arc<Mutex<Background>>)>,
    reported: bool,
}

/// When the work behind the drawn data was seen done, by the watcher.
#[derive(Debug, Default)]
struct Background {
    indexes_ready: Option<(f64, Memory)>,
    settled: Option<(f64, Memory)>,
}

impl StartupProbe {
    /// Watches `app`, timing from `started` (when the process began).
    pub fn new(app: BorderwatchApp, started: Instant) -> Self {
        Self {
            app,
            started,
            first_frame: None,
            data_drawn: None,
            background: None,
            reported: false,
        }
    }

    /// One frame: the app's, then what it shows about the start.
    fn watch(&mut self, ui: &Ui) {
        let now = self.started.elapsed().as_secs_f64();
        self.first_frame.get_or_insert(now);
        if self.app.loader.is_loading() {
            // The app repaints for its progress bar and when the data is in;
            // more frames would only take time from the load.
            return;
        }
        // The frame just drawn is the first with the data: interactive from here.
        let drawn = *self.data_drawn.get_or_insert((now, Memory::now()));
        let current = Arc::downgrade(&self.app.data);
        let background = match &self.background {
            Some((of, seen)) if of.ptr_eq(&current) => Arc::clone(seen),
            // Watched again when the app's data is replaced (a file changed
            // on disk and was read again).
            _ => {
                let seen = watch_background(Arc::clone(&self.app.data), self.started, ui.ctx().clone());
                self.background = Some((current, Arc::clone(&seen)));
                seen
            }
        };
        let (indexed, settled) = {
            let seen = background.lock().unwrap_or_else(PoisonError::into_inner);
            (seen.indexes_ready, seen.settled)
        };
        let (Some(indexed), Some(settled)) = (indexed, settled) else {
            return;
        };
        if !self.reported {
            self.reported = true;
            let report = StartupReport {
                events: self.app.data.events.len(),
                first_frame: self.first_frame.unwrap_or(now),
                data_drawn: drawn.0,
                at_data_drawn: drawn.1,
                indexes_ready: indexed.0,
                at_indexes_ready: indexed.1,
                settled: settled.0,
                at_settled: settled.1,
            };
            println!("{report}");
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// Watches `data`'s background work on a thread of its own, noting when
/// its indexes are built and when it is settled (kept in the event cache),
/// then wakes the window. Nothing else wakes it then, and a window that
/// looked for itself would draw frames a user's window does not, each
/// taking time and memory (Mesa's) from that work. Gives up, noting
/// nothing, once no one else holds `data` (the app replaced it).
fn watch_background(data: Arc<Dataset>, started: Instant, ctx: egui::Context) -> Arc<Mutex<Background>> {
    let seen = Arc::new(Mutex::new(Background::default()));
    let shared = Arc::clone(&seen);
    let spawned = std::thread::Builder::new()
        .name("borderwatch-startup-probe".into())
        .spawn(move || {
            let note = |stage: fn(&mut Background) -> &mut Option<(f64, Memory)>| {
                let at = (started.elapsed().as_secs_f64(), Memory::now());
                let mut seen = shared.lock().unwrap_or_else(PoisonError::into_inner);
                stage(&mut seen).get_or_insert(at);
            };
            // Whether `done` came about while someone else still held the data.
            let wait = |done: fn(&Dataset) -> bool| loop {
                if done(&data) {
                    return true;
                }
                if Arc::strong_count(&data) == 1 {
                    return false;
                }
                std::thread::sleep(WATCH_EVERY);
            };
            if wait(Dataset::indexes_ready) {
                note(|seen| &mut seen.indexes_ready);
                if wait(Dataset::settled) {
                    note(|seen| &mut seen.settled);
                }
            }
            ctx.request_repaint();
        });
    if let Err(error) = spawned {
        log::warn!("--measure-startup: no thread to watch the indexes being built ({error})");
    }
    seen
}

impl eframe::App for StartupProbe {
    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        eframe::App::ui(&mut self.app, ui, frame);
        self.watch(ui);
    }
}

/// What one start took.
#[derive(Debug, Clone, Copy)]
struct StartupReport {
    events: usize,
    first_frame: f64,
    data_drawn: f64,
    at_data_drawn: Memory,
    indexes_ready: f64,
    at_indexes_ready: Memory,
    /// When the loaded files were kept in the event cache too.
    settled: f64,
    /// The memory then: its peak takes in the cache's writing.
    at_settled: Memory,
}

impl std::fmt::Display for StartupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "events                     {}", self.events)?;
        writeln!(f, "first frame (window)       {:.2} s", self.first_frame)?;
        writeln!(
            f,
            "data drawn (interactive)   {:.2} s   {}",
            self.data_drawn, self.at_data_drawn
        )?;
        writeln!(
            f,
            "search and border indexes  {:.2} s   {}",
            self.indexes_ready, self.at_indexes_ready
        )?;
        write!(
            f,
            "kept in the event cache    {:.2} s   {}",
            self.settled, self.at_settled
        )
    }
}

fn megabytes(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "unknown".to_owned(), |b| format!("{:.0} MB", b as f64 / 1e6))
}

/// The process's resident memory now and at its peak (Linux: from
/// `/proc/self/status`; unknown elsewhere).
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// Resident set now, bytes.
    pub resident: Option<u64>,
    /// The largest resident set so far, bytes.
    pub peak: Option<u64>,
    /// Of the resident set now, the pages of mapped files (the program,
    /// its libraries, the graphics driver's), bytes: not the data's.
    pub files: Option<u64>,
}

impl Memory {
    /// The process's memory as the system counts it.
    pub fn now() -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        Self {
            resident: status_kb(&status, "VmRSS:"),
            peak: status_kb(&status, "VmHWM:"),
            files: status_kb(&status, "RssFile:"),
        }
    }
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "resident {} (files {})   peak {}",
            megabytes(self.resident),
            megabytes(self.files),
            megabytes(self.peak)
        )
    }
}

/// A `Key:   1234 kB` line of `/proc/self/status`, in bytes.
fn status_kb(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ContextLayer, EventSet, RegionSet};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A context whose repaint requests set the flag returned with it.
    fn woken_context() -> (egui::Context, Arc<AtomicBool>) {
        let ctx = egui::Context::default();
        let woken = Arc::new(AtomicBool::new(false));
        let wake = Arc::clone(&woken);
        ctx.set_request_repaint_callback(move |_| wake.store(true, Ordering::SeqCst));
        (ctx, woken)
    }

    /// Waits for `woken`; fails with `why` after `seconds`.
    fn wait_until_woken(woken: &AtomicBool, seconds: u64, why: &str) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while !woken.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "{why}");
            std::thread::sleep(WATCH_EVERY);
        }
    }

    #[test]
    fn the_watcher_notes_the_indexes_then_the_settling_and_wakes_the_window() {
        let regions = RegionSet::bundled().expect("bundled regions");
        let events = EventSet::bundled(&regions).expect("bundled events");
        let context = ContextLayer::bundled().expect("bundled context");
        let data = Arc::new(Dataset::new(regions, context, events));
        let (ctx, woken) = woken_context();
        let started = Instant::now();
        let seen = watch_background(Arc::clone(&data), started, ctx);
        // Nothing is built until the app asks, once its data is drawn.
        std::thread::sleep(WATCH_EVERY * 4);
        assert!(seen.lock().expect("lock").indexes_ready.is_none());
        assert!(!woken.load(Ordering::SeqCst), "woken before anything was built");
        Dataset::build_indexes_in_background(&data);
        wait_until_woken(&woken, 60, "the watcher never woke the window");
        assert!(data.indexes_ready() && data.settled());
        let seen = seen.lock().expect("lock");
        let (Some((indexed, _)), Some((settled, memory))) = (seen.indexes_ready, seen.settled) else {
            panic!("woken with {seen:?}");
        };
        assert!(
            indexed <= settled && settled <= started.elapsed().as_secs_f64(),
            "{seen:?}"
        );
        #[cfg(target_os = "linux")]
        assert!(memory.peak.is_some(), "{memory:?}");
    }

    #[test]
    fn the_watcher_gives_up_on_data_no_one_else_holds() {
        let regions = RegionSet::bundled().expect("bundled regions");
        let context = ContextLayer::bundled().expect("bundled context");
        let data = Arc::new(Dataset::new(regions, context, EventSet::default()));
        let (ctx, woken) = woken_context();
        let seen = watch_background(data, Instant::now(), ctx);
        wait_until_woken(&woken, 30, "the watcher waits for dropped data");
        let seen = seen.lock().expect("lock");
        assert!(seen.indexes_ready.is_none() && seen.settled.is_none(), "{seen:?}");
    }

    #[test]
    fn status_lines_are_read_in_bytes() {
        let status = "Name:\tborderwatch\nVmHWM:\t  123456 kB\nVmRSS:\t   2048 kB\n";
        assert_eq!(status_kb(status, "VmHWM:"), Some(123_456 * 1024));
        assert_eq!(status_kb(status, "VmRSS:"), Some(2048 * 1024));
        assert_eq!(status_kb(status, "VmSwap:"), None);
        assert_eq!(status_kb("VmRSS:\tlots kB\n", "VmRSS:"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_memory_and_its_peak_is_at_least_what_it_holds() {
        let memory = Memory::now();
        let (Some(resident), Some(peak), Some(files)) = (memory.resident, memory.peak, memory.files) else {
            panic!("no VmRSS/VmHWM/RssFile in /proc/self/status: {memory:?}");
        };
        assert!(resident > 0 && peak >= resident, "{memory:?}");
        // The test binary itself is a mapped file, and part of what is held.
        assert!(files > 0 && files <= resident, "{memory:?}");
        let shown = memory.to_string();
        assert!(
            shown.starts_with("resident ") && shown.contains("(files "),
            "{shown}"
        );
    }
}
