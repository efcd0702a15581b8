//! The pure side of loop detection: argument fingerprints, repeat counting per session and turn,
//! and the usual number of tool calls per turn of each workflow.

use std::collections::HashMap;
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
        Value::String(s) => (3u8, normalise_text(s)).hash(h),
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

/// Repeat counts of one session.
#[derive(Debug, Default)]
pub struct SessionCalls {
    /// (turn, fingerprint) → calls; turn 0 when counting per session.
    repeats: HashMap<(u32, u64), u32>,
    /// turn → tool calls in it.
    per_turn: HashMap<u32, u32>,
    /// The highest turn seen; turns below it are finished.
    pub current_turn: u32,
    /// Turns already added to the workflow baseline.
    counted_up_to: u32,
    /// The turn the loop was detected in, once it was.
    pub looping_since: Option<u32>,
}

/// At most this many distinct (turn, fingerprint) pairs per session.
const MAX_FINGERPRINTS: usize = 4096;

impl SessionCalls {
    /// Count one call; returns how often this fingerprint was called in its scope and how many
    /// tool calls its turn has now.
    pub fn count(&mut self, turn: u32, fingerprint: u64, per_session: bool) -> (u32, u32) {
        let scope = if per_session { 0 } else { turn };
        let repeats = if self.repeats.len() < MAX_FINGERPRINTS
            || self.repeats.contains_key(&(scope, fingerprint))
        {
            let r = self.repeats.entry((scope, fingerprint)).or_default();
            *r += 1;
            *r
        } else {
            1
        };
        let in_turn = self.per_turn.entry(turn).or_default();
        *in_turn += 1;
        (repeats, *in_turn)
    }

    /// Note a span of `turn`; returns the tool-call counts of turns that are now finished.
    pub fn advance(&mut self, turn: u32) -> Vec<u32> {
        self.current_turn = self.current_turn.max(turn);
        self.finish_below(self.current_turn)
    }

    /// The tool-call counts of every turn not yet counted (the session ended).
    pub fn finish_all(&mut self) -> Vec<u32> {
        self.finish_below(self.current_turn.saturating_add(1))
    }

    fn finish_below(&mut self, limit: u32) -> Vec<u32> {
        let mut out = Vec::new();
        while self.counted_up_to + 1 < limit {
            self.counted_up_to += 1;
            let t = self.counted_up_to;
            out.push(self.per_turn.remove(&t).unwrap_or(0));
            self.repeats.retain(|(turn, _), _| *turn != t);
        }
        out
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
            fingerprint("shell", Some("ls   -la"), &ignored),
            fingerprint("shell", Some("LS -la "), &ignored)
        );
    }

    #[test]
    fn repeats_count_per_turn_or_per_session() {
        let mut s = SessionCalls::default();
        assert_eq!(s.count(1, 7, false), (1, 1));
        assert_eq!(s.count(1, 7, false), (2, 2));
        assert_eq!(s.count(2, 7, false), (1, 1));
        let mut s = SessionCalls::default();
        s.count(1, 7, true);
        s.count(2, 7, true);
        assert_eq!(s.count(3, 7, true).0, 3);
    }

    #[test]
    fn finished_turns_are_reported_once() {
        let mut s = SessionCalls::default();
        s.advance(1);
        s.count(1, 1, false);
        s.count(1, 2, false);
        assert!(s.advance(1).is_empty());
        assert_eq!(s.advance(3), vec![2, 0]);
        assert!(s.advance(2).is_empty());
        s.count(3, 1, false);
        assert_eq!(s.finish_all(), vec![1]);
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
