//! What a tool call answered, for "the same result or the same failure": volatile members of a
//! result (request, trace and span ids, `took`, server timestamps) do not make two answers
//! different, and a failure is the same failure when its kind is (the trace id, URL or traceback
//! line it carries is incidental).

use std::hash::{Hash, Hasher};

use serde_json::Value;

use super::super::classifier::Outcome;

/// Nesting depth searched for JSON carried in a string (MCP `text` content) and in objects.
const MAX_DEPTH: usize = 8;

/// A fingerprint of what a call of `tool` answered: its outcome and, for a success or a
/// failure without a specific kind, its result with volatile members left out.
pub fn answer_fingerprint(tool: &str, outcome: Outcome, result: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    tool.hash(&mut h);
    outcome.as_str().hash(&mut h);
    match outcome {
        // A failure of a specific kind is the same failure whatever ids, URLs or line numbers
        // its text carries; an empty result is the same emptiness.
        Outcome::Auth
        | Outcome::RateLimited
        | Outcome::Timeout
        | Outcome::Network
        | Outcome::NotFound
        | Outcome::ServerError
        | Outcome::Empty => {}
        Outcome::Ok => hash_result(result.trim(), false, &mut h),
        Outcome::BadRequest | Outcome::SchemaMismatch | Outcome::Error => {
            hash_result(result.trim(), true, &mut h)
        }
    }
    h.finish()
}

fn hash_result(text: &str, failed: bool, h: &mut impl Hasher) {
    match parse_json(text) {
        Some(v) => hash_value(&v, failed, 0, h),
        None => hash_text(text, failed, h),
    }
}

fn parse_json(text: &str) -> Option<Value> {
    if text.starts_with('{') || text.starts_with('[') {
        serde_json::from_str::<Value>(text).ok()
    } else {
        None
    }
}

fn hash_value(v: &Value, failed: bool, depth: usize, h: &mut impl Hasher) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => {
            3u8.hash(h);
            let t = s.trim();
            match parse_json(t) {
                Some(inner) => hash_value(&inner, failed, depth + 1, h),
                None => hash_text(t, failed, h),
            }
        }
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            for i in items {
                hash_value(i, failed, depth + 1, h);
            }
        }
        Value::Object(map) => {
            5u8.hash(h);
            let mut keys: Vec<&String> = map.keys().filter(|k| !volatile_key(k)).collect();
            keys.sort();
            for k in keys {
                k.hash(h);
                hash_value(&map[k], failed, depth + 1, h);
            }
        }
    }
}

/// Text, word by word: ids, uuids and timestamps are volatile; in a failure's text so are
/// URLs and numbers (line numbers, ports, resource ids in the message).
fn hash_text(text: &str, failed: bool, h: &mut impl Hasher) {
    for word in text.split_whitespace() {
        if volatile_value(word) || (failed && word.contains("://")) {
            0u8.hash(h);
        } else if failed {
            word.chars()
                .filter(|c| !c.is_ascii_digit())
                .for_each(|c| c.hash(h));
            1u8.hash(h);
        } else {
            word.hash(h);
        }
    }
}

/// Keys whose values change on every call by their meaning: request, trace, span and
/// correlation ids, the server's own timing of the request, server timestamps and nonces.
pub fn volatile_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const IDS: [&str; 5] = [
        "requestid",
        "traceid",
        "spanid",
        "correlationid",
        "traceparent",
    ];
    // `took` is how long the server spent on this request (search engines' metadata); a
    // measured latency (`latency_ms` of a health check or ping) is the result itself.
    const PER_CALL: [&str; 7] = [
        "took",
        "tookms",
        "timestamp",
        "servertime",
        "nonce",
        "etag",
        "generatedat",
    ];
    IDS.iter().any(|i| k.ends_with(i)) || PER_CALL.contains(&k.as_str())
}

/// Values that look generated per call: uuids, W3C trace parents, long hex ids (also behind a
/// short prefix such as `req_`) and ISO 8601 timestamps with a time of day.
pub fn volatile_value(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if w.len() < 16 || w.len() > 64 {
        return false;
    }
    let id = w.rsplit(['_', ':']).next().unwrap_or(w);
    let hexish = |s: &str| {
        s.len() >= 16
            && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
            && s.chars().any(|c| c.is_ascii_digit())
            && s.chars().filter(char::is_ascii_hexdigit).count() >= 16
    };
    if hexish(id) {
        return true;
    }
    // 2026-12-07T18:40:04(.120)(Z|+00:00)
    let b = w.as_bytes();
    b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b' ')
        && b[13] == b':'
        && b[16] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_differing_only_in_request_trace_ids_or_took_are_the_same_answer() {
        let a = r#"{"orders":[{"id":"o1"}],"total":7,"request_id":"0ed4980371d0c7c6"}"#;
        let b = r#"{"orders":[{"id":"o1"}],"total":7,"request_id":"5891c4c4f456adb7"}"#;
        assert_eq!(
            answer_fingerprint("list_orders", Outcome::Ok, a),
            answer_fingerprint("list_orders", Outcome::Ok, b)
        );
        let mcp = |took: u32| {
            format!(
                r#"{{"content":[{{"type":"text","text":"{{\"took\": {took}, \"hits\": {{\"total\": 225}}}}"}}]}}"#
            )
        };
        assert_eq!(
            answer_fingerprint("search_logs", Outcome::Ok, &mcp(69)),
            answer_fingerprint("search_logs", Outcome::Ok, &mcp(16))
        );
        let meta = |id: &str| format!(r#"{{"meta":{{"count":3,"x":"{id}"}},"data":[1]}}"#);
        assert_eq!(
            answer_fingerprint("s", Outcome::Ok, &meta("req_598641357294aa0f")),
            answer_fingerprint("s", Outcome::Ok, &meta("req_0e1f3c9a7b2d4e11"))
        );
    }

    #[test]
    fn results_that_change_in_their_data_stay_different_answers() {
        let poll = |state: &str, progress: u32| {
            format!(
                r#"{{"job_id":"job-1","state":"{state}","progress":{progress},"trace_id":"ab12cd34ef56ab78"}}"#
            )
        };
        assert_ne!(
            answer_fingerprint("get_job_status", Outcome::Ok, &poll("running", 25)),
            answer_fingerprint("get_job_status", Outcome::Ok, &poll("running", 50))
        );
        let page = |id: &str| format!(r#"{{"shipments":[{{"id":"{id}"}}],"next":"p2"}}"#);
        assert_ne!(
            answer_fingerprint("list", Outcome::Ok, &page("s0-1-0")),
            answer_fingerprint("list", Outcome::Ok, &page("s0-1-1"))
        );
        let health = |ms: u32| format!(r#"{{"service":"ingest","ok":true,"latency_ms":{ms}}}"#);
        assert_ne!(
            answer_fingerprint("health_check", Outcome::Ok, &health(12)),
            answer_fingerprint("health_check", Outcome::Ok, &health(40)),
            "a measured latency is the result, not a volatile member"
        );
        assert_ne!(
            answer_fingerprint("t", Outcome::Ok, "balance 10"),
            answer_fingerprint("t", Outcome::Ok, "balance 11")
        );
    }

    #[test]
    fn the_same_failure_with_a_new_trace_id_url_or_line_number_is_the_same_answer() {
        let problem = |trace: &str| {
            format!(
                r#"{{"title":"Gateway Timeout","status":504,"traceId":"00-{trace}-063ea4bc31538403-00"}}"#
            )
        };
        assert_eq!(
            answer_fingerprint(
                "t",
                Outcome::Timeout,
                &problem("a493db3d8f95a1271592237bb2dd7421")
            ),
            answer_fingerprint(
                "t",
                Outcome::Timeout,
                &problem("3020da08b15ef78862f335489eee705d")
            )
        );
        let tb = |line: u32, url: &str| {
            format!("Traceback:\n  File \"client.py\", line {line}, in call\nHTTPError: boom for url: {url}")
        };
        assert_eq!(
            answer_fingerprint(
                "t",
                Outcome::Error,
                &tb(129, "https://a.example/v1/orders/22917")
            ),
            answer_fingerprint(
                "t",
                Outcome::Error,
                &tb(83, "https://b.example/v2/items/5775")
            )
        );
        assert_ne!(
            answer_fingerprint("t", Outcome::Error, "invalid field: name"),
            answer_fingerprint("t", Outcome::Error, "invalid field: email")
        );
        assert_ne!(
            answer_fingerprint("t", Outcome::Timeout, "x"),
            answer_fingerprint("t", Outcome::RateLimited, "x")
        );
    }
}
