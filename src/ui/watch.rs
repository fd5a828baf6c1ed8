//! Watching loaded files: when one changes on disk, the app reloads its
//! sources. Folders are watched rather than files, because editors and
//! exporters often replace a file (write a new one, rename it over the old)
//! and a watch on the old file would be lost.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

/// How long a file must stay quiet before it is reloaded: a writer may save
/// in several steps, and the half-written file is not worth loading.
pub const QUIET: Duration = Duration::from_millis(300);

/// Watches files for changes.
pub struct FileWatcher {
    watcher: Option<notify::RecommendedWatcher>,
    receiver: Receiver<PathBuf>,
    /// The files, as the app named them, with the path notify reports for each.
    files: Vec<(PathBuf, PathBuf)>,
    folders: BTreeSet<PathBuf>,
    changed: BTreeSet<PathBuf>,
    last_change: Option<Instant>,
    /// Why watching does not work, when it does not.
    pub error: Option<String>,
}

impl FileWatcher {
    /// A watcher that wakes `ctx` when a watched folder changes.
    pub fn new(ctx: Option<egui::Context>) -> Self {
        let (sender, receiver) = channel();
        let handler = move |result: notify::Result<notify::Event>| {
            let Ok(event) = result else { return };
            if event.kind.is_access() {
                return;
            }
            for path in event.paths {
                let _ = sender.send(path);
            }
            if let Some(ctx) = &ctx {
                // Wake once more after the quiet time, when the reload starts.
                ctx.request_repaint();
                ctx.request_repaint_after(QUIET + Duration::from_millis(20));
            }
        };
        let (watcher, error) = match notify::recommended_watcher(handler) {
            Ok(watcher) => (Some(watcher), None),
            Err(error) => (
                None,
                Some(format!("files cannot be watched for changes: {error}")),
            ),
        };
        Self {
            watcher,
            receiver,
            files: Vec::new(),
            folders: BTreeSet::new(),
            changed: BTreeSet::new(),
            last_change: None,
            error,
        }
    }

    /// Watches exactly these files (and stops watching others).
    pub fn watch(&mut self, files: &[PathBuf]) {
        let mut folders = BTreeSet::new();
        self.files = files
            .iter()
            .map(|file| {
                let resolved = resolve(file);
                if let Some(folder) = resolved.parent() {
                    folders.insert(folder.to_path_buf());
                }
                (file.clone(), resolved)
            })
            .collect();
        let Some(watcher) = &mut self.watcher else { return };
        for gone in self.folders.difference(&folders) {
            let _ = watcher.unwatch(gone);
        }
        for folder in folders.difference(&self.folders) {
            if let Err(error) = watcher.watch(folder, RecursiveMode::NonRecursive) {
                self.error = Some(format!(
                    "{} cannot be watched for changes: {error}",
                    folder.display()
                ));
            }
        }
        self.folders = folders;
        // Changes seen before are about the files watched until now.
        self.changed.clear();
        while self.receiver.try_recv().is_ok() {}
    }

    /// The files being watched.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(file, _)| file.as_path())
    }

    /// The watched files that changed, once none has changed for [`QUIET`].
    pub fn poll(&mut self, now: Instant) -> Option<Vec<PathBuf>> {
        while let Ok(path) = self.receiver.try_recv() {
            if let Some((file, _)) = self.files.iter().find(|(_, resolved)| *resolved == path) {
                self.changed.insert(file.clone());
                self.last_change = Some(now);
            }
        }
        let quiet = self.last_change.is_some_and(|t| now.duration_since(t) >= QUIET);
        if quiet && !self.changed.is_empty() {
            self.last_change = None;
            return Some(std::mem::take(&mut self.changed).into_iter().collect());
        }
        None
    }

    /// Whether a change is waiting for its quiet time.
    pub fn is_pending(&self) -> bool {
        !self.changed.is_empty()
    }
}

/// The path notify reports for `file`: its folder made absolute with links
/// resolved, and its name.
fn resolve(file: &Path) -> PathBuf {
    let folder = match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = folder.canonicalize().unwrap_or(folder);
    match file.file_name() {
        Some(name) => folder.join(name),
        None => folder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_is_reported_once_it_is_quiet() {
        let dir = tempfile::tempdir().expect("temp dir");
        let watched = dir.path().join("events.json");
        let other = dir.path().join("other.json");
        std::fs::write(&watched, "[]").expect("write");
        let mut watcher = FileWatcher::new(None);
        assert_eq!(watcher.error, None);
        watcher.watch(std::slice::from_ref(&watched));
        std::fs::write(&other, "[]").expect("write");
        std::fs::write(&watched, "[ ]").expect("write");
        let deadline = Instant::now() + Duration::from_secs(10);
        let changed = loop {
            if let Some(changed) = watcher.poll(Instant::now()) {
                break changed;
            }
            assert!(Instant::now() < deadline, "no change reported within 10 s");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(changed, vec![watched.clone()], "the other file is not watched");
        assert!(!watcher.is_pending());
        assert_eq!(watcher.poll(Instant::now() + QUIET * 2), None, "reported once");
    }
}
