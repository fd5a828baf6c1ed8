//! Events' texts kept in a file of their own, read back when they are
//! needed: a block of a reader task's texts is written there as it is
//! shared, and the events hold its place, not its bytes. A search reads a
//! run of texts into a buffer and lets it go; an event shown (its title in
//! the list, its details) has its block read back and kept.
//!
//! The file is the program's own, in the user's cache folder (never beside
//! the user's file, which may change or go while it is open). On Unix it is
//! unlinked as soon as it is open, so it goes with the process however that
//! ends; on Windows the system deletes it when its handle closes.
//!
//! It is used unless `BORDERWATCH_TEXT_FILE` is `off`, or no file can be
//! made (see the README's *Performance*): the texts of a million events
//! take about 250 MB in memory, and the system's page cache keeps them
//! nearly as near for a search, without counting them against the process.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Texts shared by the events whose texts they hold (a reader's task's
/// records, a frame of the event cache): in memory, or at a place in a
/// [`TextFile`] and read back into memory on first use.
pub struct Texts {
    /// The texts in memory: given at once, or read back from `stored`.
    kept: OnceLock<Box<str>>,
    /// Where they are in a file, if they were written to one.
    stored: Option<Stored>,
}

/// A block's place in a [`TextFile`].
struct Stored {
    file: Arc<TextFile>,
    offset: u64,
    len: usize,
}

impl Texts {
    /// Texts held in memory.
    pub fn kept(texts: Box<str>) -> Self {
        Self {
            kept: OnceLock::from(texts),
            stored: None,
        }
    }

    /// `texts`, written to `file` and held there; in memory when the file
    /// cannot take them (its first failure is logged).
    pub fn stored(texts: &str, file: &Arc<TextFile>) -> Self {
        match file.append(texts) {
            Ok(offset) => Self {
                kept: OnceLock::new(),
                stored: Some(Stored {
                    file: Arc::clone(file),
                    offset,
                    len: texts.len(),
                }),
            },
            Err(error) => {
                file.report_write(&error);
                Self::kept(Box::from(texts))
            }
        }
    }

    /// Texts already in `file`, `len` bytes at `offset` (which the caller
    /// has read and checked); `None` when they would pass its end.
    pub fn in_file(file: &Arc<TextFile>, offset: u64, len: usize) -> Option<Self> {
        file.holds(offset, len as u64).then(|| Self {
            kept: OnceLock::new(),
            stored: Some(Stored {
                file: Arc::clone(file),
                offset,
                len,
            }),
        })
    }

    /// Their length in bytes.
    pub fn len(&self) -> usize {
        match (&self.stored, self.kept.get()) {
            (Some(stored), _) => stored.len,
            (None, Some(kept)) => kept.len(),
            (None, None) => 0,
        }
    }

    /// Whether they are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes they take in memory now: none while they are only in the file.
    pub fn memory_bytes(&self) -> usize {
        self.kept.get().map_or(0, |kept| kept.len())
    }

    /// Whether they are in memory.
    pub fn is_kept(&self) -> bool {
        self.kept.get().is_some()
    }

    /// The texts, read back from the file and kept if they were not in
    /// memory. Empty when the file cannot be read (the failure is logged,
    /// and reading is tried again the next time).
    pub fn as_str(&self) -> &str {
        if let Some(kept) = self.kept.get() {
            return kept;
        }
        let Some(stored) = &self.stored else {
            return "";
        };
        match stored.read(0..stored.len) {
            Ok(texts) => self.kept.get_or_init(|| texts.into_boxed_str()),
            Err(error) => {
                stored.file.report(&error, "could not read back");
                ""
            }
        }
    }

    /// `range` of the texts, without keeping them in memory when they are
    /// not: read into a string of its own then. `None` past their end,
    /// inside a character, or when the file cannot be read (logged).
    pub fn read(&self, range: Range<usize>) -> Option<Cow<'_, str>> {
        if let Some(kept) = self.kept.get() {
            return kept.get(range).map(Cow::Borrowed);
        }
        let stored = self.stored.as_ref()?;
        if range.start > range.end || range.end > stored.len {
            return None;
        }
        match stored.read(range) {
            Ok(texts) => Some(Cow::Owned(texts)),
            Err(error) => {
                stored.file.report(&error, "could not read back");
                None
            }
        }
    }

    /// `range` of the texts given to `f`: in place when they are kept,
    /// else read into this thread's buffer, which the next read reuses. A
    /// pass over a million events' texts reads a few thousand runs of
    /// them; each in a string of its own, they were as many allocations of
    /// a hundred KB and more, in as many sizes, which the allocator held
    /// on to after the pass. `None` as for [`Self::read`].
    pub fn with_read<R>(&self, range: Range<usize>, f: impl FnOnce(&str) -> R) -> Option<R> {
        if let Some(kept) = self.kept.get() {
            return kept.get(range).map(f);
        }
        thread_local! {
            static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        BUFFER.with(|cell| {
            let Ok(mut buffer) = cell.try_borrow_mut() else {
                // Asked again from within `f`: a string of its own.
                return self.read(range).map(|texts| f(&texts));
            };
            let result = self
                .bytes(range, &mut buffer)
                .and_then(|bytes| match std::str::from_utf8(bytes) {
                    Ok(texts) => Some(f(texts)),
                    Err(_) => {
                        if let Some(stored) = &self.stored {
                            let error = io::Error::new(io::ErrorKind::InvalidData, "not the texts written");
                            stored.file.report(&error, "could not read back");
                        }
                        None
                    }
                });
            // A run of the event cache's frames can be several MB: not kept
            // past its read.
            if buffer.capacity() > MAX_KEPT_BUFFER {
                *buffer = Vec::new();
            }
            result
        })
    }

    /// `range` of their bytes: the kept texts' own, or read into `buffer`
    /// (and not kept). `None` past their end or when the file cannot be
    /// read (logged). The bytes may begin or end inside a character.
    pub fn bytes<'a>(&'a self, range: Range<usize>, buffer: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        if let Some(kept) = self.kept.get() {
            return kept.as_bytes().get(range);
        }
        let stored = self.stored.as_ref()?;
        if range.start > range.end || range.end > stored.len {
            return None;
        }
        stored
            .file
            .read_bytes(stored.offset + range.start as u64, range.len(), buffer)
    }
}

impl Stored {
    fn read(&self, range: Range<usize>) -> io::Result<String> {
        self.file
            .read_string(self.offset + range.start as u64, range.len())
    }
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("len", &self.len())
            .field("kept", &self.is_kept())
            .finish()
    }
}

/// The most a thread's buffer for [`Texts::with_read`] keeps between reads.
const MAX_KEPT_BUFFER: usize = 1 << 20;

/// A file the texts of events are written to once and read back from.
pub struct TextFile {
    file: File,
    /// Whether texts may be written to it: not to another file of ours
    /// whose texts are read from where they are (see [`Self::existing`]).
    writable: bool,
    /// Where the next block goes.
    end: AtomicU64,
    /// Whether a failure was logged already (one message, not one a block).
    reported: AtomicBool,
}

/// Whether texts go to a texts' file: unless `BORDERWATCH_TEXT_FILE` is
/// `off`.
static WANTED: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("BORDERWATCH_TEXT_FILE").is_none_or(|v| v != "off"));

/// Set by [`TextFile::keep_texts_in_memory`].
static IN_MEMORY: AtomicBool = AtomicBool::new(false);

/// The current load's texts' file: made when its first texts are written,
/// forgotten when the next load begins ([`TextFile::begin_load`]).
static CURRENT: Mutex<Current> = Mutex::new(Current::Unmade);

enum Current {
    Unmade,
    Made(Arc<TextFile>),
    /// None could be made (logged): texts stay in memory until the next
    /// load tries again.
    Failed,
}

impl TextFile {
    /// Keeps this process's texts in memory: no texts' file is made. For a
    /// command that reads its files once (`check`, `export`); called before
    /// any is read, as nothing already in the file is moved back.
    pub fn keep_texts_in_memory() {
        IN_MEMORY.store(true, Ordering::Relaxed);
    }

    /// The current load's texts' file, made in the user's cache folder on
    /// first use; `None` when texts are kept in memory (turned off, or no
    /// file could be made: the reason is logged).
    pub fn for_load() -> Option<Arc<TextFile>> {
        if !Self::wanted() {
            return None;
        }
        let mut current = CURRENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*current {
            Current::Made(file) => return Some(Arc::clone(file)),
            Current::Failed => return None,
            Current::Unmade => {}
        }
        let dir = crate::cache_dir::user_cache_dir("texts")?;
        match TextFile::create_in(&dir) {
            Ok(file) => {
                let file = Arc::new(file);
                *current = Current::Made(Arc::clone(&file));
                Some(file)
            }
            Err(error) => {
                log::warn!(
                    "events' texts kept in memory: no file for them in {}: {error}",
                    dir.display()
                );
                *current = Current::Failed;
                None
            }
        }
    }

    /// Whether texts are to be kept out of memory (not turned off, not a
    /// command): without making a file, as [`Self::for_load`] does.
    pub fn wanted() -> bool {
        !IN_MEMORY.load(Ordering::Relaxed) && *WANTED
    }

    /// Begins a load: its texts go to a new file. The file of the loads
    /// before lives on while their events do, and is deleted with the
    /// last of them (it has no name), so reloading a file again and again
    /// leaves no texts behind on the disk.
    pub fn begin_load() {
        *CURRENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Current::Unmade;
    }

    /// A new texts' file in the system's temporary folder, for tests.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Arc<Self> {
        let dir = std::env::temp_dir().join("borderwatch-test-texts");
        Arc::new(Self::create_in(&dir).expect("a texts' file in the temporary folder"))
    }

    /// A new, empty file in `dir` (made if missing), gone when it is
    /// dropped or the process ends.
    pub fn create_in(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        static MADE: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "texts-{}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(windows)]
        {
            use std::os::windows::fs::OpenOptionsExt;
            // FILE_FLAG_DELETE_ON_CLOSE: the system deletes it with its
            // last handle, a crash included.
            options.custom_flags(0x0400_0000);
        }
        let file = options.open(&path)?;
        #[cfg(unix)]
        std::fs::remove_file(&path)?;
        Ok(Self {
            file,
            writable: true,
            end: AtomicU64::new(0),
            reported: AtomicBool::new(false),
        })
    }

    /// An open file of ours, `len` bytes long, whose texts are read from
    /// where they are ([`Texts::in_file`]) and to which nothing is written:
    /// an event cache entry, replaced only by renaming another over it,
    /// which leaves this one as it is while it is open.
    pub fn existing(file: File, len: u64) -> Self {
        Self {
            file,
            writable: false,
            end: AtomicU64::new(len),
            reported: AtomicBool::new(false),
        }
    }

    /// Writes `texts` at the end of the file and returns where they start.
    fn append(&self, texts: &str) -> io::Result<u64> {
        self.append_bytes(texts.as_bytes())
    }

    /// Writes `bytes` (texts, or another index's data kept out of memory
    /// with them) at the end of the file and returns where they start.
    pub(crate) fn append_bytes(&self, bytes: &[u8]) -> io::Result<u64> {
        if !self.writable {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "a file only read from",
            ));
        }
        let offset = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.write_at(bytes, offset)?;
        Ok(offset)
    }

    /// Whether `len` bytes at `offset` are within the file.
    pub(crate) fn holds(&self, offset: u64, len: u64) -> bool {
        offset.checked_add(len).is_some_and(|end| end <= self.len())
    }

    /// `len` bytes at `offset`, which must be UTF-8 text.
    fn read_string(&self, offset: u64, len: usize) -> io::Result<String> {
        let mut bytes = vec![0; len];
        self.read_at(&mut bytes, offset)?;
        String::from_utf8(bytes)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not the texts written"))
    }

    /// [`Self::read_string`]; `None` when it fails (the first failure is
    /// logged).
    pub(crate) fn read_text(&self, offset: u64, len: usize) -> Option<String> {
        self.read_string(offset, len)
            .map_err(|error| self.report(&error, "could not read back"))
            .ok()
    }

    /// Reads `len` bytes at `offset` into `buffer` (resized to them);
    /// `None` when they cannot be read (the first failure is logged).
    pub(crate) fn read_bytes<'b>(
        &self,
        offset: u64,
        len: usize,
        buffer: &'b mut Vec<u8>,
    ) -> Option<&'b [u8]> {
        buffer.resize(len, 0);
        match self.read_at(buffer, offset) {
            Ok(()) => Some(buffer.as_slice()),
            Err(error) => {
                self.report(&error, "could not read back");
                None
            }
        }
    }

    /// Logs the first failure to write to the file.
    pub(crate) fn report_write(&self, error: &io::Error) {
        self.report(error, "could not write to");
    }

    /// Bytes written to it.
    pub fn len(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    /// Whether nothing was written to it.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[cfg(unix)]
    fn write_at(&self, bytes: &[u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(&self.file, bytes, offset)
    }

    #[cfg(unix)]
    fn read_at(&self, bytes: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, bytes, offset)
    }

    #[cfg(windows)]
    fn write_at(&self, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
        use std::os::windows::fs::FileExt;
        while !bytes.is_empty() {
            let written = self.file.seek_write(bytes, offset)?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            bytes = &bytes[written..];
            offset += written as u64;
        }
        Ok(())
    }

    #[cfg(windows)]
    fn read_at(&self, mut bytes: &mut [u8], mut offset: u64) -> io::Result<()> {
        use std::os::windows::fs::FileExt;
        while !bytes.is_empty() {
            let read = self.file.seek_read(bytes, offset)?;
            if read == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            bytes = &mut bytes[read..];
            offset += read as u64;
        }
        Ok(())
    }

    /// Logs the first failure to use the file.
    fn report(&self, error: &io::Error, what: &str) {
        if !self.reported.swap(true, Ordering::Relaxed) {
            log::error!("{what} the events' texts' file: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_texts_read_back_whole_in_part_and_as_bytes() {
        let file = TextFile::for_tests();
        let first = Texts::stored("Дрилл near Pogonovo", &file);
        let second = Texts::stored("second block", &file);
        assert_eq!(file.len(), ("Дрилл near Pogonovo".len() + 12) as u64);
        assert!(!first.is_kept() && first.memory_bytes() == 0);
        assert_eq!(first.len(), "Дрилл near Pogonovo".len());
        assert_eq!(second.read(0..6).as_deref(), Some("second"));
        assert!(!second.is_kept(), "a part read is not kept");
        let mut buffer = Vec::new();
        assert_eq!(second.bytes(7..12, &mut buffer), Some(&b"block"[..]));
        assert_eq!(first.read(1..3), None, "inside a character");
        assert_eq!(first.read(0..99), None, "past the end");
        assert_eq!(first.as_str(), "Дрилл near Pogonovo");
        assert!(first.is_kept() && first.memory_bytes() == first.len());
        assert_eq!(second.as_str(), "second block");
    }

    #[test]
    fn texts_read_into_the_threads_buffer_are_those_read_alone() {
        let file = TextFile::for_tests();
        let stored = Texts::stored("Дрилл near Pogonovo, then Valuyki", &file);
        let kept = Texts::kept(Box::from("in memory"));
        let len = |texts: &str| texts.len();
        for range in [0..10, 11..15, 0..stored.len(), 3..3] {
            assert_eq!(
                stored.with_read(range.clone(), str::to_owned),
                stored.read(range.clone()).map(Cow::into_owned),
                "{range:?}"
            );
        }
        assert_eq!(kept.with_read(3..9, str::to_owned).as_deref(), Some("memory"));
        assert_eq!(stored.with_read(1..3, len), None, "inside a character");
        assert_eq!(stored.with_read(0..stored.len() + 1, len), None, "past the end");
        // Asked again while the buffer holds a read: both are right.
        let nested = stored.with_read(11..15, |outer| {
            let inner = stored.with_read(31..38, str::to_owned);
            format!("{outer} {}", inner.unwrap_or_default())
        });
        assert_eq!(nested.as_deref(), Some("near Valuyki"));
        // And the buffer is free again after.
        assert_eq!(
            stored.with_read(16..24, str::to_owned).as_deref(),
            Some("Pogonovo")
        );
        assert!(!stored.is_kept());
    }

    #[test]
    fn kept_texts_are_read_in_place() {
        let texts = Texts::kept(Box::from("in memory"));
        assert!(matches!(texts.read(3..9), Some(Cow::Borrowed("memory"))));
        assert_eq!(texts.memory_bytes(), 9);
        let mut buffer = Vec::new();
        assert_eq!(texts.bytes(0..2, &mut buffer), Some(&b"in"[..]));
        assert!(buffer.is_empty(), "not copied");
    }

    #[test]
    fn texts_are_read_where_they_are_in_a_file_only_read_from() {
        let path = std::env::temp_dir().join(format!("borderwatch-test-existing-{}", std::process::id()));
        let content = "head: Колонна at Pogonovo; tail";
        std::fs::write(&path, content).expect("written");
        let len = content.len() as u64;
        let file = Arc::new(TextFile::existing(File::open(&path).expect("opened"), len));
        let _ = std::fs::remove_file(&path);
        let texts = Texts::in_file(&file, 6, 27).expect("within the file");
        assert_eq!(texts.as_str(), "Колонна at Pogonovo;");
        assert!(Texts::in_file(&file, len - 4, 5).is_none(), "past its end");
        let written = Texts::stored("more", &file);
        assert!(written.is_kept(), "not written to a file only read from");
        assert_eq!(file.len(), len);
    }

    #[test]
    fn each_load_writes_its_texts_to_a_file_of_its_own() {
        // Other tests' loads may begin meanwhile: they too only make a new
        // file current, never the one before.
        let Some(before) = TextFile::for_load() else {
            return; // texts kept in memory here (turned off, or no cache folder)
        };
        TextFile::begin_load();
        let after = TextFile::for_load().expect("a new file");
        assert!(!Arc::ptr_eq(&before, &after));
        let texts = Texts::stored("kept by its block", &before);
        assert_eq!(
            texts.as_str(),
            "kept by its block",
            "the file lives on with its blocks"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_leaves_no_name_behind() {
        let dir = std::env::temp_dir().join(format!("borderwatch-test-texts-gone-{}", std::process::id()));
        let file = TextFile::create_in(&dir).expect("a texts' file");
        let left = std::fs::read_dir(&dir)
            .map(|entries| entries.count())
            .unwrap_or(0);
        assert_eq!(left, 0, "unlinked once open");
        drop(file);
        let _ = std::fs::remove_dir(&dir);
    }
}
