//! Event dates: ISO 8601 dates (`2014-05-19`) and date-times
//! (`2021-04-22T10:30:00+03:00`), kept as UTC seconds for ordering and the
//! timeline, with enough of the original form to show them back.

use std::fmt;
use std::num::NonZeroI64;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A point in time an event starts or ends.
///
/// Its UTC seconds and the offset it was written in are packed in one
/// non-zero `i64` (the seconds shifted up by [`OFFSET_BITS`], the offset's
/// code below them), so a date takes 8 bytes and an optional one 8 more:
/// an [`crate::data::Event`]'s two dates take 16 bytes where a seconds
/// count beside an `Option<i16>` took 32. The packed numbers order as the
/// seconds, then the offset (a plain date first), do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventDate(NonZeroI64);

/// Low bits of [`EventDate`]'s number that hold the offset's code.
const OFFSET_BITS: u32 = 16;
/// The code of a plain date (no time, so no offset): below every offset's.
const NO_OFFSET: i64 = 1;
/// Added to an offset in minutes to make its code (2 and up).
const OFFSET_BIAS: i64 = 0x4000;

/// The earliest and latest UTC seconds an [`EventDate`] holds: the first
/// second of the year -9999 and the last of 9999, well inside the bits the
/// seconds are given (every date a file can write has four year digits).
pub const SECONDS_RANGE: std::ops::RangeInclusive<i64> = -377_705_116_800..=253_402_300_799;
/// The years an [`EventDate`] holds, whose seconds [`SECONDS_RANGE`] spans.
pub const YEARS: std::ops::RangeInclusive<i32> = -9999..=9999;
/// Why a real day or time is refused when it falls outside [`YEARS`].
pub const OUTSIDE_YEARS: &str = "out of the years -9999 to 9999";
/// Offsets from UTC, in minutes, an [`EventDate`] holds: under a day.
pub const OFFSET_RANGE: std::ops::RangeInclusive<i16> = -1439..=1439;

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form YYYY-MM-DD[THH:MM[:SS[.fff]][Z|±HH:MM]].
    #[error("\"{0}\" is not an ISO 8601 date or date-time (write 2014-05-19 or 2014-05-19T14:30:00Z)")]
    Format(String),
    /// Well formed, but no such day or time.
    #[error("\"{0}\" is not a real date or time ({1})")]
    Impossible(String, &'static str),
}

impl EventDate {
    /// Midnight UTC of a calendar day, if the day exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        // Checked first: a day number of a year far outside overflows.
        if !YEARS.contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Self::new(i64::from(days_from_civil(year, month, day)) * DAY, None)
    }

    /// A date-time given in UTC seconds (Unix time, or a time of day read
    /// without a zone); `None` outside [`SECONDS_RANGE`].
    pub fn from_utc_seconds(seconds: i64) -> Option<Self> {
        Self::new(seconds, Some(0))
    }

    /// The date of these UTC seconds and offset; `None` when either is out
    /// of its range ([`SECONDS_RANGE`], [`OFFSET_RANGE`]).
    fn new(seconds: i64, offset_minutes: Option<i16>) -> Option<Self> {
        if !SECONDS_RANGE.contains(&seconds) {
            return None;
        }
        let code = match offset_minutes {
            None => NO_OFFSET,
            Some(offset) if OFFSET_RANGE.contains(&offset) => i64::from(offset) + OFFSET_BIAS,
            Some(_) => return None,
        };
        NonZeroI64::new((seconds << OFFSET_BITS) | code).map(Self)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    fn seconds(&self) -> i64 {
        self.0.get() >> OFFSET_BITS
    }

    /// Minutes east of UTC the time was written in; `None` for a plain date.
    fn offset_minutes(&self) -> Option<i16> {
        match self.0.get() & ((1 << OFFSET_BITS) - 1) {
            NO_OFFSET => None,
            // Made from an `i16` in `OFFSET_RANGE` by `new`.
            code => Some((code - OFFSET_BIAS) as i16),
        }
    }

    /// Its UTC seconds and the offset it was written in (minutes east of
    /// UTC; `None` for a plain date), as [`Self::from_parts`] takes them.
    pub fn parts(&self) -> (i64, Option<i16>) {
        (self.seconds(), self.offset_minutes())
    }

    /// The date [`Self::parts`] gave; `None` for parts no date has.
    pub fn from_parts(seconds: i64, offset_minutes: Option<i16>) -> Option<Self> {
        Self::new(seconds, offset_minutes)
    }

    /// Reads an ISO 8601 calendar date or date-time. A date-time without a
    /// zone is taken as UTC; `T` or a space separates date and time.
    pub fn parse_iso(text: &str) -> Result<Self, DateError> {
        let s = text.trim();
        let format = || DateError::Format(text.to_string());
        let bytes = s.as_bytes();
        if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(format());
        }
        let year = digits(&bytes[0..4]).ok_or_else(format)? as i32;
        let month = digits(&bytes[5..7]).ok_or_else(format)?;
        let day = digits(&bytes[8..10]).ok_or_else(format)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::Impossible(text.to_string(), "no such month"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::Impossible(
                text.to_string(),
                "no such day in that month",
            ));
        }
        let midnight = i64::from(days_from_civil(year, month, day)) * DAY;
        let rest = &s[10..];
        let out_of_range = || DateError::Impossible(text.to_string(), OUTSIDE_YEARS);
        if rest.is_empty() {
            return Self::new(midnight, None).ok_or_else(out_of_range);
        }
        let rest = rest.strip_prefix(['T', 't', ' ']).ok_or_else(format)?;
        let (time, zone) = match rest.find(['Z', 'z', '+', '-']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let seconds_of_day = parse_time(time).ok_or_else(format)?;
        if seconds_of_day.is_none() {
            return Err(DateError::Impossible(text.to_string(), "no such time of day"));
        }
        let offset = parse_zone(zone).ok_or_else(format)?;
        if offset.abs() >= 24 * 60 {
            return Err(DateError::Impossible(
                text.to_string(),
                "no such time zone offset",
            ));
        }
        Self::new(
            midnight + seconds_of_day.unwrap_or(0) - i64::from(offset) * 60,
            Some(offset),
        )
        .ok_or_else(out_of_range)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(&self) -> i64 {
        self.seconds()
    }

    /// The UTC day number (days since 1970-01-01) this date falls on.
    pub fn day(&self) -> i32 {
        self.seconds().div_euclid(DAY) as i32
    }

    /// Whether a time of day was given.
    pub fn has_time(&self) -> bool {
        self.offset_minutes().is_some()
    }

    /// The date in ISO 8601 as [`Self::parse_iso`] reads it back:
    /// `2014-05-19`, or `2021-04-22T10:30:00+03:00` / `2021-04-22T07:30:00Z`.
    pub fn to_iso(&self) -> String {
        let Some(offset) = self.offset_minutes() else {
            return self.date_text();
        };
        let local = self.seconds() + i64::from(offset) * 60;
        let secs = local.rem_euclid(DAY);
        let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60);
        let zone = if offset == 0 {
            "Z".to_string()
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
        };
        format!("{}T{time}{zone}", self.date_text())
    }

    /// The calendar day as `YYYY-MM-DD` (in the zone it was written in).
    pub fn date_text(&self) -> String {
        let local = self.seconds() + i64::from(self.offset_minutes().unwrap_or(0)) * 60;
        let (y, m, d) = civil_from_days(local.div_euclid(DAY) as i32);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Display for EventDate {
    /// `2014-05-19`, or `2021-04-22 10:30 +03:00` / `2021-04-22 07:30 UTC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(offset) = self.offset_minutes() else {
            return f.write_str(&self.date_text());
        };
        let local = self.seconds() + i64::from(offset) * 60;
        let secs = local.rem_euclid(DAY);
        write!(
            f,
            "{} {:02}:{:02}",
            self.date_text(),
            secs / 3600,
            secs % 3600 / 60
        )?;
        if secs % 60 != 0 {
            write!(f, ":{:02}", secs % 60)?;
        }
        if offset == 0 {
            f.write_str(" UTC")
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            write!(f, " {sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
        }
    }
}

/// `HH:MM[:SS[.fraction]]` → Some(Some(seconds)) for a valid time,
/// Some(None) for a well-formed impossible one, None when malformed.
fn parse_time(time: &str) -> Option<Option<i64>> {
    let b = time.as_bytes();
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let hour = digits(&b[0..2])?;
    let minute = digits(&b[3..5])?;
    let mut second = 0;
    if b.len() > 5 {
        if b.len() < 8 || b[5] != b':' {
            return None;
        }
        second = digits(&b[6..8])?;
        if b.len() > 8 {
            // A fraction of a second: kept out of the seconds count.
            if !matches!(b[8], b'.' | b',') || b.len() == 9 || !b[9..].iter().all(u8::is_ascii_digit) {
                return None;
            }
        }
    }
    // 24:00:00 is ISO 8601's end of day; 60 seconds allows a leap second.
    let valid = (hour < 24 && minute < 60 && second <= 60) || (hour == 24 && minute == 0 && second == 0);
    Some(valid.then_some(i64::from(hour * 3600 + minute * 60 + second)))
}

/// `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing → minutes east of UTC.
fn parse_zone(zone: &str) -> Option<i16> {
    match zone {
        "" | "Z" | "z" => return Some(0),
        _ => {}
    }
    let b = zone.as_bytes();
    let sign: i16 = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = match b.len() {
        3 => (digits(&b[1..3])?, 0),
        5 => (digits(&b[1..3])?, digits(&b[3..5])?),
        6 if b[3] == b':' => (digits(&b[1..3])?, digits(&b[4..6])?),
        _ => return None,
    };
    if minutes >= 60 {
        return Some(i16::MAX);
    }
    Some(sign * (hours as i16 * 60 + minutes as i16))
}

/// ASCII digits as a number; None if any byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// How closely an event's date is known: the day it names, or only the
/// week, month or year that holds it. A coarser date stands for every day of
/// its span (weeks run Monday to Sunday, as ACLED and ISO 8601 count them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum DatePrecision {
    /// The day is known.
    #[default]
    Day,
    /// Some day of the week (Monday–Sunday) that holds the date.
    Week,
    /// Some day of the calendar month that holds the date.
    Month,
    /// Some day of the calendar year that holds the date.
    Year,
}

impl DatePrecision {
    /// Every precision, finest first.
    pub const ALL: [Self; 4] = [Self::Day, Self::Week, Self::Month, Self::Year];

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// The precision with this name, ignoring case and surrounding space.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// The first and last day (inclusive) of the span holding `day`.
    pub fn span(self, day: i32) -> (i32, i32) {
        match self {
            Self::Day => (day, day),
            Self::Week => {
                let monday = monday_of(day);
                (monday, monday + 6)
            }
            Self::Month => {
                let (year, month, _) = civil_from_days(day);
                let first = days_from_civil(year, month, 1);
                (first, first + days_in_month(year, month) as i32 - 1)
            }
            Self::Year => {
                let (year, _, _) = civil_from_days(day);
                (days_from_civil(year, 1, 1), days_from_civil(year, 12, 31))
            }
        }
    }

    /// The span holding `day` in words: `12 April 2021`, `week of 12 April
    /// 2021`, `April 2021`, `2021`.
    pub fn describe(self, day: i32) -> String {
        let (start, _) = self.span(day);
        let (year, month, date) = civil_from_days(start);
        let month_name = MONTH_NAMES[(month as usize).saturating_sub(1) % 12];
        match self {
            Self::Day => format!("{date} {month_name} {year}"),
            Self::Week => format!("week of {date} {month_name} {year}"),
            Self::Month => format!("{month_name} {year}"),
            Self::Year => year.to_string(),
        }
    }
}

impl fmt::Display for DatePrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// English month names, January first.
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The Monday of the week (Monday–Sunday) holding `day`. 1970-01-01 was a
/// Thursday, so Mondays are the days ≡ 4 (mod 7).
pub fn monday_of(day: i32) -> i32 {
    day - (day - 4).rem_euclid(7)
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (months and days
/// 1-based). Counts whole 400-year eras from year 0, shifting the year to
/// start in March so the leap day falls last.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400); // 0..=399
    let month_from_march = (month + 9) % 12; // March = 0
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1; // 0..=365
    let day_of_era =
        year_of_era as u32 * 365 + year_of_era as u32 / 4 - year_of_era as u32 / 100 + day_of_year;
    era * 146_097 + day_of_era as i32 - 719_468
}

/// The calendar date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097) as u32; // 0..=146096
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era as i32 + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_dates_stand_for_their_week_month_or_year() {
        let day = |y, m, d| days_from_civil(y, m, d);
        // Wednesday 14 April 2021 is in the week of Monday 12 April.
        assert_eq!(
            DatePrecision::Week.span(day(2021, 4, 14)),
            (day(2021, 4, 12), day(2021, 4, 18))
        );
        assert_eq!(
            DatePrecision::Week.span(day(2021, 4, 12)),
            (day(2021, 4, 12), day(2021, 4, 18))
        );
        assert_eq!(
            DatePrecision::Week.span(day(2021, 4, 18)),
            (day(2021, 4, 12), day(2021, 4, 18))
        );
        // A week across a year's end; a leap February; a whole year.
        assert_eq!(
            DatePrecision::Week.span(day(2021, 1, 1)),
            (day(2020, 12, 28), day(2021, 1, 3))
        );
        assert_eq!(
            DatePrecision::Month.span(day(2024, 2, 10)),
            (day(2024, 2, 1), day(2024, 2, 29))
        );
        assert_eq!(
            DatePrecision::Year.span(day(2014, 5, 7)),
            (day(2014, 1, 1), day(2014, 12, 31))
        );
        assert_eq!(
            DatePrecision::Day.span(day(2014, 5, 7)),
            (day(2014, 5, 7), day(2014, 5, 7))
        );
        assert_eq!(
            DatePrecision::Week.describe(day(2021, 4, 14)),
            "week of 12 April 2021"
        );
        assert_eq!(DatePrecision::Month.describe(day(2021, 4, 14)), "April 2021");
        assert_eq!(DatePrecision::Year.describe(day(2021, 4, 14)), "2021");
        assert_eq!(DatePrecision::Day.describe(day(2014, 5, 7)), "7 May 2014");
        assert_eq!(DatePrecision::from_name(" Month "), Some(DatePrecision::Month));
        assert_eq!(DatePrecision::from_name("fortnight"), None);
    }

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2014, 5, 19), 16_209);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // Every day over four centuries round-trips and days are consecutive.
        let mut expected = days_from_civil(1800, 1, 1);
        for year in 1800..2200 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let n = days_from_civil(year, month, day);
                    assert_eq!(n, expected, "{year}-{month}-{day}");
                    assert_eq!(civil_from_days(n), (year, month, day));
                    expected += 1;
                }
            }
        }
    }

    #[test]
    fn a_date_and_an_optional_one_take_eight_bytes_each() {
        assert_eq!(std::mem::size_of::<EventDate>(), 8);
        assert_eq!(std::mem::size_of::<Option<EventDate>>(), 8);
    }

    #[test]
    fn dates_hold_the_years_minus_9999_to_9999_and_offsets_under_a_day() {
        let first = EventDate::from_ymd(-9999, 1, 1).expect("the first day");
        assert_eq!(first.unix_seconds(), *SECONDS_RANGE.start());
        let last_day = EventDate::from_ymd(9999, 12, 31).expect("the last day");
        assert_eq!(last_day.unix_seconds() + DAY - 1, *SECONDS_RANGE.end());
        assert_eq!(EventDate::from_ymd(-10_000, 12, 31), None);
        assert_eq!(EventDate::from_ymd(10_000, 1, 1), None);
        assert_eq!(EventDate::from_ymd(i32::MAX, 1, 1), None);
        assert_eq!(EventDate::from_ymd(i32::MIN, 3, 1), None);
        let end = *SECONDS_RANGE.end();
        assert!(EventDate::from_utc_seconds(end).is_some());
        assert_eq!(EventDate::from_utc_seconds(end + 1), None);
        assert_eq!(EventDate::from_utc_seconds(i64::MIN), None);
        assert_eq!(EventDate::from_parts(0, Some(1440)), None);
        assert_eq!(EventDate::from_parts(0, Some(i16::MIN)), None);
        assert_eq!(
            EventDate::from_parts(0, Some(-1439)).map(|d| d.parts()),
            Some((0, Some(-1439)))
        );
        // The last hour of 9999 written five hours west of UTC is in 10000.
        assert!(matches!(
            EventDate::parse_iso("9999-12-31T23:00:00-05:00"),
            Err(DateError::Impossible(_, _))
        ));
        assert!(EventDate::parse_iso("9999-12-31T23:00:00+05:00").is_ok());
    }

    proptest::proptest! {
        /// Packed, dates keep their parts and order as the parts do: the
        /// seconds, then a plain date before a time, then the offset.
        #[test]
        fn packed_dates_keep_their_parts_and_order(
            a in (SECONDS_RANGE, proptest::option::of(OFFSET_RANGE)),
            b in (SECONDS_RANGE, proptest::option::of(OFFSET_RANGE)),
            near in -3i64..=3,
        ) {
            // Often the same second, so the offsets decide.
            let b = if near == 0 { (a.0, b.1) } else { b };
            let date = |(seconds, offset): (i64, Option<i16>)| {
                EventDate::from_parts(seconds, offset).expect("in range")
            };
            proptest::prop_assert_eq!(date(a).parts(), a);
            proptest::prop_assert_eq!(date(b).parts(), b);
            proptest::prop_assert_eq!(date(a).cmp(&date(b)), a.cmp(&b));
            proptest::prop_assert_eq!(date(a) == date(b), a == b);
        }
    }

    #[test]
    fn plain_dates_are_midnight_utc() {
        let date = EventDate::parse_iso("2014-05-19").expect("valid");
        assert_eq!(date.unix_seconds(), 16_209 * DAY);
        assert_eq!(date.day(), 16_209);
        assert!(!date.has_time());
        assert_eq!(date.to_string(), "2014-05-19");
    }

    #[test]
    fn date_times_with_zones_become_utc_and_show_as_written() {
        let moscow = EventDate::parse_iso("2021-04-22T10:30:00+03:00").expect("valid");
        let utc = EventDate::parse_iso("2021-04-22T07:30:00Z").expect("valid");
        assert_eq!(moscow.unix_seconds(), utc.unix_seconds());
        assert_eq!(moscow.to_string(), "2021-04-22 10:30 +03:00");
        assert_eq!(utc.to_string(), "2021-04-22 07:30 UTC");
        assert_eq!(
            EventDate::parse_iso("2021-04-22 07:30").expect("space, no zone"),
            utc
        );
        assert_eq!(
            EventDate::parse_iso("2021-04-22T07:30:00.250Z")
                .expect("fraction")
                .unix_seconds(),
            utc.unix_seconds()
        );
        let west = EventDate::parse_iso("2021-04-21T23:00-0500").expect("valid");
        assert_eq!(west.day(), utc.day(), "04:00 UTC on the 22nd");
        assert_eq!(west.date_text(), "2021-04-21");
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused_with_a_reason() {
        for bad in [
            "2021-02-30",
            "2021-13-01",
            "2019-02-29",
            "2021-04-00",
            "2021-04-22T25:00",
            "2021-04-22T10:61",
        ] {
            assert!(
                matches!(EventDate::parse_iso(bad), Err(DateError::Impossible(..))),
                "{bad}"
            );
        }
        for bad in [
            "",
            "22/04/2021",
            "2021-4-22",
            "yesterday",
            "2021-04-22T",
            "2021-04-22T10",
            "2021-04-22X10:00",
            "2021-04-22T10:00+3",
        ] {
            assert!(
                matches!(EventDate::parse_iso(bad), Err(DateError::Format(_))),
                "{bad}"
            );
        }
        assert!(EventDate::parse_iso("2020-02-29").is_ok(), "leap day");
        let message = EventDate::parse_iso("2021-02-30")
            .expect_err("impossible")
            .to_string();
        assert_eq!(
            message,
            "\"2021-02-30\" is not a real date or time (no such day in that month)"
        );
    }

    #[test]
    fn iso_text_reads_back_to_the_same_date() {
        for text in [
            "2014-05-19",
            "2021-04-22T10:30:00+03:00",
            "2021-04-22T07:30:05Z",
            "1969-12-31T23:00:00-05:30",
        ] {
            let date = EventDate::parse_iso(text).expect("valid");
            assert_eq!(date.to_iso(), text);
            assert_eq!(EventDate::parse_iso(&date.to_iso()), Ok(date));
        }
        assert_eq!(
            EventDate::parse_iso("2021-04-22 07:30").expect("valid").to_iso(),
            "2021-04-22T07:30:00Z"
        );
    }

    #[test]
    fn ordering_follows_time() {
        let a = EventDate::parse_iso("2014-05-19").expect("valid");
        let b = EventDate::parse_iso("2014-05-19T00:00:01Z").expect("valid");
        let c = EventDate::parse_iso("2021-04-22").expect("valid");
        assert!(a < b && b < c);
        assert_eq!(EventDate::from_ymd(2014, 5, 19), Some(a));
        assert_eq!(EventDate::from_ymd(2014, 2, 29), None);
    }
}
