//! Work that takes longer than a frame, done on a thread of its own: loading
//! sources into a new dataset (with progress and a cancel), and writing
//! exports. The app polls for the result each frame, so the window stays
//! responsive, and swaps the new data in at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use crate::data::events::EventCache;
use crate::data::{Diagnostic, LoadProgress, Location};
use crate::dataset::Dataset;
use crate::load::{LoadAborted, Loaded, OnError, Sources, load_sources_cached};
use crate::map::MapLayers;

/// Why sources are being loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadReason {
    /// The files named at start-up.
    Startup,
    /// The user opened or dropped files.
    Open,
    /// A loaded file changed on disk.
    Reload,
}

/// The meshes the window shows, for a load of the same outlines to take
/// rather than make again (`None` until the first are made).
pub type ShownLayers = Arc<Mutex<Option<Arc<MapLayers>>>>;

/// Loaded data, ready to show.
pub struct Ready {
    /// The data and its indexes.
    pub dataset: Arc<Dataset>,
    /// Its meshes (those shown, when its outlines are the same).
    pub layers: Arc<MapLayers>,
    /// The sources that loaded.
    pub sources: Sources,
    /// Every warning and error.
    pub messages: Vec<Diagnostic>,
}

/// A finished load: the new data with its meshes, or why nothing changed.
pub struct LoadOutcome {
    /// Why it ran.
    pub reason: LoadReason,
    /// The data, ready to show, or every message (the old data stays).
    pub result: Result<Ready, LoadAborted>,
    /// How long it took, in seconds.
    pub seconds: f64,
}

/// A load under way on its own thread.
pub struct LoadJob {
    /// What it loads.
    pub sources: Sources,
    /// Why.
    pub reason: LoadReason,
    progress: Arc<LoadProgress>,
    receiver: Receiver<LoadOutcome>,
    started: Instant,
    /// The window to wake when it is done: a load started before the
    /// window existed is given it by the first frame ([`Self::wake`]).
    waker: Arc<OnceLock<egui::Context>>,
}

/// The meshes of `dataset`'s outlines: those in `shown` when they are
/// theirs, else made (70-90 ms for the bundled outlines).
fn meshes_for(dataset: &Dataset, shown: &ShownLayers) -> Arc<MapLayers> {
    let shown = shown
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    shown
        .filter(|layers| layers.is_made_from(&dataset.regions, &dataset.context))
        .unwrap_or_else(|| Arc::new(MapLayers::new(&dataset.regions, &dataset.context)))
}

impl LoadJob {
    /// Starts loading `sources`; `ctx`, when given, is woken when it is
    /// done. The meshes in `shown` then are taken when they fit the loaded
    /// outlines.
    pub fn start(
        sources: Sources,
        on_error: OnError,
        reason: LoadReason,
        ctx: Option<egui::Context>,
        cache: Option<EventCache>,
        shown: ShownLayers,
    ) -> Self {
        let progress = Arc::new(LoadProgress::default());
        let (sender, receiver) = channel();
        let job_sources = sources.clone();
        let job_progress = Arc::clone(&progress);
        let job_reason = reason.clone();
        let started = Instant::now();
        let waker = Arc::new(OnceLock::new());
        if let Some(ctx) = ctx {
            let _ = waker.set(ctx);
        }
        let job_waker = Arc::clone(&waker);
        let spawned = std::thread::Builder::new()
            .name("borderwatch-load".into())
            .spawn(move || {
                let result = load_sources_cached(&job_sources, on_error, Some(&job_progress), cache).map(
                    |Loaded {
                         dataset,
                         sources,
                         messages,
                         cache_writes,
                         ..
                     }| {
                        let layers = meshes_for(&dataset, &shown);
                        Ready {
                            // Written to the cache after its indexes, once shown.
                            dataset: Arc::new(dataset.with_cache_writes(cache_writes)),
                            layers,
                            sources,
                            messages,
                        }
                    },
                );
                let outcome = LoadOutcome {
                    reason: job_reason,
                    result,
                    seconds: started.elapsed().as_secs_f64(),
                };
                // The app may have gone: then nobody needs the result.
                let _ = sender.send(outcome);
                if let Some(ctx) = job_waker.get() {
                    ctx.request_repaint();
                }
            });
        if let Err(error) = spawned {
            let (sender, failed) = channel();
            let _ = sender.send(LoadOutcome {
                reason: reason.clone(),
                result: Err(LoadAborted::failed(vec![Diagnostic::error(
                    Location::file("borderwatch"),
                    format!("cannot start a thread to load files: {error}"),
                )])),
                seconds: 0.0,
            });
            return Self {
                sources,
                reason,
                progress,
                receiver: failed,
                started,
                waker,
            };
        }
        Self {
            sources,
            reason,
            progress,
            receiver,
            started,
            waker,
        }
    }

    /// Gives it `ctx` to wake when it is done, unless it has a window to
    /// wake already.
    pub fn wake(&self, ctx: &egui::Context) {
        if self.waker.get().is_none() {
            let _ = self.waker.set(ctx.clone());
        }
    }

    /// The result, once it is there.
    pub fn poll(&self) -> Option<LoadOutcome> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(LoadOutcome {
                reason: self.reason.clone(),
                result: Err(LoadAborted::failed(vec![Diagnostic::error(
                    Location::file("borderwatch"),
                    "the loading thread stopped without a result",
                )])),
                seconds: self.started.elapsed().as_secs_f64(),
            }),
        }
    }

    /// How far it got.
    pub fn progress(&self) -> &LoadProgress {
        &self.progress
    }

    /// Asks it to stop; the data shown stays.
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    /// Seconds since it started.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// How far a long task got, and whether the user asked it to stop: the
/// task writes, the status bar reads.
#[derive(Debug, Default)]
pub struct TaskProgress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

impl TaskProgress {
    /// `done` of `total` steps are done.
    pub fn set(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    /// Steps done and in all.
    pub fn steps(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the task to stop at its next step.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// A piece of work with a line of text as its result (an export).
pub struct Task {
    /// What it does, for the status bar.
    pub label: String,
    /// How far it got, for work that says so (and can be cancelled).
    pub progress: Option<Arc<TaskProgress>>,
    receiver: Receiver<Result<String, Diagnostic>>,
}

impl Task {
    /// Runs `work` on its own thread; `ctx` is woken when it is done.
    pub fn spawn(
        label: String,
        ctx: egui::Context,
        work: impl FnOnce() -> Result<String, Diagnostic> + Send + 'static,
    ) -> Self {
        let (sender, receiver) = channel();
        let thread_sender = sender.clone();
        let spawned = std::thread::Builder::new()
            .name("borderwatch-task".into())
            .spawn(move || {
                let _ = thread_sender.send(work());
                ctx.request_repaint();
            });
        if let Err(error) = spawned {
            let _ = sender.send(Err(Diagnostic::error(
                Location::file("borderwatch"),
                format!("cannot start a thread: {error}"),
            )));
        }
        Self {
            label,
            progress: None,
            receiver,
        }
    }

    /// This task, showing `progress` (which its work updates) with a Cancel.
    pub fn with_progress(mut self, progress: Arc<TaskProgress>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// A task whose result someone else sends (a screenshot callback).
    pub fn waiting(label: String) -> (Self, Sender<Result<String, Diagnostic>>) {
        let (sender, receiver) = channel();
        (
            Self {
                label,
                progress: None,
                receiver,
            },
            sender,
        )
    }

    /// A task that is already done (for work quick enough to do at once).
    pub fn done(label: String, result: Result<String, Diagnostic>) -> Self {
        let (sender, receiver) = channel();
        let _ = sender.send(result);
        Self {
            label,
            progress: None,
            receiver,
        }
    }

    /// The result, once it is there.
    pub fn poll(&self) -> Option<Result<String, Diagnostic>> {
        match self.receiver.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(Diagnostic::error(
                Location::file("borderwatch"),
                format!("{} stopped without a result", self.label),
            ))),
        }
    }
}

/// A named pipe `name` in `dir`, for tests: a load of it waits for its
/// bytes until the test writes them.
#[cfg(all(test, unix))]
pub(super) fn named_pipe(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let pipe = dir.join(name);
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    pipe
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Runs a load of `sources` to its end, `shown` the meshes shown.
    fn load(sources: Sources, shown: &ShownLayers) -> Ready {
        let job = LoadJob::start(
            sources,
            OnError::Abort,
            LoadReason::Open,
            None,
            None,
            Arc::clone(shown),
        );
        let started = Instant::now();
        loop {
            if let Some(outcome) = job.poll() {
                return outcome.result.unwrap_or_else(|e| panic!("{:?}", e.messages));
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the load never ended"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_load_of_the_same_outlines_takes_the_meshes_shown() {
        let dir = tempfile::tempdir().expect("temp dir");
        let events = dir.path().join("events.json");
        let event = r#"[{"id": "a", "title": "Drill", "date": "2022-02-01", "lat": 50.6, "lon": 36.6}]"#;
        std::fs::write(&events, event).expect("written");
        let region = dir.path().join("square.geojson");
        let square = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "Square"}, "geometry": {"type": "Polygon",
            "coordinates": [[[36.0, 50.0], [37.0, 50.0], [37.0, 51.0], [36.0, 51.0], [36.0, 50.0]]]}}]}"#;
        std::fs::write(&region, square).expect("written");
        let shown = ShownLayers::default();
        let first = load(Sources::new(&[], &[]), &shown);
        assert_eq!(first.dataset.regions.regions().len(), 5, "the bundled regions");
        *shown.lock().expect("lock") = Some(Arc::clone(&first.layers));
        let events_only = load(Sources::new(&[], std::slice::from_ref(&events)), &shown);
        assert_eq!(events_only.dataset.events.len(), 1);
        assert!(Arc::ptr_eq(&events_only.layers, &first.layers), "made again");
        let other = load(Sources::new(std::slice::from_ref(&region), &[]), &shown);
        assert_eq!(other.dataset.regions.regions().len(), 1);
        assert!(
            !Arc::ptr_eq(&other.layers, &first.layers),
            "another outline's meshes taken"
        );
        assert!(
            other
                .layers
                .is_made_from(&other.dataset.regions, &other.dataset.context)
        );
        assert!(
            !first
                .layers
                .is_made_from(&other.dataset.regions, &other.dataset.context)
        );
    }

    #[test]
    fn a_load_started_before_the_window_wakes_it_when_done() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A pipe: the load waits for its bytes, so the window is given to
        // the job before the job can finish.
        let events = named_pipe(dir.path(), "events.json");
        let job = LoadJob::start(
            Sources::new(&[], std::slice::from_ref(&events)),
            OnError::Skip,
            LoadReason::Startup,
            None,
            None,
            ShownLayers::default(),
        );
        let ctx = egui::Context::default();
        let (woken, wake) = channel();
        ctx.set_request_repaint_callback(move |_| {
            let _ = woken.send(());
        });
        job.wake(&ctx);
        std::fs::write(
            &events,
            r#"[{"id":"a","title":"Drill","date":"2022-02-01","lat":50.6,"lon":36.6}]"#,
        )
        .expect("events written");
        assert!(
            wake.recv_timeout(Duration::from_secs(60)).is_ok(),
            "the window was not woken"
        );
        let outcome = job.poll().expect("done when it wakes the window");
        let ready = outcome
            .result
            .map_err(|aborted| aborted.messages)
            .expect("loaded");
        assert_eq!(ready.dataset.events.len(), 1);
    }
}
