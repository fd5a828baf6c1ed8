//! The first rows of a delimited file as the reader would split them: what
//! the Columns dialog shows and counts with before a file is loaded.

use std::borrow::Cow;

use super::encoding;
use super::{delimiter_for, is_delimited};
use crate::data::json::position::strip_bom;

/// The head of a delimited file: its columns, its first rows, and the same
/// rows as UTF-8 text that the reader can load to count what would load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePreview {
    /// Column names, from the header row.
    pub headers: Vec<String>,
    /// The first rows, each cell as text.
    pub rows: Vec<Vec<String>>,
    /// The header and those rows, decoded to UTF-8 (no byte-order mark).
    pub text: String,
}

/// Reads the header and up to `max_rows` rows from `head`, the first bytes
/// of the file `file` (its name decides `.tsv`). The last line of `head` is
/// dropped when it may be cut. `None` when the file is not delimited text.
pub fn preview_table(file: &str, head: &[u8], max_rows: usize) -> Option<TablePreview> {
    if !is_delimited(file, head) {
        return None;
    }
    let text: Cow<'_, str> = match encoding::detect(head, true) {
        Some(encoding) => encoding.decode_with_bom_removal(head).0,
        None => String::from_utf8_lossy(strip_bom(head)),
    };
    // Whole lines only: the head may end inside one.
    let whole = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => &text[..],
    };
    let delimiter = delimiter_for(file, whole.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(whole.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .ok()?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    let mut end = reader.position().byte();
    for record in reader.records().take(max_rows) {
        let Ok(record) = record else { break };
        rows.push(record.iter().map(str::to_string).collect());
        end = record.position().map_or(end, |p| p.byte());
    }
    // Up to the start of the row after the last one kept.
    let cut = whole
        .get(end as usize..)
        .and_then(|rest| rest.find('\n'))
        .map_or(whole.len(), |n| end as usize + n + 1);
    Some(TablePreview {
        headers,
        rows,
        text: whole[..cut].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semicolon_table_in_windows_1251_is_split_and_decoded() {
        // A Russian spreadsheet's export: semicolons, Windows-1251, cut mid-row.
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Y;X;когда\n50.6;36.6;01/02/2022\n51.7;39.2;03/04/2022\n52.0;33.0;05/0");
        let preview = preview_table("field.csv", &bytes, 10).expect("delimited");
        assert_eq!(preview.headers, ["Y", "X", "когда"]);
        // The cut last line is left out.
        assert_eq!(preview.rows.len(), 2);
        assert_eq!(preview.rows[1], ["51.7", "39.2", "03/04/2022"]);
        assert_eq!(
            preview.text,
            "Y;X;когда\n50.6;36.6;01/02/2022\n51.7;39.2;03/04/2022\n"
        );
    }

    #[test]
    fn only_the_rows_asked_for_are_kept_and_json_is_not_a_table() {
        let head = b"a,b\n1,2\n3,4\n5,6\n";
        let preview = preview_table("t.csv", head, 2).expect("delimited");
        assert_eq!(preview.rows.len(), 2);
        assert_eq!(preview.text, "a,b\n1,2\n3,4\n");
        assert!(preview_table("e.json", b"[{\"a\": 1}]", 5).is_none());
    }
}
