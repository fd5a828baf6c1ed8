//! A Parquet value as text, by its column's physical and logical type:
//! dates, times and instants, decimals, INT96 timestamps, UTF-8 or raw bytes.
//! The calendar arithmetic is written out here (no date crate needed).

/// How a leaf column's values become text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Plain,            // numbers and booleans as Rust prints them
    Date,             // days since 1970-01-01
    Clock(u32, bool), // time of day, or (true) an instant, in 10^-digits seconds
    Decimal(i32),     // an unscaled integer and its scale
    Text,             // declared UTF-8
    MaybeText,        // unannotated bytes: text when they are UTF-8
    Binary,           // bytes with no text form: left empty
}

/// An integer column's value as text, by its logical type.
pub fn integer_text(value: i64, kind: Kind) -> String {
    match kind {
        Kind::Date => date_text(value),
        Kind::Clock(digits, instant) => {
            let unit = 10i64.pow(digits);
            let nanos = value.rem_euclid(unit) * 10i64.pow(9 - digits);
            let seconds = value.div_euclid(unit);
            if instant {
                datetime_text(seconds, nanos)
            } else {
                time_text(seconds, nanos)
            }
        }
        Kind::Decimal(scale) => decimal_text(value.into(), scale),
        _ => value.to_string(),
    }
}

/// A legacy Impala/Spark INT96 timestamp: nanoseconds of the day, then the Julian day.
pub fn int96_text(words: &[u32]) -> Option<String> {
    let [low, high, day] = *words else { return None };
    let nanos = (u64::from(high) << 32 | u64::from(low)) as i64;
    let seconds = (i64::from(day) - 2_440_588) * 86_400 + nanos.div_euclid(1_000_000_000);
    Some(datetime_text(seconds, nanos.rem_euclid(1_000_000_000)))
}

/// A binary value as text by its logical type; `None` (and `binary` set) for raw bytes.
pub fn bytes_text(data: &[u8], kind: Kind, binary: &mut bool) -> Option<String> {
    let text = match kind {
        Kind::Text | Kind::MaybeText => std::str::from_utf8(data).ok(),
        _ => None,
    };
    match kind {
        _ if text.is_some() => text.map(str::to_owned),
        Kind::Text => Some(String::from_utf8_lossy(data).into_owned()),
        Kind::Decimal(scale) if (1..=16).contains(&data.len()) => {
            // Big-endian two's complement: start from the sign, shift bytes in.
            let sign = -i128::from(data.first().is_some_and(|b| b & 0x80 != 0));
            let unscaled = data.iter().fold(sign, |acc, &b| acc << 8 | i128::from(b));
            Some(decimal_text(unscaled, scale))
        }
        _ => {
            *binary = true;
            None
        }
    }
}

/// A decimal's unscaled value with its point placed `scale` digits from the right.
pub fn decimal_text(unscaled: i128, scale: i32) -> String {
    let sign = if unscaled < 0 { "-" } else { "" };
    let digits = unscaled.unsigned_abs().to_string();
    match usize::try_from(scale) {
        Ok(0) => format!("{sign}{digits}"),
        Ok(scale) if scale <= 76 => {
            let padded = format!("{digits:0>width$}", width = scale + 1);
            let (whole, fraction) = padded.split_at(padded.len() - scale);
            format!("{sign}{whole}.{fraction}")
        }
        // Negative or absurd scales: exponent notation rather than millions of zeros.
        _ => format!("{sign}{digits}e{}", -i64::from(scale)),
    }
}

/// `YYYY-MM-DD` for a count of days since 1970-01-01 (proleptic Gregorian).
pub fn date_text(days: i64) -> String {
    // Howard Hinnant's civil-from-days: eras of 400 years starting on 0000-03-01.
    let z = days + 719_468;
    let (era, day_of_era) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = (shifted_month + 2) % 12 + 1;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `HH:MM:SS`, with the fraction (trailing zeros dropped) when it is not zero.
pub fn time_text(seconds: i64, nanos: i64) -> String {
    let (hours, minutes) = (seconds / 3600, seconds / 60 % 60);
    let mut text = format!("{hours:02}:{minutes:02}:{:02}", seconds % 60);
    if nanos != 0 {
        text.push_str(format!(".{nanos:09}").trim_end_matches('0'));
    }
    text
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` for seconds since the epoch and a fraction in nanoseconds.
pub fn datetime_text(seconds: i64, nanos: i64) -> String {
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    format!("{}T{}Z", date_text(days), time_text(of_day, nanos))
}
