//! Failure evidence inside a JSON result.
//!
//! Healthy data mentions errors all the time (`{"errors": []}`, `{"error_count": 0}`, a help
//! article titled "Error handling"), so only structure counts, never free text:
//! - a success flag that says no: `ok: false`, `success: false`, `succeeded: false`,
//!   `isError: true` (MCP `CallToolResult`), `is_error: true`, at any object depth;
//! - a non-empty error member: `error`, `errors`, `err`, `error_message`, `errorMessage`,
//!   `fault`, `exception`, `failure` holding a non-empty string, object, array or `true`, at any
//!   object depth. A GraphQL `errors` list beside non-null `data` is a partial success and not
//!   counted;
//! - an HTTP status member (`status`, `status_code`, `statusCode`, `http_status`...) of 400-599,
//!   at any object depth; a numeric `code` of 400-599 when it sits beside a message;
//! - at the top level (or one envelope down): a gRPC status (`{"code": 16, "message": ..,
//!   "details": []}`), a `status` string of `error`/`failed`/`failure`/
//!   `fatal` or an auth, rate-limit, timeout or network code, and a `code` string that is a known
//!   failure code (`{"code": "UNAUTHENTICATED"}`).
//!
//! Arrays are not searched, except error lists: their elements are records (search hits, log
//! lines), and a record describing an error is data.

use serde_json::{Map, Value};

use super::rules::{normalise_code, Ruleset};
use super::{FailureSignal, Outcome};

/// Object depth searched below the top level.
const MAX_DEPTH: usize = 6;

const ERROR_KEYS: &[&str] = &[
    "error",
    "errors",
    "err",
    "error_message",
    "errorMessage",
    "error_msg",
    "fault",
    "exception",
    "failure",
];
const STATUS_KEYS: &[&str] = &[
    "status",
    "status_code",
    "statusCode",
    "http_status",
    "httpStatus",
    "http_status_code",
    "httpStatusCode",
    "response_code",
    "responseCode",
];
const MESSAGE_KEYS: &[&str] = &[
    "message",
    "msg",
    "detail",
    "details",
    "description",
    "error_description",
    "errorMessage",
    "error_message",
    "title",
    "reason",
    "text",
];
const CODE_KEYS: &[&str] = &[
    "code",
    "error_code",
    "errorCode",
    "type",
    "reason",
    "status",
    "name",
    "kind",
];
const FAILURE_WORDS: &[&str] = &["ERROR", "FAILED", "FAILURE", "FAIL", "FATAL", "ERRORED"];

/// A failure stated by a JSON result, if any.
pub fn failure_signal(value: &Value, rules: &Ruleset) -> Option<FailureSignal> {
    match value {
        Value::Object(obj) => inspect(obj, 0, rules),
        _ => None,
    }
}

fn inspect(obj: &Map<String, Value>, depth: usize, rules: &Ruleset) -> Option<FailureSignal> {
    if let Some(s) = own_failure(obj, depth, rules) {
        return Some(s);
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    obj.values().find_map(|v| match v {
        Value::Object(child) => inspect(child, depth + 1, rules),
        _ => None,
    })
}

/// A failure stated by this object's own members.
fn own_failure(obj: &Map<String, Value>, depth: usize, rules: &Ruleset) -> Option<FailureSignal> {
    let flag_says_failed = ["ok", "success", "succeeded", "successful"]
        .iter()
        .any(|k| obj.get(*k) == Some(&Value::Bool(false)))
        || ["isError", "is_error", "failed", "has_error"]
            .iter()
            .any(|k| obj.get(*k) == Some(&Value::Bool(true)));
    if flag_says_failed {
        return Some(collect(obj, 0));
    }
    for key in ERROR_KEYS {
        let Some(v) = obj.get(*key) else { continue };
        if *key == "errors" && obj.get("data").is_some_and(|d| !d.is_null()) {
            continue;
        }
        if is_meaningful_error(v) {
            return Some(collect(obj, 0));
        }
    }
    if let Some(status) = http_status_member(obj) {
        let mut s = collect(obj, 0);
        if !s.statuses.contains(&status) {
            s.statuses.insert(0, status);
        }
        return Some(s);
    }
    if let Some(code) = obj.get("code").and_then(as_int) {
        if (400..=599).contains(&code) && has_message(obj) {
            return Some(collect(obj, 0));
        }
    }
    if depth <= 1 {
        if let Some(status) = obj.get("status").and_then(Value::as_str) {
            if is_failure_status_word(status, rules) {
                return Some(collect(obj, 0));
            }
        }
        if let Some(code) = obj.get("code").and_then(Value::as_str) {
            if rules.is_failure_code(code) && looks_like_code(code) {
                return Some(collect(obj, 0));
            }
        }
        if is_grpc_status(obj, rules) {
            return Some(collect(obj, 0));
        }
    }
    None
}

/// A `google.rpc.Status` in JSON: `{"code": 1..16, "message": ..., "details": [...]}`. Without
/// `details`, the message must itself read as a failure.
fn is_grpc_status(obj: &Map<String, Value>, rules: &Ruleset) -> bool {
    let Some(code) = obj.get("code").and_then(Value::as_i64) else {
        return false;
    };
    let Some(message) = obj.get("message").and_then(Value::as_str) else {
        return false;
    };
    (1..=16).contains(&code)
        && (obj.contains_key("details") || rules.class_of_text(message).is_some())
}

fn is_meaningful_error(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(_) => false,
        Value::String(s) => {
            let t = s.trim();
            !t.is_empty()
                && !matches!(
                    t.to_ascii_lowercase().as_str(),
                    "none" | "null" | "nil" | "ok" | "false" | "0" | "no" | "n/a" | "success"
                )
        }
        Value::Array(a) => a.iter().any(is_meaningful_error),
        Value::Object(o) => o.values().any(|v| match v {
            Value::String(s) => !s.trim().is_empty(),
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::Bool(b) => *b,
            Value::Object(_) | Value::Array(_) => is_meaningful_error(v),
            Value::Null => false,
        }),
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if s.len() == 3 => s.parse().ok(),
        _ => None,
    }
}

fn http_status_member(obj: &Map<String, Value>) -> Option<i64> {
    STATUS_KEYS
        .iter()
        .filter_map(|k| obj.get(*k).and_then(as_int))
        .find(|s| (400..=599).contains(s))
}

fn has_message(obj: &Map<String, Value>) -> bool {
    MESSAGE_KEYS.iter().any(|k| {
        obj.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
    }) || obj.contains_key("error")
}

/// A `status` string that means the call failed, not a business state such as `cancelled` or
/// `unavailable`.
fn is_failure_status_word(status: &str, rules: &Ruleset) -> bool {
    let n = normalise_code(status);
    if FAILURE_WORDS.contains(&n.as_str()) {
        return true;
    }
    looks_like_code(status)
        && matches!(
            rules.class_of_code(status),
            Some(Outcome::Auth | Outcome::RateLimited | Outcome::Timeout | Outcome::Network)
        )
}

/// Codes are single tokens: no spaces, not too long.
fn looks_like_code(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.len() <= 64 && !t.contains(char::is_whitespace)
}

/// Gather statuses, codes and messages of a failed object (and its nested error members).
fn collect(obj: &Map<String, Value>, depth: usize) -> FailureSignal {
    let mut s = FailureSignal::default();
    for k in STATUS_KEYS
        .iter()
        .chain(["code", "error_code", "errorCode"].iter())
    {
        if let Some(n) = obj.get(*k).and_then(as_int) {
            if (400..=599).contains(&n) {
                s.statuses.push(n);
            } else if *k == "code" && (1..=16).contains(&n) {
                s.grpc_codes.push(n);
            }
        }
    }
    for k in CODE_KEYS {
        if let Some(c) = obj.get(*k).and_then(Value::as_str) {
            if looks_like_code(c) && c.parse::<i64>().is_err() {
                s.codes.push(c.to_string());
            }
        }
    }
    for k in MESSAGE_KEYS {
        match obj.get(*k) {
            Some(Value::String(m)) if !m.trim().is_empty() => s.messages.push(m.clone()),
            Some(Value::Array(items)) if *k == "details" => {
                for item in items.iter().take(3) {
                    if let Value::Object(o) = item {
                        if let Some(reason) = o.get("reason").and_then(Value::as_str) {
                            s.codes.push(reason.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(Value::Array(content)) = obj.get("content") {
        for part in content.iter().take(4) {
            if let Some(t) = part.get("text").and_then(Value::as_str) {
                s.messages.push(t.to_string());
            }
        }
    }
    if depth >= 3 {
        return s;
    }
    for key in ERROR_KEYS {
        match obj.get(*key) {
            Some(Value::String(m)) if is_meaningful_error(&Value::String(m.clone())) => {
                if looks_like_code(m) {
                    s.codes.push(m.clone());
                }
                s.messages.push(m.clone());
            }
            Some(Value::Object(inner)) => {
                let inner = collect(inner, depth + 1);
                merge_front(&mut s, inner);
            }
            Some(Value::Array(items)) => {
                for item in items.iter().take(3) {
                    match item {
                        Value::Object(inner) => {
                            let inner = collect(inner, depth + 1);
                            merge_front(&mut s, inner);
                        }
                        Value::String(m) => s.messages.push(m.clone()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(Value::Object(ext)) = obj.get("extensions") {
        if let Some(c) = ext.get("code").and_then(Value::as_str) {
            s.codes.push(c.to_string());
        }
    }
    s
}

/// Nested error objects are more specific than their envelope: put their evidence first.
fn merge_front(into: &mut FailureSignal, mut inner: FailureSignal) {
    inner.statuses.append(&mut into.statuses);
    inner.grpc_codes.append(&mut into.grpc_codes);
    inner.codes.append(&mut into.codes);
    inner.messages.append(&mut into.messages);
    *into = inner;
}
