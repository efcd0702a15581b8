//! A tool result, parsed once per span and shared by every tool processor of a batch.
//!
//! Tool results are often JSON of a few kilobytes. Parsing them is the dominant cost of the tool
//! processors, so the first processor that needs a span's result parses it into a
//! [`ParsedResult`] and leaves it in the batch's [`ToolResultCache`] (one of the batch's
//! [`crate::pipeline::Caches`]), keyed by trace and span id. Later processors of the
//! same batch find it there. The cache is an optimisation only: a processor that rebuilds a batch
//! may drop it, and the next processor then parses again.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

/// Results longer than this are not parsed as JSON; they are classified as text by their start.
pub const MAX_PARSE_BYTES: usize = 256 * 1024;

/// The raw text of a result and, when it is JSON, its parse.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedResult {
    text: String,
    json: Option<Value>,
}

impl ParsedResult {
    /// Parse `text` as JSON when it looks like a JSON object or array.
    pub fn parse(text: &str) -> Self {
        let trimmed = text.trim_start();
        let looks_json = trimmed.starts_with('{') || trimmed.starts_with('[');
        let json = if looks_json && text.len() <= MAX_PARSE_BYTES {
            serde_json::from_str::<Value>(text).ok()
        } else {
            None
        };
        ParsedResult {
            text: text.to_string(),
            json,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The JSON value, when the result is a JSON object or array.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// `null`, an empty string, object or array, or a result that is only whitespace.
    pub fn is_empty(&self) -> bool {
        if let Some(v) = &self.json {
            return match v {
                Value::Null => true,
                Value::Object(m) => m.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.trim().is_empty(),
                _ => false,
            };
        }
        let t = self.text.trim();
        t.is_empty() || matches!(t, "null" | "None" | "\"\"" | "nil" | "undefined")
    }
}

/// The identity of a span within a batch: trace id and span id.
pub type SpanKey = ([u8; 16], [u8; 8]);

/// Build a [`SpanKey`] from OTLP id bytes (short or missing ids are zero-padded).
pub fn span_key(trace_id: &[u8], span_id: &[u8]) -> SpanKey {
    let mut t = [0u8; 16];
    let mut s = [0u8; 8];
    let n = trace_id.len().min(16);
    t[..n].copy_from_slice(&trace_id[..n]);
    let n = span_id.len().min(8);
    s[..n].copy_from_slice(&span_id[..n]);
    (t, s)
}

/// Parsed tool results of one batch, keyed by span. A `BTreeMap`: small inside `Batch`, and it
/// does not allocate until the first entry.
#[derive(Debug, Clone, Default)]
pub struct ToolResultCache {
    parsed: BTreeMap<SpanKey, Arc<ParsedResult>>,
}

impl ToolResultCache {
    /// The parse of `text` for span `key`, parsing it on first use.
    pub fn get_or_parse(&mut self, key: SpanKey, text: &str) -> Arc<ParsedResult> {
        self.parsed
            .entry(key)
            .or_insert_with(|| Arc::new(ParsedResult::parse(text)))
            .clone()
    }

    pub fn len(&self) -> usize {
        self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move the entries of `other` into this cache (when batches are merged).
    pub fn absorb(&mut self, other: ToolResultCache) {
        self.parsed.extend(other.parsed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_and_arrays_are_parsed_text_is_not() {
        assert!(ParsedResult::parse(r#"{"a":1}"#).json().is_some());
        assert!(ParsedResult::parse(" [1,2]").json().is_some());
        assert!(ParsedResult::parse("plain text").json().is_none());
        assert!(ParsedResult::parse("{not json").json().is_none());
    }

    #[test]
    fn empty_results_are_recognised() {
        for t in ["", "  ", "null", "{}", "[]", "None"] {
            assert!(ParsedResult::parse(t).is_empty(), "{t:?}");
        }
        for t in ["0", "{\"a\":null}", "[0]", "no"] {
            assert!(!ParsedResult::parse(t).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn cache_parses_each_span_once() {
        let mut cache = ToolResultCache::default();
        let key = span_key(&[1; 16], &[2; 8]);
        let a = cache.get_or_parse(key, r#"{"a":1}"#);
        let b = cache.get_or_parse(key, "ignored on second use");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.len(), 1);
    }
}
