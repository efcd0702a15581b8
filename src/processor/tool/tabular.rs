//! The structure of a text result in a cheaply recognisable tabular or mapping form.
//!
//! Tools do not only answer in JSON: a rate table comes back as TSV, a search as CSV, grades as
//! a markdown table, a record as YAML. These have a shape too (their columns or keys) and can be
//! empty (a header and no row, `pharmacies: []`). [`structure_of`] turns such a text into the
//! JSON it stands for, so shapes and emptiness are judged on it as on JSON:
//! - a markdown table (a `|` header row, then a `|---|:--:|` separator row) or a CSV/TSV text
//!   (a header of column names, then rows with as many cells) is an array of row objects keyed
//!   by column (cells are strings: a column's presence is its schema); a header with no row is
//!   `[]`;
//! - a YAML mapping (every line a `key: value`, an indented continuation or a `- item`; two
//!   top-level keys or more, or one whose value is a `[]`/`{}` collection) is its mapping.
//!
//! Anything else (prose, an error line such as `Error: timeout`, a stack trace) is not
//! structured. Recognition looks at the first lines only, and work is bounded: texts longer
//! than [`MAX_TEXT`] are skipped and at most [`MAX_ROWS`] rows are read.

use serde_json::{Map, Value};

/// Longer texts are not examined.
pub const MAX_TEXT: usize = 64 * 1024;
/// Rows read from a table (the shape unifies fewer).
pub const MAX_ROWS: usize = 32;
/// Columns of a table, at most.
const MAX_COLUMNS: usize = 64;

/// The JSON a tabular or YAML text stands for, when it is one.
pub fn structure_of(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() || t.len() > MAX_TEXT {
        return None;
    }
    let first = t.as_bytes()[0];
    if matches!(first, b'{' | b'[' | b'<' | b'"') {
        return None;
    }
    if first == b'|' {
        return markdown_table(t);
    }
    let head = t.lines().next().unwrap_or("");
    if head.contains('\t') {
        return delimited(t, '\t');
    }
    if let Some(v) = yaml_mapping(t) {
        return Some(v);
    }
    if head.contains(',') {
        return delimited(t, ',');
    }
    None
}

/// A column name: short, starting with a letter or `_`, of letters, digits and a few joiners.
fn is_column_name(cell: &str, allow_space: bool) -> bool {
    let c = cell.trim();
    let mut chars = c.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    c.len() <= 40
        && (first.is_alphabetic() || first == '_')
        && chars.all(|ch| {
            ch.is_alphanumeric()
                || matches!(ch, '_' | '-' | '.' | '/')
                || (allow_space && ch == ' ')
        })
}

/// Rows keyed by the header's columns.
fn rows_of(header: &[String], rows: Vec<Vec<String>>) -> Value {
    Value::Array(
        rows.into_iter()
            .map(|cells| {
                let obj: Map<String, Value> = header
                    .iter()
                    .cloned()
                    .zip(cells.into_iter().map(Value::String))
                    .collect();
                Value::Object(obj)
            })
            .collect(),
    )
}

/// The cells of a markdown row (`| a | b |`).
fn pipe_cells(line: &str) -> Option<Vec<String>> {
    let l = line.trim();
    let inner = l.strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

fn is_separator_cell(cell: &str) -> bool {
    let c = cell.trim().trim_start_matches(':').trim_end_matches(':');
    c.len() >= 3 && c.bytes().all(|b| b == b'-')
}

fn markdown_table(t: &str) -> Option<Value> {
    let mut lines = t.lines().map(str::trim).filter(|l| !l.is_empty());
    let header = pipe_cells(lines.next()?)?;
    let separator = pipe_cells(lines.next()?)?;
    if header.len() < 2
        || header.len() > MAX_COLUMNS
        || separator.len() != header.len()
        || !separator.iter().all(|c| is_separator_cell(c))
        || !header.iter().all(|c| is_column_name(c, true))
    {
        return None;
    }
    let mut rows = Vec::new();
    for line in lines.take(MAX_ROWS) {
        let cells = pipe_cells(line)?;
        if cells.len() != header.len() {
            return None;
        }
        rows.push(cells);
    }
    Some(rows_of(&header, rows))
}

/// Cells of one delimited line; `"` quotes a cell (`""` inside is a quote).
fn split_delimited(line: &str, delim: char) -> Option<Vec<String>> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            c if c == delim && !quoted => {
                cells.push(std::mem::take(&mut cell));
                if cells.len() > MAX_COLUMNS {
                    return None;
                }
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return None;
    }
    cells.push(cell);
    Some(cells)
}

fn delimited(t: &str, delim: char) -> Option<Value> {
    let mut lines = t.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = split_delimited(lines.next()?, delim)?
        .into_iter()
        .map(|c| c.trim().to_string())
        .collect();
    // A TSV header of two names, a CSV header of three: fewer commas are a sentence's.
    let min_columns = if delim == '\t' { 2 } else { 3 };
    if header.len() < min_columns || !header.iter().all(|c| is_column_name(c, false)) {
        return None;
    }
    let mut rows = Vec::new();
    for line in lines.take(MAX_ROWS) {
        let cells = split_delimited(line, delim)?;
        if cells.len() != header.len() {
            return None;
        }
        rows.push(cells.into_iter().map(|c| c.trim().to_string()).collect());
    }
    Some(rows_of(&header, rows))
}

/// A YAML key line: `key:` or `key: value`, with the key a plain name.
fn yaml_key(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = line.split_once(':')?;
    if !is_column_name(key, false) || key.contains('/') {
        return None;
    }
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest.trim()))
}

fn yaml_mapping(t: &str) -> Option<Value> {
    let mut top_keys = 0usize;
    let mut flow_collection = false;
    for line in t.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with(' ');
        let body = line.trim_start();
        if indented {
            // A continuation: a nested key, or a list item.
            if !(body.starts_with("- ") || body == "-" || yaml_key(body).is_some()) {
                return None;
            }
            continue;
        }
        if body.starts_with("- ") {
            continue;
        }
        let (_, value) = yaml_key(body)?;
        top_keys += 1;
        flow_collection |= matches!(value, "[]" | "{}");
    }
    if top_keys < 2 && !flow_collection {
        return None;
    }
    match serde_yaml::from_str::<Value>(t) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tsv_csv_and_markdown_tables_are_rows_keyed_by_column() {
        let tsv = "carrier\tservice\tall_in_usd\nMSC\tFCL 20GP\t2600\nHapag\tFCL 40HC\t2100\n";
        assert_eq!(
            structure_of(tsv),
            Some(json!([
                {"carrier": "MSC", "service": "FCL 20GP", "all_in_usd": "2600"},
                {"carrier": "Hapag", "service": "FCL 40HC", "all_in_usd": "2100"}
            ]))
        );
        let csv = "listing_id,address,beds\nLS1,\"12 Alder St, Austin\",3\n";
        assert_eq!(
            structure_of(csv),
            Some(json!([{"listing_id": "LS1", "address": "12 Alder St, Austin", "beds": "3"}]))
        );
        let md = "| Assignment | score | max |\n|---|:---:|---|\n| HW1 | 95 | 100 |";
        assert_eq!(
            structure_of(md),
            Some(json!([{"Assignment": "HW1", "score": "95", "max": "100"}]))
        );
    }

    #[test]
    fn a_table_header_without_rows_is_an_empty_list() {
        assert_eq!(
            structure_of("| assignment | score | max |\n|---|---|---|"),
            Some(json!([]))
        );
        assert_eq!(
            structure_of("carrier\tservice\ttransit_days\n"),
            Some(json!([]))
        );
        assert_eq!(structure_of("listing_id,address,beds"), Some(json!([])));
    }

    #[test]
    fn yaml_mappings_are_their_mapping() {
        let yaml = "zip: \"79884\"\npharmacies:\n  - name: Main St\n    distance_mi: 6.3\n";
        assert_eq!(
            structure_of(yaml),
            Some(json!({"zip": "79884", "pharmacies": [{"name": "Main St", "distance_mi": 6.3}]}))
        );
        assert_eq!(structure_of("course: []\n"), Some(json!({"course": []})));
        assert_eq!(
            structure_of("zip: \"16449\"\npharmacies: []\n"),
            Some(json!({"zip": "16449", "pharmacies": []}))
        );
    }

    #[test]
    fn prose_error_lines_and_traces_are_not_structured() {
        for text in [
            "Error: Internal error, our engineers have been notified",
            "Fel: Access token has expired or is not yet valid.",
            "ERROR:  canceling statement due to statement timeout",
            "curl: (28) Operation timed out after 30001 milliseconds",
            "PHP Fatal error:  Uncaught GuzzleHttp\\Exception\\ServerException: Server error\nStack trace:\n#0 {main}",
            "Sorry, I could not find it, please try again later.",
            "Found 3 results: a, b, c\nand more, in the next page",
            "local_rate_limited",
            "<!doctype html><html><head><title>Session expired</title></head></html>",
            "| not a table |\nsome text",
            "name\tvalue\nonly one cell",
            "{\"a\": 1}",
        ] {
            assert_eq!(structure_of(text), None, "{text:?}");
        }
    }

    #[test]
    fn large_tables_are_bounded() {
        let mut text = String::from("a,b,c\n");
        for i in 0..1000 {
            text.push_str(&format!("{i},{i},{i}\n"));
        }
        let rows = structure_of(&text).and_then(|v| v.as_array().map(Vec::len));
        assert_eq!(rows, Some(MAX_ROWS));
        let huge = "a\tb\n".repeat(MAX_TEXT);
        assert_eq!(structure_of(&huge), None);
    }
}
