//! How activity built up: a list of events counted per Monday–Sunday week
//! and per category colour slot, with the troops they report summed per
//! week. The side panel's build-up chart draws it.

use rayon::prelude::*;

use super::EventColumns;
use crate::data::CategoryId;
use crate::data::events::date::monday_of;

/// One week of a [`BuildUp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Week {
    /// The Monday (days since 1970-01-01).
    pub start: i32,
    /// Events starting in the week, by category slot ([`CategoryId::slot`]).
    pub by_slot: [u32; CategoryId::SLOTS],
    /// The troops the week's events report, summed (events with no figure
    /// add nothing).
    pub troops: u64,
    /// How many of the week's events report troops.
    pub with_troops: u32,
}

impl Week {
    /// Events starting in the week.
    pub fn count(&self) -> u32 {
        self.by_slot.iter().sum()
    }
}

/// Events per week from the first event's week to the last's, no week
/// left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildUp {
    /// The weeks, in time order.
    pub weeks: Vec<Week>,
    /// The busiest week's count.
    pub max_count: u32,
    /// The largest weekly troop sum.
    pub max_troops: u64,
}

impl BuildUp {
    /// Counts the events at `indices` of the `columns`
    /// by the week their span starts in (an event dated to a week or a
    /// month is counted in the week its span starts), on all cores.
    pub fn new(columns: &EventColumns, indices: &[u32]) -> Self {
        // Counted over the weeks of all the columns' events, in one pass,
        // then cut to the first and last week holding any of these.
        let Some((first, last)) = columns
            .day_range()
            .map(|(first, last)| (monday_of(first), monday_of(last)))
        else {
            return Self::default();
        };
        let count = ((last - first) / 7 + 1).max(0) as usize;
        let weeks = indices
            .par_chunks(1 << 15)
            .fold(
                || vec![Week::default(); count],
                |mut weeks, chunk| {
                    let mut tally = Tally::default();
                    for &i in chunk {
                        let (day, _) = columns.days(i as usize);
                        if !tally.holds(day) {
                            tally.flush(&mut weeks);
                            tally = Tally::of_week(day, first);
                        }
                        tally.add(columns, i as usize);
                    }
                    tally.flush(&mut weeks);
                    weeks
                },
            )
            .reduce(|| vec![Week::default(); count], add_weeks);
        let (Some(from), Some(to)) = (
            weeks.iter().position(|w| w.count() > 0),
            weeks.iter().rposition(|w| w.count() > 0),
        ) else {
            return Self::default();
        };
        let first = first + 7 * from as i32;
        let mut weeks = weeks[from..=to].to_vec();
        for (n, week) in weeks.iter_mut().enumerate() {
            week.start = first + 7 * n as i32;
        }
        let max_count = weeks.iter().map(Week::count).max().unwrap_or(0);
        let max_troops = weeks.iter().map(|w| w.troops).max().unwrap_or(0);
        Self {
            weeks,
            max_count,
            max_troops,
        }
    }

    /// The week holding `day`, if the chart spans it.
    pub fn week_of(&self, day: i32) -> Option<&Week> {
        let first = self.weeks.first()?.start;
        let at = (day - first).div_euclid(7);
        usize::try_from(at).ok().and_then(|at| self.weeks.get(at))
    }

    /// Events counted over all weeks.
    pub fn total(&self) -> u64 {
        self.weeks.iter().map(|w| u64::from(w.count())).sum()
    }
}

/// The counts of a run of events in one week, kept in registers until the
/// run ends: a set's events are newest first by day, so the events shown
/// come in runs of the same week. Against each event counted into its
/// week in memory, with a saturating add of its troops, 1M events took
/// 3.0–3.8 ms against 4.4–5.2 ms (`cargo bench --bench million --
/// summaries/1M/buildup`, two runs each, alternated, 5 December); most of
/// it came from summing a run's troops with a plain add.
#[derive(Default)]
struct Tally {
    /// The week's Monday and the index of its [`Week`]; `None` before the
    /// first event and for events outside the weeks counted.
    week: Option<(i32, usize)>,
    /// Events per category slot, 8 bits a slot (one for each of the
    /// [`CategoryId::SLOTS`]), moved to `by_slot` before a lane can overflow.
    lanes: u64,
    /// Events counted in `lanes`.
    in_lanes: u32,
    by_slot: [u32; CategoryId::SLOTS],
    troops: u64,
    with_troops: u32,
}

/// Events `lanes` may hold before one of its 8-bit lanes could overflow.
const LANE_LIMIT: u32 = u8::MAX as u32;

const _: () = assert!(CategoryId::SLOTS * 8 <= u64::BITS as usize);

impl Tally {
    /// The week holding `day` among the weeks from the Monday `first`.
    fn of_week(day: i32, first: i32) -> Self {
        let monday = monday_of(day);
        Self {
            week: usize::try_from((monday - first) / 7)
                .ok()
                .filter(|_| monday >= first)
                .map(|n| (monday, n)),
            ..Self::default()
        }
    }

    /// Whether `day` is in this tally's week.
    fn holds(&self, day: i32) -> bool {
        self.week
            .is_some_and(|(monday, _)| day >= monday && day - monday < 7)
    }

    /// Counts the event at `index`, when the tally is of a week.
    fn add(&mut self, columns: &EventColumns, index: usize) {
        if self.week.is_none() {
            return;
        }
        self.lanes += 1 << (8 * columns.category(index).slot());
        self.in_lanes += 1;
        if self.in_lanes == LANE_LIMIT {
            self.empty_lanes();
        }
        // A run's events are at most a chunk's, each with at most
        // `u32::MAX` troops: their sum cannot overflow (the week's can).
        let (troops, reported) = columns.troops_or_zero(index);
        self.troops += u64::from(troops);
        self.with_troops += u32::from(reported);
    }

    fn empty_lanes(&mut self) {
        for (slot, count) in self.by_slot.iter_mut().enumerate() {
            *count += ((self.lanes >> (8 * slot)) & 0xff) as u32;
        }
        self.lanes = 0;
        self.in_lanes = 0;
    }

    /// Adds the counts to their week in `weeks` (none when it is not one of them).
    fn flush(&mut self, weeks: &mut [Week]) {
        self.empty_lanes();
        let Some(week) = self.week.and_then(|(_, n)| weeks.get_mut(n)) else {
            return;
        };
        for (total, count) in week.by_slot.iter_mut().zip(self.by_slot) {
            *total += count;
        }
        week.troops = week.troops.saturating_add(self.troops);
        week.with_troops += self.with_troops;
    }
}

/// Two runs' counts of the same weeks, added.
fn add_weeks(mut a: Vec<Week>, b: Vec<Week>) -> Vec<Week> {
    for (x, y) in a.iter_mut().zip(b) {
        for (slot, n) in x.by_slot.iter_mut().zip(y.by_slot) {
            *slot += n;
        }
        x.troops = x.troops.saturating_add(y.troops);
        x.with_troops += y.with_troops;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RegionSet;
    use crate::data::events::set::set_from_json;

    #[test]
    fn runs_of_many_events_in_a_week_are_counted_as_one_by_one() {
        let regions = RegionSet::bundled().expect("regions");
        // 1 800 events on one day, nine in ten of them drills (more than a
        // byte's lane holds), nine categories (two share the last slot),
        // troops on every third.
        let categories = [
            "drill",
            "strike",
            "statement",
            "deployment",
            "withdrawal",
            "incident",
            "other",
            "convoy",
            "flyover",
        ];
        let records: Vec<String> = (0..4_000)
            .map(|i| {
                let day = if i < 1_800 { 3 } else { 1 + i % 28 };
                let category = if i < 1_800 && i % 10 != 0 { "drill" } else { categories[i % categories.len()] };
                let troops = if i % 3 == 0 { format!(r#", "troops": {}"#, i * 10) } else { String::new() };
                format!(
                    r#"{{"id": "e{i}", "title": "t", "date": "2020-{:02}-{day:02}", "category": "{category}", "lat": 50.6, "lon": 36.6{troops}}}"#,
                    1 + i % 3,
                )
            })
            .collect();
        let set = set_from_json(&regions, "many.json", &format!("[{}]", records.join(",")));
        let columns = EventColumns::new(&set);
        // Every event, and every third one out of order (a focus's own
        // events need not be sorted by day).
        let all: Vec<u32> = (0..set.len() as u32).collect();
        let mut some: Vec<u32> = all.iter().copied().filter(|i| i % 3 != 1).collect();
        some.reverse();
        for indices in [all, some] {
            let buildup = BuildUp::new(&columns, &indices);
            let mut expected: std::collections::BTreeMap<i32, Week> = Default::default();
            for &i in &indices {
                let event = &set.events()[i as usize];
                let start = monday_of(event.date.day());
                let week = expected.entry(start).or_insert(Week {
                    start,
                    ..Week::default()
                });
                week.by_slot[event.category.slot()] += 1;
                if let Some(troops) = event.troops() {
                    week.troops += u64::from(troops);
                    week.with_troops += 1;
                }
            }
            let counted: Vec<Week> = buildup.weeks.iter().filter(|w| w.count() > 0).copied().collect();
            assert_eq!(counted, expected.into_values().collect::<Vec<_>>());
            assert_eq!(buildup.total(), indices.len() as u64);
            assert!(buildup.max_count > u32::from(u8::MAX), "{}", buildup.max_count);
        }
    }

    #[test]
    fn weeks_count_events_by_category_and_sum_their_troops() {
        let regions = RegionSet::bundled().expect("regions");
        // 2021-04-12 is a Monday; the 18th its Sunday; the 26th two weeks on.
        let json = r#"[
          {"id": "a", "title": "a", "date": "2021-04-12", "category": "drill", "lat": 50.6, "lon": 36.6, "troops": 3000},
          {"id": "b", "title": "b", "date": "2021-04-18", "category": "deployment", "lat": 50.6, "lon": 36.6, "troops": 40000},
          {"id": "c", "title": "c", "date": "2021-04-26", "category": "drill", "lat": 50.6, "lon": 36.6},
          {"id": "d", "title": "d", "date": "2021-04-14", "date_precision": "week", "category": "drill", "lat": 50.6, "lon": 36.6}
        ]"#;
        let set = set_from_json(&regions, "w.json", json);
        let indices: Vec<u32> = (0..set.len() as u32).collect();
        let buildup = BuildUp::new(&EventColumns::new(&set), &indices);
        assert_eq!(buildup.weeks.len(), 3, "{buildup:?}");
        let monday = crate::data::EventDate::parse_iso("2021-04-12")
            .expect("date")
            .day();
        let drill = set.categories().find("drill").expect("drill").slot();
        let deployment = set.categories().find("deployment").expect("deployment").slot();
        let first = buildup.week_of(monday + 6).expect("the first week");
        assert_eq!(first.start, monday);
        assert_eq!((first.by_slot[drill], first.by_slot[deployment]), (2, 1));
        assert_eq!((first.troops, first.with_troops), (43_000, 2));
        assert_eq!(buildup.weeks[1].count(), 0, "a quiet week is kept");
        assert_eq!(buildup.weeks[2].count(), 1);
        assert_eq!(
            (buildup.max_count, buildup.max_troops, buildup.total()),
            (3, 43_000, 4)
        );
        assert!(buildup.week_of(monday - 1).is_none());
        assert_eq!(BuildUp::new(&EventColumns::new(&set), &[]), BuildUp::default());

        // Some of the events: their own first to last week, not all events'.
        let columns = EventColumns::new(&set);
        let at = |id: &str| set.events().iter().position(|e| e.id() == id).expect("event") as u32;
        let only_c = BuildUp::new(&columns, &[at("c")]);
        assert_eq!(only_c.weeks.len(), 1, "{only_c:?}");
        assert_eq!(only_c.weeks[0].start, monday + 14);
        assert_eq!((only_c.max_count, only_c.total()), (1, 1));
        let a_and_b = BuildUp::new(&columns, &[at("a"), at("b")]);
        assert_eq!(a_and_b.weeks.len(), 1, "{a_and_b:?}");
        assert_eq!((a_and_b.weeks[0].start, a_and_b.max_troops), (monday, 43_000));
    }
}
