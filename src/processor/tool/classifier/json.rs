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
    "errmsg",
    "retmsg",
    "title",
    "reason",
    "text",
];
const CODE_KEYS: &[&str] = &[
    "code",
    "__type",
    "error_type",
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
///
/// `report`: the result is the report of a tool that checks the state of something (a health
/// check, a ping, a link check; [`super::reports_state`]). Its success flags, statuses, error
/// members and messages describe the thing checked, so only MCP `isError` or a failure about
/// the caller (its credentials or quota) says that the check itself failed.
pub fn failure_signal(value: &Value, rules: &Ruleset, report: bool) -> Option<FailureSignal> {
    match value {
        Value::Object(obj) => inspect(obj, 0, rules, report),
        _ => None,
    }
}

fn inspect(
    obj: &Map<String, Value>,
    depth: usize,
    rules: &Ruleset,
    report: bool,
) -> Option<FailureSignal> {
    if let Some(s) = own_failure(obj, depth, rules, report) {
        return Some(s);
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    // Only wrappers of envelopes are searched below the top: a record's nested objects (even
    // one named `result`) are its data.
    let is_wrapper = obj.keys().all(|k| {
        let n = normalise_key(k);
        WRAPPER_KEYS.contains(&n.as_str()) || ENVELOPE_KEYS.contains(&n.as_str())
    });
    if !is_wrapper {
        return None;
    }
    obj.iter().find_map(|(k, v)| match v {
        Value::Object(child) if WRAPPER_KEYS.contains(&normalise_key(k).as_str()) => {
            inspect(child, depth + 1, rules, report)
        }
        _ => None,
    })
}

/// Members that wrap a response rather than hold data of their own.
const WRAPPER_KEYS: &[&str] = &[
    "response",
    "body",
    "data",
    "result",
    "payload",
    "output",
    "structuredcontent",
    "reply",
    "return",
    "d",
    "content",
    "envelope",
    "fault",
    "error",
    "errors",
];

/// Keys compared without case, `_`, `-` or a leading `__` (`Error`, `error_message`,
/// `errorMessage`, `__type` and `Type` all name the same member).
pub fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A member of `obj` whose normalised key is one of `names` (normalised).
fn member<'a>(obj: &'a Map<String, Value>, names: &[&str]) -> Option<(&'a str, &'a Value)> {
    obj.iter()
        .find(|(k, _)| names.contains(&normalise_key(k).as_str()))
        .map(|(k, v)| (k.as_str(), v))
}

/// Members an error envelope is made of. An object made only of these is *about the call*
/// (`{"status": 404, "message": "..."}`, RFC 7807, `{"ok": false, "error": ...}`); an object
/// with any other member is a record the tool returned (a payment whose `status` is `failed`,
/// a link check whose `status` is 404, a health check saying `ok: false`), and its status
/// fields are business data.
const ENVELOPE_KEYS: &[&str] = &[
    "status",
    "statuscode",
    "httpstatus",
    "httpstatuscode",
    "responsecode",
    "code",
    "errorcode",
    "message",
    "msg",
    "detail",
    "details",
    "description",
    "errordescription",
    "errormessage",
    "errormsg",
    "errcode",
    "errmsg",
    "errno",
    "retcode",
    "retmsg",
    "outcome",
    "error",
    "errors",
    "err",
    "fault",
    "exception",
    "failure",
    "title",
    "type",
    "errortype",
    "reason",
    "instance",
    "ok",
    "success",
    "succeeded",
    "successful",
    "iserror",
    "failed",
    "haserror",
    "content",
    "structuredcontent",
    "requestid",
    "traceid",
    "timestamp",
    "time",
    "path",
    "method",
    "documentationurl",
    "help",
    "hint",
    "retryafter",
    "kind",
    "name",
    "stack",
    "stacktrace",
    "faultcode",
    "faultstring",
    "level",
    "innererror",
    "target",
    "extensions",
    "locations",
    "localizedmessage",
    "data",
    "result",
    "text",
    "statustext",
    "statusmessage",
    "requestidentifier",
    "correlationid",
    "more",
    "moreinfo",
    "links",
    "info",
];

fn is_envelope(obj: &Map<String, Value>) -> bool {
    !obj.is_empty()
        && obj.iter().all(|(k, v)| {
            let n = normalise_key(k);
            ENVELOPE_KEYS.contains(&n.as_str())
                // `data`/`result` beside an error are envelopes only when they carry nothing
                // (or, for `result`, a word: `{"result": "error", "reason": ...}`).
                && match n.as_str() {
                    "data" => v.is_null(),
                    "result" => v.is_null() || v.is_string(),
                    _ => true,
                }
        })
}

const SUCCESS_FLAGS: &[&str] = &["ok", "success", "succeeded", "successful"];
const FAILURE_FLAGS: &[&str] = &["iserror", "failed", "haserror"];
const ERROR_MEMBERS: &[&str] = &[
    "error",
    "errors",
    "err",
    "errormessage",
    "errormsg",
    "fault",
    "exception",
    "failure",
];

/// A failure stated by this object's own members.
fn own_failure(
    obj: &Map<String, Value>,
    depth: usize,
    rules: &Ruleset,
    report: bool,
) -> Option<FailureSignal> {
    // MCP `isError: true` is the protocol's own verdict on the call.
    if member(obj, &["iserror"]).is_some_and(|(_, v)| *v == Value::Bool(true)) {
        return Some(collect(obj, 0));
    }
    if report {
        // A state report: its flags, statuses, error members and messages are the state of
        // the thing checked (`{"ok": false, "error": "disk 97% full"}`). Only a failure
        // about the caller, its credentials or its quota, says the check itself failed.
        return (depth <= 1)
            .then(|| collect(obj, 0))
            .filter(|s| about_caller(s, rules));
    }
    let envelope = is_envelope(obj);
    let has_error_member = obj.iter().any(|(k, v)| {
        let n = normalise_key(k);
        ERROR_MEMBERS.contains(&n.as_str())
            && is_meaningful_error(v)
            && !(n == "errors" && obj.get("data").is_some_and(has_some_data))
    });
    if has_error_member {
        return Some(collect(obj, 0));
    }
    let flag_says_failed = obj.iter().any(|(k, v)| {
        let n = normalise_key(k);
        (SUCCESS_FLAGS.contains(&n.as_str()) && *v == Value::Bool(false))
            || (FAILURE_FLAGS.contains(&n.as_str()) && *v == Value::Bool(true))
    });
    // A serialised exception (`{"name": "TokenExpiredError", "message": "jwt expired",
    // "expiredAt": ...}`): the result is the error itself, whatever else it carries.
    if depth == 0 && is_exception_object(obj, rules) {
        return Some(collect(obj, 0));
    }
    // A Kubernetes API `Status` (`{"kind": "Status", "status": "Failure", "code": 401,
    // "reason": "Unauthorized", ...}`): the API server's own answer that the call failed.
    if depth == 0 && is_kubernetes_failure(obj) {
        return Some(collect(obj, 0));
    }
    // Below here every signal is a status or code field, which is business data in a record.
    if !envelope {
        return None;
    }
    if flag_says_failed {
        return Some(collect(obj, 0));
    }
    if let Some(status) = http_status_member(obj) {
        let mut s = collect(obj, 0);
        if !s.statuses.contains(&status) {
            s.statuses.insert(0, status);
        }
        return Some(s);
    }
    // `{"errcode": 40001, "errmsg": ...}`, `{"errno": -2, ...}`: a numbered error whose zero
    // (or HTTP-like 2xx) means success.
    if obj.iter().any(|(k, v)| {
        matches!(normalise_key(k).as_str(), "errcode" | "errno" | "retcode")
            && v.as_i64()
                .is_some_and(|c| c != 0 && !(200..300).contains(&c))
    }) {
        return Some(collect(obj, 0));
    }
    if let Some(code) = member(obj, &["code"]).and_then(|(_, v)| as_int(v)) {
        if (400..=599).contains(&code) && has_message(obj) {
            return Some(collect(obj, 0));
        }
    }
    if depth <= 1 {
        for (_, v) in obj
            .iter()
            .filter(|(k, _)| matches!(normalise_key(k).as_str(), "status" | "result" | "outcome"))
        {
            if v.as_str().is_some_and(|s| is_failure_status_word(s, rules)) {
                return Some(collect(obj, 0));
            }
        }
        if failure_code_member(obj, rules) {
            return Some(collect(obj, 0));
        }
        if is_grpc_status(obj, rules) {
            return Some(collect(obj, 0));
        }
        // `{"message": "The access token expired"}`: an envelope whose only news is a message
        // that states a failure, with no status saying the call worked.
        let says_success = obj.iter().any(|(k, v)| {
            let n = normalise_key(k);
            (SUCCESS_FLAGS.contains(&n.as_str()) && *v == Value::Bool(true))
                || (n == "status"
                    && (as_int(v).is_some_and(|s| (100..400).contains(&s))
                        || v.as_str().is_some_and(|s| {
                            matches!(normalise_code(s).as_str(), "OK" | "SUCCESS" | "DONE")
                        })))
        });
        if !says_success {
            let message = MESSAGE_KEYS.iter().find_map(|k| {
                member(obj, &[normalise_key(k).as_str()]).and_then(|(_, v)| v.as_str())
            });
            if let Some(m) = message.filter(|m| m.len() <= 300) {
                if rules.class_of_text(m).is_some() {
                    return Some(collect(obj, 0));
                }
            }
        }
    }
    None
}

/// A failure signal that is about the caller: its credentials or its quota.
fn about_caller(s: &FailureSignal, rules: &Ruleset) -> bool {
    let caller = |c: Option<Outcome>| matches!(c, Some(Outcome::Auth | Outcome::RateLimited));
    s.statuses.iter().any(|x| caller(rules.class_of_status(*x)))
        || s.codes.iter().any(|c| caller(rules.class_of_code(c)))
        || s.codes
            .iter()
            .chain(s.messages.iter())
            .filter(|m| m.len() <= 300)
            .any(|m| caller(rules.class_of_text(m)))
}

/// A code member naming a known failure (`{"code": "UNAUTHENTICATED"}`, `__type`).
fn failure_code_member(obj: &Map<String, Value>, rules: &Ruleset) -> bool {
    obj.iter().any(|(k, v)| {
        matches!(
            normalise_key(k).as_str(),
            "code" | "errorcode" | "type" | "errortype" | "name" | "kind"
        ) && v
            .as_str()
            .is_some_and(|c| rules.is_failure_code(c) && looks_like_code(c))
    })
}

/// `kind: Status` with `status: Failure`, the failure form of every Kubernetes-style API
/// (`metav1.Status`); its `status: Success` form is not a failure.
fn is_kubernetes_failure(obj: &Map<String, Value>) -> bool {
    let field = |k: &str| obj.get(k).and_then(Value::as_str);
    field("kind") == Some("Status")
        && field("status").is_some_and(|s| s.eq_ignore_ascii_case("failure"))
}

/// An object naming its exception class (`name`, `__type`, `type`: `...Error`,
/// `...Exception`) that is a known failure, with a message.
fn is_exception_object(obj: &Map<String, Value>, rules: &Ruleset) -> bool {
    obj.iter().any(|(k, v)| {
        matches!(normalise_key(k).as_str(), "name" | "type" | "errortype") && {
            v.as_str().is_some_and(|c| {
                let last = c.rsplit(['.', ':', '#']).next().unwrap_or(c);
                looks_like_code(c)
                    && (last.ends_with("Error") || last.ends_with("Exception"))
                    && rules.is_failure_code(c)
            })
        }
    }) && has_message(obj)
}

/// A `google.rpc.Status` in JSON: `{"code": 1..16, "message": ..., "details": [...]}`. Without
/// `details`, the message must itself read as a failure.
fn is_grpc_status(obj: &Map<String, Value>, rules: &Ruleset) -> bool {
    let Some(code) = member(obj, &["code"]).and_then(|(_, v)| v.as_i64()) else {
        return false;
    };
    let Some(message) = member(obj, &["message"]).and_then(|(_, v)| v.as_str()) else {
        return false;
    };
    (1..=16).contains(&code)
        && (obj.contains_key("details") || rules.class_of_text(message).is_some())
}

/// GraphQL `data` beside `errors` that still holds something: a partial success. A `data` whose
/// fields are all null (`{"user": null}`) is the failed query's placeholder.
fn has_some_data(data: &Value) -> bool {
    match data {
        Value::Null => false,
        Value::Object(o) => o.values().any(|v| !v.is_null()),
        _ => true,
    }
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
    obj.iter()
        .filter(|(k, _)| {
            matches!(
                normalise_key(k).as_str(),
                "status" | "statuscode" | "httpstatus" | "httpstatuscode" | "responsecode"
            )
        })
        .filter_map(|(_, v)| as_int(v))
        .find(|s| (400..=599).contains(s))
}

fn has_message(obj: &Map<String, Value>) -> bool {
    obj.iter().any(|(k, v)| {
        let n = normalise_key(k);
        (MESSAGE_KEYS.iter().any(|m| normalise_key(m) == n)
            && v.as_str().is_some_and(|s| !s.trim().is_empty()))
            || n == "error"
    })
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
/// Keys are matched without case or separators (`Error.Code`, `__type`, `errorMessage`).
fn collect(obj: &Map<String, Value>, depth: usize) -> FailureSignal {
    let mut s = FailureSignal::default();
    let members: Vec<(String, &Value)> = obj.iter().map(|(k, v)| (normalise_key(k), v)).collect();
    let is = |n: &str, list: &[&str]| list.iter().any(|k| normalise_key(k) == n);
    for (n, v) in &members {
        if is(n, STATUS_KEYS) || matches!(n.as_str(), "code" | "errorcode") {
            if let Some(x) = as_int(v) {
                if (400..=599).contains(&x) {
                    s.statuses.push(x);
                } else if n == "code" && (1..=16).contains(&x) {
                    s.grpc_codes.push(x);
                }
            }
        }
    }
    // Codes in the order of CODE_KEYS: a specific `code` before a generic `type`.
    for key in CODE_KEYS {
        let k = normalise_key(key);
        for (n, v) in &members {
            if *n == k {
                if let Some(c) = v.as_str() {
                    if looks_like_code(c)
                        && c.parse::<i64>().is_err()
                        && !s.codes.iter().any(|x| x == c)
                    {
                        s.codes.push(c.to_string());
                    }
                }
            }
        }
    }
    for (n, v) in &members {
        if !is(n, MESSAGE_KEYS) && n != "faultstring" {
            continue;
        }
        match v {
            Value::String(m) if !m.trim().is_empty() => s.messages.push(m.clone()),
            Value::Array(items) if n == "details" => {
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
    if let Some((_, Value::Array(content))) = member(obj, &["content"]) {
        for part in content.iter().take(4) {
            if let Some(t) = part.get("text").and_then(Value::as_str) {
                s.messages.push(t.to_string());
            }
        }
    }
    if depth >= 3 {
        return s;
    }
    for (n, v) in &members {
        if !ERROR_MEMBERS.contains(&n.as_str()) {
            continue;
        }
        match v {
            Value::String(m) if is_meaningful_error(v) => {
                if looks_like_code(m) {
                    s.codes.push(m.clone());
                }
                s.messages.push(m.clone());
            }
            Value::Object(inner) => {
                let inner = collect(inner, depth + 1);
                merge_front(&mut s, inner);
            }
            Value::Array(items) => {
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
    if let Some((_, Value::Object(ext))) = member(obj, &["extensions"]) {
        if let Some(c) = ext.get("code").and_then(Value::as_str) {
            s.codes.push(c.to_string());
        }
    }
    s
}

/// The evidence of an error body: the statuses, codes and messages of a JSON object, wherever
/// the body came from (an MCP error's text, an exception message that quotes the response).
pub fn evidence(value: &Value) -> Option<FailureSignal> {
    match value {
        Value::Object(obj) => Some(collect(obj, 0)),
        _ => None,
    }
}

/// Largest message searched for a quoted JSON body.
const MAX_QUOTED_BODY: usize = 16 * 1024;

/// The evidence of a JSON error body quoted in a message: the message itself
/// (`{"errors":[{"extensions":{"code":"invalid-jwt"}, ...}]}`) or its tail after a prefix
/// (`The server responded with: {"error": "invalid_auth"}`).
pub fn evidence_in_text(message: &str) -> Option<FailureSignal> {
    if message.len() > MAX_QUOTED_BODY {
        return None;
    }
    let at = message.find('{')?;
    let body = message[at..].trim_end();
    if !body.ends_with('}') {
        return None;
    }
    serde_json::from_str::<Value>(body)
        .ok()
        .as_ref()
        .and_then(evidence)
}

/// Nested error objects are more specific than their envelope: put their evidence first.
pub(super) fn merge_front(into: &mut FailureSignal, mut inner: FailureSignal) {
    inner.statuses.append(&mut into.statuses);
    inner.grpc_codes.append(&mut into.grpc_codes);
    inner.codes.append(&mut into.codes);
    inner.messages.append(&mut into.messages);
    *into = inner;
}
