//! Argument fingerprints, and the usual number of unproductive tool calls per turn of each
//! workflow.

use std::hash::{Hash, Hasher};

use serde_json::Value;

/// A fingerprint of a tool name and its arguments, normalised: JSON object keys in any order,
/// whitespace and letter case in strings, number formatting (`3` and `3.0`), and the keys in
/// `ignored` (request ids, timestamps) do not matter.
pub fn fingerprint(tool: &str, arguments: Option<&str>, ignored: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    tool.hash(&mut h);
    let text = arguments.unwrap_or("").trim();
    let parsed = if text.starts_with('{') || text.starts_with('[') {
        serde_json::from_str::<Value>(text).ok()
    } else {
        None
    };
    match parsed {
        Some(v) => hash_value(&v, ignored, &mut h),
        None => normalise_text(text).hash(&mut h),
    }
    h.finish()
}

/// The top-level arguments of a call as (name, normalised value) fingerprints, sorted by name,
/// for telling a default argument given from the same call with it omitted. `None` when the
/// arguments are not a JSON object.
pub fn argument_members(arguments: Option<&str>, ignored: &[String]) -> Option<Vec<(u64, u64)>> {
    let text = arguments.unwrap_or("").trim();
    if !text.starts_with('{') {
        return None;
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let mut out: Vec<(u64, u64)> = map
        .iter()
        .filter(|(k, _)| !ignored.iter().any(|i| i.eq_ignore_ascii_case(k)))
        .take(64)
        .map(|(k, v)| {
            let mut kh = std::collections::hash_map::DefaultHasher::new();
            k.hash(&mut kh);
            let mut vh = std::collections::hash_map::DefaultHasher::new();
            hash_value(v, ignored, &mut vh);
            (kh.finish(), vh.finish())
        })
        .collect();
    out.sort_unstable();
    Some(out)
}

/// Whether one call's arguments are the other's with some arguments left out (every argument
/// both give has the same value).
pub fn extends(a: Option<&[(u64, u64)]>, b: Option<&[(u64, u64)]>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().all(|m| large.contains(m))
}

fn normalise_text(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

fn hash_value(v: &Value, ignored: &[String], h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            n.as_f64().map(f64::to_bits).hash(h);
        }
        Value::String(s) => {
            // `3` and `"3"`, `false` and `"false"` are the same argument.
            let t = s.trim();
            if let Ok(n) = t.parse::<f64>() {
                if n.is_finite() && !t.is_empty() {
                    2u8.hash(h);
                    Some(n.to_bits()).hash(h);
                    return;
                }
            }
            match t.to_ascii_lowercase().as_str() {
                "true" => (1u8, true).hash(h),
                "false" => (1u8, false).hash(h),
                _ => (3u8, normalise_text(s)).hash(h),
            }
        }
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            for i in items {
                hash_value(i, ignored, h);
            }
        }
        Value::Object(map) => {
            5u8.hash(h);
            let mut keys: Vec<&String> = map
                .keys()
                .filter(|k| !ignored.iter().any(|i| i.eq_ignore_ascii_case(k)))
                .collect();
            keys.sort();
            for k in keys {
                k.hash(h);
                hash_value(&map[k], ignored, h);
            }
        }
    }
}

/// The usual tool calls per turn of one workflow: a running mean over finished turns.
#[derive(Debug, Clone, Copy, Default)]
pub struct TurnBaseline {
    pub turns: u32,
    pub mean: f64,
}

impl TurnBaseline {
    /// Add a finished turn; the mean weighs at most the last 200 turns.
    pub fn add(&mut self, calls: u32) {
        self.turns = self.turns.saturating_add(1);
        let weight = 1.0 / f64::from(self.turns.min(200));
        self.mean += (f64::from(calls) - self.mean) * weight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_formatting_order_and_volatile_keys() {
        let ignored = vec!["request_id".to_string()];
        let a = fingerprint(
            "search",
            Some(r#"{"query": "Reset  link", "top_k": 3, "request_id": "1"}"#),
            &ignored,
        );
        let b = fingerprint(
            "search",
            Some(r#"{ "top_k": 3.0, "query": "reset link", "request_id": "2" }"#),
            &ignored,
        );
        assert_eq!(a, b);
        let c = fingerprint(
            "search",
            Some(r#"{"query": "other", "top_k": 3}"#),
            &ignored,
        );
        assert_ne!(a, c);
        let d = fingerprint(
            "lookup",
            Some(r#"{"query": "reset link", "top_k": 3}"#),
            &ignored,
        );
        assert_ne!(a, d, "the tool name is part of the fingerprint");
        assert_eq!(
            fingerprint("hotels", Some(r#"{"nights": 3, "late": false}"#), &ignored),
            fingerprint(
                "hotels",
                Some(r#"{"nights": "3", "late": "false"}"#),
                &ignored
            ),
            "a number or boolean given as a string is the same argument"
        );
        assert_eq!(
            fingerprint("shell", Some("ls   -la"), &ignored),
            fingerprint("shell", Some("LS -la "), &ignored)
        );
    }

    #[test]
    fn the_baseline_is_a_running_mean() {
        let mut b = TurnBaseline::default();
        for c in [2, 4, 3, 3] {
            b.add(c);
        }
        assert_eq!(b.turns, 4);
        assert!((b.mean - 3.0).abs() < 1e-9);
    }
}
