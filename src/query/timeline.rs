//! Time: a histogram of events whose bins adapt to the span (days, weeks,
//! months, quarters or years, aligned to the calendar), and playback that
//! moves a date window through the span — a fixed-length window, or
//! everything up to now. Day numbers are UTC days since 1970-01-01.

use rayon::prelude::*;

use super::filter::EventColumns;
use crate::data::events::date::{civil_from_days, days_from_civil, monday_of};

/// At most this many bins: as fine as the span allows.
const MAX_BINS: i32 = 120;

/// How long a histogram bin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinSize {
    /// One day.
    Day,
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// January–March, April–June, ...
    Quarter,
    /// A calendar year.
    Year,
}

impl BinSize {
    /// The finest size giving at most [`MAX_BINS`] bins over `days` days.
    pub fn for_span(days: i32) -> Self {
        if days <= MAX_BINS {
            Self::Day
        } else if days <= MAX_BINS * 7 {
            Self::Week
        } else if days <= MAX_BINS * 30 {
            Self::Month
        } else if days <= MAX_BINS * 91 {
            Self::Quarter
        } else {
            Self::Year
        }
    }

    /// The first day of the bin holding `day`.
    pub fn start_of(self, day: i32) -> i32 {
        match self {
            Self::Day => day,
            Self::Week => monday_of(day),
            Self::Month | Self::Quarter | Self::Year => {
                let (year, month, _) = civil_from_days(day);
                let month = match self {
                    Self::Month => month,
                    Self::Quarter => (month - 1) / 3 * 3 + 1,
                    _ => 1,
                };
                days_from_civil(year, month, 1)
            }
        }
    }

    /// The first day of the bin after the one starting on `start`.
    pub fn next_start(self, start: i32) -> i32 {
        match self {
            Self::Day => start + 1,
            Self::Week => start + 7,
            Self::Month | Self::Quarter | Self::Year => {
                let (year, month, _) = civil_from_days(start);
                let step = match self {
                    Self::Month => 1,
                    Self::Quarter => 3,
                    _ => 12,
                };
                let index = i64::from(year) * 12 + i64::from(month - 1) + step;
                days_from_civil(index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1, 1)
            }
        }
    }

    /// The name of the size, for the timeline's caption.
    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }
}

/// One bar of the histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// First day of the bin.
    pub start: i32,
    /// Last day of the bin (inclusive).
    pub end: i32,
    /// Events dated to a day that start in it.
    pub count: usize,
    /// Events dated only to a week, month or year, each spread evenly over
    /// the days it stands for: the share of them falling in this bin.
    pub spread: f32,
    /// How many such events overlap the bin at all.
    pub coarse: usize,
}

impl Bin {
    /// The bar's height in events: dated ones plus the spread share.
    pub fn weight(&self) -> f32 {
        self.count as f32 + self.spread
    }
}

/// Events a task of [`Histogram::new`] counts (a million events make
/// sixteen tasks).
const HISTOGRAM_RUN: usize = 1 << 16;

/// Counts the event `index` of `columns`, dated to a week, month or year
/// (events dated to a day are counted in runs by [`Histogram::new`]), in
/// `bins` (empty bins, or some already counted), whose bin for each day
/// `bin_at` gives: one bin at a time over its span, each taking its days'
/// share.
fn count_coarse_event<'d>(
    bins: &mut [Bin],
    columns: &EventColumns,
    index: usize,
    bin_at: impl Fn(i32) -> Option<&'d u32>,
) {
    let (day, last_day) = columns.days(index);
    let share = 1.0 / (last_day - day + 1) as f32;
    let mut from = day;
    while from <= last_day {
        let Some(bin) = bin_at(from).and_then(|&n| bins.get_mut(n as usize)) else {
            from += 1;
            continue;
        };
        let to = bin.end.min(last_day);
        bin.spread += share * (to - from + 1) as f32;
        bin.coarse += 1;
        from = to + 1;
    }
}

/// Events over time: how many start in each bin of the span.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// First day of the first bin.
    pub first: i32,
    /// Last day of the last bin (inclusive).
    pub last: i32,
    /// The size of the bins.
    pub size: BinSize,
    /// The bins, in time order, covering `first..=last` without gaps.
    pub bins: Vec<Bin>,
}

impl Histogram {
    /// Counts, by start day, the events listed in `indices` over the span
    /// `extent` (first and last day, inclusive). An event dated only to a
    /// week, month or year is spread evenly over the bins its span overlaps.
    pub fn new(columns: &EventColumns, indices: &[u32], extent: (i32, i32)) -> Self {
        let (low, high) = (extent.0.min(extent.1), extent.0.max(extent.1));
        let size = BinSize::for_span(high - low + 1);
        let mut bins = Vec::new();
        let mut start = size.start_of(low);
        while start <= high {
            let next = size.next_start(start);
            bins.push(Bin {
                start,
                end: next - 1,
                count: 0,
                spread: 0.0,
                coarse: 0,
            });
            start = next;
        }
        // Bin of each day of the span, so each event costs a lookup.
        let first = bins.first().map_or(low, |b| b.start);
        let last = bins.last().map_or(high, |b| b.end);
        let mut bin_of_day = Vec::with_capacity((last - first + 1).max(0) as usize);
        for (n, bin) in bins.iter().enumerate() {
            bin_of_day.extend(std::iter::repeat_n(n as u32, (bin.end - bin.start + 1) as usize));
        }
        let bin_at = |day: i32| usize::try_from(day - first).ok().and_then(|d| bin_of_day.get(d));
        // Counted a run of events at a time on every core, each run into
        // bins of its own, which are then added up in the runs' order (so
        // the spread shares are summed alike every time).
        let counted: Vec<Vec<Bin>> = indices
            .par_chunks(HISTOGRAM_RUN)
            .map(|run| {
                let mut counts = bins.clone();
                // Events dated to a day come in runs of one bin (a set's
                // events are newest first by day): a run is counted in a
                // register and added to its bin when it ends.
                let mut same_bin: Option<(usize, i32, i32)> = None;
                let mut in_run = 0;
                for &index in run {
                    let index = index as usize;
                    let (day, _) = columns.days(index);
                    let coarse = columns.has_coarse_date(index);
                    if !coarse && same_bin.is_some_and(|(_, start, end)| day >= start && day <= end) {
                        in_run += 1;
                        continue;
                    }
                    if let Some(bin) = same_bin.take().and_then(|(n, _, _)| counts.get_mut(n)) {
                        bin.count += in_run;
                    }
                    in_run = 0;
                    if coarse {
                        count_coarse_event(&mut counts, columns, index, bin_at);
                    } else if let Some((n, bin)) =
                        bin_at(day).and_then(|&n| Some((n as usize, bins.get(n as usize)?)))
                    {
                        same_bin = Some((n, bin.start, bin.end));
                        in_run = 1;
                    }
                }
                if let Some(bin) = same_bin.and_then(|(n, _, _)| counts.get_mut(n)) {
                    bin.count += in_run;
                }
                counts
            })
            .collect();
        for counts in counted {
            for (bin, counted) in bins.iter_mut().zip(counts) {
                bin.count += counted.count;
                bin.spread += counted.spread;
                bin.coarse += counted.coarse;
            }
        }
        Self {
            first,
            last,
            size,
            bins,
        }
    }

    /// The tallest bin's height in events ([`Bin::weight`]).
    pub fn max_weight(&self) -> f32 {
        self.bins.iter().map(Bin::weight).fold(0.0, f32::max)
    }

    /// The bin holding `day`.
    pub fn bin_at(&self, day: i32) -> Option<&Bin> {
        let n = self.bins.partition_point(|b| b.end < day);
        self.bins.get(n).filter(|b| b.start <= day)
    }
}

/// How playback moves the date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PlayMode {
    /// A window of fixed length slides forward.
    Window,
    /// Everything from the start up to a moving day.
    Cumulative,
}

/// The user's playback choices (persisted).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PlaybackSettings {
    /// Window or cumulative.
    pub mode: PlayMode,
    /// Length of the window in days (window mode).
    pub window_days: i32,
    /// How many days pass per second of playback.
    pub days_per_second: f64,
    /// Start again from the beginning at the end.
    pub looping: bool,
}

impl Default for PlaybackSettings {
    fn default() -> Self {
        Self {
            mode: PlayMode::Window,
            window_days: 30,
            days_per_second: 30.0,
            looping: true,
        }
    }
}

/// Playback under way: where the moving edge is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    /// The moving day (the window's last day), fractional between frames.
    cursor: f64,
}

impl Playback {
    /// Starts playback over `extent` (first and last day): from the current
    /// range's end when there is one inside the span and not at its end, else
    /// from the beginning.
    pub fn start(settings: &PlaybackSettings, extent: (i32, i32), current: Option<(i32, i32)>) -> Self {
        let first_end = Self::first_end(settings, extent);
        let cursor = match current {
            Some((_, to)) if to >= first_end && to < extent.1 => to,
            _ => first_end,
        };
        Self {
            cursor: f64::from(cursor),
        }
    }

    /// The last day of the first range playback shows.
    fn first_end(settings: &PlaybackSettings, extent: (i32, i32)) -> i32 {
        match settings.mode {
            PlayMode::Window => (extent.0 + settings.window_days.max(1) - 1).min(extent.1),
            PlayMode::Cumulative => extent.0,
        }
    }

    /// The date range (inclusive) shown now.
    pub fn range(&self, settings: &PlaybackSettings, extent: (i32, i32)) -> (i32, i32) {
        let to = (self.cursor.floor() as i32).clamp(extent.0, extent.1);
        match settings.mode {
            PlayMode::Window => ((to - settings.window_days.max(1) + 1).max(extent.0), to),
            PlayMode::Cumulative => (extent.0, to),
        }
    }

    /// Moves on by `seconds` of wall time. Returns `false` when playback
    /// reached the end and stopped (it loops instead when asked to).
    pub fn advance(&mut self, settings: &PlaybackSettings, extent: (i32, i32), seconds: f64) -> bool {
        let step = settings.days_per_second.max(0.0) * seconds.max(0.0);
        self.cursor += step;
        if self.cursor < f64::from(extent.1 + 1) {
            return true;
        }
        if settings.looping {
            self.cursor = f64::from(Self::first_end(settings, extent));
            true
        } else {
            self.cursor = f64::from(extent.1);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{EventSetBuilder, RegionSet};

    fn day(text: &str) -> i32 {
        crate::data::EventDate::parse_iso(text).expect("date").day()
    }

    #[test]
    fn bin_sizes_follow_the_span_and_align_to_the_calendar() {
        assert_eq!(BinSize::for_span(30), BinSize::Day);
        assert_eq!(BinSize::for_span(365), BinSize::Week);
        assert_eq!(BinSize::for_span(3 * 365), BinSize::Month);
        assert_eq!(BinSize::for_span(10 * 365), BinSize::Quarter);
        assert_eq!(BinSize::for_span(40 * 365), BinSize::Year);
        // 2021-04-22 was a Thursday.
        assert_eq!(BinSize::Week.start_of(day("2021-04-22")), day("2021-04-19"));
        assert_eq!(BinSize::Week.start_of(day("2021-04-19")), day("2021-04-19"));
        assert_eq!(BinSize::Month.start_of(day("2021-04-22")), day("2021-04-01"));
        assert_eq!(BinSize::Quarter.start_of(day("2021-05-22")), day("2021-04-01"));
        assert_eq!(BinSize::Year.start_of(day("2021-05-22")), day("2021-01-01"));
        assert_eq!(BinSize::Month.next_start(day("2021-12-01")), day("2022-01-01"));
        assert_eq!(BinSize::Quarter.next_start(day("2021-10-01")), day("2022-01-01"));
        assert_eq!(BinSize::Month.next_start(day("2020-02-01")), day("2020-03-01"));
    }

    #[test]
    fn histogram_counts_each_event_once_in_its_start_bin() {
        let regions = RegionSet::bundled().expect("regions");
        let set = crate::data::EventSet::bundled(&regions).expect("sample");
        let columns = EventColumns::new(&set);
        let extent = columns.day_range().expect("events");
        let all: Vec<u32> = (0..set.len() as u32).collect();
        let histogram = Histogram::new(&columns, &all, extent);
        // Events dated to a day in their start bin; the others spread.
        let coarse = set.events().iter().filter(|e| e.date_is_coarse()).count();
        assert_eq!(
            histogram.bins.iter().map(|b| b.count).sum::<usize>(),
            set.len() - coarse
        );
        let weight: f32 = histogram.bins.iter().map(Bin::weight).sum();
        assert!((weight - set.len() as f32).abs() < 1e-3, "{weight}");
        assert!(histogram.bins.len() as i32 <= MAX_BINS);
        assert!(
            histogram.bins.windows(2).all(|w| w[0].end + 1 == w[1].start),
            "no gaps"
        );
        assert!(histogram.first <= extent.0 && histogram.last >= extent.1);
        // Seven years of sample: months; the 2021 order sits in April.
        assert_eq!(histogram.size, BinSize::Month);
        let q2 = histogram.bin_at(day("2021-04-22")).expect("bin");
        assert_eq!((q2.start, q2.end), (day("2021-04-01"), day("2021-04-30")));
        let in_q2 = set
            .events()
            .iter()
            .filter(|e| !e.date_is_coarse() && (q2.start..=q2.end).contains(&e.date.day()))
            .count();
        assert_eq!(q2.count, in_q2);

        let mut builder = EventSetBuilder::new(&regions);
        builder
            .add_reader(
                "d.json",
                None,
                br#"[{"title": "a", "date": "2021-04-22", "lat": 47, "lon": 39},
                    {"title": "b", "date": "2021-04-22T23:59:00Z", "lat": 47, "lon": 39},
                    {"title": "c", "date": "2021-04-24", "lat": 47, "lon": 39}]"#
                    .as_slice(),
                None,
            )
            .expect("loads");
        let (days, _) = builder.finish();
        let columns = EventColumns::new(&days);
        let histogram = Histogram::new(&columns, &[0, 1, 2], columns.day_range().expect("range"));
        assert_eq!(histogram.size, BinSize::Day);
        let counts: Vec<usize> = histogram.bins.iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 0, 1]);
    }

    #[test]
    fn a_long_list_is_counted_in_runs_that_add_up_to_the_whole() {
        let regions = RegionSet::bundled().expect("regions");
        let set = crate::data::EventSet::bundled(&regions).expect("sample");
        let columns = EventColumns::new(&set);
        let extent = columns.day_range().expect("events");
        let once: Vec<u32> = (0..set.len() as u32).collect();
        // Enough repeats of every event for several runs of HISTOGRAM_RUN.
        let repeats = 3 * HISTOGRAM_RUN / once.len() + 1;
        let many: Vec<u32> = once.iter().copied().cycle().take(repeats * once.len()).collect();
        assert!(many.len() > 3 * HISTOGRAM_RUN);
        let (one, all) = (
            Histogram::new(&columns, &once, extent),
            Histogram::new(&columns, &many, extent),
        );
        assert_eq!(all.bins.len(), one.bins.len());
        for (all, one) in all.bins.iter().zip(&one.bins) {
            assert_eq!((all.start, all.end), (one.start, one.end));
            assert_eq!(all.count, repeats * one.count);
            assert_eq!(all.coarse, repeats * one.coarse);
            let spread = repeats as f32 * one.spread;
            assert!(
                (all.spread - spread).abs() <= 1e-3 * spread.max(1.0),
                "{all:?} {one:?}"
            );
        }
        assert!(
            all.bins.iter().any(|b| b.spread > 0.0),
            "the sample has coarse dates"
        );
    }

    #[test]
    fn an_event_dated_to_a_week_is_spread_over_its_seven_days() {
        let regions = RegionSet::bundled().expect("regions");
        let mut builder = EventSetBuilder::new(&regions);
        builder
            .add_reader(
                "w.json",
                None,
                br#"[{"title": "week", "date": "2021-04-14", "date_precision": "week", "lat": 47, "lon": 39},
                    {"title": "day", "date": "2021-04-20", "lat": 47, "lon": 39}]"#
                    .as_slice(),
                None,
            )
            .expect("loads");
        let (set, _) = builder.finish();
        let columns = EventColumns::new(&set);
        // The week event covers Monday 12 to Sunday 18 April.
        assert_eq!(columns.day_range(), Some((day("2021-04-12"), day("2021-04-20"))));
        let all: Vec<u32> = (0..set.len() as u32).collect();
        let histogram = Histogram::new(&columns, &all, columns.day_range().expect("range"));
        assert_eq!(histogram.size, BinSize::Day);
        let spread: Vec<f32> = histogram.bins.iter().map(|b| b.spread).collect();
        for (n, share) in spread.iter().enumerate() {
            let expected = if n < 7 { 1.0 / 7.0 } else { 0.0 };
            assert!((share - expected).abs() < 1e-6, "day {n}: {share}");
        }
        let total: f32 = histogram.bins.iter().map(Bin::weight).sum();
        assert!((total - 2.0).abs() < 1e-5, "{total}");
        assert_eq!(histogram.bins.iter().map(|b| b.count).sum::<usize>(), 1);
        // In week bins the whole event falls in one bar.
        let weeks = Histogram::new(&columns, &all, (day("2021-01-04"), day("2021-06-27")));
        let bar = weeks.bin_at(day("2021-04-14")).expect("bin");
        assert!((bar.spread - 1.0).abs() < 1e-5 && bar.coarse == 1);
    }

    #[test]
    fn a_window_slides_to_the_end_then_loops_or_stops() {
        let extent = (100, 199);
        let mut settings = PlaybackSettings {
            mode: PlayMode::Window,
            window_days: 10,
            days_per_second: 20.0,
            looping: false,
        };
        let mut playback = Playback::start(&settings, extent, None);
        assert_eq!(playback.range(&settings, extent), (100, 109));
        assert!(playback.advance(&settings, extent, 0.5));
        assert_eq!(playback.range(&settings, extent), (110, 119));
        // Inclusive ends: the last window ends on the last day.
        assert!(playback.advance(&settings, extent, 4.0));
        assert_eq!(playback.range(&settings, extent), (190, 199));
        assert!(!playback.advance(&settings, extent, 0.1), "stops at the end");
        assert_eq!(playback.range(&settings, extent), (190, 199));

        settings.looping = true;
        let mut playback = Playback::start(&settings, extent, Some((150, 160)));
        assert_eq!(
            playback.range(&settings, extent),
            (151, 160),
            "continues from the current range"
        );
        assert!(playback.advance(&settings, extent, 2.0));
        assert_eq!(
            playback.range(&settings, extent),
            (100, 109),
            "loops to the start"
        );
    }

    #[test]
    fn cumulative_playback_grows_from_the_start() {
        let extent = (0, 9);
        let settings = PlaybackSettings {
            mode: PlayMode::Cumulative,
            days_per_second: 1.0,
            ..PlaybackSettings::default()
        };
        let mut playback = Playback::start(&settings, extent, None);
        assert_eq!(playback.range(&settings, extent), (0, 0));
        playback.advance(&settings, extent, 3.5);
        assert_eq!(playback.range(&settings, extent), (0, 3));
        // A window longer than the data shows all of it.
        let long = PlaybackSettings {
            window_days: 1000,
            ..PlaybackSettings::default()
        };
        assert_eq!(Playback::start(&long, extent, None).range(&long, extent), (0, 9));
    }
}
