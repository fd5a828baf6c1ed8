//! Dates as files from the field write them, beyond ISO 8601: `24/02/2022`
//! and `02/24/2022` (the order of day and month decided per file from the
//! column's own values), `16 May 2025`, `16-May-2025`, `May 16, 2025`,
//! spreadsheet date-times (`14/08/2020 00:00:00`) and Unix seconds.

use std::fmt;

use super::date::{EventDate, days_from_civil, days_in_month};

/// Which of the first two numbers of `NN/NN/YYYY` is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DateOrder {
    /// Day first: `24/02/2022` (most of the world, ACLED).
    Dmy,
    /// Month first: `02/24/2022` (the United States, TimeMap exports).
    Mdy,
}

impl DateOrder {
    /// `dmy` or `mdy`, as the command line takes it.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "dmy" | "dd/mm/yyyy" | "day" => Some(Self::Dmy),
            "mdy" | "mm/dd/yyyy" | "month" => Some(Self::Mdy),
            _ => None,
        }
    }

    /// `dmy` or `mdy`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dmy => "dmy",
            Self::Mdy => "mdy",
        }
    }

    /// The pattern in words: `DD/MM/YYYY (day first)`.
    pub fn pattern(self) -> &'static str {
        match self {
            Self::Dmy => "DD/MM/YYYY (day first)",
            Self::Mdy => "MM/DD/YYYY (month first)",
        }
    }
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a date field could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldDateError {
    /// Not a form borderwatch knows.
    #[error(
        "\"{0}\" is not a date borderwatch reads (2014-05-19, 2014-05-19T14:30:00Z, 19/05/2014, 05/19/2014, 19 May 2014, 19-May-2014, 19/05/2014 00:00:00 or Unix seconds)"
    )]
    Unknown(String),
    /// A known form, but no such day or time.
    #[error("\"{0}\" is not a real date or time ({1})")]
    Impossible(String, &'static str),
    /// `NN/NN/YYYY` with both numbers 12 or less, and no order known.
    #[error(
        "\"{0}\" could be day first or month first and no date in the file tells; set --date-order dmy or --date-order mdy (in the window: File › Open table with columns…)"
    )]
    Ambiguous(String),
    /// Against the order of the rest of the file.
    #[error("\"{0}\" is not a date in the file's order, {1}; set --date-order if that order is wrong")]
    AgainstOrder(String, &'static str),
}

/// What the values of a date column say about the order of day and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvidence {
    /// No `NN/NN/YYYY` value with a number over 12.
    None,
    /// Some value can only be day first (this one).
    DayFirst(String),
    /// Some value can only be month first (this one).
    MonthFirst(String),
    /// Values of both kinds: the column mixes orders.
    Both { day_first: String, month_first: String },
}

impl OrderEvidence {
    /// Looks at a column's values: any first part over 12 means day first,
    /// any second part over 12 means month first.
    pub fn of<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut day_first = None;
        let mut month_first = None;
        for value in values {
            let Some((a, b)) = numeric_day_month(value) else {
                continue;
            };
            if a > 12 && b <= 12 && day_first.is_none() {
                day_first = Some(value.trim().to_string());
            } else if b > 12 && a <= 12 && month_first.is_none() {
                month_first = Some(value.trim().to_string());
            }
            if day_first.is_some() && month_first.is_some() {
                break;
            }
        }
        match (day_first, month_first) {
            (None, None) => Self::None,
            (Some(d), None) => Self::DayFirst(d),
            (None, Some(m)) => Self::MonthFirst(m),
            (Some(day_first), Some(month_first)) => Self::Both {
                day_first,
                month_first,
            },
        }
    }

    /// The order this evidence decides, if it does.
    pub fn order(&self) -> Option<DateOrder> {
        match self {
            Self::DayFirst(_) => Some(DateOrder::Dmy),
            Self::MonthFirst(_) => Some(DateOrder::Mdy),
            _ => None,
        }
    }
}

/// Whether any of the values is `NN/NN/YYYY` with both numbers 12 or less
/// and different (a date the order changes).
pub fn any_ambiguous<'a>(values: impl IntoIterator<Item = &'a str>) -> bool {
    values
        .into_iter()
        .filter_map(numeric_day_month)
        .any(|(a, b)| a <= 12 && b <= 12 && a != b)
}

/// Whether a value is written `NN/NN/YYYY` (or with `-`, `.`), the form
/// whose order of day and month a file must decide.
pub fn has_numeric_day_month(value: &str) -> bool {
    numeric_day_month(value).is_some()
}

/// The first two numbers of a `NN/NN/YYYY` (or `-`, `.`) date, with any time after it.
fn numeric_day_month(value: &str) -> Option<(u32, u32)> {
    let date = value.split_whitespace().next()?;
    let mut parts = date.split(['/', '-', '.']);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let number = |s: &str| -> Option<u32> { s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())? };
    number(y)?;
    Some((number(a)?, number(b)?))
}

/// Reads a date field in any form borderwatch knows. `order` says which of
/// `NN/NN/YYYY`'s numbers is the day; without it a value decides for itself
/// when one number is over 12, and is refused when it cannot.
pub fn parse_field_date(text: &str, order: Option<DateOrder>) -> Result<EventDate, FieldDateError> {
    let trimmed = text.trim();
    let unknown = || FieldDateError::Unknown(trimmed.to_string());
    let bytes = trimmed.as_bytes();
    if bytes.len() >= 10 && bytes[4] == b'-' && bytes[..4].iter().all(u8::is_ascii_digit) {
        // ISO 8601; a spreadsheet's midnight after it means no time.
        let without_midnight = strip_midnight(trimmed);
        return EventDate::parse_iso(without_midnight).map_err(|error| match error {
            super::date::DateError::Format(_) => unknown(),
            super::date::DateError::Impossible(_, why) => {
                FieldDateError::Impossible(trimmed.to_string(), why)
            }
        });
    }
    if let Some(date) = unix_seconds(trimmed) {
        return Ok(date);
    }
    let mut tokens = trimmed.split_whitespace().peekable();
    let mut date_tokens: Vec<&str> = Vec::new();
    let mut time = None;
    for token in tokens.by_ref() {
        if token.contains(':') {
            time = Some(token);
            break;
        }
        date_tokens.push(token);
    }
    let zone: Vec<&str> = tokens.collect();
    let seconds_of_day = match time {
        None => None,
        Some(time) => Some(time_of_day(time).ok_or_else(unknown)?),
    };
    let utc = match zone.as_slice() {
        [] => true,
        [z] if matches!(*z, "UTC" | "GMT" | "Z") => true,
        _ => return Err(unknown()),
    };
    let parts: Vec<&str> = date_tokens
        .iter()
        .flat_map(|t| t.split(['/', '-', '.', ',']))
        .filter(|p| !p.is_empty())
        .collect();
    let (year, month, day) = day_month_year(trimmed, &parts, order)?;
    let impossible = |why| FieldDateError::Impossible(trimmed.to_string(), why);
    if !(1..=12).contains(&month) {
        return Err(impossible("no such month"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(impossible("no such day in that month"));
    }
    let midnight = i64::from(days_from_civil(year, month, day)) * super::date::DAY;
    match seconds_of_day {
        // A spreadsheet writes midnight after every plain date.
        None | Some(0) => EventDate::from_ymd(year, month, day).ok_or_else(|| impossible("no such day")),
        Some(seconds) if utc => EventDate::from_utc_seconds(midnight + seconds)
            .ok_or_else(|| impossible(super::date::OUTSIDE_YEARS)),
        Some(_) => Err(unknown()),
    }
}

/// The year, month and day of a date's parts (`["16", "May", "2025"]`).
fn day_month_year(
    text: &str,
    parts: &[&str],
    order: Option<DateOrder>,
) -> Result<(i32, u32, u32), FieldDateError> {
    let unknown = || FieldDateError::Unknown(text.to_string());
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let [a, b, y] = parts else {
        return Err(unknown());
    };
    let (a, b, y) = (*a, *b, *y);
    if a.len() == 4 {
        // YYYY/MM/DD.
        let year = number(a).ok_or_else(unknown)?;
        return Ok((
            year as i32,
            number(b).ok_or_else(unknown)?,
            number(y).ok_or_else(unknown)?,
        ));
    }
    if y.len() != 4 {
        return Err(unknown());
    }
    let year = number(y).ok_or_else(unknown)? as i32;
    if let Some(month) = month_number(b) {
        return Ok((year, month, number(a).ok_or_else(unknown)?));
    }
    if let Some(month) = month_number(a) {
        return Ok((year, month, number(b).ok_or_else(unknown)?));
    }
    let (first, second) = (number(a).ok_or_else(unknown)?, number(b).ok_or_else(unknown)?);
    if a.len() > 2 || b.len() > 2 {
        return Err(unknown());
    }
    let against = |order: DateOrder| FieldDateError::AgainstOrder(text.to_string(), order.pattern());
    match order {
        Some(DateOrder::Dmy) if second > 12 && first <= 12 => Err(against(DateOrder::Dmy)),
        Some(DateOrder::Mdy) if first > 12 && second <= 12 => Err(against(DateOrder::Mdy)),
        Some(DateOrder::Dmy) => Ok((year, second, first)),
        Some(DateOrder::Mdy) => Ok((year, first, second)),
        None if first > 12 => Ok((year, second, first)),
        None if second > 12 => Ok((year, first, second)),
        None if first == second => Ok((year, first, first)),
        None => Err(FieldDateError::Ambiguous(text.to_string())),
    }
}

/// The text without a trailing spreadsheet midnight (` 00:00:00`, ` 00:00`).
fn strip_midnight(text: &str) -> &str {
    for suffix in [" 00:00:00", " 00:00", "T00:00:00", "T00:00"] {
        if let Some(date) = text.strip_suffix(suffix)
            && date.len() == 10
        {
            return date;
        }
    }
    text
}

/// `H:MM[:SS]` or `HH:MM[:SS]` → seconds of the day.
fn time_of_day(time: &str) -> Option<i64> {
    let mut parts = time.split(':');
    let hour: i64 = parts.next()?.parse().ok()?;
    let minute: i64 = parts.next()?.parse().ok()?;
    let second: i64 = match parts.next() {
        Some(s) => s.split(['.', ',']).next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some()
        || !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
        || !(0..=60).contains(&second)
    {
        return None;
    }
    Some(hour * 3600 + minute * 60 + second)
}

/// Unix seconds (9 or 10 digits, optionally `.0…`) or milliseconds (12 or 13 digits).
fn unix_seconds(text: &str) -> Option<EventDate> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let number: i64 = whole.parse().ok()?;
    match whole.len() {
        9 | 10 => EventDate::from_utc_seconds(number),
        12 | 13 if fraction.is_empty() => EventDate::from_utc_seconds(number / 1000),
        _ => None,
    }
}

/// January → 1, from a full or three-letter English name in any case.
pub fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = name.to_ascii_lowercase();
    let name = name.trim_end_matches('.');
    if name.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(name) && (name.len() == 3 || name.len() == m.len() || name == "sept"))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str, order: Option<DateOrder>) -> String {
        parse_field_date(text, order).map_or_else(|e| format!("error: {e}"), |d| d.to_iso())
    }

    #[test]
    fn every_form_reads_as_the_same_day() {
        for text in [
            "2025-05-16",
            "16/05/2025",
            "05/16/2025",
            "16 May 2025",
            "16-May-2025",
            "May 16, 2025",
            "16 may 2025",
            "16-05-2025",
            "16.05.2025",
            "16/05/2025 00:00:00",
            "2025-05-16 00:00:00",
            "2025/05/16",
        ] {
            assert_eq!(iso(text, None), "2025-05-16", "{text}");
        }
        assert_eq!(iso("6 Sept 2024", None), "2024-09-06");
    }

    #[test]
    fn times_zones_and_unix_seconds() {
        assert_eq!(
            iso("2021-04-22T10:30:00+03:00", None),
            "2021-04-22T10:30:00+03:00"
        );
        assert_eq!(iso("24/02/2022 05:30", None), "2022-02-24T05:30:00Z");
        assert_eq!(iso("1645680600", None), "2022-02-24T05:30:00Z");
        assert_eq!(iso("1645680600000", None), "2022-02-24T05:30:00Z");
        assert!(iso("24/02/2022 25:30", None).starts_with("error"));
    }

    #[test]
    fn the_order_decides_ambiguous_dates_and_refuses_contrary_ones() {
        assert!(iso("03/04/2022", None).contains("set --date-order"));
        assert_eq!(iso("03/04/2022", Some(DateOrder::Dmy)), "2022-04-03");
        assert_eq!(iso("03/04/2022", Some(DateOrder::Mdy)), "2022-03-04");
        assert_eq!(iso("04/04/2022", None), "2022-04-04");
        assert!(iso("02/24/2022", Some(DateOrder::Dmy)).contains("file's order, DD/MM/YYYY"));
        assert!(iso("24/02/2022", Some(DateOrder::Mdy)).contains("file's order, MM/DD/YYYY"));
        for bad in [
            "31 Feb 2025",
            "2025-13-01",
            "16 Mai 2025",
            "May 2025",
            "16-05-25",
            "",
            "someday",
        ] {
            assert!(iso(bad, None).starts_with("error"), "{bad}");
        }
    }

    #[test]
    fn evidence_decides_per_column() {
        assert_eq!(
            OrderEvidence::of(["03/04/2022", "02/24/2022"]).order(),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            OrderEvidence::of(["03/04/2022", "14/08/2020 00:00:00"]).order(),
            Some(DateOrder::Dmy)
        );
        assert_eq!(
            OrderEvidence::of(["03/04/2022", "2022-01-30"]),
            OrderEvidence::None
        );
        assert!(matches!(
            OrderEvidence::of(["13/04/2022", "04/13/2022"]),
            OrderEvidence::Both { .. }
        ));
        assert!(any_ambiguous(["03/04/2022"]));
        assert!(!any_ambiguous(["13/04/2022", "04/04/2022"]));
    }

    #[test]
    fn no_text_makes_the_reader_panic() {
        // Pieces of dates, times, zones and other scripts, combined by a
        // fixed pseudo-random sequence.
        const PIECES: [&str; 24] = [
            "1",
            "12",
            "31",
            "2025",
            "99999999999",
            "/",
            "-",
            ".",
            " ",
            ":",
            "T",
            "Z",
            "+03:00",
            "May",
            "Sept",
            "ма",
            "２",
            "é",
            "00:00:00",
            ",",
            "\u{0}",
            "60",
            "-1",
            "1645680600",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 9) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
                let _ = parse_field_date(&text, order);
            }
            let _ = OrderEvidence::of([text.as_str()]);
        }
    }
}
