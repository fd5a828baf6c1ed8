//! Messages grouped for reading: a problem met in many records of a file is
//! said once, with how many records, the first and the last place
//! ("1,159 records: `latitude` must be a number … first at line 3, last at
//! line 1,161"). The ungrouped list (JSON output) keeps one entry each.

use std::collections::HashMap;
use std::fmt;

use super::diagnostic::{Diagnostic, Severity};

/// Messages of one file that say the same problem.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageGroup<'a> {
    /// The first message of the group, as written.
    pub first: &'a Diagnostic,
    /// The last one.
    pub last: &'a Diagnostic,
    /// How many messages the group holds.
    pub count: usize,
    /// Whether every message of the group is the same text.
    pub identical: bool,
}

/// What messages are grouped by: the file, the severity, and the text up to
/// the value it found (`…, found the string "x"`) with its digits blurred,
/// so that `"03/04/2022" could be…` and `"05/06/2022" could be…` are one.
fn key(message: &Diagnostic) -> (&str, Severity, String) {
    let text = message.message.as_str();
    let common = text.split(", found ").next().unwrap_or(text);
    let blurred = common
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    (message.location.file.as_str(), message.severity, blurred)
}

/// A group of messages by their indices in the list they came from: what
/// a window caches between frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSpan {
    /// Index of the first message of the group.
    pub first: usize,
    /// Index of the last one.
    pub last: usize,
    /// How many messages the group holds.
    pub count: usize,
    /// Whether every message of the group is the same text.
    pub identical: bool,
}

/// Groups messages that say the same problem about records of the same file,
/// in the order each group's first message comes. A message about no record
/// (the file as a whole) is a group of its own.
pub fn group_spans(messages: &[Diagnostic]) -> Vec<GroupSpan> {
    let mut groups: Vec<GroupSpan> = Vec::new();
    let mut index: HashMap<(&str, Severity, String), usize> = HashMap::new();
    for (i, message) in messages.iter().enumerate() {
        if message.location.record.is_none() {
            groups.push(GroupSpan {
                first: i,
                last: i,
                count: 1,
                identical: true,
            });
            continue;
        }
        let key = key(message);
        match index.get(&key).and_then(|&g| groups.get_mut(g)) {
            Some(group) => {
                group.identical &= messages[group.first].message == message.message;
                group.last = i;
                group.count += 1;
            }
            None => {
                index.insert(key, groups.len());
                groups.push(GroupSpan {
                    first: i,
                    last: i,
                    count: 1,
                    identical: true,
                });
            }
        }
    }
    groups
}

/// [`group_spans`] with the messages themselves, ready to print.
pub fn group_messages(messages: &[Diagnostic]) -> Vec<MessageGroup<'_>> {
    group_spans(messages)
        .into_iter()
        .map(|span| MessageGroup::of(messages, span))
        .collect()
}

impl<'a> MessageGroup<'a> {
    /// The group `span` of `messages`.
    pub fn of(messages: &'a [Diagnostic], span: GroupSpan) -> Self {
        Self {
            first: &messages[span.first],
            last: &messages[span.last],
            count: span.count,
            identical: span.identical,
        }
    }
}

/// A count with thousands separated by commas: `1,159`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for MessageGroup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 1 {
            return write!(f, "{}", self.first);
        }
        let place = |m: &Diagnostic| match (m.location.line, m.location.record) {
            (Some(line), _) => format!("line {}", thousands(line)),
            (None, Some(record)) => format!("{}[{record}]", m.location.collection),
            (None, None) => "?".to_string(),
        };
        let alike = if self.identical {
            ""
        } else {
            " (and others like it)"
        };
        let text = format!("{}{alike}", self.first.message);
        write!(
            f,
            "{}: {}: {} records: {text} … first at {}, last at {}",
            self.first.location.file,
            self.first.severity,
            thousands(self.count),
            place(self.first),
            place(self.last),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::diagnostic::Location;

    fn at(line: usize, record: usize, text: &str) -> Diagnostic {
        Diagnostic::error(
            Location::file("a.json").at(line, 1).record("records", record),
            text,
        )
    }

    #[test]
    fn the_same_problem_in_many_records_is_one_line() {
        let messages = vec![
            Diagnostic::info(Location::file("a.json"), "fields read by meaning"),
            at(
                3,
                0,
                "record rejected: field \"latitude\" must be a number (degrees), found the string \"x\"",
            ),
            at(4, 1, "record rejected: missing required field \"date\""),
            at(
                5,
                2,
                "record rejected: field \"latitude\" must be a number (degrees), found the string \"y\"",
            ),
            at(
                1161,
                1158,
                "record rejected: field \"latitude\" must be a number (degrees), found the string \"z\"",
            ),
        ];
        let groups = group_messages(&messages);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[1].count, 3);
        assert_eq!(
            groups[1].to_string(),
            "a.json: error: 3 records: record rejected: field \"latitude\" must be a number (degrees), found the string \"x\" (and others like it) … first at line 3, last at line 1,161"
        );
        assert_eq!(groups[2].to_string(), messages[2].to_string());
        assert_eq!(thousands(1159), "1,159");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
