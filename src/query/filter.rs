//! Which events are shown: a date range (inclusive, by UTC day; an event
//! with an end date is shown while it overlaps the range), categories,
//! regions and free text. The same [`EventFilter`] drives the map, the
//! lists, the counts, the choropleth and `borderwatch check`.

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::search::{event_matches, query_terms};
use crate::data::regions::border_distance::BorderMeasure;
use crate::data::{Categories, CategoryId, Event, EventSet, Precision, RegionSet};
use crate::geometry::area::{AreaTest, DrawnArea};

/// The name the region filter uses for events outside every tracked region.
pub const OUTSIDE: &str = "outside";
/// The name the region filter uses for notional events, which are in no
/// region and not outside either: their point says nothing of where.
pub const NOTIONAL: &str = "notional";

/// Which categories pass.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CategorySelection {
    /// Every category but these (lower-case names): what legend toggles make.
    AllExcept(BTreeSet<String>),
    /// Only these (lower-case names): what `--category` asks for.
    Only(BTreeSet<String>),
}

impl Default for CategorySelection {
    fn default() -> Self {
        Self::AllExcept(BTreeSet::new())
    }
}

impl CategorySelection {
    /// Whether the category with this name passes.
    pub fn passes(&self, name: &str) -> bool {
        let key = name.trim().to_lowercase();
        match self {
            Self::AllExcept(hidden) => !hidden.contains(&key),
            Self::Only(shown) => shown.contains(&key),
        }
    }

    /// Whether everything passes.
    pub fn is_all(&self) -> bool {
        matches!(self, Self::AllExcept(hidden) if hidden.is_empty())
    }
}

/// What the user narrowed the events down to. Plain state: persisted with the
/// session, compared, cleared.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EventFilter {
    /// First UTC day shown (days since 1970-01-01), inclusive.
    pub from_day: Option<i32>,
    /// Last UTC day shown, inclusive.
    pub to_day: Option<i32>,
    /// Which categories are shown.
    pub categories: CategorySelection,
    /// Region ids hidden ([`OUTSIDE`] for events outside every region,
    /// [`NOTIONAL`] for notional ones).
    pub hidden_regions: BTreeSet<String>,
    /// Only events located to a town or better: precision `exact`,
    /// `approximate` or not given (not `region` or `notional`).
    pub located_only: bool,
    /// Only events within this many metres of a border line (the state
    /// border or the de facto line), measured along the ellipsoid.
    pub near_border_m: Option<u32>,
    /// Only events whose point is inside this drawn area.
    pub area: Option<DrawnArea>,
    /// Free text: every whitespace-separated term must occur in the title,
    /// description, place, actors or sources, ignoring case.
    pub text: String,
}

impl EventFilter {
    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.from_day.is_none()
            && self.to_day.is_none()
            && self.categories.is_all()
            && self.hidden_regions.is_empty()
            && !self.located_only
            && self.near_border_m.is_none()
            && self.area.is_none()
            && self.text.trim().is_empty()
    }

    /// The same filter without its date range (for the timeline, which shows
    /// what the range is chosen from).
    pub fn without_dates(&self) -> Self {
        Self {
            from_day: None,
            to_day: None,
            ..self.clone()
        }
    }

    /// Shows or hides a category by name.
    pub fn toggle_category(&mut self, name: &str, all: &Categories) {
        let key = name.trim().to_lowercase();
        let shown = self.categories.passes(&key);
        let mut hidden: BTreeSet<String> = match &self.categories {
            CategorySelection::AllExcept(hidden) => hidden.clone(),
            CategorySelection::Only(_) => all
                .iter()
                .map(|(_, n)| n.to_lowercase())
                .filter(|n| !self.categories.passes(n))
                .collect(),
        };
        if shown {
            hidden.insert(key);
        } else {
            hidden.remove(&key);
        }
        self.categories = CategorySelection::AllExcept(hidden);
    }

    /// Shows or hides a region by id ([`OUTSIDE`] for the outside group).
    pub fn toggle_region(&mut self, id: &str) {
        if !self.hidden_regions.remove(id) {
            self.hidden_regions.insert(id.to_string());
        }
    }

    /// The filter ready to test events of a set with these categories and
    /// regions.
    pub fn compile(&self, categories: &Categories, regions: &RegionSet) -> CompiledFilter {
        let mut compiled = CompiledFilter {
            from_day: self.from_day.unwrap_or(i32::MIN),
            to_day: self.to_day.unwrap_or(i32::MAX),
            selection: self.categories.clone(),
            category_shown: Vec::new(),
            region_shown: regions
                .regions()
                .iter()
                .map(|r| !self.hidden_regions.contains(r.id.as_str()))
                .collect(),
            outside_shown: !self.hidden_regions.contains(OUTSIDE),
            notional_shown: !self.hidden_regions.contains(NOTIONAL),
            located_only: self.located_only,
            near_border_km: self.near_border_m.map(|m| m as f32 / 1000.0),
            border: self.near_border_m.map(|_| regions.border().clone()),
            area: self.area.as_ref().map(|a| std::sync::Arc::new(a.test())),
            terms: query_terms(&self.text),
        };
        compiled.learn_categories(categories);
        compiled
    }
}

/// An [`EventFilter`] resolved against the loaded categories and regions.
#[derive(Debug, Clone)]
pub struct CompiledFilter {
    from_day: i32,
    to_day: i32,
    selection: CategorySelection,
    category_shown: Vec<bool>,
    region_shown: Vec<bool>,
    outside_shown: bool,
    notional_shown: bool,
    located_only: bool,
    /// The near-border limit, in km.
    near_border_km: Option<f32>,
    /// What the slow path measures distances with, when there is a limit.
    border: Option<std::sync::Arc<BorderMeasure>>,
    /// The drawn area events must be inside.
    area: Option<std::sync::Arc<AreaTest>>,
    terms: Vec<String>,
}

impl CompiledFilter {
    /// Resolves categories added since compiling (a streaming load meets
    /// them as it goes).
    pub fn learn_categories(&mut self, categories: &Categories) {
        for (id, name) in categories.iter().skip(self.category_shown.len()) {
            debug_assert_eq!(usize::from(id.0), self.category_shown.len());
            self.category_shown.push(self.selection.passes(name));
        }
    }

    /// Whether the filter has free text (which the fast path answers with a
    /// [`super::SearchIndex`]).
    pub fn has_text(&self) -> bool {
        !self.terms.is_empty()
    }

    /// Whether the filter keeps only events near the border (which the fast
    /// path answers with each event's distance, [`crate::dataset::Dataset::border_km`]).
    pub fn has_near_border(&self) -> bool {
        self.near_border_km.is_some()
    }

    /// The drawn area events must be inside (which the fast path tests
    /// once per event, [`crate::dataset::area_hits`]).
    pub fn area(&self) -> Option<&AreaTest> {
        self.area.as_deref()
    }

    /// Whether an event `km` from the border passes the near-border limit.
    pub fn border_passes(&self, km: f32) -> bool {
        self.near_border_km.is_none_or(|limit| km <= limit)
    }

    /// Whether the category passes.
    pub fn category_passes(&self, category: CategoryId) -> bool {
        self.category_shown
            .get(usize::from(category.0))
            .copied()
            .unwrap_or(true)
    }

    /// Whether the region (by index; `None` outside) passes.
    pub fn region_passes(&self, region: Option<u32>) -> bool {
        match region {
            Some(index) => self.region_shown.get(index as usize).copied().unwrap_or(true),
            None => self.outside_shown,
        }
    }

    /// Whether an event passes the region and placement filters: its region
    /// group (a region, outside, or not placed when `notional`) is shown and,
    /// with "located only", it is `located`.
    pub fn place_passes(&self, region: Option<u32>, notional: bool, located: bool) -> bool {
        let group = if notional {
            self.notional_shown
        } else {
            self.region_passes(region)
        };
        group && (located || !self.located_only)
    }

    /// Whether the days `start..=end` overlap the date range.
    pub fn days_pass(&self, start: i32, end: i32) -> bool {
        start <= self.to_day && end >= self.from_day
    }

    /// Whether an event passes everything, free text included: the slow path
    /// of the headless check. [`FilteredEvents::compute`] agrees with it.
    pub fn matches(&self, event: &Event) -> bool {
        self.category_passes(event.category) && self.matches_except_category(event)
    }

    /// Whether an event passes the dates, regions and free text.
    pub fn matches_except_category(&self, event: &Event) -> bool {
        let (start, end) = event.day_span();
        self.days_pass(start, end)
            && self.place_passes(
                event.region(),
                event.is_notional(),
                Precision::is_located(event.precision()),
            )
            && self.near_border_passes(event)
            && self
                .area
                .as_ref()
                .is_none_or(|area| !event.is_notional() && area.contains(event.position))
            && event_matches(event, &self.terms)
    }

    /// Whether an event passes the near-border limit, measured now.
    fn near_border_passes(&self, event: &Event) -> bool {
        let (Some(limit), Some(border)) = (self.near_border_km, &self.border) else {
            return true;
        };
        // A notional event's point is a stand-in: it is near nothing.
        !event.is_notional()
            && border
                .nearest(event.position)
                .is_some_and(|n| (n.metres / 1000.0) as f32 <= limit)
    }
}

/// The few numbers per event that filtering reads, laid out for speed.
#[derive(Debug, Clone, Default)]
pub struct EventColumns {
    days: Vec<(i32, i32)>,
    category: Vec<CategoryId>,
    region: Vec<u32>,
    /// [`LOCATED`], [`NOTIONAL_EVENT`], [`COARSE_DATE`] and [`HAS_TROOPS`]
    /// per event.
    flags: Vec<u8>,
    /// Troops reported per event (0 when none; the build-up chart sums
    /// them without reading whole events).
    troops: Vec<u32>,
    /// First and last day of all events.
    day_range: Option<(i32, i32)>,
    /// Whether the events are newest first by start day (as an
    /// [`EventSet`] keeps them), so a date range is a run of them.
    newest_first: bool,
    /// The most days any event lasts beyond its first.
    longest: i32,
}

/// Marks "outside every region" in [`EventColumns`].
const NO_REGION: u32 = u32::MAX;
/// An event located to a town or better ([`Precision::is_located`]).
const LOCATED: u8 = 1;
/// An event whose point is only a stand-in (precision `notional`).
const NOTIONAL_EVENT: u8 = 2;
/// An event dated only to a week, month or year.
const COARSE_DATE: u8 = 4;
/// An event that reports a number of troops.
const HAS_TROOPS: u8 = 8;

impl EventColumns {
    /// Bytes these columns hold on the heap (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of_val;
        size_of_val(self.days.as_slice())
            + size_of_val(self.category.as_slice())
            + size_of_val(self.region.as_slice())
            + size_of_val(self.flags.as_slice())
            + size_of_val(self.troops.as_slice())
    }

    /// Columns for the events of `set`, in its order.
    pub fn new(set: &EventSet) -> Self {
        // One pass over the events (88 bytes each), on every core.
        #[allow(clippy::type_complexity)]
        let (days, (category, (region, (flags, troops)))): (
            Vec<(i32, i32)>,
            (Vec<CategoryId>, (Vec<u32>, (Vec<u8>, Vec<u32>))),
        ) = set
            .events()
            .par_iter()
            .map(|e| {
                let troops = e.troops().unwrap_or(0);
                let region = e.region().unwrap_or(NO_REGION);
                (e.day_span(), (e.category, (region, (event_flags(e), troops))))
            })
            .unzip();
        let first = days.iter().map(|d| d.0).min();
        let last = days.iter().map(|d| d.1).max();
        Self {
            day_range: first.zip(last),
            newest_first: days.windows(2).all(|w| w[0].0 >= w[1].0),
            longest: days.iter().map(|d| d.1 - d.0).max().unwrap_or(0),
            days,
            category,
            region,
            flags,
            troops,
        }
    }

    /// The events that may overlap the days `from..=to`: all of them, or
    /// when they are newest first, the run from the first starting by `to`
    /// to the last starting late enough to last until `from`.
    fn candidates(&self, from: i32, to: i32) -> std::ops::Range<usize> {
        if !self.newest_first {
            return 0..self.days.len();
        }
        let first = self.days.partition_point(|d| d.0 > to);
        let earliest = from.saturating_sub(self.longest);
        let end = self.days.partition_point(|d| d.0 >= earliest);
        first..end.max(first)
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// First and last day of all events.
    pub fn day_range(&self) -> Option<(i32, i32)> {
        self.day_range
    }

    /// An event's first and last day.
    pub fn days(&self, index: usize) -> (i32, i32) {
        self.days.get(index).copied().unwrap_or_default()
    }

    /// The category of the event at `index`.
    pub fn category(&self, index: usize) -> CategoryId {
        self.category.get(index).copied().unwrap_or(CategoryId(u16::MAX))
    }

    /// An event's region (`None` outside, and for notional events).
    pub fn region(&self, index: usize) -> Option<u32> {
        self.region.get(index).copied().filter(|&r| r != NO_REGION)
    }

    /// Whether the event's point is only a stand-in (precision `notional`).
    pub fn is_notional(&self, index: usize) -> bool {
        self.flag(index, NOTIONAL_EVENT)
    }

    /// Whether the event is dated only to a week, month or year.
    pub fn has_coarse_date(&self, index: usize) -> bool {
        self.flag(index, COARSE_DATE)
    }

    /// The troops the event reports, if it does (at most `u32::MAX`).
    pub fn troops(&self, index: usize) -> Option<u32> {
        if self.flag(index, HAS_TROOPS) {
            self.troops.get(index).copied()
        } else {
            None
        }
    }

    /// The troops the event reports (0 when none) and whether it reports
    /// any, read without a branch on the latter (for sums over many events).
    pub fn troops_or_zero(&self, index: usize) -> (u32, bool) {
        (
            self.troops.get(index).copied().unwrap_or(0),
            self.flag(index, HAS_TROOPS),
        )
    }

    fn flag(&self, index: usize, flag: u8) -> bool {
        self.flags.get(index).is_some_and(|f| f & flag != 0)
    }
}

/// The [`EventColumns`] flags of an event.
fn event_flags(event: &Event) -> u8 {
    let mut flags = 0;
    if Precision::is_located(event.precision()) {
        flags |= LOCATED;
    }
    if event.is_notional() {
        flags |= NOTIONAL_EVENT;
    }
    if event.date_is_coarse() {
        flags |= COARSE_DATE;
    }
    if event.troops().is_some() {
        flags |= HAS_TROOPS;
    }
    flags
}

/// The events that pass a filter, with the counts the panels show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilteredEvents {
    /// One flag per event of the set.
    pub shown: Vec<bool>,
    /// Indices of the events shown, ascending (newest first).
    pub indices: Vec<u32>,
    /// Events shown per region, by region index.
    pub region_counts: Vec<usize>,
    /// Events shown outside every region.
    pub outside: usize,
    /// Notional events shown: in no region and not outside either.
    pub notional: usize,
    /// `shown` without the notional events, which the map leaves out unless
    /// asked; `None` when no notional event is shown.
    pub placed_shown: Option<Vec<bool>>,
    /// Per category id: events that pass everything but the category
    /// filter (what the legend says a toggle would show).
    pub category_counts: Vec<usize>,
    /// Events in the set.
    pub total: usize,
}

impl FilteredEvents {
    fn empty(total: usize, regions: usize, categories: usize) -> Self {
        Self {
            shown: vec![false; total],
            indices: Vec::new(),
            region_counts: vec![0; regions],
            outside: 0,
            notional: 0,
            placed_shown: None,
            category_counts: vec![0; categories],
            total,
        }
    }

    /// Applies `filter` to the columns; `masks` (one flag per event each:
    /// a [`super::SearchIndex`]'s hits for the free text, the events inside
    /// a drawn area) must all be set for an event to pass, and `border_km`
    /// (each event's distance to the border) answers the near-border limit.
    pub fn compute(
        columns: &EventColumns,
        filter: &CompiledFilter,
        masks: &[&[bool]],
        border_km: Option<&[f32]>,
        regions: usize,
        categories: usize,
    ) -> Self {
        // Only the events that may be in the date range are tested. Each
        // task tests a run of them, setting their flags in place; the runs'
        // indices and counts are joined in order.
        let chunk = 1 << 16;
        let mut shown = vec![false; columns.len()];
        let candidates = columns.candidates(filter.from_day, filter.to_day);
        let base = candidates.start;
        let parts: Vec<Self> = shown[candidates]
            .par_chunks_mut(chunk)
            .enumerate()
            .map(|(n, flags)| {
                let first = base + n * chunk;
                let mut part = Self::empty(0, regions, categories);
                for (offset, flag) in flags.iter_mut().enumerate() {
                    let index = first + offset;
                    let (start, end) = columns.days[index];
                    let region = columns.region[index];
                    let region = (region != NO_REGION).then_some(region);
                    let flags = columns.flags[index];
                    if !filter.days_pass(start, end)
                        || !filter.place_passes(region, flags & NOTIONAL_EVENT != 0, flags & LOCATED != 0)
                        || masks
                            .iter()
                            .any(|mask| !mask.get(index).copied().unwrap_or(false))
                        || border_km.is_some_and(|km| {
                            !filter.border_passes(km.get(index).copied().unwrap_or(f32::INFINITY))
                        })
                    {
                        continue;
                    }
                    let passes = filter.category_passes(columns.category[index]);
                    *flag = part.add(columns, index, passes);
                }
                part
            })
            .collect();
        let mut all = Self::empty(0, regions, categories);
        all.shown = shown;
        all.total = columns.len();
        all.indices = Vec::with_capacity(parts.iter().map(|p| p.indices.len()).sum());
        for part in parts {
            all.indices.extend(part.indices);
            for (total, count) in all.region_counts.iter_mut().zip(part.region_counts) {
                *total += count;
            }
            all.outside += part.outside;
            all.notional += part.notional;
            for (total, count) in all.category_counts.iter_mut().zip(part.category_counts) {
                *total += count;
            }
        }
        if all.notional > 0 {
            let placed = all.shown.iter().zip(&columns.flags);
            all.placed_shown = Some(placed.map(|(&s, &f)| s && f & NOTIONAL_EVENT == 0).collect());
        }
        all
    }

    /// The flags of the events the map draws: all those shown, or all but
    /// the notional ones.
    pub fn on_map(&self, with_notional: bool) -> &[bool] {
        match &self.placed_shown {
            Some(placed) if !with_notional => placed,
            _ => &self.shown,
        }
    }

    /// Counts an event that passed all but the category filter, and keeps it
    /// when that passes too. Returns whether it is kept.
    fn add(&mut self, columns: &EventColumns, index: usize, category_passes: bool) -> bool {
        let category = usize::from(columns.category[index].0);
        if let Some(count) = self.category_counts.get_mut(category) {
            *count += 1;
        }
        if !category_passes {
            return false;
        }
        self.indices.push(index as u32);
        if columns.flags[index] & NOTIONAL_EVENT != 0 {
            self.notional += 1;
            return true;
        }
        match self.region_counts.get_mut(columns.region[index] as usize) {
            Some(count) => *count += 1,
            None => self.outside += 1,
        }
        true
    }

    /// How many events are shown.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// Whether the event at `index` is shown.
    pub fn is_shown(&self, index: usize) -> bool {
        self.shown.get(index).copied().unwrap_or(false)
    }

    /// The shown events in a region (`None`: outside), newest first;
    /// notional events are in none.
    pub fn in_region<'a>(
        &'a self,
        columns: &'a EventColumns,
        region: Option<u32>,
    ) -> impl Iterator<Item = usize> + 'a {
        self.indices
            .iter()
            .map(|&i| i as usize)
            .filter(move |&i| columns.region(i) == region && !columns.is_notional(i))
    }

    /// The shown notional events, newest first.
    pub fn notional_events<'a>(&'a self, columns: &'a EventColumns) -> impl Iterator<Item = usize> + 'a {
        self.indices
            .iter()
            .map(|&i| i as usize)
            .filter(move |&i| columns.is_notional(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RegionSet;
    use crate::query::SearchIndex;
    use crate::query::km_text;

    fn regions() -> RegionSet {
        RegionSet::bundled().expect("regions")
    }

    fn sample(regions: &RegionSet) -> EventSet {
        let json = r#"[
          {"id": "r1", "title": "Drill in Rostov", "date": "2021-04-10", "category": "drill", "lat": 47.23, "lon": 39.72},
          {"id": "r2", "title": "Order", "date": "2021-04-22", "end_date": "2021-05-01", "category": "withdrawal", "lat": 47.23, "lon": 39.72},
          {"id": "b1", "title": "Drill in Belgorod", "date": "2021-04-22", "category": "drill", "lat": 50.6, "lon": 36.59},
          {"id": "o1", "title": "Statement in Kyiv", "date": "2021-04-23", "category": "statement", "lat": 50.45, "lon": 30.52},
          {"id": "x1", "title": "Odd one", "date": "2021-05-02", "category": "Sightings", "lat": 47.23, "lon": 39.72}
        ]"#;
        load(regions, json)
    }

    /// The events of a JSON event file.
    fn load(regions: &RegionSet, json: &str) -> EventSet {
        crate::data::events::set::set_from_json(regions, "f.json", json)
    }

    fn day(text: &str) -> i32 {
        crate::data::EventDate::parse_iso(text).expect("date").day()
    }

    fn ids(set: &EventSet, filtered: &FilteredEvents) -> Vec<String> {
        filtered
            .indices
            .iter()
            .map(|&i| set.events()[i as usize].id().to_string())
            .collect()
    }

    fn apply(set: &EventSet, regions: &RegionSet, filter: &EventFilter) -> FilteredEvents {
        let columns = EventColumns::new(set);
        let compiled = filter.compile(set.categories(), regions);
        let hits = compiled
            .has_text()
            .then(|| SearchIndex::new(set).search(set, &filter.text));
        let border = compiled
            .has_near_border()
            .then(|| crate::dataset::border_distances_km(set, regions));
        let inside = compiled.area().map(|area| crate::dataset::area_hits(set, area));
        let masks: Vec<&[bool]> = hits.iter().chain(&inside).map(Vec::as_slice).collect();
        let fast = FilteredEvents::compute(
            &columns,
            &compiled,
            &masks,
            border.as_deref(),
            regions.regions().len(),
            set.categories().len(),
        );
        // The slow path of the headless check agrees on every event.
        let slow: Vec<bool> = set.events().iter().map(|e| compiled.matches(e)).collect();
        assert_eq!(fast.shown, slow, "{filter:?}");
        fast
    }

    /// Events of known and unknown precision: a week-dated drill, a
    /// region-level one, a Kremlin statement (notional, about nothing) and a
    /// policy about Crimea (notional).
    fn uncertain(regions: &RegionSet) -> EventSet {
        load(
            regions,
            r#"[
          {"id": "exact", "title": "Shelling at Shebekino", "date": "2021-04-20", "lat": 50.41, "lon": 36.89, "precision": "exact"},
          {"id": "town", "title": "Drill near Valuyki", "date": "2021-04-14", "date_precision": "week", "lat": 50.21, "lon": 38.10, "precision": "approximate"},
          {"id": "oblast", "title": "Drills in the oblast", "date": "2021-04-01", "date_precision": "month", "lat": 50.6, "lon": 36.59, "region": "belgorod", "precision": "region"},
          {"id": "kremlin", "title": "Troops are leaving", "date": "2021-04-22", "category": "statement", "lat": 55.75, "lon": 37.62, "precision": "notional"},
          {"id": "policy", "title": "Sanctions over Crimea", "date": "2021-04-22", "lat": 50.84, "lon": 4.38, "region": "crimea", "precision": "notional"}
        ]"#,
        )
    }

    #[test]
    fn notional_events_count_in_no_region_and_not_outside() {
        let regions = regions();
        let set = uncertain(&regions);
        let filtered = apply(&set, &regions, &EventFilter::default());
        let belgorod = regions.index_of("belgorod").expect("belgorod");
        let crimea = regions.index_of("crimea").expect("crimea");
        assert_eq!(filtered.region_counts[belgorod], 3);
        assert_eq!(
            filtered.region_counts[crimea], 0,
            "the policy is about Crimea, not in it"
        );
        assert_eq!(
            filtered.outside, 0,
            "the Kremlin statement is not an event outside"
        );
        assert_eq!(filtered.notional, 2);
        let columns = EventColumns::new(&set);
        let in_crimea: Vec<usize> = filtered.in_region(&columns, Some(crimea as u32)).collect();
        assert!(in_crimea.is_empty());
        assert_eq!(filtered.notional_events(&columns).count(), 2);
        // The map leaves them out unless asked; the lists keep them.
        let on_map = filtered.on_map(false).iter().filter(|&&s| s).count();
        assert_eq!(on_map, 3);
        assert_eq!(filtered.on_map(true).iter().filter(|&&s| s).count(), 5);
        // Their own group in the region filter.
        let mut filter = EventFilter::default();
        filter.toggle_region(NOTIONAL);
        let without = apply(&set, &regions, &filter);
        assert_eq!((without.len(), without.notional), (3, 0));
    }

    #[test]
    fn near_border_keeps_the_events_within_the_distance_on_either_side() {
        let regions = regions();
        // Hrabovske (Ukraine, ~0.45 km from the line), Shebekino (~6.5 km),
        // Belgorod (~36 km), Kharkiv (~32 km, Ukraine), Moscow (~450 km).
        let set = load(
            &regions,
            r#"[
          {"id": "hrabovske", "title": "a", "date": "2021-04-22", "lat": 50.6984, "lon": 35.4544},
          {"id": "shebekino", "title": "b", "date": "2021-04-22", "lat": 50.4077, "lon": 36.8932},
          {"id": "belgorod", "title": "c", "date": "2021-04-22", "lat": 50.5954, "lon": 36.5873},
          {"id": "kharkiv", "title": "d", "date": "2021-04-22", "lat": 49.9935, "lon": 36.2304},
          {"id": "moscow", "title": "e", "date": "2021-04-22", "lat": 55.7558, "lon": 37.6173},
          {"id": "said", "title": "f", "date": "2021-04-22", "lat": 50.6984, "lon": 35.4544, "precision": "notional"}
        ]"#,
        );
        let within = |metres: u32| {
            let filter = EventFilter {
                near_border_m: Some(metres),
                ..EventFilter::default()
            };
            let mut kept = ids(&set, &apply(&set, &regions, &filter));
            kept.sort();
            kept
        };
        // The notional one at Hrabovske's point is near nothing.
        assert_eq!(within(1_000), ["hrabovske"]);
        assert_eq!(within(10_000), ["hrabovske", "shebekino"]);
        assert_eq!(within(50_000), ["belgorod", "hrabovske", "kharkiv", "shebekino"]);
        assert_eq!(within(1_000_000).len(), 5);
        assert_eq!(apply(&set, &regions, &EventFilter::default()).len(), 6);
        let filter = EventFilter {
            near_border_m: Some(2_500),
            ..EventFilter::default()
        };
        assert_eq!(filter.describe(), "within 2.5 km of the border");
        assert_eq!(km_text(10_000), "10 km");
    }

    #[test]
    fn a_drawn_area_keeps_the_events_whose_point_is_inside() {
        use crate::geometry::area::DrawnArea;
        use geo::Coord;
        let regions = regions();
        let set = uncertain(&regions);
        let c = |x, y| Coord { x, y };
        let kept = |area: DrawnArea| {
            let filter = EventFilter {
                area: Some(area),
                ..EventFilter::default()
            };
            let mut kept = ids(&set, &apply(&set, &regions, &filter));
            kept.sort();
            (kept, filter.describe())
        };
        // A triangle around Shebekino and the oblast's stand-in point, not
        // Valuyki; the Kremlin statement's point is far away anyway.
        let (inside, words) = kept(DrawnArea::Polygon(vec![
            c(36.3, 50.3),
            c(37.2, 50.3),
            c(36.6, 50.9),
        ]));
        assert_eq!(inside, ["exact", "oblast"]);
        assert!(words.starts_with("inside the polygon of 3 points, "), "{words}");
        // 20 km around Valuyki holds the week-dated drill only.
        let (inside, words) = kept(DrawnArea::Circle {
            centre: c(38.10, 50.21),
            radius_m: 20_000.0,
        });
        assert_eq!(inside, ["town"]);
        assert!(
            words.starts_with("inside the circle of 20 km around 50.21° N 38.10° E, 1,25"),
            "{words}"
        );
        // A notional event is inside no area, even around its stand-in point.
        let (inside, _) = kept(DrawnArea::Circle {
            centre: c(4.38, 50.84),
            radius_m: 50_000.0,
        });
        assert!(inside.is_empty());
    }

    #[test]
    fn located_only_keeps_town_level_or_better() {
        let regions = regions();
        let set = uncertain(&regions);
        let filter = EventFilter {
            located_only: true,
            ..EventFilter::default()
        };
        let mut kept = ids(&set, &apply(&set, &regions, &filter));
        kept.sort();
        assert_eq!(kept, ["exact", "town"]);
        assert!(filter.describe().contains("located"));
        assert!(!filter.is_empty());
    }

    #[test]
    fn coarse_dates_overlap_a_range_when_any_day_of_their_span_does() {
        let regions = regions();
        let set = uncertain(&regions);
        let range = |from: &str, to: &str| {
            let filter = EventFilter {
                from_day: Some(day(from)),
                to_day: Some(day(to)),
                ..EventFilter::default()
            };
            let mut kept = ids(&set, &apply(&set, &regions, &filter));
            kept.sort();
            kept
        };
        // The week of 12 April reaches Sunday the 18th; the month all of April.
        assert_eq!(range("2021-04-18", "2021-04-18"), ["oblast", "town"]);
        assert_eq!(range("2021-04-12", "2021-04-12"), ["oblast", "town"]);
        assert_eq!(range("2021-04-19", "2021-04-19"), ["oblast"]);
        assert_eq!(range("2021-04-30", "2021-05-03"), ["oblast"]);
        assert!(range("2021-05-01", "2021-05-31").is_empty());
        assert_eq!(range("2021-03-01", "2021-04-11"), ["oblast"]);
    }

    #[test]
    fn date_ranges_are_inclusive_and_lasting_events_show_while_they_overlap() {
        let regions = regions();
        let set = sample(&regions);
        let mut filter = EventFilter {
            from_day: Some(day("2021-04-23")),
            to_day: Some(day("2021-05-01")),
            ..EventFilter::default()
        };
        assert_eq!(ids(&set, &apply(&set, &regions, &filter)), ["o1", "r2"]);
        filter.from_day = Some(day("2021-05-01"));
        assert_eq!(
            ids(&set, &apply(&set, &regions, &filter)),
            ["r2"],
            "ends on the first day"
        );
        filter.from_day = None;
        filter.to_day = Some(day("2021-04-10"));
        assert_eq!(
            ids(&set, &apply(&set, &regions, &filter)),
            ["r1"],
            "starts on the last day"
        );
    }

    #[test]
    fn categories_regions_and_text_combine_and_counts_follow() {
        let regions = regions();
        let set = sample(&regions);
        let rostov = regions.index_of("rostov").expect("rostov");
        let all = apply(&set, &regions, &EventFilter::default());
        assert_eq!(all.len(), 5);
        assert_eq!(all.region_counts[rostov], 3);
        assert_eq!(all.outside, 1);

        let mut filter = EventFilter::default();
        filter.toggle_category("Drill", set.categories());
        let no_drills = apply(&set, &regions, &filter);
        assert_eq!(ids(&set, &no_drills), ["x1", "o1", "r2"]);
        let drill = crate::data::CategoryId::known(crate::data::EventCategory::Drill);
        assert_eq!(
            no_drills.category_counts[usize::from(drill.0)],
            2,
            "the legend still counts them"
        );
        assert_eq!(no_drills.region_counts[rostov], 2);

        filter.toggle_region(OUTSIDE);
        assert_eq!(ids(&set, &apply(&set, &regions, &filter)), ["x1", "r2"]);
        filter.text = "ODD".into();
        assert_eq!(ids(&set, &apply(&set, &regions, &filter)), ["x1"]);
        assert!(!filter.is_empty());
        assert_eq!(
            filter.describe(),
            "1 category hidden, 1 region group hidden, \"ODD\""
        );

        let only = EventFilter {
            categories: CategorySelection::Only(["sightings".to_string(), "statement".to_string()].into()),
            ..EventFilter::default()
        };
        assert_eq!(ids(&set, &apply(&set, &regions, &only)), ["x1", "o1"]);
        let mut toggled = only.clone();
        toggled.toggle_category("statement", set.categories());
        assert_eq!(ids(&set, &apply(&set, &regions, &toggled)), ["x1"]);
    }

    #[test]
    fn many_events_are_filtered_in_parallel_runs_joined_in_order() {
        let regions = regions();
        let records: Vec<String> = (0..140_000)
            .map(|i| {
                let (lat, lon) = if i % 2 == 0 { (47.23, 39.72) } else { (50.45, 30.52) };
                format!(
                    r#"{{"id": "e{i}", "title": "t", "date": "2020-{:02}-{:02}", "category": "{}", "lat": {lat}, "lon": {lon}}}"#,
                    1 + i % 12,
                    1 + i % 28,
                    ["drill", "strike", "statement"][i % 3]
                )
            })
            .collect();
        let set = load(&regions, &format!("[{}]", records.join(",")));
        let mut filter = EventFilter {
            from_day: Some(day("2020-03-01")),
            to_day: Some(day("2020-06-30")),
            ..EventFilter::default()
        };
        filter.toggle_category("strike", set.categories());
        // `apply` checks every flag against the slow path.
        let filtered = apply(&set, &regions, &filter);
        let in_dates = set
            .events()
            .iter()
            .filter(|e| e.overlaps_days(day("2020-03-01"), day("2020-06-30")))
            .count();
        assert!(in_dates > 40_000, "{in_dates}");
        assert!(
            filtered.len() > 20_000 && filtered.len() < in_dates,
            "{}",
            filtered.len()
        );
        assert!(filtered.indices.windows(2).all(|w| w[0] < w[1]), "ascending");
        assert!(filtered.indices.iter().all(|&i| filtered.shown[i as usize]));
        assert_eq!(filtered.shown.iter().filter(|s| **s).count(), filtered.len());
        assert_eq!(filtered.total, set.len());
        assert_eq!(
            filtered.region_counts.iter().sum::<usize>() + filtered.outside,
            filtered.len()
        );
        assert_eq!(filtered.category_counts.iter().sum::<usize>(), in_dates);
        // Only a run of the events, newest first, was tested for the dates.
        let columns = EventColumns::new(&set);
        let (from, to) = (day("2020-03-01"), day("2020-06-30"));
        let run = columns.candidates(from, to);
        assert!(run.len() < set.len() / 2, "{run:?}");
        assert!((0..set.len()).filter(|i| !run.contains(i)).all(|i| {
            let (start, end) = columns.days(i);
            start > to || end < from
        }));
        assert_eq!(columns.candidates(i32::MIN, i32::MAX), 0..set.len());
    }

    #[test]
    fn region_lists_are_newest_first() {
        let regions = regions();
        let set = sample(&regions);
        let columns = EventColumns::new(&set);
        let all = apply(&set, &regions, &EventFilter::default());
        let rostov = regions.index_of("rostov").map(|i| i as u32);
        let listed: Vec<&str> = all
            .in_region(&columns, rostov)
            .map(|i| set.events()[i].id())
            .collect();
        assert_eq!(listed, ["x1", "r2", "r1"]);
        let outside: Vec<&str> = all
            .in_region(&columns, None)
            .map(|i| set.events()[i].id())
            .collect();
        assert_eq!(outside, ["o1"]);
        assert_eq!(columns.day_range(), Some((day("2021-04-10"), day("2021-05-02"))));
    }
}
