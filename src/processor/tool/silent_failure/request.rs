//! Which calls ask for the same thing: a later success of the same request masks a failure.
//!
//! Two calls make the same request when they call the same tool with the same argument names
//! and values that are equal once case, spaces and punctuation are set aside: a lookup of
//! `rx150030` that fails and one of `RX-150030` that succeeds, `pat263875` and `pat-263875`,
//! "cotton tshirts" and "cotton t-shirts" name the same record or query, written the way the
//! system wants it the second time. Identifiers that differ in a letter or a digit stay
//! different requests, so a success for another record never masks a failure.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::Value;

/// Nesting past this depth is hashed as one opaque value.
const MAX_DEPTH: usize = 16;

/// A fingerprint of the request: the tool and its arguments, strings reduced to their letters
/// and digits in lower case, object members in name order; arguments that are not JSON are
/// reduced as one string.
pub fn request_key(tool: &str, arguments: Option<&str>) -> u64 {
    let mut h = DefaultHasher::new();
    tool.hash(&mut h);
    let text = arguments.unwrap_or("").trim();
    let parsed = if text.starts_with('{') || text.starts_with('[') {
        serde_json::from_str::<Value>(text).ok()
    } else {
        None
    };
    match parsed {
        Some(v) => hash_value(&v, &mut h, 0),
        None => reduced(text).hash(&mut h),
    }
    h.finish()
}

/// The letters and digits of `s`, in lower case.
fn reduced(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A whole number hashes as its digits, the way an identifier written with them does
/// (`620296`, `"620296 "` and `"#620296"` are one order); other numbers by value.
fn hash_number(n: Option<f64>, h: &mut impl Hasher) {
    match n {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => (3u8, format!("{}", n as i64)).hash(h),
        n => (2u8, n.map(f64::to_bits)).hash(h),
    }
}

fn hash_value(v: &Value, h: &mut impl Hasher, depth: usize) {
    if depth > MAX_DEPTH {
        return 9u8.hash(h);
    }
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => hash_number(n.as_f64(), h),
        // `3` and `"3"`, `true` and `"true"` are the same argument; `1.5` and `15` are not.
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => hash_number(Some(n), h),
            _ => match s.trim().to_ascii_lowercase().as_str() {
                "true" => (1u8, true).hash(h),
                "false" => (1u8, false).hash(h),
                _ => (3u8, reduced(s)).hash(h),
            },
        },
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            items.iter().for_each(|i| hash_value(i, h, depth + 1));
        }
        Value::Object(map) => {
            5u8.hash(h);
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for k in keys {
                k.hash(h);
                hash_value(&map[k], h, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        request_key("get_prescription", Some(a)) == request_key("get_prescription", Some(b))
    }

    #[test]
    fn an_identifier_written_with_other_case_or_punctuation_is_the_same_request() {
        assert!(same(
            r#"{"rx_number": "rx150030"}"#,
            r#"{"rx_number": "RX-150030"}"#
        ));
        assert!(same(
            r#"{"patient_id": "pat263875"}"#,
            r#"{"patient_id": "pat-263875"}"#
        ));
        assert!(same(
            r#"{"q": "cotton tshirts"}"#,
            r#"{"q": "Cotton T-Shirts"}"#
        ));
        assert!(same(r#"{"a": 1, "b": "x"}"#, r#"{"b": "X", "a": "1"}"#));
        assert!(same(r#"{"all": true}"#, r#"{"all": "True"}"#));
        assert!(same("wo18180", "WO-18180"));
        assert!(same(
            r#"{"order_id": "620296 "}"#,
            r##"{"order_id": "#620296"}"##
        ));
        assert!(same(
            r#"{"order_id": 620296}"#,
            r##"{"order_id": "#620296"}"##
        ));
        assert!(same(r#"{"n": 3}"#, r#"{"n": "3.0"}"#));
    }

    #[test]
    fn another_record_tool_or_argument_is_another_request() {
        assert!(!same(
            r#"{"rx_number": "RX-150030"}"#,
            r#"{"rx_number": "RX-150031"}"#
        ));
        assert!(!same(
            r#"{"rx_number": "RX-150030"}"#,
            r#"{"refill_id": "RX-150030"}"#
        ));
        assert!(!same(
            r#"{"rx_number": "RX-1", "store": "A"}"#,
            r#"{"rx_number": "RX-1"}"#
        ));
        assert!(!same(r#"{"ids": ["a", "b"]}"#, r#"{"ids": ["ab"]}"#));
        assert!(!same(r#"{"dose": 1.5}"#, r#"{"dose": 15}"#));
        assert_ne!(
            request_key("get_prescription", Some(r#"{"id": "1"}"#)),
            request_key("get_refill", Some(r#"{"id": "1"}"#))
        );
    }
}
