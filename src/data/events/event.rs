//! Events: what happened, when, where, and who says so.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use geo::Coord;

use super::category::{CategoryId, EventCategory};
use super::date::{DatePrecision, EventDate};
pub use super::text_file::{TextFile, Texts};

/// How exactly an event's coordinates locate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// At the stated point.
    Exact,
    /// Near the stated point (a town, a range).
    Approximate,
    /// Somewhere in the region; the point is its centre.
    Region,
    /// No place is known: the point only stands for where the speaker was
    /// (a capital, a headquarters). Such an event is in no region.
    Notional,
    /// The file gave no coordinates, only a place name; the point is that
    /// town's or village's from the gazetteer (GeoNames).
    Gazetteer,
}

impl Precision {
    /// Every precision, in the order of their declaration.
    pub const ALL: [Self; 5] = [
        Self::Exact,
        Self::Approximate,
        Self::Region,
        Self::Notional,
        Self::Gazetteer,
    ];

    /// `precision` as a number from 0 (none) to 5, its place in
    /// [`Self::ALL`] plus one: what an event's [`Place`] and the event
    /// cache keep.
    pub fn code(precision: Option<Self>) -> u8 {
        precision.map_or(0, |p| p as u8 + 1)
    }

    /// The precision whose [`Self::code`] is `code`; `None` for a code none
    /// has.
    pub fn from_code(code: u8) -> Option<Option<Self>> {
        match code.checked_sub(1) {
            None => Some(None),
            Some(index) => Self::ALL.get(usize::from(index)).copied().map(Some),
        }
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Approximate => "approximate",
            Self::Region => "region",
            Self::Notional => "notional",
            Self::Gazetteer => "gazetteer",
        }
    }

    /// Whether the point locates the event to a town or better (`exact`,
    /// `approximate`, `gazetteer`, or not said: a file's point is taken at its word).
    pub fn is_located(precision: Option<Self>) -> bool {
        matches!(
            precision,
            None | Some(Self::Exact | Self::Approximate | Self::Gazetteer)
        )
    }

    /// The precision with this name, ignoring case.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an event's region was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Placement {
    /// By its coordinates: inside the region, or outside every region.
    #[default]
    Position,
    /// The file named the region (`"region": "rostov"`).
    Declared,
    /// In the sea this many metres off the region's coast, and nearer to it
    /// than to any other land (see [`crate::data::regions::coast`]).
    Coastal {
        /// Distance to the coast, in metres.
        offshore_m: u16,
    },
    /// Not placed: the event's precision is `notional`, so its point says
    /// nothing of where it happened. `about` is the region the file named,
    /// which the event concerns but is not counted in.
    Notional {
        /// Index of the region the file named, if it names a loaded one.
        about: Option<u32>,
    },
}

/// Where a report comes from, as stored in an [`Event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceRef<'a> {
    /// Outlet and headline, or whatever names the source.
    pub name: &'a str,
    /// A link to it, if any.
    pub url: Option<&'a str>,
}

impl<'a> SourceRef<'a> {
    /// The URL if it is one a browser should open: http or https only.
    pub fn web_url(&self) -> Option<&'a str> {
        let url = self.url?.trim();
        let scheme = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        (scheme.starts_with("http://") || scheme.starts_with("https://")).then_some(url)
    }
}

/// Where in the input an event was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventOrigin {
    /// Index into the loaded files' names.
    pub file: u32,
    /// 0-based record index in that file.
    pub record: u32,
    /// 1-based line where the record starts (0 if unknown).
    pub line: u32,
}

/// The texts of a new event, borrowed from wherever they were read.
#[derive(Debug, Clone, Default)]
pub struct EventTexts<'a> {
    /// Unique id.
    pub id: &'a str,
    /// What happened, in a line.
    pub title: &'a str,
    /// The place as named by the source.
    pub place: Option<&'a str>,
    /// Longer text.
    pub description: Option<&'a str>,
    /// The region id the file gave.
    pub declared_region: Option<&'a str>,
    /// Who was involved.
    pub actors: Vec<&'a str>,
    /// Who reports it.
    pub sources: Vec<SourceRef<'a>>,
}

/// Which text of an [`Event`] a span in its buffer holds.
#[derive(Clone, Copy)]
enum Text {
    Id,
    Title,
    Place,
    Description,
    DeclaredRegion,
    Actors,
    Sources,
}

/// Separates list items (actors, sources) inside the text buffer.
const ITEM_SEPARATOR: char = '\n';
/// Separates a source's name from its URL inside the text buffer.
const URL_SEPARATOR: char = '\t';

/// All texts of an event in one buffer, `block[start..]`, most often a
/// block many events share: a reader's task's records (laid out by a
/// [`TextLayout`]), or a frame of 16 384 events read back from the event
/// cache; an event made on its own ([`Event::new`]) has a block of its own,
/// and so has one whose texts are too long for [`Lengths`].
#[derive(Clone)]
struct EventText {
    block: TextBlock,
    /// Where the event's texts start in `block`.
    start: u32,
    /// How long each [`Text`] is, or [`Lengths::LONG`].
    lengths: Lengths,
}

/// The length of each of an event's texts, in the bytes the texts of
/// nearly every event need: up to 254 for its id, 255 for its place and
/// declared region, 65 535 for the others. 12 bytes, where the end of each
/// in a `u32` took 28, and with the block and its start 24: an event took
/// 96 bytes, not 112 (88 since [`Place`]). The texts of an event that do not fit are given a
/// block of their own, which holds them and then their ends (see
/// [`Self::LONG`]).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Lengths {
    id: u8,
    place: u8,
    declared_region: u8,
    title: u16,
    description: u16,
    actors: u16,
    sources: u16,
}

/// Digits of each end written after the texts of an event whose texts are
/// too long for [`Lengths`]: `u32::MAX` has ten.
const LONG_END_DIGITS: usize = 10;

/// Bytes of the ends written after such an event's texts.
const LONG_ENDS_BYTES: usize = 7 * LONG_END_DIGITS;

impl Lengths {
    /// Marks texts too long for [`Lengths`]: an id of 255 bytes, which
    /// does not fit. Their block is their own, and holds them and then
    /// the end of each, [`LONG_END_DIGITS`] decimal digits each.
    const LONG: Self = Self {
        id: u8::MAX,
        place: 0,
        declared_region: 0,
        title: 0,
        description: 0,
        actors: 0,
        sources: 0,
    };

    /// The lengths of the texts that end at `ends` (in [`Text`] order,
    /// counted from where the first starts), if they fit and are in order.
    fn fit(ends: [u32; 7]) -> Option<Self> {
        let length = |text: Text| {
            let i = text as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            ends[i].checked_sub(start)
        };
        let short = |text: Text| length(text).and_then(|n| u8::try_from(n).ok());
        let long = |text: Text| length(text).and_then(|n| u16::try_from(n).ok());
        Some(Self {
            id: short(Text::Id).filter(|&id| id != u8::MAX)?,
            title: long(Text::Title)?,
            place: short(Text::Place)?,
            description: long(Text::Description)?,
            declared_region: short(Text::DeclaredRegion)?,
            actors: long(Text::Actors)?,
            sources: long(Text::Sources)?,
        })
    }

    /// Where each text ends, counted from where the first starts.
    fn ends(self) -> [u32; 7] {
        let lengths = [
            u32::from(self.id),
            u32::from(self.title),
            u32::from(self.place),
            u32::from(self.description),
            u32::from(self.declared_region),
            u32::from(self.actors),
            u32::from(self.sources),
        ];
        let mut end = 0;
        lengths.map(|length| {
            end += length;
            end
        })
    }
}

/// A block of events' texts, shared by the events whose texts it holds:
/// held by a thin pointer, 8 bytes of every event where an `Arc<str>` took
/// 16. In memory, or in a load's texts' file (see [`TextFile`]).
pub type TextBlock = Arc<Texts>;

/// The block of events without texts (one allocation for all of them).
static NO_TEXT: LazyLock<TextBlock> = LazyLock::new(|| Arc::new(Texts::kept(Box::from(""))));

/// Events a block of texts holds on average, at least, for
/// [`Event::share_scattered_texts`] to leave them as they are.
const SHARED_RUN_EVENTS: usize = 64;

impl EventText {
    /// Texts in a block of their own (a reader lays out its records' texts
    /// in a [`TextLayout`] instead).
    fn new(texts: &EventTexts<'_>) -> Self {
        let mut buffer = String::new();
        let ends = lay_out(&mut buffer, texts);
        Self::own(buffer, ends)
    }

    /// `texts`, each ending at its offset in `ends`, in a block of their own.
    fn own(mut texts: String, ends: [u32; 7]) -> Self {
        let lengths = match Lengths::fit(ends) {
            Some(lengths) => lengths,
            None => {
                for end in ends {
                    texts.push_str(&format!("{end:0LONG_END_DIGITS$}"));
                }
                Lengths::LONG
            }
        };
        let block = if texts.is_empty() {
            NO_TEXT.clone()
        } else {
            // A box of their length, as in `TextLayout::share`.
            Arc::new(Texts::kept(Box::from(texts.as_str())))
        };
        Self {
            block,
            start: 0,
            lengths,
        }
    }

    /// The texts found at `start` in `block`; `None` when `ends` do not cut
    /// `block[start..]` into texts. Texts too long for [`Lengths`] are
    /// copied to a block of their own.
    fn shared(block: &TextBlock, start: usize, ends: [u32; 7]) -> Option<Self> {
        let start32 = u32::try_from(start).ok()?;
        let texts = block.as_str();
        let mut previous = start;
        for end in ends {
            let end = start.saturating_add(end as usize);
            if end < previous || end > texts.len() || !texts.is_char_boundary(end) {
                return None;
            }
            previous = end;
        }
        if !texts.is_char_boundary(start) {
            return None;
        }
        Some(match Lengths::fit(ends) {
            Some(lengths) => Self {
                block: Arc::clone(block),
                start: start32,
                lengths,
            },
            None => Self::own(texts.get(start..previous)?.to_string(), ends),
        })
    }

    /// Whether its texts are too long for [`Lengths`].
    fn is_long(&self) -> bool {
        self.lengths == Lengths::LONG
    }

    /// Bytes of all its texts.
    fn len(&self) -> usize {
        if self.is_long() {
            self.block.len().saturating_sub(LONG_ENDS_BYTES)
        } else {
            self.lengths.ends()[6] as usize
        }
    }

    /// Where each text ends, counted from where the first starts.
    fn ends(&self) -> [u32; 7] {
        if !self.is_long() {
            return self.lengths.ends();
        }
        // Such texts are always in memory, in a block of their own.
        let written = self
            .block
            .as_str()
            .get(self.len()..)
            .unwrap_or_default()
            .as_bytes();
        let mut ends = [0u32; 7];
        for (end, digits) in ends.iter_mut().zip(written.chunks(LONG_END_DIGITS)) {
            *end = std::str::from_utf8(digits)
                .ok()
                .and_then(|digits| digits.parse().ok())
                .unwrap_or(0);
        }
        ends
    }

    /// The texts as one string, each ending at its offset in [`Self::ends`].
    fn all(&self) -> &str {
        let start = self.start as usize;
        self.block
            .as_str()
            .get(start..start + self.len())
            .unwrap_or_default()
    }

    /// [`Self::all`], read from the texts' file and not kept when they are
    /// there (empty when it cannot be read).
    fn read_all(&self) -> Cow<'_, str> {
        let start = self.start as usize;
        self.block.read(start..start + self.len()).unwrap_or_default()
    }

    fn get(&self, text: Text) -> &str {
        let i = text as usize;
        let ends = self.ends();
        let base = self.start as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        // The block cut at its ends, where `all` would reckon them again.
        self.block
            .as_str()
            .get(base + start..base + ends[i] as usize)
            .unwrap_or_default()
    }

    fn optional(&self, text: Text) -> Option<&str> {
        Some(self.get(text)).filter(|t| !t.is_empty())
    }
}

/// The searchable texts (as [`Event::searchable_texts`] orders them) of an
/// event's texts `all`, each ending at its offset in `ends`; empty where
/// the ends do not cut `all`.
pub fn searchable_parts(all: &str, ends: [u32; 7]) -> [&str; 5] {
    let text = |text: Text| text_in(all, ends, text);
    [
        text(Text::Title),
        text(Text::Description),
        text(Text::Place),
        text(Text::Actors),
        text(Text::Sources),
    ]
}

/// `text` of an event's texts `all`, each ending at its offset in `ends`;
/// empty where the ends do not cut `all`.
fn text_in(all: &str, ends: [u32; 7], text: Text) -> &str {
    let i = text as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    all.get(start..ends[i] as usize).unwrap_or_default()
}

/// The items of a list text (actors, sources), none when it is empty.
fn items(list: &str) -> impl Iterator<Item = &str> {
    Some(list)
        .filter(|list| !list.is_empty())
        .into_iter()
        .flat_map(|list| list.split(ITEM_SEPARATOR))
}

/// The sources of a sources text.
fn source_refs(list: &str) -> impl Iterator<Item = SourceRef<'_>> {
    items(list).map(|item| match item.split_once(URL_SEPARATOR) {
        Some((name, url)) => SourceRef { name, url: Some(url) },
        None => SourceRef {
            name: item,
            url: None,
        },
    })
}

/// An event's texts read once, from memory or from the texts' file (and
/// then not kept: see [`Event::read_texts`]), with the accessors of
/// [`Event`].
pub struct ReadTexts<'a> {
    all: Cow<'a, str>,
    ends: [u32; 7],
}

impl ReadTexts<'_> {
    fn get(&self, text: Text) -> &str {
        text_in(&self.all, self.ends, text)
    }

    fn optional(&self, text: Text) -> Option<&str> {
        Some(self.get(text)).filter(|t| !t.is_empty())
    }

    /// As [`Event::id`].
    pub fn id(&self) -> &str {
        self.get(Text::Id)
    }

    /// As [`Event::title`].
    pub fn title(&self) -> &str {
        self.get(Text::Title)
    }

    /// As [`Event::place`].
    pub fn place(&self) -> Option<&str> {
        self.optional(Text::Place)
    }

    /// As [`Event::description`].
    pub fn description(&self) -> Option<&str> {
        self.optional(Text::Description)
    }

    /// As [`Event::declared_region`].
    pub fn declared_region(&self) -> Option<&str> {
        self.optional(Text::DeclaredRegion)
    }

    /// As [`Event::actors`].
    pub fn actors(&self) -> impl Iterator<Item = &str> + '_ {
        items(self.get(Text::Actors))
    }

    /// As [`Event::sources`].
    pub fn sources(&self) -> impl Iterator<Item = SourceRef<'_>> + '_ {
        source_refs(self.get(Text::Sources))
    }
}

/// Appends every text of `texts` to `buffer`, in [`Text`] order, and
/// returns where each ends, counted from where the first starts.
fn lay_out(buffer: &mut String, texts: &EventTexts<'_>) -> [u32; 7] {
    let start = buffer.len();
    let mut ends = [0u32; 7];
    let mut end = |buffer: &String, text: Text| ends[text as usize] = (buffer.len() - start) as u32;
    buffer.push_str(texts.id);
    end(buffer, Text::Id);
    buffer.push_str(texts.title);
    end(buffer, Text::Title);
    buffer.push_str(texts.place.unwrap_or_default());
    end(buffer, Text::Place);
    buffer.push_str(texts.description.unwrap_or_default());
    end(buffer, Text::Description);
    buffer.push_str(texts.declared_region.unwrap_or_default());
    end(buffer, Text::DeclaredRegion);
    for (n, actor) in texts.actors.iter().enumerate() {
        if n > 0 {
            buffer.push(ITEM_SEPARATOR);
        }
        push_item(buffer, actor);
    }
    end(buffer, Text::Actors);
    for (n, source) in texts.sources.iter().enumerate() {
        if n > 0 {
            buffer.push(ITEM_SEPARATOR);
        }
        push_item(buffer, source.name);
        if let Some(url) = source.url {
            buffer.push(URL_SEPARATOR);
            push_item(buffer, url);
        }
    }
    end(buffer, Text::Sources);
    ends
}

/// Appends a list item with the separators inside it turned into spaces.
fn push_item(buffer: &mut String, item: &str) {
    // Both separators are ASCII: no byte of another character matches them.
    if memchr::memchr2(ITEM_SEPARATOR as u8, URL_SEPARATOR as u8, item.as_bytes()).is_some() {
        buffer.extend(item.chars().map(|c| {
            if c == ITEM_SEPARATOR || c == URL_SEPARATOR {
                ' '
            } else {
                c
            }
        }));
    } else {
        buffer.push_str(item);
    }
}

/// The texts of a run of events being read (a reader's task's records),
/// laid out one after another as [`Self::share`] will give them to the
/// events as one block: each event's texts are written once, with no
/// allocation of their own to copy them from.
#[derive(Debug, Default)]
pub struct TextLayout {
    texts: String,
}

impl TextLayout {
    /// An event as [`Event::new`] makes it, but with its texts laid out
    /// here: it has them once [`Self::share`] is given it, and none until
    /// then (read its id before with [`Self::id`]). Given its own texts
    /// when the layout would pass 4 GiB, or they are too long for
    /// [`Lengths`].
    pub fn event(&mut self, texts: &EventTexts<'_>, date: EventDate, position: Coord<f64>) -> Event {
        let start = self.texts.len();
        let ends = lay_out(&mut self.texts, texts);
        match (u32::try_from(self.texts.len()), Lengths::fit(ends)) {
            (Ok(_), Some(lengths)) => Event::with_text(
                EventText {
                    block: NO_TEXT.clone(),
                    start: start as u32,
                    lengths,
                },
                date,
                position,
            ),
            _ => {
                self.texts.truncate(start);
                Event::new(texts, date, position)
            }
        }
    }

    /// The id of `event`, made by [`Self::event`] and not yet shared.
    pub fn id<'a>(&'a self, event: &'a Event) -> &'a str {
        if !Arc::ptr_eq(&event.text.block, &NO_TEXT) {
            // Given its own texts.
            return event.id();
        }
        let start = event.text.start as usize;
        self.texts
            .get(start..start + usize::from(event.text.lengths.id))
            .unwrap_or_default()
    }

    /// Bytes laid out so far.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether nothing is laid out.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Forgets the texts laid out from `len` on (a record rejected after
    /// they were), if `len` is where an event's texts begin.
    pub fn truncate(&mut self, len: usize) {
        if self.texts.is_char_boundary(len) {
            self.texts.truncate(len);
        }
    }

    /// Gives `events`, laid out here in their order, their texts: one block
    /// for all, in the current load's texts' file if there is one
    /// ([`TextFile::for_load`]). Events given their own texts keep them.
    pub fn share(self, events: &mut [Event]) {
        self.share_in(events, TextFile::for_load().as_ref());
    }

    /// [`Self::share`], the block written to `file` if one is given, and
    /// the events' other fields with it.
    pub fn share_in(self, events: &mut [Event], file: Option<&Arc<TextFile>>) {
        if let Some(file) = file {
            OtherFields::move_to(events, file);
        }
        if self.texts.is_empty() {
            return;
        }
        let block: TextBlock = Arc::new(match file {
            Some(file) => Texts::stored(&self.texts, file),
            // Copied to a box of its length: the layout grew by doubling,
            // and the allocator may leave a shrunk allocation at its size.
            None => Texts::kept(Box::from(self.texts.as_str())),
        });
        for event in events {
            if Arc::ptr_eq(&event.text.block, &NO_TEXT) {
                event.text.block = Arc::clone(&block);
            }
        }
    }
}

impl PartialEq for EventText {
    fn eq(&self, other: &Self) -> bool {
        self.ends() == other.ends() && self.all() == other.all()
    }
}

impl Eq for EventText {}

impl fmt::Debug for EventText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventText")
            .field("id", &self.get(Text::Id))
            .field("title", &self.get(Text::Title))
            .finish_non_exhaustive()
    }
}

/// Fields of an event that are not its texts: any other members of the
/// record, shown in the details.
pub type ExtraFields = serde_json::Map<String, serde_json::Value>;

/// An event's other fields, kept as the compact JSON text of their object
/// (keys in order) and read into a map when they are shown or exported: a
/// map per event, its B-tree node and a string for each key and value, took
/// about 700 bytes for the six fields kept of each ACLED record, where
/// their text takes about 150. In the window the text goes to the texts'
/// file with the events' texts ([`Self::move_to`]) and is read back when
/// asked for: 24 bytes an event in memory, where the text took 178 with its
/// box for an ACLED export's rows.
#[derive(Clone)]
pub struct OtherFields(FieldsText);

/// Where an event's other fields' JSON text is.
#[derive(Clone)]
enum FieldsText {
    Kept(Box<str>),
    /// `len` bytes at `offset` in `file`.
    InFile {
        file: Arc<TextFile>,
        offset: u64,
        len: u32,
    },
}

impl OtherFields {
    /// The fields `pairs` name, as a map of them would hold them (in key
    /// order, a key given twice with its last value), with no map made;
    /// `None` when there are none.
    pub fn from_pairs(mut pairs: Vec<(String, serde_json::Value)>) -> Option<Self> {
        struct Pairs<'a>(&'a [(String, serde_json::Value)]);
        impl serde::Serialize for Pairs<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
            }
        }
        if pairs.is_empty() {
            return None;
        }
        // Reversed, the stable sort puts each key's last value first, and
        // `dedup_by` keeps the first of a run.
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, first| later.0 == first.0);
        let json = serde_json::to_string(&Pairs(&pairs)).unwrap_or_default();
        Some(Self(FieldsText::Kept(json.into_boxed_str())))
    }

    /// The fields of `json`, the text of a JSON object (as [`Self::json`]
    /// gives it), kept as it is; `None` when it is not one, or is empty.
    pub fn from_json(json: &str) -> Option<Self> {
        Self::is_fields(json).then(|| Self(FieldsText::Kept(json.into())))
    }

    /// [`Self::from_json`], the text left where it is: `len` bytes at
    /// `offset` in `file`, which the caller has read as `json`. `None` when
    /// `json` is not an object with members, or would pass the file's end.
    pub fn in_file(json: &str, file: &Arc<TextFile>, offset: u64) -> Option<Self> {
        let len = u32::try_from(json.len()).ok()?;
        (Self::is_fields(json) && file.holds(offset, u64::from(len))).then(|| {
            Self(FieldsText::InFile {
                file: Arc::clone(file),
                offset,
                len,
            })
        })
    }

    /// Whether `json` is the text of a JSON object with members.
    fn is_fields(json: &str) -> bool {
        // Checked as JSON without its values built: read into a map only to
        // be dropped, the fields of a million ACLED events read back from
        // the event cache took 0.7 s of one core, checked so 0.2 s.
        serde_json::from_str::<&serde_json::value::RawValue>(json)
            .ok()
            .and_then(|raw| {
                let members = raw.get().trim_start().strip_prefix('{')?.trim_start();
                Some(!members.starts_with('}'))
            })
            .unwrap_or(false)
    }

    /// The fields, read.
    pub fn map(&self) -> ExtraFields {
        serde_json::from_str(&self.json()).unwrap_or_default()
    }

    /// Their JSON text (an object, compact, keys in order), read back from
    /// the texts' file when it is there; `{}` when that cannot be read (the
    /// first failure is logged, as for the texts).
    pub fn json(&self) -> Cow<'_, str> {
        match &self.0 {
            FieldsText::Kept(json) => Cow::Borrowed(json),
            FieldsText::InFile { file, offset, len } => file
                .read_text(*offset, *len as usize)
                .map_or(Cow::Borrowed("{}"), Cow::Owned),
        }
    }

    /// The text, when it is in memory and can be given a place in a file
    /// (its length fits the place's `u32`).
    fn movable(&self) -> Option<&str> {
        match &self.0 {
            FieldsText::Kept(json) if u32::try_from(json.len()).is_ok() => Some(json),
            _ => None,
        }
    }

    /// Whether the text is in memory (not in the texts' file).
    pub fn is_kept(&self) -> bool {
        matches!(self.0, FieldsText::Kept(_))
    }

    /// Bytes held on the heap: the box holding them, and the text when it
    /// is in memory.
    pub fn heap_bytes(&self) -> usize {
        let text = match &self.0 {
            FieldsText::Kept(json) => json.len(),
            FieldsText::InFile { .. } => 0,
        };
        text + std::mem::size_of::<Self>()
    }

    /// Writes the other fields of `events` kept in memory to `file`, all in
    /// one write, and leaves them there; they stay in memory when the file
    /// cannot take them (its first failure is logged).
    pub fn move_to(events: &mut [Event], file: &Arc<TextFile>) {
        let mut bytes = Vec::new();
        for json in events.iter().filter_map(|e| e.extra.as_deref()?.movable()) {
            bytes.extend_from_slice(json.as_bytes());
        }
        if bytes.is_empty() {
            return;
        }
        let mut offset = match file.append_bytes(&bytes) {
            Ok(offset) => offset,
            Err(error) => {
                file.report_write(&error);
                return;
            }
        };
        for extra in events.iter_mut().filter_map(|e| e.extra.as_deref_mut()) {
            if let Some(len) = extra.movable().map(|json| json.len() as u32) {
                extra.0 = FieldsText::InFile {
                    file: Arc::clone(file),
                    offset,
                    len,
                };
                offset += u64::from(len);
            }
        }
    }
}

impl PartialEq for OtherFields {
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl fmt::Debug for OtherFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.json())
    }
}

/// The most troops an event can report: one short of `u32::MAX`, which an
/// event's 4 bytes for its troops keep for "none".
pub const MAX_TROOPS: u32 = u32::MAX - 1;

/// `count` as an event's troops, if it is at most [`MAX_TROOPS`].
pub fn troops_within_limit(count: u64) -> Option<u32> {
    u32::try_from(count).ok().filter(|&troops| troops <= MAX_TROOPS)
}

/// One event: what happened, when, where, and who says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened (or began).
    pub date: EventDate,
    /// When it ended, for events that last.
    pub end_date: Option<EventDate>,
    /// WGS84 longitude (`x`) and latitude (`y`).
    pub position: Coord<f64>,
    /// Its region, how that was decided, and its two precisions, in 4 bytes.
    place: Place,
    /// The distance to the coast of a [`Placement::Coastal`] event, in metres.
    offshore_m: u16,
    /// What kind of event it is.
    pub category: CategoryId,
    /// [`Self::troops`], plus one: 4 bytes where an `Option<u32>` takes 8
    /// (and a `u64` took 16).
    troops: Option<NonZeroU32>,
    /// Where it was read.
    pub origin: EventOrigin,
    /// Any other fields of the record.
    pub extra: Option<Box<OtherFields>>,
    text: EventText,
}

/// The most regions an event's region can be one of: an index takes the
/// low 24 bits of a [`Place`], plus one (a layer of 16 million regions could
/// not be loaded anyway).
pub const MAX_REGIONS: u32 = (1 << 24) - 1;

/// An event's region (or, for a [`Placement::Notional`] event, the region it
/// is about), how it was placed, its precision and its date's, in one `u32`:
/// the region's index plus one in the low 24 bits (0 for none), then the
/// precision's [`Precision::code`] in 3 bits, the date's precision in 2 and the
/// placement's kind in 2. Two fields of 4 bytes and three of 1 took 12
/// bytes with the placement; with this an event takes 88, not 96.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Place(u32);

impl Place {
    const REGION: u32 = MAX_REGIONS;
    const PRECISION_SHIFT: u32 = 24;
    const DATE_PRECISION_SHIFT: u32 = 27;
    const KIND_SHIFT: u32 = 29;

    fn field(self, shift: u32, bits: u32) -> u32 {
        (self.0 >> shift) & ((1 << bits) - 1)
    }

    fn with_field(self, shift: u32, bits: u32, value: u32) -> Self {
        let mask = ((1 << bits) - 1) << shift;
        Self((self.0 & !mask) | ((value << shift) & mask))
    }

    /// The region slot's index: the region, or what a notional event is about.
    fn slot(self) -> Option<u32> {
        (self.0 & Self::REGION).checked_sub(1)
    }

    fn with_slot(self, region: Option<u32>) -> Self {
        let code = region.filter(|&r| r < MAX_REGIONS).map_or(0, |r| r + 1);
        Self((self.0 & !Self::REGION) | code)
    }

    /// 0 position, 1 declared, 2 coastal, 3 notional.
    fn kind(self) -> u32 {
        self.field(Self::KIND_SHIFT, 2)
    }
}

impl Event {
    /// Index of the region it is in (its declared region when that names a
    /// loaded region, else the one containing its position); `None` outside,
    /// and for a notional event, which is in no region (see [`Self::about`]).
    pub fn region(&self) -> Option<u32> {
        if self.place.kind() == 3 {
            None
        } else {
            self.place.slot()
        }
    }

    /// How [`Self::region`] was decided.
    pub fn placement(&self) -> Placement {
        match self.place.kind() {
            0 => Placement::Position,
            1 => Placement::Declared,
            2 => Placement::Coastal {
                offshore_m: self.offshore_m,
            },
            _ => Placement::Notional {
                about: self.place.slot(),
            },
        }
    }

    /// Sets [`Self::region`] and [`Self::placement`] together: a notional
    /// event is in no region, so `region` is not kept for one (its slot holds
    /// the region it is about). An index of [`MAX_REGIONS`] or more is taken
    /// as none.
    pub fn set_place(&mut self, region: Option<u32>, placement: Placement) {
        let (kind, slot, offshore_m) = match placement {
            Placement::Position => (0, region, 0),
            Placement::Declared => (1, region, 0),
            Placement::Coastal { offshore_m } => (2, region, offshore_m),
            Placement::Notional { about } => (3, about, 0),
        };
        self.place = self.place.with_slot(slot).with_field(Place::KIND_SHIFT, 2, kind);
        self.offshore_m = offshore_m;
    }

    /// How exactly the position locates the event.
    pub fn precision(&self) -> Option<Precision> {
        let code = self.place.field(Place::PRECISION_SHIFT, 3) as u8;
        Precision::from_code(code).flatten()
    }

    /// Sets [`Self::precision`].
    pub fn set_precision(&mut self, precision: Option<Precision>) {
        let code = u32::from(Precision::code(precision));
        self.place = self.place.with_field(Place::PRECISION_SHIFT, 3, code);
    }

    /// How closely [`Self::date`] is known.
    pub fn date_precision(&self) -> DatePrecision {
        let code = self.place.field(Place::DATE_PRECISION_SHIFT, 2) as usize;
        DatePrecision::ALL.get(code).copied().unwrap_or_default()
    }

    /// Sets [`Self::date_precision`].
    pub fn set_date_precision(&mut self, precision: DatePrecision) {
        self.place = self
            .place
            .with_field(Place::DATE_PRECISION_SHIFT, 2, precision as u32);
    }

    /// Number of troops involved or estimated, at most [`MAX_TROOPS`].
    pub fn troops(&self) -> Option<u32> {
        self.troops.map(|t| t.get() - 1)
    }

    /// Sets [`Self::troops`]. A number above [`MAX_TROOPS`] is taken as none
    /// (the readers warn of it first).
    pub fn set_troops(&mut self, troops: Option<u32>) {
        self.troops = troops
            .and_then(|t| troops_within_limit(u64::from(t)))
            .and_then(|t| NonZeroU32::new(t + 1));
    }

    /// Bytes of its texts on the heap: its own allocation (with the
    /// reference counts) or, in a block shared with other events, its share.
    pub fn text_bytes(&self) -> usize {
        if !self.text.block.is_kept() {
            // In the texts' file.
            0
        } else if Arc::strong_count(&self.text.block) == 1 {
            // The reference counts and the box, then the text.
            self.text.block.len() + 2 * std::mem::size_of::<usize>() + std::mem::size_of::<Texts>()
        } else {
            self.text.len()
        }
    }

    /// Bytes of its texts in the texts' file and not in memory (its share
    /// of a block there, as [`Self::text_bytes`] counts it in memory).
    pub fn text_bytes_in_file(&self) -> usize {
        if self.text.block.is_kept() {
            0
        } else {
            self.text.len()
        }
    }

    /// Bytes its other fields take on the heap.
    pub fn extra_bytes(&self) -> usize {
        self.extra.as_ref().map_or(0, |extra| extra.heap_bytes())
    }

    /// An event with these texts, date and position; everything else empty
    /// (category "other", no region).
    pub fn new(texts: &EventTexts<'_>, date: EventDate, position: Coord<f64>) -> Self {
        Self::with_text(EventText::new(texts), date, position)
    }

    fn with_text(text: EventText, date: EventDate, position: Coord<f64>) -> Self {
        Self {
            date,
            end_date: None,
            position,
            place: Place::default(),
            offshore_m: 0,
            category: CategoryId::known(EventCategory::Other),
            troops: None,
            origin: EventOrigin::default(),
            extra: None,
            text,
        }
    }

    /// All its texts as one string, with the end of each (id, title, place,
    /// description, declared region, actors, sources): what
    /// [`Self::with_shared_text`] takes back.
    pub fn text_parts(&self) -> (&str, [u32; 7]) {
        (self.text.all(), self.text.ends())
    }

    /// Where each of its texts ends, as [`Self::text_parts`] gives them
    /// (without their block, which may be in the texts' file).
    pub fn text_ends(&self) -> [u32; 7] {
        self.text.ends()
    }

    /// [`Self::text_parts`], read from the texts' file into a string of
    /// their own when they are there, and not kept: for going through every
    /// event's texts once (writing them out) without bringing them all
    /// back into memory. The texts are empty when the file cannot be read.
    pub fn read_text_parts(&self) -> (Cow<'_, str>, [u32; 7]) {
        (self.text.read_all(), self.text.ends())
    }

    /// An event with the texts [`Self::text_parts`] gave, found at `start`
    /// in `block` (which other events may share), its date and position;
    /// everything else empty as in [`Self::new`]. `None` when the ends do
    /// not cut `block[start..]` into its texts (out of order, past its end
    /// or inside a character).
    pub fn with_shared_text(
        block: &TextBlock,
        start: usize,
        ends: [u32; 7],
        date: EventDate,
        position: Coord<f64>,
    ) -> Option<Self> {
        let text = EventText::shared(block, start, ends)?;
        Some(Self::with_text(text, date, position))
    }

    /// Moves the texts of `events` into one block they share, one after the
    /// other in their order, unless they lie so already (as read from the
    /// event cache): one allocation for all, and a search scans them in one
    /// pass. Left as they are when together they pass 4 GiB; texts too
    /// long for [`Lengths`] keep their own block.
    pub fn share_texts(events: &mut [Event]) {
        let mut fitting = events.iter().filter(|e| !e.text.is_long());
        let together = fitting.next().is_none_or(|first| {
            fitting
                .try_fold(first, |before, event| {
                    before.texts_followed_by(event).then_some(event)
                })
                .is_some()
        });
        let length: usize = events
            .iter()
            .filter(|e| !e.text.is_long())
            .map(|e| e.text.len())
            .sum();
        if together || u32::try_from(length).is_err() {
            return;
        }
        let mut texts = String::with_capacity(length);
        for event in events.iter().filter(|e| !e.text.is_long()) {
            texts.push_str(event.text.all());
        }
        let block: TextBlock = Arc::new(Texts::kept(texts.into_boxed_str()));
        let mut start = 0;
        for event in events.iter_mut().filter(|e| !e.text.is_long()) {
            let length = event.text.len() as u32;
            event.text.block = Arc::clone(&block);
            event.text.start = start;
            start += length;
        }
    }

    /// `events` again, their texts one after the other in one block, as
    /// the event cache reads them back (with their dates and positions,
    /// everything else as [`Self::new`] leaves it).
    #[cfg(test)]
    pub(crate) fn in_one_block(events: &[Event]) -> Vec<Event> {
        let block: TextBlock = Arc::new(Texts::kept(
            events
                .iter()
                .map(|e| e.text_parts().0)
                .collect::<String>()
                .into_boxed_str(),
        ));
        let mut start = 0;
        events
            .iter()
            .map(|e| {
                let (texts, ends) = e.text_parts();
                let event = Event::with_shared_text(&block, start, ends, e.date, e.position);
                start += texts.len();
                event.expect("ends cut the block")
            })
            .collect()
    }

    /// [`Self::share_texts`], unless most of `events` already have their
    /// texts in blocks with the events next to them (as a file's reader
    /// leaves them: a block for each of its tasks' runs of records): a
    /// search scans those blocks as well as one.
    pub fn share_scattered_texts(events: &mut [Event]) {
        let breaks = events
            .windows(2)
            .filter(|pair| !pair[0].texts_followed_by(&pair[1]))
            .count();
        if breaks * SHARED_RUN_EVENTS > events.len() {
            Self::share_texts(events);
        }
    }

    /// Writes the blocks of `events`' texts that are in memory to `file`,
    /// each once, and gives the events their places there: their texts are
    /// read back when used. A block that cannot be written stays in memory
    /// (the failure is logged). Texts too long for [`Lengths`] stay in
    /// their own block, in memory. Their other fields go there too
    /// ([`OtherFields::move_to`]).
    pub fn move_texts_to(events: &mut [Event], file: &Arc<TextFile>) {
        // Each block moved, kept alive with the one replacing it until all
        // are moved, so that no address is taken by another block meanwhile.
        let mut moved: HashMap<*const Texts, (TextBlock, TextBlock)> = HashMap::new();
        for event in events.iter_mut() {
            let block = &event.text.block;
            if event.text.is_long() || !block.is_kept() || block.is_empty() {
                continue;
            }
            let (_, stored) = moved
                .entry(Arc::as_ptr(block))
                .or_insert_with(|| (Arc::clone(block), Arc::new(Texts::stored(block.as_str(), file))));
            event.text.block = Arc::clone(stored);
        }
        // A few MB written at a time.
        for part in events.chunks_mut(16_384) {
            OtherFields::move_to(part, file);
        }
    }

    /// Gives the events of `events` whose texts are in `from` the same
    /// texts in `to` (the same bytes, kept elsewhere).
    pub fn replace_texts_block(events: &mut [Event], from: &TextBlock, to: &TextBlock) {
        if from.len() != to.len() {
            return;
        }
        for event in events.iter_mut().filter(|e| Arc::ptr_eq(&e.text.block, from)) {
            event.text.block = Arc::clone(to);
        }
    }

    /// Whether `next`'s texts come right after its own in the same block.
    pub fn texts_followed_by(&self, next: &Event) -> bool {
        let (a, b) = (&self.text, &next.text);
        Arc::ptr_eq(&a.block, &b.block) && a.start as usize + a.len() == b.start as usize
    }

    /// Its texts' block, which events read together share, and where in it
    /// they lie (as [`Self::text_parts`] gives them): a search scans each
    /// block once for all the events whose texts it holds.
    pub fn text_block(&self) -> (&TextBlock, Range<usize>) {
        let start = self.text.start as usize;
        (&self.text.block, start..start + self.text.len())
    }

    /// The searchable text ([`Self::searchable_texts`]) holding the byte at
    /// `offset` of its texts, as a range of them; `None` in its id or
    /// declared region, or past the end.
    pub fn searchable_range(&self, offset: usize) -> Option<Range<usize>> {
        let ends = self.text.ends();
        let text = ends.iter().position(|&end| offset < end as usize)?;
        let start = text.checked_sub(1).map_or(0, |before| ends[before] as usize);
        let searchable = text != Text::Id as usize && text != Text::DeclaredRegion as usize;
        searchable.then(|| start..ends[text] as usize)
    }

    /// Unique within the loaded events.
    pub fn id(&self) -> &str {
        self.text.get(Text::Id)
    }

    /// Whether its id is `id`: its texts read only when the lengths agree,
    /// and not kept when they are in the texts' file.
    pub fn has_id(&self, id: &str) -> bool {
        let ends = self.text.ends();
        if ends[Text::Id as usize] as usize != id.len() {
            return false;
        }
        let start = self.text.start as usize;
        self.text
            .block
            .read(start..start + id.len())
            .is_some_and(|own| own == id)
    }

    /// What happened, in a line.
    pub fn title(&self) -> &str {
        self.text.get(Text::Title)
    }

    /// The place as named by the source.
    pub fn place(&self) -> Option<&str> {
        self.text.optional(Text::Place)
    }

    /// Longer text.
    pub fn description(&self) -> Option<&str> {
        self.text.optional(Text::Description)
    }

    /// The region id the file gave, if any.
    pub fn declared_region(&self) -> Option<&str> {
        self.text.optional(Text::DeclaredRegion)
    }

    /// Who was involved.
    pub fn actors(&self) -> impl Iterator<Item = &str> + '_ {
        items(self.text.get(Text::Actors))
    }

    /// Who reports it.
    pub fn sources(&self) -> impl Iterator<Item = SourceRef<'_>> + '_ {
        source_refs(self.text.get(Text::Sources))
    }

    /// Its texts read once, with the same accessors, and not kept in
    /// memory when they are in the texts' file: for going through every
    /// event's texts once (an export) without bringing them all back.
    /// Empty when the file cannot be read.
    pub fn read_texts(&self) -> ReadTexts<'_> {
        let (all, ends) = self.read_text_parts();
        ReadTexts { all, ends }
    }

    /// The texts a free-text search looks at, in order: title, description,
    /// place, actors, sources (names and links).
    pub fn searchable_texts(&self) -> [&str; 5] {
        searchable_parts(self.text.all(), self.text.ends())
    }

    /// Calls `each` with [`Self::searchable_texts`], read from the texts'
    /// file and not kept when they are there (all empty when it cannot be
    /// read): for going through every event's texts once.
    pub fn with_searchable_texts<R>(&self, each: impl FnOnce([&str; 5]) -> R) -> R {
        let (all, ends) = self.read_text_parts();
        each(searchable_parts(&all, ends))
    }

    /// The first and last UTC day (days since 1970-01-01) the event covers:
    /// from its date (the first day of the week, month or year a coarse date
    /// stands for) to its end date or the end of that span, whichever is later.
    pub fn day_span(&self) -> (i32, i32) {
        let (start, last) = self.date_precision().span(self.date.day());
        (start, self.end_date.map_or(last, |e| e.day().max(last)))
    }

    /// Whether the date stands for a week, month or year rather than a day.
    pub fn date_is_coarse(&self) -> bool {
        self.date_precision() != DatePrecision::Day
    }

    /// Whether the point is only a stand-in (precision `notional`).
    pub fn is_notional(&self) -> bool {
        self.precision() == Some(Precision::Notional)
    }

    /// The region a notional event is about (not in), by index.
    pub fn about(&self) -> Option<u32> {
        match self.placement() {
            Placement::Notional { about } => about,
            _ => None,
        }
    }

    /// Whether the event overlaps the UTC days `from..=to` (inclusive): an
    /// event with an end date is visible while it lasts.
    pub fn overlaps_days(&self, from: i32, to: i32) -> bool {
        let (start, end) = self.day_span();
        start <= to && end >= from
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_keeps_its_region_and_troops_in_4_bytes_each() {
        assert_eq!(std::mem::size_of::<Event>(), 88);
        let date = EventDate::from_ymd(2021, 4, 22).expect("a date");
        let mut event = Event::new(&EventTexts::default(), date, Coord { x: 39.7, y: 47.2 });
        assert_eq!((event.region(), event.troops()), (None, None));
        for value in [0, 1, 4, 40_000, MAX_REGIONS - 1] {
            event.set_place(Some(value), Placement::Position);
            assert_eq!(event.region(), Some(value));
        }
        for value in [0, 1, 4, 40_000, MAX_TROOPS] {
            event.set_troops(Some(value));
            assert_eq!(event.troops(), Some(value));
        }
        // The one value each keeps for "none", and regions past the bits.
        for value in [MAX_REGIONS, u32::MAX] {
            event.set_place(Some(value), Placement::Position);
            assert_eq!(event.region(), None);
        }
        event.set_troops(Some(u32::MAX));
        assert_eq!(event.troops(), None);
    }

    #[test]
    fn region_placement_and_precisions_share_4_bytes_without_touching_each_other() {
        let date = EventDate::from_ymd(2021, 4, 22).expect("a date");
        let mut event = Event::new(&EventTexts::default(), date, Coord { x: 39.7, y: 47.2 });
        assert_eq!(
            (
                event.region(),
                event.placement(),
                event.precision(),
                event.date_precision()
            ),
            (None, Placement::Position, None, DatePrecision::Day)
        );
        let placements = [
            Placement::Position,
            Placement::Declared,
            Placement::Coastal { offshore_m: 0 },
            Placement::Coastal { offshore_m: u16::MAX },
            Placement::Notional { about: None },
            Placement::Notional { about: Some(0) },
            Placement::Notional {
                about: Some(MAX_REGIONS - 1),
            },
        ];
        let precisions = std::iter::once(None).chain(Precision::ALL.map(Some));
        for precision in precisions {
            for date_precision in DatePrecision::ALL {
                for placement in placements {
                    for region in [None, Some(0), Some(3), Some(MAX_REGIONS - 1)] {
                        let notional = matches!(placement, Placement::Notional { .. });
                        let expected = (
                            if notional { None } else { region },
                            placement,
                            precision,
                            date_precision,
                        );
                        // Set in both orders: each setter leaves the others' bits.
                        for place_first in [true, false] {
                            if place_first {
                                event.set_place(region, placement);
                            }
                            event.set_precision(precision);
                            event.set_date_precision(date_precision);
                            if !place_first {
                                event.set_place(region, placement);
                            }
                            let got = (
                                event.region(),
                                event.placement(),
                                event.precision(),
                                event.date_precision(),
                            );
                            assert_eq!(got, expected, "place set first: {place_first}");
                        }
                        let about = match placement {
                            Placement::Notional { about } => about,
                            _ => None,
                        };
                        assert_eq!(event.about(), about);
                    }
                }
            }
        }
    }

    #[test]
    fn other_fields_are_kept_as_their_map_would_hold_them() {
        use serde_json::json;
        let pair = |key: &str, value: serde_json::Value| (key.to_string(), value);
        let cases = [
            vec![],
            vec![pair("fatalities", json!(0))],
            // Out of order, a key given twice (the last value counts),
            // values of every kind, keys that need escaping.
            vec![
                pair("zeta", json!("last")),
                pair("admin1", json!("Белгород")),
                pair("zeta", json!(2.5)),
                pair("a \"quoted\" key", json!(null)),
                pair("nested", json!({"k": [1, true, "x"]})),
                pair("admin1", json!("Belgorod")),
                pair("", json!(-7)),
            ],
        ];
        for pairs in cases {
            let map: ExtraFields = pairs.iter().cloned().collect();
            let kept = OtherFields::from_pairs(pairs);
            let text = (!map.is_empty()).then(|| serde_json::to_string(&map).expect("serialises"));
            assert_eq!(
                kept.as_ref().map(|kept| kept.json().into_owned()),
                text,
                "the same text as the map's"
            );
            assert_eq!(
                kept.as_ref().map(OtherFields::map),
                (!map.is_empty()).then(|| map.clone())
            );
            if let Some(kept) = kept {
                assert_eq!(OtherFields::from_json(&kept.json()), Some(kept.clone()));
            }
        }
        assert_eq!(OtherFields::from_json("[1, 2]"), None, "not an object");
        assert_eq!(OtherFields::from_json("{}"), None, "nothing kept");
        assert_eq!(OtherFields::from_json(" { \n } "), None, "nothing kept");
        assert_eq!(OtherFields::from_json(r#"{"a": 1,"#), None, "not JSON");
        assert_eq!(OtherFields::from_json(r#"{"a": 1} {}"#), None, "not one value");
    }

    #[test]
    fn other_fields_moved_to_the_texts_file_read_back_the_same() {
        let fields = |n: usize| {
            OtherFields::from_pairs(vec![
                ("admin1".into(), serde_json::json!(format!("Белгород {n}"))),
                ("fatalities".into(), serde_json::json!(n)),
            ])
            .map(Box::new)
        };
        let mut events: Vec<Event> = (0..5)
            .map(|n| {
                let mut event = Event::new(
                    &EventTexts {
                        id: &format!("e{n}"),
                        title: "t",
                        ..EventTexts::default()
                    },
                    EventDate::from_ymd(2021, 4, 22).expect("a day"),
                    Coord { x: 36.6, y: 50.6 },
                );
                // One event of five keeps no other fields.
                event.extra = if n == 2 { None } else { fields(n) };
                event
            })
            .collect();
        let before: Vec<Option<ExtraFields>> =
            events.iter().map(|e| e.extra.as_ref().map(|x| x.map())).collect();
        let kept_bytes: usize = events
            .iter()
            .filter_map(|e| e.extra.as_ref())
            .map(|x| x.heap_bytes())
            .sum();
        let file = TextFile::for_tests();
        file.append_bytes(b"something before").expect("written");
        OtherFields::move_to(&mut events, &file);
        let after: Vec<Option<ExtraFields>> =
            events.iter().map(|e| e.extra.as_ref().map(|x| x.map())).collect();
        assert_eq!(after, before, "each event's own fields, read back");
        assert!(
            events
                .iter()
                .filter_map(|e| e.extra.as_ref())
                .all(|x| !x.is_kept())
        );
        let moved_bytes: usize = events
            .iter()
            .filter_map(|e| e.extra.as_ref())
            .map(|x| x.heap_bytes())
            .sum();
        assert_eq!(moved_bytes, 4 * std::mem::size_of::<OtherFields>());
        assert!(moved_bytes < kept_bytes, "{moved_bytes} < {kept_bytes}");
        // Moved again, nothing changes or is written twice.
        let len = file.len();
        OtherFields::move_to(&mut events, &file);
        assert_eq!(file.len(), len);
        // Left where they are in a file, they are checked as kept ones are.
        let json = r#"{"a":1}"#;
        let at = file.append_bytes(json.as_bytes()).expect("written");
        let left = OtherFields::in_file(json, &file, at).expect("an object in the file");
        assert_eq!(left, OtherFields::from_json(json).expect("an object"));
        assert!(OtherFields::in_file("{}", &file, at).is_none(), "nothing kept");
        assert!(
            OtherFields::in_file(json, &file, file.len()).is_none(),
            "past the end"
        );
        // A file only read from takes none: they stay in memory.
        let mut events = vec![events[0].clone()];
        events[0].extra = fields(7);
        let read_only = Arc::new(TextFile::existing(
            std::fs::File::open(std::env::current_exe().expect("a path")).expect("opens"),
            0,
        ));
        OtherFields::move_to(&mut events, &read_only);
        assert!(events[0].extra.as_ref().is_some_and(|x| x.is_kept()));
    }

    #[test]
    fn only_web_links_are_offered() {
        let link = |url| SourceRef {
            name: "x",
            url: Some(url),
        };
        assert_eq!(
            link("https://example.org/a").web_url(),
            Some("https://example.org/a")
        );
        assert_eq!(link(" HTTP://example.org").web_url(), Some("HTTP://example.org"));
        assert_eq!(link("file:///etc/passwd").web_url(), None);
        assert_eq!(link("javascript:alert(1)").web_url(), None);
        assert_eq!(SourceRef { name: "x", url: None }.web_url(), None);
    }

    #[test]
    fn shared_texts_read_as_their_own_and_bad_ends_are_refused() {
        let texts = EventTexts {
            id: "a1",
            title: "Учения",
            ..EventTexts::default()
        };
        let own = Event::new(&texts, date("2021-04-22"), Coord::zero());
        let (text, ends) = own.text_parts();
        let block: TextBlock = Arc::new(Texts::kept(format!("xyz{text}tail").into_boxed_str()));
        let shared = Event::with_shared_text(&block, 3, ends, date("2021-04-22"), Coord::zero())
            .expect("ends cut the block");
        assert_eq!(shared, own);
        assert_eq!((shared.id(), shared.title()), ("a1", "Учения"));
        assert_eq!(shared.text_bytes(), text.len(), "a share of the block");
        let at =
            |start, ends| Event::with_shared_text(&block, start, ends, date("2021-04-22"), Coord::zero());
        assert!(at(4, ends).is_none(), "inside a character");
        assert!(at(block.len(), ends).is_none(), "past the end");
        let mut backwards = ends;
        backwards[1] = 0;
        assert!(at(3, backwards).is_none(), "out of order");
    }

    fn date(text: &str) -> EventDate {
        EventDate::parse_iso(text).expect("valid date")
    }

    #[test]
    fn texts_round_trip_through_the_shared_buffer() {
        let texts = EventTexts {
            id: "e1",
            title: "Troops ordered back",
            place: Some("Rostov-on-Don"),
            description: None,
            declared_region: Some("rostov"),
            actors: vec!["Sergei Shoigu", "Ministry\nof Defence"],
            sources: vec![
                SourceRef {
                    name: "Castanet",
                    url: Some("https://example.org/a"),
                },
                SourceRef {
                    name: "Wire\tservice",
                    url: None,
                },
            ],
        };
        let event = Event::new(&texts, date("2014-05-19"), Coord { x: 39.7, y: 47.2 });
        assert_eq!(event.id(), "e1");
        assert_eq!(event.title(), "Troops ordered back");
        assert_eq!(event.place(), Some("Rostov-on-Don"));
        assert_eq!(event.description(), None);
        assert_eq!(event.declared_region(), Some("rostov"));
        // Separators inside items become spaces rather than splitting them.
        assert_eq!(
            event.actors().collect::<Vec<_>>(),
            ["Sergei Shoigu", "Ministry of Defence"]
        );
        assert_eq!(
            event.sources().collect::<Vec<_>>(),
            [
                SourceRef {
                    name: "Castanet",
                    url: Some("https://example.org/a")
                },
                SourceRef {
                    name: "Wire service",
                    url: None
                },
            ]
        );
        let empty = Event::new(
            &EventTexts {
                id: "e2",
                title: "t",
                ..Default::default()
            },
            date("2014-05-19"),
            Coord::zero(),
        );
        assert_eq!(empty.actors().count(), 0);
        assert_eq!(empty.sources().count(), 0);
        assert_eq!(empty.category.as_known(), Some(EventCategory::Other));
    }

    #[test]
    fn shared_texts_keep_every_text_in_one_block() {
        let titles = ["Drills near Rostov", "", "Колонна у Погоново"];
        let mut events: Vec<Event> = titles
            .iter()
            .enumerate()
            .map(|(n, title)| {
                let id = format!("e{n}");
                let texts = EventTexts {
                    id: &id,
                    title,
                    actors: vec!["a", "b"],
                    ..EventTexts::default()
                };
                Event::new(&texts, date("2021-04-22"), Coord::zero())
            })
            .collect();
        let before = events.clone();
        Event::share_texts(&mut events);
        assert_eq!(events, before, "every text as it was");
        let (block, first) = events[0].text_block();
        let mut end = first.end;
        for event in &events[1..] {
            let (other, texts) = event.text_block();
            assert!(Arc::ptr_eq(block, other), "one block");
            assert_eq!(texts.start, end, "one after the other");
            end = texts.end;
        }
        // Shared already: left as it is.
        let block = Arc::clone(block);
        Event::share_texts(&mut events);
        assert!(Arc::ptr_eq(&block, events[2].text_block().0));
    }

    /// An event's texts for [`texts_too_long_for_their_lengths_are_kept_whole_in_a_block_of_their_own`].
    struct Case {
        id: String,
        title: String,
        place: String,
        description: String,
        region: String,
        /// How many 1 000-byte actors it has, and, when 66, a 80 000-byte link.
        actors: usize,
    }

    impl Case {
        fn texts<'a>(&'a self, actors: &'a [String], url: &'a str) -> EventTexts<'a> {
            let given = |text: &'a String| Some(text.as_str()).filter(|t| !t.is_empty());
            EventTexts {
                id: &self.id,
                title: &self.title,
                place: given(&self.place),
                description: given(&self.description),
                declared_region: given(&self.region),
                actors: actors[..self.actors].iter().map(String::as_str).collect(),
                sources: if self.actors == 66 {
                    vec![SourceRef {
                        name: "wire",
                        url: Some(url),
                    }]
                } else {
                    vec![]
                },
            }
        }
    }

    /// Texts at and past each limit of [`Lengths`], and one event whose
    /// texts fit.
    fn texts_at_the_limits() -> Vec<Case> {
        let long = |n: usize, piece: &str| piece.repeat(n.div_ceil(piece.len()))[..n].to_string();
        let case =
            |id: String, title: String, place: String, description: String, region: String, actors| Case {
                id,
                title,
                place,
                description,
                region,
                actors,
            };
        let (e, t, none) = (|| "e".to_string(), || "t".to_string(), String::new);
        vec![
            case(
                long(254, "i"),
                t(),
                long(255, "p"),
                long(65_535, "d"),
                long(255, "r"),
                0,
            ),
            case(long(255, "i"), t(), none(), none(), none(), 0),
            case(e(), t(), long(256, "p"), none(), none(), 0),
            case(e(), t(), none(), none(), long(256, "r"), 0),
            case(e(), long(65_536, "t"), none(), none(), none(), 0),
            // Beyond ASCII: cut at a character's end.
            case(e(), t(), "Погоново".into(), long(70_000, "ж"), none(), 0),
            case(e(), t(), none(), none(), none(), 66),
            case(
                e(),
                "Учения".into(),
                "Pogonovo".into(),
                "pontoon".into(),
                "voronezh".into(),
                2,
            ),
        ]
    }

    #[test]
    fn texts_too_long_for_their_lengths_are_kept_whole_in_a_block_of_their_own() {
        let cases = texts_at_the_limits();
        let actors: Vec<String> = (0..66).map(|n| format!("{n:01000}")).collect();
        let url = "https://example.org/".repeat(4_000);
        let own: Vec<Event> = cases
            .iter()
            .map(|case| Event::new(&case.texts(&actors, &url), date("2021-04-22"), Coord::zero()))
            .collect();
        let long: Vec<bool> = own.iter().map(|e| e.text.is_long()).collect();
        assert_eq!(
            long,
            [false, true, true, true, true, true, true, false],
            "which fit"
        );
        for (event, case) in own.iter().zip(&cases) {
            assert_eq!(event.id(), case.id);
            assert_eq!(event.title(), case.title);
            assert_eq!(event.place().unwrap_or_default(), case.place);
            assert_eq!(event.description().unwrap_or_default(), case.description);
            assert_eq!(event.declared_region().unwrap_or_default(), case.region);
            assert_eq!(event.actors().collect::<Vec<_>>(), actors[..case.actors]);
            let urls: Vec<_> = event.sources().map(|source| source.url).collect();
            assert_eq!(
                urls,
                if case.actors == 66 {
                    vec![Some(url.as_str())]
                } else {
                    vec![]
                }
            );
            let whole = [
                &case.id,
                &case.title,
                &case.place,
                &case.description,
                &case.region,
            ]
            .map(|t| t.as_str())
            .concat();
            assert!(event.text_parts().0.starts_with(&whole), "every text, in order");
            let (block, texts) = event.text_block();
            assert_eq!(
                &block.as_str()[texts],
                event.text_parts().0,
                "the ends written after are not its texts"
            );
            // The description's bytes are searchable, the bytes past the
            // texts are not.
            let length = event.text_parts().0.len();
            assert_eq!(event.searchable_range(length), None);
            if !case.description.is_empty() {
                let at = case.id.len() + case.title.len() + case.place.len();
                assert_eq!(event.searchable_range(at), Some(at..at + case.description.len()));
            }
        }
        // Read from a block shared with others (the event cache's): the
        // same, and the texts that do not fit are copied out of it.
        let shared = Event::in_one_block(&own);
        assert_eq!(shared, own);
        for event in &shared {
            let in_the_block = Arc::ptr_eq(event.text_block().0, shared[0].text_block().0);
            assert_eq!(in_the_block, !event.text.is_long());
        }
        // Laid out by a reader, then shared: the same again, the long ones
        // in blocks of their own and the others in one.
        let mut layout = TextLayout::default();
        let mut events: Vec<Event> = cases
            .iter()
            .map(|case| layout.event(&case.texts(&actors, &url), date("2021-04-22"), Coord::zero()))
            .collect();
        let ids: Vec<&str> = events.iter().map(|e| layout.id(e)).collect();
        assert_eq!(ids, cases.iter().map(|case| case.id.as_str()).collect::<Vec<_>>());
        layout.share(&mut events);
        assert_eq!(events, own);
        assert!(
            Arc::ptr_eq(events[0].text_block().0, events[7].text_block().0),
            "one block for those that fit"
        );
        // Shared by the set: those that fit in one block, one after the
        // other; the long ones keep theirs.
        let mut shared = own.clone();
        Event::share_texts(&mut shared);
        assert_eq!(shared, own);
        assert!(shared[0].texts_followed_by(&shared[7]));
        for (event, own) in shared.iter().zip(&own).filter(|(e, _)| e.text.is_long()) {
            assert!(Arc::ptr_eq(event.text_block().0, own.text_block().0));
        }
        let block = Arc::clone(shared[0].text_block().0);
        Event::share_texts(&mut shared);
        assert!(
            Arc::ptr_eq(&block, shared[7].text_block().0),
            "shared already: left as it is"
        );
    }

    #[test]
    fn texts_laid_out_become_one_block_the_events_share() {
        let titles = ["Drills near Rostov", "Колонна у Погоново", "Lights over the city"];
        let texts = |n: usize, id: &'static str| EventTexts {
            id,
            title: titles[n],
            place: (n == 1).then_some("Pogonovo"),
            actors: vec!["a", "b"],
            ..EventTexts::default()
        };
        let own: Vec<Event> = ["e0", "e1", "e2"]
            .iter()
            .enumerate()
            .map(|(n, id)| Event::new(&texts(n, id), date("2021-04-22"), Coord::zero()))
            .collect();
        let mut layout = TextLayout::default();
        let mut events = vec![layout.event(&texts(0, "e0"), date("2021-04-22"), Coord::zero())];
        // A record laid out, then rejected: its texts forgotten.
        let rejected_from = layout.len();
        layout.event(&texts(2, "dropped"), date("2021-04-22"), Coord::zero());
        layout.truncate(rejected_from);
        events.push(layout.event(&texts(1, "e1"), date("2021-04-22"), Coord::zero()));
        // An event with its own texts among them keeps them.
        events.push(own[2].clone());
        let ids: Vec<&str> = events.iter().map(|e| layout.id(e)).collect();
        assert_eq!(ids, ["e0", "e1", "e2"], "ids read before the texts are shared");
        assert_eq!(events[0].id(), "", "no texts until shared");
        layout.share(&mut events);
        assert_eq!(events, own, "every text as its own would be");
        assert!(events[0].texts_followed_by(&events[1]), "one after the other");
        assert!(Arc::ptr_eq(events[2].text_block().0, own[2].text_block().0));
        assert_eq!(
            events[0].text_block().0.len(),
            own[0].text_parts().0.len() + own[1].text_parts().0.len(),
            "nothing of the rejected record"
        );
    }

    #[test]
    fn scattered_texts_are_shared_and_texts_in_blocks_are_left_as_they_are() {
        let own: Vec<Event> = (0..640)
            .map(|n| {
                let (id, title) = (format!("e{n}"), format!("title {n}"));
                let texts = EventTexts {
                    id: &id,
                    title: &title,
                    ..EventTexts::default()
                };
                Event::new(&texts, date("2021-04-22"), Coord::zero())
            })
            .collect();
        let block_count = |events: &[Event]| {
            let blocks: Vec<*const Texts> = events.iter().map(|e| Arc::as_ptr(e.text_block().0)).collect();
            blocks.iter().collect::<std::collections::HashSet<_>>().len()
        };
        // One allocation an event: shared.
        let mut shared = own.clone();
        Event::share_scattered_texts(&mut shared);
        assert_eq!(shared, own, "every text as it was");
        assert_eq!(block_count(&shared), 1);
        // In blocks of 128, one after the other (as a file's reader leaves
        // them): kept.
        let mut blocked = own.clone();
        blocked.chunks_mut(128).for_each(Event::share_texts);
        let mut interleaved: Vec<Event> = (0..128)
            .flat_map(|k| blocked.iter().skip(k).step_by(128).cloned())
            .collect();
        let before: Vec<*const Texts> = interleaved
            .iter()
            .map(|e| Arc::as_ptr(e.text_block().0))
            .collect();
        Event::share_scattered_texts(&mut blocked);
        assert_eq!(block_count(&blocked), 5, "five blocks of 128 kept");
        // The same blocks interleaved, so that nearly every neighbour is in
        // another block: shared.
        Event::share_scattered_texts(&mut interleaved);
        assert_eq!(block_count(&interleaved), 1);
        assert_ne!(
            before,
            interleaved
                .iter()
                .map(|e| Arc::as_ptr(e.text_block().0))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn overlap_is_inclusive_and_uses_the_end_date() {
        let texts = EventTexts {
            id: "a",
            title: "t",
            ..Default::default()
        };
        let mut event = Event::new(&texts, date("2021-04-22"), Coord::zero());
        event.end_date = Some(date("2021-05-01"));
        let day = |s| date(s).day();
        assert!(
            event.overlaps_days(day("2021-05-01"), day("2021-05-03")),
            "ends on the first day"
        );
        assert!(
            event.overlaps_days(day("2021-04-01"), day("2021-04-22")),
            "starts on the last day"
        );
        assert!(
            event.overlaps_days(day("2021-04-25"), day("2021-04-26")),
            "inside"
        );
        assert!(!event.overlaps_days(day("2021-05-02"), day("2021-05-03")));
        assert_eq!(event.day_span(), (day("2021-04-22"), day("2021-05-01")));
        event.end_date = None;
        assert!(!event.overlaps_days(day("2021-04-23"), day("2021-04-30")));
    }
}
